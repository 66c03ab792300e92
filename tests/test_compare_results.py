"""tools/compare_results.py: two renders agree on every result value, and a difference is named."""
from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import compare_results  # noqa: E402


def test_equal_results_agree_and_metadata_is_ignored():
    a = {"generated_at": "1", "packages": {"pandas": "3.1.1"}, "explore": {"fold": 2.5, "n": [1, 2], "ok": True}}
    b = {"generated_at": "2", "packages": {"pandas": "2.2.3"}, "explore": {"fold": 2.5 + 1e-13, "n": [1, 2], "ok": True}}
    assert compare_results.compare(a, b, 1e-9) == (4, [])


def test_a_changed_number_and_a_missing_key_are_named():
    a = {"explore": {"fold": 2.5, "n": [1, 2]}, "robustness": [{"verdict": "holds"}]}
    b = {"explore": {"fold": 2.6, "n": [1]}, "robustness": [{"verdict": "holds"}]}
    n, diffs = compare_results.compare(a, b, 1e-9)
    assert n == 3 and diffs == ["explore.n[1]: only in the first", "explore.fold: 2.5 != 2.6"]
