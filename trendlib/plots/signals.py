"""Two attention signals on one time axis: Google search interest above, Wikipedia pageviews below."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from trendlib.plots.events import draw_event_lines, event_items, event_key_text
from trendlib.plots.style import COLUMN_WIDTH_IN, PALETTE, apply_style, finish

__all__ = ["plot_signals"]


def plot_signals(trends, pageviews, *, labels: Mapping[str, str], article_labels: Mapping[str, str], title: str,
                 source: str, events=None, event_date=None, illustrative: bool = False, note: str = ""):
    """Search interest (top panel) and pageviews (bottom panel) over the same days.

    Parameters
    ----------
    trends : tidy search series (``date, query, value``): Google's relative index, 0-100 per request.
    pageviews : tidy pageviews (``date, query, value``): daily numbers of views of each article.
    labels, article_labels : query -> label, article -> label (the legends).
    events : day-precision events (``date, label``) drawn as dashed lines on both panels and listed in
        the key; ``event_date`` (the study's main event) is drawn as a solid line.
    title, source, illustrative, note : see :func:`trendlib.plots.style.finish`.

    The pageviews axis is logarithmic when the busiest day has more than 50 times the views of the
    quietest non-zero day (a jump would otherwise flatten every quiet article); days without views
    are then left out of the line (the note says so). Returns the figure.
    """
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    first = min(trends["date"].min(), pageviews["date"].min())
    last = max(trends["date"].max(), pageviews["date"].max())
    items = event_items(events, first, last) if events is not None and len(events) else []
    with apply_style():
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 5.4), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True)
        for i, q in enumerate([q for q in labels if q in set(trends["query"])]):
            d = trends[trends["query"] == q].sort_values("date")
            top.plot(d["date"], d["value"], color=PALETTE[i % len(PALETTE)], linewidth=1.2, label=labels[q])
        top.set_ylabel("search index (0-100)")
        top.set_ylim(0, 108)
        top.set_title("Google search interest (relative index, each query's peak = 100)", loc="left", fontsize=9)
        articles = [a for a in article_labels if a in set(pageviews["query"])]
        articles += sorted(set(pageviews["query"]) - set(articles))
        positive = pageviews.loc[pageviews["value"] > 0, "value"]
        log = len(positive) and positive.max() > 50 * positive.min()
        for i, a in enumerate(articles):
            d = pageviews[pageviews["query"] == a].sort_values("date")
            y = d["value"].astype(float)
            if log:
                y = y.where(y > 0)  # a log axis has no zero: days without views are left out of the line
            bottom.plot(d["date"], y, color=PALETTE[(i + 3) % len(PALETTE)], linewidth=1.2,
                        label=article_labels.get(a, a))
        if log:
            bottom.set_yscale("log")
        bottom.set_ylabel("views per day" + (" (log scale)" if log else ""))
        bottom.set_title("Wikipedia pageviews (number of views per day)", loc="left", fontsize=9)
        for ax in (top, bottom):
            if items:
                draw_event_lines(ax, items)
            if event_date is not None:
                ax.axvline(pd.Timestamp(event_date), color="#000000", linewidth=1.0)
            if ax.get_legend_handles_labels()[0]:  # a panel with no labelled line has no legend to show
                ax.legend(loc="upper left", fontsize=7.5)
        bottom.set_xlim(first, last)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        bottom.xaxis.set_major_locator(locator)
        bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        key = event_key_text(items) if items else ""
        zero_note = ("Log scale: days with no views are not drawn." if log and (pageviews["value"] == 0).any() else "")
        main = f"Solid line: the study's event ({pd.Timestamp(event_date):%d %b %Y})." if event_date is not None else ""
        finish(fig, title=title, source=source, illustrative=illustrative,
               note="\n".join(x for x in (main, zero_note, key, note) if x))
    return fig
