"""A fake Google Trends server on loopback, speaking the wire format pytrends 4.9.2 uses.

It lets trendlib (and anyone) run the real pytrends HTTP code path with no network: the
answers are computed by :mod:`trendlib.testing.simulate` from latent daily search volumes, so they
behave like Google's (per-request 0-100 scaling, integer rounding, ``"<1"``, ``hasData``,
the resolution rule by span, a trailing ``isPartial`` point, sampling noise fixed within a
fetch day and different across days). **Its numbers are simulated, never real data.**

Endpoints (under ``/trends``; see the tooling survey, section 3)::

    GET  /trends/explore/?geo=..                 cookie page, sets NID (status ignored by pytrends)
    POST /trends/api/explore?hl&tz&req=<json>    widgets with tokens; )]}' prefix
    GET  /trends/api/widgetdata/multiline        interest over time; )]}', prefix
    GET  /trends/api/widgetdata/comparedgeo      interest by region
    GET  /trends/api/widgetdata/relatedsearches  related queries (top and rising)

Use from the command line (serves until Ctrl-C)::

    python -m trendlib.testing.fakegoogle --port 8765
    TRENDLIB_TRENDS_URL=http://127.0.0.1:8765/trends trendlib fetch visa --geo RU ...

Use in tests::

    with FakeGoogle(today="2023-01-15") as fake:
        ...  # fake.url, fake.today = "2023-01-16", fake.inject("429", count=3), fake.count("multiline")

Faults (:meth:`FakeGoogle.inject`): ``429`` (optionally with ``retry_after``), ``500``,
``400``, ``quota`` (429 with Google's quota text), ``no_content_type``, ``invalid_json``,
``cut`` (the connection closes mid-body), ``wrong_resolution`` (explore announces and
multiline returns another resolution), ``empty_timeline``, ``hang`` (waits ``seconds`` before
answering). Each applies to an ``endpoint`` (``cookie``, ``explore``, ``multiline``,
``comparedgeo``, ``relatedsearches`` or ``any``) for the next ``count`` requests or for
``duration`` seconds.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from trendlib.testing import simulate
from trendlib.testing._server import (LoopbackFake, LoopbackHandler, as_day, fault_until, server_parser,
                                      serve_until_stopped)
from trendlib.trends.rules import EARLIEST_DATE, GPROPS, MAX_TERMS

__all__ = ["FakeGoogle", "LoggedRequest", "demo_latent", "FAULTS", "main"]

log = logging.getLogger("trendlib.testing.fakegoogle")

FAULTS = ("429", "500", "400", "quota", "no_content_type", "invalid_json", "cut", "wrong_resolution",
          "empty_timeline", "hang", "html", "captcha", "consent", "empty_body", "other_json")
# answers that are not data, all with HTTP 200 (what a proxy, captive portal, captcha or consent wall sends)
_NOT_DATA = {
    "html": (b"<!doctype html><html><head><title>Network login</title></head><body>Sign in to continue"
             b"</body></html>", "text/html; charset=UTF-8"),
    "captcha": (b"<html><head><title>Sorry...</title></head><body>Our systems have detected unusual traffic "
                b"from your computer network. <form action=\"/sorry/index\">captcha</form></body></html>",
                "text/html; charset=UTF-8"),
    "consent": (b"<html><head><title>Before you continue to Google</title></head><body><form "
                b"action=\"https://consent.google.com/save\">We use cookies and data</form></body></html>",
                "text/html; charset=UTF-8"),
    "empty_body": (b"", "application/json; charset=utf-8"),
    "other_json": (b'{"error": {"code": 200, "message": "something else"}}', "application/json; charset=utf-8"),
}
ENDPOINTS = ("cookie", "explore", "multiline", "comparedgeo", "relatedsearches", "any")
_RES_WIRE = {"hour": "HOUR", "day": "DAY", "week": "WEEK", "month": "MONTH"}
_RES_FROM_WIRE = {v: k for k, v in _RES_WIRE.items()}
_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T\d{2})? (\d{4}-\d{2}-\d{2})(T\d{2})?$")
_GEO_RE = re.compile(r"^([A-Z]{2}(-[A-Z0-9]{1,3}){0,2})?$")
_QUOTA_TEXT = "You have reached your quota limit. Please try again later."
_REGIONS = {
    "": [("US", "United States"), ("RU", "Russia"), ("DE", "Germany"), ("GE", "Georgia"),
         ("KZ", "Kazakhstan"), ("FI", "Finland"), ("AM", "Armenia"), ("RS", "Serbia"), ("TR", "Turkey")],
    "RU": [("RU-MOW", "Moscow"), ("RU-SPE", "Saint Petersburg"), ("RU-MOS", "Moscow Oblast"),
           ("RU-SVE", "Sverdlovsk Oblast"), ("RU-NVS", "Novosibirsk Oblast"), ("RU-TA", "Tatarstan"),
           ("RU-KDA", "Krasnodar Krai"), ("RU-DA", "Dagestan"), ("RU-BU", "Buryatia"), ("RU-CHU", "Chukotka")],
}
_RELATED_SUFFIXES = ["2022", "how to get", "online", "price", "news", "russia", "application", "requirements",
                     "georgia", "kazakhstan"]


def demo_latent(query: str, geo: str, index: Any, *, seed: int = 0) -> Any:
    """Latent daily (or hourly) volume for any term, derived from a hash of (seed, query, geo).

    Each term gets a baseline between about 20 and 50,000 searches a day (log-uniform), a
    weekly cycle, a slow trend and fixed pseudo-random day-to-day wiggles, so any query can
    be tried against the fake server. Values for a date do not depend on the window asked.
    """
    import numpy as np
    import pandas as pd

    h = simulate.derive_seed("demo", seed, query, geo)
    u = [((h >> (8 * k)) & 0xFF) / 255.0 for k in range(4)]
    baseline = float(np.exp(np.log(20) + u[0] * (np.log(50000) - np.log(20))))
    idx = pd.DatetimeIndex(index)
    days = ((idx - pd.Timestamp("2004-01-01")) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    day_no = np.floor(days)
    weekly = 1 + 0.3 * u[1] * np.cos(2 * np.pi * (idx.day_of_week.to_numpy() - 6) / 7.0)
    trend = np.exp((u[2] - 0.5) * 0.2 * days / 365.25)
    wiggle = np.sin(day_no * 12.9898 + (h % 1000)) * 43758.5453
    wiggle = np.exp(0.15 * (wiggle - np.floor(wiggle) - 0.5))
    slow = 1 + 0.4 * u[3] * np.sin(2 * np.pi * days / 365.25 + h % 7)
    vol = baseline * weekly * trend * wiggle * slow
    hourly = len(idx) > 1 and (idx[1] - idx[0]) < pd.Timedelta(days=1)
    if hourly:
        vol = vol / 24.0 * (1.0 + 0.5 * np.cos(2 * np.pi * (idx.hour.to_numpy() - 16) / 24.0))
    return vol


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake server received."""

    endpoint: str  # cookie, explore, multiline, comparedgeo, relatedsearches, other
    method: str
    path: str
    params: dict[str, str]
    status: int
    fault: str  # '' when answered normally
    day: str    # the fake's "today" when it answered (ISO date)
    at: float   # time.monotonic() when it was received


