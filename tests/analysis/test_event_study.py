"""Known-answer tests of the event study: effects planted in simulated series."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.event_study import (event_study, event_study_by_sample, event_study_records,
                                           placebo_test, run_event_studies)
from trendlib.text import fold_sentence


def test_step_of_known_size_is_recovered_inside_interval_in_most_seeds(daily):
    true_fold = 2.5
    hits, folds = 0, []
    seeds = range(40)
    for seed in seeds:
        s = daily(seed=seed, step_at=100, fold=true_fold)
        r = event_study(s, s.index[100])
        folds.append(r.fold_increase)
        hits += r.fold_low <= true_fold <= r.fold_high
        assert r.p_value < 0.01  # the tail of the predictive mixture over rho sets how small p gets
    assert hits >= 0.85 * len(seeds)
    assert abs(np.median(folds) - true_fold) < 0.15


def test_no_event_is_not_flagged_more_than_nominal(daily):
    ps = [event_study(daily(seed=seed), "2022-08-20").p_value for seed in range(120)]
    rate = float(np.mean(np.array(ps) < 0.05))
    assert rate <= 0.10  # nominal 5 %; binomial sd with 120 draws is 2 points


def test_placebo_test_does_not_flag_a_series_without_event(daily):
    s = daily(seed=3, n=200)
    res = placebo_test(s, s.index[150])
    assert res.status == "ok" and res.n_placebos >= 30
    assert res.false_positive_rate <= 0.15
    assert res.placebo_p > 0.05


def test_placebo_test_flags_a_real_step(daily):
    s = daily(seed=4, n=200, step_at=150, fold=3.0)
    res = placebo_test(s, s.index[150])
    assert res.placebo_p <= 1 / (1 + res.n_placebos) + 1e-12


def test_placebo_says_too_few_instead_of_a_number(daily):
    s = daily(seed=1, n=70)
    res = placebo_test(s, s.index[45], n_resamples=0)
    assert res.status == "too_few" and math.isnan(res.placebo_p)
    assert "placebo" in res.summary()


def test_resampled_baselines_make_small_placebo_p_attainable(daily):
    s = daily(seed=1, n=70, step_at=45, fold=3.0)
    res = placebo_test(s, s.index[45])
    assert res.status == "ok" and res.n_dates < 19 <= res.n_resampled
    assert res.min_p == 1 / (1 + res.n_placebos) < 0.01
    assert res.placebo_p == res.min_p  # a 3-fold step beats every reference
    assert f"{res.n_resampled} resampled baselines" in res.summary()


def test_weekly_jump_found_without_day_of_week_terms(weekly):
    s = weekly(seed=0, step_at=48, fold=3.0)
    # the event falls on a Thursday inside the week that starts on Sunday index 48
    event = s.index[48] + pd.Timedelta(days=4)
    r = event_study(s, event)
    assert r.frequency == "week"
    assert r.estimation == (-26, -3)
    assert r.fold_low <= 3.0 <= r.fold_high and r.p_value < 1e-3
    assert pd.Timestamp(r.fold_dates[0]) == s.index[48]
    assert "day of week" not in r.summary()


def test_anticipation_outside_the_baseline(daily):
    """Searches jump the day before the event; the gap keeps them out of the baseline."""
    s = daily(seed=5, step_at=99, fold=3.0)
    r = event_study(s, s.index[100])
    path = r.path.set_index("period")
    assert path.loc[-1, "window"] == "event" and path.loc[-5, "window"] == "gap"
    assert path.loc[-1, "times_normal"] > 2
    assert 20 < r.baseline_level < 32  # the baseline is not inflated by the early jump


def test_decay_back_inside_band(daily):
    s = daily(seed=6, sd=0.05, phi=0.0)
    vals = s.to_numpy().copy()
    vals[100:104] *= 4  # a four-day spike
    s = pd.Series(vals, index=s.index)
    r = event_study(s, s.index[100])
    assert r.peak_date == s.index[100].date() or r.peak_date <= s.index[103].date()
    assert r.periods_to_band is not None and 3 <= r.periods_to_band <= 6


def test_low_baseline_reported_as_lower_bound(daily):
    s = daily(seed=7, level=1.5, step_at=100, fold=30)
    r = event_study(s, s.index[100])
    assert r.fold_is_lower_bound
    text = fold_sentence(r, significant=True)
    assert "at least" in text and "too low" in text


def test_records_contract_and_correction(daily):
    frames = []
    for i, (q, fold) in enumerate([("a", 3.0), ("b", 1.0), ("c", 2.0)]):
        s = daily(seed=10 + i, step_at=100, fold=fold)
        frames.append(pd.DataFrame({"date": s.index, "query": q, "value": s.to_numpy(), "resolution": "day"}))
    trends = pd.concat(frames, ignore_index=True)
    ev_date = pd.Timestamp("2022-06-01") + pd.Timedelta(days=100)
    events = pd.DataFrame({"date": [ev_date, pd.Timestamp("2022-06-20"), pd.Timestamp("2022-05-01")],
                           "label": ["shock", "too early", "month only"],
                           "date_precision": ["day", "day", "month"]})
    res = run_event_studies(trends, events, queries=[("a", "A"), ("b", "B"), ("c", "C")])
    recs = event_study_records(res)
    assert len(recs) == 3  # the too-early event is skipped with a reason, the month event ignored
    assert len(res.skipped) == 3 and all("estimation" in why for _, _, why in res.skipped)
    need = {"query", "label", "event_date", "fold_increase", "fold_low", "fold_high", "p_value",
            "q_value", "significant"}
    for rec in recs:
        assert need <= set(rec)
        assert rec["q_value"] >= rec["p_value"]
        assert rec["event_date"] == ev_date.date().isoformat()
    by = {r["query"]: r for r in recs}
    assert by["a"]["significant"] and by["c"]["significant"]
    assert by["a"]["fold_low"] <= 3.0 <= by["a"]["fold_high"] * 1.05
    assert "3 event studies were run" in res.summary()


def test_per_sample_spread(daily):
    rows = []
    for k in range(4):
        s = daily(seed=20 + k, step_at=100, fold=2.0)
        rows.append(pd.DataFrame({"date": s.index, "query": "q", "sample": k, "value": s.to_numpy()}))
    spread = event_study_by_sample(pd.concat(rows), "q", "2022-09-09")
    assert spread.n_samples == 4 and spread.status == "ok"
    assert spread.fold_min <= spread.fold_median <= spread.fold_max
    assert 0 < spread.log_sd < 0.5
    assert len(spread.to_frame()) == 4


def test_bad_inputs():
    s = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2022-01-01", "2022-01-03", "2022-01-05"]))
    with pytest.raises(AnalysisError, match="neither daily"):
        event_study(s, "2022-01-03")
    s = pd.Series(np.ones(100), index=pd.date_range("2022-01-01", periods=100))
    with pytest.raises(AnalysisError, match="outside the series"):
        event_study(s, "2023-01-01")
    with pytest.raises(AnalysisError, match="estimation window"):
        event_study(s, "2022-02-01", estimation=(-10, 0))


def test_flat_zero_baseline_gives_a_lower_bound_not_a_crash(daily):
    s = daily(seed=8, n=120)
    s[:] = 0.0
    s.iloc[100:107] = [40, 100, 60, 30, 20, 10, 8]
    r = event_study(s, s.index[100])
    assert r.baseline_note == "zero" and r.fold_is_lower_bound and r.direction == "rise"
    # sixty zeros cannot support a smaller p than the event beating all 49 baseline days
    assert r.p_value == r.p_floor == 1 / (r.n_estimation + 1)
    assert math.isfinite(r.fold_low) and r.fold_low < r.fold_increase < r.fold_high


def test_same_day_events_are_studied_once(daily):
    s = daily(seed=9, step_at=100, fold=2.0)
    trends = pd.DataFrame({"date": s.index, "query": "q", "value": s.to_numpy(), "resolution": "day"})
    d = s.index[100]
    res = run_event_studies(trends, pd.DataFrame({"date": [d, d], "label": ["address", "protests"]}))
    assert len(res.results) == 1 and res.results[0].event == "address / protests"


def test_events_after_the_primary_spike_are_not_studied():
    from trendlib.analysis.event_study import events_to_study

    ev = pd.DataFrame({"date": pd.to_datetime(["2022-09-01", "2022-09-21", "2022-09-25", "2022-09-30"]),
                       "label": list("abcd"), "date_precision": "day"})
    kept = events_to_study(ev, "2022-09-21", frequency="day")
    # day -8 of 25 Sep is 17 Sep, before the primary's event window (from 18 Sep); 30 Sep is not
    assert list(kept["label"]) == ["a", "b", "c"]
    assert kept.attrs["left_out"]["baseline_contains_primary"] == 1


def test_weekly_events_in_the_same_week_are_one_study(weekly):
    s = weekly(seed=1, step_at=48, fold=3.0)
    trends = pd.DataFrame({"date": s.index, "query": "q", "value": s.to_numpy(), "resolution": "week"})
    d = s.index[48] + pd.Timedelta(days=4)
    ev = pd.DataFrame({"date": [d, d + pd.Timedelta(days=1)], "label": ["invasion", "visa rule"]})
    res = run_event_studies(trends, ev)
    assert len(res.results) == 1
    assert res.results[0].event == "invasion / visa rule" and res.results[0].event_date == d.date()


def test_sample_reliability_flags(daily):
    def frame(level, sd, zeros=False):
        rows = []
        for k in range(4):
            s = daily(seed=50 + k, level=level, sd=sd, step_at=100, fold=3.0)
            rows.append(pd.DataFrame({"date": s.index, "query": "q", "sample": k, "value": s.to_numpy()}))
        return pd.concat(rows)

    good = event_study_by_sample(frame(30, 0.1), "q", "2022-09-09")
    assert not good.unreliable and good.baseline_cv < 0.2 and good.baseline_zero_share == 0
    thin = event_study_by_sample(frame(0.6, 0.8), "q", "2022-09-09")
    assert thin.unreliable and thin.baseline_zero_share > 0.2
    assert "UNRELIABLE" in thin.summary()


def test_constant_baseline_gives_no_more_certainty_than_the_data_hold():
    """Issue 12: a constant baseline gave 1.10 [1.10, 1.11], p = 2e-30."""
    idx = pd.date_range("2022-06-01", periods=120)
    vals = np.full(120, 50.0)
    vals[100:107] = 55.0
    r = event_study(pd.Series(vals, index=idx), idx[100])
    assert r.baseline_note == "flat"
    assert r.p_value >= 1 / (r.n_estimation + 1) == r.p_floor
    assert r.fold_high - r.fold_low > 0.02  # Google's rounding alone allows this much
    assert r.fold_low <= 1.1 <= r.fold_high


def test_single_spike_day_and_mostly_zero_series(daily):
    s = daily(seed=11, sd=0.1, phi=0.0)
    vals = s.to_numpy().copy()
    vals[100] = 100.0  # one spike day
    r = event_study(pd.Series(vals, index=s.index), s.index[100], fold_window=(0, 0))
    assert r.fold_high > r.fold_low * 1.1 and r.spike_date == s.index[100].date()
    rng = np.random.default_rng(3)
    low = np.where(rng.random(120) < 0.2, 1.0, 0.0)  # mostly under 1: Google shows 0 or 1
    low[100:107] = [20, 15, 9, 6, 5, 4, 3]
    r = event_study(pd.Series(low, index=s.index), s.index[100])
    assert r.baseline_note == "low" and r.fold_is_lower_bound and r.direction == "rise"
    assert math.isfinite(r.fold_high) and r.fold_low < r.fold_increase < r.fold_high


def _trends(s, q="q"):
    return pd.DataFrame({"date": s.index, "query": q, "value": s.to_numpy(), "resolution": "day"})


def test_events_sharing_a_spike_count_once(daily):
    s = daily(seed=12, sd=0.08, phi=0.2)
    vals = s.to_numpy().copy()
    vals[100:104] *= [6, 3, 2, 1.5]  # one spike, on day 100
    s = pd.Series(vals, index=s.index)
    d = s.index
    res = run_event_studies(_trends(s), [(d[98], "two days before"), (d[99], "eve"), (d[100], "the day")])
    by = {r.event: r for r in res.results}
    assert all(r.significant for r in res.results)
    assert by["the day"].distinct_spike and by["the day"].overlaps == ""
    for name in ("two days before", "eve"):
        assert by[name].overlaps == d[100].date().isoformat() and not by[name].distinct_spike
    assert res.n_distinct_significant() == 1 and res.n_overlapping() == 2
    rec = {r["event"]: r for r in res.records()}
    assert rec["eve"]["overlaps"] == d[100].date().isoformat() and rec["the day"]["direction"] == "rise"
    assert "1 distinct spikes" in res.summary()


def test_a_later_baseline_leaves_out_an_earlier_events_spike(daily):
    s = daily(seed=13, sd=0.08, phi=0.2)
    vals = s.to_numpy().copy()
    vals[70:77] *= 5  # an earlier event's spike inside the later event's baseline (days -30..-24)
    s = pd.Series(vals, index=s.index)
    d = s.index
    res = run_event_studies(_trends(s), [(d[70], "earlier"), (d[100], "later")])
    later = next(r for r in res.results if r.event == "later")
    alone = event_study(s, d[100])
    assert later.n_excluded == 7 and alone.n_excluded == 0
    assert not later.significant and later.direction == "none"
    assert later.rho < alone.rho  # the spike no longer passes for persistence


def test_drop_is_a_drop(daily):
    s = daily(seed=14, step_at=100, fold=0.3)
    r = event_study(s, s.index[100])
    assert r.direction == "drop" and r.fold_high < 1 and r.significant
