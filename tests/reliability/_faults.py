"""Faults for one folder, in-process, without root mounts.

* :func:`full_disk`: ``os.fdopen`` of a file there returns a handle whose writes fail with ENOSPC
  (what a full file system answers).
* :func:`killed_after_renames`: the process dies (``os._exit(137)``, as from SIGKILL) just before its
  ``n + 1``-th rename into the folder: the worst moment for a set of files replaced together.

Used in-process by the API tests and, for the real CLI, as a wrapper::

    python -m tests.reliability._faults FOLDER fetch ...                        # FOLDER full
    python -m tests.reliability._faults --killed-after-renames N FOLDER fetch ...  # killed mid-rename
"""
from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path


class _Full:
    def __init__(self, fh):
        self._fh = fh

    def write(self, data) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()


@contextlib.contextmanager
def full_disk(folder: str | Path) -> Iterator[None]:
    """Writes through ``os.fdopen`` to files directly in ``folder`` fail with ENOSPC inside the block."""
    folder = Path(folder).resolve()
    real = os.fdopen

    def fdopen(fd, *args, **kwargs):
        fh = real(fd, *args, **kwargs)
        try:
            where = Path(os.readlink(f"/proc/self/fd/{fd}")).parent
        except OSError:
            return fh
        return _Full(fh) if where == folder else fh

    os.fdopen = fdopen
    try:
        yield
    finally:
        os.fdopen = real


@contextlib.contextmanager
def killed_after_renames(folder: str | Path, n: int) -> Iterator[None]:
    """``os.replace`` into ``folder`` works ``n`` times; the next call ends the process at once."""
    folder = Path(folder).resolve()
    real, done = os.replace, [0]

    def replace(src, dst, *args, **kwargs):
        if Path(dst).resolve().parent == folder:
            if done[0] >= n:
                os._exit(137)
            done[0] += 1
        return real(src, dst, *args, **kwargs)

    os.replace = replace
    try:
        yield
    finally:
        os.replace = real


def main(argv: list[str]) -> int:
    from trendlib.cli import main as trendlib_main
    if argv[0] == "--killed-after-renames":
        with killed_after_renames(argv[2], int(argv[1])):
            return trendlib_main(argv[3:])
    with full_disk(argv[0]):
        return trendlib_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
