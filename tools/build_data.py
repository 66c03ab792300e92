"""Derive the tidy files in data/ from the immutable copies in data/raw/.

    python tools/build_data.py          # (re)write the derived files
    python tools/build_data.py --check  # exit 1 if a derived file differs from what raw/ gives

Raw files are never edited; every derived file gets a provenance sidecar that
names the raw file and its sha256, so each number traces back to a source row.
Deterministic: the same raw files give byte-identical outputs. Every CSV is written by
trendlib's one CSV writer (:func:`trendlib._io.csv_text`), so a text cell starting with ``=``,
``+``, ``-`` or ``@`` gets a leading ``'`` and cannot run as a spreadsheet formula; trendlib's
loaders drop that quote again.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trendlib._io import csv_text  # noqa: E402 - after the checkout is on the path

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
    """Rows of text cells under ``header`` as spreadsheet-safe CSV text."""
    import pandas as pd
    return csv_text(pd.DataFrame(rows, columns=header, dtype=object), index=False)


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


CROSSINGS_RAW = RAW / "border_crossings_2022.csv"
DAILY_RAW = RAW / "daily_crossings_2022.csv"
FACTS_RAW = RAW / "search_interest_facts_2022.csv"
ADDITIONS_RAW = ROOT / "data" / "raw" / "shared-2022-additions" / "border_crossings_2022_additions.csv"
MANIFEST = ROOT / "data" / "raw" / "MANIFEST.yaml"

CROSSINGS_COLUMNS = ["id", "period_start", "period_end", "window", "country", "crossing", "footprint",
                     "counted_by", "direction", "direction_reported", "population", "value", "value_max",
                     "qualifier", "unit", "source_org", "source_url", "confidence", "notes"]

# Two rows share a footprint only when they describe the same stretch of border.
# Default: "<country>/<crossing>" slugged, so differently worded crossings never mix.
# Merged here, by hand, only where the wording differs but the border is the same:
FOOTPRINT_SAME = {
    ("Finland", "SE Finland Border Guard District (all 5)"):
        "finland/se-border-guard-district-5-checkpoints",
    ("Finland", "SE Finland Border Guard District (Vaalimaa+Nuijamaa+Vainikkala+Imatra+Parikkala)"):
        "finland/se-border-guard-district-5-checkpoints",
    ("Finland", "SE Finland (Imatra+Nuijamaa+Vaalimaa)"): "finland/se-3-checkpoints",
    ("Finland", "eastern land border (all)"): "finland/eastern-land-border-all",
    ("Finland", "SE Finland (Imatra+Nuijamaa+Vaalimaa) ('south-eastern part of the border')"):
        "finland/se-3-checkpoints",
    ("Finland", "eastern land border (all) (as reported)"): "finland/eastern-land-border-all",
    ("Mongolia", "Altanbulag"): "mongolia/altanbulag",
    ("Mongolia", "Altanbulag (Kyakhta-Altanbulag)"): "mongolia/altanbulag",
}

# reported direction -> (direction relative to the counting side, who counted)
_DIRECTION_WORDS = {"both_directions": "both", "refused_entry": "refused", "registrations": "registered",
                    "stay_extensions": "stay_extended", "net_stayed": "net_stayed"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _footprint(country: str, crossing: str) -> str:
    return FOOTPRINT_SAME.get((country, crossing)) or f"{_slug(country)}/{_slug(crossing)}"


def _direction(reported: str, country: str) -> tuple[str, str]:
    """(direction, counted_by): direction is relative to the side that counted."""
    if reported == "exit_from_Russia":
        return "exit", "Russia"
    if reported.startswith("entry_to_"):
        return "entry", country
    if reported.startswith("exit_from_") or reported == "exit_to_Russia":
        return "exit", country
    if reported.startswith("arrived_and_still_present_"):
        return "present", country
    if reported in _DIRECTION_WORDS:
        return _DIRECTION_WORDS[reported], country
    raise SystemExit(f"{_rel(CROSSINGS_RAW)}: unknown direction {reported!r}; add it to tools/build_data.py")


def build_crossings() -> dict[Path, str]:
    """Border-crossing figures as reported periods, one row per source row, with id and footprint.

    Values are copied unchanged (ranges keep value and value_max). ``window`` comes from the
    single-day subset file (calendar day vs a 24-hour window ending on period_end); every row of
    that subset must match a row of the full file, or the build fails.
    """
    with CROSSINGS_RAW.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with DAILY_RAW.open(encoding="utf-8") as fh:
        daily = list(csv.DictReader(fh))
    match_key = ("date_start", "date_end", "country", "crossing", "direction", "value", "source_url")
    windows: dict[tuple, str] = {}
    for d in daily:
        windows[tuple(d[k] for k in match_key)] = ("calendar_day" if d["window"] == "calendar day"
                                                    else "24h_to_end" if d["window"].startswith("24h window")
                                                    else d["window"])
    full_keys = {tuple(r[k] for k in match_key) for r in rows}
    unmatched = [k for k in windows if k not in full_keys]
    if unmatched:
        raise SystemExit(f"{_rel(DAILY_RAW)}: {len(unmatched)} row(s) not in {_rel(CROSSINGS_RAW)}: {unmatched[:2]}")
    out = []
    for i, r in enumerate(rows):
        key = tuple(r[k] for k in match_key)
        window = windows.get(key) or ("calendar_day" if r["date_start"] == r["date_end"] else "period")
        direction, counted_by = _direction(r["direction"], r["country"])
        out.append([f"cr{i + 1:03d}", r["date_start"], r["date_end"], window, r["country"], r["crossing"],
                    _footprint(r["country"], r["crossing"]), counted_by, direction, r["direction"],
                    r["population"], r["value"], r["value_max"], r["qualifier"], r["unit"], r["source_org"],
                    r["source_url"], r["confidence"], r["notes"]])
    added, left_out = _additions(start=len(out) + 1)
    out += added
    target = ROOT / "data" / "crossings" / "crossings_2022.csv"
    prov = {
        "source": "compiled from public reports (one source_url and source_org per row)",
        "illustrative": False,
        "description": ("Border-crossing and exit figures of 2022 as reported periods (Finland, Georgia, "
                        "Kazakhstan, Frontex/EU, FSB quarterly exits, Mongolia, Norway, Estonia, ...), one "
                        "row per published figure."),
        "citation": ("trendlib border-crossing figures 2022; each row cites its own source_url and "
                     "source_org (official figures as relayed by the press)."),
        "licence": "Facts with their sources; the compilation is CC BY 4.0 (see data/README.md).",
        "notes": ("Values are exactly as reported (ranges keep value and value_max; 'lower_bound' means "
                  "'more than'). Rows from the additions file keep the quoted sentence in notes ('quote: ...'); "
                  "Lapland's weekly figures are two-way border checks at Salla and Raja-Jooseppi (their own "
                  "footprint), Verkhny Lars' weekly figures two-way totals counted by North Ossetia. "
                  "Values are exactly as reported (ranges keep value and value_max; 'lower_bound' means "
                  "'more than'). Many figures are cumulative since 21 Sep 2022: daily values come only from "
                  "trendlib.datasets.derive_crossing_series. Conflicting reports of the same figure are all "
                  "kept (see notes 'CONFLICT'). Finland has two footprints (all eastern checkpoints vs the "
                  "three south-eastern ones) that must never be mixed."),
        "rows": len(out),
        "footprints_merged_by_hand": [{"country": c, "crossing": x, "footprint": f}
                                      for (c, x), f in FOOTPRINT_SAME.items()],
        "derived_from": [{"file": _rel(CROSSINGS_RAW), "sha256": _sha(CROSSINGS_RAW)},
                         {"file": _rel(DAILY_RAW), "sha256": _sha(DAILY_RAW), "used_for": "window"},
                         {"file": _rel(ADDITIONS_RAW), "sha256": _sha(ADDITIONS_RAW),
                          "used_for": f"rows cr{len(out) - len(added) + 1:03d}-cr{len(out):03d}",
                          "mapping": ADDITIONS_MAPPING}],
        "left_out_of_additions": left_out,
        "derived_by": "tools/build_data.py",
    }
    return {target: _csv_text(CROSSINGS_COLUMNS, out),
            target.with_name(target.stem + ".provenance.json"): _json(prov)}


ADDITIONS_MAPPING = (
    "period_start/period_end as given; window = calendar_day for one-day rows, else period; country and "
    "border_point -> country and crossing (footprint from them, never merged with another border except the "
    "hand-listed rewordings above); direction as in the main file; count 'a-b' -> value a, value_max b, "
    "qualifier range; otherwise qualifier lower_bound when quote or notes say 'more than' (yli, более, over, "
    "lower bound), approx when they say about/almost/approximately (noin, lähes, около, почти, ~, approx), "
    "else exact; unit: persons* -> persons, crossings*/border checks*/entries/exit events -> crossings "
    "(per-day statements -> persons_per_day), the parenthesis -> population; counted_by and reported_by -> "
    "source_org ('<counted_by> via <reported_by>'); quote appended to notes. Vehicle counts are left out "
    "(not people).")
_LOWER = re.compile(r"more than|\byli\b|более|\bover\b|lower bound|at least", re.I)
_APPROX = re.compile(r"\babout\b|almost|approx|\bnoin\b|lähes|около|почти|~|around|some ", re.I)


def _additions_unit(unit: str) -> tuple[str, str] | None:
    """(unit, population) for the additions' unit wording; None for what is not people."""
    u = unit.strip()
    paren = re.search(r"\(([^)]*)\)", u)
    population = paren.group(1) if paren else "as reported"
    if u.startswith("vehicles"):
        return None
    if "per day" in u:
        return "persons_per_day", "as reported"
    if u.startswith("persons"):
        if "," in population:
            population = population.split(",")[0]
        return "persons", ("all persons (external border traffic)" if "external" in u else population)
    if u.startswith("border checks"):
        return "crossings", "all persons (border checks, both directions)"
    if u.startswith(("crossings", "entries", "exit events")):
        return "crossings", population.split(",")[0] if paren else "as reported"
    raise SystemExit(f"{_rel(ADDITIONS_RAW)}: unknown unit {unit!r}; add it to tools/build_data.py")


