import pandas as pd

from trendlib.analysis.event_study import event_study_by_sample, placebo_test
from trendlib.analysis.robustness import default_variants, sensitivity, verdicts


def test_step_holds_and_flat_series_does_not(daily):
    step = daily(seed=1, n=200, step_at=150, fold=3.0)
    flat = daily(seed=2, n=200)
    ev = step.index[150]
    sens = [sensitivity(step, ev, query="step"), sensitivity(flat, ev, query="flat")]
    assert list(sens[0].table["variant"]) == [v.name for v in default_variants("day")]
    assert (sens[0].table["status"] == "ok").all()
    pl = {"step": placebo_test(step, ev), "flat": placebo_test(flat, ev)}
    v = verdicts(sens, placebos=pl).set_index("query")
    assert v.loc["step", "verdict"] == "holds"
    assert v.loc["flat", "verdict"] == "no clear rise"
    assert v.loc["step", "variants_above_1"] == len(default_variants("day"))


def test_variant_that_cannot_run_is_reported_not_raised(daily):
    s = daily(seed=3, n=120, step_at=60, fold=2.0)
    res = sensitivity(s, s.index[60])
    row = res.table.set_index("variant").loc["baseline of 12 weeks"]
    # a 12-week baseline is clipped to the 52 days that exist, which is still enough
    assert row["status"] == "ok" and row["n_estimation"] < 84
    short = sensitivity(s, s.index[20])
    assert (short.table["status"] == "not run").all()
    assert "estimation" in short.table["reason"].iloc[0]


def test_sample_check_can_fail(daily):
    rows = []
    for k, fold in enumerate([3.0, 3.0, 1.0]):  # one Google sample shows no rise
        s = daily(seed=30 + k, step_at=100, fold=fold)
        rows.append(pd.DataFrame({"date": s.index, "query": "q", "sample": f"s{k}", "value": s.to_numpy()}))
    samples = pd.concat(rows)
    s = daily(seed=40, step_at=100, fold=3.0).rename("q")
    ev = s.index[100]
    v = verdicts([sensitivity(s, ev, query="q")], spreads={"q": event_study_by_sample(samples, "q", ev)})
    assert v.loc[0, "check_Google_samples"] == "fail"
    assert v.loc[0, "verdict"].startswith("holds in some checks")
    assert v.loc[0, "check_placebo_dates"] == "not run"


def test_few_placebo_dates_cannot_pass_alone_but_resampled_baselines_can(daily):
    s = daily(seed=5, n=75, step_at=51, fold=3.0)
    ev = s.index[51]
    dates_only = placebo_test(s, ev, n_resamples=0)
    assert dates_only.status == "ok" and dates_only.min_p > 0.05
    sens = [sensitivity(s, ev, query="q")]
    v = verdicts(sens, placebos={"q": dates_only})
    assert v.loc[0, "check_placebo_dates"] == "not run" and "impossible" in v.loc[0, "placebo_note"]
    pl = placebo_test(s, ev)
    v = verdicts(sens, placebos={"q": pl})
    assert pl.min_p < 0.01 and v.loc[0, "check_placebo_dates"] == "pass"
    assert f"{pl.n_dates} ordinary dates and {pl.n_resampled} resampled" in v.loc[0, "placebo_note"]


def test_false_alarms_on_ordinary_dates_stop_a_finding_from_holding(daily):
    """A model that fires on 35 % of ordinary dates (invasion 'visa' in issue 12) must not "hold"."""
    import dataclasses

    s = daily(seed=1, n=200, step_at=150, fold=3.0)
    ev = s.index[150]
    pl = placebo_test(s, ev)
    sens = [sensitivity(s, ev, query="q")]
    assert verdicts(sens, placebos={"q": pl}).loc[0, "verdict"] == "holds"
    alarming = dataclasses.replace(pl, false_positive_rate=11 / 31, n_dates=31)
    v = verdicts(sens, placebos={"q": alarming}).iloc[0]
    assert v["check_false_alarms"] == "fail" and "false alarms" in v["verdict"]
    assert "11 of 31 ordinary dates (35%)" in v["placebo_note"] and "too narrow" in v["placebo_note"]
    chance = dataclasses.replace(pl, false_positive_rate=2 / 31, n_dates=31)
    assert verdicts(sens, placebos={"q": chance}).loc[0, "check_false_alarms"] == "pass"


def test_thin_series_gets_a_warning_in_the_verdict(daily):
    rows = []
    for k in range(4):
        s = daily(seed=60 + k, level=0.6, sd=0.8, step_at=100, fold=40.0)
        rows.append(pd.DataFrame({"date": s.index, "query": "q", "sample": k, "value": s.to_numpy()}))
    s = daily(seed=70, level=0.6, sd=0.8, step_at=100, fold=40.0).rename("q")
    ev = s.index[100]
    v = verdicts([sensitivity(s, ev, query="q")], spreads={"q": event_study_by_sample(pd.concat(rows), "q", ev)})
    assert v.loc[0, "sample_unreliable"] and "thin" in v.loc[0, "verdict"]
