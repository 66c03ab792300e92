"""Google Trends' own rules, written down once: geo codes, properties, term limits, resolutions, dates.

Every module that needs one of these rules imports it from here: the plan
(:mod:`trendlib.trends.plan`), the client (:mod:`trendlib.trends.client`), the command
lines (``trendlib fetch``/``plan`` and ``trendlib import``), the study validation
(:mod:`trendlib.study`) and the fake server and simulator (:mod:`trendlib.testing`).

Pure data and pure functions: no HTTP, no files, no clock, no pandas.

Sources: ``google-trends-tooling-survey.md`` (section 1, "Resolution and window limits":
trendspy's docstring cross-checked against pytrends' recorded responses of March 2023) and
pytrends 4.9.2 (``gprop`` values it accepts).

Resolution by span
------------------
The resolution Google answers with depends only on the span ``d = (end - start).days`` of
the request (date bounds): ``day`` for ``d <= 269`` (:data:`DAY_MAX_SPAN_DAYS`), ``week``
for ``270 <= d <= 1899`` (:data:`WEEK_MAX_SPAN_DAYS`), ``month`` beyond. Bounds with an
hour (``YYYY-MM-DDTHH``, UTC) give ``hour`` for spans of :data:`MIN_HOURLY_HOURS` hours to
:data:`MAX_HOURLY_DAYS` days (Google: 72 h to 8 days; trendlib keeps a day of margin) and
minutes below 72 hours, which trendlib does not handle.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

__all__ = [
    "MAX_TERMS", "MAX_TERM_CHARS", "GPROPS", "RESOLUTIONS", "DAY_MAX_SPAN_DAYS", "WEEK_MAX_SPAN_DAYS",
    "MAX_HOURLY_DAYS", "MIN_HOURLY_HOURS", "EARLIEST_DATE", "EARLIEST_DATE_NON_WEB", "COUNTRIES",
    "RESOLUTION_FROM_WIRE", "RESOLUTION_TO_WIRE", "REGION_RESOLUTIONS",
    "geo_problem", "is_geo_code", "gprop_problem", "earliest_date", "resolution_for_span",
    "GEO_ACCEPTED", "GPROP_ACCEPTED",
]

Resolution = Literal["hour", "day", "week", "month"]

#: Google compares at most this many terms in one request.
MAX_TERMS = 5
#: Longest term trendlib sends (Google truncates or rejects longer ones).
MAX_TERM_CHARS = 100
#: Google properties (``gprop``): '' is web search ("froogle" is Google Shopping).
GPROPS = ("", "images", "news", "youtube", "froogle")
#: The resolutions trendlib handles, finest first.
RESOLUTIONS: tuple[Resolution, ...] = ("hour", "day", "week", "month")
#: Google answers daily while ``(end - start).days`` is at most this.
DAY_MAX_SPAN_DAYS = 269
#: Google answers weekly while ``(end - start).days`` is at most this, monthly beyond.
WEEK_MAX_SPAN_DAYS = 1899
#: Longest span (``end - start``) trendlib requests at hourly resolution (Google: under 8 days).
MAX_HOURLY_DAYS = 7
#: Shortest hourly span: below 72 hours Google answers in minutes, which trendlib does not handle.
MIN_HOURLY_HOURS = 72
#: Web-search data start here.
EARLIEST_DATE = dt.date(2004, 1, 1)
#: Images, news, YouTube and Google Shopping ("froogle") data start here.
EARLIEST_DATE_NON_WEB = dt.date(2008, 1, 1)
#: The ``resolution`` strings of Google's widget requests, and back.
RESOLUTION_TO_WIRE = {"hour": "HOUR", "day": "DAY", "week": "WEEK", "month": "MONTH"}
RESOLUTION_FROM_WIRE = {v: k for k, v in RESOLUTION_TO_WIRE.items()}
#: Region levels of interest by region (``COUNTRY`` worldwide, ``REGION`` in a country).
REGION_RESOLUTIONS = ("COUNTRY", "REGION", "DMA", "CITY")

#: ISO 3166-1 alpha-2 codes (officially assigned), plus XK (Kosovo), which Google uses.
COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
VG VI VN VU WF WS YE YT ZA ZM ZW XK
""".split())
_GEO_RE = re.compile(r"^([A-Z]{2})(-[A-Z0-9]{1,3}){0,2}$")
_COMMON_GEO_MISTAKES = {"UK": "GB", "EN": "GB", "EU": "'' (worldwide; Google has no EU geo)"}
#: What a geo may be, for error messages.
GEO_ACCEPTED = "'' (worldwide), an upper-case ISO country code like 'RU', or a region like 'US-CA'"
#: What a gprop may be, for error messages.
GPROP_ACCEPTED = ", ".join(repr(g) for g in GPROPS) + " ('' = web search)"


