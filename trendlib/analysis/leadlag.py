"""Searches vs border crossings: alignment, stationarity, lead/lag, Granger, HAC OLS, nowcast.

Question: do rises in searches come before, with, or after rises in crossings, and can
searches help nowcast crossings beyond the crossings' own past?

**Lag convention.** A lag ``k > 0`` means *searches lead crossings by k periods*:
searches at ``t`` are paired with crossings at ``t + k``. ``k < 0`` means crossings
lead searches. Periods are days for daily and weeks for weekly data (``frequency``).

Inputs
------
* ``searches``: a series of Google index points (0-100) indexed by date, daily or weekly.
* ``crossings``: a series indexed by date, or a tidy frame with ``date, value`` (and
  ``series`` to pick one when several are stacked, e.g. ``"Finland entries"``), in
  crossings per period (people per day or per week as recorded by the authority). The
  datasets layer turns period statements into daily/weekly series; this module does not
  difference cumulative statements.

Method (methods.md §3.5-3.8)
----------------------------
1. Align on the crossings' footprint (only periods with a crossing figure) and a common
   frequency: daily searches are averaged over each crossing week; daily crossings are
   summed over complete Google weeks. The longest run of consecutive periods is used.
2. ``log(searches + c)`` and ``log(crossings)`` (``log1p`` when a zero count occurs);
   ADF (H0 unit root) and KPSS (H0 stationary; p clipped to [0.01, 0.10] by statsmodels)
   in levels and first differences. Both series are differenced unless both tests call
   both levels stationary.
3. Prewhitening: AR(p) fitted to the searches (p by AIC, at most ``max_ar``), the same
   filter applied to crossings; cross-correlations at lags ``-K..K``; two-sided p-values
   from ``r ~ N(0, 1/n)``. The raw (not prewhitened) correlations are kept for display.
4. Granger tests both ways on the stationary series (lag order by VAR AIC, at most K),
   ``ssr_ftest`` p. "Granger-causes" means "helps predict", not "causes".
5. OLS of the prewhitened crossings on the prewhitened searches lagged ``k = 0..K`` (one
   regression per lag: the transfer-function weights), ordinary t inference (valid with a
   white regressor), Newey-West HAC intervals alongside. The test name stays ``ols_hac``
   for the tables' sake. (On unfiltered persistent series the HAC test fired in every
   run of two independent AR(1) series with phi = 0.9.)
6. Nowcast (when at least ``min_train + 10`` points): rolling-origin one-step forecasts
   of crossings from an AR(1) of crossings (benchmark) and AR(1) + same-period searches;
   MAE of both and the Clark-West test (the benchmark is nested in the augmented model).
7. Every p-value above forms one family, adjusted with ``correction`` (Holm by default):
   ``significant`` is true only if some adjusted p < ``alpha``. ``lag`` is then the lag of
   the most significant lag-specific test (cross-correlation or lagged regression), and
   ``None`` otherwise, with ``reason`` saying why nothing could be established. Only
   ``lag`` may be put into words; ``peak_lag`` is descriptive (the largest correlation,
   significant or not). ``benchmarks/bench_calibration.py`` measures the false-positive
   rate on independent random walks and AR(1) series.

When the data are too few (fewer than ``min_points`` aligned periods) or cannot be
aligned, the result carries ``status`` ``"too_few"``/``"unusable"`` and a ``reason``,
and no numbers.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import warnings

import numpy as np
import pandas as pd

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.multitest import adjust_pvalues
from trendlib.analysis.preprocess import FREQUENCIES, infer_frequency, regularize

__all__ = ["LeadLagResult", "LeadLagSet", "run_lead_lag", "crossings_overview", "align_searches_crossings",
           "searches_vs_crossings", "prewhitened_ccf",
           "crossings_series"]

log = logging.getLogger("trendlib.analysis.leadlag")

DEFAULT_MAX_LAG = {"day": 7, "week": 4}
_ADJ = {"day": "daily", "week": "weekly"}


# ----------------------------------------------------------------------------- inputs
def crossings_series(crossings, *, series: str | None = None) -> pd.Series:
    """A crossings series indexed by date from a Series or a tidy ``date, [series,] value`` frame."""
    if isinstance(crossings, pd.Series):
        s = crossings.copy()
        s.index = pd.DatetimeIndex(pd.to_datetime(s.index))
        return s.astype(float).sort_index()
    if not isinstance(crossings, pd.DataFrame):
        raise AnalysisError(f"crossings must be a Series or a DataFrame, got {type(crossings).__name__}")
    for col in ("date", "value"):
        if col not in crossings.columns:
            raise AnalysisError(f"crossings frame has no {col!r} column; columns are {list(crossings.columns)}")
    df = crossings
    if "series" in df.columns:
        names = sorted(map(str, df["series"].unique()))
        if series is None and len(names) > 1:
            raise AnalysisError(f"crossings frame holds several series {names}; pass series=")
        if series is not None:
            if series not in names:
                raise AnalysisError(f"crossings series {series!r} not found; series are {names}")
            df = df[df["series"] == series]
    s = pd.Series(df["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(pd.to_datetime(df["date"])),
                  name=series or "crossings")
    if s.index.duplicated().any():
        raise AnalysisError(f"crossings have two values for {s.index[s.index.duplicated()][0].date()}; "
                            "pick one series (direction, border) first")
    return s.sort_index()


def align_searches_crossings(searches: pd.Series, crossings, *, series: str | None = None) -> pd.DataFrame:
    """Put searches and crossings on one frequency and the crossings' footprint.

    Returns a frame indexed by date with columns ``searches`` (index points, mean over
    the period) and ``crossings`` (count per period), only periods where both exist,
    with ``attrs["frequency"]`` and ``attrs["note"]`` (what was aggregated).
    """
    cr = crossings_series(crossings, series=series).dropna()
    sx = regularize(searches, frequency=searches.attrs.get("frequency"))
    fs = sx.attrs["frequency"]
    if len(cr) < 2:
        raise AnalysisError(f"only {len(cr)} crossing figure(s); cannot align")
    fc = infer_frequency(cr.index)
    note = ""
    if fs == fc == "day":
        df = pd.DataFrame({"searches": sx, "crossings": cr}).dropna()
        freq = "day"
    elif fs == "day" and fc == "week":
        cr = regularize(cr, frequency="week")
        sums = [sx.loc[d:d + pd.Timedelta(days=6)] for d in cr.index]
        means = [v.mean() if v.notna().sum() == 7 else np.nan for v in sums]
        df = pd.DataFrame({"searches": means, "crossings": cr.to_numpy()}, index=cr.index).dropna()
        freq, note = "week", "daily searches averaged over each 7-day crossing period"
    elif fs == "week" and fc == "day":
        cr = regularize(cr, frequency="day")
        vals = []
        for d in sx.index:
            part = cr.loc[d:d + pd.Timedelta(days=6)]
            vals.append(part.sum() if part.notna().sum() == 7 else np.nan)
        df = pd.DataFrame({"searches": sx.to_numpy(), "crossings": vals}, index=sx.index).dropna()
        freq, note = "week", "daily crossings summed over complete Google weeks"
    else:  # both weekly
        df = pd.DataFrame({"searches": sx, "crossings": cr}).dropna()
        freq = "week"
        if len(df) < min(len(cr), len(sx)) // 2:
            note = "weekly dates of searches and crossings rarely coincide (different week starts?)"
    df.index.name = "date"
    df.attrs["frequency"] = freq
    df.attrs["note"] = note
    return df


def _longest_run(df: pd.DataFrame, freq: str) -> pd.DataFrame:
    if df.empty:
        return df
    step = FREQUENCIES[freq]
    brk = np.r_[True, np.diff(df.index.values) != step.to_timedelta64()]
    run_id = np.cumsum(brk)
    best = pd.Series(run_id).value_counts().sort_index().idxmax()
    out = df[run_id == best]
    out.attrs = dict(df.attrs)
    return out


# --------------------------------------------------------------------------- methods
def _ccf_at(x: np.ndarray, y: np.ndarray, k: int) -> tuple[float, int]:
    """corr(x_t, y_{t+k}) over the overlapping part."""
    if k >= 0:
        a, b = x[:len(x) - k], y[k:]
    else:
        a, b = x[-k:], y[:len(y) + k]
    if len(a) < 4 or np.std(a) == 0 or np.std(b) == 0:
        return math.nan, len(a)
    return float(np.corrcoef(a, b)[0, 1]), len(a)


def prewhiten(x, y, *, max_ar: int = 7) -> tuple[np.ndarray, np.ndarray, int]:
    """``(x_filtered, y_filtered, p)``: an AR(p) filter fitted to ``x`` (p by AIC, ``p <= max_ar``)
    applied to both series (Box-Jenkins prewhitening)."""
    x = np.asarray(x, float)
    p = _ar_order(x, max_ar)
    xw, yw = _ar_filter(x, np.asarray(y, float), p)
    return xw, yw, p


def prewhitened_ccf(x, y, *, max_lag: int, max_ar: int = 7) -> pd.DataFrame:
    """Cross-correlations of ``y`` with ``x`` at lags ``-max_lag..max_lag`` after prewhitening.

    ``x`` and ``y`` are stationary arrays of equal length (e.g. differenced logs of
    searches and crossings). An AR(p) filter (p by AIC, ``p <= max_ar``) is fitted to
    ``x`` and applied to both. Row ``lag = k`` holds ``corr(x_t, y_{t+k})``: ``k > 0``
    means ``x`` leads ``y`` by ``k`` periods. Columns: ``lag, r, r_raw, n, band, p_value``
    (``band`` = 1.96 / sqrt(n); p two-sided from N(0, 1/n)).
    """
    from scipy import stats

    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if len(x) != len(y):
        raise AnalysisError(f"x and y must have equal length, got {len(x)} and {len(y)}")
    p = _ar_order(x, max_ar)
    xw, yw = _ar_filter(x, y, p)
    rows = []
    for k in range(-max_lag, max_lag + 1):
        r, n = _ccf_at(xw, yw, k)
        r_raw, _ = _ccf_at(x, y, k)
        pv = float(2 * stats.norm.sf(abs(r) * math.sqrt(n))) if math.isfinite(r) else math.nan
        rows.append({"lag": k, "r": r, "r_raw": r_raw, "n": n, "band": 1.96 / math.sqrt(max(n, 1)),
                     "p_value": pv})
    out = pd.DataFrame(rows)
    out.attrs["ar_order"] = p
    return out


def _ar_order(x: np.ndarray, max_ar: int) -> int:
    n = len(x)
    best = (math.inf, 0)
    top = max(0, min(max_ar, n // 5))
    for p in range(0, top + 1):
        Y = x[top:]
        X = np.column_stack([np.ones(len(Y))] + [x[top - j:n - j] for j in range(1, p + 1)])
        beta, *_ = np.linalg.lstsq(X, Y, rcond=None)
        rss = float(np.sum((Y - X @ beta) ** 2))
        aic = len(Y) * math.log(max(rss, 1e-300) / len(Y)) + 2 * (p + 1)
        if aic < best[0]:
            best = (aic, p)
    return best[1]


def _ar_filter(x: np.ndarray, y: np.ndarray, p: int):
    if p == 0:
        return x - x.mean(), y - y.mean()
    n = len(x)
    Y = x[p:]
    X = np.column_stack([np.ones(n - p)] + [x[p - j:n - j] for j in range(1, p + 1)])
    beta, *_ = np.linalg.lstsq(X, Y, rcond=None)
    phi = beta[1:]

    def filt(z):
        out = z[p:].copy()
        for j in range(1, p + 1):
            out -= phi[j - 1] * z[p - j:n - j]
        return out - out.mean()

    return filt(x), filt(y)


def _stationarity(name: str, z: np.ndarray) -> list[dict]:
    from statsmodels.tsa.stattools import adfuller, kpss

    rows = []
    for form, v in (("levels", z), ("differences", np.diff(z))):
        row = {"series": name, "form": form, "n": len(v)}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # 0.15 announces a result-object default
                adf = adfuller(v, regression="c", autolag="AIC")
            row["adf_stat"], row["adf_p"] = float(adf[0]), float(adf[1])
        except (ValueError, np.linalg.LinAlgError) as exc:
            row["adf_stat"], row["adf_p"] = math.nan, math.nan
            log.debug("ADF failed on %s %s: %s", name, form, exc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # KPSS warns when its p-value is clipped to the table
            try:
                kp = kpss(v, regression="c", nlags="auto")
                row["kpss_stat"], row["kpss_p"] = float(kp[0]), float(kp[1])
            except (ValueError, OverflowError) as exc:
                row["kpss_stat"], row["kpss_p"] = math.nan, math.nan
                log.debug("KPSS failed on %s %s: %s", name, form, exc)
        row["stationary"] = bool(row["adf_p"] < 0.05 and row["kpss_p"] > 0.05)
        rows.append(row)
    return rows


def _granger(dy: np.ndarray, dx: np.ndarray, max_lag: int) -> list[dict]:
    from statsmodels.tsa.api import VAR
    from statsmodels.tsa.stattools import grangercausalitytests

    data = pd.DataFrame({"crossings": dy, "searches": dx})
    top = max(1, min(max_lag, (len(dy) - 10) // 6))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            order = VAR(data).select_order(maxlags=top).selected_orders.get("aic", 1) or 1
    except (ValueError, np.linalg.LinAlgError):
        order = 1
    order = int(max(1, min(order, top)))
    rows = []
    for effect, cause, direction in (("crossings", "searches", "searches -> crossings"),
                                     ("searches", "crossings", "crossings -> searches")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = grangercausalitytests(data[[effect, cause]], maxlag=[order])
        f, p, df_d, df_n = res[order][0]["ssr_ftest"]
        rows.append({"test": "granger", "direction": direction, "lag": order, "statistic": float(f),
                     "p_value": float(p), "detail": f"F({int(df_n)}, {int(df_d)})"})
    return rows


def _lagged_ols(yw: np.ndarray, xw: np.ndarray, max_lag: int, alpha: float, ar_order: int) -> list[dict]:
    """OLS of prewhitened crossings on prewhitened searches ``k = 0..max_lag`` periods earlier.

    Both series went through the searches' AR filter (as for the cross-correlations), so
    the regressor is close to white noise, and with a white regressor independent of the
    errors the ordinary OLS standard error is valid even when the errors are
    autocorrelated. On the unfiltered series a persistent regressor with Newey-West's few
    lags fired in every run of two independent AR(1) series with phi = 0.9 (issue 12), and
    HAC errors on the filtered series still fired in 7 % of runs at length 60; the HAC
    interval is kept for comparison (``ci_low_hac``/``ci_high_hac``). The coefficient is the
    transfer-function weight ``v_k`` of the Box-Jenkins method (log points of crossings per
    log point of searches, k periods later).
    """
    import statsmodels.api as sm

    rows = []
    for k in range(0, max_lag + 1):
        yk, xk = yw[k:], xw[:len(xw) - k]
        n = len(yk)
        L = max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))
        X = sm.add_constant(xk)
        res = sm.OLS(yk, X).fit()
        hac = sm.OLS(yk, X).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True}, use_t=True)
        lo_h, hi_h = hac.conf_int(alpha=alpha)[1]
        lo, hi = res.conf_int(alpha=alpha)[1]
        rows.append({"test": "ols_hac", "direction": "searches -> crossings", "lag": k,
                     "statistic": float(res.tvalues[1]), "p_value": float(res.pvalues[1]),
                     "coef": float(res.params[1]), "ci_low": float(lo), "ci_high": float(hi), "n": n,
                     "ci_low_hac": float(lo_h), "ci_high_hac": float(hi_h),
                     "detail": f"transfer weight of searches {k} period(s) earlier, after AR({ar_order}) "
                               f"prewhitening (OLS t; HAC {L} lags alongside)"})
    return rows


def _nowcast(dy: np.ndarray, dx: np.ndarray, min_train: int) -> dict:
    from scipy import stats

    n = len(dy)
    if n - min_train - 1 < 10:
        return {"status": "too_few", "reason": f"{n} usable periods; a rolling nowcast needs at least "
                                                f"{min_train + 11} (training {min_train} + 10 to test)"}
    e_b, e_a, f_b, f_a, truth = [], [], [], [], []
    for t in range(min_train + 1, n):
        yb = dy[1:t]
        Xb = np.column_stack([np.ones(t - 1), dy[:t - 1]])
        Xa = np.column_stack([Xb, dx[1:t]])
        bb, *_ = np.linalg.lstsq(Xb, yb, rcond=None)
        ba, *_ = np.linalg.lstsq(Xa, yb, rcond=None)
        pb = float(bb @ [1, dy[t - 1]])
        pa = float(ba @ [1, dy[t - 1], dx[t]])
        f_b.append(pb)
        f_a.append(pa)
        truth.append(dy[t])
    truth, f_b, f_a = map(np.asarray, (truth, f_b, f_a))
    e_b, e_a = truth - f_b, truth - f_a
    mae_b, mae_a = float(np.mean(np.abs(e_b))), float(np.mean(np.abs(e_a)))
    # Clark-West (2007) adjusted MSPE for nested models; one-sided (augmented better)
    f = e_b ** 2 - (e_a ** 2 - (f_b - f_a) ** 2)
    m = len(f)
    L = max(1, int(math.floor(4 * (m / 100) ** (2 / 9))))
    fc = f - f.mean()
    lrv = float(fc @ fc / m)
    for lag in range(1, L + 1):
        lrv += 2 * (1 - lag / (L + 1)) * float(fc[lag:] @ fc[:-lag] / m)
    cw = float(f.mean() / math.sqrt(max(lrv, 1e-300) / m))
    return {"status": "ok", "reason": "", "n_test": m, "mae_benchmark": mae_b, "mae_with_searches": mae_a,
            "mae_change_pct": 100 * (mae_a - mae_b) / mae_b if mae_b > 0 else math.nan,
            "clark_west_stat": cw, "p_value": float(stats.norm.sf(cw))}


# ----------------------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, eq=False)
class LeadLagResult:
    """Searches vs crossings. ``status`` is ``"ok"``, ``"too_few"`` or ``"unusable"``.

    Lag convention: ``lag = k > 0`` means searches lead crossings by ``k`` periods
    (days or weeks, ``frequency``). ``lag`` is set only when ``significant``: the lag of the
    most significant lag-specific test after the correction; otherwise ``None`` and
    ``reason`` says why no lead or lag could be established (also when ``status`` is not
    ``"ok"``). ``peak_lag``/``peak_r`` is the prewhitened cross-correlation of largest
    magnitude, significant or not (descriptive only: do not put it into words). ``tests`` is the tidy table of every test run
    (ccf lags, Granger both ways, lagged OLS, nowcast) with ``p_value`` and ``p_adjusted``
    (``correction`` across the whole family); ``significant`` = any ``p_adjusted < alpha``.
    """

    status: str
    reason: str
    frequency: str | None
    n: int
    max_lag: int
    differenced: bool
    note: str
    alpha: float
    correction: str
    peak_lag: int | None
    peak_r: float
    significant: bool
    lag: int | None
    n_tests: int
    n_significant: int
    aligned: pd.DataFrame = dataclasses.field(repr=False)
    stationarity: pd.DataFrame = dataclasses.field(repr=False)
    ccf: pd.DataFrame = dataclasses.field(repr=False)
    tests: pd.DataFrame = dataclasses.field(repr=False)
    nowcast: dict = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The tidy table of tests (empty with a ``status``/``reason`` row when not run)."""
        if self.status != "ok":
            return pd.DataFrame([{"status": self.status, "reason": self.reason, "n": self.n}])
        return self.tests.copy()

    def lead_phrase(self, *, significant: bool | None = None) -> str:
        """Plain words for the lead or lag (:func:`trendlib.text.lead_lag_phrase`): stated only when
        significant, e.g. "searches moved 3 days before crossings"; otherwise "no lead or lag could be
        established" with the reason. ``significant`` overrides the result's own flag (e.g. after a
        correction across several pairs)."""
        from trendlib.text import lead_lag_phrase

        return lead_lag_phrase(self, significant=significant)

    def summary(self) -> str:
        if self.status != "ok":
            return f"Searches vs crossings: not tested - {self.reason}"
        lines = [
            f"Searches vs crossings: {self.n} {_ADJ[self.frequency]} pairs"
            + (f" ({self.note})" if self.note else "") + "; "
            + ("differenced logs" if self.differenced else "logs in levels") + f"; lags -{self.max_lag}..{self.max_lag}",
            f"  {self.lead_phrase()}",
            (f"  strongest prewhitened correlation r = {self.peak_r:.2f} at lag {self.peak_lag} (lag > 0: searches "
             "earlier)" if self.lag is not None else
             f"  strongest prewhitened correlation r = {self.peak_r:.2f}, at no established lag (where it falls is "
             "not a lead or lag)"),
            f"  {self.n_tests} tests were run; {self.n_significant} survive {self.correction} at "
            f"{100 * self.alpha:g}%",
        ]
        for _, row in self.tests[self.tests["test"] == "granger"].iterrows():
            lines.append(f"  Granger {row['direction']}: {row['detail']} = {row['statistic']:.2f}, "
                         f"p = {row['p_value']:.3g} (adjusted {row['p_adjusted']:.3g}) - 'helps predict', not 'causes'")
        if self.nowcast.get("status") == "ok":
            nc = self.nowcast
            lines.append(f"  nowcast ({nc['n_test']} one-step forecasts): MAE {nc['mae_with_searches']:.3f} with "
                         f"searches vs {nc['mae_benchmark']:.3f} from crossings' own past "
                         f"({nc['mae_change_pct']:+.0f}%); Clark-West p = {nc['p_value']:.3g}")
        else:
            lines.append(f"  nowcast not run: {self.nowcast.get('reason', '')}")
        return "\n".join(lines)


