"""compare_timing: known rise and peak days of simulated signals are recovered."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.timing import compare_timing

EVENT = pd.Timestamp("2022-09-21")
DAYS = pd.date_range("2022-08-01", "2022-10-31", freq="D")


def _signal(level: float, rise: str, peak: str, height: float, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    base = level * (1 + 0.05 * rng.standard_normal(len(DAYS)))
    t_rise, t_peak = pd.Timestamp(rise), pd.Timestamp(peak)
    bump = np.where(DAYS < t_rise, 0.0,
                    np.where(DAYS <= t_peak, height * (1 + (DAYS - t_rise).days) / (1 + (t_peak - t_rise).days),
                             height * 0.5 ** ((DAYS - t_peak).days / 3.0)))
    return pd.Series(base + bump, index=DAYS)


def test_known_rise_and_peak_days_are_recovered():
    searches = _signal(20, "2022-09-20", "2022-09-21", 80, 1)           # an index: rises the day before
    views = _signal(300, "2022-09-21", "2022-09-24", 15000, 2)          # counts: rises on the day, peaks later
    res = compare_timing([("google-trends", "mobilization", searches.rename("мобилизация")),
                          ("wikipedia-pageviews", "Upper Lars", views.rename("Верхний Ларс"))], EVENT)
    g, w = res.timings
    assert (g.rise_date, g.peak_date) == (dt.date(2022, 9, 20), dt.date(2022, 9, 21))
    assert (w.rise_date, w.peak_date) == (dt.date(2022, 9, 21), dt.date(2022, 9, 24))
    assert (g.rise_lag_days, g.peak_lag_days, w.rise_lag_days, w.peak_lag_days) == (-1, 0, 0, 3)
    assert res.same_day_rise is False and res.peaked_first == "google-trends" and res.peak_gap_days == 3
    assert "google-trends peaked first, 3 day(s) earlier" in res.summary()
    assert list(res.to_frame()["signal"]) == ["google-trends", "wikipedia-pageviews"]
    assert res.records()[1]["peak_date"] == "2022-09-24"
    text = " ".join(res.sentences())
    assert "Google search interest: first above the usual band on 20 September 2022 (1 day before the event)" in text
    assert "Wikipedia pageviews: first above" in text and "on the day of the event" in text
    assert "Google search interest peaked first, 3 days earlier." in text


def test_an_article_created_on_the_day_rises_that_day_and_a_flat_series_never_rises():
    new = pd.Series(np.where(DAYS < EVENT, 0.0, 5000.0), index=DAYS, name="new article")
    flat = pd.Series(100.0 + 0.1 * np.sin(np.arange(len(DAYS))), index=DAYS, name="flat")
    res = compare_timing([("wikipedia-pageviews", "new", new), ("google-trends", "flat", flat)], EVENT)
    assert res.timings[0].rise_date == EVENT.date() and res.timings[1].rise_date is None
    assert res.same_day_rise is None and res.peaked_first == "" and res.peak_gap_days is None


def test_a_series_already_up_when_the_window_opens_is_said_to_have_risen_earlier():
    step = pd.Series(np.where(DAYS < pd.Timestamp("2022-09-12"), 10.0, 60.0) + 0.5 * np.cos(np.arange(len(DAYS))),
                     index=DAYS, name="step")
    res = compare_timing([("google-trends", "step", step)], EVENT)
    t = res.timings[0]
    assert t.rise_at_window_start and t.rise_date == dt.date(2022, 9, 14)
    assert "already above the usual band on 14 September 2022" in res.sentences()[0]


def test_too_short_a_baseline_is_refused():
    short = pd.Series(1.0, index=pd.date_range("2022-09-10", "2022-10-01"), name="short")
    with pytest.raises(AnalysisError, match="baseline day"):
        compare_timing([("google-trends", "x", short)], EVENT)
