"""Plan a Google Trends fetch before sending anything: batches, windows, resolutions, request count.

Pure computation: no HTTP, no files, no clock. Every input is validated here, locally,
with :class:`~trendlib.trends.errors.BadRequest` messages that name the bad value and
what is accepted, so a fetch fails before its first request rather than after its 40th.

Google's limits this module encodes
-----------------------------------
* At most :data:`MAX_TERMS` (5) terms per request. More terms are split into
  *batches* that all contain one shared *anchor* term; :mod:`trendlib.trends.stitch`
  puts the batches on one scale through the anchor (:func:`choose_anchor` picks it).
* The resolution Google returns depends only on the span of the request
  (``google-trends-tooling-survey.md`` section 1, "Resolution and window limits";
  trendspy's docstring cross-checked against pytrends' recorded responses):

  ===================================== ============ ==========================================
  span of one request                    resolution   trendlib's rule (:func:`expected_resolution`)
  ===================================== ============ ==========================================
  under 72 hours (times given)           minutes      not supported (``BadRequest``)
  72 hours to 7 days (times given)       ``hour``     ``end - start <= 7 days`` with times
  dates, up to 270 days                  ``day``      ``(end - start).days <= 269``
  270 to 1900 days                       ``week``     ``270 <= (end - start).days <= 1899``
  1900 days (about 5.2 years) and more   ``month``    ``(end - start).days >= 1900``
  ===================================== ============ ==========================================

  The span is ``end - start`` (so ``2022-01-01 2022-09-27`` spans 269 days and covers 270
  calendar days), the same rule as :func:`trendlib.testing.simulate.google_resolution` and the fake
  server. Google documents its switch points only to the day ("270 days", "1900 days"), so
  trendlib's daily *windows* are at most :data:`MAX_DAILY_DAYS` = 269 calendar days
  (a span of 268), one day inside the limit whichever way Google counts; weeks start on
  Sunday. Date-only spans shorter than 8 days are still daily (Google's answer for
  ``2021-01-01 2021-01-05`` is ``DAY``); hourly data need the ``YYYY-MM-DDTHH YYYY-MM-DDTHH``
  timeframe, in UTC. Hourly requests are planned only for 72 hours to 7 days (Google: 72 h to
  8 days; one day of margin, matching the fake server).
* A *daily* series over more than 269 days is fetched as overlapping daily windows
  of at most ``max_window_days`` days each, overlapping by at least ``overlap_days``
  (default :data:`DEFAULT_OVERLAP_DAYS`), plus, per batch, one *pin* pull over the
  whole span at the coarse resolution Google gives for it (weekly, or monthly beyond
  1899 days). The stitcher estimates one scale factor per window jointly over all the
  overlaps and ties the long-run level to the pin.

The requests of a plan are the same on every fetch day; ``samples=N`` asks for N pulls
of each request on N different days (Google's sample changes from day to day), which
:func:`trendlib.trends.stitch.average_samples` averages.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from trendlib.trends.batching import (
    BATCHINGS, Repull, below_range, expected_errors, ladder_batches, ladder_links, star_batches, swamped_repulls,
)
from trendlib.trends.errors import BadRequest
from trendlib.trends.rules import (
    DAY_MAX_SPAN_DAYS, EARLIEST_DATE, EARLIEST_DATE_NON_WEB, GPROPS, MAX_HOURLY_DAYS, MAX_TERM_CHARS, MAX_TERMS,
    MIN_HOURLY_HOURS, RESOLUTIONS, WEEK_MAX_SPAN_DAYS, earliest_date, geo_problem, gprop_problem,
    resolution_for_span,
)

__all__ = [
    "MAX_TERMS", "MAX_DAILY_DAYS", "MAX_WEEKLY_DAYS", "MAX_HOURLY_DAYS", "MIN_HOURLY_HOURS",
    "MAX_TERM_CHARS", "DEFAULT_OVERLAP_DAYS", "EARLIEST_DATE", "EARLIEST_DATE_NON_WEB",
    "GPROPS", "RESOLUTIONS", "PIN_WINDOW",
    "TrendsRequest", "FetchPlan", "expected_resolution", "make_plan", "choose_anchor",
    "anchor_rounding_error", "validate_terms", "validate_geo",
]

#: Longest daily window trendlib requests, in calendar days inclusive (Google: daily while
#: ``end - start`` <= 269 days; a 269-day window has ``end - start`` = 268, a day of margin).
MAX_DAILY_DAYS = DAY_MAX_SPAN_DAYS
#: Google answers weekly while ``end - start`` <= this many days, monthly beyond.
MAX_WEEKLY_DAYS = WEEK_MAX_SPAN_DAYS
#: Default minimum overlap, in days, between consecutive daily windows (see :func:`make_plan`).
DEFAULT_OVERLAP_DAYS = 90
#: ``TrendsRequest.window`` of a pin pull (it covers the whole span, not one window).
PIN_WINDOW = -1

Resolution = Literal["hour", "day", "week", "month"]
Bound = dt.date | dt.datetime

# --------------------------------------------------------------------------- validation

def validate_terms(terms: str | Iterable[str]) -> tuple[str, ...]:
    """Check search terms and return them as a tuple, in the given order.

    Accepted: a non-empty list of distinct strings (a single string is one term), each
    1-100 characters, without leading/trailing spaces, without control characters and
    without commas (Google's term separator in Trends URLs, which would silently split
    the term into two). Duplicates are compared as Google does: case-insensitively and
    with runs of spaces collapsed. Topic ids such as ``/m/0663v`` are plain terms here.
    """
    if isinstance(terms, str):
        terms = [terms]
    try:
        items = list(terms)
    except TypeError:
        raise BadRequest(f"terms {terms!r} is not a list of strings; accepted: e.g. "
                         "['мобилизация', 'как уехать']") from None
    if not items:
        raise BadRequest("terms is empty; accepted: at least one search term")
    seen: dict[str, str] = {}
    for term in items:
        if not isinstance(term, str):
            raise BadRequest(f"term {term!r} is a {type(term).__name__}; accepted: strings")
        if not term.strip():
            raise BadRequest(f"term {term!r} is blank; accepted: 1-{MAX_TERM_CHARS} visible characters")
        if term != term.strip():
            raise BadRequest(f"term {term!r} has leading or trailing spaces, which Google drops; "
                             f"write {term.strip()!r}")
        if len(term) > MAX_TERM_CHARS:
            raise BadRequest(f"term {term[:40]!r}... is {len(term)} characters long; accepted: at most "
                             f"{MAX_TERM_CHARS}")
        bad = [c for c in term if unicodedata.category(c).startswith("C")]
        if bad:
            raise BadRequest(f"term {term!r} contains the control/invisible character {bad[0]!r} "
                             f"(U+{ord(bad[0]):04X}), which Google filters out; accepted: printable text")
        if "," in term:
            raise BadRequest(f"term {term!r} contains a comma, Google's term separator; accepted: "
                             "terms without commas (send two terms instead)")
        norm = " ".join(unicodedata.normalize("NFC", term).casefold().split())
        if norm in seen:
            raise BadRequest(f"term {term!r} duplicates {seen[norm]!r} (Google ignores case and repeated "
                             "spaces); accepted: distinct terms")
        seen[norm] = term
    return tuple(items)


def validate_geo(geo: str) -> str:
    """Check a Google Trends geo code: ``''`` (worldwide), a country (``'RU'``) or a region (``'US-CA'``).

    The rule is :func:`trendlib.trends.rules.geo_problem`: ISO 3166-1 alpha-2 countries
    (plus ``XK``), regions as the country followed by one or two ``-CODE`` parts (checked for
    shape only).
    """
    problem = geo_problem(geo)
    if problem is not None:
        raise BadRequest(problem)
    return geo


def _parse_bound(value: Any, name: str) -> tuple[dt.datetime, bool]:
    """Parse a start/end bound; return (naive UTC datetime, whether it carries a time of day)."""
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        # a naive datetime at midnight is a date; a time zone or an hour means an hourly bound
        aware = value.tzinfo is not None
        if aware:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if value.minute or value.second or value.microsecond:
            raise BadRequest(f"{name} {value.isoformat()!r} is not on the hour; accepted: whole hours "
                             "(Google's hourly timeframe is YYYY-MM-DDTHH, UTC)")
        return dt.datetime(value.year, value.month, value.day, value.hour), aware or value.hour != 0
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), False
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2})(?::00(?::00)?)?)?(Z|\+00:?00)?", text)
        if m is None:
            raise BadRequest(f"{name} {value!r} is not an ISO date; accepted: YYYY-MM-DD, or YYYY-MM-DDTHH "
                             "(UTC) for hourly data")
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            raise BadRequest(f"{name} {value!r} is not a valid calendar date; accepted: YYYY-MM-DD") from None
        if m.group(2) is None:
            return dt.datetime(day.year, day.month, day.day), False
        hour = int(m.group(2))
        if hour > 23:
            raise BadRequest(f"{name} {value!r} has hour {hour}; accepted: 00-23")
        return dt.datetime(day.year, day.month, day.day, hour), True
    raise BadRequest(f"{name} {value!r} is a {type(value).__name__}; accepted: an ISO date string "
                     "'YYYY-MM-DD', a datetime.date, or a datetime on the hour (UTC) for hourly data")


def _validate_int(value: Any, name: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} {value!r} is not a whole number; accepted: an integer >= {minimum}"
                         + (f" and <= {maximum}" if maximum is not None else ""))
    if value < minimum or (maximum is not None and value > maximum):
        raise BadRequest(f"{name} {value!r} is out of range; accepted: an integer >= {minimum}"
                         + (f" and <= {maximum}" if maximum is not None else ""))
    return value


def _n_days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


# --------------------------------------------------------------------------- resolution rule

def expected_resolution(start: Bound | str, end: Bound | str) -> Resolution:
    """The resolution Google answers with for one request from ``start`` to ``end``.

    Date bounds (``datetime.date`` or ``'YYYY-MM-DD'``), by the span ``d = (end - start).days``:
    ``'day'`` for d <= 269, ``'week'`` for 270 <= d <= 1899, ``'month'`` for d >= 1900 (see
    the module docstring for the source). A 269-day window (``MAX_DAILY_DAYS``, inclusive)
    has d = 268.

    Bounds with a time of day (``datetime`` with a non-zero hour, or ``'YYYY-MM-DDTHH'``;
    UTC): ``'hour'`` when the span ``end - start`` is 72 hours to 7 days; a shorter span gets
    minute data from Google, which trendlib does not support (:class:`BadRequest`); a longer
    one is answered like a date span.
    """
    s, s_time = _parse_bound(start, "start")
    e, e_time = _parse_bound(end, "end")
    if e < s:
        raise BadRequest(f"end {e.isoformat()} is before start {s.isoformat()}; accepted: start <= end")
    if s_time or e_time:
        span = e - s
        if span < dt.timedelta(hours=MIN_HOURLY_HOURS):
            raise BadRequest(f"span {s.isoformat()}..{e.isoformat()} is {span.total_seconds() / 3600:g} hours; "
                             f"Google answers spans under {MIN_HOURLY_HOURS} hours in minutes, which trendlib "
                             f"does not handle; accepted: hourly spans of {MIN_HOURLY_HOURS} hours to "
                             f"{MAX_HOURLY_DAYS} days")
        if span <= dt.timedelta(days=MAX_HOURLY_DAYS):
            return "hour"
    return resolution_for_span((e.date() - s.date()).days)


# --------------------------------------------------------------------------- request

def _slug(text: str, limit: int) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    out = "".join(c if c.isalnum() else "_" for c in text)
    out = re.sub(r"_+", "_", out).strip("_")
    return out[:limit].rstrip("_") or "x"


@dataclasses.dataclass(frozen=True)
class TrendsRequest:
    """One interest-over-time request exactly as it will be sent through pytrends.

    Attributes
    ----------
    terms : the terms of the request, in order (<= 5; the anchor first when batching)
    geo : Google geo code ('' = worldwide)
    start, end : inclusive bounds; ``datetime.date`` for day/week/month requests,
        ``datetime.datetime`` (naive, UTC, on the hour) for hourly requests
    resolution : the resolution Google is expected to answer with (:func:`expected_resolution`);
        a different answer is a :class:`~trendlib.trends.errors.ResolutionMismatch`
    category : Google category id (0 = all)
    gprop : Google property ('' = web search)
    purpose : ``'window'`` (one piece of the series), ``'pin'`` (the coarse whole-span pull
        that pins the stitched level) or ``'repull'`` (a window pulled again without a spiking
        term that swamps its batch-mates; see :mod:`trendlib.trends.batching`)
    batch : index of the term batch (0-based; batch 0 is the reference scale)
    window : index of the time window (0-based), or :data:`PIN_WINDOW` (-1) for a pin pull
    """

    terms: tuple[str, ...]
    geo: str
    start: dt.date
    end: dt.date
    resolution: Resolution
    category: int = 0
    gprop: str = ""
    purpose: Literal["window", "pin", "repull"] = "window"
    batch: int = 0
    window: int = 0

    @property
    def timeframe(self) -> str:
        """The pytrends ``timeframe``: ``'YYYY-MM-DD YYYY-MM-DD'``, or ``'YYYY-MM-DDTHH YYYY-MM-DDTHH'`` (UTC) hourly."""
        if self.resolution == "hour":
            return f"{self.start:%Y-%m-%dT%H} {self.end:%Y-%m-%dT%H}"
        return f"{self.start:%Y-%m-%d} {self.end:%Y-%m-%d}"

    def canonical(self) -> dict[str, Any]:
        """What is sent to Google, as a plain dict (the basis of :meth:`key`).

        Plan bookkeeping (purpose, batch, window) and the expected resolution are not
        part of it: two plans asking Google the same question share cache entries.
        """
        return {"endpoint": "interest_over_time", "terms": list(self.terms), "geo": self.geo,
                "timeframe": self.timeframe, "category": self.category, "gprop": self.gprop}

    def key(self) -> str:
        """A stable cache key: a short readable slug, ``-``, and the SHA-256 (hex) of the canonical JSON.

        The canonical JSON is :meth:`canonical` serialised with sorted keys, compact
        separators and UTF-8 text (``ensure_ascii=False``), terms NFC-normalised. Example:
        ``'ru_mobilizacia+...-2022-01-01_2022-09-26-<64 hex>'``. Safe as a file name.
        """
        canon = self.canonical()
        canon["terms"] = [unicodedata.normalize("NFC", t) for t in canon["terms"]]
        text = json.dumps(canon, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        terms = "+".join(_slug(t, 16) for t in self.terms)[:48].rstrip("+_")
        span = self.timeframe.replace(" ", "_").replace(":", "")
        return f"{(self.geo or 'world').lower()}_{terms}-{span}-{digest}"

    def describe(self) -> str:
        """One human line, e.g. ``window 2 of batch 1: 'a', 'b' in RU, 2022-01-01..2022-09-26 (day)``."""
        what = {"pin": "pin pull", "repull": f"re-pull of window {self.window}"}.get(self.purpose,
                                                                                  f"window {self.window}")
        geo = self.geo or "worldwide"
        extra = "".join([f", category {self.category}" if self.category else "",
                         f", {self.gprop}" if self.gprop else ""])
        start, end = self.timeframe.split(" ")
        terms = ", ".join(repr(t) for t in self.terms)
        return f"{what} of batch {self.batch}: {terms} in {geo}, {start}..{end} ({self.resolution}{extra})"


# --------------------------------------------------------------------------- plan

@dataclasses.dataclass(frozen=True)
class FetchPlan:
    """Everything a fetch will ask Google, computed before anything is sent.

    Attributes
    ----------
    terms : all terms, in the order given
    geo, start, end : as validated (dates, or UTC datetimes for hourly plans)
    resolution : the resolution of the final series
    anchor : the term shared by every batch, or None when there is a single batch (<= 5 terms)
    batches : tuples of terms, each at most 5; the anchor first in each when there are several
    windows : (start, end) pairs, inclusive; consecutive windows overlap by at least
        ``overlap_days`` days when the span needs several daily windows
    overlap_days : the minimum overlap requested (actual overlaps are listed by :meth:`to_frame`)
    pin_resolution : resolution of the pin pulls (``'week'`` or ``'month'``), None without pins
    requests : every request: window pulls (window-major, then batch), re-pulls, then one pin pull per batch
    batching : ``'magnitude'`` (a ladder of batches of neighbours in level, consecutive batches
        sharing terms; :mod:`trendlib.trends.batching`) or ``'typed'`` (one anchor in every batch)
    links : for a ladder, ``(batch_a, batch_b, shared terms)`` of every pair of batches sharing terms
    levels, peaks : the probe's rough level and peak of every term on one scale, ``(term, value)``
        pairs (empty when the plan was made without a probe)
    repulls : the :class:`~trendlib.trends.batching.Repull` of each swamped (window, batch), with its reason
    below_range : terms the probe puts below the measurable range even next to their smallest
        anchor (Google reports them as 0 or "<1"; trendlib does not invent a level for them)
    pin_from_probe : the pin is the probe pull (already a whole-span coarse series of every term on
        one scale), so no pin requests are sent
    expected_errors : ``(term, one value, level)``: expected relative rounding error of one daily
        value and of the term's level on the common scale (:func:`~trendlib.trends.batching.expected_errors`)
    samples : how many pulls of each request, on different fetch days, to average
    category, gprop : as validated
    """

    terms: tuple[str, ...]
    geo: str
    start: dt.date
    end: dt.date
    resolution: Resolution
    anchor: str | None
    batches: tuple[tuple[str, ...], ...]
    windows: tuple[tuple[dt.date, dt.date], ...]
    requests: tuple[TrendsRequest, ...]
    samples: int = 1
    overlap_days: int = DEFAULT_OVERLAP_DAYS
    pin_resolution: Resolution | None = None
    category: int = 0
    gprop: str = ""
    batching: str = "typed"
    links: tuple[tuple[int, int, tuple[str, ...]], ...] = ()
    levels: tuple[tuple[str, float], ...] = ()
    peaks: tuple[tuple[str, float], ...] = ()
    repulls: tuple[Repull, ...] = ()
    below_range: tuple[str, ...] = ()
    expected_errors: tuple[tuple[str, float, float], ...] = ()
    pin_from_probe: bool = False

    @property
    def n_requests(self) -> int:
        """Requests sent on one fetch day (each of the ``samples`` fetch days sends them all again)."""
        return len(self.requests)

    @property
    def n_requests_total(self) -> int:
        """Requests over all samples: ``n_requests * samples``."""
        return len(self.requests) * self.samples

    @property
    def window_requests(self) -> tuple[TrendsRequest, ...]:
        return tuple(r for r in self.requests if r.purpose == "window")

    @property
    def pin_requests(self) -> tuple[TrendsRequest, ...]:
        return tuple(r for r in self.requests if r.purpose == "pin")

    @property
    def repull_requests(self) -> tuple[TrendsRequest, ...]:
        return tuple(r for r in self.requests if r.purpose == "repull")

    def estimated_seconds(self, min_interval: float) -> float:
        """Lower bound of one fetch day's wall time: ``n_requests * min_interval`` seconds.

        ``min_interval`` is the rate limiter's spacing between requests (seconds). Backoff
        after 429s comes on top; samples are taken on different days.
        """
        if not (isinstance(min_interval, (int, float)) and not isinstance(min_interval, bool)
                and math.isfinite(min_interval) and min_interval >= 0):
            raise BadRequest(f"min_interval {min_interval!r} is not a number of seconds >= 0")
        return float(self.n_requests * min_interval)

    def to_frame(self):
        """One row per request: request, purpose, batch, window, start, end, n_days, overlap_prev,
        resolution, timeframe, terms (joined by ' | '), n_terms, geo, category, gprop, key."""
        import pandas as pd

        rows = []
        for i, r in enumerate(self.requests):
            overlap = None
            if r.purpose in ("window", "repull") and r.window > 0 and self.resolution != "hour":
                prev_end = self.windows[r.window - 1][1]
                overlap = max(0, (prev_end - r.start).days + 1)
            n_days = (_as_date(r.end) - _as_date(r.start)).days + 1
            rows.append({"request": i, "purpose": r.purpose, "batch": r.batch, "window": r.window,
                         "start": r.start, "end": r.end, "n_days": n_days, "overlap_prev": overlap,
                         "resolution": r.resolution, "timeframe": r.timeframe,
                         "terms": " | ".join(r.terms), "n_terms": len(r.terms), "geo": r.geo,
                         "category": r.category, "gprop": r.gprop, "key": r.key()})
        df = pd.DataFrame(rows)
        if not df.empty:
            df["overlap_prev"] = df["overlap_prev"].astype("Int64")
        return df

    def summary(self, *, min_interval: float | None = None) -> str:
        """Plain-text description: batches, windows (with overlaps), pins, request count and time."""
        start, end = (f"{self.start:%Y-%m-%dT%H}", f"{self.end:%Y-%m-%dT%H}") if self.resolution == "hour" \
            else (f"{self.start:%Y-%m-%d}", f"{self.end:%Y-%m-%d}")
        lines = ["Google Trends fetch plan",
                 "=" * 24,
                 f"terms        : {len(self.terms)} ({', '.join(repr(t) for t in self.terms)})",
                 f"geo          : {self.geo or 'worldwide'}",
                 f"span         : {start} .. {end} ({self._span_text()})",
                 f"resolution   : {self.resolution}",
                 f"category     : {self.category}    gprop: {self.gprop or 'web'}",
                 f"batching     : {self._batching_text()}",
                 f"batches      : {len(self.batches)}"]
        lines.extend(self._batch_lines())
        lines.append(f"windows      : {len(self.windows)}"
                     + (f" (overlap >= {self.overlap_days} days)" if len(self.windows) > 1 else ""))
        for i, (ws, we) in enumerate(self.windows):
            if self.resolution == "hour":
                lines.append(f"  window {i}: {ws:%Y-%m-%dT%H} .. {we:%Y-%m-%dT%H}")
                continue
            ov = ""
            if i > 0:
                ov = f", overlaps the previous by {(self.windows[i - 1][1] - ws).days + 1} days"
            lines.append(f"  window {i}: {ws:%Y-%m-%d} .. {we:%Y-%m-%d} ({(we - ws).days + 1} days{ov})")
        if self.pin_from_probe:
            lines.append("pin          : the probe pull (whole span, all terms on one scale; no extra requests)")
        elif self.pin_resolution:
            adverb = {"day": "daily", "week": "weekly", "month": "monthly"}.get(self.pin_resolution,
                                                                                  self.pin_resolution)
            lines.append(f"pin pulls    : {len(self.pin_requests)} ({adverb}, whole span, one per batch)")
        for rp in self.repulls:
            lines.append(f"re-pull      : window {rp.window}, batch {rp.batch}: {rp.reason}")
        if self.below_range:
            lines.append("below range  : " + ", ".join(map(repr, self.below_range)) + " (0 or '<1' even next to the "
                         "smallest anchor: reported as Google gives them, marked below_one, no level invented)")
        lines.append(f"requests     : {self.n_requests} per fetch day"
                     + (f" x {self.samples} samples (different days) = {self.n_requests_total}"
                        if self.samples > 1 else ""))
        if min_interval is not None:
            secs = self.estimated_seconds(min_interval)
            lines.append(f"time         : >= {secs:.0f} s per fetch day at one request every {min_interval:g} s "
                         "(backoff after 429s comes on top)")
        return "\n".join(lines)

    def _batching_text(self) -> str:
        if len(self.batches) == 1:
            return "one batch (no anchor needed)"
        if self.batching == "magnitude":
            return "magnitude ladder (neighbours in level share a batch; consecutive batches share anchors)"
        return f"typed order, anchor {self.anchor!r} in every batch"

    def _batch_lines(self) -> list[str]:
        """Batches with the probe level of each term, the ladder's links, the expected rounding errors."""
        lv = dict(self.levels)
        top = max(lv.values(), default=0.0) or 1.0
        lines = []
        for i, b in enumerate(self.batches):
            terms = ", ".join(repr(t) + (f" ({100 * lv[t] / top:.3g})" if t in lv else "") for t in b)
            lines.append(f"  batch {i}: {terms}")
        if lv:
            lines.append("  (probe levels in parentheses, largest = 100)")
        else:
            lines.append("  (no probe levels: at fetch time a probe pull orders the terms by level)")
        for a, b, shared in self.links:
            lines.append(f"  ladder: batch {a} <-> batch {b} through {', '.join(map(repr, shared))}")
        if self.expected_errors:
            lines.append("expected rounding error (one daily value / level on the common scale):")
            for t, one, level in self.expected_errors:
                lines.append(f"  {t!r}: {_pct(one)} / {_pct(level)}")
        return lines

    def _span_text(self) -> str:
        if self.resolution == "hour":
            return f"{(self.end - self.start).total_seconds() / 3600:g} hours"
        return f"{_n_days(self.start, self.end)} days"

    def __str__(self) -> str:
        return self.summary()


