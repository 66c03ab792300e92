"""Searches-vs-crossings figures: lead/lag bars with a band, crossings vs lagged searches,
and the counterfactual band.

Inputs are results of :mod:`trendlib.analysis.leadlag` and
:mod:`trendlib.analysis.counterfactual`; nothing is computed here beyond shifting the
aligned series by the lag being drawn.
"""
from __future__ import annotations

import numpy as np

from trendlib.plots.eventstudy import wrap_title
from trendlib.plots.style import COLUMN_WIDTH_IN, PALETTE, apply_style, finish

__all__ = ["plot_lead_lag", "plot_crossings_vs_searches", "plot_counterfactual", "plot_searches_and_crossings"]


def plot_lead_lag(result, *, title: str, source: str, illustrative: bool = False, note: str = "",
                  significant_lags=None, n_family: int | None = None):
    """Bars of the prewhitened cross-correlation at lags ``-K..K`` with the +/-1.96/sqrt(n) band.

    Positive lags (right) = searches earlier than crossings; negative (left) = crossings
    earlier. Grey dots are the raw (not prewhitened) correlations, shown to make visible how
    much of them is shared trend. Bars whose test survives the multiple-testing
    correction are dark: by default the result's own correction; ``significant_lags`` (the lags
    whose cross-correlation survives a wider correction, e.g. across several pairs) and
    ``n_family`` (how many tests that correction spans) make the bars agree with a title
    written from that wider correction.
    """
    from matplotlib.figure import Figure

    if result.status != "ok":
        raise ValueError(f"lead/lag result has status {result.status!r}: {result.reason}")
    ccf = result.ccf.dropna(subset=["r"])
    if significant_lags is None:
        ccf_tests = result.tests[result.tests["test"] == "ccf_prewhitened"]
        significant_lags = ccf_tests.loc[ccf_tests["significant"], "lag"]
    dark = {int(k) for k in significant_lags}
    n_family = result.n_tests if n_family is None else int(n_family)
    unit = result.frequency
    with apply_style():
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 3.2), layout="constrained")
        ax = fig.subplots()
        colors = [PALETTE[0] if int(k) in dark else "#9ecae1" for k in ccf["lag"]]
        ax.fill_between(ccf["lag"], -ccf["band"], ccf["band"], color="#dddddd", linewidth=0,
                        step="mid", label="95% band if unrelated", zorder=0)
        ax.bar(ccf["lag"], ccf["r"], color=colors, width=0.7, label="after prewhitening", zorder=2)
        ax.plot(ccf["lag"], ccf["r_raw"], "o", color="#555555", ms=3.5, label="raw (shared trend included)",
                zorder=3)
        ax.axhline(0, color="#444444", linewidth=0.8)
        ax.axvline(0, color="#444444", linewidth=0.5, linestyle=":")
        ax.set_xlabel(f"lag in {unit}s:  \u2190 crossings earlier  |  searches earlier \u2192")
        ax.set_ylabel("correlation of changes")
        ax.set_ylim(-1, 1)
        ax.set_xticks(list(ccf["lag"]))
        ax.legend(loc="lower left", fontsize=7.5)
        finish(fig, title=wrap_title(title, illustrative), source=source, illustrative=illustrative,
               note="\n".join(x for x in (f"n = {result.n} {unit}s; dark bars survive the {result.correction} "
                                          f"correction across {n_family} tests.", note) if x))
    return fig


