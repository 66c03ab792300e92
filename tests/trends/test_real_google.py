"""trendlib against real Google answers: pytrends' recorded cassettes (2023-03-26), decoded in tests/fixtures/google.

The bodies are Google's own (see MANIFEST.json: source, cassette, recording date, sha256). These
tests check trendlib's parsers, its plan and stitching assumptions against them, and that the
fake Google answers the same way wherever trendlib depends on it.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from trendlib.testing import FakeGoogle, simulate
from trendlib.trends.client import TrendsClient, parse_comparedgeo, parse_multiline, parse_related, strip_prefix
from trendlib.trends.plan import expected_resolution

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "google"
MANIFEST = json.loads((HERE / "MANIFEST.json").read_text(encoding="utf-8"))


def body(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def entry(name: str) -> dict:
    return next(m for m in MANIFEST["files"] if m["file"] == name)


def test_fixtures_are_the_recorded_bodies_with_their_source():
    assert "pytrends" in MANIFEST["origin"]["package"] and MANIFEST["files"]
    for m in MANIFEST["files"]:
        assert hashlib.sha256(body(m["file"]).encode()).hexdigest() == m["sha256"]
        assert "Mar 2023" in m["recorded"] and m["cassette"].startswith("tests/cassettes/")


def test_weekly_answer_starts_on_the_first_sunday_with_a_partial_last_week():
    m = entry("interest_over_time_partial.txt")
    start, end = m["widget_request"]["time"].split(" ")          # 2018-03-26 2023-03-26 (a Monday)
    assert m["widget_request"]["resolution"] == "WEEK" == expected_resolution(start, end).upper()
    f = parse_multiline(body(m["file"]), terms=["pizza", "bagel"], resolution="week", expected="week")
    one = f[f["query"] == "pizza"].reset_index(drop=True)
    first_sunday = pd.Timestamp(start) + pd.Timedelta(days=(6 - pd.Timestamp(start).day_of_week) % 7)
    assert one["date"].iloc[0] == first_sunday == pd.Timestamp("2018-04-01")
    assert len(one) == 260 and (one["date"].dt.day_of_week == 6).all()   # Sunday-start weeks
    assert one["is_partial"].tolist() == [False] * 259 + [True]
    # the partial point is the running week at a normal level, not a stub
    assert one["value"].iloc[-1] > 0.5 * one["value"].iloc[-27:-1].median()


def test_the_fake_answers_weeks_as_google_does():
    m = entry("interest_over_time_partial.txt")
    start, end = m["widget_request"]["time"].split(" ")
    flat = simulate.google_pull(lambda q, g, i: pd.Series(1000.0, index=i).to_numpy(), terms=["pizza"], geo="",
                                start=start, end=end, fetch_day="2023-03-26", seed=0)
    real = parse_multiline(body(m["file"]), terms=["pizza", "bagel"], resolution="week", expected="week")
    real = real[real["query"] == "pizza"].reset_index(drop=True)
    assert list(pd.to_datetime(flat["date"])) == list(real["date"])
    assert flat["is_partial"].tolist() == real["is_partial"].tolist()
    assert flat["value"].iloc[-1] >= 0.8 * flat["value"].iloc[-2]


def test_daily_answer_and_the_plan_agree():
    m = entry("interest_over_time_ok.txt")
    start, end = m["widget_request"]["time"].split(" ")
    assert m["widget_request"]["resolution"] == "DAY" and expected_resolution(start, end) == "day"
    f = parse_multiline(body(m["file"]), terms=["pizza", "bagel"], resolution="day", expected="day")
    assert sorted(f["date"].dt.strftime("%Y-%m-%d").unique()) == [f"2021-01-0{d}" for d in range(1, 6)]
    assert f["value"].max() == 100


def test_regions_with_no_data_rows_and_cities_with_coordinates():
    f = parse_comparedgeo(body("interest_by_region_ok.txt"), terms=["pizza", "bagel"])
    raw = strip_prefix(body("interest_by_region_ok.txt"))["default"]["geoMapData"]
    nodata = sum(1 for r in raw if not any(r["hasData"]))
    assert nodata > 0 and int(f["value"].isna().sum()) == 2 * nodata   # no data is NaN, never 0
    c = parse_comparedgeo(body("interest_by_region_city_resolution.txt"), terms=["pizza", "bagel"])
    craw = strip_prefix(body("interest_by_region_city_resolution.txt"))["default"]["geoMapData"]
    assert all("coordinates" in r and "geoCode" not in r for r in craw)
    assert c["region_code"].str.contains('"lat"').all() and c["region"].ne("").all()


def test_related_topics_are_objects_with_mid_title_type():
    f = parse_related(body("related_topics_result_top.txt"), term="pizza")
    assert (f["related_type"] == "topic").all() and f["topic_mid"].str.startswith("/").all()
    assert f["topic_type"].ne("").all() and f["related"].ne("").all()
    q = parse_related(body("related_queries_result_top.txt"), term="pizza")
    assert (q["related_type"] == "query").all() and (q["topic_mid"] == "").all()


def test_the_fake_answers_topics_and_cities_in_google_s_shape():
    real_topic = strip_prefix(body("related_topics_result_top.txt"))["default"]["rankedList"][0]["rankedKeyword"][0]
    real_city = strip_prefix(body("interest_by_region_city_resolution.txt"))["default"]["geoMapData"][0]
    with FakeGoogle(today="2023-03-26") as fake:
        client = TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001)
        raw = client.related_topics("pizza", timeframe="2021-01-01 2021-12-31")
        item = strip_prefix(raw.text)["default"]["rankedList"][0]["rankedKeyword"][0]
        assert set(item) == set(real_topic) and set(item["topic"]) == set(real_topic["topic"])
        city = client.interest_by_region(["pizza"], timeframe="2021-01-01 2021-12-31", geo="US", resolution="CITY")
        row = strip_prefix(city.text)["default"]["geoMapData"][0]
        assert set(row) == set(real_city) and set(row["coordinates"]) == {"lat", "lng"}
    f = parse_related(raw.text, term="pizza")
    assert (f["related_type"] == "topic").all() and f["topic_mid"].str.startswith("/m/").all()


@pytest.mark.parametrize("name", ["interest_over_time_partial.txt", "interest_over_time_ok.txt"])
def test_stitching_assumption_weeks_are_sunday_periods(name):
    from trendlib.trends.stitch import aggregate_periods
    f = parse_multiline(body(name), terms=["pizza", "bagel"], resolution="", expected=None)
    if f["resolution"].iloc[0] == "week":
        days = f.loc[f["query"] == "pizza", ["date", "query", "value"]]
        daily = days.assign(date=days["date"]).copy()
        agg = aggregate_periods(daily, resolution="week", complete_only=False)
        assert set(agg["date"]) == set(days["date"])   # each Google week is one trendlib period
