"""tools/build_data.py: the derived files in data/ are what data/raw gives, and raw files are intact."""
from __future__ import annotations

import importlib.util

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def build_data():
    spec = importlib.util.spec_from_file_location("build_data", ROOT / "tools" / "build_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_passes(build_data, capsys):
    assert build_data.main(["--check"]) == 0, capsys.readouterr().out


def test_builders_are_deterministic(build_data):
    for build in build_data.BUILDERS:
        assert build() == build(), build.__name__


def test_check_notices_a_stale_derived_file(build_data, monkeypatch, tmp_path, capsys):
    target = next(iter(build_data.build_facts()))
    stale = tmp_path / "search_facts_2022.csv"
    stale.write_text("id\n", encoding="utf-8")
    monkeypatch.setattr(build_data, "BUILDERS", [lambda: {stale: target.read_text(encoding="utf-8")}])
    monkeypatch.setattr(build_data, "_rel", lambda path: str(path))
    assert build_data.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().out


def test_manifest_check_notices_a_changed_raw_file(build_data, monkeypatch, tmp_path):
    raw = tmp_path / "raw"
    (raw / "shared-2022").mkdir(parents=True)
    (raw / "shared-2022" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (raw / "shared-2022" / "unlisted.csv").write_text("y\n", encoding="utf-8")
    (raw / "MANIFEST.yaml").write_text("files:\n  - path: shared-2022/a.csv\n    sha256: " + "0" * 64 + "\n"
                                       "  - path: shared-2022/gone.csv\n    sha256: " + "0" * 64 + "\n",
                                       encoding="utf-8")
    monkeypatch.setattr(build_data, "MANIFEST", raw / "MANIFEST.yaml")
    problems = build_data.check_manifest()
    assert any("a.csv: sha256 differs" in p for p in problems)
    assert any("gone.csv: listed in MANIFEST.yaml but missing" in p for p in problems)
    assert any("unlisted.csv: raw file not listed" in p for p in problems)


def test_every_raw_row_reaches_the_derived_files(build_data):
    import csv
    with build_data.CROSSINGS_RAW.open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    from trendlib.datasets import load_crossings
    derived = load_crossings(ROOT / "data" / "crossings" / "crossings_2022.csv")
    assert len(derived) == len(raw) == 150
    # values are copied unchanged, row by row
    assert [float(r["value"]) for r in raw] == derived["value"].tolist()
    assert [r["source_url"] for r in raw] == derived["source_url"].tolist()
    assert [r["confidence"] for r in raw] == derived["confidence"].tolist()