def _additions(start: int) -> tuple[list[list[str]], list[dict]]:
    """The additions file's rows in the crossings schema (ids from ``cr<start>``) and those left out."""
    with ADDITIONS_RAW.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out, left = [], []
    for line, r in enumerate(rows, start=2):
        mapped = _additions_unit(r["unit"])
        if mapped is None:
            left.append({"line": line, "reason": f"unit {r['unit']!r} is not people",
                         "source_url": r["source_url"]})
            continue
        unit, population = mapped
        count = r["count"].strip()
        if "-" in count:
            value, value_max, qualifier = *count.split("-", 1), "range"
        else:
            said = f"{r['quote']} {r['notes']}"
            value, value_max = count, ""
            qualifier = "lower_bound" if _LOWER.search(said) else "approx" if _APPROX.search(said) else "exact"
        direction, counted_by = _direction(r["direction"], r["country"])
        notes = "; ".join(x for x in (r["notes"].strip(), f"quote: {r['quote'].strip()}") if x)
        out.append([f"cr{start + len(out):03d}", r["period_start"], r["period_end"],
                    "calendar_day" if r["period_start"] == r["period_end"] else "period", r["country"],
                    r["border_point"], _footprint(r["country"], r["border_point"]), counted_by, direction,
                    r["direction"], population, value, value_max, qualifier, unit,
                    f"{r['counted_by']} via {r['reported_by']}", r["source_url"], r["confidence"], notes])
    return out, left


