"""trendlib.text: one formatter, so a sentence, a chart title, a table cell and summary() agree."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from trendlib.text import (bound, count_sentence, date_phrase, fold_cell, fold_figure, fold_reading, fold_sentence,
                           fold_summary, lead_lag_phrase, lead_lag_title, number,
                           family_count_sentence)

NUM = r"(\d[\d,]*(?:\.\d+)?)"


def test_rounding_avoids_false_precision():
    assert [number(x) for x in (1.04, 3.14, 9.96, 33.2, 334.0, 1234.0)] == ["1.0", "3.1", "10", "33", "330", "1,200"]
    assert [number(x) for x in (0.23, 0.041, 0.5)] == ["0.23", "0.041", "0.50"]  # never "0.0 times"
    assert bound(18.9) == "18" and bound(3.19) == "3.1" and bound(0.237) == "0.23"  # 'at least' stays true


def test_date_phrases():
    assert date_phrase("2022-09-21", "2022-09-27") == "between 21 and 27 September 2022"
    assert date_phrase(dt.date(2022, 2, 20), dt.date(2022, 3, 5)) == "between 20 February and 5 March 2022"
    assert date_phrase("2022-09-21", "2022-09-21") == "on 21 September 2022"


def _rec(**kw):
    base = {"label": "visa", "query": "виза", "fold_increase": 3.14, "fold_low": 2.4, "fold_high": 4.04,
            "event_date": "2022-02-24", "fold_start": "2022-02-20", "fold_end": "2022-03-05", "p_value": 1e-4,
            "significant": True, "fold_is_lower_bound": False, "baseline_median": 40.0}
    base.update(kw)
    return base


def test_sentences_follow_the_flags():
    assert fold_sentence(_rec()) == ("Between 20 February and 5 March 2022 (around 24 February 2022), searches for "
                                     "'visa' were about 3.1 times their usual level (range 2.4-4.0).")
    # not significant after correction, even with a raw range above 1: no claim of a rise
    unclear = fold_sentence(_rec(fold_increase=1.2, fold_low=1.05, significant=False))
    assert "no clear change" in unclear and "at least" not in unclear
    assert fold_figure(_rec(significant=False)) == "3.1\u00d7 (no clear change)"
    low = _rec(fold_increase=33.2, fold_low=18.9, fold_high=60, fold_is_lower_bound=True, baseline_median=0)
    assert "at least 18 times" in fold_sentence(low) and "barely searched before" in fold_sentence(low)
    assert fold_figure(low) == "\u226518\u00d7" and fold_summary(low).startswith("\u226518\u00d7")
    drop = fold_sentence(_rec(fold_increase=0.21, fold_low=0.15, fold_high=0.29))
    assert "fell to about a fifth of their usual level" in drop and "0.0" not in drop
    over = _rec(fold_increase=4.9, fold_low=4.5, fold_high=5.3, overlaps="2022-09-21")
    assert "the window includes the 21 Sep spike" in fold_sentence(over)
    assert fold_figure(over) == "4.9\u00d7 (window includes the 21 Sep spike)"
    assert "caus" not in fold_sentence(_rec())


def test_missing_flags_take_their_defaults():
    rec = _rec()
    del rec["significant"]
    assert fold_reading(rec).significant  # p_value < 0.05
    assert fold_reading(_rec(p_value=0.2, significant=None)).kind == "unclear"
    assert fold_reading(_rec(baseline_note="zero")).kind == "at_least"


def test_count_sentence():
    assert count_sentence(8, 1, correction="holm") == ("8 tests were run; 1 remains clear after correcting for the "
                                                       "number of tests (Holm family-wise, 5%).")


def test_lead_lag_words_only_when_significant():
    base = {"status": "ok", "frequency": "day", "peak_lag": 3, "n_tests": 20, "correction": "holm"}
    assert lead_lag_phrase({**base, "significant": True, "lag": 3}) == "searches moved 3 days before crossings"
    assert lead_lag_phrase({**base, "significant": True, "lag": -1}) == "crossings moved 1 day before searches"
    assert lead_lag_phrase({**base, "significant": True, "lag": 0}) == "searches and crossings moved in the same day"
    phrase = lead_lag_phrase({**base, "significant": False})
    assert phrase.startswith("no lead or lag could be established") and "3" not in phrase.split(":")[0]
    assert "before" not in lead_lag_title({**base, "significant": False}, what="'visa' vs Finland")
    assert "too few" in lead_lag_phrase({"status": "too_few", "reason": "too few weeks"})


# ------------------------------------------------------------------ known answers
def _series(kind: str, seed: int) -> tuple[pd.Series, float]:
    """A daily series with a known change at day 100 and the multiple it has."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2022-05-01", periods=130)
    level, fold = {"rise": (30.0, 3.0), "low": (1.5, 30.0), "zero": (0.0, 0.0), "drop": (60.0, 0.2),
                   "none": (30.0, 1.0), "big": (4.0, 20.0)}[kind]
    y = np.log(level + 1) + rng.normal(0, 0.08 if kind != "zero" else 0, 130)
    v = np.exp(y) - 1
    if kind == "zero":
        v[:] = 0
        v[100:107] = [40, 90, 60, 30, 20, 10, 5]
    else:
        v[100:] = (v[100:] + 1) * fold - 1
    return pd.Series(np.clip(np.round(v), 0, 100), index=idx, name=kind), fold


