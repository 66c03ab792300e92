"""Sweeps: one template expanded over values, rendered together; the same through a local Dask cluster."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from trendlib.report.sweep import load_sweep
from tests.conftest import ROOT
from trendlib.study import StudyError

pytestmark = pytest.mark.slow


def _shipped(folder, *names):
    """A notebooks folder with copies of the named shipped notebooks: these tests are of the sweep and the
    executor, which run any notebook the same way; a reader's report of every notebook is tested elsewhere."""
    folder.mkdir()
    for name in names:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", folder / f"{name}.ipynb")
    return folder


def _sweep(folder, body):
    path = folder / "sweep.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_sweep_expands_validates_and_names_each_combination(tiny_study):
    path = _sweep(tiny_study.parent, "name: by-date\ntemplate: tiny.yaml\n"
                  "vary:\n  event_date: [2022-09-20, 2022-09-01]\n  title: ['A {event_date}', B]\n")
    sweep = load_sweep(path)
    assert [s.name for s in sweep.studies] == [
        "tiny--event_date-2022-09-20--title-A-2022-09-20", "tiny--event_date-2022-09-20--title-B",
        "tiny--event_date-2022-09-01--title-A-2022-09-01", "tiny--event_date-2022-09-01--title-B"]
    assert sweep.studies[0].title == "A 2022-09-20"  # placeholders filled from the varied values
    assert str(sweep.studies[2].event_date) == "2022-09-01"
    assert sweep.studies[0].trends == tiny_study.parent / "data" / "series.csv"  # paths relative to template
    zipped = load_sweep(_sweep(tiny_study.parent, "template: tiny.yaml\nzip: true\n"
                               "vary:\n  event_date: [2022-09-20, 2022-09-01]\n  title: [A, B]\n"))
    assert len(zipped.studies) == 2


@pytest.mark.parametrize("body,needle", [
    ("template: tiny.yaml\nvary:\n  colour: [red]\n", "vary key 'colour' is not a study key"),
    ("template: nope.yaml\nvary:\n  geo: [RU]\n", "template 'nope.yaml' does not exist"),
    ("template: tiny.yaml\nvary:\n  event_date: [2030-01-01]\n", "combination event_date=2030-01-01"),
    ("template: tiny.yaml\nvary:\n  geo: [RU]\nextra: 1\n", "unknown key(s) 'extra'"),
])
def test_bad_sweeps_are_refused_before_anything_runs(tiny_study, body, needle):
    with pytest.raises(StudyError, match=None) as err:
        load_sweep(_sweep(tiny_study.parent, body))
    assert needle in str(err.value)


def test_cli_renders_a_sweep_with_a_comparison_table(tmp_path, tiny_study):
    path = _sweep(tiny_study.parent, "name: by-date\ntemplate: tiny.yaml\nvary:\n  event_date: [2022-09-20, 2022-09-01]\n")
    out = tmp_path / "out"
    # 01 and 10 write what the comparison table reads (explore, event_study)
    nbs = _shipped(tmp_path / "nbs", "01-explore-search-interest", "10-event-study")
    proc = subprocess.run([sys.executable, "-m", "trendlib", "report", "--sweep", str(path), "--out", str(out),
                           "--notebooks", str(nbs), "--jobs", "2"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    folder = out / "by-date"
    table = pd.read_csv(folder / "comparison.csv")
    assert list(table["study"]) == ["tiny--event_date-2022-09-20", "tiny--event_date-2022-09-01"]
    assert set(table["status"]) == {"ok"}
    page = (folder / "index.html").read_text(encoding="utf-8")
    for name in table["study"]:
        assert f'href="{name}/index.html"' in page
        assert (folder / name / "results.json").is_file()


def test_the_same_studies_render_on_a_local_dask_cluster(tmp_path, tiny_study):
    distributed = pytest.importorskip("distributed")
    from trendlib.report.runner import run_studies
    from trendlib.study import load_study

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0") as cluster:  # any free port: two suites side by side
        runs = run_studies([load_study(tiny_study)], out=tmp_path / "out", executor="dask",
                           scheduler=cluster.scheduler_address, progress=False,
                           notebooks_dir=_shipped(tmp_path / "nbs", "01-explore-search-interest",
                                                  "20-searches-vs-crossings"))  # two: one per worker
    assert runs[0].ok and len(runs[0].notebooks) == 2
    r = json.loads((tmp_path / "out" / "tiny" / "results.json").read_text(encoding="utf-8"))
    assert r["explore"]["series"][0]["n_points"] == 70


def test_dask_without_a_reachable_scheduler_is_a_clear_error(tmp_path, tiny_study):
    from trendlib.report.runner import ReportError, run_studies
    from trendlib.study import load_study

    with pytest.raises(ReportError, match="cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
        run_studies([load_study(tiny_study)], out=tmp_path / "out", executor="dask",
                    scheduler="tcp://127.0.0.1:9", progress=False)
