"""When did each attention signal move around an event? Rise day and peak day, per series and signal.

:func:`compare_timing` takes daily series of two (or more) signals, e.g. Google search interest
(an index 0-100) and Wikipedia pageviews (counts), and for each series finds

* the **rise day**: the first day in the window ``[event - before_days, event + after_days]`` on
  which the value is above its usual band, ``mean + z * sd`` of a baseline of ``baseline_days``
  ending ``gap_days`` before the event (when the baseline is flat, e.g. an article that did not
  exist yet, any value above its mean counts);
* the **peak day**: the day of the highest value in the same window.

Both are also given as **lags in days from the event** (``lag > 0``: after the event, ``lag < 0``:
before it). Units do not matter (each series is compared with its own baseline), so an index and a
count can be compared. The result says per signal when the earliest series rose and peaked, whether
the signals rose on the same day and which peaked first. It describes timing only; it is not a test.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import pandas as pd

from trendlib.analysis.errors import AnalysisError

__all__ = ["SignalTiming", "TimingComparison", "compare_timing"]


@dataclasses.dataclass(frozen=True)
class SignalTiming:
    """Timing of one series: ``rise_date``/``peak_date`` (None when it never left its band), their lags
    in days from the event (``> 0`` after it), the baseline ``mean`` and ``sd`` and the ``threshold``
    (in the series' own units), and ``peak_value``. ``rise_at_window_start`` is True when the series was
    already above its band on the first day looked at (it rose earlier, in the gap before the window)."""

    signal: str
    query: str
    label: str
    rise_date: dt.date | None
    rise_lag_days: int | None
    peak_date: dt.date | None
    peak_lag_days: int | None
    peak_value: float
    baseline_mean: float
    baseline_sd: float
    threshold: float
    rise_at_window_start: bool = False


@dataclasses.dataclass(frozen=True, eq=False)
class TimingComparison:
    """Rise and peak days of every series (``timings``) around ``event_date``.

    ``first_rise`` / ``first_peak`` map each signal to its earliest rise / peak day (None if none);
    ``same_day_rise`` is True when every signal's earliest rise falls on the same day;
    ``peaked_first`` names the signal whose earliest peak came first ('' when they tie or one never
    peaks above its band); ``peak_gap_days`` is how many days later the other signal peaked.
    """

    event_date: dt.date
    timings: tuple[SignalTiming, ...]
    first_rise: dict[str, dt.date | None]
    first_peak: dict[str, dt.date | None]
    same_day_rise: bool | None
    peaked_first: str
    peak_gap_days: int | None
    window: tuple[int, int]

    def to_frame(self) -> pd.DataFrame:
        """One row per series: signal, query, label, rise/peak dates and lags (days), baseline, threshold."""
        return pd.DataFrame([dataclasses.asdict(t) for t in self.timings])

    def records(self) -> list[dict]:
        """JSON-ready rows of :meth:`to_frame` (ISO dates)."""
        out = []
        for t in self.timings:
            d = dataclasses.asdict(t)
            for k in ("rise_date", "peak_date"):
                d[k] = d[k].isoformat() if d[k] else None
            out.append(d)
        return out

    def sentences(self, names: "dict[str, str] | None" = None) -> list[str]:
        """Plain sentences for readers: when each signal first rose and peaked, and which came first.

        ``names`` maps a signal to how readers call it (default :data:`trendlib.signals.SIGNALS`)."""
        from trendlib.signals import SIGNALS
        names = {**SIGNALS, **(names or {})}

        def when(d) -> str:
            if d is None:
                return "never left its usual band"
            lag = (d - self.event_date).days
            rel = "on the day of the event" if lag == 0 else (f"{abs(lag)} day{'s' if abs(lag) != 1 else ''} "
                                                               f"{'after' if lag > 0 else 'before'} the event")
            return f"{d.day} {d:%B %Y} ({rel})"
        out = []
        for sig in self.first_rise:
            name = names.get(sig, sig)
            early = any(t.rise_at_window_start and t.rise_date == self.first_rise[sig] for t in self.timings
                        if t.signal == sig)
            if self.first_rise[sig] is None:
                out.append(f"{name}: no series left its usual band in the window.")
            elif early:
                out.append(f"{name}: already above the usual band on {when(self.first_rise[sig])}, the first day "
                           f"looked at (the rise came earlier); first peak on {when(self.first_peak[sig])}.")
            else:
                out.append(f"{name}: first above the usual band on {when(self.first_rise[sig])}; first peak on "
                           f"{when(self.first_peak[sig])}.")
        if self.same_day_rise is True:
            out.append("Both signals rose on the same day.")
        elif self.same_day_rise is False:
            out.append("The signals did not rise on the same day.")
        if self.peaked_first:
            out.append(f"{names.get(self.peaked_first, self.peaked_first)} peaked first, {self.peak_gap_days} "
                       f"day{'s' if self.peak_gap_days != 1 else ''} earlier.")
        elif self.peak_gap_days == 0:
            out.append("Both peaked on the same day.")
        return out

    def summary(self) -> str:
        def day(d):
            return f"{d:%d %b %Y}" if d else "never above its usual band"
        lines = [f"Timing around {self.event_date:%d %b %Y} (window {self.window[0]} to +{self.window[1]} days):"]
        for signal in self.first_rise:
            lines.append(f"  {signal:<22} first rise {day(self.first_rise[signal])}; first peak "
                         f"{day(self.first_peak[signal])}")
        if self.same_day_rise is not None:
            lines.append("  the signals rose on the same day" if self.same_day_rise else
                         "  the signals rose on different days")
        if self.peaked_first:
            lines.append(f"  {self.peaked_first} peaked first, {self.peak_gap_days} day(s) earlier")
        elif self.peak_gap_days == 0:
            lines.append("  both peaked on the same day")
        return "\n".join(lines)


def _one(s: pd.Series, event: pd.Timestamp, *, signal: str, label: str, baseline_days: int, gap_days: int,
         before_days: int, after_days: int, z: float) -> SignalTiming:
    s = s.astype(float).sort_index()
    base = s[(s.index >= event - pd.Timedelta(days=gap_days + baseline_days)) &
             (s.index < event - pd.Timedelta(days=gap_days))].dropna()
    if len(base) < 7:
        raise AnalysisError(f"{signal} {s.name!r}: {len(base)} baseline day(s) before {event.date()}; at least 7 "
                            f"are needed (baseline {baseline_days} days ending {gap_days} days before the event)")
    mean, sd = float(base.mean()), float(base.std(ddof=1))
    threshold = mean + z * sd if sd > 0 else mean
    win = s[(s.index >= event - pd.Timedelta(days=before_days)) & (s.index <= event + pd.Timedelta(days=after_days))]
    win = win.dropna()
    if win.empty:
        raise AnalysisError(f"{signal} {s.name!r}: no data in the window around {event.date()}")
    above = win[win > threshold]
    rise = above.index[0] if len(above) else None
    peak = win.idxmax() if len(above) else None

    def lag(ts):
        return int((ts - event).days) if ts is not None else None
    return SignalTiming(signal=signal, query=str(s.name), label=label, rise_date=rise.date() if rise is not None else None,
                        rise_lag_days=lag(rise), peak_date=peak.date() if peak is not None else None,
                        peak_lag_days=lag(peak), peak_value=float(win.max()), baseline_mean=mean, baseline_sd=sd,
                        threshold=threshold, rise_at_window_start=rise is not None and rise == win.index[0])


def compare_timing(series: Iterable[tuple[str, str, pd.Series]], event_date, *, baseline_days: int = 28,
                   gap_days: int = 7, before_days: int = 7, after_days: int = 21, z: float = 3.0) -> TimingComparison:
    """Rise and peak days of each ``(signal, label, series)`` around ``event_date`` (see the module docstring).

    ``series`` are daily, indexed by date, in any unit (an index or counts); ``signal`` groups them
    (e.g. ``"google-trends"``, ``"wikipedia-pageviews"``). Windows are in days.
    """
    event = pd.Timestamp(event_date).normalize()
    items = list(series)
    if not items:
        raise AnalysisError("no series to compare")
    timings = tuple(_one(s, event, signal=sig, label=lab, baseline_days=baseline_days, gap_days=gap_days,
                         before_days=before_days, after_days=after_days, z=z) for sig, lab, s in items)
    signals = list(dict.fromkeys(t.signal for t in timings))

    def earliest(attr: str) -> dict[str, dt.date | None]:
        out = {}
        for sig in signals:
            days = [getattr(t, attr) for t in timings if t.signal == sig and getattr(t, attr) is not None]
            out[sig] = min(days) if days else None
        return out
    rise, peak = earliest("rise_date"), earliest("peak_date")
    same = None
    if len(signals) > 1 and all(rise.values()):
        same = len(set(rise.values())) == 1
    first, gap = "", None
    known = {k: v for k, v in peak.items() if v is not None}
    if len(signals) > 1 and len(known) == len(signals):
        order = sorted(known.items(), key=lambda kv: kv[1])
        gap = int((order[-1][1] - order[0][1]).days)
        first = order[0][0] if gap > 0 else ""
    return TimingComparison(event_date=event.date(), timings=timings, first_rise=rise, first_peak=peak,
                            same_day_rise=same, peaked_first=first, peak_gap_days=gap,
                            window=(-before_days, after_days))
