"""The documentation site's generated pages come from their one source (tools/build_docs.py)."""
from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import build_docs as docs  # noqa: E402  (tools/build_docs.py)


def test_the_study_file_reference_lists_every_key_the_validator_accepts():
    from trendlib.study import STUDY_KEYS

    page = docs.study_reference()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == list(STUDY_KEYS)


def test_the_api_reference_documents_every_public_name():
    import trendlib

    page = docs.api_reference()
    documented = {line.rsplit(".", 1)[1] for line in page.splitlines() if line.startswith("::: ")}
    missing = [n for n in trendlib.__all__ if n not in documented and callable(getattr(trendlib, n))]
    assert not missing, f"public names without an API entry: {missing}"


def test_links_to_repository_files_become_code_and_anchors_stay():
    text = docs._unlink_files("see [`events.csv`](events/events.csv), [below](#events) and [site](https://x.org)")
    assert text == "see `events.csv`, [below](#events) and [site](https://x.org)"


def test_house_style_items_become_numpy_items_with_their_description():
    pytest.importorskip("griffe", reason="griffe comes with the [docs] extra")
    sys.path.insert(0, str(ROOT / "docs"))
    from griffe_house_style import house_to_numpy

    text = ("Fit it.\n\nParameters\n----------\nseries : values by date\n    in index points\n"
            "alpha, beta : two levels\n\nReturns\n-------\nx : not touched\n")
    assert house_to_numpy(text) == ("Fit it.\n\nParameters\n----------\nseries\n    values by date\n"
                                    "    in index points\nalpha, beta\n    two levels\n\nReturns\n-------\n"
                                    "x : not touched")
