"""A journalist's own study: trendlib init, data anywhere, the study event, pre-flight refusals, published paths.

Every refusal case runs the real command line in-process and proves no kernel started: the report's
notebooks folder holds one notebook that would leave a marker file if it ever ran, and the output folder
must not exist afterwards.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT, write_tiny_study
from trendlib.cli import main
from trendlib.study import load_study

INIT = ["--title", "Kazakhstan after the announcement", "--geo", "KZ", "--start", "2022-08-01",
        "--end", "2022-10-31", "--event-date", "2022-09-21", "--query", "как уехать", "--query", "visa"]


# ------------------------------------------------------------------ init
def test_init_writes_a_valid_commented_study_and_says_what_next(tmp_path, capsys):
    assert main(["init", str(tmp_path / "kz"), *INIT, "--event-label", "mobilization announced"]) == 0
    out = capsys.readouterr().out
    assert "trendlib import" in out and "trendlib report" in out and "fetch --study" in out
    text = (tmp_path / "kz" / "study.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "kz" / "data").is_dir()
    assert "# events: data/events.csv" in text and "# crossings:" in text  # keys a user may add next
    study = load_study(tmp_path / "kz" / "study.yaml", require_trends=False)
    assert study.geo == "KZ" and study.terms == ["как уехать", "visa"]
    assert study.event_label == "mobilization announced" and study.events is None


@pytest.mark.parametrize("args, words", [
    (["--geo", "Kazakhstan"], ["'geo'", "'Kazakhstan'"]),
    (["--end", "2022-07-01"], ["end 2022-07-01 is before start 2022-08-01"]),
    (["--event-date", "2023-01-01"], ["event_date 2023-01-01 is outside"]),
    (["--start", "01.08.2022"], ["'start'", "'01.08.2022'", "YYYY-MM-DD"]),
    (["--query", "VISA"], ["differs from 'visa' only in case"]),
    ([x for i in range(10) for x in ("--query", f"term {i}")], ["12 queries", "at most 10"]),
])
def test_init_refuses_bad_values_naming_them(tmp_path, capsys, args, words):
    base = list(INIT)
    for flag in ("--geo", "--end", "--event-date", "--start"):
        if flag in args:
            i = base.index(flag)
            del base[i:i + 2]
    code = main(["init", str(tmp_path / "kz"), *base, *args])
    err = capsys.readouterr().err
    assert code == 2, err
    for w in words:
        assert w in err, (w, err)
    assert not (tmp_path / "kz" / "study.yaml").exists()


def test_init_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path, capsys):
    (tmp_path / "kz").mkdir()
    (tmp_path / "kz" / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path / "kz"), *INIT]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "kz"), *INIT, "--force"]) == 0
    assert (tmp_path / "kz" / "notes.txt").read_text(encoding="utf-8") == "mine\n"


# ------------------------------------------------------ pre-flight checks
def _tripwire(folder: Path) -> Path:
    """A notebooks folder whose only notebook leaves a marker if a kernel ever runs it."""
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('study_file: str = "study.json"  # the study\n'
                                       'output_dir: str = "."  # outputs\n')
    params.metadata["tags"] = ["parameters"]
    marker = folder / "a-kernel-ran"
    nb.cells = [params, nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('ran')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / "01-tripwire.ipynb"))
    return marker


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _trends(study: Path) -> Path:
    return study.parent / "data" / "series.csv"


PREFLIGHT = {
    "queries that differ only in case": (
        lambda s: _edit(s, "{term: бета, label: beta}", "{term: ALPHA, label: again}"),
        ["differs from 'alpha' only in case"]),
    "a query with no rows in the trends file": (
        lambda s: _edit(s, "{term: бета, label: beta}", "{term: gamma, label: gamma}"),
        ["series.csv", "no rows for query 'gamma'"]),
    "a geo the trends file does not hold": (
        lambda s: _edit(s, "geo: RU", "geo: KZ"), ["series.csv", "with geo 'KZ'"]),
    "dates that read both ways": (
        lambda s: _edit(_trends(s), "2022-08-01,", "01/08/2022,"), ["series.csv", "line 2", "'01/08/2022'",
                                                                    "day-first", "YYYY-MM-DD"]),
    "dates in no accepted form": (
        lambda s: _edit(_trends(s), "2022-08-03,", "3 Aug 2022,"), ["series.csv", "'3 Aug 2022'", "YYYY-MM-DD"]),
    "a bad date in the events file": (
        lambda s: _edit(s.parent / "data" / "events.csv", "2022-09-01,18:00", "2022-09-31,18:00"),
        ["events.csv", "line 3", "'2022-09-31'", "not a real calendar date"]),
    "a missing data file": (
        lambda s: (s.parent / "data" / "events.csv").unlink(), ["'events'", "no file exists"]),
    "an empty data file": (
        lambda s: (s.parent / "data" / "events.csv").write_text("", encoding="utf-8"), ["'events'", "empty"]),
    "monthly series, which the analyses cannot use": (
        lambda s: _edit(_trends(s), ",day,test-fixture", ",month,test-fixture"), ["series.csv", "month-by-month",
                                                                                "daily or weekly"]),
    "a start that leaves the main event too little baseline": (
        lambda s: _edit(s, "start: 2022-08-01", "start: 2022-09-05"),
        ["series.csv", "main event (event_date 2022-09-20)", "8 days of baseline", "at least 21",
         "set start: to 2022-08-23 or earlier", "(study key 'start')"]),
    "an end before the main event's fold window ends": (
        lambda s: _edit(s, "end: 2022-10-09", "end: 2022-09-24"),
        ["series.csv", "ends on 2022-09-24", "set end: to 2022-09-26 or later", "(study key 'end')"]),
    "a trends file with a header only": (
        lambda s: _trends(s).write_text(_trends(s).read_text(encoding="utf-8").splitlines()[0] + "\n",
                                        encoding="utf-8"), ["series.csv", "no rows"]),
}


@pytest.mark.parametrize("name", list(PREFLIGHT))
def test_report_refuses_bad_study_data_before_any_kernel_starts(tmp_path, capsys, name):
    edit, words = PREFLIGHT[name]
    study = write_tiny_study(tmp_path / "study")
    edit(study)
    marker = _tripwire(tmp_path / "notebooks")
    code = main(["report", str(study), "--out", str(tmp_path / "out"), "--notebooks", str(tmp_path / "notebooks")])
    err = capsys.readouterr().err
    assert code == 2, err
    for w in words:
        assert w in err, (w, err)
    assert not marker.exists(), "a kernel ran before the study was refused"
    assert not (tmp_path / "out" / "tiny").exists() and not list((tmp_path / "out").glob(".*"))


REAL_UA = ROOT / "tests" / "fixtures" / "webexports" / "real" / "uk_multiTimeline_ukrainian_cinema_HanytskaKateryna.csv"


def test_a_real_export_too_short_for_its_event_is_refused_naming_the_start_that_works(tmp_path, capsys):
    """A weekly export that starts 7 weeks before its event: notebooks 10 and 30 used to crash on it."""
    args = ["--title", "Ukrainian cinema", "--geo", "UA", "--start", "2022-01-02", "--end", "2023-11-19",
            "--event-date", "2022-02-24", "--query", "українські фільми"]
    assert main(["init", str(tmp_path / "cinema"), *args]) == 0
    study = tmp_path / "cinema" / "study.yaml"
    assert main(["import", str(REAL_UA), "--study", str(study)]) == 0
    marker = _tripwire(tmp_path / "notebooks")
    capsys.readouterr()
    code = main(["report", str(study), "--out", str(tmp_path / "out"), "--notebooks", str(tmp_path / "notebooks")])
    err = capsys.readouterr().err
    assert code == 2, err
    # the week of 24 Feb 2022 starts on Sunday 20 Feb; the baseline (weeks -26 to -3) needs 12 of its weeks
    for words in ("query 'українські фільми'", "starts on 2022-01-02", "leaves 5 weeks of baseline",
                  "at least 12", "set start: to 2021-11-14 or earlier", "2021-08-22 gives the whole baseline"):
        assert words in err, (words, err)
    assert not marker.exists()


def test_a_main_event_whose_baseline_is_missing_is_said_not_crashed(tmp_path):
    """Dates that hold the windows, values that do not: notebooks 10 and 30 say so where the finding would be."""
    study = write_tiny_study(tmp_path / "study")
    rows = _trends(study).read_text(encoding="utf-8").splitlines()
    blank = [rows[0]] + [re.sub(r"^(2022-08-\d\d,[^,]+,RU),[^,]*,[^,]*,[^,]*,", r"\1,,,,", r) for r in rows[1:]]
    _trends(study).write_text("\n".join(blank) + "\n", encoding="utf-8")  # no values before 1 September
    assert main(["report", str(study), "--out", str(tmp_path / "out")]) == 0
    results = json.loads((tmp_path / "out" / "tiny" / "results.json").read_text(encoding="utf-8"))
    sentences = [s["sentence"] for s in results["event_study_sentences"]]
    assert len(sentences) == 2 and all("the main event could not be studied (only" in s for s in sentences)
    headline = [f["text"] for f in results["findings"] if f["headline"]]
    assert any(h.startswith("The main event (20 Sep 2022) could not be studied for any query") for h in headline)
    assert results["event_study_family"]["n_tests"] == 0 and results["event_study_family"]["skipped"]
    assert {p["status"] for p in results["robustness_placebo"]} == {"unusable"}
    assert all(v["verdict"].startswith("not studied: only") for v in results["robustness"])
    assert results["robustness_summary"]["n_not_studied"] == 2
    assert not (tmp_path / "out" / "tiny" / "figures" / "fig1_event-study.png").exists()  # no chart of nothing


def test_dates_with_a_time_zone_are_read_and_the_conversion_is_said(tmp_path):
    import trendlib
    study = write_tiny_study(tmp_path / "study")
    text = _trends(study).read_text(encoding="utf-8")
    _trends(study).write_text(re.sub(r"\n(2022-\d\d-\d\d),", r"\n\1T00:00:00+03:00,", text), encoding="utf-8")
    frame = trendlib.load_trends(_trends(study))
    assert str(frame["date"].iloc[0].date()) == "2022-08-01" and frame["date"].dt.tz is None
    assert any("time zone" in n and "calendar days" in n for n in frame.attrs["notes"])
    from trendlib.datasets import check_study_data
    assert check_study_data(load_study(study)).notes


def test_a_sweep_whose_varied_key_reaches_no_path_is_refused_naming_it(tmp_path, capsys):
    study = write_tiny_study(tmp_path / "study")
    sweep = tmp_path / "study" / "by-geo.yaml"
    sweep.write_text("name: by-geo\ntemplate: tiny.yaml\nvary:\n  geo: [RU, KZ]\n", encoding="utf-8")
    marker = _tripwire(tmp_path / "notebooks")
    code = main(["report", "--sweep", str(sweep), "--out", str(tmp_path / "out"),
                 "--notebooks", str(tmp_path / "notebooks")])
    err = capsys.readouterr().err
    assert code == 2, err
    for w in ("by-geo.yaml", "geo=KZ", "with geo 'KZ'", "no path or value of its template carries {geo}"):
        assert w in err, (w, err)
    assert not marker.exists()
    del study


# -------------------------------------------- a real render, outside any checkout
ABSOLUTE = re.compile(r"(?<![\w.~<>-])/(?:home|root|tmp|work|usr|opt|var|private|Users)/")


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """A study file in a folder of its own naming data elsewhere by absolute and relative paths, whose
    event date (2022-09-15) is not in its events file, rendered through the CLI from a third folder."""
    base = tmp_path_factory.mktemp("outside")
    data_home = write_tiny_study(base / "archive").parent / "data"
    own = base / "mine"
    own.mkdir()
    study = own / "kz-outside.yaml"
    study.write_text(textwrap.dedent(f"""\
        title: 'Outside the repository'
        geo: RU
        start: 2022-08-01
        end: 2022-10-09
        event_date: 2022-09-15
        event_label: 'an event the file does not list'
        queries:
          - {{term: alpha, label: Alpha label}}
          - {{term: бета, label: beta}}
        trends: {data_home / 'series.csv'}
        events: ../archive/data/events.csv
        crossings: {ROOT / 'data' / 'crossings' / 'crossings_2022.csv'}
        """), encoding="utf-8")
    out = base / "published"
    proc = subprocess.run([sys.executable, "-m", "trendlib", "report", str(study), "--out", str(out), "--jobs", "2"],
                          cwd=base, capture_output=True, text=True, timeout=900)
    return proc, out / "kz-outside", base


@pytest.mark.slow
def test_a_study_outside_the_repository_with_its_event_missing_from_the_events_file_renders(outside):
    proc, folder, _ = outside
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert r["run"]["ok"]
    main_event = [e for e in r["event_study"] if e["event_date"].startswith("2022-09-15")]
    assert main_event and {e["query"] for e in main_event} == {"alpha", "бета"}
    reader = (folder / "01-explore-search-interest.html").read_text(encoding="utf-8")
    assert "an event the file does not list" in reader
    roles = {p["role"]: p for p in r["provenance"]}
    assert roles["events"]["file"] == "../archive/data/events.csv" and len(roles["events"]["sha256"]) == 64


@pytest.mark.slow
def test_landing_pages_state_the_findings_with_links(outside):
    proc, folder, _ = outside
    page = (folder / "index.html").read_text(encoding="utf-8")
    r = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert r["findings"], "no findings recorded"
    head = page[:page.index("<h2>Notebooks</h2>")]
    for f in r["findings"]:
        assert f["text"].split("(")[0].replace("'", "&#39;")[:40] in head
        assert f'href="{f["page"]}"' in head
    root = (folder.parent / "index.html").read_text(encoding="utf-8")
    headline = next(f for f in r["findings"] if f["headline"])
    assert headline["text"][:40].replace("'", "&#39;") in root


@pytest.mark.slow
def test_no_page_and_no_results_json_names_a_folder_of_the_machine(outside):
    proc, folder, base = outside
    assert proc.returncode == 0
    machine = {str(base), str(Path(sys.prefix)), str(Path.home()), str(ROOT)}
    for path in [*folder.glob("*.html"), folder / "results.json", folder.parent / "index.html"]:
        text = path.read_text(encoding="utf-8")
        for m in machine:
            assert m not in text, f"{path.name} names {m}"
        hit = ABSOLUTE.search(text)
        assert hit is None, f"{path.name}: {text[max(0, hit.start() - 80):hit.end() + 80]}"


@pytest.mark.slow
def test_a_failing_cell_shows_its_traceback_with_paths_shortened(tmp_path):
    study = write_tiny_study(tmp_path / "study")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    nb = nbformat.read(str(ROOT / "notebooks" / "01-explore-search-interest.ipynb"), as_version=4)
    nb.cells = [nb.cells[1], nbformat.v4.new_code_cell(
        "import pandas as pd, trendlib\nstudy, ex = trendlib.open_study(study_file, output_dir, notebook='01-fails')\n"
        "pd.read_csv(study.trends.parent / 'no-such-file.csv')")]
    nbformat.write(nb, str(nbs / "01-fails.ipynb"))
    proc = subprocess.run([sys.executable, "-m", "trendlib", "report", str(study), "--out", str(tmp_path / "out"),
                           "--notebooks", str(nbs)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    folder = tmp_path / "out" / "tiny"
    for page in ("01-fails.html", "01-fails.full.html", "results.json"):
        text = (folder / page).read_text(encoding="utf-8")
        assert "no-such-file.csv" in text
        for m in (str(tmp_path), sys.prefix):
            assert m not in text, f"{page} names {m}"
    assert "&lt;study folder&gt;" in (folder / "01-fails.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_plain_papermill_runs_a_notebook_from_the_repository_root(tmp_path):
    """The README's plain papermill call, run from the checkout's root with a study path relative to it."""
    out = tmp_path / "nb01"
    exe = Path(sys.executable).with_name("papermill")
    if not exe.is_file():
        pytest.skip("papermill's command is not installed beside this Python")
    proc = subprocess.run([str(exe), "notebooks/01-explore-search-interest.ipynb", str(tmp_path / "01.ipynb"),
                           "-p", "study_file", "studies/invasion-2022.yaml", "-p", "output_dir", str(out),
                           "--no-progress-bar"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "figures" / "fig1_search-interest.png").is_file()
    help_text = subprocess.run([str(exe), "--help-notebook", "notebooks/10-event-study.ipynb"], cwd=ROOT,
                               capture_output=True, text=True, timeout=120).stdout
    assert "study_file" in help_text and "output_dir" in help_text


@pytest.mark.slow
def test_an_installed_wheel_renders_a_study_from_an_empty_folder(tmp_path):
    """pip's wheel of this checkout, installed into a folder of its own (not the editable checkout), ships
    the notebooks and templates: trendlib init + report work from a folder outside the repository."""
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    if built.returncode != 0 and "Could not" in built.stderr + built.stdout:
        pytest.skip("cannot fetch the build backend from the package index: " + built.stderr[-300:])
    assert built.returncode == 0, built.stderr[-2000:]
    target = tmp_path / "site"
    wheel = next(wheels.glob("trendlib-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    assert (target / "trendlib" / "notebooks" / "10-event-study.ipynb").is_file()
    work = tmp_path / "empty"
    work.mkdir()
    env = {**__import__("os").environ, "PYTHONPATH": str(target), "MPLBACKEND": "Agg"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "trendlib", *a], cwd=work, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=900)
    where = subprocess.run([sys.executable, "-c", "import trendlib; print(trendlib.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True).stdout
    assert where.startswith(str(target)), where
    assert run("init", "mine", *INIT[:-4], "--query", "alpha", "--query", "бета").returncode == 0
    tiny = write_tiny_study(tmp_path / "src")
    shutil.copy(tiny.parent / "data" / "series.csv", work / "mine" / "data" / "trends.csv")
    _edit(work / "mine" / "study.yaml", 'geo: "KZ"', 'geo: "RU"')
    _edit(work / "mine" / "study.yaml", "end: 2022-10-31", "end: 2022-10-09")
    proc = run("report", "mine/study.yaml")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (work / "outputs" / "mine" / "index.html").is_file()  # named after its folder