FACTS_COLUMNS = ["id", "date_start", "date_end", "date_text", "date_precision", "time_local", "geo",
                 "engine", "query", "query_en", "metric", "value", "qualifier", "value_text", "timestamp",
                 "unit", "unit_text", "index_window", "source_org", "source_url", "confidence", "notes"]
_RATIO = re.compile(r"^(almost |~|>)?(\d+(?:\.\d+)?)x\b")


def _month_end(ym: str) -> str:
    import calendar
    y, m = map(int, ym.split("-"))
    return f"{ym}-{calendar.monthrange(y, m)[1]:02d}"


def _fact_dates(text: str) -> tuple[str, str, str]:
    """(date_start, date_end, precision) for the date forms of the facts file."""
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        return t, t, "day"
    if re.fullmatch(r"\d{4}-\d{2}", t):
        return t + "-01", _month_end(t), "month"
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", t)
    if m:
        return m.group(1), m.group(2), "period"
    m = re.fullmatch(r"(\d{4}-\d{2})\.\.(\d{4}-\d{2})", t)
    if m:
        return m.group(1) + "-01", _month_end(m.group(2)), "period"
    parts = [p.strip() for p in re.split(r";| / ", t)]
    if len(parts) > 1:
        firsts = [_fact_dates(p) for p in parts]
        return min(f[0] for f in firsts), max(f[1] for f in firsts), "list"
    raise SystemExit(f"{_rel(FACTS_RAW)}: date {text!r} has no known form; add it to tools/build_data.py")


