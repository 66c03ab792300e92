"""trendlib.trends.plan: resolution rule, batches, windows, pins, keys and every validation error."""
from __future__ import annotations

import datetime as dt
import itertools
import math
import re

import numpy as np
import pandas as pd
import pytest

from trendlib.trends import plan as P
from trendlib.trends.errors import BadRequest, TrendsError
from trendlib.trends.plan import (MAX_DAILY_DAYS, MAX_TERMS, PIN_WINDOW, anchor_rounding_error, choose_anchor,
                                  expected_resolution, make_plan)

D = dt.date


# --------------------------------------------------------------------------- resolution rule

@pytest.mark.parametrize("start, end, expected", [
    ("2021-01-01", "2021-01-05", "day"),        # short date spans are still daily (pytrends cassette)
    ("2022-01-01", "2022-09-27", "day"),        # end - start = 269
    ("2022-01-01", "2022-09-28", "week"),       # 270
    ("2021-01-01", "2021-12-31", "week"),       # cassette: WEEK
    ("2017-01-01", "2022-03-15", "week"),       # 1899 days
    ("2017-01-01", "2022-03-16", "month"),      # 1900 days
    ("2004-01-01", "2022-12-31", "month"),
    ("2022-09-18T00", "2022-09-25T00", "hour"),  # exactly 7 days
    ("2022-09-18T00", "2022-09-21T00", "hour"),  # exactly 72 hours
    ("2022-09-18T00", "2022-09-25T01", "day"),   # past 7 days: answered like a date span
])
def test_expected_resolution_follows_googles_span_rule(start, end, expected):
    assert expected_resolution(start, end) == expected


def test_expected_resolution_agrees_with_the_simulator_on_every_boundary():
    from trendlib.testing.simulate import google_resolution
    base = D(2015, 1, 1)
    for d in (0, 7, 8, 268, 269, 270, 271, 1898, 1899, 1900, 1901):
        end = base + dt.timedelta(days=d)
        assert expected_resolution(base, end) == google_resolution(str(base), str(end)), d


def test_expected_resolution_rejects_minute_spans_and_reversed_bounds():
    with pytest.raises(BadRequest, match="under 72 hours"):
        expected_resolution("2022-09-20T00", "2022-09-21T12")
    with pytest.raises(BadRequest, match="before start"):
        expected_resolution("2022-09-20", "2022-09-01")


# --------------------------------------------------------------------------- plans

def test_five_terms_one_batch_no_anchor_one_request():
    p = make_plan(["a", "b", "c", "d", "e"], geo="RU", start="2022-08-01", end="2022-10-31",
                  anchor="c")  # an anchor is pointless with one batch
    assert p.anchor is None
    assert p.batches == (("a", "b", "c", "d", "e"),)
    assert p.windows == ((D(2022, 8, 1), D(2022, 10, 31)),)
    assert p.n_requests == 1 and p.pin_resolution is None
    r = p.requests[0]
    assert (r.purpose, r.batch, r.window, r.resolution) == ("window", 0, 0, "day")
    assert r.timeframe == "2022-08-01 2022-10-31"


@pytest.mark.parametrize("n_terms", range(1, 23))
def test_batches_share_the_anchor_and_cover_every_term_once(n_terms):
    terms = [f"t{i}" for i in range(n_terms)]
    p = make_plan(terms, geo="", start="2022-01-01", end="2022-03-01", anchor=terms[-1])
    assert all(1 <= len(b) <= MAX_TERMS for b in p.batches)
    if n_terms <= MAX_TERMS:
        assert p.anchor is None and p.batches == (tuple(terms),)
        return
    assert p.anchor == terms[-1]
    assert len(p.batches) == math.ceil((n_terms - 1) / (MAX_TERMS - 1))
    assert all(b[0] == p.anchor for b in p.batches)
    others = [t for b in p.batches for t in b[1:]]
    assert others == terms[:-1]                      # every other term once, order kept
    sizes = [len(b) for b in p.batches]
    assert max(sizes) - min(sizes) <= 1              # evenly spread


