"""Known-answer calibration checks at a small size (the full table: benchmarks/bench_calibration.py).

The event study keeps its size under persistent noise where the simple alternative does
not, covers the true fold, and the lead/lag tests stay quiet on independent persistent
series while still recovering a planted lead with its sign.
"""
import numpy as np
import pytest

from trendlib.analysis import calibration as cal


@pytest.mark.parametrize("frequency", ["week", "day"])
def test_event_study_keeps_its_size_at_phi_0_9_where_the_naive_test_does_not(frequency):
    rows = [cal.event_run((frequency, 0.9, seed, 1.0, ["trendlib", "pre-period mean and sd"], 0.05))
            for seed in range(60)]
    p = {name: np.array([r["p"] for rs in rows for r in rs if r["method"] == name])
         for name in ("trendlib", "pre-period mean and sd")}
    assert np.mean(p["trendlib"] < 0.05) <= 0.12  # nominal 5 %; 60 runs, binomial sd 2.8 points
    assert np.mean(p["pre-period mean and sd"] < 0.05) >= 0.25  # independence assumed: badly over-rejects


def test_event_study_covers_the_true_fold_and_finds_it():
    cell = cal.event_cell("week", 0.5, runs=40, methods=["trendlib"], seed=7).iloc[0]
    assert cell["coverage_pct"] >= 85
    assert cell["power_pct"] >= 50  # a x1.5 rise, 52 weekly baseline points
    assert abs(cell["bias_pct"]) < 5


def test_lead_lag_quiet_on_independent_persistent_series():
    runs = [cal.leadlag_run(("ar1", 0.9, 120, seed, None)) for seed in range(15)]
    assert sum(r["significant"] for r in runs) <= 2
    # the old lagged OLS with HAC errors on unfiltered series fired in every such run
    assert sum("ols_hac" in r["fired"] for r in runs) <= 2
    assert all(r["lag"] is None for r in runs if not r["significant"])


def test_lead_lag_recovers_a_planted_lead_with_its_sign():
    runs = [cal.leadlag_run(("ar1", 0.5, 120, seed, 3)) for seed in range(4)]
    assert all(r["significant"] and r["lag"] == 3 for r in runs)