def plot_crossings_vs_searches(result, *, lag: int, title: str, source: str, illustrative: bool = False,
                               crossings_unit: str = "crossings per period", note: str = ""):
    """Scatter of crossings against searches ``lag`` periods earlier (log axes).

    ``lag > 0`` pairs crossings at ``t`` with searches at ``t - lag``.
    """
    from matplotlib.figure import Figure

    if result.status != "ok":
        raise ValueError(f"lead/lag result has status {result.status!r}: {result.reason}")
    a = result.aligned
    s = a["searches"].to_numpy(float)
    c = a["crossings"].to_numpy(float)
    if lag > 0:
        s, c = s[:-lag], c[lag:]
    elif lag < 0:
        s, c = s[-lag:], c[:lag]
    with apply_style():
        fig = Figure(figsize=(COLUMN_WIDTH_IN * 0.7, 3.6), layout="constrained")
        ax = fig.subplots()
        ax.scatter(s, c, s=16, color=PALETTE[0], alpha=0.8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        unit = result.frequency
        when = (f"{lag} {unit}(s) earlier" if lag > 0 else (f"{-lag} {unit}(s) later" if lag < 0 else "same period"))
        ax.set_xlabel(f"Google search interest, {when} (index points, log scale)")
        ax.set_ylabel(f"{crossings_unit} (log scale)")
        finish(fig, title=wrap_title(title, illustrative), source=source, illustrative=illustrative,
               note="\n".join(x for x in (f"n = {len(s)} pairs. Shared timing inflates this picture: both respond "
                                          "to the same news.", note) if x))
    return fig


def plot_counterfactual(result, *, title: str, source: str, observed=None, illustrative: bool = False,
                        unit: str = "index points (0-100 per download)", note: str = ""):
    """Observed series and the state-space counterfactual (dashed, with its band).

    ``observed`` (optional) is the full series to draw for context before the forecast.
    """
    from matplotlib.figure import Figure
    import matplotlib.dates as mdates

    p = result.path
    with apply_style():
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 3.0), layout="constrained")
        ax = fig.subplots()
        if observed is not None:
            o = observed[observed.index >= p["date"].min() - (p["date"].max() - p["date"].min()) * 2]
            ax.plot(o.index, o.to_numpy(), color="#888888", linewidth=1, label="observed (before)")
        ax.fill_between(p["date"], p["counterfactual_low"], p["counterfactual_high"], color=PALETTE[1], alpha=0.25,
                        linewidth=0, label="95% band without the event")
        ax.plot(p["date"], p["counterfactual"], "--", color=PALETTE[1], label="expected without the event")
        ax.plot(p["date"], p["value"], color=PALETTE[0], linewidth=1.5, label="observed")
        ax.axvline(np.datetime64(result.event_date), color="#555555", linestyle="--", linewidth=0.8)
        ax.set_ylabel(unit)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.legend(loc="upper left", fontsize=7.5)
        finish(fig, title=wrap_title(title, illustrative), source=source, illustrative=illustrative,
               note="\n".join(x for x in (f"{result.kind.capitalize()} counterfactual (local-level state-space "
                                          "model, parameter uncertainty included).", note) if x))
    return fig


def plot_searches_and_crossings(searches, crossings, *, title: str, source: str, events=None,
                                search_label: str = "search interest", crossings_label: str = "crossings",
                                log_crossings: bool = True, illustrative: bool = False, note: str = ""):
    """Two stacked panels on one time axis (no dual y-axes): searches above, crossings below.

    ``searches`` is a series of index points indexed by date; ``crossings`` a frame with
    ``date, series, value`` (one marker colour per series; gaps stay gaps - no line is
    drawn across days without a figure); ``log_crossings`` puts them on a log axis so that
    borders of very different size fit one panel. ``events`` (``date, label, number``, see
    :func:`trendlib.plots.events.number_events`) are dashed lines, numbered in a strip under
    the axis and named in the key.
    """
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    from trendlib.plots.eventstudy import event_key
    from trendlib.plots.events import draw_event_lines, draw_event_strip

    lo = min(searches.index.min(), crossings["date"].min())
    hi = max(searches.index.max(), crossings["date"].max())
    items, key = event_key(events, lo, hi)
    with apply_style():
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 5.0), layout="constrained")
        ax1, ax2, sax = fig.subplots(3, 1, sharex=True, height_ratios=[1, 1.2, 0.25])
        ax1.plot(searches.index, searches.to_numpy(), color=PALETTE[0], linewidth=1.3)
        ax1.set_ylabel("index (0-100)")
        ax1.set_title(search_label, loc="left", fontsize=9)
        for j, (name, part) in enumerate(crossings.groupby("series", sort=True)):
            part = part.sort_values("date")
            ax2.plot(part["date"], part["value"], "o", ms=4, color=PALETTE[(j + 1) % len(PALETTE)], label=name)
        ax2.set_ylabel(crossings_label + (" (log scale)" if log_crossings else ""))
        if log_crossings:
            ax2.set_yscale("log")
        ax2.set_title("reported crossings (each dot one reported day)", loc="left", fontsize=9)
        ax2.legend(loc="upper left", fontsize=7, ncols=2, framealpha=0.9)
        for ax in (ax1, ax2):
            draw_event_lines(ax, items, alpha=0.8)
        draw_event_strip(sax, items, lo, hi)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        ax2.xaxis.set_major_locator(locator)
        ax2.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax2.tick_params(labelbottom=True)
        finish(fig, title=wrap_title(title, illustrative), source=source, illustrative=illustrative,
               note="\n".join(x for x in (key, note) if x))
    return fig