_LAGGED_TESTS = ("ccf_prewhitened", "ols_hac")
_TEST_NAMES = {"granger": "Granger", "nowcast_clark_west": "nowcast", "ccf_prewhitened": "cross-correlation",
               "ols_hac": "lagged regression"}


def _established(tests: pd.DataFrame, *, correction: str, alpha: float, max_lag: int,
                 column: str = "p_adjusted", scope: str = "") -> tuple[int | None, str]:
    """(lag, reason): the lag of the most significant lag-specific test (cross-correlation or lagged
    regression) whose ``column`` (adjusted p) is below ``alpha``, or ``None`` with the reason nothing
    could be established. ``scope`` names the family when it is wider than this pair's tests."""
    sig = tests[tests[column] < alpha]
    if sig.empty:
        kinds = ", ".join(sorted(set(tests["test"])))
        return None, (f"no test survived the {correction} correction at {100 * alpha:g}% ({len(tests)} tests"
                      f"{scope}: {kinds}; lags -{max_lag}..{max_lag})")
    lagged = sig[sig["test"].isin(_LAGGED_TESTS)]
    if lagged.empty:
        which = "; ".join(dict.fromkeys(f"{_TEST_NAMES.get(t, t)} {d}" for t, d in zip(sig["test"], sig["direction"])))
        return None, (f"a relation was detected ({which}) but its timing could not be pinned down: no test at a "
                      f"single lag survived the {correction} correction{scope}")
    return int(lagged.sort_values([column, "p_value"]).iloc[0]["lag"]), ""


