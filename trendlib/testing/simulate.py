"""Simulated search volumes and a Google-Trends-like pull of them.

Two halves:

1. **Latent curves** (:func:`latent_curve`, :func:`latent_frame`): the "true" number of
   searches per day (or hour) for a term in a geography. They are made of a baseline, a
   weekly cycle, a slow trend, level steps and decaying spikes at given dates, and
   multiplicative day-to-day noise, all drawn from a seed. Units: searches per day
   (an arbitrary absolute scale; only ratios matter to Google's index).

2. **A Google-like pull** (:func:`google_pull`): what Google Trends would answer for one
   request (at most 5 terms, one geo, one window):

   * the resolution follows Google's span rule (:func:`google_resolution`): hourly up to 7
     days when asked for hours, daily up to 269 days, weekly up to 1899 days, monthly
     beyond; the latent volume is summed into those periods (weeks start on Sunday, months
     on the 1st, hours in UTC);
   * Google answers from a *sample* of searches: each period's volume is thinned by Poisson
     sampling at ``sample_rate``. The random draw is seeded by the request (terms, geo,
     window, resolution) and the *fetch day*, so repeating a request on the same day gives
     the same answer and on another day a different one;
   * the sampled volumes of all terms are scaled together so that the largest value over the
     request's terms and window is 100, then rounded to integers (half up); a value in
     (0, 1) is reported as 0 with the text ``"<1"``, distinct from a true 0;
   * a term whose mean latent volume per day is below ``threshold`` has no data
     (``has_data`` false, value 0, text ``""``), as Google does for rare terms;
   * the period that contains the fetch day is the trailing *partial* point (only the part
     up to the fetch day is counted); later periods are not returned. Weekly answers follow
     Google's recorded ones (pytrends' cassettes, 2023-03-26): weeks start on the first Sunday on
     or after the start, a week starting on the fetch day is not returned, and the last week is
     the partial point at its normal level while it ends within 3 days of the fetch day.

Everything is deterministic for a given seed, uses numpy only (plus pandas for frames),
and never touches the network. The fake Google server (:mod:`trendlib.testing.fakegoogle`) is built
on this module; notebooks may use it to make clearly labelled ILLUSTRATIVE series.

Example
-------
>>> import pandas as pd
>>> from trendlib.testing import simulate
>>> truth = simulate.latent_frame({
...     ("visa", "RU"): simulate.latent_curve("2022-01-01", "2022-12-31", baseline=500,
...                                           steps=[("2022-09-21", 3.0)], seed=1),
...     ("flights", "RU"): simulate.latent_curve("2022-01-01", "2022-12-31", baseline=2000, seed=2)})
>>> pull = simulate.google_pull(truth, terms=["visa", "flights"], geo="RU",
...                             start="2022-06-01", end="2022-11-30", fetch_day="2023-01-10", seed=0)
>>> sorted(pull.columns)  # doctest: +NORMALIZE_WHITESPACE
['date', 'formatted', 'geo', 'has_data', 'is_partial', 'query', 'resolution', 'value']
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from trendlib.errors import TrendlibError
from trendlib.trends import rules

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["SimulationError", "derive_seed", "latent_curve", "latent_frame", "google_resolution",
           "period_starts", "google_pull", "MAX_TERMS"]

#: Google's rules (terms per request, the span limits in days of its resolution rule) are
#: :mod:`trendlib.trends.rules`; re-exported here for the simulator's users
DAY_MAX_SPAN_DAYS = rules.DAY_MAX_SPAN_DAYS
WEEK_MAX_SPAN_DAYS = rules.WEEK_MAX_SPAN_DAYS
HOUR_MAX_SPAN_DAYS = rules.MAX_HOURLY_DAYS
MAX_TERMS = rules.MAX_TERMS
RESOLUTIONS = rules.RESOLUTIONS

# latent volumes: a tidy frame (date, query, geo, volume) or a callable (query, geo, DatetimeIndex) -> volumes
Latent = Union["pd.DataFrame", Callable[[str, str, "pd.DatetimeIndex"], Any]]


class SimulationError(TrendlibError, ValueError):
    """Bad arguments to a simulation function (names the value and what is accepted)."""

    exit_code = 2


def derive_seed(*parts: Any) -> int:
    """A 63-bit seed from any printable parts (stable across runs and platforms).

    Used to seed one random draw per (request, fetch day): ``derive_seed(seed, terms, geo,
    start, end, resolution, fetch_day)``.
    """
    text = "\x1f".join(repr(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1


def _ts(value: Any, name: str) -> "pd.Timestamp":
    import pandas as pd
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise SimulationError(f"{name} {value!r} is not a date; use YYYY-MM-DD (or YYYY-MM-DDTHH)") from None
    if ts is pd.NaT:
        raise SimulationError(f"{name} is missing; use YYYY-MM-DD")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def latent_curve(start: Any, end: Any, *, baseline: float, weekly: float = 0.0, weekly_peak: int = 0,
                 trend: float = 0.0, steps: Iterable[tuple[Any, float]] = (),
                 spikes: Iterable[tuple[Any, float, float]] = (), noise: float = 0.0,
                 seed: int = 0, freq: str = "D") -> "pd.Series":
    """A latent search-volume curve (searches per day; per hour when ``freq="h"``).

    Parameters (keyword-only after ``start, end``, inclusive dates)
    ----------------------------------------------------------------
    baseline : the level at ``start``, in searches per day (> 0).
    weekly : relative amplitude of the weekly cycle (0.2 = +/-20 %); ``weekly_peak`` is the
        weekday of the peak (0 = Monday ... 6 = Sunday).
    trend : relative change per year, applied as ``exp(trend * years since start)``.
    steps : ``(date, factor)`` pairs: from ``date`` on (inclusive) the level is multiplied by
        ``factor`` (e.g. ``("2022-09-21", 3.0)`` triples it from the announcement day).
    spikes : ``(date, height, half_life_days)``: on ``date`` the level gains ``height`` times the
        baseline, decaying by half every ``half_life_days`` days after it (nothing before).
    noise : standard deviation of the multiplicative log-normal day-to-day noise (0 = none).
    seed : seeds the noise; the same arguments and seed give the same curve.
    freq : ``"D"`` for daily points or ``"h"`` for hourly points (UTC); the hourly curve carries
        a fixed daily rhythm (fewest searches at 04:00, most at 16:00) and per-hour units.

    Returns a ``pd.Series`` indexed by a ``DatetimeIndex`` named ``date``, values > 0.
    """
    import numpy as np
    import pandas as pd

    start_ts, end_ts = _ts(start, "start"), _ts(end, "end")
    if end_ts < start_ts:
        raise SimulationError(f"end {end_ts.date()} is before start {start_ts.date()}")
    if not np.isfinite(baseline) or baseline <= 0:
        raise SimulationError(f"baseline {baseline!r} must be a positive number of searches per day")
    if freq not in ("D", "h"):
        raise SimulationError(f"freq {freq!r}; accepted: 'D' (daily) or 'h' (hourly)")
    if freq == "h":
        end_ts = end_ts.normalize() + pd.Timedelta(hours=23) if end_ts == end_ts.normalize() else end_ts
    idx = pd.date_range(start_ts, end_ts, freq=freq, name="date")
    days = ((idx - start_ts) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    level = np.full(len(idx), float(baseline))
    if trend:
        level *= np.exp(trend * days / 365.25)
    if weekly:
        dow = idx.day_of_week.to_numpy()
        level *= 1.0 + weekly * np.cos(2 * np.pi * (dow - weekly_peak) / 7.0)
    for when, factor in steps:
        if factor <= 0:
            raise SimulationError(f"step factor {factor!r} at {when} must be > 0")
        level = np.where(idx >= _ts(when, "step date"), level * factor, level)
    for when, height, half_life in spikes:
        if half_life <= 0:
            raise SimulationError(f"spike half-life {half_life!r} at {when} must be > 0 days")
        lag = ((idx - _ts(when, "spike date")) / pd.Timedelta(days=1)).to_numpy(dtype=float)
        bump = np.where(lag >= 0, height * baseline * np.power(0.5, np.clip(lag, 0, None) / half_life), 0.0)
        level = level + bump
    if noise:
        rng = np.random.default_rng(derive_seed("latent", seed))
        level = level * np.exp(rng.normal(0.0, noise, len(idx)) - noise ** 2 / 2)
    if freq == "h":
        hour = idx.hour.to_numpy()
        level = level / 24.0 * (1.0 + 0.5 * np.cos(2 * np.pi * (hour - 16) / 24.0))
    return pd.Series(np.clip(level, 1e-9, None), index=idx, name="volume")


def latent_frame(curves: Mapping[tuple[str, str], "pd.Series"]) -> "pd.DataFrame":
    """Tidy latent frame ``date, query, geo, volume`` from ``{(query, geo): series}``."""
    import pandas as pd
    parts = []
    for (query, geo), series in curves.items():
        part = pd.DataFrame({"date": pd.DatetimeIndex(series.index), "volume": series.to_numpy(dtype=float)})
        part.insert(1, "query", str(query))
        part.insert(2, "geo", str(geo))
        parts.append(part)
    if not parts:
        raise SimulationError("no curves given; pass {(query, geo): series}")
    return pd.concat(parts, ignore_index=True)


def google_resolution(start: Any, end: Any, *, hourly: bool = False) -> str:
    """Google's resolution for a window ``start..end`` (inclusive), by span ``(end - start)`` in days.

    ``"hour"`` when ``hourly`` (times given as ``YYYY-MM-DDTHH``) and the span is at most 7
    days; otherwise ``"day"`` up to 269 days, ``"week"`` up to 1899 days, ``"month"`` beyond.
    """
    span = (_ts(end, "end") - _ts(start, "start")) / _pd().Timedelta(days=1)
    if span < 0:
        raise SimulationError(f"end {end} is before start {start}")
    return rules.resolution_for_span(span, hourly=hourly)


def _pd():
    import pandas as pd
    return pd


def period_starts(dates: "pd.DatetimeIndex", resolution: str) -> "pd.DatetimeIndex":
    """The start of the Google period each timestamp falls in (hour, day, Sunday-week, month)."""
    import pandas as pd
    dates = pd.DatetimeIndex(dates)
    if resolution == "hour":
        return dates.floor("h")
    if resolution == "day":
        return dates.normalize()
    if resolution == "week":
        d = dates.normalize()
        return d - pd.to_timedelta((d.day_of_week + 1) % 7, unit="D")
    if resolution == "month":
        return dates.normalize() - pd.to_timedelta(dates.day - 1, unit="D")
    raise SimulationError(f"resolution {resolution!r}; accepted: {', '.join(RESOLUTIONS)}")


def _latent_values(latent: Latent, query: str, geo: str, grid: "pd.DatetimeIndex") -> "np.ndarray":
    """Latent volume of (query, geo) on ``grid`` (daily or hourly); 0 where unknown."""
    import numpy as np
    import pandas as pd
    if callable(latent):
        vals = np.asarray(latent(query, geo, grid), dtype=float)
        if vals.shape != (len(grid),):
            raise SimulationError(f"latent callable returned shape {vals.shape} for {len(grid)} dates")
        return np.nan_to_num(vals, nan=0.0)
    sub = latent[(latent["query"] == query) & (latent["geo"] == geo)]
    if sub.empty:
        return np.zeros(len(grid))
    s = pd.Series(sub["volume"].to_numpy(dtype=float), index=pd.DatetimeIndex(sub["date"])).sort_index()
    s = s[~s.index.duplicated(keep="last")]
    hourly_grid = len(grid) > 1 and (grid[1] - grid[0]) < pd.Timedelta(days=1)
    hourly_src = len(s) > 1 and (s.index[1] - s.index[0]) < pd.Timedelta(days=1)
    if hourly_grid and not hourly_src:
        # spread each day's volume over its hours with the fixed daily rhythm
        daily = s.reindex(grid.normalize()).to_numpy()
        hour = grid.hour.to_numpy()
        vals = daily / 24.0 * (1.0 + 0.5 * np.cos(2 * np.pi * (hour - 16) / 24.0))
    elif hourly_src and not hourly_grid:
        vals = s.groupby(s.index.normalize()).sum().reindex(grid).to_numpy()
    else:
        vals = s.reindex(grid).to_numpy()
    return np.nan_to_num(vals, nan=0.0)


_PULL_COLUMNS = ["date", "query", "geo", "value", "formatted", "has_data", "is_partial", "resolution"]


def _check_pull(terms: Sequence[str], start: Any, end: Any, fetch_day: Any, sample_rate: float,
                resolution: str, hourly: bool) -> tuple:
    """Validate a pull request; return ``(terms, start_ts, end_ts, fetch day, resolution)``."""
    terms = [str(t) for t in terms]
    if not 1 <= len(terms) <= MAX_TERMS:
        raise SimulationError(f"{len(terms)} terms given; a request takes 1 to {MAX_TERMS}")
    if len(set(terms)) != len(terms):
        raise SimulationError(f"terms {terms!r} repeat a term")
    start_ts, end_ts, day = _ts(start, "start"), _ts(end, "end"), _ts(fetch_day, "fetch_day").normalize()
    if end_ts < start_ts:
        raise SimulationError(f"end {end_ts} is before start {start_ts}")
    if not 0 < sample_rate <= 1:
        raise SimulationError(f"sample_rate {sample_rate!r} must be in (0, 1]")
    res = google_resolution(start_ts, end_ts, hourly=hourly) if resolution == "auto" else resolution
    if res not in RESOLUTIONS:
        raise SimulationError(f"resolution {resolution!r}; accepted: auto, {', '.join(RESOLUTIONS)}")
    return terms, start_ts, end_ts, day, res


def _pull_grid(start_ts: "pd.Timestamp", end_ts: "pd.Timestamp", res: str) -> "pd.DatetimeIndex":
    """The fine (daily or hourly) grid the latent volume is read on, covering whole periods."""
    import pandas as pd
    # Google's weekly answers start on the first Sunday on or after the start (pytrends' recording of
    # 2023-03-26: 2018-03-26..2023-03-26 gives 260 weeks from Sunday 2018-04-01)
    first = period_starts(pd.DatetimeIndex([start_ts]), res)[0]
    if res == "week" and first < start_ts.normalize():
        first = first + pd.Timedelta(days=7)
    if res == "hour":
        last = end_ts.floor("h")
        return pd.date_range(first, last, freq="h")
    grid = pd.date_range(first, end_ts.normalize(), freq="D")
    if res == "month":
        grid = pd.date_range(first, (end_ts + pd.offsets.MonthEnd(0)).normalize(), freq="D")
    elif res == "week":
        grid = pd.date_range(first, end_ts.normalize() + pd.Timedelta(days=(5 - end_ts.day_of_week) % 7),
                             freq="D")
    return grid


def _fetch_weight(grid: "pd.DatetimeIndex", day: "pd.Timestamp", res: str) -> "np.ndarray":
    """Share of each grid point counted on the fetch day (1 before it, 0.5 on it, 0 after)."""
    import numpy as np
    # later points do not exist yet, the fetch day itself counts half; weekly, the week that
    # starts on the fetch day is not there yet and the one before is the partial point at its full
    # level (as in Google's recorded answer: the running week comes at a normal level)
    weight = np.where(grid < day, 1.0, np.where(grid.normalize() == day, 0.5, 0.0))
    if res == "week":
        weight = np.where(grid < day, 1.0, 0.0)
    return weight


def _partial_flags(uniq: "pd.DatetimeIndex", periods: "pd.DatetimeIndex", weight: "np.ndarray",
                   day: "pd.Timestamp", res: str) -> "np.ndarray":
    """Which returned periods are partial: only the trailing one, the one containing the fetch day."""
    import numpy as np
    import pandas as pd
    full = pd.Series(weight < 1.0, index=periods).groupby(level=0).any().reindex(uniq).to_numpy()
    partial = np.where(uniq == uniq.max(), full, False)
    if res == "week" and len(uniq):  # the last week is partial while Google's data lag (3 days) covers it
        partial = np.where(uniq == uniq.max(), uniq.max() + pd.Timedelta(days=6) >= day - pd.Timedelta(days=3),
                           False)
    return partial


def _sample_terms(latent: Latent, terms: list[str], geo: str, grid: "pd.DatetimeIndex",
                  weight: "np.ndarray", in_window: "np.ndarray", codes: "np.ndarray", n_periods: int,
                  rng: "np.random.Generator", res: str, sample_rate: float,
                  threshold: float) -> tuple["np.ndarray", "np.ndarray"]:
    """Per-term sampled volume of each period, and which terms have data (``(sampled, has_data)``)."""
    import numpy as np
    sampled = np.zeros((len(terms), n_periods))
    has_data = np.ones(len(terms), dtype=bool)
    for i, term in enumerate(terms):
        vol = _latent_values(latent, term, geo, grid) * weight
        per_day = vol[in_window].mean() * (24.0 if res == "hour" else 1.0) if in_window.any() else 0.0
        if per_day < threshold:
            has_data[i] = False
            continue
        sums = np.bincount(codes[codes >= 0], weights=vol[codes >= 0], minlength=n_periods)
        sums = np.clip(sums, 0, None)
        sampled[i] = sums if sample_rate >= 1 else rng.poisson(sums * sample_rate) / sample_rate
    return sampled, has_data


def _answer_frame(sampled: "np.ndarray", has_data: "np.ndarray", partial: "np.ndarray",
                  uniq: "pd.DatetimeIndex", terms: list[str], geo: str, res: str) -> "pd.DataFrame":
    """Scale the sampled volumes together to 0-100 and lay them out as Google's tidy answer."""
    import numpy as np
    import pandas as pd
    top = sampled.max()
    scaled = sampled / top * 100.0 if top > 0 else sampled
    values = np.floor(scaled + 0.5).astype(int)
    below_one = (scaled > 0) & (scaled < 1.0)
    values[below_one] = 0
    formatted = np.where(below_one, "<1", values.astype(str)).astype(object)
    formatted[~has_data, :] = ""
    out = pd.DataFrame({
        "date": np.tile(uniq.to_numpy(), len(terms)),
        "query": np.repeat(terms, len(uniq)),
        "geo": geo,
        "value": values.ravel(),
        "formatted": formatted.ravel(),
        "has_data": np.repeat(has_data, len(uniq)),
        "is_partial": np.tile(partial.astype(bool), len(terms)),
        "resolution": res,
    })
    return out[_PULL_COLUMNS]


