"""Notebook side of the matrix: a notebook that raises (for one study), one that runs past the
execution timeout (for another), and one that declares a parameter of the wrong type.

The report runs through the real CLI (``trendlib report --notebooks DIR``) and real Jupyter
kernels. Standard: the failing notebooks are reported (exit 1; stderr and the study's
results.json and index.html name the notebook, the cell and the error), the other studies and
notebooks still render, and earlier outputs are untouched. A wrong parameter type is found
before any kernel starts; that notebook is reported as failed without running, the rest renders.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tests.conftest import write_tiny_study

from .conftest import cli, snapshot

pytestmark = [pytest.mark.matrix("notebook"), pytest.mark.slow]

# seconds a cell may run: far above what the quick cells take on a loaded machine (a kernel is already up when
# it starts counting), far below the slow cell's sleep
TIMEOUT = "30"

PARAMETERS = '''study_file: str = "study.yaml"  # the study
output_dir: str = "."  # outputs
'''


def _notebook(path: Path, body: str, parameters: str = PARAMETERS) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Three studies (fine; raises in notebook 02; sleeps past the timeout in 02), one run."""
    base = tmp_path_factory.mktemp("notebooks")
    nbs = base / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "01-say-title.ipynb", "import trendlib\nstudy, ex = trendlib.open_study(study_file, output_dir, "
              "notebook='01-say-title')\nprint(study.title)")
    _notebook(nbs / "02-fail-sometimes.ipynb",
              "import time\nimport trendlib\nname = trendlib.open_study(study_file, output_dir, "
              "notebook='02-fail-sometimes')[0].name\n"
              "if name == 'raises':\n    raise ValueError('boom for ' + name)\n"
              "if name == 'slow':\n    time.sleep(3600)\nprint('fine')")
    studies = []
    for name in ("fine", "raises", "slow"):
        studies.append(write_tiny_study(base / name, name=name))
    out = base / "out"
    (out / "earlier").mkdir(parents=True)
    (out / "earlier" / "index.html").write_text("<p>an earlier report</p>\n", encoding="utf-8")
    before = snapshot(out / "earlier")
    proc = cli("report", *map(str, studies), "--notebooks", str(nbs), "--out", str(out), "--jobs", "2",
               "--timeout", TIMEOUT, cwd=base, timeout=600)
    return proc, out, before, nbs, studies


def _results(out: Path, study: str) -> dict:
    return json.loads((out / study / "results.json").read_text(encoding="utf-8"))


def _nb(out: Path, study: str, stem: str) -> dict:
    return next(n for n in _results(out, study)["notebooks"] if n["notebook"] == stem)


def test_a_notebook_that_raises_is_reported(rendered, case):
    proc, out, before, *_ = rendered
    rec = _nb(out, "raises", "02-fail-sometimes")
    assert rec["status"] == "failed" and "boom for raises" in rec["error"] and "In[" in rec["cell"]
    assert "failed" in (out / "raises" / "index.html").read_text(encoding="utf-8").lower()
    lines = [ln for ln in proc.stderr.splitlines() if "02-fail-sometimes failed" in ln and "boom for raises" in ln]
    case.refused(code=proc.returncode, message="\n".join(lines), words=["ValueError: boom for raises"], expected_code=1)
    assert _nb(out, "raises", "01-say-title")["status"] == "ok"  # its other notebook still rendered
    case.intact(before, snapshot(out / "earlier"))


def test_a_notebook_past_its_timeout_is_reported(rendered, case):
    proc, out, before, *_ = rendered
    rec = _nb(out, "slow", "02-fail-sometimes")
    assert rec["status"] == "failed" and "timeout" in rec["error"].lower(), rec
    assert rec["duration_s"] < 600  # stopped by the timeout, long before the cell's hour-long sleep ends
    message = "\n".join(ln for ln in proc.stderr.splitlines() if "02-fail-sometimes failed" in ln
                        and "timed out" in ln)
    case.refused(code=proc.returncode, message=message, words=["timed out", f"--timeout {TIMEOUT}", "'import time'"],
                 expected_code=1)
    case.intact(before, snapshot(out / "earlier"))