def test_twelve_terms_two_year_daily_plan_counts():
    terms = [f"q{i}" for i in range(12)]
    p = make_plan(terms, geo="RU", start="2021-01-01", end="2022-12-31", resolution="day", anchor="q5")
    assert len(p.batches) == 3 and p.anchor == "q5"
    assert len(p.windows) == 4
    assert p.pin_resolution == "week"
    assert p.n_requests == 3 * 4 + 3
    assert len(p.window_requests) == 12 and len(p.pin_requests) == 3
    assert {r.window for r in p.pin_requests} == {PIN_WINDOW}
    for r in p.pin_requests:
        assert (r.start, r.end, r.resolution) == (D(2021, 1, 1), D(2022, 12, 31), "week")
    for r in p.window_requests:
        assert r.resolution == "day" and r.terms == p.batches[r.batch]
        assert (r.start, r.end) == p.windows[r.window]
    assert p.estimated_seconds(6.0) == pytest.approx(6.0 * 15)
    assert p.n_requests_total == 15


@pytest.mark.parametrize("days, max_window, overlap", [
    (270, 269, 90), (365, 269, 90), (731, 269, 90), (731, 269, 30), (731, 180, 60), (1500, 269, 120),
    (4000, 269, 90), (2000, 100, 99), (300, 8, 1)])
def test_windows_cover_the_span_within_limits_and_overlap_enough(days, max_window, overlap):
    start = D(2008, 3, 1)
    end = start + dt.timedelta(days=days - 1)
    p = make_plan(["x"], geo="", start=start, end=end, resolution="day", max_window_days=max_window,
                  overlap_days=overlap)
    w = p.windows
    assert w[0][0] == start and w[-1][1] == end
    assert len(w) == max(2, math.ceil((days - overlap) / (max_window - overlap)))
    for s, e in w:
        assert (e - s).days + 1 == max_window
        assert expected_resolution(s, e) == "day"
    for (s0, e0), (s1, e1) in itertools.pairwise(w):
        assert s0 < s1 and e0 < e1
        assert (e0 - s1).days + 1 >= overlap
    assert p.pin_resolution == expected_resolution(start, end)
    assert p.n_requests == len(w) + 1


def test_monthly_pin_beyond_five_years_and_no_pin_for_coarse_requests():
    p = make_plan(["x"], geo="", start="2010-01-01", end="2022-12-31", resolution="day")
    assert p.pin_resolution == "month" and p.pin_requests[0].resolution == "month"
    weekly = make_plan(["x"], geo="", start="2019-01-01", end="2022-12-31")
    assert weekly.resolution == "week" and weekly.n_requests == 1 and weekly.pin_resolution is None
    monthly = make_plan(["x"], geo="", start="2004-01-01", end="2022-12-31", resolution="month")
    assert monthly.requests[0].resolution == "month"


def test_hourly_plan_and_timeframe():
    p = make_plan(["мобилизация"], geo="RU", start="2022-09-18T00", end="2022-09-24T23")
    assert p.resolution == "hour" and p.n_requests == 1
    assert p.requests[0].timeframe == "2022-09-18T00 2022-09-24T23"
    assert isinstance(p.requests[0].start, dt.datetime)
    # date bounds with resolution="hour": 00:00 of start to 23:00 of end
    q = make_plan(["x"], geo="RU", start="2022-09-18", end="2022-09-24", resolution="hour")
    assert q.requests[0].timeframe == "2022-09-18T00 2022-09-24T23"
    # timezone-aware bounds are converted to UTC
    tz = dt.timezone(dt.timedelta(hours=3))
    r = make_plan(["x"], geo="RU", start=dt.datetime(2022, 9, 18, 3, tzinfo=tz),
                  end=dt.datetime(2022, 9, 22, 3, tzinfo=tz))
    assert r.requests[0].timeframe == "2022-09-18T00 2022-09-22T00"


def test_pandas_timestamps_at_midnight_are_dates():
    p = make_plan(["x"], geo="", start=pd.Timestamp("2022-01-01"), end=pd.Timestamp("2022-03-01"))
    assert p.resolution == "day" and p.requests[0].timeframe == "2022-01-01 2022-03-01"


# --------------------------------------------------------------------------- request keys and text

