"""Event studies for many queries and events: one family, shared spikes, results.json records.

:func:`run_event_studies` runs :func:`~trendlib.analysis.event_study.event_study` for every
query x event and corrects the p-values for the number of studies. Events that are close
to each other are handled in three ways (issue 12, point 5):

* **Baselines exclude every event's window.** The fold window of every other event in the
  family (the periods ``fold_window`` after it, where its rise is measured) is left out of
  each event's estimation window, so a later event's "normal" never contains an earlier
  event's spike. (The longer event windows, which also show the days before each event,
  would leave too little baseline when events come every few days, as in September 2022.)
* **Shared spikes.** An event whose event window holds a larger spike of another event of
  the same query (its window includes the 21 Sep spike), or whose fold-window spike is the
  same day as another event's, does not own that spike: a shared spike belongs to the
  latest event dated on or before it. The others are marked ``overlaps`` (the spike's ISO
  date) and are not findings of their own (``distinct_spike`` false), even when their
  rise is significant.
* **Headline counts count distinct spikes**: :meth:`EventStudySet.n_distinct_significant`.

Windows are periods of the series (days or weeks), as in the event study.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.event_study import DEFAULT_WINDOWS, EventStudyResult, event_study, resolve_windows
from trendlib.analysis.multitest import adjust_pvalues
from trendlib.analysis.preprocess import period_of, series_from_tidy

__all__ = ["EventStudySet", "run_event_studies", "event_study_records", "events_to_study", "mark_overlaps"]

log = logging.getLogger("trendlib.analysis.event_study")


@dataclasses.dataclass(frozen=True, eq=False)
class EventStudySet:
    """Event studies for several queries and events, with a multiple-testing correction.

    ``q_values[i]`` is the adjusted p-value of ``results[i]`` within the family of all
    query x event studies that ran (method ``correction``); ``significant[i]`` is
    ``q_values[i] < alpha`` and equals ``results[i].significant`` (each result carries its
    corrected flag, its ``direction``, ``overlaps`` and ``distinct_spike``). ``skipped``
    lists ``(query, event, reason)`` for the pairs that could not be estimated, and
    ``skipped_dates[i]`` the event date of ``skipped[i]`` (see :meth:`skipped_at`). ``source`` names
    the signal studied (:data:`trendlib.signals.SIGNALS`: ``google-trends`` or ``wikipedia-pageviews``).
    """

    results: tuple[EventStudyResult, ...]
    q_values: tuple[float, ...]
    significant: tuple[bool, ...]
    correction: str
    alpha: float
    skipped: tuple[tuple[str, str, str], ...]
    source: str = "google-trends"
    skipped_dates: tuple[dt.date, ...] = ()

    def skipped_at(self, event_date) -> list[tuple[str, str]]:
        """``(query, reason)`` for every query whose study of the event on ``event_date`` could not run."""
        day = pd.Timestamp(event_date).date()
        return [(q, why) for (q, _, why), d in zip(self.skipped, self.skipped_dates) if d == day]

    def n_distinct_significant(self) -> int:
        """Significant results that are findings of their own: each spike counted once."""
        return int(sum(r.distinct_spike for r in self.results))

    def n_overlapping(self) -> int:
        """Significant results whose window holds another event's spike (not counted as findings)."""
        return int(sum(bool(r.significant and r.overlaps) for r in self.results))

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per query x event with the headline numbers, q-value and significance."""
        if not self.results:
            return pd.DataFrame(columns=["query", "label", "event", "event_date", "fold_increase", "q_value"])
        out = pd.concat([r.to_frame() for r in self.results], ignore_index=True)
        out["q_value"] = list(self.q_values)
        out["correction"] = self.correction
        return out

    def paths(self) -> pd.DataFrame:
        """Tidy frame of every result's path (date, period, value, expected, band, ...)."""
        frames = []
        for r in self.results:
            p = r.path.copy()
            p.insert(0, "event_date", pd.Timestamp(r.event_date))
            p.insert(0, "event", r.event)
            p.insert(0, "label", r.label)
            p.insert(0, "query", r.query)
            frames.append(p)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def records(self) -> list[dict]:
        """The ``event_study`` records of results.json (see :func:`event_study_records`)."""
        return event_study_records(self)

    def summary(self) -> str:
        m = len(self.results)
        k = int(sum(self.significant))
        lines = [f"{m} event studies were run; {k} survive the {self.correction} correction at "
                 f"{100 * self.alpha:g}%; {self.n_distinct_significant()} distinct spikes "
                 f"({self.n_overlapping()} significant only through another event's spike)."]
        from trendlib.text import fold_cell  # one formatter for every number a reader sees

        for r, q, rec in zip(self.results, self.q_values, self.records()):
            lines.append(f"  {r.label:<24} {r.event_date}  {fold_cell(rec)}  p {r.p_value:.2g}  q {q:.2g}"
                         + ("  *" if r.significant else "") + (f"  overlaps {r.overlaps}" if r.overlaps else ""))
        for q, e, why in self.skipped:
            lines.append(f"  skipped {q} / {e}: {why}")
        return "\n".join(lines)


