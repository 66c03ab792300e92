"""An exclusive lock between processes, on every platform trendlib runs on.

``filelock`` takes ``fcntl.flock`` on Linux and macOS and ``msvcrt.locking`` on Windows (and a
lock file's existence where neither works, e.g. some network drives). One helper, so the response
caches lock the same way wherever they live.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

__all__ = ["exclusive"]


@contextlib.contextmanager
def exclusive(path: str | Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the lock file ``path`` (created if missing) for the ``with`` block.

    Blocks while another process holds it: for ever (``timeout=None``) or at most ``timeout``
    seconds, then raises :class:`TimeoutError` naming the file. The parent folder must exist.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=-1 if timeout is None else timeout)
    try:
        lock.acquire()
    except Timeout:
        raise TimeoutError(f"lock file {str(path)!r} is still held by another process after {timeout} s") from None
    try:
        yield
    finally:
        lock.release()
