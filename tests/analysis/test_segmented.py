import math

import numpy as np
import pandas as pd
import pytest

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.segmented import segmented_regression


def test_level_change_of_known_size_recovered(daily):
    hits = 0
    for seed in range(15):
        s = daily(seed=seed, step_at=100, fold=2.0)
        r = segmented_regression(s, s.index[100], scan=False)
        hits += r.level_fold_low <= 2.0 * 26 / 26 <= r.level_fold_high or r.level_fold_low <= 51 / 26 <= r.level_fold_high
        assert r.break_p < 1e-6
    assert hits >= 12


def test_no_break_rarely_significant(daily):
    ps = [segmented_regression(daily(seed=s), "2022-08-20", scan=False).break_p for s in range(60)]
    assert np.mean(np.array(ps) < 0.05) <= 0.15  # HAC with short samples is a little liberal


def test_scan_finds_the_break_date(daily):
    s = daily(seed=2, step_at=90, fold=3.0)
    r = segmented_regression(s, s.index[90], span=(-60, 29))
    assert r.scan_date == s.index[90].date()
    frame = r.to_frame()
    assert {"term", "estimate", "ci_low", "ci_high", "p_value"} <= set(frame.columns)
    assert "level change" in r.summary()


def test_weekly_has_no_day_of_week_terms(weekly):
    s = weekly(seed=0, step_at=48, fold=2.0)
    r = segmented_regression(s, s.index[48], scan=False)
    assert set(r.coefficients["term"]) == {"const", "trend", "level", "slope"}


def test_too_little_data_is_an_error_naming_counts(daily):
    s = daily(seed=0, n=60)
    with pytest.raises(AnalysisError, match="before"):
        segmented_regression(s, s.index[5])