def _pct(x: float) -> str:
    if not math.isfinite(x):
        return "below range"
    return "exact (reference)" if x == 0 else f"+/-{100 * x:.2g} %"


def _as_date(x: dt.date) -> dt.date:
    return x.date() if isinstance(x, dt.datetime) else x


def _windows(start: dt.date, end: dt.date, *, max_days: int, overlap: int) -> list[tuple[dt.date, dt.date]]:
    """Equal windows of ``max_days`` days from start to end, evenly spread, overlapping >= ``overlap`` days.

    n = ceil((N - overlap) / (max_days - overlap)) windows cover N days; their starts are
    spread evenly, so the actual overlaps are >= ``overlap`` and differ by at most one day.
    """
    n_days = _n_days(start, end)
    if n_days <= max_days:
        return [(start, end)]
    n = math.ceil((n_days - overlap) / (max_days - overlap))
    n = max(n, 2)
    room = n_days - max_days
    out = []
    for i in range(n):
        offset = (i * room) // (n - 1)
        s = start + dt.timedelta(days=offset)
        out.append((s, s + dt.timedelta(days=max_days - 1)))
    return out


def make_plan(terms: str | Sequence[str], *, geo: str, start: Bound | str, end: Bound | str,
              resolution: str = "auto", category: int = 0, gprop: str = "", anchor: str | None = None,
              samples: int = 1, overlap_days: int = DEFAULT_OVERLAP_DAYS,
              max_window_days: int = MAX_DAILY_DAYS, today: dt.date | str | None = None,
              levels: Mapping[str, float] | None = None, peaks: Mapping[str, float] | None = None,
              peak_dates: Mapping[str, Any] | None = None, batching: str = "magnitude",
              pin_pulls: bool = True) -> FetchPlan:
    """Plan the requests that fetch ``terms`` in ``geo`` from ``start`` to ``end``. Sends nothing.

    Parameters
    ----------
    terms : search terms exactly as sent to Google (see :func:`validate_terms`)
    geo : '' (worldwide), a country code ('RU') or a region ('US-CA') (see :func:`validate_geo`)
    start, end : inclusive bounds: ISO dates ('YYYY-MM-DD' or ``datetime.date``), or, for hourly
        data, hours in UTC ('YYYY-MM-DDTHH' or a ``datetime`` on the hour). Not before 2004-01-01
        (2008-01-01 for a ``gprop`` other than web search).
    resolution : ``'auto'`` (what Google answers for the whole span, :func:`expected_resolution`;
        hourly when the bounds carry times) or one of ``'hour'``, ``'day'``, ``'week'``, ``'month'``.
        ``'day'`` works over any span (overlapping windows plus pins); ``'hour'`` needs a span of
        72 hours to 7 days (date bounds mean 00:00 of ``start`` to 23:00 of ``end``); ``'week'`` and
        ``'month'`` only where Google gives them for the whole span (otherwise :class:`BadRequest`,
        since trendlib does not aggregate finer data to pretend Google said it).
    category : Google category id, integer >= 0 (0 = all categories)
    gprop : '' (web search), 'images', 'news', 'youtube' or 'froogle'
    anchor : with more than 5 terms, the term shared by every batch (one of ``terms``); default
        :func:`choose_anchor` of ``levels`` when given, else the first term. Choose it with :func:`choose_anchor` from rough levels (e.g. a probe pull): a
        term near the geometric middle of the levels keeps every term measurable. An anchor that
        is not one of ``terms`` is a :class:`BadRequest`; with 5 terms or fewer a valid anchor is
        not needed (the plan's anchor is None), since one request compares them directly.
    samples : pulls of each request on different fetch days to average (>= 1)
    overlap_days : minimum overlap between consecutive daily windows (default 90 days). Longer
        overlaps give the stitcher more shared days (each ~1/3 of a window by default: several
        weekly cycles and enough days above rounding for small terms) at the cost of more
        windows; a 2-year daily series takes 4 windows per batch either way with 60-90 days.
    max_window_days : longest daily window (8..269 days, default 269)
    today : optional date; ``end`` may not be after it. Never defaults to the real today
        (plans are reproducible); pass it to catch requests for future data.
    levels : optional rough level of every term on one scale (e.g. means from a probe pull).
        With more than 5 terms it picks the default anchor (:func:`choose_anchor`) and groups
        the other terms by level (largest first), so small terms share a request with the
        anchor rather than with the largest terms, and rounding hurts them less.
    peaks : optional largest value of every term on the same scale, used with ``levels`` to
        choose the anchor (Google scales each request to its peak; see :func:`choose_anchor`).
    peak_dates : optional date of each term's peak (from the probe); with ``peaks`` it lets the
        plan re-pull daily windows that a spike swamps (:func:`~trendlib.trends.batching.swamped_repulls`).
    pin_pulls : send one pin pull per batch when the series needs several daily windows (default);
        False when the caller pins to a probe pull it already has (``pin_from_probe``).
    batching : ``'magnitude'`` (default): with more than 5 terms, a ladder of batches of
        neighbours in level sharing anchors (:func:`~trendlib.trends.batching.ladder_batches`;
        calibrated by :func:`trendlib.trends.stitch.calibrate_ladder`); ``'typed'``: one anchor
        in every batch, terms in the typed order (the original plan, kept for comparison). An
        explicit ``anchor`` means the typed star through it.

    Returns
    -------
    FetchPlan
        ``requests`` = batches x windows window pulls, plus the re-pulls of swamped windows, plus,
        when there are several daily windows, one pin pull per batch over the whole span (weekly up
        to 1899 days, else monthly).

    Raises
    ------
    BadRequest
        for any invalid input; the message names the value and what is accepted.
    """
    terms = validate_terms(terms)
    geo = validate_geo(geo)
    samples, max_window_days, overlap_days = _check_options(
        category=category, gprop=gprop, resolution=resolution, samples=samples,
        max_window_days=max_window_days, overlap_days=overlap_days)
    span_start, span_end, res = _span(start, end, resolution=resolution, gprop=gprop, today=today)
    mode, anchor, batches, lv, pk = _batching(terms, batching=batching, anchor=anchor, levels=levels,
                                              peaks=peaks)
    if res == "day":
        windows = _windows(span_start, span_end, max_days=max_window_days, overlap=overlap_days)
    else:
        windows = [(span_start, span_end)]
    pin_res: Resolution | None = None
    if len(windows) > 1:
        pin_res = expected_resolution(span_start, span_end)
    repulls: list[Repull] = []
    if mode == "magnitude" and lv is not None and res == "day":
        dates = {t: _parse_bound(d, f"peak date of {t!r}")[0].date() for t, d in (peak_dates or {}).items()}
        repulls = swamped_repulls(batches, windows, lv, pk, dates)
    requests = _requests(batches, windows, repulls, res=res, pin_res=pin_res if pin_pulls else None,
                         span=(span_start, span_end),
                         geo=geo, category=category, gprop=gprop)
    n_days = min((_n_days(_as_date(a), _as_date(b)) for a, b in windows), default=1)
    errors = expected_errors(batches, lv, pk, n_days=n_days, star_anchor=anchor) if lv is not None else {}
    return FetchPlan(terms=terms, geo=geo, start=span_start, end=span_end, resolution=res, anchor=anchor,
                     batches=tuple(batches), windows=tuple(windows), requests=tuple(requests),
                     samples=samples, overlap_days=overlap_days, pin_resolution=pin_res,
                     category=category, gprop=gprop, batching=mode,
                     links=tuple(ladder_links(batches)) if mode == "magnitude" else (),
                     levels=tuple((t, lv[t]) for t in terms) if lv is not None else (),
                     peaks=tuple((t, pk[t]) for t in terms) if pk is not None else (),
                     repulls=tuple(repulls),
                     below_range=tuple(below_range(batches, lv, pk)) if lv is not None else (),
                     expected_errors=tuple((t, *errors[t]) for t in terms if t in errors),
                     pin_from_probe=pin_res is not None and not pin_pulls)


