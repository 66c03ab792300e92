"""Forked kernels: each notebook still gets its own new kernel (no shared variables, own process, own RNG)."""
from __future__ import annotations

import json
import os
import shutil
import sys

import nbformat
import pytest

from tests.conftest import ROOT
from trendlib.report.runner import run_studies
from trendlib.study import load_study

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked kernels are Linux-only")]

SETUP = ("import os, random, sys\nimport numpy as np\nimport trendlib\n"
         "study, ex = trendlib.open_study(study_file, output_dir, notebook={name!r})\n"
         "trendlib.load_events(study.events)\n")


def _notebooks(folder):
    folder.mkdir()
    base = nbformat.read(str(ROOT / "notebooks" / "01-explore-search-interest.ipynb"), as_version=4)
    params = next(c for c in base.cells if "parameters" in c.metadata.get("tags", []))
    for name, body in {
        "01-set-a-variable": "leak = 'from notebook 01'\n",
        "02-look-for-it": "",
        "03-look-again": "",
    }.items():
        nb = nbformat.v4.new_notebook(metadata=base.metadata)
        code = SETUP.format(name=name) + body + (
            "ex.record('probe', {'pid': os.getpid(), 'leaked': 'leak' in globals(), "
            "'np_draw': float(np.random.random()), 'py_draw': random.random(), "
            "'pandas_loaded': 'pandas' in sys.modules, 'cwd': os.getcwd()})".replace("probe", f"probe_{name[:2]}"))
        nb.cells = [params, nbformat.v4.new_code_cell(code)]
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
    return folder


@pytest.mark.parametrize("kernel", ["fork", "fresh"])
def test_every_notebook_gets_a_new_kernel(tmp_path, tiny_study, kernel):
    out = tmp_path / "out"
    runs = run_studies([load_study(tiny_study)], out=out, notebooks_dir=_notebooks(tmp_path / "nbs"), jobs=1,
                       kernel=kernel, progress=False)
    assert runs[0].ok, [n.error for n in runs[0].notebooks]
    r = json.loads((out / "tiny" / "results.json").read_text(encoding="utf-8"))
    probes = [r[f"probe_{n}"] for n in ("01", "02", "03")]
    assert len({p["pid"] for p in probes}) == 3  # three kernels
    assert all(p["pid"] != os.getpid() for p in probes)
    assert probes[0]["leaked"] and not any(p["leaked"] for p in probes[1:])  # 01 set it; 02 and 03 cannot see it
    assert len({p["np_draw"] for p in probes}) == 3 and len({p["py_draw"] for p in probes}) == 3
    assert all(p["cwd"].endswith(".tiny.staging") for p in probes)  # runs in the study's output folder


def test_forked_and_fresh_kernels_give_the_same_numbers(tmp_path, tiny_study):
    study = load_study(tiny_study)
    # the two shipped notebooks that write the numbers compared here (explore: 01, event_study: 10)
    shipped = tmp_path / "nbs"
    shipped.mkdir()
    for name in ("01-explore-search-interest", "10-event-study"):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", shipped / f"{name}.ipynb")
    results = {}
    for kernel in ("fork", "fresh"):
        out = tmp_path / kernel
        runs = run_studies([study], out=out, notebooks_dir=shipped, jobs=1, kernel=kernel, progress=False)
        assert runs[0].ok
        r = json.loads((out / "tiny" / "results.json").read_text(encoding="utf-8"))
        results[kernel] = {k: r[k] for k in ("explore", "event_study")}
    assert results["fork"] == results["fresh"]


def test_an_unknown_kernel_mode_is_refused(tmp_path, tiny_study):
    from trendlib.report.runner import ReportError

    with pytest.raises(ReportError, match="kernel 'warm'; accepted: 'fork', 'fresh'"):
        run_studies([load_study(tiny_study)], out=tmp_path / "out", kernel="warm", progress=False)


# A kernel that dies while starting (before it answers kernel_info), as one does when another process takes a port
# its connection file names: a python3 kernelspec (found first through JUPYTER_PATH) whose launcher exits the
# first DIE times it is started, then starts ipykernel.
LAUNCHER = """import pathlib, sys
marker = pathlib.Path({marker!r})
starts = int(marker.read_text(encoding="utf-8")) if marker.exists() else 0
marker.write_text(str(starts + 1), encoding="utf-8")
if starts < {die}:
    sys.exit(3)
from ipykernel.kernelapp import launch_new_instance
launch_new_instance()
"""


def _dying_kernelspec(tmp_path, monkeypatch, die: int):
    marker = tmp_path / "kernel-starts"
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER.format(marker=str(marker), die=die), encoding="utf-8")
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(launcher), "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nbs = _notebooks(tmp_path / "nbs")
    for extra in ("02-look-for-it", "03-look-again"):
        (nbs / f"{extra}.ipynb").unlink()
    return marker, nbs


def test_a_kernel_that_dies_while_starting_is_started_again(tmp_path, tiny_study, monkeypatch):
    from trendlib.report.runner import KERNEL_STARTS

    assert KERNEL_STARTS >= 2
    marker, nbs = _dying_kernelspec(tmp_path, monkeypatch, die=1)
    out = tmp_path / "out"
    runs = run_studies([load_study(tiny_study)], out=out, notebooks_dir=nbs, jobs=1, kernel="fresh", progress=False)
    assert runs[0].ok, [n.error for n in runs[0].notebooks]
    assert marker.read_text(encoding="utf-8") == "2"  # died once, then started and ran the notebook
    r = json.loads((out / "tiny" / "results.json").read_text(encoding="utf-8"))
    assert r["probe_01"]["leaked"]  # the notebook really ran, in the second kernel
    kernel_log = (out / "tiny" / "logs" / "01-set-a-variable.kernel.log").read_text(encoding="utf-8")
    assert f"the kernel died while starting (start 1 of {KERNEL_STARTS}" in kernel_log


def test_a_kernel_that_always_dies_while_starting_is_reported_after_every_start(tmp_path, tiny_study, monkeypatch):
    from trendlib.report.runner import KERNEL_STARTS

    marker, nbs = _dying_kernelspec(tmp_path, monkeypatch, die=100)
    runs = run_studies([load_study(tiny_study)], out=tmp_path / "out", notebooks_dir=nbs, jobs=1, kernel="fresh",
                       progress=False)
    (nb,) = runs[0].notebooks
    assert nb.status == "failed" and "Kernel died before replying to kernel_info" in nb.error
    assert marker.read_text(encoding="utf-8") == str(KERNEL_STARTS)  # started that many times, no more
