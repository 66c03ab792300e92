"""Derive the tidy files in data/ from the immutable copies in data/raw/.

    python tools/build_data.py          # (re)write the derived files
    python tools/build_data.py --check  # exit 1 if a derived file differs from what raw/ gives

Raw files are never edited; every derived file gets a provenance sidecar that
names the raw file and its sha256, so each number traces back to a source row.
Deterministic: the same raw files give byte-identical outputs.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "shared-2022"

TRENDS_EXPORT = RAW / "google_trends_weekly_2021-03_2022-03_emigration_terms.csv"
EVENTS_RAW = RAW / "events_2022.csv"

EXPORT_CITATION = ("Google Trends (weekly export, 2021-03-21 to 2022-03-13), as published in the public "
                   "repository NicoleGolden/Russian_project, file data/keywords_all.csv "
                   "(commit fa221d9bbbaac1d0a816a653b9f35bfcc8a9cf21).")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def build_invasion_trends() -> dict[Path, str]:
    """The real weekly export as a tidy series file (one row per week and query)."""
    with TRENDS_EXPORT.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    last_week = max(r["week_start"] for r in rows)
    out = []
    for r in rows:
        out.append([r["week_start"], r["query_ru"], "RU", r["value"], r["value"], r["value"], "1",
                    "true" if r["week_start"] == last_week else "false", "week",
                    "google-trends-web-export"])
    out.sort(key=lambda x: (x[1], x[0]))
    target = ROOT / "data" / "trends" / "invasion-2022_weekly-emigration-terms.csv"
    text = _csv_text(["date", "query", "geo", "value", "value_low", "value_high", "n_samples",
                      "is_partial", "resolution", "source"], out)
    series = sorted({(r["series"], r["query_ru"]) for r in rows})
    prov = {
        "source": "google-trends-web-export",
        "illustrative": False,
        "description": ("Real weekly Google Trends index for 8 emigration-related Russian queries, "
                        f"{min(r['week_start'] for r in rows)} to {last_week}, one row per week and query."),
        "citation": EXPORT_CITATION,
        "licence": "Google Trends data; reuse with attribution to Google Trends (see data/README.md).",
        "notes": ("Geography is not stated in the export (presumably Russia; geo 'RU' here is that "
                  "presumption). Each query is scaled to its own maximum (100) over the whole span, so "
                  "queries are not comparable with each other. The last week "
                  f"({last_week}) may be partial and is flagged is_partial=true."),
        "resolution": "week",
        "scaling": "each series to its own maximum = 100 over the span",
        "geo_stated_in_source": False,
        "queries": [{"query": q, "series_name_in_source": s} for s, q in series],
        "derived_from": [{"file": _rel(TRENDS_EXPORT), "sha256": _sha(TRENDS_EXPORT)}],
        "derived_by": "tools/build_data.py",
    }
    return {target: text, target.with_name(target.stem + ".provenance.json"): _json(prov)}


def build_events() -> dict[Path, str]:
    """The 2022 event calendar, with a stable id per row."""
    with EVENTS_RAW.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    out = [[f"ev{i + 1:03d}"] + [r[c] for c in fields] for i, r in enumerate(rows)]
    target = ROOT / "data" / "events" / "events_2022.csv"
    prov = {
        "source": "compiled from public reports (one source URL per row)",
        "illustrative": False,
        "description": "Dated events of 2022: invasion, visa and entry rules, mobilization, annexation.",
        "citation": "trendlib events calendar 2022; each row cites its own source_url and source_org.",
        "licence": "Facts with their sources; the compilation is CC BY 4.0 (see data/README.md).",
        "notes": "One row is dated only to the month (2022-05); it is kept but not drawn on daily charts.",
        "derived_from": [{"file": _rel(EVENTS_RAW), "sha256": _sha(EVENTS_RAW)}],
        "derived_by": "tools/build_data.py",
    }
    return {target: _csv_text(["id"] + fields, out),
            target.with_name(target.stem + ".provenance.json"): _json(prov)}


def _json(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


BUILDERS = [build_invasion_trends, build_events]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify instead of writing")
    args = ap.parse_args(argv)
    stale = []
    for build in BUILDERS:
        for path, text in build().items():
            if args.check:
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    stale.append(_rel(path))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote {_rel(path)}")
    if stale:
        print("out of date with data/raw (run: python tools/build_data.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
