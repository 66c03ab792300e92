"""Event markers that stay legible with many events.

Events are numbered **once per study** (:func:`number_events` on the study's events in its
period; the ``number`` column then travels with every subset, so event 7 is event 7 on
every chart, every page and every legend). Charts draw a thin dashed line per event on the
panels and put the numbers in a strip under the axis (:func:`draw_event_strip`): numbers
of close events are staggered on a few tiers, and a cluster too dense for that is labelled
once as a range ("8-13") with a bracket, so labels never stack into towers.
"""
from __future__ import annotations

import textwrap

import pandas as pd

from trendlib.plots.style import EVENT_COLOR

__all__ = ["number_events", "event_items", "event_key_text", "draw_event_lines", "draw_event_strip",
           "strip_layout"]

MAX_TIERS = 3


def number_events(events) -> pd.DataFrame:
    """The events sorted by date with a ``number`` column 1..n (kept if already there).

    Call it once per study on the events of the study period; pass the result (or any
    subset of it) to every chart, so the numbers agree everywhere.
    """
    if events is None or len(events) == 0:
        return pd.DataFrame(columns=["date", "label", "number"])
    ev = events.sort_values("date", kind="stable").reset_index(drop=True)
    if "number" not in ev.columns:
        ev = ev.assign(number=range(1, len(ev) + 1))
    return ev


def event_items(events, lo=None, hi=None) -> list[tuple[pd.Timestamp, str, int]]:
    """``(date, label, number)`` of the events between ``lo`` and ``hi`` (inclusive)."""
    ev = number_events(events)
    out = []
    for _, row in ev.iterrows():
        d = pd.Timestamp(row["date"])
        if (lo is None or d >= pd.Timestamp(lo)) and (hi is None or d <= pd.Timestamp(hi)):
            out.append((d, str(row["label"]), int(row["number"])))
    return out


def event_key_text(items, *, width: int = 125, clip: int = 60, prefix: str = "Events (numbered under the axis)") -> str:
    """The key under a chart: "Events ...: 1 16 Aug: Finland ...;  2 31 Aug: ..." (wrapped)."""
    if not items:
        return ""
    parts = [f"{n}\u00a0{d:%d\u00a0%b}: {_clip(lab, clip)}" for d, lab, n in items]
    return "\n".join(textwrap.wrap(f"{prefix}: " + ";  ".join(parts), width))


def draw_event_lines(ax, items, *, alpha: float = 0.55) -> None:
    """A thin dashed line per event on a panel (numbers go in the strip)."""
    for d, _, _ in items:
        ax.axvline(d, color=EVENT_COLOR, linestyle="--", linewidth=0.6, alpha=alpha, zorder=1)


def strip_layout(positions: list[float], *, min_gap: float = 0.035,
                 max_tiers: int = MAX_TIERS) -> list[tuple[float, float, float, int, list[int]]]:
    """Labels for events at axis fractions ``positions`` (sorted): a list of
    ``(x, x_first, x_last, tier, indices)``; one index = a single number, several = a
    range label for a dense cluster. Pure geometry, so it can be tested without drawing."""
    groups: list[list[int]] = []
    for i, x in enumerate(positions):
        if groups and x - positions[groups[-1][-1]] < min_gap:
            groups[-1].append(i)
        else:
            groups.append([i])
    out = []
    for g in groups:
        xs = [positions[i] for i in g]
        if len(g) <= max_tiers:
            for tier, i in enumerate(g):
                out.append((positions[i], positions[i], positions[i], tier, [i]))
        else:
            out.append(((xs[0] + xs[-1]) / 2, xs[0], xs[-1], 0, list(g)))
    # a range label is wider than one number: push a neighbour within reach to the next tier
    for j in range(1, len(out)):
        x, _, _, tier, idx = out[j]
        px, _, _, ptier, pidx = out[j - 1]
        reach = min_gap * (1.6 if len(idx) > 1 or len(pidx) > 1 else 1.0)
        if x - px < reach and tier == ptier:
            out[j] = (x, out[j][1], out[j][2], (ptier + 1) % max_tiers, idx)
    return out


def draw_event_strip(sax, items, lo, hi, *, fontsize: float = 6.5) -> None:
    """Numbers of ``items`` in a strip axis ``sax`` sharing x with the panels above it."""
    sax.set_ylim(MAX_TIERS - 0.4, -0.7)
    sax.axis("off")
    lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
    span = max((hi - lo).total_seconds(), 1.0)
    inside = [it for it in items if lo <= it[0] <= hi]
    pos = [(d - lo).total_seconds() / span for d, _, _ in inside]
    for x, x0, x1, tier, idx in strip_layout(pos):
        nums = [inside[i][2] for i in idx]
        at = lo + pd.Timedelta(seconds=x * span)
        if len(idx) == 1:
            sax.plot([at, at], [-0.7, tier - 0.35], color=EVENT_COLOR, linewidth=0.5, alpha=0.6)
            sax.text(at, tier, str(nums[0]), ha="center", va="center", fontsize=fontsize, color=EVENT_COLOR)
        else:
            a, b = lo + pd.Timedelta(seconds=x0 * span), lo + pd.Timedelta(seconds=x1 * span)
            sax.plot([a, a, b, b], [-0.7, -0.45, -0.45, -0.7], color=EVENT_COLOR, linewidth=0.6)
            sax.plot([at, at], [-0.45, tier - 0.35], color=EVENT_COLOR, linewidth=0.5)
            sax.text(at, tier, f"{nums[0]}\u2013{nums[-1]}", ha="center", va="center", fontsize=fontsize,
                     color=EVENT_COLOR, fontweight="bold")


def _clip(text, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
