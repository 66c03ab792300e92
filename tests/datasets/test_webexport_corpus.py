"""The corpus of real website exports (tests/fixtures/webexports/MANIFEST.yaml): every file is read with
the dates, terms, geo codes and values checked by hand, or refused with a message naming the true cause."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from trendlib.datasets.webexport import WebExportError, read_web_export

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "webexports"
MANIFEST = yaml.safe_load((CORPUS / "MANIFEST.yaml").read_text(encoding="utf-8"))
REAL = MANIFEST["real"]


def _check_value(got_value: float, got_below: bool, want) -> None:
    if want == "below_one":
        assert got_below and got_value == 0
    elif want == "missing":
        assert math.isnan(got_value) and not got_below
    elif want == "breakout":
        assert got_below  # the caller passes the breakout flag here
    else:
        assert got_value == want and not (got_below and want != 0)


def test_the_corpus_is_large_and_varied_enough():
    assert len(REAL) >= 40
    assert {p.name for p in (CORPUS / "real").iterdir()} == {e["file"] for e in REAL}
    languages = {e["language"].split()[0].split("-")[0] for e in REAL if "expect" in e}
    assert len(languages - {"unknown"}) >= 15, languages
    for kind in ("timeline", "regions", "related"):
        assert sum(e["kind"] == kind and "expect" in e for e in REAL) >= 8
    for e in REAL:
        assert e["repository"] and e["path"] and len(e["commit"]) == 40 and e["licence"]


@pytest.mark.parametrize("entry", REAL, ids=[e["file"] for e in REAL])
def test_real_export(entry):
    path = CORPUS / "real" / entry["file"]
    if "refuse" in entry:
        with pytest.raises(WebExportError) as info:
            read_web_export(path)
        for word in entry["refuse"]:
            assert word in str(info.value), str(info.value)
        return
    export = read_web_export(path)
    assert export.kind == entry["kind"]
    want = entry["expect"]
    {"timeline": _timeline, "regions": _regions, "related": _related}[export.kind](export, want)


def _timeline(export, want):
    f = export.frame
    assert set(f["resolution"]) == {want["resolution"]}
    assert list(dict.fromkeys(f["query"])) == sorted(want["queries"], key=want["queries"].index) or \
        set(f["query"]) == set(want["queries"])
    assert sorted(set(f["geo"])) == sorted(want["geo"])
    assert f["date"].min() == pd.Timestamp(want["start"]) and f["date"].max() == pd.Timestamp(want["end"])
    assert len(f) == want["rows"]
    for date, query, value in want["values"]:
        row = f[(f["date"] == pd.Timestamp(date)) & (f["query"] == query)]
        assert len(row) == 1, (date, query)
        _check_value(row["value"].iloc[0], bool(row["below_one"].iloc[0]), value)
    assert export.provenance["queries"] == want["queries"]


def _regions(export, want):
    f = export.frame
    assert set(f["level"]) == {want["level"]}
    if "geo" in want:
        assert set(f["geo"]) == {want["geo"]}
    if "measure" in want:
        assert set(f["measure"]) == {want["measure"]}
    assert list(dict.fromkeys(f["query"])) == want["queries"]
    assert set(f["start"]) == {want["start"]} and set(f["end"]) == {want["end"]}
    for region, code, query, value in want["regions"]:
        row = f[(f["region"] == region) & (f["query"] == query)]
        assert len(row) == 1, (region, query)
        assert row["region_code"].iloc[0] == code, (region, row["region_code"].iloc[0])
        _check_value(row["value"].iloc[0], bool(row["below_one"].iloc[0]), value)


def _related(export, want):
    f = export.frame
    assert set(f["query"]) == {want["query"]} and set(f["geo"]) == {want["geo"]}
    assert set(f["related_type"]) == {want["related_type"]}
    if "start" in want:
        assert set(f["start"]) == {want["start"]} and set(f["end"]) == {want["end"]}
    if "rows" in want:
        assert len(f) == want["rows"]
    for kind, rank, related, value in want["related"]:
        row = f[(f["kind"] == kind) & (f["rank"] == rank)]
        assert len(row) == 1 and row["related"].iloc[0] == related, (kind, rank, list(row["related"]))
        if value == "breakout":
            assert bool(row["breakout"].iloc[0]) and math.isnan(row["value"].iloc[0])
        elif value == "below_one":
            assert row["value"].iloc[0] == 0 and row["formatted"].iloc[0].replace(" ", "") == "<1"
        else:
            assert row["value"].iloc[0] == value and not bool(row["breakout"].iloc[0])
