"""Event-study figures: "times normal" small multiples and a fold-increase chart.

Both take results from :mod:`trendlib.analysis.event_study` and compute nothing new.
"""
from __future__ import annotations

import math
import textwrap

import numpy as np

from trendlib.plots.events import draw_event_lines, draw_event_strip, event_items, event_key_text
from trendlib.plots.style import COLUMN_WIDTH_IN, PALETTE, apply_style, finish
from trendlib.text import fold_figure

__all__ = ["plot_event_study", "plot_fold_increases", "plot_robustness", "event_key", "wrap_title"]

_EST_COLOR = "#e6eef7"
_EVT_COLOR = "#fbe3c2"


def wrap_title(title: str, illustrative: bool) -> str:
    """Break a long title so it stays inside a column-width figure (the ILLUSTRATIVE prefix is long)."""
    prefix = len("ILLUSTRATIVE (simulated data): ") if illustrative else 0
    lines = textwrap.wrap(title, 82, initial_indent="x" * prefix)
    if lines:
        lines[0] = lines[0][prefix:]
    return "\n".join(lines)


def panel_title(text: str, ncols: int) -> str:
    """Wrap a panel title to its panel's width (``ncols`` panels side by side in a column-width figure),
    so a long query label and its reading ("2022 mobilization: ≥5.3× (barely read before; not clear)")
    break onto a second line instead of running into the next panel."""
    width = max(16, int(COLUMN_WIDTH_IN / ncols * 11.5) - 2)  # about 11.5 characters per inch at 9 pt
    return textwrap.fill(text, width, break_long_words=True, break_on_hyphens=False)


def _signal(studies, records) -> str:
    """The signal the results measure: the set's ``source``, else their records' (default Google Trends)."""
    source = getattr(studies, "source", None)
    if source is None and records:
        source = next((rec.get("source") for rec in records if isinstance(rec, dict) and rec.get("source")), None)
    return source or "google-trends"


def _results(studies):
    return list(studies.results) if hasattr(studies, "results") else list(studies)


def _readings(studies, res, records):
    """What each result's words are chosen from: its record, or the set's significance flags."""
    if records is not None:
        return list(records)
    if hasattr(studies, "records"):
        return studies.records()
    return res


def event_key(events, lo=None, hi=None) -> tuple[list, str]:
    """Numbered ``(date, label, number)`` events between ``lo`` and ``hi`` and the key text
    shown under a chart (numbers from the study's ``number`` column, see
    :func:`trendlib.plots.events.number_events`)."""
    items = event_items(events, lo, hi) if events is not None and len(events) else []
    return items, event_key_text(items, width=115)


def _times_formatter():
    from matplotlib.ticker import FuncFormatter

    def fmt(v, _):
        if v >= 1:
            return f"{v:g}\u00d7"
        return f"{v:.2g}\u00d7"

    return FuncFormatter(fmt)


def plot_event_study(studies, *, title: str, source: str, events=None, records=None, illustrative: bool = False,
                     note: str = "", ncols: int = 2, show_estimation: bool = True):
    """Small multiples, one panel per query: observed search interest as a multiple of normal.

    Parameters
    ----------
    studies : an :class:`~trendlib.analysis.event_study.EventStudySet` or a list of
        :class:`~trendlib.analysis.event_study.EventStudyResult` (one panel each).
    events : frame with ``date``, ``label`` and the study's event ``number``
        (:func:`trendlib.plots.events.number_events`): every event inside a panel's window is a
        dashed line, numbered in the strip under the axis and named in the key under the chart.
    records : the results' records (``EventStudySet.records()``, same order) whose flags
        (significant after correction, overlaps, ...) the panel titles are worded from
        (:func:`trendlib.text.fold_figure`); default: the set's own flags or each result's p-value.
    title : should state the finding; ``source``, ``illustrative``, ``note`` as in
        :func:`trendlib.plots.style.finish`.

    The y axis is logarithmic in "x normal" (1x = what the baseline model expects,
    ``(value + c) / (expected + c)``); the grey band is the 95 % forecast band; the
    estimation window is shaded grey, the event window orange. With no results (e.g. every study
    was skipped because its baseline was too short) it raises a ValueError naming the study.
    """
    from matplotlib.figure import Figure

    res = _results(studies)
    _check_something_to_plot(studies, res, title)
    readings = _readings(studies, res, records)
    n = max(1, len(res))
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    lo_all = min((r.path["date"].min() for r in res), default=None)
    hi_all = max((r.path["date"].max() for r in res), default=None)
    items, key = event_key(events, lo_all, hi_all)
    titles = [panel_title(f"{r.label}: {fold_figure(readings[i])}", ncols) for i, r in enumerate(res)]
    extra = 0.16 * sum(max([t.count("\n") for t in titles[k:k + ncols]] + [0]) for k in range(0, n, ncols))
    with apply_style():
        strip = 0.45 if items else 0.01
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 2.0 * nrows + 0.7 + strip + extra), layout="constrained")
        grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[2.0] * nrows + [strip])
        axes = np.array([[fig.add_subplot(grid[i, j]) for j in range(ncols)] for i in range(nrows)])
        for ax in axes.flat[1:]:
            ax.sharey(axes.flat[0])
            ax.sharex(axes.flat[0])
        ymax = max([float(np.nanmax(r.path["times_normal"])) for r in res] + [2.0])
        ymin = min([float(np.nanmin(r.path["times_normal"])) for r in res] + [0.5])
        for i, ax in enumerate(axes.flat):
            if i >= n:
                ax.set_visible(False)
                continue
            _draw_study_panel(ax, res[i], title=titles[i], items=items, ylim=(ymin, ymax),
                              show_estimation=show_estimation, first_column=i % ncols == 0)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        if items:
            for j in range(ncols):
                draw_event_strip(fig.add_subplot(grid[nrows, j], sharex=axes.flat[0]), items, lo_all, hi_all)
        _place_legend(axes, handles, labels)
        finish(fig, title=wrap_title(title, illustrative), source=source, illustrative=illustrative,
               note="\n".join(x for x in (_unit_note(studies, records), key, note) if x))
    return fig