# ------------------------------------------------------------------------- events
def _events_raw(events) -> list[tuple[pd.Timestamp, str]]:
    if isinstance(events, pd.DataFrame):
        if "date" not in events.columns:
            raise AnalysisError(f"events frame has no 'date' column; columns are {list(events.columns)}")
        if "date_precision" in events.columns:
            events = events[events["date_precision"].astype(str) == "day"]
        name_col = "label" if "label" in events.columns else ("event" if "event" in events.columns else None)
        return [(pd.Timestamp(d), str(n) if name_col else str(pd.Timestamp(d).date()))
                for d, n in zip(events["date"], events[name_col] if name_col else events["date"])]
    out = []
    for item in events:
        if isinstance(item, tuple):
            out.append((pd.Timestamp(item[0]), str(item[1])))
        else:
            out.append((pd.Timestamp(item), str(pd.Timestamp(item).date())))
    return out


def _events_list(events) -> list[tuple[pd.Timestamp, str]]:
    out: dict[pd.Timestamp, list[str]] = {}
    for date, name in _events_raw(events):
        names = out.setdefault(date.normalize(), [])
        if name not in names:
            names.append(name)
    # events on the same day cannot be told apart: one study, labels joined
    return [(d, " / ".join(n)) for d, n in sorted(out.items())]


def _merge_by_period(evs, s: pd.Series) -> list[tuple[pd.Timestamp, str]]:
    """Events falling in the same period of ``s`` (same week for weekly data) become one study,
    dated by the earliest of them, labels joined with " / "."""
    freq = s.attrs["frequency"]
    groups: dict = {}
    for date, name in evs:
        try:
            key = period_of(s.index, date, freq)
        except AnalysisError:
            key = date  # outside the series: studied alone, to be skipped with its reason
        groups.setdefault(key, []).append((date, name))
    out = []
    for items in groups.values():
        items.sort()
        names = list(dict.fromkeys(n for _, n in items))
        out.append((items[0][0], " / ".join(names)))
    return sorted(out)


def _event_windows(s: pd.Series, dates: Sequence[pd.Timestamp], fold_window) -> dict:
    """Event date -> the dates of its fold window in ``s`` (periods inside the series only)."""
    freq = s.attrs["frequency"]
    evt = tuple(fold_window) if fold_window is not None else DEFAULT_WINDOWS[freq][2]
    out = {}
    for d in dates:
        try:
            t0 = period_of(s.index, d, freq)
        except AnalysisError:
            continue
        pos = np.arange(max(t0 + evt[0], 0), min(t0 + evt[1], len(s) - 1) + 1)
        out[d] = s.index[pos]
    return out


def _queries(queries, trends) -> list[tuple[str, str]]:
    qs = []
    for q in (queries if queries is not None else trends["query"].unique()):
        if hasattr(q, "term"):
            qs.append((q.term, q.label))
        elif isinstance(q, tuple):
            qs.append((str(q[0]), str(q[1])))
        else:
            qs.append((str(q), str(q)))
    return qs