def _check_options(*, category: Any, gprop: str, resolution: str, samples: Any, max_window_days: Any,
                   overlap_days: Any) -> tuple[int, int, int]:
    """The plain options, checked: ``(samples, max_window_days, overlap_days)``; BadRequest otherwise."""
    if isinstance(category, bool) or not isinstance(category, int) or category < 0:
        raise BadRequest(f"category {category!r} is not a Google category id; accepted: an integer >= 0 "
                         "(0 = all categories)")
    if gprop_problem(gprop) is not None:
        raise BadRequest(gprop_problem(gprop))
    if resolution != "auto" and resolution not in RESOLUTIONS:
        raise BadRequest(f"resolution {resolution!r} is not known; accepted: 'auto', "
                         + ", ".join(repr(r) for r in RESOLUTIONS))
    samples = _validate_int(samples, "samples", minimum=1)
    max_window_days = _validate_int(max_window_days, "max_window_days", minimum=8, maximum=MAX_DAILY_DAYS)
    overlap_days = _validate_int(overlap_days, "overlap_days", minimum=1, maximum=max_window_days - 1)
    return samples, max_window_days, overlap_days


def _span(start: Bound | str, end: Bound | str, *, resolution: str, gprop: str, today: dt.date | str | None
          ) -> tuple[Any, Any, Resolution]:
    """The checked span (dates, or hours for hourly data) and the resolution the plan asks for."""
    s, s_time = _parse_bound(start, "start")
    e, e_time = _parse_bound(end, "end")
    if e < s:
        raise BadRequest(f"end {e.isoformat()} is before start {s.isoformat()}; accepted: start <= end")
    earliest = earliest_date(gprop)
    if s.date() < earliest:
        raise BadRequest(f"start {s.date().isoformat()} is before Google Trends data begin for "
                         f"{gprop or 'web search'}; accepted: {earliest.isoformat()} or later")
    if today is not None:
        today_d = _parse_bound(today, "today")[0].date()
        if e.date() > today_d:
            raise BadRequest(f"end {e.date().isoformat()} is after today ({today_d.isoformat()}); "
                             "accepted: dates up to today (Google has no future data)")
    if resolution == "hour" or s_time or e_time:
        return _hourly_span(s, e, resolution=resolution, has_times=s_time or e_time)
    span_start, span_end = s.date(), e.date()
    google = expected_resolution(span_start, span_end)
    if resolution == "auto":
        return span_start, span_end, google
    if resolution == "day":
        return span_start, span_end, "day"
    if resolution != google:
        n = _n_days(span_start, span_end)
        raise BadRequest(f"resolution {resolution!r} is not available for {span_start}..{span_end} "
                         f"(end - start = {n - 1} days): Google answers {google!r} for that span (day "
                         f"<= {MAX_DAILY_DAYS}, week {MAX_DAILY_DAYS + 1}-{MAX_WEEKLY_DAYS}, month >= "
                         f"{MAX_WEEKLY_DAYS + 1}); accepted: 'auto', 'day' or {google!r}")
    return span_start, span_end, resolution  # type: ignore[return-value]