@dataclass
class _Fault:
    kind: str
    endpoint: str
    count: int | None
    until: float | None
    retry_after: float | None = None
    seconds: float = 0.0
    resolution: str = "week"


class FakeGoogle(LoopbackFake):
    """The fake server. Start it with ``start()`` or as a context manager; stop with ``stop()``.

    Parameters (keyword-only)
    -------------------------
    latent : tidy frame ``date, query, geo, volume`` or callable ``(query, geo, DatetimeIndex)
        -> volumes`` (see :func:`trendlib.testing.simulate.google_pull`); default :func:`demo_latent`,
        which invents a curve for any term.
    today : the fake's current day (the fetch day that seeds the sampling and sets the partial
        point), ISO date; settable later through the ``today`` attribute. Default: the real
        UTC date, like Google.
    seed, sample_rate, threshold : passed to :func:`trendlib.testing.simulate.google_pull`.
    host, port : where to listen (default 127.0.0.1 and a free port).
    """

    _name = "fakegoogle"
    #: the base URL to give trendlib (``TRENDLIB_TRENDS_URL``) is ``http://127.0.0.1:PORT/trends``
    _url_path = "/trends"

    def __init__(self, latent: Any = None, *, today: Any = None, seed: int = 0, sample_rate: float = 0.05,
                 threshold: float = 5.0, host: str = "127.0.0.1", port: int = 0):
        self.latent = latent if latent is not None else (lambda q, g, i: demo_latent(q, g, i, seed=seed))
        self._today = self._day(today) if today is not None else dt.datetime.now(dt.timezone.utc).date()
        self.seed = seed
        self.sample_rate = sample_rate
        self.threshold = threshold
        super().__init__(host=host, port=port)

    # ------------------------------------------------------------------ the day
    _day = staticmethod(as_day)

    @property
    def today(self) -> dt.date:
        """The fake's current (UTC) day; set it to simulate fetching on another day."""
        return self._today

    @today.setter
    def today(self, value: Any) -> None:
        with self._lock:
            self._today = self._day(value)

    # ------------------------------------------------------------------ faults and log
    def inject(self, kind: str, *, endpoint: str = "any", count: int | None = 1, duration: float | None = None,
               retry_after: float | None = None, seconds: float = 30.0, resolution: str = "week") -> None:
        """Misbehave for the next ``count`` matching requests (or for ``duration`` seconds).

        ``retry_after`` adds a ``Retry-After`` header to 429/500 answers; ``seconds`` is how long
        ``hang`` waits; ``resolution`` is what ``wrong_resolution`` answers with. ``html``,
        ``captcha``, ``consent``, ``empty_body`` and ``other_json`` answer HTTP 200 with something
        that is not data (a portal page, a captcha, a consent wall, nothing, JSON of another shape).
        """
        if kind not in FAULTS:
            raise ValueError(f"fault {kind!r}; accepted: {', '.join(FAULTS)}")
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint {endpoint!r}; accepted: {', '.join(ENDPOINTS)}")
        self._add_fault(_Fault(kind, endpoint, None if duration is not None else count, fault_until(duration),
                               retry_after, seconds, resolution))

    def _take_fault(self, endpoint: str) -> _Fault | None:
        return self._take_fault_where(lambda f: f.endpoint in ("any", endpoint))

    def count(self, endpoint: str | None = None, *, status: int | None = None) -> int:
        """How many requests were received (for one endpoint and/or status)."""
        return sum(1 for r in self.log if (endpoint is None or r.endpoint == endpoint)
                   and (status is None or r.status == status))

    # ------------------------------------------------------------------ answers
    def explore(self, req: dict[str, Any], hl: str, fault: _Fault | None) -> dict[str, Any]:
        items = req.get("comparisonItem")
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_TERMS:
            raise _BadRequest(f"comparisonItem must list 1 to {MAX_TERMS} items")
        cat = req.get("category", 0)
        if not isinstance(cat, int) or cat < 0:
            raise _BadRequest(f"bad category {cat!r}")
        prop = req.get("property", "")
        if prop not in GPROPS:
            raise _BadRequest(f"bad property {prop!r}")
        times = {str(it.get("time", "")) for it in items}
        geos = {str(it.get("geo", "")) for it in items}
        if len(times) != 1 or len(geos) != 1:
            raise _BadRequest("all items must share time and geo in this fake")
        timeframe, geo = times.pop(), geos.pop()
        if not _GEO_RE.match(geo):
            raise _BadRequest(f"bad geo {geo!r}")
        start, end, hourly = self._parse_time(timeframe)
        res = simulate.google_resolution(start, end, hourly=hourly)
        if fault is not None and fault.kind == "wrong_resolution":
            res = fault.resolution
        terms = [str(it.get("keyword", "")) for it in items]
        if any(not t.strip() for t in terms):
            raise _BadRequest("empty keyword")
        geo_obj = {"country": geo[:2]} if geo else {}
        if len(geo) > 2:
            geo_obj["region"] = geo
        options = {"property": prop, "backend": "IZG", "category": cat}
        user = {"userType": "USER_TYPE_SCRAPER"}
        ts_req = {"time": timeframe, "resolution": _RES_WIRE[res], "locale": hl,
                  "comparisonItem": [{"geo": geo_obj, "complexKeywordsRestriction": {
                      "keyword": [{"type": "BROAD", "value": t}]}} for t in terms],
                  "requestOptions": options, "userConfig": user}
        geo_req = {"geo": geo_obj, "comparisonItem": [{"time": timeframe, "complexKeywordsRestriction": {
            "keyword": [{"type": "BROAD", "value": t}]}} for t in terms], "resolution": "REGION" if geo else
            "COUNTRY", "locale": hl, "requestOptions": options, "dataMode": "PERCENTAGES", "userConfig": user}

        def related(t: str) -> dict[str, Any]:
            return {"restriction": {"geo": geo_obj, "time": timeframe, "originalTimeRangeForExploreUrl": timeframe,
                                    "complexKeywordsRestriction": {"keyword": [{"type": "BROAD", "value": t}]}},
                    "keywordType": "QUERY", "metric": ["TOP", "RISING"], "trendinessSettings": {},
                    "requestOptions": options, "language": hl[:2], "userCountryCode": "US", "userConfig": user}

        widgets: list[dict[str, Any]] = [
            {"id": "TIMESERIES", "type": "fe_line_chart", "title": "Interest over time", "request": ts_req},
            {"id": "GEO_MAP", "type": "fe_geo_chart_explore" if len(terms) == 1 else "fe_multi_heat_map",
             "title": "Interest by region", "request": geo_req}]
        if len(terms) == 1:
            topics = related(terms[0])
            topics["keywordType"] = "ENTITY"
            widgets += [{"id": "RELATED_TOPICS", "type": "fe_related_searches", "request": topics},
                        {"id": "RELATED_QUERIES", "type": "fe_related_searches", "request": related(terms[0])}]
        else:
            for i, t in enumerate(terms):
                one = dict(geo_req, comparisonItem=[geo_req["comparisonItem"][i]])
                widgets += [{"id": f"TITLE_{i}", "type": "fe_explore_title", "title": t},
                            {"id": f"GEO_MAP_{i}", "type": "fe_geo_chart_explore", "request": one},
                            {"id": f"RELATED_QUERIES_{i}", "type": "fe_related_searches", "request": related(t)}]
        for w in widgets:
            if "request" in w:
                w["token"] = self._token(w["request"])
        return {"widgets": widgets, "keywords": [{"keyword": t, "name": t, "type": "Search term"} for t in terms],
                "timeRanges": [timeframe], "examples": [], "shareText": "Explore search interest",
                "shouldShowMultiHeatMapMessage": False}

    @staticmethod
    def _token(request: dict[str, Any]) -> str:
        return "APP6_" + hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:40]

    def _parse_time(self, timeframe: str) -> tuple[Any, Any, bool]:
        import pandas as pd
        m = _TIME_RE.match(timeframe)
        today = pd.Timestamp(self.today)
        if m:
            hourly = bool(m.group(2)) and bool(m.group(4))
            if bool(m.group(2)) != bool(m.group(4)):
                raise _BadRequest(f"bad time {timeframe!r}")
            try:
                start = pd.Timestamp(m.group(1) + (m.group(2) or ""))
                end = pd.Timestamp(m.group(3) + (m.group(4) or ""))
            except ValueError:
                raise _BadRequest(f"bad time {timeframe!r}") from None
            if hourly:
                end = end + pd.Timedelta(minutes=59)
            if end < start or start < pd.Timestamp(EARLIEST_DATE):
                raise _BadRequest(f"bad time {timeframe!r}")
            return start, end, hourly
        rel = {"today 5-y": pd.DateOffset(years=5), "today 12-m": pd.DateOffset(months=12),
               "today 3-m": pd.DateOffset(months=3), "today 1-m": pd.DateOffset(months=1)}
        if timeframe in rel:
            return today - rel[timeframe], today, False
        if timeframe == "all":
            return pd.Timestamp(EARLIEST_DATE), today, False
        if timeframe in ("now 7-d", "now 1-d"):
            return today - pd.Timedelta(days=7 if "7" in timeframe else 1), today + pd.Timedelta(hours=23), True
        raise _BadRequest(f"bad time {timeframe!r}")

    @staticmethod
    def _terms_geo(req: dict[str, Any]) -> tuple[list[str], str]:
        items = req.get("comparisonItem") or []
        terms = [it["complexKeywordsRestriction"]["keyword"][0]["value"] for it in items]
        geo_obj = items[0].get("geo", {}) if items else {}
        geo = (geo_obj.get("region") or geo_obj.get("country", "")) if isinstance(geo_obj, dict) else ""
        return terms, geo

    def multiline(self, req: dict[str, Any], fault: _Fault | None) -> dict[str, Any]:
        import pandas as pd
        terms, geo = self._terms_geo(req)
        res = _RES_FROM_WIRE.get(str(req.get("resolution")))
        if not terms or res is None:
            raise _BadRequest("bad widget request")
        start, end, hourly = self._parse_time(str(req.get("time", "")))
        if fault is not None and fault.kind == "empty_timeline":
            return {"default": {"timelineData": [], "averages": []}}
        pull = simulate.google_pull(self.latent, terms=terms, geo=geo, start=start, end=end, hourly=hourly,
                                    fetch_day=self.today, seed=self.seed, resolution=res,
                                    sample_rate=self.sample_rate, threshold=self.threshold)
        rows = []
        n = len(terms)
        for _, grp in pull.groupby("date", sort=True):
            grp = grp.set_index("query").loc[terms]
            when = pd.Timestamp(grp["date"].iloc[0])
            row: dict[str, Any] = {
                "time": str(int(when.timestamp())),
                "formattedTime": _fmt_time(when, res),
                "formattedAxisTime": _fmt_time(when, res),
                "value": [int(v) for v in grp["value"]],
                "hasData": [bool(v) for v in grp["has_data"]],
                "formattedValue": [str(v) for v in grp["formatted"]],
            }
            if bool(grp["is_partial"].iloc[0]):
                row["isPartial"] = True
            rows.append(row)
        averages = [int(round(sum(r["value"][i] for r in rows) / max(len(rows), 1))) for i in range(n)]
        return {"default": {"timelineData": rows, "averages": averages}}

    def comparedgeo(self, req: dict[str, Any]) -> dict[str, Any]:
        import numpy as np
        items = req.get("comparisonItem") or []
        terms = [it["complexKeywordsRestriction"]["keyword"][0]["value"] for it in items]
        geo_obj = req.get("geo", {})
        geo = geo_obj.get("region") or geo_obj.get("country", "")
        regions = _REGIONS.get(geo) or [(f"{geo}-R{i}", f"Region {i}") for i in range(1, 6)]
        vols = np.zeros((len(regions), len(terms)))
        for j, t in enumerate(terms):
            for i, (code, _) in enumerate(regions):
                h = simulate.derive_seed("region", self.seed, t, code)
                vols[i, j] = np.exp(8 * ((h % 10007) / 10007.0)) * (0 if h % 17 == 0 else 1)
        rows = []
        if len(terms) == 1:
            scaled = vols[:, 0] / vols[:, 0].max() * 100 if vols.max() > 0 else vols[:, 0]
            for (code, name), x in zip(regions, scaled):
                v = int(np.floor(x + 0.5))
                text = "<1" if 0 < x < 1 else ("" if x == 0 else str(v))
                rows.append({"geoCode": code, "geoName": name, "value": [0 if 0 < x < 1 else v],
                             "formattedValue": [text], "maxValueIndex": 0, "hasData": [bool(x > 0)]})
        else:
            for (code, name), row in zip(regions, vols):
                tot = row.sum()
                share = row / tot * 100 if tot > 0 else row
                vals = [0 if 0 < s < 1 else int(np.floor(s + 0.5)) for s in share]
                rows.append({"geoCode": code, "geoName": name, "value": vals,
                             "formattedValue": ["<1%" if 0 < s < 1 else (f"{v}%" if tot > 0 else "")
                                                for s, v in zip(share, vals)],
                             "maxValueIndex": int(np.argmax(share)), "hasData": [bool(tot > 0)] * len(terms)})
        if req.get("resolution") == "CITY":  # Google's cities carry coordinates, not a geoCode
            for row in rows:
                h = simulate.derive_seed("city", row.pop("geoCode"))
                row["coordinates"] = {"lat": round(35 + (h % 2000) / 100, 7), "lng": round(-120 + (h >> 11) % 5000 / 100, 7)}
                rows_order = ("coordinates", "geoName", "value", "formattedValue", "maxValueIndex", "hasData")
                row.update({k: row.pop(k) for k in rows_order if k in row})
        return {"default": {"geoMapData": rows}}

    def relatedsearches(self, req: dict[str, Any]) -> dict[str, Any]:
        restriction = req.get("restriction", {})
        term = restriction["complexKeywordsRestriction"]["keyword"][0]["value"]
        h = simulate.derive_seed("related", self.seed, term, str(self.today))
        if req.get("keywordType") == "ENTITY":  # related topics: objects with mid, title, type (as Google)
            return self._related_topics(term, h)
        top = []
        for i, suffix in enumerate(_RELATED_SUFFIXES):
            v = max(1, int(100 * 0.8 ** i * (1 + ((h >> i) & 3) / 20)) if i else 100)
            top.append({"query": f"{term} {suffix}", "value": min(v, 100), "formattedValue": str(min(v, 100)),
                        "hasData": True, "link": f"/trends/explore?q={term}+{suffix}"})
        rising = [{"query": f"{term} {s}", "value": 8550 if i == 0 else 50 * (6 - i) + (h >> i) % 40,
                   "formattedValue": "Breakout" if i == 0 else f"+{50 * (6 - i) + (h >> i) % 40}%",
                   "link": f"/trends/explore?q={term}+{s}"}
                  for i, s in enumerate(_RELATED_SUFFIXES[::2][:5])]
        return {"default": {"rankedList": [{"rankedKeyword": top}, {"rankedKeyword": rising}]}}

    def _related_topics(self, term: str, h: int) -> dict[str, Any]:
        top = []
        for i, suffix in enumerate(_RELATED_SUFFIXES[:6]):
            v = 100 if i == 0 else max(1, int(100 * 0.7 ** i))
            top.append({"topic": _topic(term, suffix, h), "value": v, "formattedValue": str(v), "hasData": True,
                        "link": f"/trends/explore?q={term}"})
        rising = [{"topic": _topic(term, s, h), "value": 8550 if i == 0 else 40 * (5 - i),
                   "formattedValue": "Breakout" if i == 0 else f"+{40 * (5 - i)}%", "link": f"/trends/explore?q={term}"}
                  for i, s in enumerate(_RELATED_SUFFIXES[1::2][:4])]
        return {"default": {"rankedList": [{"rankedKeyword": top}, {"rankedKeyword": rising}]}}