def test_key_is_stable_readable_and_ignores_plan_bookkeeping():
    a = make_plan(["Мобилизация", "visa"], geo="RU", start="2022-08-01", end="2022-10-31").requests[0]
    same = P.TrendsRequest(terms=("Мобилизация", "visa"), geo="RU", start=D(2022, 8, 1), end=D(2022, 10, 31),
                           resolution="day", purpose="pin", batch=3, window=PIN_WINDOW)
    assert a.key() == same.key()
    m = re.fullmatch(r"ru_(.+)-2022-08-01_2022-10-31-([0-9a-f]{64})", a.key())
    assert m and "мобилизация" in m.group(1)
    assert a.key() == a.key()
    others = [P.TrendsRequest(terms=("visa", "Мобилизация"), geo="RU", start=D(2022, 8, 1), end=D(2022, 10, 31),
                              resolution="day"),
              dataclass_replace(a, geo="UA"), dataclass_replace(a, category=3), dataclass_replace(a, gprop="news"),
              dataclass_replace(a, end=D(2022, 10, 30))]
    keys = {o.key() for o in others} | {a.key()}
    assert len(keys) == len(others) + 1
    assert "/" not in a.key() and len(a.key()) < 200
    assert "RU" in a.describe() and "2022-08-01..2022-10-31" in a.describe()


def dataclass_replace(obj, **kw):
    import dataclasses
    return dataclasses.replace(obj, **kw)


def test_summary_and_frame_describe_every_request():
    p = make_plan([f"q{i}" for i in range(7)], geo="RU", start="2021-01-01", end="2022-06-30", resolution="day")
    text = p.summary(min_interval=5)
    assert "batch 1" in text and "window 2" in text and "pin pulls" in text
    assert f"{p.n_requests} per fetch day" in text and f">= {p.n_requests * 5} s" in text
    df = p.to_frame()
    assert len(df) == p.n_requests
    assert list(df["purpose"]).count("pin") == len(p.batches)
    assert df["key"].is_unique
    assert (df.loc[df["purpose"] == "window", "n_days"] <= MAX_DAILY_DAYS).all()
    assert (df["overlap_prev"].dropna() >= p.overlap_days).all()


# --------------------------------------------------------------------------- validation

OK = dict(geo="RU", start="2022-01-01", end="2022-03-01")


@pytest.mark.parametrize("terms, match", [
    ([], "terms is empty"),
    (["a", ""], "blank"),
    ([" a"], "leading or trailing spaces"),
    (["a" * 101], "at most 100"),
    (["a\nb"], "control"),
    (["a\u200bb"], "control"),
    (["a, b"], "comma"),
    (["Visa", "visa"], "duplicates"),
    (["как  уехать", "Как уехать"], "duplicates"),
    ([3], "int"),
    (None, "not a list"),
])
def test_bad_terms(terms, match):
    with pytest.raises(BadRequest, match=match):
        make_plan(terms, **OK)


@pytest.mark.parametrize("geo, match", [
    ("ru", "did you mean 'RU'"), ("UK", "use GB"), ("RUS", "not a Google Trends geo"), ("US-", "geo"),
    ("QQ", "not an ISO 3166-1"), (None, "not a string"), ("US-CA-807-1", "geo")])
def test_bad_geo(geo, match):
    with pytest.raises(BadRequest, match=match):
        make_plan(["a"], geo=geo, start="2022-01-01", end="2022-03-01")


@pytest.mark.parametrize("geo", ["", "RU", "US-CA", "US-CA-807", "GB-ENG", "XK"])
def test_good_geo(geo):
    assert make_plan(["a"], geo=geo, start="2022-01-01", end="2022-03-01").geo == geo


@pytest.mark.parametrize("kw, match", [
    (dict(start="2022-13-01"), "not a valid calendar date"),
    (dict(start="01/02/2022"), "not an ISO date"),
    (dict(start=20220101), "is a int"),
    (dict(end="2021-12-31"), "before start"),
    (dict(start="2003-12-31"), "2004-01-01 or later"),
    (dict(start="2007-06-01", gprop="youtube"), "2008-01-01 or later"),
    (dict(end="2022-03-01", today="2022-02-27"), "after today"),
    (dict(start="2022-01-01T05:30"), "not an ISO date"),
    (dict(start=dt.datetime(2022, 1, 1, 5, 30)), "on the hour"),
    (dict(start="2022-01-01T25"), "hour 25"),
    (dict(category=-1), "category"),
    (dict(category="7"), "category"),
    (dict(category=True), "category"),
    (dict(gprop="web"), "gprop 'web'"),
    (dict(resolution="daily"), "resolution 'daily' is not known"),
    (dict(resolution="week"), "not available"),              # 60 days: Google answers daily
    (dict(start="2015-01-01", end="2022-01-01", resolution="week"), "not available"),
    (dict(resolution="hour"), "hourly span"),                 # 60 days of hours
    (dict(start="2022-01-01T00", end="2022-01-02T00"), "hourly span"),
    (dict(start="2022-01-01T00", end="2022-01-05T00", resolution="day"), "carry times"),
    (dict(samples=0), "samples"),
    (dict(overlap_days=269), "overlap_days"),
    (dict(max_window_days=300), "max_window_days"),
    (dict(max_window_days=5), "max_window_days"),
])
def test_bad_inputs_raise_bad_request_naming_the_value(kw, match):
    args = {**OK, **kw}
    with pytest.raises(BadRequest, match=match) as info:
        make_plan(["a"], **args)
    assert isinstance(info.value, TrendsError) and info.value.exit_code == 2


