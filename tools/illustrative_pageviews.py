"""The ILLUSTRATIVE daily Wikipedia pageviews of the mobilization-2022 study, and how they are made.

    python tools/illustrative_pageviews.py          # (re)write the file and its provenance
    python tools/illustrative_pageviews.py --check  # exit 1 if the files differ from what this recipe gives

Wikimedia cannot be reached from where trendlib's shipped reports are built, so the study ships
*simulated* daily views of three Russian Wikipedia articles. They are never passed off as real:
the file name contains ``_illustrative``, the provenance says ``source: illustrative`` /
``illustrative: true``, and the report marks every chart and page made from them. With internet
access, ``trendlib pageviews`` (the command in :data:`REPLACE_WITH`) writes the real file.

How (deterministic: the same seed gives byte-identical files): per article an expected number
of views per day (a baseline, level steps, decaying spikes, a weak weekly cycle), each
parameter listed in :data:`ASSUMPTIONS` with the published figure it is tied to (ids ``sf...``
of ``data/facts/search_facts_2022.csv``, ``cr...`` of ``data/crossings/crossings_2022.csv``,
``ev...`` of ``data/events/events_2022.csv``) or marked ASSUMED where no figure exists; then
Poisson counts around it. Days are UTC. The format is ``trendlib pageviews``'s (``date, query,
value, source, project, access, agent, article``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "data" / "pageviews" / "mobilization-2022_daily_illustrative.csv"
START, END = dt.date(2022, 8, 1), dt.date(2022, 10, 31)
PROJECT, ACCESS, AGENT = "ru.wikipedia", "all-access", "user"
SEED = 20220921
COLUMNS = ["date", "query", "value", "source", "project", "access", "agent", "article"]
REPLACE_WITH = ('trendlib pageviews "Мобилизация в России (2022)" "Мобилизация" "Верхний Ларс" --project ru.wikipedia '
                "--start 2022-08-01 --end 2022-10-31 --out data/pageviews/mobilization-2022_daily.csv")

#: per article (as a person writes it): label, latent parameters, and why each has its value
ASSUMPTIONS: dict[str, dict[str, Any]] = {
    "Мобилизация в России (2022)": {
        "label": "2022 mobilization",
        "created": "2022-09-21", "baseline": 0.0,
        "levels": [("2022-09-21", 3500.0)],
        "spikes": [("2022-09-21", 160000.0, 3.0), ("2022-09-30", 15000.0, 2.0)],
        "why": [
            "created 2022-09-21: the article on the partial mobilization is ASSUMED to start the day of Putin's "
            "09:00 MSK address (ev013); earlier days have no views (a real pull answers 404 there)",
            "peak 160,000 views on 21 Sep, half-life 3 days: ASSUMED; the Yandex count of 'мобилизация' rose "
            "from about 0.94 million (12-18 Sep, sf011) to more than 33 million (19-25 Sep, sf020), so the "
            "day of the address dwarfs everything before it",
            "level 3,500 a day afterwards: ASSUMED (a current-events article read steadily while the call-up ran)",
            "second spike 30 Sep (15,000, half-life 2 days): the annexation speech of 30 Sep (ev024) kept "
            "the war in the news; ASSUMED height",
        ],
    },
    "Мобилизация": {
        "label": "mobilization (article)",
        "baseline": 700.0,
        "steps": [("2022-09-05", 158_593 ** 0.5 / 100_000 ** 0.5), ("2022-09-12", (937_800 / 158_593) ** 0.5)],
        "spikes": [("2022-09-20", 2800.0, 0.5), ("2022-09-21", 31500.0, 3.0)],
        "why": [
            "baseline 700 views a day in August: ASSUMED",
            "steps from 5 Sep and 12 Sep: the square roots of the Yandex weekly ratios of 'мобилизация' "
            "(158,593 in 5-11 Sep vs about 100,000 a week in August, sf013/sf021; 937,800 in 12-18 Sep, sf011); "
            "the square root is ASSUMED (a general article responds less than searches)",
            "spike 20 Sep (+2,800 views = 4x the baseline, half-life half a day): the Duma adds 'mobilization' to the Criminal Code and the "
            "address is announced (ev012; search interest peaked at 13:00 MSK, sf002, LOW)",
            "spike 21 Sep (+31,500 views = 45x the baseline, half-life 3 days): the address (ev013); height ASSUMED",
        ],
    },
    "Верхний Ларс": {
        "label": "Upper Lars",
        "baseline": 250.0,
        "spikes": [("2022-09-22", 6000.0, 3.0), ("2022-09-24", 9000.0, 6.0)],
        "why": [
            "baseline 250 views a day: ASSUMED (a border checkpoint's article in quiet weeks)",
            "rise from 22 Sep, the day after the address (+6,000, half-life 3 days), and again from 24 Sep "
            "(+9,000): the queues at Upper Lars, where Georgia counted 53,136 entries in 21-26 Sep (cr082) and "
            "11,200-11,400 on 25 Sep and 10,400-10,500 on 26 Sep (cr086, cr088); heights ASSUMED",
            "half-life 6 days after 24 Sep: North Ossetia counted 115,000 crossings in 19-25 Sep and 41,000 in "
            "3-9 Oct (cr213, cr214), a fall to about 0.36 in two weeks, i.e. a half-life of about 6-7 days",
        ],
    },
}


def _expected(spec: dict[str, Any], day: dt.date) -> float:
    """Expected views on ``day``: level (baseline, times each step passed, or a new level) plus decaying
    spikes (absolute views, halving every ``half_life`` days), times a weak weekly cycle; 0 before creation."""
    if "created" in spec and day < dt.date.fromisoformat(spec["created"]):
        return 0.0
    level = spec["baseline"]
    for when, factor in spec.get("steps", []):
        level *= factor if day >= dt.date.fromisoformat(when) else 1.0
    for when, value in spec.get("levels", []):
        level = value if day >= dt.date.fromisoformat(when) else level
    bump = sum(height * 0.5 ** ((day - dt.date.fromisoformat(when)).days / half_life)
               for when, height, half_life in spec["spikes"] if day >= dt.date.fromisoformat(when))
    weekly = 1.0 + 0.06 * math.cos(2 * math.pi * (day.weekday() - 1) / 7)
    return max(0.0, (level + bump) * weekly)


def _poisson(rng, lam: float) -> int:
    return int(rng.poisson(lam)) if lam > 0 else 0


def make() -> dict[Path, str]:
    """The CSV and its provenance sidecar, as text."""
    import numpy as np
    rng = np.random.default_rng(SEED)
    rows = []
    for article, spec in ASSUMPTIONS.items():
        title = article.replace(" ", "_")
        day = START
        while day <= END:
            rows.append([day.isoformat(), article, str(_poisson(rng, _expected(spec, day))), "illustrative",
                         PROJECT, ACCESS, AGENT, title])
            day += dt.timedelta(days=1)
    csv = ",".join(COLUMNS) + "\n" + "".join(",".join(_field(v) for v in r) + "\n" for r in rows)
    prov = {
        "source": "illustrative", "illustrative": True,
        "description": ("ILLUSTRATIVE, simulated daily Wikipedia pageviews (ru.wikipedia, all-access, user) of three "
                        "articles for the mobilization-2022 study, 2022-08-01..2022-10-31. NOT real Wikimedia data."),
        "citation": "Simulated by tools/illustrative_pageviews.py; not a data source.",
        "licence": "CC0 (simulated numbers).",
        "notes": ("Numbers of views (not an index), simulated from documented assumptions tied to published figures "
                  "where they exist (see assumptions). Replace with a real pull: " + REPLACE_WITH + ". The real API "
                  "counts views per title and does not follow redirects."),
        "generator": "tools/illustrative_pageviews.py", "seed": SEED,
        "project": PROJECT, "access": ACCESS, "agent": AGENT, "granularity": "daily",
        "span": {"start": START.isoformat(), "end": END.isoformat()},
        "articles": [{"query": a, "title": a.replace(" ", "_"), "label": s["label"]} for a, s in ASSUMPTIONS.items()],
        "assumptions": {a: {k: v for k, v in s.items() if k != "label"} for a, s in ASSUMPTIONS.items()},
        "replace_with": REPLACE_WITH,
    }
    side = TARGET.with_name(TARGET.stem + ".provenance.json")
    return {TARGET: csv, side: json.dumps(prov, ensure_ascii=False, indent=2) + "\n"}


def _field(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ',"\n') else value


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="exit 1 if the files differ from what the recipe gives")
    args = p.parse_args(argv)
    stale = []
    for path, text in make().items():
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    for path in stale:
        print(f"out of date (run: python tools/illustrative_pageviews.py): {path.relative_to(ROOT)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
