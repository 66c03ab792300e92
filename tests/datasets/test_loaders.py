"""The loaders read good files into the documented columns and types, and the bundled data loads."""
from __future__ import annotations

import pandas as pd

from trendlib.datasets import (CROSSINGS_COLUMNS, SAMPLES_COLUMNS, TRENDS_COLUMNS, events_in_window,
                               load_crossings, load_events, load_facts, load_trend_samples, load_trends,
                               samples_path)

from .conftest import DATA, FIXTURES


def test_crossings_good_file_columns_and_types():
    c = load_crossings(FIXTURES / "crossings_good.csv")
    assert set(CROSSINGS_COLUMNS) <= set(c.columns)
    assert str(c["period_start"].dtype).startswith("datetime64") and c["value"].dtype == float
    assert c["days"].tolist() == [1, 7, 1] and c["unit_base"].tolist() == ["persons"] * 3
    assert c["notes"].iloc[2] == "Sunday, quoted"
    assert c.attrs["file"].endswith("crossings_good.csv")


def test_bom_and_crlf_are_tolerated():
    a = load_crossings(FIXTURES / "crossings_good.csv")
    b = load_crossings(FIXTURES / "crossings_good_bom_crlf.csv")
    assert a.equals(b)


def test_bundled_data_loads():
    c = load_crossings(DATA / "crossings" / "crossings_2022.csv")
    assert len(c) == 150 + 82 and c["id"].is_unique  # the main file and the additions (2 vehicle counts left out)
    assert set(c["direction"]) <= {"entry", "exit", "both", "net_stayed", "present", "refused", "registered",
                                   "stay_extended"}
    # Finland's two footprints are distinct
    fi = set(c.loc[c["country"] == "Finland", "footprint"])
    assert {"finland/eastern-land-border-all", "finland/se-3-checkpoints"} <= fi
    f = load_facts(DATA / "facts" / "search_facts_2022.csv")
    assert len(f) == 33 and f["value_text"].ne("").all()
    peak = f[(f["metric"] == "peak_time_of_index") & (f["query"] == "как уехать из России")].iloc[0]
    assert peak["timestamp"] == "2022-09-20T18:00+03:00"
    week = f[(f["metric"] == "query_count") & (f["date_text"] == "2022-09-19..2022-09-25")
             & (f["query"] == "мобилизация")].iloc[0]
    assert (week["value"], week["qualifier"]) == (33_000_000, "lower_bound")
    e = load_events(DATA / "events" / "events_2022.csv")
    assert len(e) == 32 and e["id"].is_unique
    t = load_trends(DATA / "trends" / "invasion-2022_weekly-emigration-terms.csv")
    assert list(t.columns[:len(TRENDS_COLUMNS)]) == TRENDS_COLUMNS and len(t) == 416


def test_events_in_window_counts_what_it_leaves_out():
    e = load_events(DATA / "events" / "events_2022.csv")
    w = events_in_window(e, "2022-08-01", "2022-10-31")
    lo = w.attrs["left_out"]
    assert len(w) + lo["outside_window"] + lo["month_precision_only"] == len(e)
    assert pd.Timestamp("2022-09-21") in set(w["date"])


def test_trend_samples_beside_a_trends_file():
    s = load_trend_samples(FIXTURES / "trends_good.csv")
    assert list(s.columns) == SAMPLES_COLUMNS
    assert samples_path(FIXTURES / "trends_good.csv").name == "trends_good.samples.csv"
    assert s["value"].isna().sum() == 1 and s["below_one"].sum() == 1
    missing = load_trend_samples(FIXTURES / "crossings_good.csv", missing_ok=True)
    assert missing.empty and missing.attrs["missing"] is True and list(missing.columns) == SAMPLES_COLUMNS


def test_trends_below_one_column_is_parsed():
    t = load_trends(FIXTURES / "trends_good.csv")
    assert t["below_one"].tolist() == [False, False, True]


def test_facts_in_window_matches_study_queries_and_counts_the_rest():
    from trendlib.datasets import facts_in_window
    f = load_facts(DATA / "facts" / "search_facts_2022.csv")
    terms = ["как уехать из России", "отсрочка от армии", "как сломать руку", "куда уехать без визы",
             "мобилизация"]
    w = facts_in_window(f, "2022-08-01", "2022-10-31", queries=terms)
    lo = w.attrs["left_out"]
    assert w["id"].nunique() + lo["outside_window"] + lo["other_query"] + lo["other_engine"] == len(f)
    pairs = set(zip(w["id"], w["matched_query"]))
    assert ("sf003", "как сломать руку") in pairs            # '... в домашних условиях' contains the term
    assert {("sf002", "мобилизация"), ("sf002", "отсрочка от армии")} <= pairs
    assert ("sf001", "как уехать из России") in pairs
    assert not any(q == "куда уехать без визы" for _, q in pairs)  # no published fact for it
    assert (w["date_end"] >= "2022-08-01").all() and (w["date_start"] <= "2022-10-31").all()
    google = facts_in_window(f, "2022-08-01", "2022-10-31", queries=terms, engines=["Google (Trends)"])
    assert set(google["engine"]) == {"Google (Trends)"} and google.attrs["left_out"]["other_engine"] > 0