def test_anchor_must_be_a_term_and_defaults_to_the_first():
    terms = [f"q{i}" for i in range(6)]
    assert make_plan(terms, batching="typed", **OK).anchor == "q0"
    assert make_plan(terms, **OK).anchor is None  # the default ladder has no single anchor
    with pytest.raises(BadRequest, match="anchor 'zz' is not one of the terms"):
        make_plan(terms, anchor="zz", **OK)


def test_today_is_never_implicit():
    # far-future end dates plan fine unless a today is given: plans never read the clock
    p = make_plan(["a"], geo="", start="2030-01-01", end="2030-02-01")
    assert p.n_requests == 1


def test_estimated_seconds_rejects_nonsense():
    p = make_plan(["a"], **OK)
    with pytest.raises(BadRequest):
        p.estimated_seconds(-1)


# --------------------------------------------------------------------------- anchor choice

def test_anchor_near_the_geometric_middle_minimises_rounding_error():
    levels = {"huge": 1000.0, "big": 200.0, "mid": 40.0, "small": 8.0, "tiny": 2.0}
    errors = {t: anchor_rounding_error(levels, t) for t in levels}
    assert choose_anchor(levels) == min(errors, key=errors.get) == "mid"
    # the extremes destroy something: the huge anchor rounds 'tiny' below 1, the tiny anchor is rounded away
    assert errors["huge"] == math.inf and errors["tiny"] == math.inf
    assert errors["mid"] < errors["big"] and errors["mid"] < errors["small"]


def test_levels_pick_the_anchor_and_group_terms_by_level():
    terms = ["t1", "t9", "t2", "t8", "t3", "t7", "t5"]
    levels = {"t1": 1000, "t2": 500, "t3": 100, "t5": 30, "t7": 8, "t8": 4, "t9": 2}
    p = make_plan(terms, levels=levels, batching="typed", **OK)
    assert p.terms == tuple(terms)
    assert p.anchor == choose_anchor(levels) == "t3"
    assert p.batches == (("t3", "t1", "t2", "t5"), ("t3", "t7", "t8", "t9"))
    with pytest.raises(BadRequest, match="levels lack the term"):
        make_plan(terms, levels={"t1": 3.0}, **OK)


def test_peaks_move_the_anchor_up_when_a_term_spikes():
    levels = {"spiky": 100.0, "b": 40.0, "c": 10.0, "d": 3.0, "e": 1.0}
    assert choose_anchor(levels) == "c"
    peaks = {**levels, "spiky": 2000.0}          # Google scales the request to the spike
    assert anchor_rounding_error(levels, "c", peaks=peaks) > anchor_rounding_error(levels, "c")
    best = choose_anchor(levels, peaks=peaks)
    assert best in ("b", "c")
    assert all(anchor_rounding_error(levels, best, peaks=peaks) <= anchor_rounding_error(levels, t, peaks=peaks)
               for t in levels)
    with pytest.raises(BadRequest, match="peaks lack"):
        choose_anchor(levels, peaks={"spiky": 5.0})


def test_choose_anchor_is_scale_free_and_ignores_zero_levels():
    levels = {"a": 3.0, "b": 30.0, "c": 300.0, "z": 0.0}
    assert choose_anchor(levels) == "b"
    assert choose_anchor({k: v * 1e-3 for k, v in levels.items()}) == "b"
    assert choose_anchor({"only": 5.0}) == "only"


def test_choose_anchor_property_never_worse_than_any_other_term():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(2, 14))
        levels = {f"t{i}": float(10 ** rng.uniform(-1, 3)) for i in range(n)}
        best = choose_anchor(levels)
        e_best = anchor_rounding_error(levels, best)
        assert all(e_best <= anchor_rounding_error(levels, t) for t in levels)