def _not_run(status, reason, *, frequency=None, n=0, max_lag=0, alpha=0.05, correction="holm",
             aligned=None, note=""):
    empty = pd.DataFrame()
    return LeadLagResult(status=status, reason=reason, frequency=frequency, n=n, max_lag=max_lag,
                         differenced=False, note=note, alpha=alpha, correction=correction, peak_lag=None,
                         peak_r=math.nan, significant=False, lag=None, n_tests=0, n_significant=0,
                         aligned=aligned if aligned is not None else empty, stationarity=empty, ccf=empty,
                         tests=empty, nowcast={"status": status, "reason": reason})


def searches_vs_crossings(searches: pd.Series, crossings, *, series: str | None = None,
                          max_lag: int | None = None, offset: float = 1.0, alpha: float = 0.05,
                          correction: str = "holm", min_points: int = 30, min_train: int = 20,
                          max_ar: int = 7, difference: bool | None = None) -> LeadLagResult:
    """Lead/lag analysis of searches against crossings (see the module docstring).

    Parameters
    ----------
    searches : Google index points indexed by date (daily or weekly).
    crossings : Series or tidy ``date, [series,] value`` frame (crossings per period).
    series : which crossings series to use when the frame stacks several.
    max_lag : largest lead/lag in periods (default 7 days or 4 weeks).
    offset : ``c`` in ``log(searches + c)``.
    correction : multiple-testing method over all tests (``"holm"`` default, or ``"fdr_bh"``).
    min_points : fewest aligned consecutive periods needed to test anything.
    min_train : training length of the rolling nowcast.
    difference : force differencing on/off; default decided by ADF and KPSS.

    Never raises for too few data: returns ``status="too_few"`` with the reason.
    """
    try:
        aligned = align_searches_crossings(searches, crossings, series=series)
    except AnalysisError as exc:
        return _not_run("unusable", f"searches and crossings cannot be aligned: {exc}", alpha=alpha,
                        correction=correction)
    freq = aligned.attrs["frequency"]
    run = _longest_run(aligned, freq)
    K = int(max_lag if max_lag is not None else DEFAULT_MAX_LAG[freq])
    if len(run) < min_points:
        return _not_run("too_few", f"only {len(run)} consecutive {freq}s with both a search value and a "
                                   f"crossing figure (of {len(aligned)} overlapping); at least {min_points} are "
                                   "needed for lead/lag tests", frequency=freq, n=len(run), max_lag=K,
                        alpha=alpha, correction=correction, aligned=aligned, note=aligned.attrs.get("note", ""))
    x = np.log(run["searches"].to_numpy(float) + offset)
    cr = run["crossings"].to_numpy(float)
    if np.any(cr < 0):
        raise AnalysisError("crossings contain negative values; net flows cannot be logged - pass entries or "
                            "exits separately")
    y = np.log1p(cr) if np.any(cr == 0) else np.log(cr)
    stat = pd.DataFrame(_stationarity("searches", x) + _stationarity("crossings", y))
    lv = stat[stat["form"] == "levels"]["stationary"]
    diff = (not bool(lv.all())) if difference is None else bool(difference)
    dx, dy = (np.diff(x), np.diff(y)) if diff else (x - x.mean(), y - y.mean())
    ccf = prewhitened_ccf(dx, dy, max_lag=K, max_ar=max_ar)
    valid = ccf.dropna(subset=["r"])
    if valid.empty:
        return _not_run("unusable", "a series is constant after transformation", frequency=freq, n=len(run),
                        max_lag=K, alpha=alpha, correction=correction, aligned=aligned)
    top = valid.loc[valid["r"].abs().idxmax()]
    rows = [{"test": "ccf_prewhitened", "direction": "searches -> crossings" if r.lag > 0 else
             ("crossings -> searches" if r.lag < 0 else "same period"), "lag": int(r.lag),
             "statistic": float(r.r), "p_value": float(r.p_value), "n": int(r.n),
             "detail": f"corr(searches_t, crossings_t+{int(r.lag)}) after AR({ccf.attrs['ar_order']}) prewhitening"}
            for r in valid.itertuples()]
    rows += _granger(dy, dx, K)
    xw, yw, p_ar = prewhiten(dx, dy, max_ar=max_ar)
    rows += _lagged_ols(yw, xw, K, alpha, p_ar)
    nc = _nowcast(dy, dx, min_train)
    if nc["status"] == "ok":
        rows.append({"test": "nowcast_clark_west", "direction": "searches -> crossings", "lag": 0,
                     "statistic": nc["clark_west_stat"], "p_value": nc["p_value"], "n": nc["n_test"],
                     "detail": "one-step nowcast vs AR(1) of crossings"})
    tests = pd.DataFrame(rows)
    tests["p_adjusted"] = adjust_pvalues(tests["p_value"].to_numpy(), method=correction)
    tests["significant"] = tests["p_adjusted"] < alpha
    lag, reason = _established(tests, correction=correction, alpha=alpha, max_lag=K)
    return LeadLagResult(status="ok", reason=reason, frequency=freq, n=len(run), max_lag=K, differenced=diff,
                         note=aligned.attrs.get("note", ""), alpha=alpha, correction=correction,
                         peak_lag=int(top["lag"]), peak_r=float(top["r"]), significant=bool(tests["significant"].any()),
                         lag=lag, n_tests=len(tests), n_significant=int(tests["significant"].sum()), aligned=run,
                         stationarity=stat, ccf=ccf, tests=tests, nowcast=nc)


