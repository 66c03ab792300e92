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
