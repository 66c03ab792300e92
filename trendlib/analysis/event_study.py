"""Abnormal search interest around an event date (an event study for one search series).

Question: how unusual was search interest around an event, compared with what its own
recent past predicts?

Method (methods.md §3.1, model-based variant)
---------------------------------------------
* Scale: ``log(value + c)``, ``value`` in Google index points (0-100, relative to the
  peak of the download), ``c = offset`` (default 1).
* Windows are counted in **periods of the series**: days for a daily series, weeks for a
  weekly one. Period 0 is the period containing the event date (for Google's Sunday
  weeks, the week starting on the Sunday on or before the event); negative periods are
  before it. Defaults: daily estimation ``(-56, -8)``, event window ``(-3, 14)``,
  fold window ``(0, 6)``; weekly estimation ``(-26, -3)``, event window ``(-2, 4)``, fold
  window ``(0, 1)``. The estimation window ends a **gap** before the event so that
  anticipation (people searched on 20 September, the evening before the 21 September
  address; mid-February 2022 before the invasion) does not leak into the baseline.
  Periods listed in ``exclude`` (other events' windows, see :func:`run_event_studies`)
  are left out of the baseline.
* Baseline: a regression of ``log(value + c)`` on a constant and, for daily series only,
  day-of-week dummies (``trend=True`` adds the spec's linear trend), with AR(1) errors,
  fitted on the estimation window only (:mod:`trendlib.analysis.baseline`). The counterfactual for the gap and the
  event window is its predictive distribution *conditional on the observed baseline* (the
  latest baseline points weigh most under persistent noise), with the coefficients, the
  variance and the AR(1) coefficient integrated out (REML-weighted grid over
  ``rho in [-0.5, 0.995]``). In the calibration benchmark
  (``benchmarks/bench_calibration.py``) its nominal 5 % test keeps its size for weekly and
  daily series with AR(1) noise up to phi = 0.9, where the earlier closed form (OLS on a
  trend, unconditional AR(1) forecast) fired in 8-11 % of null runs. The default has no
  linear trend: extrapolated across the gap and the fold window, a trend fitted to
  persistent noise cost a third of the power at phi = 0.5 once its uncertainty was
  counted honestly, while the AR(1) errors already follow slow drifts through the latest
  baseline points. The robustness checks re-run the study with the trend.
* Fold increase = ``exp(mean abnormal log interest over the fold window)``, i.e. the
  geometric-mean ratio ``(value + c) / (baseline + c)``; its interval comes from the
  predictive distribution of the mean counterfactual. It is a multiple of the baseline
  (1 = no change). It does **not** include Google's sampling spread (see
  :func:`event_study_by_sample`).
* p-value: two-sided, from the same predictive distribution (so ``p < alpha`` exactly when
  the interval excludes 1). ``t_stat`` is its signed standard-normal equivalent.
* What the baseline can support (``baseline_note``): ``"zero"`` (every baseline value is
  0: the query was barely searched before), ``"flat"`` (one constant value), ``"low"``
  (median below ``low_baseline`` index points, default 5: integer rounding makes ratios
  unstable) or ``"ok"``. A flat or all-zero baseline says nothing about how much the series
  varies, so the model's Gaussian tail is not trusted there: the p-value is at least
  ``1 / (n + 1)`` for ``n`` baseline periods (the fold window beating every baseline period
  is the most such a baseline shows; ``p_floor``), and the interval is widened to what
  Google's rounding (+-0.5 index points on each value) allows, so it never has zero width.
  A clear rise over a low, flat or zero baseline is read as "at least ``fold_low`` times"
  (``fold_is_lower_bound``).
* Flags for the formatter: ``significant`` (``p < alpha`` for a single study; after the
  family's multiple-testing correction in :class:`EventStudySet`), ``direction``
  (``"rise"``/``"drop"``/``"none"``), ``overlaps`` and ``distinct_spike`` (set by the
  family: an event whose window holds a larger event's spike is not its own finding).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from trendlib.analysis.baseline import baseline_note, fit_baseline, rounding_interval
from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.preprocess import log_index, period_of, regularize

__all__ = ["DEFAULT_WINDOWS", "MIN_ESTIMATION", "BASELINE_NOTES", "EventStudyResult", "EventStudySet",
           "PlaceboResult", "SampleSpread", "event_study", "placebo_test", "run_event_studies",
           "event_study_by_sample", "event_study_records", "window_phrase", "events_to_study"]

log = logging.getLogger("trendlib.analysis.event_study")

#: frequency -> (estimation, event window, fold window), in periods relative to the event
DEFAULT_WINDOWS = {
    "day": ((-56, -8), (-3, 14), (0, 6)),
    "week": ((-26, -3), (-2, 4), (0, 1)),
}
#: fewest non-missing estimation periods accepted, per frequency
MIN_ESTIMATION = {"day": 21, "week": 12}
#: what a baseline can support, from best to worst (see the module docstring)
BASELINE_NOTES = ("ok", "low", "flat", "zero")
_UNIT = {"day": "day", "week": "week"}


# ----------------------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, eq=False)
class EventStudyResult:
    """Abnormal search interest for one query around one event.

    Units: ``baseline_*``, ``event_mean``, ``peak_value`` are Google index points (0-100,
    relative to this download); ``fold_*`` and ``peak_multiple`` are multiples of the
    baseline (1 = usual); ``car*`` is cumulative abnormal log interest (sum over the event
    window of ``log(value + c) - log(baseline + c)``). Windows are ``(first, last)``
    periods relative to the event, in units of ``frequency`` (days or weeks); negative =
    before the event. ``periods_to_band`` counts periods after the event date until the
    series is back inside the 95 % band (``None`` = not within the event window).

    Flags: ``significant`` (``p_value < alpha`` here; after correction in a family),
    ``direction`` (``"rise"``, ``"drop"`` or ``"none"`` = not significant),
    ``baseline_note`` (``"ok"``, ``"low"``, ``"flat"``, ``"zero"``), ``fold_is_lower_bound``
    (only "at least ``fold_low`` times" can be said), ``p_floor`` (the smallest p-value the
    baseline supports; 0 when the model's own p is trusted), ``spike_date``/``spike_value``
    (highest value in the fold window, index points), ``overlaps`` (``""``, or the ISO date of a larger event's spike
    inside this window, set by :func:`run_event_studies`) and ``distinct_spike``
    (significant and not overlapping: a finding of its own). ``rho`` is the posterior mean
    of the baseline's AR(1) coefficient.
    """

    query: str
    label: str
    event: str
    event_date: dt.date
    frequency: str
    offset: float
    alpha: float
    estimation: tuple[int, int]
    event_window: tuple[int, int]
    fold_window: tuple[int, int]
    fold_dates: tuple[dt.date, dt.date]
    n_estimation: int
    n_excluded: int
    baseline_median: float
    baseline_level: float
    event_mean: float
    fold_increase: float
    fold_low: float
    fold_high: float
    fold_is_lower_bound: bool
    t_stat: float
    p_value: float
    p_floor: float
    df_resid: int
    car: float
    car_low: float
    car_high: float
    peak_date: dt.date | None
    peak_value: float
    peak_multiple: float
    max_z: float
    periods_to_band: int | None
    rho: float
    ljung_box_p: float
    trend: bool
    baseline_note: str
    spike_date: dt.date | None
    spike_value: float
    significant: bool
    direction: str
    overlaps: str
    distinct_spike: bool
    illustrative: bool
    path: pd.DataFrame = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One tidy row with the headline numbers (no path; see :attr:`path`)."""
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "path"}
        for key in ("estimation", "event_window", "fold_window"):
            row[f"{key}_start"], row[f"{key}_end"] = row.pop(key)
        row["fold_start_date"], row["fold_end_date"] = row.pop("fold_dates")
        return pd.DataFrame([row])

    def with_significance(self, significant: bool) -> "EventStudyResult":
        """A copy with ``significant`` (e.g. after a multiple-testing correction) and its direction."""
        return dataclasses.replace(self, significant=bool(significant),
                                   direction=_direction(bool(significant), self.fold_low, self.fold_high),
                                   distinct_spike=bool(significant) and not self.overlaps)

    def summary(self) -> str:
        """Plain-text summary with the model, the windows and the headline numbers."""
        unit = _UNIT[self.frequency]
        pct = int(round(100 * (1 - self.alpha)))
        from trendlib.text import fold_summary  # one formatter for every number a reader sees

        fold = fold_summary(self)
        lines = [
            f"Event study: {self.label!r} ({self.query}) around {self.event} ({self.event_date})",
            f"  frequency {self.frequency}; scale log(value + {self.offset:g}); baseline regression on a level"
            + (" + trend" if self.trend else "") + (" + day of week" if self.frequency == "day" else "")
            + " with AR(1) errors (posterior mean "
            f"rho {self.rho:.2f}); Ljung-Box p {self.ljung_box_p:.3f}",
            f"  estimation {unit}s {self.estimation[0]}..{self.estimation[1]} (n={self.n_estimation}"
            + (f", {self.n_excluded} left out: other events' windows" if self.n_excluded else "")
            + f"); event window {self.event_window[0]}..{self.event_window[1]}; fold window "
            f"{self.fold_window[0]}..{self.fold_window[1]} ({self.fold_dates[0]} to {self.fold_dates[1]})",
            f"  baseline median {self.baseline_median:.1f} index points ({self.baseline_note}); predicted over "
            f"fold window {self.baseline_level:.1f}; observed mean {self.event_mean:.1f}",
            f"  fold increase {fold} ({pct}% interval from the predictive distribution)",
            f"  p = {self.p_value:.3g}" + (f" (no smaller than {self.p_floor:.3g}: what {self.n_estimation} "
                                           "baseline periods can support)" if self.p_floor else "")
            + f"; {'significant' if self.significant else 'not significant'}; direction {self.direction}"
            + (f"; overlaps the {self.overlaps} spike" if self.overlaps else ""),
            f"  cumulative abnormal log interest {self.car:.2f} [{self.car_low:.2f}, {self.car_high:.2f}]; "
            f"peak {self.peak_value:.0f} on {self.peak_date} ({self.peak_multiple:.1f} x baseline median); "
            f"max z {self.max_z:.1f}; back inside the band after "
            + (f"{self.periods_to_band} {unit}(s)" if self.periods_to_band is not None
               else "- not within the event window"),
        ]
        if self.illustrative:
            lines.insert(0, "ILLUSTRATIVE (simulated data)")
        return "\n".join(lines)


