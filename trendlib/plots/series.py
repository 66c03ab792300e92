"""Search-interest series with dated events marked: small multiples, one panel per query."""
from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import pandas as pd

from trendlib.plots.events import draw_event_lines, draw_event_strip, event_items, event_key_text
from trendlib.plots.style import COLUMN_WIDTH_IN, PALETTE, apply_style, finish

__all__ = ["plot_search_interest"]


def plot_search_interest(trends, *, labels: Mapping[str, str], events=None, facts=None, title: str, source: str,
                         illustrative: bool = False, note: str = "", ncols: int = 2,
                         unit: str = "index points (0-100, peak of the download = 100)"):
    """Small multiples of Google Trends series, one panel per query, every event marked and named.

    Parameters
    ----------
    trends : tidy frame (``date, query, value`` and optionally ``value_low, value_high,
        n_samples, is_partial``) at one resolution (day, week or month); the value is
        Google's relative index, not a count of searches.
    labels : query -> label shown as the panel title (a Cyrillic term is shown with its label).
    events : frame with ``date`` and ``label`` (day-precision events inside the window), and
        ``number`` (see :func:`trendlib.plots.events.number_events`; else numbered in date
        order); each gets a dashed line on every panel, its number in the strip under the
        axis and a line in the key below.
    facts : published figures about the searches (``trendlib.datasets.facts_in_window`` output:
        ``date_start, matched_query, engine, metric, value_text, source_org``); each is drawn as a
        labelled diamond (F1, F2, ...) at the top of its query's panel and listed in the key
        as a reported figure with its source, so a chart can be checked against what was published.
    title, source, illustrative, note : see :func:`trendlib.plots.style.finish`.

    Returns the figure. Partial periods (``is_partial``) are drawn as open circles;
    the band, when there are several Google samples, spans their low..high values.
    """
    from matplotlib.figure import Figure

    queries = _panel_order(trends, labels)
    n = max(1, len(queries))
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    first, last = trends["date"].min(), trends["date"].max()
    items = event_items(events, first, last) if events is not None and len(events) else []
    ev = items or None
    fk = _facts_on_panels(facts, queries)
    with apply_style():
        # a bare Figure (not pyplot): no global state; notebooks show it with trendlib.plots.show
        strip = 0.45 if ev is not None else 0.0
        fig = Figure(figsize=(COLUMN_WIDTH_IN, 1.9 * nrows + 0.6 + strip), layout="constrained")
        grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[1.9] * nrows + [max(strip, 0.01)])
        axes = [[fig.add_subplot(grid[r, c]) for c in range(ncols)] for r in range(nrows)]
        flat = [ax for row in axes for ax in row]
        for ax in flat[1:]:
            ax.sharex(flat[0])
        for i, ax in enumerate(flat):
            if i >= n:
                ax.set_visible(False)
                continue
            _draw_query_panel(ax, trends, queries[i], labels=labels, items=items if ev is not None else None,
                              fk=fk, first=first, last=last, first_column=i % ncols == 0)
        if ev is not None:  # the numbers in a strip under each column, shared by all its panels
            for c in range(ncols):
                sax = fig.add_subplot(grid[nrows, c], sharex=flat[0])
                draw_event_strip(sax, items, first, last)
        _date_ticks(flat, n, ncols)
        key = event_key_text(items) if ev is not None else ""
        unit_note = f"Units: {unit}."
        finish(fig, title=title, source=source, illustrative=illustrative,
               note="\n".join(x for x in (unit_note, key, _fact_key(fk), note) if x))
    return fig


def _panel_order(trends, labels: Mapping[str, str]) -> list[str]:
    """The queries to draw: those in ``labels`` first (in its order), then the others sorted."""
    queries = [q for q in labels if q in set(trends["query"])]
    queries += sorted(set(trends["query"]) - set(queries))
    return queries


def _facts_on_panels(facts, queries: list[str]):
    """The published figures about the drawn queries, in date order (None when there are none)."""
    if facts is None or not len(facts):
        return None
    fk = facts[facts["matched_query"].isin(queries)].sort_values("date_start").reset_index(drop=True)
    return fk if len(fk) else None


def _draw_query_panel(ax, trends, q: str, *, labels: Mapping[str, str], items, fk, first, last,
                      first_column: bool) -> None:
    """One query's panel: its series (band, partial points), title, event lines and fact diamonds."""
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
    ax.set_ylim(0, 108)
    if items is not None:
        draw_event_lines(ax, items)
    if fk is not None:
        _draw_fact_marks(ax, fk[fk["matched_query"] == q], first, last)
    if first_column:
        ax.set_ylabel("index (0-100)")
    ax.set_xlim(first, last)


def _draw_fact_marks(ax, mine, first, last) -> None:
    """A labelled diamond (F1, F2, ...) at the top of the panel for each published figure."""
    xs = [min(max(row["date_start"], first), last) for _, row in mine.iterrows()]
    tiers = _label_tiers(pd.Series(xs), first, last, min_gap=0.06, levels=3) if xs else []
    for (k, row), x, tier in zip(mine.iterrows(), xs, tiers):  # a fact spanning the start: at the start
        ax.plot([x], [104], marker="D", ms=4, color="#D55E00", clip_on=False)
        ax.annotate(f"F{k + 1}", xy=(x, 104), xytext=(3, -9 * tier), textcoords="offset points",
                    fontsize=6.5, color="#D55E00", va="center")


def _date_ticks(flat, n: int, ncols: int) -> None:
    """Concise date ticks on the shared x axis, labelled only under the last panel of each column."""
    import matplotlib.dates as mdates
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    flat[0].xaxis.set_major_locator(locator)
    flat[0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    bottom = {max(i for i in range(n) if i % ncols == c) for c in range(ncols)}  # last panel per column
    for i, ax in enumerate(flat[:n]):
        ax.tick_params(labelbottom=i in bottom)


def _fact_key(fk) -> str:
    """The key's line listing the published figures (empty when there are none)."""
    if fk is None:
        return ""
    items = [f"F{k + 1}\u00a0{row['date_start']:%d\u00a0%b}: {row['engine']} {row['metric'].replace('_', ' ')}"
             f" {_clip(row['value_text'], 24)} ({_clip(row['source_org'], 28)})" for k, row in fk.iterrows()]
    return "\n".join(textwrap.wrap("Published figures (diamonds; as reported, not this chart's data): "
                                   + ";  ".join(items), 125))


def _label_tiers(dates, first, last, *, min_gap: float = 0.035, levels: int = 8) -> list[int]:
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


def _clip(text, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
