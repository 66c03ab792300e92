"""Promises the repository makes about itself: clean notebooks, agreeing pins, a README that names real paths."""
from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*-*.ipynb"))


def test_there_are_numbered_verb_object_notebooks():
    assert NOTEBOOKS, "no notebooks found"
    for nb in NOTEBOOKS:
        assert re.fullmatch(r"\d{2}[a-z]?-[a-z0-9]+(-[a-z0-9]+)*\.ipynb", nb.name), nb.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_carry_no_outputs(path):
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name} cell {i} has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_and_its_text_twin_are_in_sync(path):
    jupytext = pytest.importorskip("jupytext", reason="jupytext comes with the [lab] extra")
    twin = path.with_suffix(".py")
    assert twin.is_file(), f"{path.name} has no jupytext twin {twin.name}"
    a = nbformat.read(str(path), as_version=4)
    b = jupytext.read(str(twin))
    pair = [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in a.cells]
    twin_cells = [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in b.cells]
    assert pair == twin_cells, f"{path.name} and {twin.name} differ: run 'make sync'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_shape_question_parameters_validation_caveats(path):
    nb = nbformat.read(str(path), as_version=4)
    assert nb.cells[0].cell_type == "markdown" and "question" in nb.cells[0].source.lower()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged parameters"
    for line in code[0].source.splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.match(r"^\w+: \w+ = .+  # .+", line), f"untyped or uncommented parameter: {line}"
            assert line.count("=") == 1, f"'=' in a parameter comment breaks papermill: {line}"
    assert "open_study(study_file, output_dir" in code[1].source, "the cell after parameters must validate them"
    assert "caveat" in nb.cells[-1].source.lower(), "the notebook must end with its caveats"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_every_repository_path_the_readme_names_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    candidates = set(re.findall(r"`([A-Za-z0-9_.\-/]+)`", readme))
    candidates |= set(re.findall(r"\]\(([A-Za-z0-9_.\-/]+)\)", readme))
    tops = ("trendlib/", "notebooks/", "studies/", "data/", "tests/", "benchmarks/", "tools/", ".ci/",
            ".github/", "outputs/README", "requirements/", "docs/")
    named = [c for c in candidates if c.startswith(tops) or c in (
        "environment.yml", "pyproject.toml", "mkdocs.yml", "Makefile", "CITATION.cff", "LICENSE",
        "jupytext.toml")]
    assert len(named) >= 10, "README names few repository paths; the map of outputs is missing?"
    missing = sorted(c for c in named if not (ROOT / c.rstrip("/")).exists() and "<" not in c and "*" not in c)
    assert not missing, f"README names paths that do not exist: {missing}"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1]
    commands = re.findall(r"^(make \w+)", quick, flags=re.M)
    assert commands[:2] == ["make report", "make test"]


def test_outputs_are_ignored_except_their_readme():
    out = subprocess.run(["git", "check-ignore", "outputs/x/index.html", "outputs/README.md"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.stdout.split() == ["outputs/x/index.html"]


def test_cli_help_is_fast_to_import_and_lists_report():
    out = subprocess.run([sys.executable, "-c", "import sys, trendlib.cli; trendlib.cli.main(['--help'])"],
                         capture_output=True, text=True)
    assert "report" in out.stdout
    heavy = subprocess.run([sys.executable, "-c", "import sys, trendlib; import trendlib.cli; "
                            "trendlib.cli.build_parser(); "
                            "print(sorted(m for m in ('pandas','matplotlib','statsmodels','pytrends','papermill') "
                            "if m in sys.modules))"], capture_output=True, text=True)
    assert heavy.stdout.strip() == "[]", f"building the CLI imports heavy modules: {heavy.stdout}"


def test_readme_study_key_table_is_generated_from_the_study_contract():
    from trendlib.scaffold import study_key_table
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- study-keys: generated by trendlib.scaffold.study_key_table() -->\n")
    table = text[start:text.index("<!-- /study-keys -->")].split("\n", 1)[1]
    assert table == study_key_table(), "README's study key table is stale: regenerate it from study_key_table()"
