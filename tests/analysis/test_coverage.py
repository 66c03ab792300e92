"""The calendar check before an event study: it agrees with the event study's own refusal, date for date."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from trendlib.analysis.coverage import window_coverage
from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.event_study import event_study, placebo_test, run_event_studies
from trendlib.text import not_studied_sentence, robustness_count_sentence


def test_a_weekly_export_seven_weeks_before_its_event_is_named_with_the_start_that_works():
    cov = window_coverage("2022-01-02", "2023-11-19", "2022-02-24", frequency="week")
    assert not cov.ok and cov.side == "start" and (cov.have, cov.need) == (5, 12)
    assert cov.latest_start == dt.date(2021, 11, 14)  # 14 weeks before the event's week (Sun 20 Feb)
    assert cov.full_start == dt.date(2021, 8, 22)  # 26 weeks before it
    assert "2021-11-14 or earlier" in cov.problem and "2021-11-14" in cov.summary()


@pytest.mark.parametrize("frequency, event", [("week", "2022-02-24"), ("day", "2022-09-21")])
def test_the_latest_start_it_names_is_exactly_where_the_event_study_starts_to_work(weekly, daily, frequency, event):
    """Known answer: at ``latest_start`` the event study runs; one period later both refuse."""
    make = weekly if frequency == "week" else daily
    step = pd.Timedelta(days=7 if frequency == "week" else 1)
    first = window_coverage("2020-01-05", "2023-01-01", event, frequency=frequency).latest_start
    for start, works in ((pd.Timestamp(first), True), (pd.Timestamp(first) + step, False)):
        s = make(seed=1, n=60 if frequency == "week" else 120, start=str(start.date()))
        cov = window_coverage(s.index[0], s.index[-1], event, frequency=frequency)
        assert cov.ok is works
        if works:
            assert event_study(s, event).n_estimation == cov.have
        else:
            with pytest.raises(AnalysisError, match="non-missing"):
                event_study(s, event)


def test_an_end_before_the_fold_window_ends_is_named_with_the_end_that_works(daily):
    s = daily(seed=2, n=120, start="2022-06-01")
    event = s.index[-4]  # the fold window (days 0 to 6) runs 3 days past the data
    cov = window_coverage(s.index[0], s.index[-1], event, frequency="day")
    assert not cov.ok and cov.side == "end" and cov.earliest_end == (event + pd.Timedelta(days=6)).date()
    with pytest.raises(AnalysisError, match="fold window"):
        event_study(s, event)
    s2 = daily(seed=2, n=123, start="2022-06-01")  # three more days: both agree it fits
    assert window_coverage(s2.index[0], s2.index[-1], event, frequency="day").ok
    event_study(s2, event)


def test_an_event_before_the_data_leaves_no_baseline():
    cov = window_coverage("2022-06-01", "2022-12-01", "2022-05-01", frequency="day")
    assert not cov.ok and cov.have == 0 and cov.side == "start"


def test_placebo_test_says_the_event_could_not_be_studied_instead_of_raising(daily):
    s = daily(seed=4, n=120, start="2022-06-01")
    res = placebo_test(s, s.index[10])  # 10 days of baseline at most
    assert res.status == "unusable" and res.reason.startswith("the event itself could not be studied: only")
    assert res.n_placebos == 0 and res.to_frame().empty and "not run" in res.summary()


def test_skipped_studies_are_found_by_their_event_date(daily):
    s = daily(seed=5, n=120, start="2022-06-01")
    trends = pd.DataFrame({"date": s.index, "query": "q", "value": s.to_numpy(), "resolution": "day"})
    res = run_event_studies(trends, [s.index[10], s.index[100]], queries=["q"])
    assert len(res.results) == 1 and res.skipped_at(s.index[100]) == []
    (query, reason), = res.skipped_at(s.index[10])
    assert query == "q" and "need at least 21" in reason
    sentence = not_studied_sentence("Q label", "the main event", reason)
    assert sentence.startswith("Q label: the main event could not be studied (only") and "no finding" in sentence


def test_the_robustness_count_keeps_queries_that_could_not_be_studied_apart():
    assert robustness_count_sentence(1, 3) == "1 of 3 queries' rises hold under every check that could be run."
    two = robustness_count_sentence(0, 2, n_not_studied=2)
    assert "2 could not be studied at all (their reasons in the table)" in two
