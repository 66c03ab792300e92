"""``python -m tests.reliability``: run the reliability matrix and print the README table.

Options: ``--results FILE`` prints the table of an earlier run's JSON lines without running;
any other arguments are passed to pytest (e.g. ``-m "not slow"``). Exits non-zero when a case
fails or a file was lost.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.reliability.matrix import RESULTS_ENV, markdown, read_records, summarise

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    if argv[:1] == ["--results"] and len(argv) == 2:
        records = read_records(argv[1])
    else:
        with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
            results = Path(tmp) / "results.jsonl"
            results.touch()
            env = dict(os.environ, **{RESULTS_ENV: str(results)})
            proc = subprocess.run([sys.executable, "-m", "pytest", str(HERE), "-q", "-p", "no:cacheprovider",
                                   *argv], env=env, cwd=HERE.parents[1])
            records = read_records(results)
            if proc.returncode not in (0, 1):
                print(f"pytest exited with {proc.returncode}", file=sys.stderr)
                return proc.returncode
    rows = summarise(records)
    print(markdown(rows))
    bad = sum(r["failing"] for r in rows) + sum(r["lost"] for r in rows)
    return 1 if bad or not records else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