def _direction(significant: bool, low: float, high: float) -> str:
    if significant and low > 1:
        return "rise"
    if significant and high < 1:
        return "drop"
    return "none"


# ----------------------------------------------------------------------------- windows
def _design(rel: np.ndarray, dates: pd.DatetimeIndex, frequency: str, trend: bool) -> np.ndarray:
    scale = 7.0 if frequency == "day" else 4.0
    cols = [np.ones(len(rel))] + ([rel / scale] if trend else [])
    if frequency == "day":
        dow = dates.day_of_week.to_numpy()
        for d in range(1, 7):
            cols.append((dow == d).astype(float))
    return np.column_stack(cols)


def _check_window(name: str, window) -> tuple[int, int]:
    try:
        a, b = (int(window[0]), int(window[1]))
    except (TypeError, ValueError, IndexError) as exc:
        raise AnalysisError(f"{name} {window!r} must be a pair of integers (first, last period)") from exc
    if a > b:
        raise AnalysisError(f"{name} {window!r}: first period must not be after the last")
    return a, b


def resolve_windows(frequency, estimation, event_window, fold_window):
    """Checked ``(estimation, event window, fold window)``; ``None`` picks the frequency's default."""
    d_est, d_evt, d_fold = DEFAULT_WINDOWS[frequency]
    est = _check_window("estimation window", estimation if estimation is not None else d_est)
    evt = _check_window("event window", event_window if event_window is not None else d_evt)
    fold = _check_window("fold window", fold_window if fold_window is not None else d_fold)
    if est[1] >= evt[0]:
        raise AnalysisError(f"estimation window {est} must end before the event window {evt} starts")
    if fold[0] < evt[0] or fold[1] > evt[1]:
        raise AnalysisError(f"fold window {fold} must lie inside the event window {evt}")
    return est, evt, fold