def test_the_other_studies_still_render(rendered, case):
    proc, out, before, *_ = rendered
    assert "fine: ok" in proc.stdout, proc.stdout
    res = _results(out, "fine")
    assert [n["status"] for n in res["notebooks"]] == ["ok", "ok"]
    for study in ("fine", "raises", "slow"):
        assert (out / study / "index.html").is_file() and (out / study / "01-say-title.html").is_file()
    assert not list(out.glob(".*.staging")), "a staging folder was left behind"
    case.intact(before, snapshot(out / "earlier"))
    case.recovered("rendered beside two failing studies")


def test_a_parameter_of_the_wrong_type_is_reported_and_the_rest_renders(rendered, tmp_path, case):
    """A notebook declaring ``output_dir: int``: checked before any kernel starts, reported as failed (not
    run) naming notebook, parameter and types; the study's other notebooks still render and the
    other studies' earlier reports are untouched."""
    proc, out, before, nbs, studies = rendered
    bad = tmp_path / "notebooks"
    bad.mkdir()
    for nb in nbs.glob("*.ipynb"):
        (bad / nb.name).write_bytes(nb.read_bytes())
    _notebook(bad / "03-wrong-type.ipynb", "print(output_dir + 1)",
              parameters=PARAMETERS.replace('output_dir: str = "."', "output_dir: int = 0"))
    others = snapshot(out / "raises", out / "slow", out / "earlier")
    again = cli("report", str(studies[0]), "--notebooks", str(bad), "--out", str(out), "--jobs", "2",
                "--timeout", TIMEOUT, timeout=600)
    message = "\n".join(ln for ln in again.stderr.splitlines() if "03-wrong-type failed" in ln)
    case.refused(code=again.returncode, message=message, words=["'output_dir'", "03-wrong-type", "int", "not run"],
                 expected_code=1)
    runs = {n["notebook"]: n for n in _results(out, "fine")["notebooks"]}
    assert runs["03-wrong-type"]["status"] == "failed" and runs["03-wrong-type"]["duration_s"] == 0
    assert runs["01-say-title"]["status"] == runs["02-fail-sometimes"]["status"] == "ok"
    assert "declares it as int" in (out / "fine" / "03-wrong-type.html").read_text(encoding="utf-8")
    case.intact(others, snapshot(out / "raises", out / "slow", out / "earlier"))


def test_a_report_killed_midway_leaves_the_previous_report_whole(rendered, tmp_path, case):
    """SIGKILL to the whole report (CLI, worker, kernel) while it re-renders a study: the previous
    report stays byte-identical (the new one is built in a staging folder), and the next run
    completes."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import cli_env
    _, out, _, nbs, studies = rendered
    fine = studies[0]
    slow = tmp_path / "notebooks"
    slow.mkdir()
    for nb in nbs.glob("*.ipynb"):
        (slow / nb.name).write_bytes(nb.read_bytes())
    inside = tmp_path / "in-the-slow-cell"
    _notebook(slow / "01-say-title.ipynb", f"import pathlib, time\npathlib.Path({str(inside)!r}).touch()\n"
              "time.sleep(3600)")
    before = snapshot(out / "fine")
    proc = subprocess.Popen([sys.executable, "-m", "trendlib", "report", str(fine), "--notebooks", str(slow),
                             "--out", str(out), "--jobs", "1", "--force"], env=cli_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not inside.exists():  # the kernel is in the slow cell
            assert proc.poll() is None and time.monotonic() < deadline, "the slow cell never started"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker: the process group started here
        proc.wait(timeout=120)
    assert (out / ".fine.staging").exists(), "the kill came after the run"
    case.intact(before, snapshot(out / "fine"))
    quick = tmp_path / "quick"  # the rerun: one fast notebook is enough to see the staging folder replaced
    quick.mkdir()
    (quick / "01-say-title.ipynb").write_bytes((nbs / "01-say-title.ipynb").read_bytes())
    again = cli("report", str(fine), "--notebooks", str(quick), "--out", str(out), "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(".*.staging")), "the staging folder of the killed run was left"
    assert [n["status"] for n in _results(out, "fine")["notebooks"]] == ["ok"]
    case.recovered("previous report intact after SIGKILL; the rerun completed")
