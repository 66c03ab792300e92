"""Loaders for the data a study reads, and the derivation of crossing series.

Each loader returns a pandas DataFrame with documented columns, validates as it
reads, and raises :class:`DataError` naming the file, row and column of a defect.
Nothing is dropped silently: helpers that filter count what they leave out.

============================ ==========================================================
name                         what
============================ ==========================================================
load_trends                  tidy Google Trends series (date, query, geo, value, ...)
load_trend_samples           the per-Google-sample series beside a trends file
load_pageviews               tidy Wikipedia pageviews (date, query, value, source, project, ...)
load_events                  dated events drawn on every chart
load_crossings               border-crossing figures as reported periods
derive_crossing_series       periods -> series (single days, differenced, net), with ids
load_facts, facts_in_window  published search-interest facts (peak times, counts, ...)
select_series, describe_...  apply a study to a trends file; describe the series
study_events                 the events a study draws, its own event included and flagged
check_study_data             every data file of a study read and checked before any notebook runs
============================ ==========================================================
"""
from __future__ import annotations

from trendlib._lazy import lazy_namespace

# public name -> submodule; imported on first use so that `trendlib --help` (which loads
# trendlib.datasets.commands) does not pull in pandas
_NAMES: dict[str, str] = {
    "DataError": "errors",
    "TRENDS_COLUMNS": "trends", "load_trends": "trends", "SAMPLES_COLUMNS": "trends",
    "load_trend_samples": "trends", "samples_path": "trends",
    "EVENTS_COLUMNS": "events", "load_events": "events", "events_in_window": "events",
    "CROSSINGS_COLUMNS": "crossings", "load_crossings": "crossings",
    "CrossingSeries": "derive", "derive_crossing_series": "derive",
    "FACTS_COLUMNS": "facts", "load_facts": "facts", "facts_in_window": "facts",
    "select_series": "select", "describe_series": "select",
    "study_events": "studydata", "check_study_data": "studydata",
    "make_illustrative": "illustrative",
    "PAGEVIEWS_COLUMNS": "pageviews", "load_pageviews": "pageviews", "select_pageviews": "pageviews",
    "describe_pageviews": "pageviews",
}

__all__ = sorted(_NAMES)


__getattr__, _ = lazy_namespace('trendlib.datasets', _NAMES, globals())


def __dir__() -> list[str]:
    return __all__