def prepare_series(series: pd.Series, frequency: str | None) -> pd.Series:
    """A regular daily/weekly series (``attrs["frequency"]`` set) or an :class:`AnalysisError`."""
    if not isinstance(series, pd.Series):
        raise AnalysisError(f"expected a pandas Series indexed by date, got {type(series).__name__}")
    freq = frequency or series.attrs.get("frequency")
    return regularize(series, frequency=freq)


def _positions(y, idx, t0, *, frequency, est, evt, fold, need, exclude):
    """Positions of the baseline points, the event window and the fold window (checked)."""
    n_all = len(y)
    e0, e1 = max(t0 + est[0], 0), t0 + est[1]
    if e1 < 0:
        raise AnalysisError(f"the estimation window ends before the series starts ({idx[0].date()})")
    est_pos = np.arange(e0, e1 + 1)
    excluded = np.isin(est_pos, np.asarray(exclude if exclude is not None else [], dtype=int))
    observed = ~np.isnan(y[est_pos])
    n_excluded = int((excluded & observed).sum())
    est_pos = est_pos[observed & ~excluded]
    if len(est_pos) < need:
        left = f" ({n_excluded} left out as other events' windows)" if n_excluded else ""
        raise AnalysisError(f"only {len(est_pos)} non-missing {frequency}s in the estimation window "
                            f"before {idx[min(t0, n_all - 1)].date()}{left}; need at least {need}")
    if t0 + fold[1] >= n_all:
        raise AnalysisError(f"the fold window {fold} ends after the series ({idx[-1].date()}); shorten it "
                            "or extend the data")
    w0, w1 = t0 + evt[0], min(t0 + evt[1], n_all - 1)
    evt_pos = np.arange(w0, w1 + 1)
    rel = evt_pos - t0
    fmask = (rel >= fold[0]) & (rel <= fold[1])
    if not (fmask & ~np.isnan(y[evt_pos])).any():
        raise AnalysisError(f"no observed values in the fold window {fold}")
    return est_pos, (e0, e1), evt_pos, fmask, n_excluded