def _hourly_span(s: dt.datetime, e: dt.datetime, *, resolution: str, has_times: bool
                 ) -> tuple[dt.datetime, dt.datetime, Resolution]:
    """An hourly span: 72 hours to 7 days (date bounds mean 00:00 of start to 23:00 of end)."""
    if resolution not in ("auto", "hour"):
        raise BadRequest(f"start/end carry times of day ({s.isoformat()}, {e.isoformat()}) but resolution "
                         f"is {resolution!r}; accepted: hours with resolution 'hour' or 'auto', dates otherwise")
    if not has_times:
        e = e.replace(hour=23)
    span = e - s
    if span < dt.timedelta(hours=MIN_HOURLY_HOURS) or span > dt.timedelta(days=MAX_HOURLY_DAYS):
        raise BadRequest(f"hourly span {s:%Y-%m-%dT%H}..{e:%Y-%m-%dT%H} is "
                         f"{span.total_seconds() / 3600:g} hours; accepted: {MIN_HOURLY_HOURS} hours to "
                         f"{MAX_HOURLY_DAYS} days ({MAX_HOURLY_DAYS * 24} hours); Google answers shorter "
                         "spans in minutes and longer ones daily")
    return s, e, "hour"


def _batching(terms: tuple[str, ...], *, batching: str, anchor: str | None,
              levels: Mapping[str, float] | None, peaks: Mapping[str, float] | None
              ) -> tuple[str, str | None, list[tuple[str, ...]], dict[str, float] | None, dict[str, float] | None]:
    """``(mode, anchor, batches, levels, peaks)``: the typed star or the magnitude ladder of batches."""
    if batching not in BATCHINGS:
        raise BadRequest(f"batching {batching!r} is not known; accepted: " + ", ".join(map(repr, BATCHINGS)))
    lv = _levels_for(terms, levels)
    pk = _levels_for(terms, peaks, "peaks") if (peaks is not None and lv is not None) else None
    if anchor is not None and anchor not in terms:
        raise BadRequest(f"anchor {anchor!r} is not one of the terms; accepted: one of "
                         + ", ".join(repr(t) for t in terms))
    mode = "typed" if (batching == "typed" or anchor is not None or len(terms) <= MAX_TERMS) else "magnitude"
    if len(terms) <= MAX_TERMS:
        anchor = None
    elif mode == "typed" and anchor is None:
        anchor = choose_anchor({t: lv[t] for t in terms}, peaks=pk) if lv is not None else terms[0]
    batches = star_batches(terms, anchor, lv) if mode == "typed" else ladder_batches(terms, lv)
    if len(batches) == 1:
        mode = "typed"
    return mode, anchor, batches, lv, pk