def run_event_studies(trends: pd.DataFrame, events, *, queries: Iterable | None = None,
                      geo: str | None = None, correction: str = "fdr_bh", alpha: float = 0.05,
                      source: str = "google-trends", **options) -> EventStudySet:
    """Run :func:`event_study` for every query x event and correct for multiplicity.

    Parameters
    ----------
    trends : tidy trends frame (``date, query, value, resolution, ...``).
    events : a frame with ``date`` and ``label`` (or ``event``) columns - month-precision
        rows (``date_precision`` = ``"month"``) are skipped - or a list of dates or
        ``(date, label)`` pairs. Events in the same period (the same day; for weekly data the
        same week) are studied once, dated by the earliest, labels joined with " / " (the
        data cannot tell them apart).
    queries : terms, or ``(term, label)`` pairs, or objects with ``term``/``label``
        (a :class:`trendlib.study.Query`); default every query in ``trends``.
    correction : ``"fdr_bh"`` (default), ``"holm"`` or ``"fdr_by"`` across all studies run.
    source : the signal ``trends`` holds (``google-trends``, or ``wikipedia-pageviews`` for a pageviews
        frame: daily views, studied the same way); every record carries it.
    options : passed to :func:`event_study` (windows, ``offset``, ``low_baseline``, ...).

    Every event's baseline leaves out the fold windows of all the other events; results
    whose window holds a later-owned spike are marked (see the module docstring).
    """
    evs = _events_list(events)
    results, skipped, skipped_dates = [], [], []
    for term, lab in _queries(queries, trends):
        s = series_from_tidy(trends, term, geo=geo)
        merged = _merge_by_period(evs, s)
        windows = _event_windows(s, [d for d, _ in merged], options.get("fold_window"))
        for date, name in merged:
            others = [w for d, w in windows.items() if d != date]
            exclude = others[0].append(others[1:]) if others else None
            try:
                results.append(event_study(s, date, alpha=alpha, query=term, label=lab, event=name,
                                           exclude=exclude, **options))
            except AnalysisError as exc:
                skipped.append((term, name, str(exc)))
                skipped_dates.append(pd.Timestamp(date).date())
                log.info("event study %s / %s skipped: %s", term, name, exc)
    q = adjust_pvalues([r.p_value for r in results], method=correction) if results else np.array([])
    sig = [bool(x < alpha) for x in q]
    results = mark_overlaps([r.with_significance(g) for r, g in zip(results, sig)])
    return EventStudySet(results=tuple(results), q_values=tuple(float(x) for x in q), significant=tuple(sig),
                         correction=correction, alpha=alpha, skipped=tuple(skipped), source=source, skipped_dates=tuple(skipped_dates))


def _event_span(r: EventStudyResult) -> tuple[pd.Timestamp, pd.Timestamp]:
    dates = r.path.loc[r.path["window"] == "event", "date"]
    step = pd.Timedelta(days=1 if r.frequency == "day" else 7)
    return pd.Timestamp(dates.min()), pd.Timestamp(dates.max()) + step - pd.Timedelta(days=1)


def _larger_spike_inside(r: EventStudyResult, rises: list[EventStudyResult]):
    """The largest other spike (strictly higher than ``r``'s own) inside ``r``'s event window."""
    a, b = _event_span(r)
    inside = [o for o in rises if o is not r and o.spike_date != r.spike_date and o.spike_value > r.spike_value
              and a <= pd.Timestamp(o.spike_date) <= b]
    return max(inside, key=lambda o: o.spike_value).spike_date if inside else None


def mark_overlaps(results: Sequence[EventStudyResult]) -> list[EventStudyResult]:
    """Mark results whose window holds a larger event's spike (same query), in place of their own finding.

    Among rises (fold > 1) of one query: (1) a result whose event window holds another
    result's higher spike overlaps that spike; (2) results whose fold-window spikes fall on
    the same date share it, and it belongs to the latest event dated on or before it (else
    the earliest): the others overlap it. Overlapping results get ``overlaps`` = the
    spike's ISO date and ``distinct_spike`` false. The order of ``results`` is kept.
    """
    out = list(results)
    spikes: dict = {}
    for i, r in enumerate(out):
        if r.fold_increase > 1 and r.spike_date is not None:
            spikes.setdefault(r.query, []).append(i)
    for members in spikes.values():
        rises = [out[i] for i in members]
        larger = {i: _larger_spike_inside(out[i], rises) for i in members}
        by_date: dict = {}
        for i in members:
            by_date.setdefault(out[i].spike_date, []).append(i)
        for spike, group in by_date.items():
            before = [i for i in group if out[i].event_date <= spike]
            owner = max(before, key=lambda i: out[i].event_date) if before else min(
                group, key=lambda i: out[i].event_date)
            for i in group:
                shared = spike if i != owner else None
                hit = larger[i] or shared
                if hit is not None:
                    out[i] = dataclasses.replace(out[i], overlaps=hit.isoformat(), distinct_spike=False)
    return out


