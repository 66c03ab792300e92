"""Notebooks 10, 20 and 30 render through papermill on both shipped studies, and their
results.json parts keep the contract (the `event_study` records) and say 'too few' or 'no
crossings' instead of inventing a number."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MINE = ("10-event-study", "20-searches-vs-crossings", "30-robustness")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    base = tmp_path_factory.mktemp("nb")
    nbs = base / "notebooks"
    nbs.mkdir()
    for name in MINE:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", nbs / f"{name}.ipynb")
    out = base / "out"
    proc = subprocess.run([sys.executable, "-m", "trendlib", "report", str(ROOT / "studies" / "invasion-2022.yaml"),
                           str(ROOT / "studies" / "mobilization-2022.yaml"), "--out", str(out), "--notebooks",
                           str(nbs), "--jobs", "1"], capture_output=True, text=True, timeout=900, cwd=base)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {s: json.loads((out / s / "results.json").read_text(encoding="utf-8"))
            for s in ("invasion-2022", "mobilization-2022")}


def test_every_notebook_ran_on_both_studies(rendered):
    for results in rendered.values():
        status = {n["notebook"]: n["status"] for n in results["notebooks"]}
        assert status == {name: "ok" for name in MINE}


def test_event_study_contract_and_the_invasion_jump(rendered):
    need = {"query", "label", "event_date", "fold_increase", "fold_low", "fold_high", "p_value", "q_value",
            "significant"}
    for results in rendered.values():
        assert results["event_study"] and all(need <= set(r) for r in results["event_study"])
    inv = [r for r in rendered["invasion-2022"]["event_study"] if r["event_date"] == "2022-02-24"]
    emig = {r["label"]: r for r in inv}
    for label in ("emigration", "to immigrate", "political asylum"):
        assert emig[label]["significant"] and emig[label]["fold_low"] > 1
    sentences = rendered["invasion-2022"]["event_study_sentences"]
    assert any("'emigration' were about" in s["sentence"] and "range" in s["sentence"] for s in sentences)


def test_crossings_notebook_says_what_the_data_support(rendered):
    assert rendered["invasion-2022"]["searches_vs_crossings"]["status"] == "no_crossings"
    mob = rendered["mobilization-2022"]["searches_vs_crossings"]
    assert mob["status"] == "too_few" and mob["n_tested"] == 0 and mob["longest_run_days"] < 30


def test_robustness_table_present(rendered):
    for results in rendered.values():
        verdicts = results["robustness"]
        assert verdicts and all("verdict" in v for v in verdicts)
