"""Which terms share a request: the typed star, the magnitude ladder, swamped-window re-pulls, expected errors.

Pure computation on rough levels (no HTTP): :func:`trendlib.trends.plan.make_plan` calls it.

Google scales every request to its largest value (100) and rounds to integers, so a term
100 times smaller than its batch's largest term is reported around 1 point (+/-50 %
rounding) and one 1000 times smaller as 0. Two ways to batch more than 5 terms:

* ``"typed"`` (the original order): one *anchor* shared by every batch (a star), the other
  terms in the order typed (or sorted by level when levels are known). Kept for comparison.
* ``"magnitude"`` (default): terms sorted by their probe level; each batch holds neighbours
  in level, and consecutive batches share terms (a *ladder*): the smallest term(s) of batch
  ``k`` are the largest of batch ``k + 1``, so every shared anchor is well above rounding in
  both. Slots left free are filled with more shared anchors (the largest remaining terms of
  the next rung), which the joint calibration
  (:func:`trendlib.trends.stitch.calibrate_ladder`) uses as redundant links. Same request
  count as the star: ``ceil((n - 1) / 4)`` batches.

A *swamped* window: a spike of one term sets 100 in a daily window and squeezes its batch-mates
below :data:`SWAMP_POINTS`. From the probe's peaks and peak dates the plan adds, for each such
(window, batch), one *re-pull* with the spiking term replaced by the nearest term of the
neighbouring rung (a closer anchor); the ladder calibration takes the squeezed terms from it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence

from trendlib.trends.rules import MAX_TERMS

__all__ = ["BATCHINGS", "SWAMP_POINTS", "SPIKE_DAILY_FACTOR", "MIN_POINTS", "Repull", "star_batches",
           "ladder_batches", "ladder_links", "swamped_repulls", "expected_errors", "below_range"]

#: the batching strategies: the magnitude ladder (default) and the typed-order star
BATCHINGS = ("magnitude", "typed")
#: a term expected below this many points next to a batch-mate's spike gets that window re-pulled
SWAMP_POINTS = 3.0
#: a weekly probe's peak understates the daily peak of a spike; the plan assumes daily = this x weekly
SPIKE_DAILY_FACTOR = 2.0
#: a term expected below this many points even in its own rung (its smallest anchor) is below
#: the measurable range: Google reports it as 0 or "<1"
MIN_POINTS = 0.5


@dataclasses.dataclass(frozen=True)
class Repull:
    """One extra pull of a daily window whose batch is swamped by a spike.

    ``window`` and ``batch`` index the plan's windows and batches; ``dropped`` names the spiking
    term(s) left out (comma-separated), ``added`` the closer anchor put in (or None), ``terms`` the pull's terms,
    ``reason`` one human sentence.
    """

    window: int
    batch: int
    dropped: str
    added: str | None
    terms: tuple[str, ...]
    reason: str


def star_batches(terms: Sequence[str], anchor: str | None,
                 levels: Mapping[str, float] | None = None) -> list[tuple[str, ...]]:
    """The typed star: ``anchor`` first in every batch, the others in typed order (by level when given)."""
    if anchor is None:
        return [tuple(terms)]
    others = [t for t in terms if t != anchor]
    if levels is not None:
        # similar levels together: small terms share a request with the anchor, not with the giants
        others.sort(key=lambda t: -levels[t])
    n = math.ceil(len(others) / (MAX_TERMS - 1))
    size, extra = divmod(len(others), n)  # spread evenly (sizes differ by at most one), keeping order
    out, i = [], 0
    for b in range(n):
        k = size + (1 if b < extra else 0)
        out.append((anchor, *others[i:i + k]))
        i += k
    return out


def ladder_batches(terms: Sequence[str], levels: Mapping[str, float] | None) -> list[tuple[str, ...]]:
    """A ladder of batches of neighbours in level, consecutive batches sharing one or more terms.

    Terms are sorted by level, largest first (typed order without levels; ties keep it). With
    ``B = ceil((n - 1) / 4)`` batches, batch 0 holds the largest terms and each later batch
    starts with the smallest term of the one before (the rung's link); the new terms are
    spread evenly. Free slots of batch ``k`` take the largest new terms of batch ``k + 1``
    (extra shared anchors, which do not change batch ``k``'s largest value).
    """
    order = list(terms)
    if levels is not None:
        order.sort(key=lambda t: -levels[t])  # stable: ties keep the typed order
    n = len(order)
    if n <= MAX_TERMS:
        return [tuple(order)]
    n_b = math.ceil((n - 1) / (MAX_TERMS - 1))
    # new terms per batch: n in total, batch 0 up to 5, later ones up to 4 (one slot for the link)
    total = n + (n_b - 1)  # slots used, links counted twice
    size, extra = divmod(total, n_b)
    sizes = [size + (1 if b < extra else 0) for b in range(n_b)]
    batches, i = [], 0
    for b, k in enumerate(sizes):
        if b == 0:
            batches.append(order[:k])
            i = k
        else:
            batches.append([batches[-1][-1], *order[i:i + k - 1]])
            i += k - 1
    for b in range(n_b - 1):  # fill free slots with extra anchors from the next rung
        spare = MAX_TERMS - len(batches[b])
        extra_terms = [t for t in batches[b + 1] if t not in batches[b]][:spare]
        batches[b] = batches[b] + extra_terms
    return [tuple(b) for b in batches]


def ladder_links(batches: Sequence[Sequence[str]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """``(batch_a, batch_b, shared terms)`` for every pair of batches sharing a term."""
    out = []
    for a in range(len(batches)):
        for b in range(a + 1, len(batches)):
            shared = tuple(t for t in batches[a] if t in batches[b])
            if shared:
                out.append((a, b, shared))
    return out


def _peak(term: str, levels: Mapping[str, float], peaks: Mapping[str, float] | None) -> float:
    return max(levels[term], (peaks or {}).get(term, levels[term]))


def swamped_repulls(batches: Sequence[Sequence[str]], windows: Sequence[tuple[dt.date, dt.date]],
                    levels: Mapping[str, float], peaks: Mapping[str, float] | None,
                    peak_dates: Mapping[str, dt.date] | None) -> list[Repull]:
    """Re-pulls of the (window, batch) pairs in which spikes squeeze a batch-mate below :data:`SWAMP_POINTS`.

    A term spikes when its peak is more than twice its level and its daily peak more than twice
    the batch's largest level (it sets the scale of the pull); its daily peak is taken as
    :data:`SPIKE_DAILY_FACTOR` times the (weekly) probe peak, in the windows that hold its peak
    date (elsewhere it counts at its level). A batch-mate ``t`` is swamped in such a window when
    ``100 L_t / daily peak`` is below :data:`SWAMP_POINTS` while it would be at least that
    without the spiking terms; the re-pull leaves every spiking term of that window out.
    """
    if not peaks or not peak_dates or len(windows) < 2:
        return []
    out = []
    for w, (ws, we) in enumerate(windows):
        for b, batch in enumerate(batches):
            top = max(levels[t] for t in batch)
            spikers = [s for s in batch if s in peak_dates and levels[s] > 0 and ws <= peak_dates[s] <= we
                       and _peak(s, levels, peaks) > 2 * levels[s]
                       and SPIKE_DAILY_FACTOR * _peak(s, levels, peaks) > 2 * top]
            if not spikers:
                continue
            daily_peak = max(SPIKE_DAILY_FACTOR * _peak(s, levels, peaks) for s in spikers)
            rest = [t for t in batch if t not in spikers]
            top_rest = max((levels[t] for t in rest), default=0.0)
            squeezed = [t for t in rest if levels[t] > 0 and 100 * levels[t] / daily_peak < SWAMP_POINTS
                        <= 100 * levels[t] / max(top_rest, 1e-300)]
            if not squeezed:
                continue
            added = _closer_anchor(batches, b, batch)
            terms = tuple(rest + ([added] if added is not None else []))
            names = ", ".join(map(repr, spikers))
            reason = (f"{names} spike{'s' if len(spikers) == 1 else ''} about "
                      f"{daily_peak / max(levels[s] for s in spikers):.0f}x "
                      f"{'its' if len(spikers) == 1 else 'their'} level in window {w} "
                      f"({', '.join(f'{peak_dates[s]:%Y-%m-%d}' for s in spikers)}), squeezing "
                      f"{', '.join(map(repr, squeezed))} below {SWAMP_POINTS:g} points; re-pulled without "
                      + ("it" if len(spikers) == 1 else "them")
                      + (f", with {added!r} as a closer anchor" if added else ""))
            out.append(Repull(window=w, batch=b, dropped=", ".join(spikers), added=added, terms=terms,
                              reason=reason))
    return out


def _closer_anchor(batches: Sequence[Sequence[str]], b: int, batch: Sequence[str]) -> str | None:
    """The nearest term of the neighbouring rung not in ``batch``: the largest of the rung below (it ties the
    re-pull to the smaller terms the spike squeezed), else the smallest of the rung above."""
    if b + 1 < len(batches):
        below = [t for t in batches[b + 1] if t not in batch]
        if below:
            return below[0]
    if b > 0:
        above = [t for t in batches[b - 1] if t not in batch]
        if above:
            return above[-1]
    return None


def below_range(batches: Sequence[Sequence[str]], levels: Mapping[str, float],
                peaks: Mapping[str, float] | None) -> list[str]:
    """Terms expected below :data:`MIN_POINTS` even in the batch of their smallest anchors (or at level 0).

    The batch's largest *level* sets the scale (spikes are handled by re-pulls); ``peaks`` is
    accepted for symmetry with the other rules and not used.
    """
    out = []
    for t in levels:
        homes = [bt for bt in batches if t in bt]
        if not homes:
            continue
        best = max(100 * levels[t] / max(levels[u] for u in bt) for bt in homes)
        if levels[t] <= 0 or best < MIN_POINTS:
            out.append(t)
    return out


def expected_errors(batches: Sequence[Sequence[str]], levels: Mapping[str, float],
                    peaks: Mapping[str, float] | None, *, n_days: int, star_anchor: str | None = None
                    ) -> dict[str, tuple[float, float]]:
    """Expected relative rounding error of each term: ``(one value, level on the common scale)``.

    One value: ``0.5 / points`` with ``points = 100 L_t / M_b`` in the term's best batch ``b``
    (``M_b`` its largest level; windows a spike swamps are re-pulled, :func:`swamped_repulls`). Level: the rounding of every anchor link from batch 0 to that
    batch, each ``0.5 / 100 * (M_a / L_x + M_b / L_x) / sqrt(n_days)`` for anchor ``x``, the
    anchors of one rung combined by inverse variance and the rungs added in quadrature along
    the ladder (a star: one rung from batch 0 to each batch). ``inf`` below 1 point.
    """
    M = [max(levels[u] for u in bt) for bt in batches]

    def link_var(a: int, b: int) -> float:
        shared = [x for x in batches[a] if x in batches[b] and levels[x] > 0]
        inv = 0.0
        for x in shared:
            e = 0.5 / 100 * (M[a] / levels[x] + M[b] / levels[x]) / math.sqrt(max(n_days, 1))
            inv += 1 / e ** 2
        return 1 / inv if inv else math.inf

    cum = [0.0] * len(batches)
    for b in range(1, len(batches)):
        cum[b] = link_var(0, b) if star_anchor is not None else cum[b - 1] + link_var(b - 1, b)
    out = {}
    for t in levels:
        homes = [b for b, bt in enumerate(batches) if t in bt]
        if not homes or levels[t] <= 0:
            out[t] = (math.inf, math.inf)
            continue
        b = max(homes, key=lambda k: levels[t] / M[k])
        points = 100 * levels[t] / M[b]
        out[t] = (0.5 / points if points >= 1 else math.inf, math.sqrt(cum[b]))
    return out
