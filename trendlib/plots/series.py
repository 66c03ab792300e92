"""Search-interest series with dated events marked: small multiples, one panel per query."""
from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

from trendlib.plots.style import COLUMN_WIDTH_IN, EVENT_COLOR, PALETTE, apply_style, finish

__all__ = ["plot_search_interest"]


def plot_search_interest(trends, *, labels: Mapping[str, str], events=None, title: str, source: str,
                         illustrative: bool = False, note: str = "", ncols: int = 2,
                         unit: str = "index points (0-100, peak of the download = 100)"):
    """Small multiples of Google Trends series, one panel per query, every event marked and named.

    Parameters
    ----------
    trends : tidy frame (``date, query, value`` and optionally ``value_low, value_high,
        n_samples, is_partial``) at one resolution (day, week or month); the value is
        Google's relative index, not a count of searches.
    labels : query -> label shown as the panel title (a Cyrillic term is shown with its label).
    events : frame with ``date`` and ``label`` (day-precision events inside the window);
        each gets a numbered dashed line on every panel and a line in the key below.
    title, source, illustrative, note : see :func:`trendlib.plots.style.finish`.

    Returns the figure. Partial periods (``is_partial``) are drawn as open circles;
    the band, when there are several Google samples, spans their low..high values.
    """
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    queries = [q for q in labels if q in set(trends["query"])]
    queries += sorted(set(trends["query"]) - set(queries))
    n = max(1, len(queries))
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    ev = events.sort_values("date").reset_index(drop=True) if events is not None and len(events) else None
    tiers = _label_tiers(ev["date"], trends["date"].min(), trends["date"].max()) if ev is not None else []
    with apply_style():
        # a bare Figure (not pyplot): no global state, and notebooks show it once, with display(fig)
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 1.9 * nrows + 0.6), layout="constrained")
        axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i >= n:
                ax.set_visible(False)
                continue
            q = queries[i]
            d = trends[trends["query"] == q].sort_values("date")
            color = PALETTE[0]  # one colour: panels differ by title, not hue
            if "value_low" in d and "n_samples" in d and (d["n_samples"] > 1).any():
                ax.fill_between(d["date"], d["value_low"], d["value_high"], color=color, alpha=0.2,
                                linewidth=0, label="range across Google samples")
            ax.plot(d["date"], d["value"], color=color, linewidth=1.4)
            if "is_partial" in d and d["is_partial"].any():
                p = d[d["is_partial"]]
                ax.plot(p["date"], p["value"], "o", mfc="white", mec=color, ms=4, label="partial period")
            label = labels.get(q, q)
            ax.set_title(label if label == q else f"{label}  ({q})", loc="left", fontsize=9)
            ax.set_ylim(0, 105)
            if ev is not None:
                for k, row in ev.iterrows():
                    ax.axvline(row["date"], color=EVENT_COLOR, linestyle="--", linewidth=0.8, alpha=0.8)
                    if i < ncols:  # number the lines on the top row of panels, staggered when close
                        ax.annotate(str(k + 1), xy=(row["date"], 1.0), xycoords=("data", "axes fraction"),
                                    xytext=(0, 2 + 8 * tiers[k]), textcoords="offset points", ha="center",
                                    va="bottom", fontsize=7, color=EVENT_COLOR)
            if i % ncols == 0:
                ax.set_ylabel("index (0-100)")
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
        for ax in axes[-1]:
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        key = ""
        if ev is not None:  # non-breaking spaces keep "3 04 Mar 2022:" on one line
            lines = [f"{k + 1}\u00a0{row['date']:%d\u00a0%b\u00a0%Y}: {row['label']}" for k, row in ev.iterrows()]
            key = "\n".join(textwrap.wrap("Events (dashed lines): " + ";  ".join(lines), 140))
        unit_note = f"Units: {unit}."
        finish(fig, title=title, source=source, illustrative=illustrative,
               note="\n".join(x for x in (unit_note, key, note) if x))
    return fig


def _label_tiers(dates, first, last, *, min_gap: float = 0.025, levels: int = 4) -> list[int]:
    """Vertical tier (0, 1, ...) for each event number so that numbers of close events do not overlap."""
    span = max((last - first).total_seconds(), 1.0)
    tiers: list[int] = []
    placed: list[tuple[float, int]] = []
    for d in dates:
        x = (d - first).total_seconds() / span
        busy = {t for px, t in placed if abs(px - x) < min_gap}
        tier = next((t for t in range(levels) if t not in busy), 0)
        tiers.append(tier)
        placed.append((x, tier))
    return tiers
