"""A really full disk for ``trendlib report --out``: run inside a private mount namespace with a small
tmpfs mounted at FOLDER (see :func:`run_on_a_full_disk`); prints one JSON object for the test.

    unshare -m sh -c 'mount -t tmpfs -o size=32m tmpfs FOLDER && exec python -m tests.reliability._tmpfs \\
        FOLDER STUDY NOTEBOOKS'

1. renders STUDY (notebooks from NOTEBOOKS) into FOLDER: the earlier report;
2. fills the file system to the last byte;
3. renders again with ``--force`` (every notebook re-executed), which must fail on the full disk;
4. frees the space and renders once more (no --force), which must succeed.

The mount goes away with the namespace, so the JSON carries what the test checks: exit codes, messages,
the sha256 of every file before and after, and every name left in FOLDER.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.reliability.conftest import snapshot


def _report(study: str, notebooks: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trendlib", "report", study, "--notebooks", notebooks, "--out",
                           str(out), "--jobs", "1", *extra], capture_output=True, text=True, timeout=600)


def _fill(folder: Path) -> Path:
    filler = folder / "filler.bin"
    block = b"\0" * (1 << 16)
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(block)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    with open(folder / "filler-tail.bin", "wb", buffering=0) as fh:  # the last partial block
        try:
            while True:
                fh.write(b"\0" * 512)
        except OSError:
            pass
    return filler


def main(argv: list[str]) -> int:
    folder, study, notebooks = Path(argv[0]), argv[1], argv[2]
    first = _report(study, notebooks, folder)
    before = snapshot(folder)
    _fill(folder)
    full = _report(study, notebooks, folder, "--force")
    after = {p: h for p, h in snapshot(folder).items() if "filler" not in p}
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if "filler" not in p.name)
    for p in folder.glob("filler*"):
        p.unlink()
    again = _report(study, notebooks, folder)
    print(json.dumps({"first": [first.returncode, first.stderr[-3000:]], "full": [full.returncode, full.stderr],
                      "again": [again.returncode, again.stderr[-3000:]], "before": before, "after": after,
                      "names": names, "free_after": shutil.disk_usage(folder).free}))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main(sys.argv[1:]))
