"""Whether a series' dates can hold an event study around one event, before anything is fitted.

:func:`window_coverage` applies the event study's own window rule
(:data:`~trendlib.analysis.event_study.DEFAULT_WINDOWS`,
:data:`~trendlib.analysis.event_study.MIN_ESTIMATION`) to the calendar alone: the first and last
period of a series and the event date. Missing values are not looked at (the event study itself
counts them); what this answers is whether the series *could* be studied at all, and if not, which
first or last date would make it possible. ``trendlib report`` uses it to refuse a study whose
period cannot hold its main event's baseline, naming the start date that would, before any
notebook runs.

Periods are days, or Google weeks dated by their first day (a Sunday); positions count periods
from the event's own period (0), negative = before the event, as in the event study.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pandas as pd

from trendlib.analysis.event_study import MIN_ESTIMATION, resolve_windows
from trendlib.analysis.preprocess import period_offset

__all__ = ["WindowCoverage", "window_coverage"]


@dataclasses.dataclass(frozen=True)
class WindowCoverage:
    """What a series' dates allow around one event (missing values aside).

    ``need``: fewest baseline periods the event study accepts; ``have``: baseline periods the
    dates hold (days or weeks). ``latest_start``: the latest first date that still gives ``need``
    baseline periods; ``full_start``: the first date that gives the whole estimation window;
    ``earliest_end``: the last day the fold window needs. ``problem`` is ``""`` when the dates
    fit, else what is wrong, in words (``start`` or ``end`` in ``side``).
    """

    frequency: str
    event_date: dt.date
    need: int
    have: int
    latest_start: dt.date
    full_start: dt.date
    earliest_end: dt.date
    problem: str
    side: str

    @property
    def ok(self) -> bool:
        return not self.problem

    def summary(self) -> str:
        if self.ok:
            return (f"The dates hold the event study around {self.event_date}: {self.have} {self.frequency}s of "
                    f"baseline (at least {self.need} needed).")
        return f"The event study around {self.event_date} cannot run: {self.problem}."


def window_coverage(first, last, event_date, *, frequency: str, estimation: Sequence[int] | None = None,
                    event_window: Sequence[int] | None = None, fold_window: Sequence[int] | None = None,
                    min_estimation: int | None = None) -> WindowCoverage:
    """Whether a series whose first period starts on ``first`` and last on ``last`` can be event-studied.

    ``frequency`` is ``"day"`` or ``"week"``; the windows are those of
    :func:`~trendlib.analysis.event_study.event_study` (``None`` = its defaults), in periods
    relative to the event (negative = before). The series is taken as regular from ``first`` to
    ``last``; gaps and missing values are the event study's to count.
    """
    est, evt, fold = resolve_windows(frequency, estimation, event_window, fold_window)
    need = min_estimation if min_estimation is not None else MIN_ESTIMATION[frequency]
    step = period_offset(frequency)
    first, last, event = pd.Timestamp(first), pd.Timestamp(last), pd.Timestamp(event_date)
    k = (event - first) // step  # the event's period, counted from the first period (negative: before it)
    p0 = first + k * step
    have = max(0, k + est[1] - max(k + est[0], 0) + 1)
    n_periods = (last - first) // step + 1
    unit = frequency
    latest_start = (p0 + (est[1] - need + 1) * step).date()
    full_start = (p0 + est[0] * step).date()
    earliest_end = (p0 + (fold[1] + 1) * step - pd.Timedelta(days=1)).date()
    last_day = (last + step - pd.Timedelta(days=1)).date()
    problem, side = "", ""
    if have < need:
        side = "start"
        problem = (f"the series starts on {first.date()}, which leaves {have} {unit}{'s' if have != 1 else ''} of "
                   f"baseline before the event on {event.date()} (the baseline runs from {unit} {est[0]} to "
                   f"{unit} {est[1]} relative to it); at least {need} are needed, so the series must start on "
                   f"{latest_start} or earlier ({full_start} gives the whole baseline)")
    elif k + fold[1] >= n_periods:
        side = "end"
        problem = (f"the series ends on {last_day}, before the end of the fold window ({unit}s {fold[0]} to "
                   f"{fold[1]} after the event on {event.date()}); it must run to {earliest_end} or later")
    return WindowCoverage(frequency=frequency, event_date=event.date(), need=int(need), have=int(have),
                          latest_start=latest_start, full_start=full_start, earliest_end=earliest_end,
                          problem=problem, side=side)
