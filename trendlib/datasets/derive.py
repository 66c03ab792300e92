"""From reported border-crossing periods to series (documented, explicit derivation).

Border figures arrive as statements about periods: "8,572 entered on Saturday",
"about 98,000 since 21 September", "66,000 in the week 19-25 September". This module
turns a loaded crossings frame (:func:`trendlib.datasets.load_crossings`) into one
table of period values in which every number says how it was obtained and from which
source rows. The rules, applied in this order:

1. **Series never mix.** A series is one ``(country, counted_by, footprint, direction,
   population, unit_base)``. Footprints are never combined (Finland's three
   south-eastern checkpoints ``finland/se-3-checkpoints`` and all eastern checkpoints
   ``finland/eastern-land-border-all`` are separate series); entries and exits are
   separate series.
2. **What is not a total over its period is left out, and counted.** A stated rate over a
   period of another length (``5,000-6,000 per day`` said of two days), a run-rate, a
   stated peak (``peak_upper``) and a stock (``present``: people still in the country on
   a date) are not period totals; they are listed in ``left_out`` with the reason. A rate
   whose period has the rate's length (a ``per_day`` figure for one day, ``per_week`` for
   seven days) is that period's total.
3. **Single-day figures are taken as they are.** A 24-hour window ending on
   ``period_end`` (``window='24h_to_end'``, e.g. Georgia's 10:00-10:00 counts) is dated to
   ``period_end`` (``include_24h_windows=False`` leaves such rows out instead).
4. **Several reports of the same figure** (same series and period) are resolved, not
   averaged: the value of the highest ``confidence`` is kept, then the most exact
   ``qualifier`` (exact > approx/range > bounds), then the lowest id; the others are listed in
   ``alternative_ids`` and ``value_low``/``value_high`` span every report (and range ends).
5. **Cumulative statements are differenced only within a series and only when they share
   the same start**: for statements ``S..E1`` and ``S..E2`` with ``E1 < E2`` (consecutive
   in E), the value for ``E1+1..E2`` is ``v(S..E2) - v(S..E1)`` (``kind='differenced'``).
   A negative difference is not a value: it goes to ``left_out`` naming both rows.
   Differencing two rounded or "more than" figures gives an approximate value
   (``qualifier='approx'``) whose band ``value_low..value_high`` adds the rounding of both
   figures: a non-exact figure is taken as rounded to its last non-zero digit (1,600,000 ->
   to the nearest 100,000, +/-50,000; 98,000 -> +/-500); an ``exact`` figure has no rounding.
   So "1.6 million by 22 Sep" and "1.7 million by 27 Sep" give 100,000 with a band of
   0..200,000, which says how little such a difference tells.
6. **One value per series and period**: a reported figure is preferred over a differenced
   one for the same period; the differenced value is kept as an alternative (its ids in
   ``alternative_ids``, its value inside ``value_low..value_high``).
7. **Net = entries - exits only where both exist** for the same country, counted_by,
   footprint, population, unit and period (``direction='net'``, ``kind='net'``).

Every value carries ``source_ids``: the ids (``cr...``) of the rows it was computed from.
Values are people (or crossings, per ``unit``) over ``period_start..period_end``
inclusive; ``days`` is the period length. A "daily series" is the subset with
``days == 1`` (:meth:`CrossingSeries.daily`); it has gaps wherever no day was reported,
and those gaps are never filled.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from trendlib.datasets.errors import DataError

__all__ = ["CrossingSeries", "derive_crossing_series", "period_overview", "rounding_half_unit", "SERIES_KEY", "PERIOD_COLUMNS"]

SERIES_KEY = ["country", "counted_by", "footprint", "direction", "population", "unit"]
PERIOD_COLUMNS = ["series", "country", "counted_by", "footprint", "direction", "population", "unit",
                  "period_start", "period_end", "days", "value", "value_low", "value_high", "qualifier",
                  "kind", "source_ids", "alternative_ids", "confidence", "how"]
_CONF_RANK = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
_QUAL_RANK = {"exact": 0, "approx": 1, "range": 1, "lower_bound": 2, "upper_bound": 2, "peak_upper": 3}
_KIND_RANK = {"single_day": 0, "reported_period": 0, "differenced": 1}
_RATE_DAYS = {"day": 1, "week": 7}
_REQUIRED = ["id", "period_start", "period_end", "days", "window", "country", "counted_by", "footprint",
             "direction", "population", "value", "value_max", "qualifier", "unit", "unit_base", "rate",
             "confidence"]


@dataclasses.dataclass(frozen=True)
class CrossingSeries:
    """Derived crossing values (one per series and period) and the rows that were left out.

    ``periods`` has :data:`PERIOD_COLUMNS`; ``left_out`` has ``id, reason`` (``id`` may
    name two rows joined by ``+`` for a failed difference). Build with
    :func:`derive_crossing_series`.
    """

    periods: pd.DataFrame
    left_out: pd.DataFrame
    n_rows: int

    def daily(self, *, footprint: str | None = None, direction: str | None = None,
              population: str | None = None) -> pd.DataFrame:
        """One-day values (``days == 1``) as a tidy frame with a ``date`` column first.

        Filters are exact matches; the rows a filter leaves out are counted in
        ``attrs['left_out']`` (``other_footprint``, ``other_direction``, ``other_population``,
        ``longer_periods``).
        """
        p = self.periods
        one = p["days"] == 1
        keep = one.copy()
        counts = {"longer_periods": int((~one).sum())}
        for name, col, want in (("other_footprint", "footprint", footprint),
                                ("other_direction", "direction", direction),
                                ("other_population", "population", population)):
            if want is not None:
                hit = p[col] == want
                counts[name] = int((keep & ~hit).sum())
                keep &= hit
        out = p[keep].copy()
        out.insert(0, "date", out["period_start"])
        out = out.drop(columns=["period_start", "period_end", "days"]).sort_values(["series", "date"])
        out = out.reset_index(drop=True)
        out.attrs["left_out"] = counts
        return out

    def weekly(self) -> pd.DataFrame:
        """Seven-day values (``days == 7``) as a tidy frame with a ``date`` column (the first day of
        each week, whatever weekday the source's weeks start on: Lapland's ISO weeks start on
        Monday, Google's weeks on Sunday). Only weeks a source reported or that follow from a
        difference; gaps stay gaps. ``attrs['left_out']`` counts the other periods."""
        p = self.periods
        seven = p["days"] == 7
        out = p[seven].copy()
        out.insert(0, "date", out["period_start"])
        out = out.drop(columns=["period_start", "period_end", "days"]).sort_values(["series", "date"])
        out = out.reset_index(drop=True)
        out.attrs["left_out"] = {"other_periods": int((~seven).sum())}
        return out

    def to_frame(self) -> pd.DataFrame:
        """All derived period values (a copy of ``periods``)."""
        return self.periods.copy()

    def summary(self) -> str:
        """Plain-text account: rows read, values derived by kind, rows left out by reason."""
        lines = [f"Crossing series derived from {self.n_rows} reported rows",
                 f"  series: {self.periods['series'].nunique()}, values: {len(self.periods)} "
                 f"(one-day: {int((self.periods['days'] == 1).sum())})"]
        for kind, n in self.periods["kind"].value_counts().sort_index().items():
            lines.append(f"  kind {kind}: {n}")
        lines.append(f"  left out: {len(self.left_out)}")
        for reason, n in self.left_out["reason"].str.split(":").str[0].value_counts().items():
            lines.append(f"    {reason}: {n}")
        return "\n".join(lines)


def period_overview(values: pd.DataFrame, *, days: int = 7) -> pd.DataFrame:
    """Per series of ``values`` (``date, series, value``, e.g. :meth:`CrossingSeries.weekly`): the number of
    periods, first and last date and the longest run of consecutive periods (``days`` apart: 7 for weeks).
    The run is what a lead/lag test could use."""
    rows = []
    step = pd.Timedelta(days=days)
    for name, part in values.groupby("series", sort=True):
        d = pd.DatetimeIndex(part["date"]).sort_values().unique()
        best = run = 1
        for a, b in zip(d[:-1], d[1:]):
            run = run + 1 if b - a == step else 1
            best = max(best, run)
        rows.append({"series": name, "n_periods": len(d), "first": d.min(), "last": d.max(), "longest_run": best})
    return pd.DataFrame(rows, columns=["series", "n_periods", "first", "last", "longest_run"])


def _series_name(r) -> str:
    return f"{r['footprint']}|{r['direction']}|{r['population']}|{r['unit']}"


def _worst(confidences: Sequence[str]) -> str:
    return max(confidences, key=lambda c: _CONF_RANK.get(c, 9))


def rounding_half_unit(value: float, qualifier: str) -> float:
    """Half the rounding unit of a reported figure: 0 for ``exact``, else half of the place value
    of its last non-zero digit (``1_600_000 -> 50_000``, ``98_000 -> 500``, ``6_470 -> 5``)."""
    if qualifier == "exact" or value <= 0 or value != int(value):
        return 0.0
    v, unit = int(value), 1
    while v % 10 == 0:
        v //= 10
        unit *= 10
    return unit / 2.0 if unit > 1 else 0.5


def _combine_qualifier(quals: Sequence[str]) -> str:
    return "exact" if all(q == "exact" for q in quals) else "approx"


def derive_crossing_series(crossings: pd.DataFrame, *, include_24h_windows: bool = True) -> CrossingSeries:
    """Derive period values from a loaded crossings frame, following the module's rules 1-7.

    Parameters
    ----------
    crossings : the frame returned by :func:`trendlib.datasets.load_crossings`.
    include_24h_windows : date a 24-hour window ending on ``period_end`` to that day (default)
        or leave such rows out (``left_out`` reason ``24h window``).

    Returns
    -------
    CrossingSeries
        ``periods`` (one row per series and period: value, value_low/high, qualifier, kind in
        ``single_day, reported_period, differenced, net``, ``source_ids``, ``alternative_ids``,
        confidence = the lowest of its sources, ``how`` = the arithmetic in words) and
        ``left_out`` (``id, reason``). Every input row is either a source or an alternative of
        some value, or in ``left_out``.
    """
    missing = [c for c in _REQUIRED if c not in crossings.columns]
    if missing:
        raise DataError(f"derive_crossing_series needs a frame from load_crossings; missing column(s) "
                        f"{', '.join(missing)}", file=str(crossings.attrs.get("file", "")))
    rows = crossings.copy()
    rows["unit_reported"] = rows["unit"]
    rows["unit"] = rows["unit_base"]
    left: list[tuple[str, str]] = []  # (id, reason), in the order of the rules
    usable = _period_totals(rows, include_24h_windows=include_24h_windows, left=left)
    reported = _resolve_reports(usable)
    derived = _difference_cumulative(reported, left=left)
    values = _one_per_period(reported + derived)
    periods = _periods_frame(values + _nets(values))
    left_out = pd.DataFrame(left, columns=["id", "reason"])
    periods.attrs["file"] = crossings.attrs.get("file", "")
    return CrossingSeries(periods=periods, left_out=left_out, n_rows=int(len(crossings)))


def _not_a_total(r: dict) -> str | None:
    """Rule 2: why a row is not a total over its period (None: it is one)."""
    if r["direction"] == "present":
        return "stock: people still present on a date, not a flow over the period"
    if r["qualifier"] == "peak_upper":
        return "stated peak rate: not a total over the period"
    if "run-rate" in str(r["unit_reported"]):
        return "run-rate: not a count over the period"
    if r["rate"]:
        need = _RATE_DAYS.get(r["rate"])
        if need is None or r["days"] != need:
            return f"rate per {r['rate']} over {r['days']} day(s): not a total over the period"
    return None


def _period_totals(rows: pd.DataFrame, *, include_24h_windows: bool, left: list[tuple[str, str]]) -> list[dict]:
    """Rules 2 and 3: the rows that are totals over their period, with their dates (a 24-hour window dated
    to its end); the others are appended to ``left``."""
    usable = []
    for r in rows.to_dict("records"):
        rid = r["id"]
        reason = _not_a_total(r)
        if reason is not None:
            left.append((rid, reason))
            continue
        start, end = r["period_start"], r["period_end"]
        if r["window"] == "24h_to_end":
            if not include_24h_windows:
                left.append((rid, "24h window: left out by include_24h_windows=False"))
                continue
            start = end
        days = int((end - start).days) + 1
        usable.append({**{k: r[k] for k in SERIES_KEY}, "period_start": start, "period_end": end, "days": days,
                       "value": float(r["value"]),
                       "value_max": float(r["value_max"]) if pd.notna(r["value_max"]) else float(r["value"]),
                       "qualifier": r["qualifier"], "confidence": r["confidence"], "id": rid,
                       "window": r["window"],
                       "kind": "single_day" if days == 1 else "reported_period"})
    return usable


def _resolve_reports(usable: list[dict]) -> list[dict]:
    """Rule 4: one value per reported figure (series and period): the best report, the others its
    alternatives, the band spanning them all."""
    groups: dict[tuple, list[dict]] = {}
    for u in usable:
        groups.setdefault(tuple(u[k] for k in SERIES_KEY) + (u["period_start"], u["period_end"]), []).append(u)
    reported = []
    for members in groups.values():
        members = sorted(members, key=lambda m: (_CONF_RANK[m["confidence"]], _QUAL_RANK[m["qualifier"]], m["id"]))
        best = members[0]
        reported.append({**best, "value_low": min(m["value"] for m in members),
                         "value_high": max(m["value_max"] for m in members),
                         "source_ids": best["id"], "alternative_ids": ";".join(m["id"] for m in members[1:]),
                         "how": (f"reported ({best['id']})" if len(members) == 1 else
                                 f"reported ({best['id']}; preferred over {', '.join(m['id'] for m in members[1:])} "
                                 "by confidence, then qualifier)"),
                         "window": best["window"]})
    return reported


def _difference_cumulative(reported: list[dict], *, left: list[tuple[str, str]]) -> list[dict]:
    """Rule 5: differences of consecutive cumulative statements with the same start, within a series; a
    decrease is appended to ``left`` naming both rows."""
    derived = []
    chains: dict[tuple, list[dict]] = {}
    for rep in reported:
        if rep["window"] == "24h_to_end":
            continue  # re-dated 24-hour counts are not 'since' statements
        chains.setdefault(tuple(rep[k] for k in SERIES_KEY) + (rep["period_start"],), []).append(rep)
    for chain in chains.values():
        chain = sorted(chain, key=lambda c: c["period_end"])
        for a, b in zip(chain, chain[1:]):
            diff = b["value"] - a["value"]
            ids = f"{b['source_ids']};{a['source_ids']}"
            if diff < 0:
                left.append((f"{a['source_ids']}+{b['source_ids']}",
                             f"cumulative figure decreases: {b['value']:.0f} to {b['period_end'].date()} is below "
                             f"{a['value']:.0f} to {a['period_end'].date()}; not differenced"))
                continue
            start = a["period_end"] + pd.Timedelta(days=1)
            band = (rounding_half_unit(a["value"], a["qualifier"])
                    + rounding_half_unit(b["value"], b["qualifier"]))
            derived.append({**{k: b[k] for k in SERIES_KEY}, "period_start": start, "period_end": b["period_end"],
                            "days": int((b["period_end"] - start).days) + 1, "value": diff,
                            "value_low": max(diff - band, 0.0), "value_high": diff + band,
                            "qualifier": _combine_qualifier([a["qualifier"], b["qualifier"]]),
                            "confidence": _worst([a["confidence"], b["confidence"]]), "kind": "differenced",
                            "source_ids": ids, "alternative_ids": "",
                            "how": (f"{b['source_ids']} ({b['period_start'].date()}..{b['period_end'].date()}) minus "
                                    f"{a['source_ids']} ({a['period_start'].date()}..{a['period_end'].date()})")})
    return derived


def _one_per_period(candidates: list[dict]) -> list[dict]:
    """Rule 6: one value per series and period, a reported one before a differenced one (kept as an
    alternative)."""
    best: dict[tuple, dict] = {}
    for cand in sorted(candidates, key=lambda c: (_KIND_RANK[c["kind"]],)):
        key = tuple(cand[k] for k in SERIES_KEY) + (cand["period_start"], cand["period_end"])
        if key not in best:
            best[key] = dict(cand)
            continue
        kept = best[key]
        kept["alternative_ids"] = ";".join(x for x in (kept["alternative_ids"], cand["source_ids"]) if x)
        kept["value_low"] = min(kept["value_low"], cand["value_low"])
        kept["value_high"] = max(kept["value_high"], cand["value_high"])
        kept["how"] += f"; alternative {cand['kind']} value {cand['value']:.0f} ({cand['how']})"
    return list(best.values())


def _nets(values: list[dict]) -> list[dict]:
    """Rule 7: entries minus exits where both exist for the same series but direction, and period."""
    net_key = [k for k in SERIES_KEY if k != "direction"]
    by_exit = {tuple(v[k] for k in net_key) + (v["period_start"], v["period_end"]): v
               for v in values if v["direction"] == "exit"}
    nets = []
    for v in values:
        if v["direction"] != "entry":
            continue
        x = by_exit.get(tuple(v[k] for k in net_key) + (v["period_start"], v["period_end"]))
        if x is None:
            continue
        nets.append({**{k: v[k] for k in net_key}, "direction": "net", "period_start": v["period_start"],
                     "period_end": v["period_end"], "days": v["days"], "value": v["value"] - x["value"],
                     "value_low": v["value_low"] - x["value_high"], "value_high": v["value_high"] - x["value_low"],
                     "qualifier": _combine_qualifier([v["qualifier"], x["qualifier"]]),
                     "confidence": _worst([v["confidence"], x["confidence"]]), "kind": "net",
                     "source_ids": f"{v['source_ids']};{x['source_ids']}", "alternative_ids": "",
                     "how": f"entries ({v['source_ids']}) minus exits ({x['source_ids']})"})
    return nets


def _periods_frame(values: list[dict]) -> pd.DataFrame:
    """The ``periods`` table: :data:`PERIOD_COLUMNS`, sorted by series and period (empty but typed when
    nothing was derived)."""
    periods = pd.DataFrame(values)
    if periods.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PERIOD_COLUMNS})
    periods["series"] = periods.apply(_series_name, axis=1)
    periods = periods[PERIOD_COLUMNS].sort_values(["series", "period_start", "period_end"], kind="stable")
    return periods.reset_index(drop=True)