def _check_something_to_plot(studies, res, title: str) -> None:
    """A clear error for a study with no results (e.g. skipped: its baseline was too short)."""
    if res:
        return
    skipped = "; ".join(f"{q} / {e}: {why}" for q, e, why in getattr(studies, "skipped", ()))
    raise ValueError(f"event study {title!r} has no results, so there is nothing to plot (a study that was "
                     "skipped, e.g. because its baseline was too short, has no rows)"
                     + (f"; skipped: {skipped}" if skipped else ""))


def _draw_study_panel(ax, r, *, title: str, items, ylim: tuple[float, float], show_estimation: bool,
                      first_column: bool) -> None:
    """One result's panel: windows shaded, 95 % band, observed "x normal" on a log axis, events marked."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import LogLocator, NullFormatter

    ymin, ymax = ylim
    p = r.path
    if not show_estimation:
        p = p[p["window"] != "estimation"]
    for win, color in (("estimation", _EST_COLOR), ("event", _EVT_COLOR)):
        part = p[p["window"] == win]
        if len(part):
            ax.axvspan(part["date"].min(), part["date"].max(), color=color, alpha=0.6, linewidth=0,
                       label=f"{win} window")
    ax.fill_between(p["date"], p["band_low_times"], p["band_high_times"], color="#999999", alpha=0.35,
                    linewidth=0, label="95% band of normal")
    ax.axhline(1.0, color="#666666", linewidth=0.8)
    ax.plot(p["date"], p["times_normal"], color=PALETTE[0], linewidth=1.4, marker="o" if r.frequency ==
            "week" else None, ms=2.5, label="observed")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if ymax / ymin < 30 else (1.0,)))
    ax.yaxis.set_major_formatter(_times_formatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(ymin / 1.3, ymax * 1.5)
    ax.set_title(title, loc="left", fontsize=9)
    draw_event_lines(ax, items, alpha=0.8)
    if first_column:
        ax.set_ylabel("\u00d7 normal (log scale)")
    locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _place_legend(axes, handles, labels) -> None:
    """The legend in the grid's first empty slot, else in the first panel."""
    spare = [ax for ax in axes.flat if not ax.get_visible()]
    if spare:  # the empty slot of the grid holds the legend
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles, labels, loc="center", fontsize=8, frameon=False)
    else:
        axes.flat[0].legend(handles, labels, loc="upper left", fontsize=6.5, ncols=2, frameon=True,
                            framealpha=0.9)


def _unit_note(studies, records) -> str:
    """The note's line saying what "x normal" is a multiple of and which signal the series are."""
    return "Units: multiple of the level the baseline model expects (1\u00d7 = normal); " + (
        "the series are daily Wikipedia pageviews (numbers of views), not Google's index."
        if _signal(studies, records) == "wikipedia-pageviews" else
        "Google index is relative (0-100 per download), not a count of searches.")


