"""Known-answer simulations that check the calibration of the event study and the lead/lag tests.

Used by ``benchmarks/bench_calibration.py`` (the full table in the README) and by the
known-answer tests in ``tests/analysis`` (a few cells at a small number of runs). All data
here are simulated; nothing is read or fetched.

Event-study design (issue 12). A Google-like index: ``level x exp(e_t + season_t)`` with
``e_t`` stationary AR(1) noise (coefficient ``phi``, marginal sd ``sd`` on the log scale),
rounded to integers and clipped to 0-100.

* weekly: 52 baseline weeks (estimation window ``(-54, -3)``), fold window weeks 0-1;
* daily: 60 baseline days (``(-67, -8)``), weekly seasonality, fold window days 0-6.

An effect multiplies the index by ``effect`` from period 0 on. The *true fold* of a run is
what the event study estimates: the geometric mean over the fold window of
``(observed + 1) / (same series without the effect + 1)`` (same noise, same rounding).

Lead/lag design: two independent series (random walks, or AR(1) with coefficient ``phi``)
of ``n`` periods, as search index and crossings; a run is a false positive when
:func:`~trendlib.analysis.leadlag.searches_vs_crossings` calls any relation significant,
and its words claim a direction when :func:`~trendlib.text.lead_lag_phrase` says one signal
moved before the other (it does only when ``lag``, set only when a test at a single lag
survives the correction, is not 0).
``peak_lag_words_pct`` is how often the earlier phrase, built from the largest correlation
whether significant or not, named a lead or lag.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

__all__ = ["EVENT_DESIGNS", "simulate_event_series", "event_methods", "event_run", "event_cell",
           "simulate_pair", "leadlag_run", "leadlag_cell"]

#: frequency -> (estimation window, event window, fold window, event position, series length, start)
EVENT_DESIGNS = {
    "week": ((-54, -3), (-2, 4), (0, 1), 60, 65, "2021-01-03"),
    "day": ((-67, -8), (-3, 14), (0, 6), 75, 90, "2022-01-03"),
}
#: day-of-week effect on the log scale (Monday first), for daily series
DOW = np.array([0.03, 0.05, 0.04, 0.02, -0.03, -0.12, -0.09])


def _ar1(rng, n: int, phi: float, sd: float) -> np.ndarray:
    e = np.empty(n)
    e[0] = rng.normal(0, sd)
    u = rng.normal(0, sd * math.sqrt(1 - phi ** 2), n)
    for i in range(1, n):
        e[i] = phi * e[i - 1] + u[i]
    return e


def simulate_event_series(frequency: str, phi: float, *, seed: int, effect: float = 1.0, level: float = 30.0,
                          sd: float = 0.15) -> tuple[pd.Series, pd.Series, pd.Timestamp]:
    """(observed, counterfactual without the effect, event date) for one run."""
    est, evt, fold, t0, n, start = EVENT_DESIGNS[frequency]
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=n, freq="D" if frequency == "day" else "7D")
    log_y = math.log(level) + _ar1(rng, n, phi, sd)
    if frequency == "day":
        log_y = log_y + DOW[idx.day_of_week]
    bump = np.where(np.arange(n) >= t0, math.log(effect), 0.0)
    cf = np.clip(np.round(np.exp(log_y)), 0, 100)
    obs = np.clip(np.round(np.exp(log_y + bump)), 0, 100)
    attrs = {"frequency": frequency}
    s_obs, s_cf = pd.Series(obs, index=idx, name="sim"), pd.Series(cf, index=idx, name="sim")
    s_obs.attrs, s_cf.attrs = dict(attrs), dict(attrs)
    return s_obs, s_cf, idx[t0]


def _true_fold(obs: pd.Series, cf: pd.Series, frequency: str) -> float:
    _, _, fold, t0, _, _ = EVENT_DESIGNS[frequency]
    sl = slice(t0 + fold[0], t0 + fold[1] + 1)
    return float(np.exp(np.mean(np.log(obs.to_numpy()[sl] + 1) - np.log(cf.to_numpy()[sl] + 1))))


# ------------------------------------------------------------------------- methods
def _trendlib(series, frequency, alpha):
    from trendlib.analysis.event_study import event_study

    est, evt, fold, t0, _, _ = EVENT_DESIGNS[frequency]
    r = event_study(series, series.index[t0], estimation=est, event_window=evt, fold_window=fold, alpha=alpha)
    return r.fold_increase, r.fold_low, r.fold_high, r.p_value


def _windows(series, frequency):
    est, evt, fold, t0, _, _ = EVENT_DESIGNS[frequency]
    y = np.log(series.to_numpy() + 1.0)
    base = np.arange(t0 + est[0], t0 + est[1] + 1)
    fpos = np.arange(t0 + fold[0], t0 + fold[1] + 1)
    return y, base, fpos, t0


def _pre_mean_sd(series, frequency, alpha):
    """What a user might do first: mean and sd of the baseline, points treated as independent."""
    from scipy import stats

    y, base, fpos, _ = _windows(series, frequency)
    n, m = len(base), len(fpos)
    diff = y[fpos].mean() - y[base].mean()
    se = y[base].std(ddof=1) * math.sqrt(1 / m + 1 / n)
    tq = stats.t.ppf(1 - alpha / 2, n - 1)
    p = 2 * stats.t.sf(abs(diff) / se, n - 1) if se > 0 else 0.0
    return math.exp(diff), math.exp(diff - tq * se), math.exp(diff + tq * se), float(p)


def _sarimax(series, frequency, alpha):
    """statsmodels SARIMAX(1,0,0) with trend (and day-of-week) regressors, plug-in forecast intervals."""
    from scipy import stats
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y, base, fpos, t0 = _windows(series, frequency)

    def design(pos):
        cols = [(pos - t0) / (7.0 if frequency == "day" else 4.0)]
        if frequency == "day":
            dow = series.index[pos].day_of_week.to_numpy()
            cols += [(dow == d).astype(float) for d in range(1, 7)]
        return np.column_stack(cols)

    steps = int(fpos[-1] - base[-1])
    fut = np.arange(base[-1] + 1, fpos[-1] + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Xb = design(base)
        ols = np.linalg.lstsq(np.column_stack([np.ones(len(base)), Xb]), y[base], rcond=None)[0]
        r = y[base] - np.column_stack([np.ones(len(base)), Xb]) @ ols
        start = np.r_[ols, np.clip(r[1:] @ r[:-1] / (r @ r), -0.9, 0.9)]  # OLS and lag-1 start the optimiser
        res = SARIMAX(y[base], exog=Xb, order=(1, 0, 0), trend="c",
                      concentrate_scale=True).fit(start_params=start, disp=False, cov_type="none")
        fc = res.get_forecast(steps, exog=design(fut))
    mean = np.asarray(fc.predicted_mean)[-len(fpos):]
    phi, s2 = float(res.params[-1]), float(res.scale)
    h = (fpos - base[-1]).astype(float)
    cov = s2 / max(1 - phi ** 2, 1e-9) * (phi ** np.abs(np.subtract.outer(h, h)) - phi ** np.add.outer(h, h))
    diff = y[fpos].mean() - mean.mean()
    se = math.sqrt(max(cov.sum(), 1e-300)) / len(fpos)
    z = stats.norm.ppf(1 - alpha / 2)
    return math.exp(diff), math.exp(diff - z * se), math.exp(diff + z * se), float(2 * stats.norm.sf(abs(diff) / se))


def event_methods() -> dict:
    """name -> function(series, frequency, alpha) returning (fold, low, high, p)."""
    return {"trendlib": _trendlib, "pre-period mean and sd": _pre_mean_sd, "SARIMAX(1,0,0) plug-in": _sarimax}


def event_run(args) -> list[dict]:
    """One simulated run of every method: ``args = (frequency, phi, seed, effect, methods, alpha)``."""
    frequency, phi, seed, effect, names, alpha = args
    obs, cf, _ = simulate_event_series(frequency, phi, seed=seed, effect=effect)
    truth = _true_fold(obs, cf, frequency)
    rows = []
    for name in names:
        try:
            fold, lo, hi, p = event_methods()[name](obs, frequency, alpha)
        except Exception as exc:  # noqa: BLE001 - a failed fit is counted, not hidden
            rows.append({"method": name, "failed": True, "error": type(exc).__name__})
            continue
        rows.append({"method": name, "failed": False, "fold": fold, "low": lo, "high": hi, "p": p, "truth": truth})
    return rows


def event_cell(frequency: str, phi: float, *, runs: int, effect: float = 1.5, alpha: float = 0.05,
               methods=None, seed: int = 0, pool=None) -> pd.DataFrame:
    """One cell of the table: per method false-positive rate, coverage, bias and power (percent).

    Null runs (no effect) give the false-positive rate (share with p < alpha); effect runs
    (``effect``) give power (p < alpha and fold > 1), coverage of the true fold by the
    interval and the bias of the log fold (100 x mean log(estimate / truth), about percent).
    """
    names = list(methods or event_methods())
    jobs = [(frequency, phi, seed + i, 1.0, names, alpha) for i in range(runs)]
    jobs += [(frequency, phi, seed + 10 ** 6 + i, effect, names, alpha) for i in range(runs)]
    out = (pool.map(event_run, jobs, chunksize=8) if pool is not None else map(event_run, jobs))
    rows = [dict(r, null=j[3] == 1.0) for j, rs in zip(jobs, out) for r in rs]
    df = pd.DataFrame(rows)
    table = []
    for name in names:
        part = df[df["method"] == name]
        good = part[~part["failed"]]
        null, eff = good[good["null"]], good[~good["null"]]
        table.append({
            "frequency": frequency, "phi": phi, "method": name, "runs": runs,
            "false_positive_pct": 100 * float((null["p"] < alpha).mean()),
            "coverage_pct": 100 * float(((eff["low"] <= eff["truth"]) & (eff["truth"] <= eff["high"])).mean()),
            "bias_pct": 100 * float(np.mean(np.log(eff["fold"] / eff["truth"]))),
            "power_pct": 100 * float(((eff["p"] < alpha) & (eff["fold"] > 1)).mean()),
            "failed": int(part["failed"].sum()),
        })
    return pd.DataFrame(table)


# ------------------------------------------------------------------------- lead/lag
def simulate_pair(kind: str, n: int, *, seed: int, phi: float = 0.0, lead: int | None = None,
                  sd: float = 0.05) -> tuple[pd.Series, pd.Series]:
    """(searches, crossings) of length ``n`` days: independent unless ``lead`` is given.

    ``kind`` ``"random walk"`` (log levels are random walks with steps of sd ``sd``) or
    ``"ar1"`` (stationary AR(1) with coefficient ``phi``, marginal sd ``4 sd``). With
    ``lead = k`` the crossings follow the searches' log level ``k`` days later (plus noise).
    """
    rng = np.random.default_rng(seed)
    m = n + 20
    if kind == "random walk":
        a, b = np.cumsum(rng.normal(0, sd, m)), np.cumsum(rng.normal(0, sd, m))
    elif kind == "ar1":
        a, b = _ar1(rng, m, phi, 4 * sd), _ar1(rng, m, phi, 4 * sd)
    else:
        raise ValueError(f"kind {kind!r}: use 'random walk' or 'ar1'")
    if lead is not None:
        b = 0.8 * np.r_[np.zeros(lead), a[:m - lead]] + 0.5 * b
    idx = pd.date_range("2022-01-01", periods=n, freq="D")
    searches = pd.Series(np.clip(30 * np.exp(a[20:]), 0, 100), index=idx, name="searches")
    crossings = pd.Series(np.round(3000 * np.exp(b[20:])), index=idx, name="crossings")
    return searches, crossings


def leadlag_run(args) -> dict:
    """One run: ``args = (kind, phi, n, seed, lead)``; significance, lag found, which tests fired."""
    from trendlib.analysis.leadlag import searches_vs_crossings

    kind, phi, n, seed, lead = args
    s, c = simulate_pair(kind, n, seed=seed, phi=phi, lead=lead)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = searches_vs_crossings(s, c)
    fired = sorted(set(r.tests.loc[r.tests["significant"], "test"])) if r.status == "ok" else []
    words = r.lead_phrase()  # what a reader is told: measured on the words, not on the flag behind them
    return {"status": r.status, "significant": bool(r.significant), "lag": r.lag, "peak_lag": r.peak_lag,
            "claims_direction": " before " in words, "words": words,
            "peak_names_direction": r.peak_lag is not None and r.peak_lag != 0, "fired": ",".join(fired)}


def leadlag_cell(kind: str, n: int, *, runs: int, phi: float = 0.0, seed: int = 0, pool=None,
                 lead: int | None = None) -> dict:
    """False-positive rate (independent series) or power and lag recovery (``lead``), percent."""
    jobs = [(kind, phi, n, seed + i, lead) for i in range(runs)]
    rows = list(pool.map(leadlag_run, jobs, chunksize=4) if pool is not None else map(leadlag_run, jobs))
    df = pd.DataFrame(rows)
    fired = df.loc[df["significant"], "fired"].str.split(",").explode().value_counts()
    out = {"series": kind if kind == "random walk" else f"AR(1) phi={phi:g}", "n": n, "runs": runs,
           "significant_pct": 100 * float(df["significant"].mean()),
           "words_claim_direction_pct": 100 * float(df["claims_direction"].mean()),
           "peak_lag_words_pct": 100 * float(df["peak_names_direction"].mean()),
           "tests_that_fired": "; ".join(f"{k} {v}" for k, v in fired.items()) or "-"}
    if lead is not None:
        out["right_lag_pct"] = 100 * float((df["lag"] == lead).mean())
    return out