def _numbers(text: str) -> list[str]:
    return re.findall(NUM, text)


@pytest.fixture(scope="module")
def studies():
    from trendlib.analysis.event_study import run_event_studies

    frames = []
    for seed, kind in enumerate(("rise", "low", "zero", "drop", "none", "big")):
        s, _ = _series(kind, seed)
        frames.append(pd.DataFrame({"date": s.index, "query": kind, "value": s.to_numpy(), "resolution": "day"}))
    trends = pd.concat(frames, ignore_index=True)
    events = pd.DataFrame({"date": [pd.Timestamp("2022-08-09")], "label": ["the shock"]})
    return run_event_studies(trends, events)


def test_sentence_title_table_and_summary_give_the_same_number(studies):
    from trendlib.plots.eventstudy import plot_event_study

    records = studies.records()
    assert {fold_reading(r).kind for r in records} >= {"rise", "at_least", "drop", "unclear"}
    fig = plot_event_study(studies, title="t", source="simulated")
    titles = {ax.get_title(loc="left").split(":")[0]: ax.get_title(loc="left") for ax in fig.axes if ax.axison}
    summary = studies.summary()
    for rec, result in zip(records, studies.results):
        shown = fold_reading(rec).value
        sentence = fold_sentence(rec)
        assert shown in _numbers(sentence.split("searches for")[1]), sentence
        assert titles[rec["label"]] == f"{rec['label']}: {fold_figure(rec)}"
        assert _numbers(fold_figure(rec))[0] == shown
        assert _numbers(fold_cell(rec))[0] == shown
        line = next(x for x in summary.splitlines() if x.strip().startswith(rec["label"] + " "))
        assert fold_cell(rec) in line
        # the result's own summary() leads with the same reader's number (significance: its own p-value)
        own = next(x for x in result.summary().splitlines() if "fold increase" in x)
        assert _numbers(own)[0] == fold_reading(result).value
        if fold_reading(rec).kind == "at_least":
            assert shown == bound(rec["fold_low"]) and "at least " + shown in sentence


def test_known_answers_are_recovered(studies):
    by = {r["query"]: r for r in studies.records()}
    assert fold_reading(by["rise"]).kind == "rise" and 2.5 < by["rise"]["fold_increase"] < 3.6
    assert fold_reading(by["drop"]).kind == "drop" and "fell to" in fold_sentence(by["drop"])
    assert fold_reading(by["none"]).kind == "unclear"
    assert fold_reading(by["low"]).kind == "at_least" and fold_reading(by["zero"]).kind == "at_least"
    assert "at least" in fold_sentence(by["zero"]) and "barely searched" in fold_sentence(by["zero"])


def test_a_rise_over_an_empty_baseline_that_is_not_clear_says_only_at_least():
    rec = _rec(fold_increase=67.0, fold_low=44.2, fold_high=99.0, significant=False, baseline_note="zero",
               fold_is_lower_bound=True, baseline_median=0)
    text = fold_sentence(rec)
    assert "at least 44 times" in text and "barely searched before" in text and "67" not in text
    assert fold_figure(rec) == "\u226544\u00d7 (barely searched before; not clear)"
    assert fold_reading(rec).kind == "barely"


def test_a_relation_without_an_established_lag_states_no_lead_or_lag():
    # Granger (or the nowcast) fired, but no test at a single lag did: the largest correlation's lag
    # (peak_lag) must not be put into words, in the phrase or in a title
    base = {"status": "ok", "frequency": "day", "peak_lag": 3, "n_tests": 26, "correction": "holm",
            "significant": True}
    reason = ("a relation was detected (Granger searches -> crossings) but its timing could not be pinned down: "
              "no test at a single lag survived the holm correction")
    for rec in ({**base, "lag": None, "reason": reason}, {**base, "lag": float("nan"), "reason": reason}):
        assert lead_lag_phrase(rec) == f"no lead or lag could be established: {reason}"
        assert "before" not in lead_lag_title(rec, what="'visa' vs Finland")
    generic = lead_lag_phrase({**base, "lag": None})
    assert generic.startswith("no lead or lag could be established: a relation was detected")
    assert "3" not in generic and "before" not in generic
    # an override of the flag drops the reason written for the result's own correction
    own = {**base, "significant": False, "reason": "no test survived the holm correction at 5% (26 tests)"}
    assert "no test survived" not in lead_lag_phrase(own, significant=True)
    assert "before" not in lead_lag_phrase(own, significant=True)


def test_family_count_counts_distinct_spikes_and_names_the_overlaps():
    s = family_count_sentence(50, n_clear=26, n_distinct=14, n_overlapping=12)
    assert s == ("Of 50 query-event pairs tested, 14 show a distinct clear change after correcting for the number "
                 "of tests (false discovery rate, 5%); 12 more are clear only because their window includes a "
                 "larger event's spike, and are not counted as findings of their own.")
    one = family_count_sentence(8, n_clear=2, n_distinct=1, n_overlapping=1, correction="holm")
    assert "1 shows a distinct" in one and "1 more is clear only because its window" in one
    assert family_count_sentence(5, n_clear=0, n_distinct=0, n_overlapping=0).startswith("Of 5 query-event pairs "
                                                                                         "tested, 0 show")