def _fact_value(r: dict) -> tuple[str, str, str]:
    """(value, qualifier, timestamp) parsed from the reported value text, which is kept verbatim."""
    text, unit_text = r["value"].strip(), r["unit"]
    if r["metric"] == "peak_time_of_index":
        return "", "", text
    if re.fullmatch(r"\d+", text):
        if "lower bound" in unit_text:
            return text, "lower_bound", ""
        if "approx" in unit_text:
            return text, "approx", ""
        return text, "as_reported", ""
    m = _RATIO.match(text)
    if m:
        return m.group(2), {"almost ": "upper_bound", "~": "approx", ">": "lower_bound"}.get(
            m.group(1) or "", "approx"), ""
    return "", "", ""


def build_facts() -> dict[Path, str]:
    """Published search-interest facts, one row per fact, numbers parsed where the text is a number."""
    with FACTS_RAW.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for i, r in enumerate(rows):
        start, end, precision = _fact_dates(r["date"])
        value, qualifier, stamp = _fact_value(r)
        unit = r["unit"].split(" (")[0].strip()
        out.append([f"sf{i + 1:03d}", start, end, r["date"], precision, r["time_local"], r["geo"],
                    r["engine"], r["query"], r["query_en"], r["metric"], value, qualifier, r["value"], stamp,
                    unit, r["unit"], r["index_window"], r["source_org"], r["source_url"], r["confidence"],
                    r["notes"]])
    target = ROOT / "data" / "facts" / "search_facts_2022.csv"
    prov = {
        "source": "compiled from press reports of Google Trends and Yandex Wordstat (one source_url per row)",
        "illustrative": False,
        "description": ("Published facts about 2022 search interest in Russia: Google Trends peak times, "
                        "index values and fold changes, Yandex Wordstat weekly and monthly query counts."),
        "citation": "trendlib search-interest facts 2022; each row cites its own source_url and source_org.",
        "licence": "Facts with their sources; the compilation is CC BY 4.0 (see data/README.md).",
        "notes": ("Facts to print beside a chart or to check a pull against, not a series. value_text is the "
                  "reported wording, verbatim; value is a number only where that wording is one (a count, an "
                  "index value, or the factor of an 'Nx' fold change), with qualifier saying how to read it. "
                  "Yandex counts are query impressions, Google values are a 0-100 index: never one axis."),
        "rows": len(out),
        "derived_from": [{"file": _rel(FACTS_RAW), "sha256": _sha(FACTS_RAW)}],
        "derived_by": "tools/build_data.py",
    }
    return {target: _csv_text(FACTS_COLUMNS, out),
            target.with_name(target.stem + ".provenance.json"): _json(prov)}


ILLUSTRATIVE_TARGET = ROOT / "data" / "trends" / "mobilization-2022_daily_illustrative.csv"


def _frame_csv(frame) -> str:
    """A frame as CSV text: ISO dates, true/false flags, numbers without trailing zeros, NaN empty."""
    out = frame.copy()
    for col in out.columns:
        if str(out[col].dtype).startswith("datetime64"):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif str(out[col].dtype) == "bool":
            out[col] = out[col].map({True: "true", False: "false"})
    return csv_text(out, index=False, float_format="%.10g")


