"""Loaders for the data a study reads, and the derivation of crossing series.

Each loader returns a pandas DataFrame with documented columns, validates as it
reads, and raises :class:`DataError` naming the file, row and column of a defect.
Nothing is dropped silently: helpers that filter count what they leave out.

============================ ==========================================================
name                         what
============================ ==========================================================
load_trends                  tidy Google Trends series (date, query, geo, value, ...)
load_trend_samples           the per-Google-sample series beside a trends file
load_events                  dated events drawn on every chart
load_crossings               border-crossing figures as reported periods
derive_crossing_series       periods -> series (single days, differenced, net), with ids
load_facts                   published search-interest facts (peak times, counts, ...)
select_series, describe_...  apply a study to a trends file; describe the series
============================ ==========================================================
"""
from trendlib.datasets.errors import DataError
from trendlib.datasets.trends import (SAMPLES_COLUMNS, TRENDS_COLUMNS, load_trend_samples, load_trends,
                                      samples_path)
from trendlib.datasets.events import EVENTS_COLUMNS, load_events, events_in_window
from trendlib.datasets.crossings import CROSSINGS_COLUMNS, load_crossings
from trendlib.datasets.derive import CrossingSeries, derive_crossing_series
from trendlib.datasets.facts import FACTS_COLUMNS, load_facts
from trendlib.datasets.select import describe_series, select_series

__all__ = ["DataError", "TRENDS_COLUMNS", "load_trends", "SAMPLES_COLUMNS", "load_trend_samples",
           "samples_path", "EVENTS_COLUMNS", "load_events", "events_in_window", "CROSSINGS_COLUMNS",
           "load_crossings", "CrossingSeries", "derive_crossing_series", "FACTS_COLUMNS", "load_facts",
           "select_series", "describe_series"]