def geo_problem(geo: object) -> str | None:
    """Why ``geo`` is not a Google Trends geo code (a message naming it and what is accepted), or None.

    Accepted: ``''`` (worldwide), an ISO 3166-1 alpha-2 country (``'RU'``, plus ``XK``), or
    the country followed by one or two ``-CODE`` parts (ISO 3166-2 subdivision ``'US-CA'``,
    US metro ``'US-CA-807'``; region parts are checked for shape only).
    """
    if not isinstance(geo, str):
        return f"geo {geo!r} is not a string; accepted: {GEO_ACCEPTED}"
    if geo == "":
        return None
    m = _GEO_RE.match(geo)
    if m is None:
        hint = f"; did you mean {geo.upper()!r}?" if _GEO_RE.match(geo.upper()) else ""
        return f"geo {geo!r} is not a Google Trends geo code; accepted: {GEO_ACCEPTED}{hint}"
    country = m.group(1)
    if country not in COUNTRIES:
        hint = _COMMON_GEO_MISTAKES.get(country)
        return (f"geo {geo!r}: {country!r} is not an ISO 3166-1 country code"
                + (f"; use {hint}" if hint else "; accepted: e.g. 'RU', 'UA', 'KZ', 'GE', 'US'"))
    return None


def is_geo_code(geo: object) -> bool:
    """True when ``geo`` is a valid Google Trends geo code (see :func:`geo_problem`)."""
    return geo_problem(geo) is None


def gprop_problem(gprop: object) -> str | None:
    """Why ``gprop`` is not a Google property (a message naming it and what is accepted), or None."""
    if gprop in GPROPS:
        return None
    return f"gprop {gprop!r} is not a Google property; accepted: {GPROP_ACCEPTED}"


def earliest_date(gprop: str = "") -> dt.date:
    """First day with Google Trends data: 2004-01-01 for web search, 2008-01-01 for other properties."""
    return EARLIEST_DATE if gprop == "" else EARLIEST_DATE_NON_WEB


def resolution_for_span(span_days: float, *, hourly: bool = False) -> Resolution:
    """The resolution Google answers with for a request whose ``end - start`` is ``span_days`` days.

    ``hourly``: the bounds carry hours (``YYYY-MM-DDTHH``); then spans up to
    :data:`MAX_HOURLY_DAYS` are ``'hour'`` (the caller checks the 72-hour minimum).
    Otherwise ``'day'`` up to :data:`DAY_MAX_SPAN_DAYS`, ``'week'`` up to
    :data:`WEEK_MAX_SPAN_DAYS`, ``'month'`` beyond. ``span_days`` must be >= 0.
    """
    if span_days < 0:
        raise ValueError(f"span_days {span_days!r} is negative; accepted: end on or after start")
    if hourly and span_days <= MAX_HOURLY_DAYS:
        return "hour"
    if span_days <= DAY_MAX_SPAN_DAYS:
        return "day"
    if span_days <= WEEK_MAX_SPAN_DAYS:
        return "week"
    return "month"
