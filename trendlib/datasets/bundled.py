"""The small reference tables shipped inside the package, under ``trendlib/data/`` (each with its sources).

One reader for all of them: the context sentences (:mod:`trendlib.datasets.context`) and the geo matching of
website exports (:mod:`trendlib.datasets.webexport.geo`) read their tables here.
"""
from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["BUNDLED_DATA", "bundled_rows"]

BUNDLED_DATA = Path(__file__).resolve().parents[1] / "data"


def bundled_rows(name: str) -> list[dict[str, str]]:
    """The rows of the CSV table ``trendlib/data/<name>``, as dicts of text (UTF-8, header on line 1)."""
    with open(BUNDLED_DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