def _levels_for(terms: tuple[str, ...], levels: Mapping[str, float] | None, what: str = "levels"
                ) -> dict[str, float] | None:
    """Checked levels (or peaks) with one entry for every term, or None."""
    if levels is None:
        return None
    lv = _check_levels(levels)
    missing = [t for t in terms if t not in lv]
    if missing:
        raise BadRequest(f"{what} lack the term(s) {', '.join(map(repr, missing))}; accepted: a value for "
                         "every term")
    return lv


def _requests(batches: list[tuple[str, ...]], windows: list[tuple[Any, Any]], repulls: list[Repull], *,
              res: Resolution, pin_res: Resolution | None, span: tuple[Any, Any], geo: str, category: int,
              gprop: str) -> list[TrendsRequest]:
    """Window pulls (window-major, then batch), re-pulls (batch numbers after the plan's), then pins."""
    common = dict(geo=geo, category=category, gprop=gprop)
    out: list[TrendsRequest] = []
    for w, (ws, we) in enumerate(windows):
        win_res = res if res != "day" else expected_resolution(ws, we)
        for b, batch in enumerate(batches):
            out.append(TrendsRequest(terms=batch, start=ws, end=we, resolution=win_res, purpose="window",
                                     batch=b, window=w, **common))
    for k, rp in enumerate(repulls):
        ws, we = windows[rp.window]
        out.append(TrendsRequest(terms=rp.terms, start=ws, end=we, resolution=expected_resolution(ws, we),
                                 purpose="repull", batch=len(batches) + k, window=rp.window, **common))
    if pin_res is not None:
        for b, batch in enumerate(batches):
            out.append(TrendsRequest(terms=batch, start=span[0], end=span[1], resolution=pin_res,
                                     purpose="pin", batch=b, window=PIN_WINDOW, **common))
    return out



