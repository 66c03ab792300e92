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
    main = derived.iloc[:150]
    assert len(raw) == 150
    # values are copied unchanged, row by row
    assert [float(r["value"]) for r in raw] == main["value"].tolist()
    assert [r["source_url"] for r in raw] == main["source_url"].tolist()
    assert [r["confidence"] for r in raw] == main["confidence"].tolist()


def test_every_addition_reaches_the_crossings_file_or_is_left_out_with_a_reason(build_data):
    import csv
    import json

    from trendlib.datasets import load_crossings

    with build_data.ADDITIONS_RAW.open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    assert len(raw) == 84
    derived = load_crossings(ROOT / "data" / "crossings" / "crossings_2022.csv").iloc[150:]
    prov = json.loads((ROOT / "data" / "crossings" / "crossings_2022.provenance.json").read_text(encoding="utf-8"))
    left = prov["left_out_of_additions"]
    assert len(derived) + len(left) == 84 and all("not people" in x["reason"] for x in left)
    kept = [r for r in raw if not r["unit"].startswith("vehicles")]
    assert [float(r["count"].split("-")[0]) for r in kept] == derived["value"].tolist()
    assert [r["source_url"] for r in kept] == derived["source_url"].tolist()
    assert all(r["quote"].strip() in n for r, n in zip(kept, derived["notes"]))  # the sentence read from
    # footprints stay apart: Lapland's checkpoints and the south-eastern ones are their own borders
    lapland = derived[derived["crossing"].str.contains("Lapland")]
    assert set(lapland["footprint"]) == {"finland/salla-raja-jooseppi-lapland"}
    se = derived[derived["crossing"].str.startswith("SE Finland (Imatra+Nuijamaa+Vaalimaa)")]
    assert set(se["footprint"]) == {"finland/se-3-checkpoints"}


def test_lapland_weeks_form_one_weekly_series(build_data):
    from trendlib.datasets import derive_crossing_series, load_crossings

    weekly = derive_crossing_series(load_crossings(ROOT / "data" / "crossings" / "crossings_2022.csv")).weekly()
    lap = weekly[weekly["footprint"] == "finland/salla-raja-jooseppi-lapland"]
    assert lap["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-08-29", "2022-09-05", "2022-09-12", "2022-09-19",
                                                            "2022-09-26"]
    assert lap["value"].tolist() == [780, 741, 790, 930, 886]


def test_period_overview_counts_consecutive_weeks():
    import pandas as pd

    from trendlib.datasets.derive import period_overview

    dates = pd.to_datetime(["2022-08-29", "2022-09-05", "2022-09-12", "2022-09-26", "2022-09-19"])
    frame = pd.DataFrame({"date": list(dates) + list(pd.to_datetime(["2022-09-19", "2022-10-03"])),
                          "series": ["lapland"] * 5 + ["lars"] * 2, "value": range(7)})
    ov = period_overview(frame, days=7).set_index("series")
    assert ov.loc["lapland", "longest_run"] == 5 and ov.loc["lapland", "n_periods"] == 5
    assert ov.loc["lars", "longest_run"] == 1  # two weeks, two weeks apart