@pytest.mark.parametrize("levels, match", [({}, "non-empty"), ({"a": -1.0}, ">= 0"), ({"a": float("nan")}, ">= 0"),
                                           ({"a": 0.0}, "every level is 0"), ("abc", "mapping")])
def test_choose_anchor_rejects_bad_levels(levels, match):
    with pytest.raises(BadRequest, match=match):
        choose_anchor(levels)


# --------------------------------------------------------------------------- magnitude ladder

def _levels(n, ratio=2.0):
    return {f"t{i}": 10000.0 / ratio ** i for i in range(n)}


@pytest.mark.parametrize("n_terms", [6, 9, 10, 13, 17, 21])
def test_ladder_batches_neighbours_and_costs_no_more_than_the_star(n_terms):
    lv = _levels(n_terms)
    terms = list(lv)[::-1]  # typed smallest first: the ladder reorders by level
    p = make_plan(terms, levels=lv, **OK)
    star = make_plan(terms, batching="typed", **OK)
    assert p.batching == "magnitude" and p.anchor is None
    assert len(p.batches) == len(star.batches) == math.ceil((n_terms - 1) / 4)
    assert {t for b in p.batches for t in b} == set(terms) and all(len(b) <= MAX_TERMS for b in p.batches)
    for b in p.batches:  # each batch sorted by level, largest first
        assert [lv[t] for t in b] == sorted((lv[t] for t in b), reverse=True)
    for k in range(len(p.batches) - 1):  # consecutive batches share the link: smallest of k, largest of k+1
        assert p.batches[k][-1] in p.batches[k + 1] or p.batches[k + 1][0] in p.batches[k]
        assert any(a == k and b == k + 1 for a, b, _ in p.links)
    assert p.n_requests == star.n_requests


def test_ladder_of_four_batches_keeps_every_anchor_above_rounding():
    lv = _levels(16, ratio=1.6)  # 16 terms over a ~1000x range: four rungs
    p = make_plan(list(lv), levels=lv, **OK)
    assert len(p.batches) == 4 and [(a, b) for a, b, _ in p.links] == [(0, 1), (1, 2), (2, 3)]
    for a, b, shared in p.links:
        for x in shared:  # every anchor at least ~10 points in both batches it links
            for k in (a, b):
                assert 100 * lv[x] / max(lv[t] for t in p.batches[k]) >= 10
    errors = {t: (one, level) for t, one, level in p.expected_errors}
    assert all(math.isfinite(one) and one < 0.5 for one, _ in errors.values())
    star = make_plan(list(lv), batching="typed", levels=lv, **OK)
    worst_star = max(one for _, one, _ in star.expected_errors)
    assert max(one for one, _ in errors.values()) < worst_star  # the ladder's worst term beats the star's


def test_a_term_below_the_measurable_range_is_said_so():
    lv = {**_levels(6, ratio=2.0), "invisible": 0.0}
    p = make_plan(list(lv), levels=lv, **OK)
    assert p.below_range == ("invisible",)
    assert "below range  : 'invisible'" in p.summary()


def test_a_spike_that_swamps_a_window_plans_a_repull_with_a_closer_anchor():
    lv = _levels(10, ratio=2.0)
    peaks = dict(lv, t6=lv["t6"] * 80)  # t6 spikes 80x in March 2022
    days = dict(geo="RU", start="2021-01-01", end="2022-12-31", resolution="day")
    p = make_plan(list(lv), levels=lv, peaks=peaks, peak_dates={"t6": "2022-03-05"}, **days)
    plain = make_plan(list(lv), levels=lv, **days)
    assert p.repulls and all(r.dropped == "t6" and "t6" not in r.terms for r in p.repulls)
    spiked = [w for w, (a, b) in enumerate(p.windows) if a <= dt.date(2022, 3, 5) <= b]
    assert {r.window for r in p.repulls} == set(spiked)
    assert all(r.added is not None and r.added in r.terms for r in p.repulls)
    assert p.n_requests == plain.n_requests + len(p.repulls)
    assert len(p.repull_requests) == len(p.repulls) and "re-pull" in p.summary()
    assert all("spikes" in r.reason for r in p.repulls)
    typed = make_plan(list(lv), levels=lv, peaks=peaks, peak_dates={"t6": "2022-03-05"}, batching="typed", **days)
    assert not typed.repulls


def test_unknown_batching_is_rejected():
    with pytest.raises(BadRequest, match="batching 'zigzag' is not known"):
        make_plan(["a"], batching="zigzag", **OK)
