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
* Baseline: OLS of ``log(value + c)`` on a constant, a linear trend and, for daily series
  only, day-of-week dummies, fitted on the estimation window only, then extrapolated.
* Forecast distribution. The spec suggests a SARIMAX baseline with simulated paths; we
  depart from it for speed and robustness with short windows: the counterfactual path has
  covariance ``s² R(ρ) + X_f V_β X_f'`` where ``R(ρ)`` is the AR(1) correlation of the
  baseline residuals (ρ estimated from them with a small-sample bias correction, clipped to
  [0, 0.95]; ``s²`` inflated by the matching AR(1) factor) and ``V_β`` is the covariance of
  the OLS coefficients under those AR(1) errors (an exact sandwich; a Newey-West HAC
  estimate over-rejected badly with 24-49 baseline points). In our simulations the test's
  false-alarm rate at a nominal 5 % was 3 % for white noise, 7 % for AR(1) noise with
  ρ = 0.5 and 10 % with ρ = 0.8; the placebo test checks it on the data themselves. The AR(1) part is *unconditional*: we do
  not condition on the last estimation residual because the gap exists precisely to keep
  anticipation out, so the forecast ignores the gap's data. Intervals use Student-t
  quantiles with the baseline's residual degrees of freedom. Sums and means over windows
  use this full covariance (days are not treated as independent).
* Fold increase = ``exp(mean abnormal log interest over the fold window)``, i.e. the
  geometric-mean ratio ``(value + c) / (baseline + c)``; its interval comes from the
  forecast distribution of the mean counterfactual. It is a multiple of the baseline
  (1 = no change). It does **not** include Google's sampling spread (see
  :func:`event_study_by_sample`).
* Low baseline: when the median baseline value is below ``low_baseline`` index points
  (default 5) integer rounding makes ratios unstable; with ``c`` in the denominator the
  ratio then understates the true multiple, so a clear rise (interval above 1) is reported
  as "at least N-fold" (``fold_is_lower_bound``), N = the lower end of the interval.
* A flat baseline (often all zeros) has no residual variance; the variance is floored at
  Google's integer rounding (1/12 index points squared, mapped to the log scale).
* p-value: two-sided t test of mean abnormal log interest = 0 over the fold window, from
  the same forecast distribution. The placebo test (:func:`placebo_test`) checks it
  empirically on non-event dates.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.multitest import adjust_pvalues
from trendlib.analysis.preprocess import log_index, period_of, regularize, series_from_tidy

__all__ = ["DEFAULT_WINDOWS", "EventStudyResult", "EventStudySet", "PlaceboResult", "SampleSpread",
           "event_study", "placebo_test", "run_event_studies", "event_study_by_sample",
           "event_study_records", "window_phrase", "events_to_study"]

log = logging.getLogger("trendlib.analysis.event_study")

#: frequency -> (estimation, event window, fold window), in periods relative to the event
DEFAULT_WINDOWS = {
    "day": ((-56, -8), (-3, 14), (0, 6)),
    "week": ((-26, -3), (-2, 4), (0, 1)),
}
#: fewest non-missing estimation periods accepted, per frequency
MIN_ESTIMATION = {"day": 21, "week": 12}
_UNIT = {"day": "day", "week": "week"}