# ----------------------------------------------------------------------------- fit
def _fold_stats(pred, obs, fmask, ok, *, alpha):
    """Mean abnormal log interest over the fold window: point, interval, two-sided p."""
    from scipy import stats

    sel = fmask & ok
    a = sel / sel.sum()
    obs_mean = float(np.mean(obs[sel]))
    lo_c, hi_c = pred.quantiles(a, (1 - alpha / 2, alpha / 2))
    centre = pred.mean(a)
    p_up, p_down = pred.sf(a, obs_mean), pred.cdf(a, obs_mean)
    p = float(min(1.0, 2 * min(p_up, p_down)))
    z = float(stats.norm.isf(max(p, 1e-300) / 2)) * (1 if obs_mean >= centre else -1)
    car_a = ok.astype(float)
    car_c = pred.mean(car_a)
    car_hi_c, car_lo_c = pred.quantiles(car_a, (alpha / 2, 1 - alpha / 2))
    car_obs = float(np.sum(obs[ok]))
    return dict(mean_abn=obs_mean - centre, fold_low=math.exp(obs_mean - lo_c), fold_high=math.exp(obs_mean - hi_c),
                p_model=p, t_stat=z, centre=centre, car=car_obs - car_c, car_low=car_obs - car_lo_c,
                car_high=car_obs - car_hi_c)


