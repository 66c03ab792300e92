"""The loopback HTTP server scaffolding shared by the fake servers in :mod:`trendlib.testing`.

One job: run a fake on ``127.0.0.1`` (port 0: a free one) in a daemon thread, stop it, keep its
request log and its queue of injected faults, thread-safely. What a fake answers (paths, bodies,
which faults it knows and where they apply) stays in its own module:

* :class:`LoopbackFake`: ``start()``/``stop()``, the context manager, ``url``, ``log``,
  ``reset_log()``, ``clear_faults()``; subclasses set ``_handler`` (a :class:`LoopbackHandler`
  subclass), ``_name`` (the thread's name) and ``_url_path``, and call :meth:`LoopbackFake._add_fault`
  and :meth:`LoopbackFake._take_fault_where` from their own ``inject()`` and ``_take_fault()``;
* :class:`LoopbackHandler`: HTTP/1.1, request lines logged at DEBUG, and the two ways of writing an
  answer (whole, or cut in the middle of the body);
* :func:`server_parser` and :func:`serve_until_stopped`: the ``python -m trendlib.testing.fake...``
  command line (``--host``, ``--port``; serve until a signal).
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, TypeVar

_F = TypeVar("_F")


def as_day(value: Any) -> dt.date:
    """A ``date`` from a date, a datetime or ISO text (only its first 10 characters are read)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def fault_until(duration: float | None) -> float | None:
    """The ``time.monotonic()`` at which a fault injected for ``duration`` seconds ends (None: no end)."""
    return time.monotonic() + duration if duration is not None else None


class LoopbackHandler(BaseHTTPRequestHandler):
    """Base request handler: ``server_fake`` is the fake it answers for (set by :meth:`LoopbackFake.start`)."""

    server_fake: Any
    protocol_version = "HTTP/1.1"
    logger = logging.getLogger("trendlib.testing")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        self.logger.debug("%s - %s", self.address_string(), format % args)

    _log_entry: Callable[[int], None] | None = None
    _logged = False

    def _log_request(self, entry: Callable[[int], None]) -> None:
        """Say how this request is logged: ``entry(status)`` runs once, just before the answer is written
        (:meth:`_write`, :meth:`_write_cut`), so a client holding its answer always finds the request in the
        log, however the threads are scheduled; call :meth:`_log_now` at the end for a request that got none."""
        self._log_entry, self._logged = entry, False

    def _log_now(self, status: int) -> None:
        """Log this request with ``status`` unless it is logged already."""
        if self._log_entry is not None and not self._logged:
            self._logged = True
            self._log_entry(status)

    def _write(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str] | None = None) -> None:
        """Send a whole answer (no Content-Type header when ``ctype`` is None)."""
        self._log_now(status)
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _write_cut(self, body: bytes) -> None:
        """Announce all of a JSON ``body``, send its first half and close the connection (fault ``cut``)."""
        self._log_now(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True


class LoopbackFake:
    """A fake HTTP service on loopback: lifecycle, request log and fault queue.

    Faults are objects with ``count`` (requests left, None: until ``until``) and ``until``
    (``time.monotonic()`` deadline, None: no deadline) attributes; the rest is the fake's own.
    """

    _handler: type[LoopbackHandler] = LoopbackHandler
    _name = "loopback"      # the serving thread is named "<_name>:<port>"
    _url_path = ""          # what follows host:port in :attr:`url`

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0):
        self.host, self.port = host, port
        self._lock = threading.Lock()
        self._faults: list[Any] = []
        self._log: list[Any] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Self:
        """Listen (on a free port when ``port`` is 0, then ``port`` is the one chosen) and serve in a thread."""
        if self._server is not None:
            return self
        handler = type("Handler", (self._handler,), {"server_fake": self})
        server = ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{self._name}:{self.port}", daemon=True)
        self._thread.start()
        self._handler.logger.debug("%s listening on %s", self._name, self.url)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (a no-op when not started)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL of the fake service: ``http://HOST:PORT`` followed by the fake's path."""
        return f"http://{self.host}:{self.port}{self._url_path}"

    # ------------------------------------------------------------------ faults
    def _add_fault(self, fault: Any) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        """Forget every injected fault."""
        with self._lock:
            self._faults.clear()

    def _take_fault_where(self, applies: Callable[[_F], bool]) -> _F | None:
        """The first live fault for which ``applies(fault)`` holds, one of its ``count`` used up; spent and
        expired faults are dropped."""
        now = time.monotonic()
        with self._lock:
            alive = []
            chosen = None
            for f in self._faults:
                if (f.until is not None and now > f.until) or (f.count is not None and f.count <= 0):
                    continue
                if chosen is None and applies(f):
                    chosen = f
                    if f.count is not None:
                        f.count -= 1
                alive.append(f)
            self._faults = [f for f in alive if f.count is None or f.count > 0]
            return chosen

    # ------------------------------------------------------------------ log
    @property
    def log(self) -> list[Any]:
        """A copy of every request received so far, in order."""
        with self._lock:
            return list(self._log)

    def reset_log(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._log.clear()

    def _record(self, entry: Any) -> None:
        with self._lock:
            self._log.append(entry)


def server_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the ``--port`` and ``--host`` every fake's command line takes."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    return p


def serve_until_stopped(fake: LoopbackFake, banner: Iterable[str], *,
                        signals: Iterable[signal.Signals] = (signal.SIGINT, signal.SIGTERM)) -> int:
    """Start ``fake``, print the ``banner`` lines, serve until one of ``signals`` arrives, stop it; 0."""
    stop = threading.Event()
    for sig in signals:
        signal.signal(sig, lambda *_: stop.set())
    fake.start()
    try:
        for line in banner:
            print(line, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        fake.stop()
    return 0
