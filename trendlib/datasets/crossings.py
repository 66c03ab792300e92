"""Border-crossing figures as reported periods (one row per published figure).

A row says: over ``period_start..period_end`` (inclusive, local dates), the authority
of ``counted_by`` recorded ``value`` movements of ``population`` in ``direction`` at
``footprint``. Many figures are cumulative ("98,000 since 21 September"): turn them
into series only with :func:`trendlib.datasets.derive_crossing_series`.

Columns of the loaded frame:

================== ========== =================================================================
column             type       meaning
================== ========== =================================================================
id                 str        stable row id (``cr001`` ...), cited by every derived value
period_start       datetime64 first day covered (inclusive, local date)
period_end         datetime64 last day covered (inclusive); for ``window='24h_to_end'`` the day
                              the 24-hour window ends
days               int        ``period_end - period_start + 1``
window             str        ``calendar_day``, ``24h_to_end`` (a 24-hour count ending on
                              period_end, e.g. 10:00-10:00) or ``period``
country            str        the country named by the source (for FSB exit rows: the destination)
crossing           str        the checkpoint(s) as worded by the source
footprint          str        identifier of the stretch of border; rows with different footprints
                              are never combined (e.g. Finland's ``finland/eastern-land-border-all``
                              vs ``finland/se-3-checkpoints``)
counted_by         str        whose border statistics (``Russia`` for FSB exit counts)
direction          str        relative to ``counted_by``: ``entry``, ``exit``, ``both`` (entries +
                              exits), ``net_stayed``, ``present``, ``refused``, ``registered``,
                              ``stay_extended``
direction_reported str        the source's own wording (``entry_to_Finland``, ``exit_from_Russia``)
population         str        who was counted (``Russian citizens``, ``all persons``, ...)
value              float      the figure as reported (people or crossings, never negative)
value_max          float      upper end when the source gives a range, else NaN
qualifier          str        ``exact``, ``approx``, ``lower_bound`` ("more than"), ``upper_bound``,
                              ``range``, ``peak_upper`` (a stated peak rate)
unit               str        ``persons``, ``crossings``, ``border_crossings`` (trips), optionally
                              ``_per_day`` / ``_per_week`` / ``_per_month`` for stated rates
unit_base          str        unit without the rate part
rate               str        ``''`` (a total over the period), ``day``, ``week`` or ``month``
source_org         str        who published the figure, and through which outlet
source_url         str        where it was read
confidence         str        ``HIGH``, ``MEDIUM``, ``LOW`` (scale in data/README.md)
notes              str        caveats, conflicts between copies, assumptions about the window
================== ========== =================================================================

Units are people (or crossings) over the whole period unless ``rate`` is set.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from trendlib.datasets._csv import (check_not_empty, check_unique, check_vocab, fail_first, parse_day,
                                    parse_number, read_csv_text)

__all__ = ["CROSSINGS_COLUMNS", "DIRECTIONS", "QUALIFIERS", "WINDOWS", "load_crossings"]

CROSSINGS_COLUMNS = ["id", "period_start", "period_end", "country", "crossing", "footprint", "direction",
                     "population", "value", "value_max", "qualifier", "unit", "source_org", "source_url",
                     "confidence", "notes"]
DIRECTIONS = ("entry", "exit", "both", "net_stayed", "present", "refused", "registered", "stay_extended")
QUALIFIERS = ("exact", "approx", "lower_bound", "upper_bound", "range", "peak_upper")
WINDOWS = ("calendar_day", "24h_to_end", "period")
CONFIDENCE = ("HIGH", "MEDIUM", "LOW")
_UNIT = re.compile(r"^(persons|crossings|border_crossings)(?:_per_(day|week|month))?(?:\s*\(.*\))?$")
_ORDER = ["id", "period_start", "period_end", "days", "window", "country", "crossing", "footprint",
          "counted_by", "direction", "direction_reported", "population", "value", "value_max", "qualifier",
          "unit", "unit_base", "rate", "source_org", "source_url", "confidence", "notes"]


def load_crossings(path: str | Path) -> pd.DataFrame:
    """Load and validate a border-crossings file (reported periods; columns in the module doc).

    Raises :class:`~trendlib.datasets.DataError` naming file, line and column for: a missing
    column, an empty or duplicate ``id``, an unparseable or impossible date, ``period_end``
    before ``period_start``, a value that is empty, not a number or negative, ``value_max``
    below ``value``, a range without ``value_max``, an unknown direction, qualifier, unit,
    window or confidence, an empty source_url, and a duplicate figure (same period,
    footprint, direction, population, value, unit and source). Nothing is dropped.
    """
    path = Path(path)
    f = str(path)
    df = read_csv_text(path, required=CROSSINGS_COLUMNS, kind="crossings")
    if df.empty:
        from trendlib.datasets.errors import DataError
        raise DataError("has a header but no rows", file=f)
    check_not_empty(df, "id", file=f)
    check_unique(df, ["id"], file=f, what="id")
    out = pd.DataFrame(index=df.index)
    out["id"] = df["id"].str.strip()
    out["period_start"] = parse_day(df, "period_start", file=f)
    out["period_end"] = parse_day(df, "period_end", file=f)
    fail_first(out["period_end"] < out["period_start"],
               lambda i: f"period_end {df['period_end'].iloc[i]} is before period_start "
                         f"{df['period_start'].iloc[i]}", file=f, column="period_end")
    out["days"] = ((out["period_end"] - out["period_start"]).dt.days + 1).astype(int)
    if "window" in df.columns:
        window = check_vocab(df, "window", WINDOWS, file=f)
    else:
        window = pd.Series("period", index=df.index).where(out["days"] > 1, "calendar_day")
    out["window"] = window
    fail_first((out["window"] == "calendar_day") & (out["days"] != 1),
               lambda i: f"window 'calendar_day' but the period covers {out['days'].iloc[i]} days",
               file=f, column="window")
    for col in ("country", "crossing", "footprint"):
        check_not_empty(df, col, file=f)
        out[col] = df[col].str.strip()
    out["counted_by"] = (df["counted_by"].str.strip() if "counted_by" in df.columns else out["country"])
    out["direction"] = check_vocab(df, "direction", DIRECTIONS, file=f, what="direction")
    out["direction_reported"] = (df["direction_reported"].str.strip() if "direction_reported" in df.columns
                                 else out["direction"])
    out["population"] = df["population"].str.strip()
    out["value"] = parse_number(df, "value", file=f, minimum=0, what="count")
    out["value_max"] = parse_number(df, "value_max", file=f, allow_empty=True, minimum=0, what="count")
    fail_first(out["value_max"] < out["value"],
               lambda i: f"value_max {df['value_max'].iloc[i]} is below value {df['value'].iloc[i]}",
               file=f, column="value_max")
    out["qualifier"] = check_vocab(df, "qualifier", QUALIFIERS, file=f, what="qualifier")
    fail_first((out["qualifier"] == "range") & out["value_max"].isna(),
               lambda i: "qualifier 'range' needs value_max (the upper end)", file=f, column="value_max")
    unit = df["unit"].str.strip()
    parts = unit.str.extract(_UNIT)
    fail_first(parts[0].isna(), lambda i: f"unknown unit {unit.iloc[i]!r}; accepted: persons, crossings or "
               "border_crossings, optionally with _per_day, _per_week or _per_month", file=f, column="unit")
    out["unit"] = unit
    out["unit_base"] = parts[0]
    out["rate"] = parts[1].fillna("")
    check_not_empty(df, "source_url", file=f)
    for col in ("source_org", "source_url", "notes"):
        out[col] = df[col].str.strip()
    out["confidence"] = check_vocab(df.assign(confidence=df["confidence"].str.upper()), "confidence",
                                    CONFIDENCE, file=f)
    check_unique(out.assign(value_max=out["value_max"].fillna(-1)),
                 ["period_start", "period_end", "footprint", "direction", "population", "value",
                  "value_max", "unit", "source_url"], file=f, what="figure")
    extras = [c for c in df.columns if c not in out.columns]
    for col in extras:
        out[col] = df[col]
    out = out[_ORDER + extras].reset_index(drop=True)
    out.attrs["file"] = f
    return out