def _peak(level, obs, evt_pos, t0, idx, ok, lower, upper, baseline_median, offset):
    """Peak date/value/multiple in the event window and periods until back inside the band."""
    ipk = int(np.nanargmax(np.where(ok, obs, -np.inf)))
    peak_value = float(level[evt_pos[ipk]])
    rel = evt_pos - t0
    back = None
    for j in range(max(ipk, int(np.searchsorted(rel, 0))), len(evt_pos)):
        if ok[j] and lower[j] <= obs[j] <= upper[j]:
            back = int(rel[j])
            break
    return dict(peak_date=idx[evt_pos[ipk]].date(), peak_value=peak_value,
                peak_multiple=float((peak_value + offset) / (baseline_median + offset)), periods_to_band=back)


def _path(fit, y, level, idx, t0, e_span, w_span, est_pos, frequency, offset, tq, trend):
    """Observed, expected and band over the estimation, gap and event windows (tidy frame)."""
    (e0, e1), (w0, w1) = e_span, w_span
    all_pos = np.arange(e0, w1 + 1)
    in_est = all_pos <= e1
    X_all = _design((all_pos - t0).astype(float), idx[all_pos], frequency, trend)
    mu, sd = np.empty(len(all_pos)), np.empty(len(all_pos))
    mu[in_est], sd[in_est] = fit.fitted(X_all[in_est]).pointwise()
    mu[~in_est], sd[~in_est] = fit.predict(X_all[~in_est], (all_pos[~in_est] - t0).astype(float)).pointwise()
    window = np.select([in_est, all_pos >= w0], ["estimation", "event"], "gap")
    return pd.DataFrame({
        "date": idx[all_pos], "period": all_pos - t0, "value": level[all_pos],
        "expected": np.exp(mu) - offset, "expected_low": np.exp(mu - tq * sd) - offset,
        "expected_high": np.exp(mu + tq * sd) - offset, "times_normal": (level[all_pos] + offset) / np.exp(mu),
        "band_low_times": np.exp(-tq * sd), "band_high_times": np.exp(tq * sd), "abnormal_log": y[all_pos] - mu,
        "z": (y[all_pos] - mu) / sd, "window": window,
        "in_baseline": np.isin(all_pos, est_pos),
    })


