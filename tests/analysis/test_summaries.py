"""summary() of the other results speaks through trendlib.text like the sentences, titles and tables:
the same rounding, the same bound words, no raw two-decimal multiples (issue 12)."""
import re

import numpy as np
import pandas as pd

from trendlib.analysis.counterfactual import state_space_counterfactual
from trendlib.analysis.event_samples import event_study_by_sample
from trendlib.analysis.placebo import placebo_test
from trendlib.analysis.segmented import segmented_regression
from trendlib.text import fold_cell, number, p_text, percent, spread_sentence

RAW_MULTIPLE = re.compile(r"x\d+\.\d\d\b")  # the old "x2.93 [2.61, 3.28]" form


def test_segmented_level_change_known_answer_is_worded_like_the_table(daily):
    s = daily(seed=3, step_at=100, fold=3.0)
    r = segmented_regression(s, s.index[100], scan=False)
    assert r.level_fold_low < 3.0 < r.level_fold_high * 1.1  # the planted x3 level change, recovered
    cell = fold_cell(r.level_record())
    assert cell == f"{number(r.level_fold)}\u00d7 [{number(r.level_fold_low)}-{number(r.level_fold_high)}]"
    text = r.summary()
    assert f"level change {cell} (p < 0.001)" in text and not RAW_MULTIPLE.search(text)
    flat = segmented_regression(daily(seed=4), "2022-08-20", scan=False)
    assert flat.level_p >= 0.05  # no change planted: the words say so, as in every other table
    assert "(no clear change)" in flat.summary()
    # barely searched before: the level change is only "at least", like the event study's sentence
    low = daily(seed=5, level=2.0, step_at=100, fold=8.0)
    r = segmented_regression(low, low.index[100], scan=False)
    assert r.baseline_note in ("low", "zero", "flat") and fold_cell(r.level_record()).startswith("\u2265")
    assert "(low baseline)" in r.summary()


def test_counterfactual_fold_uses_the_formatter_and_its_lower_bound(daily):
    s = daily(seed=1, step_at=100, fold=2.0, n=130)
    r = state_space_counterfactual(s, s.index[100], param_draws=20, paths_per_draw=10, seed=0)
    text = r.summary()
    assert f"observed / counterfactual: {fold_cell(r.fold_record())}" in text and not RAW_MULTIPLE.search(text)
    assert r.fold_record()["significant"] == (r.avg_fold_low > 1 or r.avg_fold_high < 1)
    # a flat baseline supports only "at least N": the summary says so like the sentence does
    idx = pd.date_range("2022-01-01", periods=130)
    v = np.full(130, 3.0)
    v[100:] = 60.0
    z = state_space_counterfactual(pd.Series(v, index=idx), idx[100], param_draws=10, paths_per_draw=10, seed=0)
    assert z.fold_is_lower_bound
    assert f"observed / counterfactual: \u2265{fold_cell(z.fold_record())[1:]}" in z.summary()
    assert "low baseline" in z.summary()


def test_placebo_summary_uses_the_p_value_and_share_forms(daily):
    s = daily(seed=4, n=200, step_at=150, fold=3.0)
    res = placebo_test(s, s.index[150])
    text = res.summary()
    assert f"placebo p = {p_text(res.placebo_p)} (smallest possible {p_text(res.min_p)})" in text
    assert f"{percent(res.false_positive_rate)} of the {res.n_dates} placebo dates" in text


def test_sample_spread_summary_is_the_notebook_sentence(daily):
    rows = []
    for k in range(4):
        s = daily(seed=50 + k, level=30, sd=0.1, step_at=100, fold=3.0)
        rows.append(pd.DataFrame({"date": s.index, "query": "q", "sample": k, "value": s.to_numpy()}))
    sp = event_study_by_sample(pd.concat(rows), "q", "2022-09-09")
    assert 2 < sp.fold_median < 4.5  # the planted x3 rise in every sample
    sentence = spread_sentence(sp.n_samples, sp.fold_min, sp.fold_median, sp.fold_max)
    assert sentence in sp.summary() and "ranged from" in sentence
    assert not re.search(r"\d\.\d\d-\d\.\d\d", sp.summary())