# --------------------------------------------------------------------------- anchor choice

def _check_levels(levels: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(levels, Mapping) or not levels:
        raise BadRequest(f"levels {levels!r} is not a non-empty mapping of term -> level; accepted: e.g. "
                         "{'a': 40.0, 'b': 2.5}")
    out = {}
    for term, level in levels.items():
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not math.isfinite(level) \
                or level < 0:
            raise BadRequest(f"level of {term!r} is {level!r}; accepted: a finite number >= 0 "
                             "(e.g. the term's mean in a probe pull, all terms on one scale)")
        out[str(term)] = float(level)
    if max(out.values()) <= 0:
        raise BadRequest("every level is 0; accepted: at least one positive level")
    return out


def anchor_rounding_error(levels: Mapping[str, float], anchor: str, *,
                          peaks: Mapping[str, float] | None = None) -> float:
    """Worst relative rounding error (a fraction) that calibrating every term through ``anchor`` implies.

    ``levels`` are rough typical levels of the terms on one common scale (e.g. means from a probe
    pull; only ratios matter); ``peaks`` their largest values on the same scale (default: the
    levels). Google scales each request so its largest value is 100 and rounds to integers, so
    a typical value ``L`` in a request whose largest value is ``M`` is reported as ``100 L / M``
    points with an error of up to 0.5, a relative error of ``0.5 M / (100 L)``. Term ``t`` reaches
    the common scale through the anchor ``a`` in its batch (largest value at least
    ``M_t = max(P_a, P_t)``) and the anchor in the batch holding the largest peak ``P_max``, so its
    error is about::

        e_t = 0.5/100 * ( M_t/L_t + M_t/L_a + P_max/L_a )

    A term or anchor reported below 1 point (``100 L / M < 1``: Google says 0 or "<1") is
    destroyed: the error is ``inf``. The result is ``max_t e_t`` (the anchor's own term counts too).
    A large anchor pushes small terms to 0; a small anchor is itself rounded away next to large
    terms; an anchor near the geometric middle of the levels balances the two.
    """
    lv = _check_levels(levels)
    pk = _check_levels(peaks) if peaks is not None else lv
    missing = [t for t in lv if t not in pk]
    if missing:
        raise BadRequest(f"peaks lack the term(s) {', '.join(map(repr, missing))}; accepted: a peak for every term")
    if anchor not in lv:
        raise BadRequest(f"anchor {anchor!r} is not among the levels' terms; accepted: one of "
                         + ", ".join(repr(t) for t in lv))
    pk = {t: max(pk[t], lv[t]) for t in lv}
    la, pa = lv[anchor], pk[anchor]
    pmax = max(pk.values())
    if la <= 0 or 100 * la / pmax < 1:
        return math.inf
    worst = 0.0
    for term, lt in lv.items():
        m = max(pa, pk[term])
        if lt <= 0 or 100 * lt / m < 1:
            return math.inf
        e = 0.5 / 100 * (m / lt + m / la + pmax / la)
        worst = max(worst, e)
    return worst


def choose_anchor(levels: Mapping[str, float], *, peaks: Mapping[str, float] | None = None) -> str:
    """Pick the anchor term that keeps integer rounding from destroying small series.

    ``levels``: rough typical level of each term on one common scale (e.g. means from a coarse
    probe pull or an earlier fetch); only ratios matter. ``peaks``: optional largest value of each
    term on the same scale; pass them when terms spike, since Google scales every request to its
    peak (default: the levels). Every candidate is scored by :func:`anchor_rounding_error` (the
    worst relative rounding error its calibration implies over all terms) and the minimum wins;
    ties go to the earlier term. The winner sits near the geometric middle of the levels: large
    enough to be measured precisely next to the largest term, small enough that the smallest
    terms are not rounded to 0 next to it. Terms with level 0 carry no information and cannot be
    rescued by any anchor; they are left out of the scoring (a term that is 0 everywhere is
    reported as 0 whatever the anchor).
    """
    lv = _check_levels(levels)
    scored = {t: v for t, v in lv.items() if v > 0}
    pk = None
    if peaks is not None:
        pk_all = _check_levels(peaks)
        missing = [t for t in scored if t not in pk_all]
        if missing:
            raise BadRequest(f"peaks lack the term(s) {', '.join(map(repr, missing))}; accepted: a peak for "
                             "every term")
        pk = {t: pk_all[t] for t in scored}
    best, best_err = None, math.inf
    for cand in scored:
        err = anchor_rounding_error(scored, cand, peaks=pk)
        if best is None or err < best_err:
            best, best_err = cand, err
    assert best is not None
    if not math.isfinite(best_err):
        # even the best anchor leaves some term below 1 point: fall back on the geometric middle
        logmid = sum(math.log(v) for v in scored.values()) / len(scored)
        best = min(scored, key=lambda t: abs(math.log(scored[t]) - logmid))
    return best
