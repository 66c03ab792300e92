"""Facts about a study's place and period that decide which caveats its report prints.

Sentences that are true only of some countries or periods (Google's share of search in Russia, the
September 2022 border rules) are not written into the notebooks: their facts live in data files shipped
with the package, each with its source (``trendlib/data/search_engine_share.csv``,
``trendlib/data/caveats.csv``, and their ``.provenance.json``), and a report shows a sentence only when
the study's geo and period make it true. A country without a row gets only the sentence true everywhere.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from trendlib.datasets.bundled import BUNDLED_DATA, bundled_rows

__all__ = ["search_engine_sentence", "study_caveats", "context_files"]



def context_files() -> dict[str, Path]:
    """The data files behind the context sentences (for provenance tables)."""
    return {"search_engine_share": BUNDLED_DATA / "search_engine_share.csv", "caveats": BUNDLED_DATA / "caveats.csv"}


def search_engine_sentence(geo: str) -> str:
    """What Google Trends covers in ``geo``, in one Markdown sentence, with the source when a share is known.

    Uses the latest year recorded for the country of ``geo`` (``RU-MOW`` -> ``RU``). Worldwide and
    unrecorded countries get the sentence that is true everywhere, without numbers.
    """
    country = (geo or "").split("-")[0]
    rows = [r for r in bundled_rows("search_engine_share.csv") if r["geo"] == country]
    if not rows:
        return ("**Google users only.** These results describe people who searched with Google; trendlib has no "
                "recorded figure for Google's share of search here, so check it before generalising to everyone.")
    year = max(r["year"] for r in rows)
    rows = sorted((r for r in rows if r["year"] == year), key=lambda r: -float(r["share_percent"]))
    google = next((r for r in rows if r["engine"] == "Google"), None)
    others = [r for r in rows if r["engine"] != "Google"]
    parts = ", ".join(f"{r['engine']} {_pct(r['share_percent'])}" for r in others)
    where = rows[0]["country"]
    share = f"about {_pct(google['share_percent'])}" if google else "an unrecorded part"
    return (f"**Google was {share} of search in {where} in {year}** ({parts}; {rows[0]['source']}). These results "
            "describe Google users only, and they are not a random part of the population.")


def _pct(text: str) -> str:
    value = float(text)
    return f"{value:.0f} %"


def study_caveats(study, *, notebook: str) -> list[str]:
    """The place- and period-specific caveats for ``notebook`` (its number, e.g. ``"20"``): Markdown bullets'
    texts, the search-engine sentence first."""
    out = [search_engine_sentence(study.geo)]
    country = (study.geo or "").split("-")[0]
    for row in bundled_rows("caveats.csv"):
        if notebook not in row["notebooks"].split():
            continue
        if row["geo"] and row["geo"] != country:
            continue
        start, end = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
        if study.end < start or study.start > end:
            continue
        out.append(row["text"])
    return out
