"""The shipped studies load, every data file they name has a provenance sidecar, and illustrative
data is marked as such in its name and its provenance."""
from __future__ import annotations

import json

import pytest

import trendlib
from trendlib.datasets import (load_crossings, load_events, load_facts, load_trend_samples, load_trends,
                               select_series)
from trendlib.provenance import sidecar_path

from .conftest import DATA, ROOT

STUDIES = sorted((ROOT / "studies").glob("*.yaml"))
LOADERS = {"trends": load_trends, "events": load_events, "crossings": load_crossings, "facts": load_facts,
           "pageviews": trendlib.datasets.load_pageviews}


def test_both_studies_are_shipped():
    assert {p.stem for p in STUDIES} >= {"invasion-2022", "mobilization-2022"}


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_study_loads_and_its_files_load(path):
    study = trendlib.load_study(path)
    for role, file in study.data_files().items():
        frame = LOADERS[role](file)
        assert len(frame) > 0
    trends = load_trends(study.trends)
    chosen = select_series(trends, queries=study.terms, geo=study.geo, start=study.start, end=study.end)
    assert set(chosen["query"]) == set(study.terms)


@pytest.mark.parametrize("path", STUDIES, ids=[p.stem for p in STUDIES])
def test_every_named_file_has_a_provenance_sidecar(path):
    study = trendlib.load_study(path)
    for role, file in study.data_files().items():
        side = sidecar_path(file)
        assert side.is_file(), f"{study.name}: {role} file {file.name} has no {side.name}"
        meta = json.loads(side.read_text(encoding="utf-8"))
        for key in ("source", "illustrative", "description", "citation", "licence"):
            assert meta.get(key) not in (None, ""), f"{side.name}: {key} is empty"
        assert bool(meta["illustrative"]) == ("illustrative" in file.name), side.name


def test_every_data_file_has_a_sidecar():
    files = [p for p in DATA.rglob("*.csv") if "raw" not in p.parts]
    assert len(files) >= 6
    for p in files:
        assert sidecar_path(p).is_file(), p


def test_invasion_study_is_real_and_says_its_geography_is_not_stated():
    study = trendlib.load_study(ROOT / "studies" / "invasion-2022.yaml")
    prov = trendlib.read_provenance(study.trends)
    assert prov["illustrative"] is False and prov["source"] == "google-trends-web-export"
    assert "not stated" in prov["notes"]
    assert all(not trendlib.read_provenance(p)["illustrative"] for p in study.data_files().values())


def test_mobilization_study_matches_the_brief():
    study = trendlib.load_study(ROOT / "studies" / "mobilization-2022.yaml")
    assert (study.geo, str(study.start), str(study.end), str(study.event_date)) == (
        "RU", "2022-08-01", "2022-10-31", "2022-09-21")
    assert study.terms == ["как уехать из России", "отсрочка от армии", "как сломать руку",
                           "куда уехать без визы", "мобилизация"]
    assert study.labels["как уехать из России"] == "how to leave Russia"
    assert {r: p.name for r, p in study.data_files().items()} == {
        "trends": "mobilization-2022_daily_illustrative.csv", "events": "events_2022.csv",
        "crossings": "crossings_2022.csv", "facts": "search_facts_2022.csv",
        "pageviews": "mobilization-2022_daily_illustrative.csv"}
    prov = trendlib.read_provenance(study.trends)
    assert prov["illustrative"] is True and prov["source"] == "illustrative"
    trends = load_trends(study.trends)
    assert set(trends["source"]) == {"illustrative"}
    samples = load_trend_samples(study.trends)
    assert samples["sample"].nunique() >= 5 and set(samples["query"]) == set(study.terms)
    # the series is the per-day mean of its samples, with the samples' range as its band
    g = samples.groupby(["date", "query"])["value"]
    merged = trends.set_index(["date", "query"]).join(g.mean().rename("m")).join(g.min().rename("lo")).join(
        g.max().rename("hi"))
    assert (merged["value"] - merged["m"]).abs().max() <= 0.005
    assert (merged["value_low"] == merged["lo"]).all() and (merged["value_high"] == merged["hi"]).all()
    # the study's non-trends data is real
    for role in ("events", "crossings", "facts"):
        assert trendlib.read_provenance(study.data_files()[role])["illustrative"] is False
