"""Incremental rendering: a changed input re-executes exactly the notebooks that read it."""
from __future__ import annotations

import json

import nbformat
import pytest

from tests.conftest import ROOT
from trendlib.report.runner import run_studies
from trendlib.study import load_study

pytestmark = pytest.mark.slow

SETUP = ("import trendlib\n"
         "study, ex = trendlib.open_study(study_file, output_dir, notebook={name!r})\n")


def _notebooks(folder):
    folder.mkdir()
    base = nbformat.read(str(ROOT / "notebooks" / "01-explore-search-interest.ipynb"), as_version=4)
    params = next(c for c in base.cells if "parameters" in c.metadata.get("tags", []))
    bodies = {
        "01-read-trends": "ex.record('n_trend_rows', len(trendlib.load_trends(study.trends)))",
        "02-read-samples": "ex.record('n_sample_rows', len(trendlib.load_trend_samples(study.trends, missing_ok=True)))",
    }
    for name, body in bodies.items():
        nb = nbformat.v4.new_notebook(metadata=base.metadata)
        nb.cells = [params, nbformat.v4.new_code_cell(SETUP.format(name=name) + body)]
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
    return folder


def _status(out):
    r = json.loads((out / "tiny" / "results.json").read_text(encoding="utf-8"))
    return {n["notebook"]: n["reused"] for n in r["notebooks"]}, r


def test_only_the_notebooks_that_read_a_changed_file_run_again(tmp_path, tiny_study, monkeypatch):
    # trendlib's own source is part of every fingerprint; pin it here so that editing trendlib
    # while this test runs cannot make it flaky (test_environment_change_reruns_all covers it)
    from trendlib.report import runner
    monkeypatch.setattr(runner, "_environment_fingerprint", lambda: "fixed")
    notebooks = _notebooks(tmp_path / "nbs")
    out = tmp_path / "out"
    study = load_study(tiny_study)

    run_studies([study], out=out, notebooks_dir=notebooks, jobs=2, progress=False)
    reused, first = _status(out)
    assert reused == {"01-read-trends": False, "02-read-samples": False}

    run_studies([study], out=out, notebooks_dir=notebooks, jobs=2, progress=False)
    reused, again = _status(out)
    assert reused == {"01-read-trends": True, "02-read-samples": True}
    assert again["n_sample_rows"] == first["n_sample_rows"] and again["n_trend_rows"] == 140
    assert (out / "tiny" / "01-read-trends.html").is_file()
    assert "reused" in (out / "tiny" / "index.html").read_text(encoding="utf-8")

    # every notebook shows the provenance (sha256) of every data file of the study, so it depends on all of
    # them; a file only one notebook reads is the per-sample file beside the trends file (notebook 30's)
    samples = study.trends.with_name(study.trends.stem + ".samples.csv")
    samples.write_text("date,query,geo,sample,fetched_on,value,below_one,is_partial,resolution\n"
                       "2022-08-01,alpha,RU,s1,2022-10-10,20,false,false,day\n", encoding="utf-8")
    run_studies([study], out=out, notebooks_dir=notebooks, jobs=2, progress=False)
    reused, changed = _status(out)
    assert reused == {"01-read-trends": True, "02-read-samples": False}
    assert first["n_sample_rows"] == 0 and changed["n_sample_rows"] == 1

    nb = notebooks / "01-read-trends.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("n_trend_rows", "n_rows_of_trends"), encoding="utf-8")
    run_studies([study], out=out, notebooks_dir=notebooks, jobs=2, progress=False)
    reused, edited = _status(out)
    assert reused == {"01-read-trends": False, "02-read-samples": True}
    assert edited["n_rows_of_trends"] == 140 and "n_trend_rows" not in edited

    run_studies([study], out=out, notebooks_dir=notebooks, jobs=2, force=True, progress=False)
    reused, _ = _status(out)
    assert reused == {"01-read-trends": False, "02-read-samples": False}


def test_environment_change_reruns_all(tmp_path):
    from trendlib.report import runner

    nb = tmp_path / "01-x-y.ipynb"
    nb.write_text("{}", encoding="utf-8")
    params = {"title": "t", "geo": "RU"}  # the study's keys (Study.to_mapping())
    base = runner._fingerprint(nb, params, [], "env-1")
    assert runner._fingerprint(nb, dict(params), [], "env-1") == base
    assert runner._fingerprint(nb, params, [], "env-2") != base
    assert runner._fingerprint(nb, dict(params, title="u"), [], "env-1") != base
    assert runner._fingerprint(nb, params, ["<div>banner</div>"], "env-1") != base
    env = runner._environment_fingerprint()
    assert len(env) == 64 and env == runner._environment_fingerprint()
