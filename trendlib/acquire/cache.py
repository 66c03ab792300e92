"""Raw responses on disk, keyed by a request key and the fetch day, for every source.

Layout (human-readable, never pickle)::

    <cache dir>/
      <request key>/                    one folder per normalised request (``Request.key``)
        request.json                    what was asked (canonical request) and a readable description
        2023-01-15.body.txt             the response body exactly as received
        2023-01-15.json                 metadata: request, url, status, fetched_at, fetch_day,
                                        attempts and retries, body sha256, versions
        .lock                           a lock file (two processes never fetch the same key at once;
                                        filelock: fcntl on POSIX, msvcrt on Windows)

One ``<fetch day>`` pair per day the request was fetched (for Google, pulls on different days
are *samples*; :meth:`ResponseCache.samples` lists them). Every file is written atomically
(temporary file, fsync, rename: :mod:`trendlib._io`), the body before its metadata, and an
entry counts only when its metadata exists and the body's sha256 matches, so a process killed
mid-write leaves no corrupt entry.

Folder: ``root`` argument, else ``TRENDLIB_CACHE_DIR``, else ``.trendlib-cache`` in the working
folder (git-ignored). Offline mode (``offline=True`` or ``TRENDLIB_OFFLINE=1``) is a flag the
runner (:mod:`trendlib.acquire.runner`) reads: it then serves only from here and raises
:class:`~trendlib.acquire.errors.OfflineMiss` naming every missing request.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trendlib._io import atomic_write_text
from trendlib._lock import exclusive
from trendlib.acquire.errors import BadRequest

__all__ = ["DEFAULT_CACHE_DIR", "CacheEntry", "ResponseCache", "digest_key", "slug", "utc_today",
           "resolve_offline"]

log = logging.getLogger("trendlib.acquire.cache")

DEFAULT_CACHE_DIR = ".trendlib-cache"
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "on"}


def utc_today() -> dt.date:
    """The current UTC date: the fetch day of a request sent now."""
    return dt.datetime.now(dt.timezone.utc).date()


def resolve_offline(offline: bool | None = None) -> bool:
    """Offline mode: the argument, else ``TRENDLIB_OFFLINE`` (1/true/yes/on), else False."""
    if offline is not None:
        return bool(offline)
    return os.environ.get("TRENDLIB_OFFLINE", "").strip().lower() in _TRUE


def slug(text: str, limit: int) -> str:
    """A short file-safe, lower-case rendering of ``text`` (letters and digits of any script, '_')."""
    text = unicodedata.normalize("NFC", text).casefold()
    out = re.sub(r"_+", "_", "".join(c if c.isalnum() else "_" for c in text)).strip("_")
    return out[:limit].rstrip("_") or "x"


def digest_key(readable: str, canonical: Mapping[str, Any]) -> str:
    """``<readable>-<sha256 of the canonical JSON>``: a stable cache key safe as a file name.

    The canonical JSON has sorted keys, compact separators and UTF-8 text; ``readable`` is a
    slug for people (it does not decide identity, the digest does).
    """
    text = json.dumps(dict(canonical), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{readable}-{digest}"


def _day(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if not _DAY_RE.match(text):
        raise BadRequest(f"fetch day {value!r} is not an ISO date; accepted: YYYY-MM-DD")
    dt.date.fromisoformat(text)
    return text


@dataclass(frozen=True)
class CacheEntry:
    """One cached response: ``text`` is the raw body, ``meta`` its metadata record."""

    key: str
    fetch_day: str
    text: str
    meta: dict[str, Any]
    body_path: Path
    meta_path: Path

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", ""))

    @property
    def fetched_at(self) -> str:
        return str(self.meta.get("fetched_at", ""))

    @property
    def status(self) -> int:
        """The HTTP status the response came with (0 when not recorded)."""
        try:
            return int(self.meta.get("status") or 0)
        except (TypeError, ValueError):
            return 0


class ResponseCache:
    """The on-disk cache of raw responses (see the module docstring for layout and guarantees).

    Parameters (keyword-only after ``root``)
    ----------------------------------------
    root : the cache folder (default ``TRENDLIB_CACHE_DIR`` or ``.trendlib-cache``); created on
        first write, not in the constructor.
    offline : serve only from the cache (default ``TRENDLIB_OFFLINE``).
    """

    def __init__(self, root: str | Path | None = None, *, offline: bool | None = None):
        self.root = Path(root or os.environ.get("TRENDLIB_CACHE_DIR") or DEFAULT_CACHE_DIR)
        self.offline = resolve_offline(offline)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r}, offline={self.offline})"

    def versions(self) -> dict[str, str]:
        """Software versions recorded in every metadata file (subclasses add their client's)."""
        import trendlib
        return {"trendlib_version": trendlib.__version__}

    def folder(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise BadRequest(f"cache key {key!r} is not a plain file name")
        return self.root / key

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold an exclusive lock on ``key`` (a lock file; blocks while another process holds it).

        Cross-platform: :func:`trendlib._lock.exclusive` (filelock: fcntl on POSIX, msvcrt on Windows)."""
        folder = self.folder(key)
        folder.mkdir(parents=True, exist_ok=True)
        with exclusive(folder / ".lock"):
            yield

    def store(self, key: str, *, fetch_day: Any, text: str, request: Mapping[str, Any],
              meta: Mapping[str, Any] | None = None, description: str = "") -> CacheEntry:
        """Write a raw body and its metadata for ``(key, fetch_day)`` (body first, both atomic).

        An existing entry for the same day is replaced (a re-fetch the same day is the same sample).
        """
        day = _day(fetch_day)
        folder = self.folder(key)
        folder.mkdir(parents=True, exist_ok=True)
        req_file = folder / "request.json"
        if not req_file.is_file():
            atomic_write_text(req_file, json.dumps({"key": key, "request": dict(request),
                                                    "description": description},
                                                   ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        body_path, meta_path = folder / f"{day}.body.txt", folder / f"{day}.json"
        atomic_write_text(body_path, text)
        record = {"key": key, "fetch_day": day, "request": dict(request), "description": description,
                  "body_file": body_path.name, "body_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                  "body_chars": len(text), **self.versions(), **dict(meta or {})}
        atomic_write_text(meta_path, json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True,
                                                default=str) + "\n")
        log.debug("cached %s for %s", key, day)
        return CacheEntry(key, day, text, record, body_path, meta_path)

    def get(self, key: str, fetch_day: Any) -> CacheEntry | None:
        """The entry of ``key`` fetched on ``fetch_day``, or None (also when incomplete or corrupt)."""
        day = _day(fetch_day)
        folder = self.folder(key)
        meta_path, body_path = folder / f"{day}.json", folder / f"{day}.body.txt"
        if not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            text = body_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("cache entry %s/%s is unreadable (%s); it will be fetched again", key, day, exc)
            return None
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != meta.get("body_sha256"):
            log.warning("cache entry %s/%s: body does not match its checksum; it will be fetched again", key, day)
            return None
        return CacheEntry(key, day, text, meta, body_path, meta_path)

    def reject(self, key: str, fetch_day: Any, *, reason: str) -> Path | None:
        """Set an unusable entry aside (``<day>.rejected-<time>.json`` / ``.body.txt``): kept for
        inspection, never served again, so the request is fetched anew. Returns the new metadata path."""
        day = _day(fetch_day)
        folder = self.folder(key)
        meta_path, body_path = folder / f"{day}.json", folder / f"{day}.body.txt"
        if not meta_path.is_file():
            return None
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            meta = {}
        meta.update(rejected=reason, rejected_at=stamp)
        new_meta = folder / f"{day}.rejected-{stamp}.json"
        atomic_write_text(new_meta, json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n")
        os.unlink(meta_path)  # from here on the entry no longer counts
        if body_path.is_file():
            os.replace(body_path, folder / f"{day}.rejected-{stamp}.body.txt")
        log.warning("cache entry %s/%s rejected: %s", key, day, reason)
        return new_meta

    def fetch_days(self, key: str) -> list[str]:
        """The fetch days with a metadata file for ``key``, oldest first."""
        folder = self.folder(key)
        if not folder.is_dir():
            return []
        days = [p.name[:-5] for p in folder.glob("*.json") if _DAY_RE.match(p.name[:-5])]
        return sorted(days)

    def samples(self, key: str) -> list[CacheEntry]:
        """Every valid entry of ``key`` (one per fetch day), oldest first."""
        out = []
        for day in self.fetch_days(key):
            entry = self.get(key, day)
            if entry is not None:
                out.append(entry)
        return out

    def keys(self) -> list[str]:
        """Every request key with a folder in the cache."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def to_frame(self):
        """One row per cached sample: key, fetch_day, kind, fetched_at, status, description."""
        import pandas as pd
        rows = []
        for key in self.keys():
            for e in self.samples(key):
                rows.append({"key": key, "fetch_day": e.fetch_day, "kind": e.kind, "fetched_at": e.fetched_at,
                             "status": e.meta.get("status"), "description": e.meta.get("description", "")})
        return pd.DataFrame(rows, columns=["key", "fetch_day", "kind", "fetched_at", "status", "description"])