def _topic(term: str, suffix: str, h: int) -> dict[str, str]:
    """A stable made-up Knowledge Graph topic (real answers carry ``mid``, ``title``, ``type``)."""
    mid = "/m/0" + format(simulate.derive_seed("mid", term, suffix, h) % 36 ** 5, "x")[:5]
    return {"mid": mid, "title": f"{suffix.title()} ({term})", "type": "Topic"}


def _fmt_time(when: Any, res: str) -> str:
    if res == "hour":
        return when.strftime("%b %-d, %Y at %-I:%M %p")
    if res == "week":
        end = when + dt.timedelta(days=6)
        return f"{when.strftime('%b %-d')}\u2009\u2013\u2009{end.strftime('%-d, %Y')}"
    if res == "month":
        return when.strftime("%b %Y")
    return when.strftime("%b %-d, %Y")


class _BadRequest(Exception):
    pass


class _Handler(LoopbackHandler):
    server_fake: FakeGoogle
    logger = log

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve("POST")

    def _endpoint(self, path: str) -> str:
        if path.rstrip("/").endswith("/trends/explore"):
            return "cookie"
        if path.endswith("/trends/api/explore"):
            return "explore"
        for name in ("multiline", "comparedgeo", "relatedsearches"):
            if path.endswith(f"/api/widgetdata/{name}"):
                return name
        return "other"

    def _serve(self, method: str) -> None:
        fake = self.server_fake
        received = time.monotonic()
        split = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        endpoint = self._endpoint(split.path)
        fault = fake._take_fault(endpoint) if endpoint != "other" else None
        day = fake.today.isoformat()
        status, kind = 200, fault.kind if fault else ""
        # kind is read when the entry runs (just before the answer is written): a bad request changes it below
        self._log_request(lambda st: fake._record(LoggedRequest(endpoint, method, split.path, params, st, kind,
                                                                day, received)))
        try:
            if fault is not None and fault.kind == "hang":
                time.sleep(fault.seconds)
            if fault is not None and fault.kind in ("429", "quota", "500", "400"):
                status = {"429": 429, "quota": 429, "500": 500, "400": 400}[fault.kind]
                body = _QUOTA_TEXT if fault.kind == "quota" else f"<html><body>Error {status}</body></html>"
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = f"{fault.retry_after:g}"
                if endpoint == "cookie":
                    headers["Set-Cookie"] = "NID=511=fake; Path=/; HttpOnly"
                self._write(status, body.encode(), "text/html; charset=UTF-8", headers)
                return
            if fault is not None and fault.kind in _NOT_DATA and endpoint != "cookie":
                body, ctype = _NOT_DATA[fault.kind]
                if fault.kind == "other_json":  # with the endpoint's anti-XSSI prefix, as Google sends JSON
                    body = (b")]}'\n" if endpoint == "explore" else b")]}',\n") + body
                self._write(200, body, ctype)
                return
            if endpoint == "cookie":
                self._write(200, b"<html><body>explore</body></html>", "text/html; charset=UTF-8",
                           {"Set-Cookie": f"NID=511={simulate.derive_seed('nid', day) % 10**9}; Path=/; HttpOnly"})
                return
            if endpoint == "other":
                status = 404
                self._write(404, b"<html><body>Not found</body></html>", "text/html; charset=UTF-8")
                return
            try:
                req = json.loads(params.get("req", ""))
            except json.JSONDecodeError:
                raise _BadRequest("req is not JSON") from None
            if not isinstance(req, dict):
                raise _BadRequest("req is not an object")
            if endpoint == "explore":
                payload, prefix = fake.explore(req, params.get("hl", "en-US"), fault), ")]}'\n"
            else:
                if not params.get("token"):
                    raise _BadRequest("missing token")
                if endpoint == "multiline":
                    payload = fake.multiline(req, fault)
                elif endpoint == "comparedgeo":
                    payload = fake.comparedgeo(req)
                else:
                    payload = fake.relatedsearches(req)
                prefix = ")]}',\n"
            body = (prefix + json.dumps(payload, ensure_ascii=False)).encode("utf-8")
            if fault is not None and fault.kind == "invalid_json":
                body = body[: max(len(prefix) + 1, len(body) // 2)]
            if fault is not None and fault.kind == "cut":
                self._write_cut(body)
                return
            ctype = None if fault is not None and fault.kind == "no_content_type" else \
                "application/json; charset=utf-8"
            self._write(200, body, ctype)
        except (_BadRequest, KeyError, IndexError, TypeError, ValueError) as exc:
            status, kind = 400, kind or "bad-request"
            self._write(400, f"<html><body>400 Bad Request: {exc}</body></html>".encode(), "text/html; charset=UTF-8")
        except (BrokenPipeError, ConnectionResetError):
            status = 499
        finally:
            self._log_now(status)  # a request that got no answer (the client went away) is logged all the same


FakeGoogle._handler = _Handler


def main(argv: list[str] | None = None) -> int:
    """``python -m trendlib.testing.fakegoogle``: serve the fake until Ctrl-C."""
    p = server_parser("python -m trendlib.testing.fakegoogle",
                      "Serve a fake Google Trends (simulated numbers, never real data) on loopback, for trying "
                      "trendlib offline.")
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD",
                   help="the fake's current day (the fetch day; default: the real UTC date)")
    p.add_argument("--seed", type=int, default=0, help="seed of the invented latent curves and samples")
    args = p.parse_args(argv)
    fake = FakeGoogle(today=args.today, seed=args.seed, host=args.host, port=args.port)
    # Ctrl-C only, as it always has (SIGTERM keeps its default action)
    return serve_until_stopped(fake, _banner(fake), signals=(signal.SIGINT,))


def _banner(fake: FakeGoogle):
    # a generator: read after start(), when the port is known
    yield f"fake Google Trends (simulated data) at {fake.url}  (today = {fake.today}); Ctrl-C to stop"
    yield f"  export TRENDLIB_TRENDS_URL={fake.url}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
