"""Google's periods: Sunday-start weeks and calendar months, and the mean of daily values per period."""
from __future__ import annotations

from typing import TYPE_CHECKING

from trendlib.trends.errors import BadRequest
from trendlib.trends.stitch.validate import _keys, _prepare

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["aggregate_periods"]


def _period_end(starts: pd.DatetimeIndex | pd.Series, resolution: str):
    """Exclusive end of each period starting at ``starts``."""
    import pandas as pd

    if resolution == "day":
        return starts + pd.Timedelta(days=1)
    if resolution == "week":
        return starts + pd.Timedelta(days=7)
    if resolution == "month":
        return starts + pd.offsets.MonthBegin(1)
    raise BadRequest(f"pin_resolution {resolution!r} is not known; accepted: 'day', 'week', 'month'")


def _period_start(dates: pd.Series, resolution: str) -> pd.Series:
    import pandas as pd

    d = pd.to_datetime(dates).dt.normalize()
    if resolution == "day":
        return d
    if resolution == "week":  # Google's weeks start on Sunday
        return d - pd.to_timedelta((d.dt.day_of_week + 1) % 7, unit="D")
    if resolution == "month":
        return d - pd.to_timedelta(d.dt.day - 1, unit="D")
    raise BadRequest(f"resolution {resolution!r} is not known; accepted: 'day', 'week', 'month'")


def aggregate_periods(frame: pd.DataFrame, *, resolution: str = "week", complete_only: bool = True
                      ) -> pd.DataFrame:
    """Mean of a daily tidy series per Google period: Sunday-start weeks, calendar months.

    Returns ``date`` (period start), the key columns, ``value`` (mean of the daily values in
    the period, ``"<1"`` days counted at their ``value``), and ``n_days``. With
    ``complete_only`` a period is kept only when every one of its days has a value.
    """
    import pandas as pd

    df = _prepare(frame, "frame")
    keys = _keys(df)
    df = df[df["value"].notna()].copy()
    df["period"] = _period_start(df["date"], resolution)
    g = df.groupby([*keys, "period"], sort=True)
    out = g.agg(value=("value", "mean"), n_days=("value", "size")).reset_index()
    out = out.rename(columns={"period": "date"})
    if complete_only:
        length = (_period_end(out["date"], resolution) - out["date"]).dt.days
        out = out[out["n_days"] == length]
    return out[["date", *keys, "value", "n_days"]].reset_index(drop=True)