def build_illustrative() -> dict[Path, str]:
    """The ILLUSTRATIVE daily series of mobilization-2022 (simulated; fixed seed), with samples.

    Made by trendlib.datasets.illustrative.make_illustrative; its assumptions are tied to the
    facts file by id and written into the provenance sidecar.
    """
    from trendlib.datasets.illustrative import make_illustrative
    from trendlib.datasets.trends import samples_path

    made = make_illustrative()
    prov = dict(made.provenance)
    prov["derived_by"] = "tools/build_data.py (trendlib.datasets.illustrative.make_illustrative)"
    prov["samples_file"] = _rel(samples_path(ILLUSTRATIVE_TARGET))
    samples = samples_path(ILLUSTRATIVE_TARGET)
    sprov = {"source": "illustrative", "illustrative": True,
             "description": ("ILLUSTRATIVE per-sample rows behind " + ILLUSTRATIVE_TARGET.name
                             + ": one simulated Google sample per fetch day. NOT real Google data."),
             "citation": prov["citation"], "licence": prov["licence"],
             "notes": "See " + ILLUSTRATIVE_TARGET.stem + ".provenance.json for the assumptions.",
             "series_file": _rel(ILLUSTRATIVE_TARGET)}
    return {ILLUSTRATIVE_TARGET: _frame_csv(made.series),
            ILLUSTRATIVE_TARGET.with_name(ILLUSTRATIVE_TARGET.stem + ".provenance.json"): _json(prov),
            samples: _frame_csv(made.samples),
            samples.with_name(samples.stem + ".provenance.json"): _json(sprov)}


SWEEP_GEOS = ("RU", "KZ", "BY")
SWEEP_FOLDER = ROOT / "data" / "trends" / "sweep"


def build_sweep_illustrative() -> dict[Path, str]:
    """ILLUSTRATIVE per-country series for the sweep example (sweeps/mobilization-by-country.yaml).

    The mobilization-2022 latent curves with another seed per country and the country's geo code: a
    stand-in so the sweep renders offline. They describe no country; their provenance says so.
    """
    from trendlib.datasets.illustrative import DEFAULT_SEED, make_illustrative

    out: dict[Path, str] = {}
    for i, geo in enumerate(SWEEP_GEOS):
        made = make_illustrative(geo=geo, seed=DEFAULT_SEED + 101 * (i + 1))
        target = SWEEP_FOLDER / f"mobilization-2022-{geo}_daily_illustrative.csv"
        prov = dict(made.provenance)
        prov["description"] = (f"ILLUSTRATIVE, simulated daily Google Trends index for the five mobilization-2022 "
                               f"queries, geo {geo}, made only so that the sweep example runs offline. It re-uses "
                               "the assumptions made for Russia with another seed and says nothing about "
                               f"{geo}. NOT real Google data.")
        prov["notes"] = ("Replace with a real pull (trendlib fetch ... --geo " + geo + ") and point the sweep "
                         "template's trends: line at it. " + prov["notes"])
        prov["derived_by"] = "tools/build_data.py (build_sweep_illustrative)"
        out[target] = _frame_csv(made.series)
        out[target.with_name(target.stem + ".provenance.json")] = _json(prov)
    return out


def check_manifest() -> list[str]:
    """Raw files whose bytes differ from data/raw/MANIFEST.yaml (or that are missing or unlisted)."""
    import yaml
    listed = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["files"]
    problems = []
    base = MANIFEST.parent
    for entry in listed:
        path = base / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']}: listed in MANIFEST.yaml but missing")
        elif _sha(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: sha256 differs from MANIFEST.yaml (raw files are immutable)")
    names = {e["path"] for e in listed}
    for path in sorted(base.rglob("*")):
        if path.is_file() and path != MANIFEST and path.relative_to(base).as_posix() not in names:
            problems.append(f"{path.relative_to(base).as_posix()}: raw file not listed in MANIFEST.yaml")
    return problems


def _json(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


BUILDERS = [build_invasion_trends, build_events, build_crossings, build_facts, build_illustrative,
            build_sweep_illustrative]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify instead of writing")
    args = ap.parse_args(argv)
    raw_problems = check_manifest()
    if raw_problems:
        print("data/raw does not match data/raw/MANIFEST.yaml:\n  " + "\n  ".join(raw_problems))
        return 1
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
