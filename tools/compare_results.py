"""Compare the numbers of two renders of one study (e.g. under pandas 3 and pandas 2.2).

    python tools/compare_results.py A/results.json B/results.json [--rtol 1e-9]

Every value under the result keys of ``results.json`` (everything but the run's own metadata: when,
with which packages, how long) must agree: strings and booleans exactly, numbers within ``rtol``.
Prints how many values were compared; exit status 1 names each difference.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Iterator

# about the run, not its results
METADATA = {"schema_version", "trendlib_version", "generated_at", "packages", "notebooks", "run", "provenance"}


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key in sorted(value):
            yield from leaves(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def same(a: Any, b: Any, rtol: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return a == b
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=rtol, abs_tol=rtol)


def compare(a: dict, b: dict, rtol: float) -> tuple[int, list[str]]:
    keep = lambda r: {k: v for k, v in r.items() if k not in METADATA}  # noqa: E731
    la, lb = dict(leaves(keep(a))), dict(leaves(keep(b)))
    diffs = [f"{p}: only in the first" for p in sorted(set(la) - set(lb))]
    diffs += [f"{p}: only in the second" for p in sorted(set(lb) - set(la))]
    diffs += [f"{p}: {la[p]!r} != {lb[p]!r}" for p in sorted(set(la) & set(lb)) if not same(la[p], lb[p], rtol)]
    return len(set(la) & set(lb)), diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("first", type=Path)
    ap.add_argument("second", type=Path)
    ap.add_argument("--rtol", type=float, default=1e-9)
    args = ap.parse_args(argv)
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (args.first, args.second))
    n, diffs = compare(a, b, args.rtol)
    print(f"compared {n} values of {args.first} and {args.second}: {len(diffs)} differ")
    for d in diffs[:50]:
        print("  " + d)
    return 1 if diffs or not n else 0


if __name__ == "__main__":
    sys.exit(main())