# ----------------------------------------------------------------------- many pairs
def crossings_overview(crossings: pd.DataFrame) -> pd.DataFrame:
    """Per crossings series: number of figures, first and last date, longest run of
    consecutive days with a figure (what a lead/lag test could use). ``crossings`` is a
    tidy ``date, series, value`` frame of one-day values."""
    rows = []
    for name, part in crossings.groupby("series", sort=True):
        d = pd.DatetimeIndex(part["date"]).sort_values().unique()
        run = best = 1 if len(d) else 0
        for a, b in zip(d[:-1], d[1:]):
            run = run + 1 if (b - a) == pd.Timedelta(days=1) else 1
            best = max(best, run)
        rows.append({"series": name, "n_days": len(d), "first": d.min() if len(d) else pd.NaT,
                     "last": d.max() if len(d) else pd.NaT, "longest_run_days": best})
    return pd.DataFrame(rows, columns=["series", "n_days", "first", "last", "longest_run_days"])


@dataclasses.dataclass(frozen=True, eq=False)
class LeadLagSet:
    """:func:`searches_vs_crossings` for every query x crossings series, corrected together.

    ``results`` maps ``(query, series)`` to a :class:`LeadLagResult`; ``p_adjusted`` in
    :meth:`tests` is across every test of every pair that ran (``correction``). Lag
    convention as in the module: ``k > 0`` = searches lead crossings by ``k`` periods.
    """

    results: dict
    correction: str
    alpha: float
    all_tests: pd.DataFrame = dataclasses.field(repr=False)

    @property
    def n_tested(self) -> int:
        return sum(r.status == "ok" for r in self.results.values())

    def to_frame(self) -> pd.DataFrame:
        """One row per pair: status, reason, n, peak lag and r, and after the correction across every test of
        every pair: ``significant`` (any test), ``lag`` (set only when a test at a single lag survives it) and
        ``lead``, the words for it (:func:`trendlib.text.lead_lag_phrase`)."""
        from trendlib.text import lead_lag_phrase

        rows = []
        for (q, s), r in self.results.items():
            row = {"query": q, "series": s, "status": r.status, "reason": r.reason, "n": r.n,
                   "frequency": r.frequency, "peak_lag": r.peak_lag, "peak_r": r.peak_r, "n_tests": r.n_tests,
                   "correction": self.correction, "significant": False, "lag": None}
            if r.status == "ok" and not self.all_tests.empty:
                part = self.all_tests[(self.all_tests["query"] == q) & (self.all_tests["series"] == s)]
                row["significant"] = bool((part["p_adjusted_all"] < self.alpha).any())
                row["lag"], row["reason"] = _established(
                    part, correction=self.correction, alpha=self.alpha, max_lag=r.max_lag, column="p_adjusted_all",
                    scope=f" across all {len(self.all_tests)} tests of the {self.n_tested} pairs tested")
            row["lead"] = lead_lag_phrase(row)
            rows.append(row)
        return pd.DataFrame(rows)

    def tests(self) -> pd.DataFrame:
        return self.all_tests.copy()

    def summary(self) -> str:
        m = len(self.results)
        if self.n_tested == 0:
            return (f"{m} search x crossings pairs; none could be tested: "
                    + "; ".join(sorted({r.reason for r in self.results.values()}))[:600])
        frame = self.to_frame()
        k, timed = int(frame["significant"].sum()), int(frame["lag"].notna().sum())
        return (f"{m} pairs, {self.n_tested} tested with {len(self.all_tests)} tests in all; {k} pair(s) show a "
                f"relation that survives {self.correction} at {100 * self.alpha:g}% across all tests, {timed} of "
                "them with a lead or lag that could be established")