# ----------------------------------------------------------------------------- results
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
    baseline_median: float
    baseline_level: float
    event_mean: float
    fold_increase: float
    fold_low: float
    fold_high: float
    fold_is_lower_bound: bool
    t_stat: float
    p_value: float
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
    illustrative: bool
    path: pd.DataFrame = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One tidy row with the headline numbers (no path; see :attr:`path`)."""
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "path"}
        for key in ("estimation", "event_window", "fold_window"):
            row[f"{key}_start"], row[f"{key}_end"] = row.pop(key)
        row["fold_start_date"], row["fold_end_date"] = row.pop("fold_dates")
        return pd.DataFrame([row])

    def summary(self) -> str:
        """Plain-text summary with the model, the windows and the headline numbers."""
        unit = _UNIT[self.frequency]
        pct = int(round(100 * (1 - self.alpha)))
        from trendlib.text import fold_summary

        fold = fold_summary(self)
        lines = [
            f"Event study: {self.label!r} ({self.query}) around {self.event} ({self.event_date})",
            f"  frequency {self.frequency}; scale log(value + {self.offset:g}); baseline OLS on trend"
            + (" + day of week" if self.frequency == "day" else "") + "; AR(1) rho of residuals "
            f"{self.rho:.2f}; Ljung-Box p {self.ljung_box_p:.3f}",
            f"  estimation {unit}s {self.estimation[0]}..{self.estimation[1]} (n={self.n_estimation}); "
            f"event window {self.event_window[0]}..{self.event_window[1]}; fold window "
            f"{self.fold_window[0]}..{self.fold_window[1]} ({self.fold_dates[0]} to {self.fold_dates[1]})",
            f"  baseline median {self.baseline_median:.1f} index points; predicted over fold window "
            f"{self.baseline_level:.1f}; observed mean {self.event_mean:.1f}",
            f"  fold increase {fold} ({pct}% interval from the forecast distribution)",
            f"  t = {self.t_stat:.2f}, p = {self.p_value:.3g} (df {self.df_resid}); cumulative abnormal log "
            f"interest {self.car:.2f} [{self.car_low:.2f}, {self.car_high:.2f}]",
            f"  peak {self.peak_value:.0f} on {self.peak_date} ({self.peak_multiple:.1f} x baseline median); "
            f"max z {self.max_z:.1f}; back inside the band after "
            + (f"{self.periods_to_band} {unit}(s)" if self.periods_to_band is not None
               else "- not within the event window"),
        ]
        if self.illustrative:
            lines.insert(0, "ILLUSTRATIVE (simulated data)")
        return "\n".join(lines)


@dataclasses.dataclass(frozen=True, eq=False)
class PlaceboResult:
    """The event study repeated on non-event dates before the event.

    ``stats`` holds the t statistic of mean abnormal log interest at each placebo date;
    ``placebo_p`` = (1 + #placebo |t| >= observed |t|) / (1 + n): how often a date with no
    event looks at least as unusual. ``false_positive_rate`` = share of placebo dates whose
    own p-value is below ``alpha`` (about ``alpha`` when the model is right). When fewer
    than ``min_placebos`` dates fit before the event, ``status`` is ``"too_few"`` and the
    numbers are NaN.
    """

    query: str
    event_date: dt.date
    frequency: str
    status: str
    reason: str
    observed_t: float
    placebo_p: float
    false_positive_rate: float
    alpha: float
    n_placebos: int
    placebos: pd.DataFrame = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Tidy frame: one row per placebo date (date, t_stat, p_value, fold_increase)."""
        out = self.placebos.copy()
        out.insert(0, "query", self.query)
        return out

    def summary(self) -> str:
        if self.status != "ok":
            return f"Placebo test for {self.query!r} at {self.event_date}: not run - {self.reason}"
        return (f"Placebo test for {self.query!r} at {self.event_date}: {self.n_placebos} non-event "
                f"{self.frequency}s; placebo p = {self.placebo_p:.3f} (share at least as unusual as the "
                f"event); {100 * self.false_positive_rate:.0f}% of placebo dates had p < {self.alpha:g}")


# ----------------------------------------------------------------------------- model
def _design(rel: np.ndarray, dates: pd.DatetimeIndex, frequency: str, scale: float) -> np.ndarray:
    cols = [np.ones(len(rel)), rel / scale]
    if frequency == "day":
        dow = dates.day_of_week.to_numpy()
        for d in range(1, 7):
            cols.append((dow == d).astype(float))
    return np.column_stack(cols)


def _lag1(resid: np.ndarray) -> float:
    if len(resid) < 4:
        return 0.0
    a, b = resid[1:], resid[:-1]
    den = float(np.sum(resid ** 2))
    return float(np.sum(a * b) / den) if den > 0 else 0.0


def _check_window(name: str, window, *, lo=None) -> tuple[int, int]:
    try:
        a, b = (int(window[0]), int(window[1]))
    except (TypeError, ValueError, IndexError) as exc:
        raise AnalysisError(f"{name} {window!r} must be a pair of integers (first, last period)") from exc
    if a > b:
        raise AnalysisError(f"{name} {window!r}: first period must not be after the last")
    return a, b


def _resolve_windows(frequency, estimation, event_window, fold_window):
    d_est, d_evt, d_fold = DEFAULT_WINDOWS[frequency]
    est = _check_window("estimation window", estimation if estimation is not None else d_est)
    evt = _check_window("event window", event_window if event_window is not None else d_evt)
    fold = _check_window("fold window", fold_window if fold_window is not None else d_fold)
    if est[1] >= evt[0]:
        raise AnalysisError(f"estimation window {est} must end before the event window {evt} starts")
    if fold[0] < evt[0] or fold[1] > evt[1]:
        raise AnalysisError(f"fold window {fold} must lie inside the event window {evt}")
    return est, evt, fold


def _prepare(series: pd.Series, frequency: str | None) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise AnalysisError(f"expected a pandas Series indexed by date, got {type(series).__name__}")
    freq = frequency or series.attrs.get("frequency")
    return regularize(series, frequency=freq)


def _fit(s: pd.Series, t0: int, *, frequency, offset, alpha, est, evt, fold, low_baseline,
         min_estimation, diagnostics=True):
    """Core computation; returns a dict of result fields (without labels)."""
    from scipy import stats

    n_all = len(s)
    y = log_index(s.to_numpy(), offset)
    idx = s.index
    e0, e1 = t0 + est[0], t0 + est[1]
    if e1 < 0:
        raise AnalysisError(f"the estimation window ends before the series starts ({idx[0].date()})")
    e0 = max(e0, 0)
    est_pos = np.arange(e0, e1 + 1)
    est_pos = est_pos[~np.isnan(y[est_pos])]
    need = min_estimation if min_estimation is not None else MIN_ESTIMATION[frequency]
    if len(est_pos) < need:
        raise AnalysisError(f"only {len(est_pos)} non-missing {frequency}s in the estimation window "
                            f"before {idx[min(t0, n_all - 1)].date()}; need at least {need}")
    w0, w1 = t0 + evt[0], min(t0 + evt[1], n_all - 1)
    if t0 + fold[1] >= n_all:
        raise AnalysisError(f"the fold window {fold} ends after the series ({idx[-1].date()}); shorten it "
                            "or extend the data")
    if w1 < t0 + evt[1]:
        evt = (evt[0], int(w1 - t0))
    evt_pos = np.arange(w0, w1 + 1)
    scale = 7.0 if frequency == "day" else 4.0
    rel_est = (est_pos - t0).astype(float)
    X = _design(rel_est, idx[est_pos], frequency, scale)
    k = X.shape[1]
    if len(est_pos) <= k + 2:
        raise AnalysisError(f"estimation window has {len(est_pos)} points for {k} coefficients")
    yy = y[est_pos]
    XtX_inv = np.linalg.pinv(X.T @ X)
    beta = XtX_inv @ X.T @ yy
    resid = yy - X @ beta
    df = len(yy) - k
    s2 = float(resid @ resid / df)
    # Google rounds the index to integers: even a flat baseline is uncertain by the rounding
    # (variance 1/12 index points squared), which on the log scale is 1/12 / (level + c)^2.
    # This floor matters for flat (often all-zero) baselines, where s2 would otherwise be 0.
    s2 = max(s2, (1 / 12) / float(np.exp(np.mean(yy))) ** 2)
    n_est = len(yy)
    # lag-1 autocorrelation of the residuals, bias-corrected for a short sample with fitted
    # mean and trend (Kendall's (1 + 3 rho) / n, plus 2 / n for the trend), then clipped
    rho_raw = _lag1(resid)
    rho = float(min(max(rho_raw + (1 + 3 * rho_raw) / n_est + 2 / n_est, 0.0), 0.95)) if rho_raw > 0 else 0.0
    # residual variance understates the marginal variance of autocorrelated errors after a
    # mean and a trend are fitted; inflate by the usual AR(1) factor (at most x2)
    s2 = s2 / max(1 - (1 + rho) / (n_est * (1 - rho)), 0.5)
    gaps = np.abs(np.subtract.outer(est_pos, est_pos))
    sigma = s2 * rho ** gaps
    V = XtX_inv @ X.T @ sigma @ X @ XtX_inv
    Xf = _design((evt_pos - t0).astype(float), idx[evt_pos], frequency, scale)
    mean_f = Xf @ beta
    lagm = np.abs(np.subtract.outer(np.arange(len(evt_pos)), np.arange(len(evt_pos))))
    cov_f = s2 * rho ** lagm + Xf @ V @ Xf.T
    sd_f = np.sqrt(np.diag(cov_f))
    tq = float(stats.t.ppf(1 - alpha / 2, df))
    obs = y[evt_pos]
    abn = obs - mean_f
    z = abn / sd_f
    ok = ~np.isnan(obs)
    # fold window
    fmask = ok & ((evt_pos - t0) >= fold[0]) & ((evt_pos - t0) <= fold[1])
    if not fmask.any():
        raise AnalysisError(f"no observed values in the fold window {fold}")
    m = int(fmask.sum())
    mean_abn = float(abn[fmask].mean())
    sd_mean = float(math.sqrt(cov_f[np.ix_(fmask, fmask)].sum()) / m)
    t_stat = mean_abn / sd_mean
    p_value = float(2 * stats.t.sf(abs(t_stat), df))
    fold_inc = math.exp(mean_abn)
    fold_low, fold_high = math.exp(mean_abn - tq * sd_mean), math.exp(mean_abn + tq * sd_mean)
    car = float(abn[ok].sum())
    sd_car = float(math.sqrt(cov_f[np.ix_(ok, ok)].sum()))
    level = s.to_numpy()
    baseline_median = float(np.nanmedian(level[est_pos]))
    baseline_level = float(math.exp(mean_f[fmask].mean()) - offset)
    event_mean = float(np.nanmean(level[evt_pos][fmask]))
    lower, upper = mean_f - tq * sd_f, mean_f + tq * sd_f
    if ok.any():
        ipk = int(np.nanargmax(np.where(ok, obs, -np.inf)))
        peak_date = idx[evt_pos[ipk]].date()
        peak_value = float(level[evt_pos[ipk]])
        peak_multiple = (peak_value + offset) / (baseline_median + offset)
        max_z = float(np.nanmax(z))
        back = None
        rel = evt_pos - t0
        start = max(ipk, int(np.searchsorted(rel, 0)))
        for j in range(start, len(evt_pos)):
            if ok[j] and lower[j] <= obs[j] <= upper[j]:
                back = int(rel[j])
                break
    else:  # pragma: no cover - fold mask guarantees observations
        peak_date, peak_value, peak_multiple, max_z, back = None, math.nan, math.nan, math.nan, None
    lb_p = math.nan
    if diagnostics and len(resid) >= 10 and float(np.var(resid)) > 1e-12:
        from statsmodels.stats.diagnostic import acorr_ljungbox

        lb_lag = min(7 if frequency == "day" else 4, len(resid) // 4)
        lb_p = float(acorr_ljungbox(resid, lags=[lb_lag])["lb_pvalue"].iloc[0])
    step = pd.Timedelta(days=1 if frequency == "day" else 7)
    fold_pos = evt_pos[(evt_pos - t0 >= fold[0]) & (evt_pos - t0 <= fold[1])]
    fold_dates = (idx[fold_pos[0]].date(), (idx[fold_pos[-1]] + step - pd.Timedelta(days=1)).date())
    # path over estimation + event windows, for plots and tables
    all_pos = np.arange(max(t0 + est[0], 0), w1 + 1)
    Xa = _design((all_pos - t0).astype(float), idx[all_pos], frequency, scale)
    mean_a = Xa @ beta
    sd_a = np.sqrt(s2 + np.einsum("ij,jk,ik->i", Xa, V, Xa))
    path = pd.DataFrame({
        "date": idx[all_pos], "period": all_pos - t0, "value": level[all_pos],
        "expected": np.exp(mean_a) - offset,
        "expected_low": np.exp(mean_a - tq * sd_a) - offset,
        "expected_high": np.exp(mean_a + tq * sd_a) - offset,
        "times_normal": (level[all_pos] + offset) / np.exp(mean_a),
        "band_low_times": np.exp(-tq * sd_a), "band_high_times": np.exp(tq * sd_a),
        "abnormal_log": y[all_pos] - mean_a, "z": (y[all_pos] - mean_a) / sd_a,
        "window": np.select([(all_pos >= e0) & (all_pos <= e1), (all_pos >= w0) & (all_pos <= w1)],
                            ["estimation", "event"], "gap"),
    })
    return dict(
        frequency=frequency, offset=float(offset), alpha=float(alpha), estimation=est, event_window=evt,
        fold_window=fold, fold_dates=fold_dates, n_estimation=int(len(est_pos)),
        baseline_median=baseline_median, baseline_level=baseline_level, event_mean=event_mean,
        fold_increase=fold_inc, fold_low=fold_low, fold_high=fold_high,
        fold_is_lower_bound=bool(baseline_median < low_baseline and fold_low > 1), t_stat=float(t_stat), p_value=p_value,
        df_resid=int(df), car=car, car_low=car - tq * sd_car, car_high=car + tq * sd_car,
        peak_date=peak_date, peak_value=peak_value, peak_multiple=float(peak_multiple), max_z=max_z,
        periods_to_band=back, rho=rho, ljung_box_p=lb_p, path=path)


def event_study(series: pd.Series, event_date, *, frequency: str | None = None,
                estimation: Sequence[int] | None = None, event_window: Sequence[int] | None = None,
                fold_window: Sequence[int] | None = None, offset: float = 1.0, alpha: float = 0.05,
                low_baseline: float = 5.0, min_estimation: int | None = None, query: str | None = None,
                label: str | None = None, event: str = "event") -> EventStudyResult:
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
    low_baseline : median baseline (index points) below which the fold increase is read
        as a lower bound ("at least N-fold").
    query, label, event : names carried into the result (default: the series name).

    Returns an :class:`EventStudyResult`. See the module docstring for the model.
    """
    s = _prepare(series, frequency)
    freq = s.attrs["frequency"]
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha={alpha!r} must be between 0 and 1 (0.05 gives 95% intervals)")
    est, evt, fold = _resolve_windows(freq, estimation, event_window, fold_window)
    t0 = period_of(s.index, event_date, freq)
    fields = _fit(s, t0, frequency=freq, offset=offset, alpha=alpha, est=est, evt=evt, fold=fold,
                  low_baseline=low_baseline, min_estimation=min_estimation)
    q = query if query is not None else (str(s.name) if s.name is not None else "series")
    return EventStudyResult(query=q, label=label if label is not None else q, event=event,
                            event_date=pd.Timestamp(event_date).date(),
                            illustrative=bool(s.attrs.get("illustrative", False)), **fields)


def placebo_test(series: pd.Series, event_date, *, frequency: str | None = None,
                 estimation: Sequence[int] | None = None, event_window: Sequence[int] | None = None,
                 fold_window: Sequence[int] | None = None, offset: float = 1.0, alpha: float = 0.05,
                 min_estimation: int | None = None, min_placebos: int = 8, max_placebos: int = 200,
                 query: str | None = None) -> PlaceboResult:
    """Repeat the event study at every usable non-event date before ``event_date``.

    Placebo dates are the periods whose fold window ends before the real estimation
    window ends (so no placebo window touches the anticipation gap or the event) and whose estimation window has at least ``min_estimation`` observed periods.
    Windows are in periods of the series (days or weeks), as in :func:`event_study`.
    If more than ``max_placebos`` dates qualify, an evenly spaced subset is used.
    """
    s = _prepare(series, frequency)
    freq = s.attrs["frequency"]
    est, evt, fold = _resolve_windows(freq, estimation, event_window, fold_window)
    t0 = period_of(s.index, event_date, freq)
    q = query if query is not None else (str(s.name) if s.name is not None else "series")
    real = _fit(s, t0, frequency=freq, offset=offset, alpha=alpha, est=est, evt=evt, fold=fold,
                low_baseline=0.0, min_estimation=min_estimation, diagnostics=False)
    # the placebo statistic only uses the fold window: placebo event windows end with it, which
    # lets more dates fit before the real event in short series
    evt = (evt[0], fold[1])
    last = t0 + est[1] - evt[1]
    need = min_estimation if min_estimation is not None else MIN_ESTIMATION[freq]
    first = max(need - 1 - est[1], 0)
    cands = np.arange(first, last + 1)
    if len(cands) > max_placebos:
        cands = np.unique(np.linspace(first, last, max_placebos).round().astype(int))
    rows = []
    for p in cands:
        try:
            r = _fit(s, int(p), frequency=freq, offset=offset, alpha=alpha, est=est, evt=evt, fold=fold,
                     low_baseline=0.0, min_estimation=min_estimation, diagnostics=False)
        except AnalysisError as exc:
            log.debug("placebo %s skipped: %s", s.index[p].date(), exc)
            continue
        rows.append({"date": s.index[p], "t_stat": r["t_stat"], "p_value": r["p_value"],
                     "fold_increase": r["fold_increase"]})
    frame = pd.DataFrame(rows, columns=["date", "t_stat", "p_value", "fold_increase"])
    n = len(frame)
    if n < min_placebos:
        return PlaceboResult(query=q, event_date=pd.Timestamp(event_date).date(), frequency=freq,
                             status="too_few",
                             reason=f"only {n} placebo {freq}s fit before the event (need {min_placebos}); "
                                    "the series does not start early enough",
                             observed_t=real["t_stat"], placebo_p=math.nan, false_positive_rate=math.nan,
                             alpha=alpha, n_placebos=n, placebos=frame)
    ge = int((frame["t_stat"].abs() >= abs(real["t_stat"])).sum())
    return PlaceboResult(query=q, event_date=pd.Timestamp(event_date).date(), frequency=freq, status="ok",
                         reason="", observed_t=real["t_stat"], placebo_p=(1 + ge) / (1 + n),
                         false_positive_rate=float((frame["p_value"] < alpha).mean()), alpha=alpha,
                         n_placebos=n, placebos=frame)


# ------------------------------------------------------------------------ many series
@dataclasses.dataclass(frozen=True, eq=False)
class EventStudySet:
    """Event studies for several queries and events, with a multiple-testing correction.

    ``q_values[i]`` is the adjusted p-value of ``results[i]`` within the family of all
    query x event studies that ran (method ``correction``); ``significant[i]`` is
    ``q_values[i] < alpha``. ``skipped`` lists ``(query, event, reason)`` for the pairs
    that could not be estimated (event outside the data, too short a baseline, ...).
    """

    results: tuple[EventStudyResult, ...]
    q_values: tuple[float, ...]
    significant: tuple[bool, ...]
    correction: str
    alpha: float
    skipped: tuple[tuple[str, str, str], ...]

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per query x event with the headline numbers, q-value and significance."""
        if not self.results:
            return pd.DataFrame(columns=["query", "label", "event", "event_date", "fold_increase", "q_value"])
        out = pd.concat([r.to_frame() for r in self.results], ignore_index=True)
        out["q_value"] = list(self.q_values)
        out["significant"] = list(self.significant)
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
        from trendlib.text import fold_cell

        m = len(self.results)
        k = int(sum(self.significant))
        lines = [f"{m} event studies were run; {k} survive the {self.correction} correction at "
                 f"{100 * self.alpha:g}%."]
        for r, q, sig, rec in zip(self.results, self.q_values, self.significant, self.records()):
            lines.append(f"  {r.label:<24} {r.event_date}  {fold_cell(rec)}  p {r.p_value:.2g}  q {q:.2g}"
                         + ("  *" if sig else ""))
        for q, e, why in self.skipped:
            lines.append(f"  skipped {q} / {e}: {why}")
        return "\n".join(lines)


def _events_list(events) -> list[tuple[pd.Timestamp, str]]:
    out: dict[pd.Timestamp, list[str]] = {}
    for date, name in _events_raw(events):
        names = out.setdefault(date.normalize(), [])
        if name not in names:
            names.append(name)
    # events on the same day cannot be told apart: one study, labels joined
    return [(d, " / ".join(n)) for d, n in sorted(out.items())]


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


def run_event_studies(trends: pd.DataFrame, events, *, queries: Iterable | None = None,
                      geo: str | None = None, correction: str = "fdr_bh", alpha: float = 0.05,
                      **options) -> EventStudySet:
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
    options : passed to :func:`event_study` (windows, ``offset``, ``low_baseline``, ...).
    """
    qs = []
    for q in (queries if queries is not None else trends["query"].unique()):
        if hasattr(q, "term"):
            qs.append((q.term, q.label))
        elif isinstance(q, tuple):
            qs.append((str(q[0]), str(q[1])))
        else:
            qs.append((str(q), str(q)))
    evs = _events_list(events)
    results, skipped = [], []
    for term, lab in qs:
        s = series_from_tidy(trends, term, geo=geo)
        for date, name in _merge_by_period(evs, s):
            try:
                results.append(event_study(s, date, alpha=alpha, query=term, label=lab, event=name, **options))
            except AnalysisError as exc:
                skipped.append((term, name, str(exc)))
                log.info("event study %s / %s skipped: %s", term, name, exc)
    q = adjust_pvalues([r.p_value for r in results], method=correction) if results else np.array([])
    return EventStudySet(results=tuple(results), q_values=tuple(float(x) for x in q),
                         significant=tuple(bool(x < alpha) for x in q), correction=correction, alpha=alpha,
                         skipped=tuple(skipped))


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


def event_study_records(studies: EventStudySet) -> list[dict]:
    """Records for the ``event_study`` key of results.json (a fixed contract).

    One dict per query x event with ``query, label, event, event_date (ISO), frequency,
    fold_increase, fold_low, fold_high`` (multiples of the baseline), ``fold_is_lower_bound,
    p_value, q_value, significant`` (after the set's correction), ``correction``, the fold
    window dates, baseline and event means (index points), peak date and ``periods_to_band``.
    """
    out = []
    for r, q, sig in zip(studies.results, studies.q_values, studies.significant):
        out.append({
            "query": r.query, "label": r.label, "event": r.event, "event_date": r.event_date.isoformat(),
            "frequency": r.frequency, "fold_increase": r.fold_increase, "fold_low": r.fold_low,
            "fold_high": r.fold_high, "fold_is_lower_bound": r.fold_is_lower_bound,
            "interval_level": 1 - r.alpha, "p_value": r.p_value, "q_value": q, "significant": bool(sig),
            "correction": studies.correction, "fold_start": r.fold_dates[0].isoformat(),
            "fold_end": r.fold_dates[1].isoformat(), "baseline_median": r.baseline_median,
            "baseline_level": r.baseline_level, "event_mean": r.event_mean,
            "peak_date": r.peak_date.isoformat() if r.peak_date else None, "peak_value": r.peak_value,
            "periods_to_band": r.periods_to_band, "offset": r.offset, "illustrative": r.illustrative,
        })
    return out


# --------------------------------------------------------------------- Google samples
@dataclasses.dataclass(frozen=True, eq=False)
class SampleSpread:
    """The event study re-estimated on each Google sample of one query.

    ``per_sample`` has one row per sample (sample, fold_increase, fold_low, fold_high,
    p_value); ``fold_min``/``fold_max`` are the range of the point estimates across
    samples (Google's sampling spread, in multiples of baseline); ``log_sd`` the standard
    deviation of the log fold increase across samples. ``status`` is ``"single_sample"``
    when only one sample exists (no spread can be reported).

    Reliability (methods.md §3.0, thresholds are the spec's proposal): ``baseline_cv`` is
    the mean over baseline periods of the between-sample coefficient of variation,
    ``baseline_zero_share`` the share of baseline values (all samples) that are 0;
    ``unreliable`` is true when ``baseline_cv > 0.5`` or ``baseline_zero_share > 0.2``.
    """

    query: str
    event_date: dt.date
    n_samples: int
    status: str
    fold_min: float
    fold_median: float
    fold_max: float
    log_sd: float
    baseline_cv: float
    baseline_zero_share: float
    unreliable: bool
    per_sample: pd.DataFrame = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        out = self.per_sample.copy()
        out.insert(0, "event_date", pd.Timestamp(self.event_date))
        out.insert(0, "query", self.query)
        return out

    def summary(self) -> str:
        if self.status != "ok":
            return f"{self.query!r}: one Google sample only - sampling spread cannot be estimated"
        return (f"{self.query!r}: across {self.n_samples} Google samples the fold increase ranged "
                f"{self.fold_min:.2f}-{self.fold_max:.2f} (median {self.fold_median:.2f}; sd of log {self.log_sd:.2f}); "
                f"baseline between-sample CV {self.baseline_cv:.2f}, zeros {100 * self.baseline_zero_share:.0f}%"
                + (" - UNRELIABLE (CV > 0.5 or > 20% zeros)" if self.unreliable else ""))


def event_study_by_sample(samples: pd.DataFrame, query: str, event_date, *, geo: str | None = None,
                          **options) -> SampleSpread:
    """Re-run :func:`event_study` on each Google sample of ``query``.

    ``samples`` is a tidy frame with ``date, query, sample, value`` (and optionally
    ``geo``, ``resolution``), e.g. from ``trendlib.datasets.load_trend_samples``. A frame
    without a ``sample`` column is treated as a single sample. Windows as in
    :func:`event_study` (periods of the series: days or weeks).
    """
    frame = samples if "sample" in samples.columns else samples.assign(sample=0)
    frame = frame[frame["query"] == query]
    if geo is not None and "geo" in frame.columns:
        frame = frame[frame["geo"] == geo]
    if frame.empty:
        raise AnalysisError(f"query {query!r} has no rows in the samples frame")
    rows = []
    base_values = {}
    for sample, part in frame.groupby("sample", sort=True):
        s = series_from_tidy(part, query)
        r = event_study(s, event_date, query=query, **options)
        rows.append({"sample": sample, "fold_increase": r.fold_increase, "fold_low": r.fold_low,
                     "fold_high": r.fold_high, "p_value": r.p_value})
        est = r.path[r.path["window"] == "estimation"]
        base_values[sample] = pd.Series(est["value"].to_numpy(), index=est["date"])
    per = pd.DataFrame(rows)
    folds = per["fold_increase"].to_numpy()
    n = len(per)
    base = pd.DataFrame(base_values)
    zero_share = float((base == 0).to_numpy().mean()) if base.size else math.nan
    if n > 1:
        mean = base.mean(axis=1)
        cv = (base.std(axis=1, ddof=1) / mean.where(mean > 0)).dropna()
        baseline_cv = float(cv.mean()) if len(cv) else math.nan
    else:
        baseline_cv = math.nan
    unreliable = bool((math.isfinite(baseline_cv) and baseline_cv > 0.5) or zero_share > 0.2)
    return SampleSpread(query=query, event_date=pd.Timestamp(event_date).date(), n_samples=n,
                        status="ok" if n > 1 else "single_sample", fold_min=float(folds.min()),
                        fold_median=float(np.median(folds)), fold_max=float(folds.max()),
                        log_sd=float(np.std(np.log(folds), ddof=1)) if n > 1 else math.nan,
                        baseline_cv=baseline_cv, baseline_zero_share=zero_share, unreliable=unreliable,
                        per_sample=per)


def window_phrase(result: EventStudyResult) -> str:
    """Plain words for the fold window, e.g. "between 20 February and 5 March 2022"."""
    a, b = result.fold_dates
    if a == b:
        return f"on {a.day} {a:%B %Y}"
    same_year = a.year == b.year
    first = f"{a.day} {a:%B}" + ("" if same_year else f" {a.year}")
    return f"between {first} and {b.day} {b:%B %Y}"


def events_to_study(events: pd.DataFrame, event_date, *, frequency: str,
                    estimation: Sequence[int] | None = None, event_window: Sequence[int] | None = None) -> pd.DataFrame:
    """The events whose baseline is untouched by the primary event at ``event_date``.

    An event is kept when its estimation window ends before the primary event's event
    window starts (both in periods of ``frequency``, days or weeks): a later event's
    baseline would contain the primary spike and its "abnormal" interest would mean
    nothing. The primary event is always kept. ``attrs["left_out"]`` counts the events
    dropped (``baseline_contains_primary``) and month-precision ones (``month_precision``).
    """
    est, evt, _ = _resolve_windows(frequency, estimation, event_window, None)
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
