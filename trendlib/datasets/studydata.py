"""A study's data as its notebooks see it: the events to draw, and the checks run before any notebook.

Two jobs, both about applying a :class:`trendlib.Study` to its files:

* :func:`study_events` gives the events drawn and analysed: the day-precision events of the
  study's events file that fall in its period, plus the study's own ``event_date`` when the
  file does not list it (or when the study has no events file at all). The main event is
  flagged ``is_primary``; every event gets a ``number`` (1, 2, ... in date order) that stays
  the same on every page of the report.
* :func:`check_study_data` reads every data file with its loader and checks what a notebook
  would otherwise trip over late (a query with no rows, a geo the file does not hold, dates in
  another form, a period too short to hold the main event's baseline), so ``trendlib report``
  refuses a bad study with exit 2 before any kernel starts.
"""
from __future__ import annotations

import pandas as pd

from trendlib.datasets.errors import DataError
from trendlib.datasets.events import EVENTS_COLUMNS, events_in_window, load_events

__all__ = ["study_events", "check_study_data", "StudyDataCheck", "ANALYSED_RESOLUTIONS"]

#: the resolutions the report's notebooks analyse (an event window counted in days or Google weeks)
ANALYSED_RESOLUTIONS = ("day", "week")


def study_events(study, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The study's events in its period, the main event included and flagged.

    Columns: those of :func:`trendlib.load_events`, plus ``is_primary`` (bool: the study's
    ``event_date``), ``from_study`` (bool: the row was added from the study file because the
    events file does not list that day) and ``number`` (int, 1 = earliest; one numbering per
    study). ``attrs['left_out']`` counts the events of the file that were not kept (outside the
    period, month precision only). ``events`` may be passed when already loaded.
    """
    if events is None:
        events = load_events(study.events) if study.events is not None else _empty_events()
    window = events_in_window(events, study.start, study.end)
    left_out = window.attrs.get("left_out", {})
    primary = pd.Timestamp(study.event_date)
    window = window.assign(from_study=False)
    if not (window["date"] == primary).any():
        label = study.study_event_label
        own = pd.DataFrame([{"date": primary, "date_precision": "day", "time_local": "", "event": label,
                             "label": label, "category": "study", "source_url": "the study file",
                             "confidence": "", "from_study": True}])
        window = pd.concat([window, own], ignore_index=True) if len(window) else own
    window = window.sort_values(["date", "from_study"], kind="stable").reset_index(drop=True)
    window["is_primary"] = window["date"] == primary
    window["number"] = range(1, len(window) + 1)
    window.attrs["left_out"] = left_out
    return window


def _empty_events() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [*EVENTS_COLUMNS, "label", "date_precision"]})
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _check_main_event_fits(study, series: pd.DataFrame) -> None:
    """Refuse a study whose series cannot hold the event study of its main event (the report's headline).

    The rule is the event study's own (:func:`trendlib.analysis.coverage.window_coverage`); only
    the calendar is checked here, missing values are the notebooks' to report.
    """
    from trendlib.analysis.coverage import window_coverage

    for query, rows in series.groupby("query", sort=False):
        cov = window_coverage(rows["date"].min(), rows["date"].max(), study.event_date,
                              frequency=rows["resolution"].iloc[0])
        if cov.ok:
            continue
        if cov.side == "start":
            key, date, later = "start", cov.latest_start, pd.Timestamp(study.start) > pd.Timestamp(cov.latest_start)
            fix = (f"set start: to {date} or earlier in the study file and import (or fetch) the series from that date"
                   if later else f"the study's start allows it, but the trends file has no rows for it before "
                                 f"{rows['date'].min().date()}: import (or fetch) the series from {date} or earlier")
        else:
            key, date, later = "end", cov.earliest_end, pd.Timestamp(study.end) < pd.Timestamp(cov.earliest_end)
            fix = (f"set end: to {date} or later in the study file and import (or fetch) the series to that date"
                   if later else f"the study's end allows it, but the trends file's rows for it stop earlier: import "
                                 f"(or fetch) the series to {date} or later")
        raise DataError(f"the main event (event_date {study.event_date}) cannot be studied for query {query!r}: "
                        f"{cov.problem}. To fix it, {fix} (study key {key!r})", file=str(study.trends))


class StudyDataCheck:
    """What :func:`check_study_data` found: ``notes`` lists what was converted or left out, in words."""

    def __init__(self, notes: list[str]):
        self.notes = list(notes)

    def __repr__(self) -> str:
        return f"StudyDataCheck(notes={self.notes!r})"


def check_study_data(study) -> StudyDataCheck:
    """Read every data file of ``study`` with its loader and check it fits the study.

    Raises :class:`DataError` (exit 2) naming the file, row and column, or the study key, for:
    a data file that cannot be read (any loader's refusal), a query with no rows for the study's
    geo, no rows inside the study period, a trends file mixing resolutions for one query, series
    that are not daily or weekly, series whose dates cannot hold the event study of the main event
    (too little baseline before ``event_date``, or a fold window past the end: the message names the
    start or end date that would work), and events, crossings or facts files that do not load.
    Returns the notes of what was accepted with a conversion (e.g. timestamps with a time zone read
    as dates).
    """
    from trendlib.datasets.select import select_series
    from trendlib.datasets.trends import load_trend_samples, load_trends

    notes: list[str] = []
    trends = load_trends(study.trends)
    notes += trends.attrs.get("notes", [])
    series = select_series(trends, queries=study.terms, geo=study.geo, start=study.start, end=study.end)
    for query, rows in series.groupby("query", sort=False):
        kinds = sorted(set(rows["resolution"]))
        if len(kinds) > 1:
            raise DataError(f"query {query!r} has rows of several resolutions ({', '.join(kinds)}) in the study "
                            "period; keep one resolution per query (re-import or re-fetch the series)",
                            file=str(study.trends))
    coarse = sorted(set(series["resolution"]) - set(ANALYSED_RESOLUTIONS))
    if coarse:
        query = series.loc[series["resolution"].isin(coarse), "query"].iloc[0]
        raise DataError(f"the series of {query!r} are {coarse[0]}-by-{coarse[0]}; the report's analyses work on daily "
                        "or weekly series. Download a span Google answers daily (up to 269 days) or weekly (270 days "
                        "to about 5 years) and import that", file=str(study.trends))
    missing_in_period = [q for q in study.terms if q not in set(series["query"])]
    if missing_in_period:
        raise DataError(f"no rows between {study.start} and {study.end} for quer"
                        f"{'y' if len(missing_in_period) == 1 else 'ies'} "
                        f"{', '.join(map(repr, missing_in_period))}", file=str(study.trends))
    _check_main_event_fits(study, series)
    load_trend_samples(study.trends, missing_ok=True)
    if study.events is not None:
        study_events(study, load_events(study.events))
    if study.crossings is not None:
        from trendlib.datasets.crossings import load_crossings
        load_crossings(study.crossings)
    if study.facts is not None:
        from trendlib.datasets.facts import load_facts
        load_facts(study.facts)
    return StudyDataCheck(notes)