def run_lead_lag(trends: pd.DataFrame, crossings: pd.DataFrame, *, queries, series: list[str] | None = None,
                 correction: str = "holm", alpha: float = 0.05, **options) -> LeadLagSet:
    """Run :func:`searches_vs_crossings` for each query x crossings series.

    ``trends`` is a tidy trends frame; ``crossings`` a tidy ``date, series, value`` frame;
    ``queries`` terms, ``(term, label)`` pairs or objects with ``term``; ``series`` the
    crossings series to use (default all). Pairs that cannot be tested keep their status
    and reason; the correction runs over every test of the pairs that were tested.
    """
    from trendlib.analysis.preprocess import series_from_tidy

    names = series if series is not None else sorted(map(str, crossings["series"].unique()))
    results = {}
    frames = []
    for q in queries:
        term = q.term if hasattr(q, "term") else (q[0] if isinstance(q, tuple) else str(q))
        s = series_from_tidy(trends, term)
        for name in names:
            r = searches_vs_crossings(s, crossings, series=name, correction=correction, alpha=alpha, **options)
            results[(term, name)] = r
            if r.status == "ok":
                frames.append(r.tests.assign(query=term, series=name))
    all_tests = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not all_tests.empty:
        all_tests["p_adjusted_all"] = adjust_pvalues(all_tests["p_value"].to_numpy(), method=correction)
    return LeadLagSet(results=results, correction=correction, alpha=alpha, all_tests=all_tests)
