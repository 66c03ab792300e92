"""A full disk for one folder, without root mounts: ``os.fdopen`` of a file there returns a handle
whose writes fail with ENOSPC (what a full file system answers).

Used in-process by the API tests (:func:`full_disk`) and, for the real CLI, as a wrapper::

    python -m tests.reliability._faults FOLDER fetch ...   # trendlib's CLI with FOLDER full
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


def main(argv: list[str]) -> int:
    from trendlib.cli import main as trendlib_main
    with full_disk(argv[0]):
        return trendlib_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
