"""Loaders for the data a study reads: tidy Google Trends series and dated events.

Each loader returns a pandas DataFrame with documented columns, validates as it
reads, and raises :class:`DataError` naming the file, row and column of a defect.
Nothing is dropped silently.
"""
from trendlib.datasets.errors import DataError
from trendlib.datasets.trends import TRENDS_COLUMNS, load_trends
from trendlib.datasets.events import EVENTS_COLUMNS, load_events, events_in_window
from trendlib.datasets.select import describe_series, select_series

__all__ = ["DataError", "TRENDS_COLUMNS", "load_trends", "EVENTS_COLUMNS", "load_events",
           "events_in_window", "select_series", "describe_series"]