def google_pull(latent: Latent, *, terms: Sequence[str], geo: str, start: Any, end: Any,
                fetch_day: Any, seed: int = 0, resolution: str = "auto", hourly: bool = False,
                sample_rate: float = 0.05, threshold: float = 5.0) -> "pd.DataFrame":
    """What Google Trends would answer for one request, from latent volumes.

    Parameters
    ----------
    latent : tidy frame ``date, query, geo, volume`` (daily or hourly volumes, searches per
        day or per hour), or a callable ``(query, geo, DatetimeIndex) -> volumes``.
    terms : 1 to 5 distinct terms, in request order.
    geo : the geo code ('' = worldwide), matched against the latent ``geo``.
    start, end : the window, inclusive (dates; with ``hourly=True``, ``YYYY-MM-DDTHH`` UTC).
    fetch_day : the (UTC) day the request is made; seeds the sample and sets the partial point.
    seed : the base seed; the draw uses ``derive_seed(seed, terms, geo, start, end, resolution,
        fetch_day)``.
    resolution : ``"auto"`` (Google's span rule, :func:`google_resolution`) or one of
        ``hour, day, week, month`` to force it (the fake server uses this to misbehave).
    sample_rate : share of searches in Google's sample (Poisson thinning; smaller = noisier;
        1 = every search, no sampling noise, only scaling and rounding).
    threshold : a term whose mean latent volume per day over the window is below this has no data.

    Returns
    -------
    Tidy frame, one row per (period, term): ``date`` (period start; weeks start on Sunday),
    ``query``, ``geo``, ``value`` (int 0-100), ``formatted`` (``"57"``, ``"<1"``, or ``""`` when
    no data), ``has_data`` (bool), ``is_partial`` (bool, only the trailing period containing
    the fetch day), ``resolution``. Empty (with these columns) when the window is entirely
    after the fetch day.
    """
    import numpy as np
    import pandas as pd

    terms, start_ts, end_ts, day, res = _check_pull(terms, start, end, fetch_day, sample_rate, resolution,
                                                    hourly)
    grid = _pull_grid(start_ts, end_ts, res)
    weight = _fetch_weight(grid, day, res)
    periods = period_starts(grid, res)
    keep_period = pd.Series(weight > 0, index=periods).groupby(level=0).any()
    uniq = keep_period.index[keep_period.to_numpy()]
    if len(uniq) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _PULL_COLUMNS})
    codes = pd.Index(uniq).get_indexer(periods)
    partial = _partial_flags(uniq, periods, weight, day, res)

    rng = np.random.default_rng(derive_seed(seed, tuple(terms), geo, str(start_ts), str(end_ts), res,
                                            str(day.date())))
    in_window = (grid >= start_ts.floor("h" if res == "hour" else "D")) & (grid <= end_ts) & (weight > 0)
    sampled, has_data = _sample_terms(latent, terms, geo, grid, weight, in_window, codes, len(uniq), rng,
                                      res, sample_rate, threshold)
    return _answer_frame(sampled, has_data, partial, uniq, terms, geo, res)