def event_study_records(studies: EventStudySet) -> list[dict]:
    """Records for the ``event_study`` key of results.json (a fixed contract: keys are only added).

    One dict per query x event with ``query, label, event, event_date (ISO), frequency,
    fold_increase, fold_low, fold_high`` (multiples of the baseline), ``fold_is_lower_bound,
    p_value, q_value, significant`` (after the set's correction), ``correction``, the fold
    window dates, baseline and event means (index points), peak date and ``periods_to_band``;
    and the flags ``direction`` (rise/drop/none), ``baseline_note`` (ok/low/flat/zero),
    ``overlaps`` ("" or the ISO date of the spike it shares), ``distinct_spike``, ``p_floor``
    (smallest p the baseline supports), ``spike_date``, ``n_estimation``, ``n_excluded``
    (baseline periods left out as other events' windows) and ``trend``; ``source``, the signal studied
    (``google-trends`` or ``wikipedia-pageviews``).
    """
    out = []
    for r, q in zip(studies.results, studies.q_values):
        out.append({
            "query": r.query, "label": r.label, "event": r.event, "event_date": r.event_date.isoformat(),
            "frequency": r.frequency, "fold_increase": r.fold_increase, "fold_low": r.fold_low,
            "fold_high": r.fold_high, "fold_is_lower_bound": r.fold_is_lower_bound,
            "interval_level": 1 - r.alpha, "p_value": r.p_value, "q_value": q, "significant": bool(r.significant),
            "correction": studies.correction, "fold_start": r.fold_dates[0].isoformat(),
            "fold_end": r.fold_dates[1].isoformat(), "baseline_median": r.baseline_median,
            "baseline_level": r.baseline_level, "event_mean": r.event_mean,
            "peak_date": r.peak_date.isoformat() if r.peak_date else None, "peak_value": r.peak_value,
            "periods_to_band": r.periods_to_band, "offset": r.offset, "illustrative": r.illustrative,
            "direction": r.direction, "baseline_note": r.baseline_note, "overlaps": r.overlaps,
            "distinct_spike": bool(r.distinct_spike), "p_floor": r.p_floor,
            "spike_date": r.spike_date.isoformat() if r.spike_date else None, "n_estimation": r.n_estimation,
            "n_excluded": r.n_excluded, "trend": r.trend, "source": studies.source,
        })
    return out


def events_to_study(events: pd.DataFrame, event_date, *, frequency: str,
                    estimation: Sequence[int] | None = None, event_window: Sequence[int] | None = None) -> pd.DataFrame:
    """The events whose baseline is untouched by the primary event at ``event_date``.

    An event is kept when its estimation window ends before the primary event's event
    window starts (both in periods of ``frequency``, days or weeks): a later event's
    baseline would contain the primary spike and its "abnormal" interest would mean
    nothing. The primary event is always kept. ``attrs["left_out"]`` counts the events
    dropped (``baseline_contains_primary``) and month-precision ones (``month_precision``).
    """
    est, evt, _ = resolve_windows(frequency, estimation, event_window, None)
    step = 1 if frequency == "day" else 7
    ev = events
    month = 0
    if "date_precision" in ev.columns:
        month = int((ev["date_precision"].astype(str) != "day").sum())
        ev = ev[ev["date_precision"].astype(str) == "day"]
    primary = pd.Timestamp(event_date)
    offset_days = (ev["date"] - primary).dt.days
    keep = (offset_days + est[1] * step < evt[0] * step) | (offset_days == 0)
    out = ev[keep].reset_index(drop=True)
    out.attrs["left_out"] = {"baseline_contains_primary": int((~keep).sum()), "month_precision": month}
    return out