def plot_fold_increases(studies, *, title: str, source: str, records=None, events=None, illustrative: bool = False,
                        note: str = ""):
    """One row per query x event: fold increase with its interval on a log "x normal" axis.

    Markers are worded from each result's flags (:func:`trendlib.text.fold_reading`):
    filled = a clear change after the set's multiple-testing correction, open = not clear,
    an arrow from the lower end = "at least N" (low baseline), grey = the window includes a
    larger event's spike (not a finding of its own). ``records`` as in
    :func:`plot_event_study`; ``events`` (numbered, see
    :func:`trendlib.plots.events.number_events`) puts each event's study number in the row label.
    """
    from matplotlib.figure import Figure

    from trendlib.text import fold_reading

    res = _results(studies)
    reads = [fold_reading(x) for x in _readings(studies, res, records)]
    numbers = {pd_date: n for pd_date, _, n in event_items(events)} if events is not None and len(events) else {}
    order = sorted(range(len(res)), key=lambda i: res[i].fold_increase)
    many_events = len({r.event_date for r in res}) > 1
    with apply_style():
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 0.3 * len(res) + 1.5), layout="constrained")
        ax = fig.subplots()
        for row, i in enumerate(order):
            r, rd = res[i], reads[i]
            clear = rd.kind in ("rise", "at_least", "drop")
            color = PALETTE[0] if clear else ("#bbbbbb" if rd.kind == "overlap" else "#888888")
            if rd.kind in ("at_least", "barely"):
                ax.annotate("", xy=(r.fold_low * 2.5, row), xytext=(r.fold_low, row), annotation_clip=False,
                            arrowprops={"arrowstyle": "->", "color": color, "lw": 1.6})
                ax.plot([r.fold_low], [row], "|", color=color, ms=9)
                ax.plot([r.fold_low * 2.5], [row], alpha=0)  # keep the arrow inside the axis limits
            else:
                ax.plot([r.fold_low, r.fold_high], [row, row], color=color, linewidth=2)
                ax.plot([r.fold_increase], [row], "o", color=color, mfc=color if clear else "white", ms=6)
        labels = [_row_label(res[i], reads[i], numbers, many_events) for i in order]
        ax.set_yticks(range(len(order)), labels)
        from matplotlib.ticker import LogLocator, NullFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(_times_formatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1.0, color="#666666", linewidth=0.8)
        ax.set_xlabel("search interest as a multiple of normal (log scale), 95% interval")
        corr = getattr(studies, "correction", "none")
        unit = (f"Filled: clear after correcting for {len(res)} tests ({corr}); open: not clear; light grey: the "
                "window includes a larger event's spike. Arrows: the usual level was too low for a ratio, read "
                "as 'at least'. [n] = event number as on every chart of the study.")
        finish(fig, title=wrap_title(title, illustrative), source=source, illustrative=illustrative,
               note="\n".join(x for x in (unit, note) if x))
    return fig


def _row_label(r, rd, numbers, many_events) -> str:
    import pandas as pd

    text = r.label
    if many_events:
        n = numbers.get(pd.Timestamp(r.event_date))
        text += f" [{n}] {r.event_date:%d %b}" if n else f" {r.event_date:%d %b %Y}"
    if rd.kind == "overlap":
        text += " (overlaps)"
    return text


def plot_robustness(sensitivity_frame, *, title: str, source: str, samples_frame=None, labels=None,
                    illustrative: bool = False, note: str = ""):
    """Fold increase of each query under every robustness variant (and per Google sample).

    ``sensitivity_frame`` is the concatenation of
    :meth:`~trendlib.analysis.robustness.SensitivityResult.to_frame` (``query, variant,
    status, fold_increase, ...``); the first variant of each query is the main
    specification (large dark marker). ``samples_frame`` (optional) is the concatenation of
    :meth:`~trendlib.analysis.event_study.SampleSpread.to_frame` (one fold per sample,
    orange ticks). Log "x normal" axis; 1x = no change.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import LogLocator, NullFormatter

    labels = labels or {}
    ok = sensitivity_frame[sensitivity_frame["status"] == "ok"]
    queries = list(dict.fromkeys(sensitivity_frame["query"]))
    with apply_style():
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 0.45 * len(queries) + 1.5), layout="constrained")
        ax = fig.subplots()
        for row, q in enumerate(queries):
            part = ok[ok["query"] == q]
            if part.empty:
                continue
            main = sensitivity_frame[sensitivity_frame["query"] == q].iloc[0]
            ax.plot(part["fold_increase"], [row] * len(part), "o", color="#9ecae1", ms=5,
                    label="other windows / offsets" if row == 0 else None)
            if main["status"] == "ok":
                ax.plot([main["fold_increase"]], [row], "o", color=PALETTE[0], ms=8,
                        label="main specification" if row == 0 else None)
            if samples_frame is not None and len(samples_frame):
                sp = samples_frame[samples_frame["query"] == q]
                ax.plot(sp["fold_increase"], [row + 0.22] * len(sp), "|", color=PALETTE[1], ms=8,
                        label="one Google sample" if row == 0 else None)
        ax.set_yticks(range(len(queries)), [labels.get(q, q) for q in queries])
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(_times_formatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1.0, color="#666666", linewidth=0.8)
        ax.set_xlabel("search interest as a multiple of normal (log scale)")
        ax.legend(loc="lower right", fontsize=7.5)
        finish(fig, title=wrap_title(title, illustrative), source=source, illustrative=illustrative, note=note)
    return fig