def _ljung_box(fit, frequency) -> float:
    from statsmodels.stats.diagnostic import acorr_ljungbox

    innov = fit.innovations()
    if len(innov) < 10 or float(np.var(innov)) < 1e-12 or fit.floored:
        return math.nan
    lag = min(7 if frequency == "day" else 4, len(innov) // 4)
    return float(acorr_ljungbox(innov, lags=[lag])["lb_pvalue"].iloc[0])


def fit_event(s: pd.Series, t0: int, *, frequency, offset, alpha, est, evt, fold, low_baseline,
              min_estimation=None, exclude=None, trend=False, diagnostics=True) -> dict:
    """Core computation at position ``t0``; returns the result fields (without names)."""
    from scipy import stats

    y = log_index(s.to_numpy(), offset)
    idx, level = s.index, s.to_numpy()
    need = min_estimation if min_estimation is not None else MIN_ESTIMATION[frequency]
    est_pos, e_span, evt_pos, fmask, n_excl = _positions(y, idx, t0, frequency=frequency, est=est, evt=evt,
                                                         fold=fold, need=need, exclude=exclude)
    X = _design((est_pos - t0).astype(float), idx[est_pos], frequency, trend)
    base_vals = level[est_pos]
    floor_var = (1 / 12) / float(np.exp(np.mean(y[est_pos]))) ** 2  # rounding, on the log scale
    fit = fit_baseline(y[est_pos], X, (est_pos - t0).astype(float), floor_var=floor_var)
    pred = fit.predict(_design((evt_pos - t0).astype(float), idx[evt_pos], frequency, trend), (evt_pos - t0).astype(float))
    obs = y[evt_pos]
    ok = ~np.isnan(obs)
    fs = _fold_stats(pred, obs, fmask, ok, alpha=alpha)
    note = baseline_note(base_vals, low_baseline)
    fold_low, fold_high = fs["fold_low"], fs["fold_high"]
    if note in ("flat", "zero"):
        r_lo, r_hi = rounding_interval(base_vals, level[evt_pos][fmask & ok], offset)
        fold_low, fold_high = min(fold_low, r_lo), max(fold_high, r_hi)
    p_floor = 1 / (len(est_pos) + 1) if note in ("flat", "zero") else 0.0
    p_value = max(fs["p_model"], p_floor)
    if note in ("flat", "zero") and fold_low <= 1 <= fold_high:
        p_value = max(p_value, alpha)  # rounding alone could explain the change
    mu, sd = pred.pointwise()
    tq = float(stats.t.ppf(1 - alpha / 2, fit.df))
    z = (obs - mu) / sd
    baseline_median = float(np.median(base_vals))
    sel = fmask & ok
    spike = evt_pos[sel][int(np.argmax(level[evt_pos][sel]))]
    significant = bool(p_value < alpha)
    fields = dict(
        n_estimation=int(len(est_pos)), n_excluded=n_excl, baseline_median=baseline_median,
        baseline_level=float(math.exp(fs["centre"]) - offset), event_mean=float(np.mean(level[evt_pos][sel])),
        fold_increase=math.exp(fs["mean_abn"]), fold_low=fold_low, fold_high=fold_high,
        fold_is_lower_bound=bool(note != "ok" and fold_low > 1), t_stat=fs["t_stat"], p_value=float(p_value),
        p_floor=float(p_floor), df_resid=int(fit.df), car=fs["car"], car_low=fs["car_low"], car_high=fs["car_high"],
        max_z=float(np.nanmax(z)), rho=fit.rho_mean, trend=bool(trend), baseline_note=note, spike_date=idx[spike].date(),
        spike_value=float(level[spike]),
        significant=significant, direction=_direction(significant, fold_low, fold_high), overlaps="",
        distinct_spike=significant,
        **_peak(level, obs, evt_pos, t0, idx, ok, mu - tq * sd, mu + tq * sd, baseline_median, offset))
    if diagnostics:
        fields["ljung_box_p"] = _ljung_box(fit, frequency)
        fields["path"] = _path(fit, y, level, idx, t0, e_span, (int(evt_pos[0]), int(evt_pos[-1])), est_pos, frequency, offset, tq,
                               trend)
    return fields


def _fold_dates(idx, t0, fold, frequency):
    step = pd.Timedelta(days=1 if frequency == "day" else 7)
    return idx[t0 + fold[0]].date(), (idx[t0 + fold[1]] + step - pd.Timedelta(days=1)).date()


def event_study(series: pd.Series, event_date, *, frequency: str | None = None,
                estimation: Sequence[int] | None = None, event_window: Sequence[int] | None = None,
                fold_window: Sequence[int] | None = None, offset: float = 1.0, alpha: float = 0.05,
                low_baseline: float = 5.0, min_estimation: int | None = None, exclude=None,
                trend: bool = False, query: str | None = None, label: str | None = None, event: str = "event") -> EventStudyResult:
    """Abnormal search interest in ``series`` around ``event_date``.

    Parameters
    ----------
    series : search interest in Google index points (0-100), indexed by date, daily or
        weekly (``attrs["frequency"]`` or inferred from the dates; gaps are NaN).
    event_date : the event; period 0 is the day (or Google week) that contains it.
    frequency : ``"day"`` or ``"week"``; overrides the series' own.
    estimation, event_window, fold_window : ``(first, last)`` periods relative to the
        event, **in days for daily and weeks for weekly series**; defaults in
        :data:`DEFAULT_WINDOWS`. An estimation window reaching before the series start is
        clipped (at least ``min_estimation`` observed periods must remain); an event window
        reaching past the series end is cut at the end (``event_window`` in the result says
        what was used); the fold window must lie inside the data.
    offset : ``c`` in ``log(value + c)``.
    alpha : 1 - interval level (0.05 -> 95 % intervals).
    low_baseline : median baseline (index points) below which the baseline is ``"low"``.
    trend : add a linear trend to the baseline (the spec's variant; off by default: a trend
        extrapolated across the gap and the fold window made the intervals wide, and the
        AR(1) errors already follow slow drifts through the latest baseline points).
    exclude : dates (anything ``pd.DatetimeIndex`` takes) whose periods are left out of the
        baseline, e.g. other events' windows.
    query, label, event : names carried into the result (default: the series name).

    Returns an :class:`EventStudyResult`. See the module docstring for the model.
    """
    s = prepare_series(series, frequency)
    freq = s.attrs["frequency"]
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha={alpha!r} must be between 0 and 1 (0.05 gives 95% intervals)")
    est, evt, fold = resolve_windows(freq, estimation, event_window, fold_window)
    t0 = period_of(s.index, event_date, freq)
    excl = _exclude_positions(s.index, exclude, freq)
    fields = fit_event(s, t0, frequency=freq, offset=offset, alpha=alpha, est=est, evt=evt, fold=fold,
                       low_baseline=low_baseline, min_estimation=min_estimation, exclude=excl, trend=trend)
    used_evt = (evt[0], min(evt[1], len(s) - 1 - t0))
    q = query if query is not None else (str(s.name) if s.name is not None else "series")
    return EventStudyResult(query=q, label=label if label is not None else q, event=event,
                            event_date=pd.Timestamp(event_date).date(), frequency=freq, offset=float(offset),
                            alpha=float(alpha), estimation=est, event_window=used_evt, fold_window=fold,
                            fold_dates=_fold_dates(s.index, t0, fold, freq),
                            illustrative=bool(s.attrs.get("illustrative", False)), **fields)


def _exclude_positions(index: pd.DatetimeIndex, exclude, frequency: str) -> np.ndarray:
    if exclude is None or len(exclude) == 0:
        return np.array([], dtype=int)
    dates = pd.DatetimeIndex(pd.to_datetime(list(exclude)))
    step = 1 if frequency == "day" else 7
    pos = (index.searchsorted(dates, side="right") - 1)
    inside = (pos >= 0) & (dates < index[-1] + pd.Timedelta(days=step))
    return np.unique(pos[inside])


def window_phrase(result: EventStudyResult) -> str:
    """Plain words for the fold window, e.g. "between 20 February and 5 March 2022"."""
    a, b = result.fold_dates
    if a == b:
        return f"on {a.day} {a:%B %Y}"
    same_year = a.year == b.year
    first = f"{a.day} {a:%B}" + ("" if same_year else f" {a.year}")
    return f"between {first} and {b.day} {b:%B %Y}"


# ------------------------------------------------------------- names kept from before the split
_MOVED = {
    "EventStudySet": "trendlib.analysis.event_family", "run_event_studies": "trendlib.analysis.event_family",
    "event_study_records": "trendlib.analysis.event_family", "events_to_study": "trendlib.analysis.event_family",
    "PlaceboResult": "trendlib.analysis.placebo", "placebo_test": "trendlib.analysis.placebo",
    "SampleSpread": "trendlib.analysis.event_samples", "event_study_by_sample": "trendlib.analysis.event_samples",
}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'trendlib.analysis.event_study' has no attribute {name!r}")
