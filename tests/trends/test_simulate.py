"""Known-answer tests of trendlib.testing.simulate (latent curves and the Google-like pull)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendlib.testing import simulate

# warnings raised by trendlib (or anything it calls) fail these tests
pytestmark = pytest.mark.filterwarnings("error")


def _truth():
    return simulate.latent_frame({
        ("visa", "RU"): simulate.latent_curve("2021-01-01", "2022-12-31", baseline=500, weekly=0.2,
                                              steps=[("2022-09-21", 3.0)], seed=1),
        ("flights", "RU"): simulate.latent_curve("2021-01-01", "2022-12-31", baseline=20000, seed=2),
        ("tiny", "RU"): simulate.latent_curve("2021-01-01", "2022-12-31", baseline=60, seed=4),
        ("rare", "RU"): simulate.latent_curve("2021-01-01", "2022-12-31", baseline=1, seed=3),
    })


def test_latent_curve_steps_spikes_weekly_are_where_asked():
    c = simulate.latent_curve("2022-01-01", "2022-12-31", baseline=100, weekly=0.25, weekly_peak=6,
                              steps=[("2022-09-21", 3.0)], spikes=[("2022-02-24", 5.0, 2.0)], seed=0)
    assert len(c) == 365 and c.index[0] == pd.Timestamp("2022-01-01")
    before, after = c["2022-08-01":"2022-09-20"].mean(), c["2022-09-21":"2022-11-10"].mean()
    assert after / before == pytest.approx(3.0, rel=0.02)
    assert c["2022-02-24"] - c["2022-02-23"] > 400          # spike of 5 x baseline on the day
    assert c["2022-02-26"] - c["2022-02-19"] == pytest.approx(250, rel=0.05)  # halved after 2 days
    sundays = c[c.index.day_of_week == 6].mean()
    wednesdays = c[c.index.day_of_week == 2].mean()
    assert sundays > wednesdays * 1.3


def test_latent_curve_is_deterministic_per_seed():
    a = simulate.latent_curve("2022-01-01", "2022-03-01", baseline=10, noise=0.3, seed=5)
    b = simulate.latent_curve("2022-01-01", "2022-03-01", baseline=10, noise=0.3, seed=5)
    c = simulate.latent_curve("2022-01-01", "2022-03-01", baseline=10, noise=0.3, seed=6)
    assert a.equals(b) and not a.equals(c)


@pytest.mark.parametrize("start,end,hourly,expected", [
    ("2022-01-01", "2022-01-05", False, "day"),
    ("2022-01-01T00", "2022-01-07T23", True, "hour"),
    ("2022-01-01", "2022-09-27", False, "day"),      # 269 days
    ("2022-01-01", "2022-09-28", False, "week"),     # 270 days
    ("2018-01-01", "2023-03-14", False, "week"),
    ("2015-01-01", "2022-12-31", False, "month"),
])
def test_google_resolution_rule(start, end, hourly, expected):
    assert simulate.google_resolution(start, end, hourly=hourly) == expected


def test_pull_scales_to_100_rounds_and_keeps_ratio():
    truth = _truth()
    p = simulate.google_pull(truth, terms=["visa", "flights"], geo="RU", start="2022-01-01",
                             end="2022-06-30", fetch_day="2023-02-01", seed=0, sample_rate=0.5)
    assert list(p.columns) == ["date", "query", "geo", "value", "formatted", "has_data", "is_partial",
                               "resolution"]
    assert p["value"].max() == 100 and p["value"].dtype.kind == "i"
    assert (p["resolution"] == "day").all() and not p["is_partial"].any()
    ratio = (p[p["query"] == "flights"]["value"].mean() / p[p["query"] == "visa"]["value"].mean())
    assert ratio == pytest.approx(20000 / 500, rel=0.15)


def test_pull_below_one_and_no_data_are_distinct_from_zero():
    truth = _truth()
    p = simulate.google_pull(truth, terms=["flights", "tiny", "rare"], geo="RU", start="2022-01-01",
                             end="2022-03-31", fetch_day="2023-01-01", seed=1)
    tiny = p[p["query"] == "tiny"]
    assert (tiny["formatted"] == "<1").sum() > 30 and (tiny.loc[tiny["formatted"] == "<1", "value"] == 0).all()
    assert tiny["has_data"].all()
    rare = p[p["query"] == "rare"]
    assert not rare["has_data"].any() and (rare["formatted"] == "").all()


def test_sampling_noise_fixed_within_a_day_and_new_across_days():
    truth = _truth()
    kw = dict(terms=["visa"], geo="RU", start="2022-01-01", end="2022-03-01", seed=3)
    a = simulate.google_pull(truth, fetch_day="2023-01-01", **kw)
    b = simulate.google_pull(truth, fetch_day="2023-01-01", **kw)
    c = simulate.google_pull(truth, fetch_day="2023-01-02", **kw)
    assert a.equals(b)
    assert (a["value"] != c["value"]).mean() > 0.5


def test_trailing_partial_point_and_no_future():
    truth = _truth()
    p = simulate.google_pull(truth, terms=["visa"], geo="RU", start="2022-05-01", end="2022-07-31",
                             fetch_day="2022-07-10", seed=0)
    assert p["date"].max() == pd.Timestamp("2022-07-10")
    assert p["is_partial"].tolist() == [False] * (len(p) - 1) + [True]
    w = simulate.google_pull(truth, terms=["visa"], geo="RU", start="2021-01-01", end="2022-07-31",
                             fetch_day="2022-07-13", seed=0)
    assert w["resolution"].iloc[0] == "week" and (w["date"].dt.day_of_week == 6).all()
    assert w["is_partial"].iloc[-1] and w["date"].iloc[-1] == pd.Timestamp("2022-07-10")


def test_weekly_pull_sums_daily_volume():
    # a noiseless step: weekly values must match the ratio of weekly sums
    curve = simulate.latent_curve("2020-01-05", "2021-12-25", baseline=1000, steps=[("2021-01-03", 2.0)])
    truth = simulate.latent_frame({("x", ""): curve})
    p = simulate.google_pull(truth, terms=["x"], geo="", start="2020-01-05", end="2021-12-25",
                             fetch_day="2022-06-01", sample_rate=1.0)
    assert p["resolution"].iloc[0] == "week"
    assert set(p["value"]) == {50, 100}


def test_callable_latent_and_hourly():
    def latent(query, geo, index):
        return np.full(len(index), 2400.0 if query == "a" else 1200.0)
    p = simulate.google_pull(latent, terms=["a", "b"], geo="RU", start="2022-03-01T00", end="2022-03-03T23",
                             hourly=True, fetch_day="2022-04-01", sample_rate=1.0)
    assert p["resolution"].iloc[0] == "hour" and len(p) == 2 * 72
    a = p[p["query"] == "a"]["value"].to_numpy()
    b = p[p["query"] == "b"]["value"].to_numpy()
    assert np.all(np.abs(a / np.maximum(b, 1) - 2) < 0.2)


@pytest.mark.parametrize("kwargs,match", [
    (dict(terms=["a"] * 6), "1 to 5"),
    (dict(terms=["a", "a"]), "repeat"),
    (dict(terms=["a"], start="2022-02-01", end="2022-01-01"), "before start"),
    (dict(terms=["a"], resolution="minute"), "resolution"),
])
def test_bad_arguments_raise_typed_errors(kwargs, match):
    base = dict(geo="RU", start="2022-01-01", end="2022-02-01", fetch_day="2022-03-01")
    base.update(kwargs)
    with pytest.raises(simulate.SimulationError, match=match):
        simulate.google_pull(_truth(), **base)
