"""Notebooks 10, 20 and 30 render through papermill on both shipped studies, and their
results.json parts keep the contract (the `event_study` records) and say 'too few' or 'no
crossings' instead of inventing a number."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MINE = ("10-event-study", "20-searches-vs-crossings", "30-robustness")


@pytest.fixture(scope="module")
def rendered(shipped_report):
    """results.json of both shipped studies, from the session's one render of them (tests/conftest.py)."""
    return {s: json.loads((shipped_report / s / "results.json").read_text(encoding="utf-8"))
            for s in ("invasion-2022", "mobilization-2022")}


def test_every_notebook_ran_on_both_studies(rendered):
    for results in rendered.values():
        status = {n["notebook"]: n["status"] for n in results["notebooks"]}
        shipped = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
        assert set(MINE) <= shipped  # this file's notebooks are among the shipped ones the report ran ...
        assert status == {name: "ok" for name in shipped}  # ... and every one of them ran


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
