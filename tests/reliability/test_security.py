"""Security basics of the matrix: safe YAML, no pickle/eval/exec of anything a user may receive,
HTML escaping of labels and titles, output paths confined to the output folder, and no cookies,
tokens or credentials in logs, caches or provenance."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.conftest import write_tiny_study

from .conftest import ROOT, SHORT, cli, cli_here, snapshot

pytestmark = pytest.mark.matrix("security")

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


# ---------------------------------------------------------------- YAML
@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch PWNED']",
                                 "!!python/name:os.system", "!!python/object/new:subprocess.Popen [['touch', 'PWNED']]"])
def test_study_yaml_with_a_python_tag_is_refused_and_runs_nothing(tag, tmp_path, case):
    study = write_tiny_study(tmp_path / "study")
    study.write_text(study.read_text(encoding="utf-8") + f"description: {tag}\n", encoding="utf-8")
    before = snapshot(study.parent)
    proc = cli_here("report", str(study), "--out", str(tmp_path / "out"))
    case.refused_cli(proc, code=2, words=["not valid YAML", "python/"])
    assert not list(tmp_path.rglob("PWNED")) and not (tmp_path / "out").exists()
    case.intact(before, snapshot(study.parent))


def test_sweep_yaml_with_a_python_tag_is_refused(tmp_path, case):
    study = write_tiny_study(tmp_path / "study")
    sweep = study.parent / "sweep.yaml"
    sweep.write_text(f"template: {study.name}\nvary:\n  geo: !!python/object/apply:os.system ['touch PWNED']\n", encoding="utf-8")
    proc = cli_here("report", "--sweep", str(sweep), "--out", str(tmp_path / "out"))
    case.refused_cli(proc, code=2, words=["not valid YAML", "python/object"])
    assert not list(tmp_path.rglob("PWNED"))


def _alias_bomb(levels: int = 9) -> str:
    """A flow list of anchors, each level ten aliases of the one before: 10**levels values expanded."""
    defs = ["&a0 [" + ", ".join(["lol"] * 10) + "]"]
    defs += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "[" + ", ".join(defs) + "]"


@pytest.mark.parametrize("where", ["study title", "sweep values"])
def test_yaml_alias_bomb_is_refused_quickly(where, tmp_path, case):
    """A 'billion laughs' file (1 kB that expands to 10**9 values) must be refused, not hang."""
    study = write_tiny_study(tmp_path / "study")
    bomb = _alias_bomb()
    if where == "study title":
        text = study.read_text(encoding="utf-8").replace("title: 'Tiny study'", f"title: {bomb}")
        study.write_text(text, encoding="utf-8")
        proc = cli("plan", "--study", str(study), timeout=240)
    else:
        sweep = study.parent / "sweep.yaml"
        sweep.write_text(f"template: {study.name}\ndescription: {bomb}\nvary:\n  title: [*a8]\n", encoding="utf-8")
        proc = cli("report", "--sweep", str(sweep), "--out", str(tmp_path / "out"), timeout=240)
    assert len(proc.stderr) < 2000, "the error message quotes the expanded document"
    case.refused_cli(proc, code=2, words=["more than 100000 values", "aliases"])


def test_every_yaml_loader_is_safe(case):
    import yaml

    from trendlib.study import safe_yaml_loader
    assert issubclass(safe_yaml_loader(), yaml.SafeLoader)
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load("x: !!python/name:os.system", Loader=safe_yaml_loader())  # noqa: S506 - the loader under test
    case.recovered("SafeLoader subclass")


# ---------------------------------------------------------------- no pickle / eval / exec
_UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
_UNSAFE_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib", "cloudpickle"}
_UNSAFE_ATTRS = {"read_pickle", "to_pickle", "unsafe_load", "full_load", "load_all"}


def _unsafe(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{where} imports {n}" for n in names if n and n.split(".")[0] in _UNSAFE_MODULES]
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if (isinstance(f, ast.Name) and name in _UNSAFE_CALLS) or (isinstance(f, ast.Attribute)
                                                                   and name in _UNSAFE_ATTRS):
            found.append(f"{where} calls {name}()")
        kw = {k.arg: k.value for k in node.keywords}
        if "allow_pickle" in kw and not (isinstance(kw["allow_pickle"], ast.Constant) and not kw["allow_pickle"].value):
            found.append(f"{where} allow_pickle")
        if name == "load" and isinstance(f, ast.Attribute) and getattr(f.value, "id", "") == "yaml":
            loader = kw.get("Loader")
            text = ast.unparse(loader) if loader is not None else ""
            if text not in ("yaml.SafeLoader", "yaml.CSafeLoader", "safe_yaml_loader()"):
                found.append(f"{where} yaml.load with Loader={text or 'default'}")
        if kw.get("shell") is not None and isinstance(kw["shell"], ast.Constant) and kw["shell"].value:
            found.append(f"{where} shell=True")
    return found


def test_no_pickle_eval_exec_or_unsafe_yaml_in_trendlib_or_notebooks(case):
    files = sorted((ROOT / "trendlib").rglob("*.py")) + sorted((ROOT / "notebooks").glob("*.py"))
    assert len(files) > 20
    found = [f for p in files for f in _unsafe(p)]
    assert not found, found
    case.recovered(f"{len(files)} files scanned")


def test_the_scanner_finds_what_it_looks_for(tmp_path):
    """The scan above can fail: it flags each construct in a planted file."""
    bad = ROOT / "tests" / "reliability" / "_planted_unsafe.py.txt"
    sample = tmp_path / "planted.py"
    sample.write_text(bad.read_text(encoding="utf-8"), encoding="utf-8")
    import tests.reliability.test_security as me
    old = me.ROOT
    me.ROOT = tmp_path
    try:
        found = _unsafe(sample)
    finally:
        me.ROOT = old
    assert len(found) == 7, found


# ---------------------------------------------------------------- HTML escaping
def _no_raw_markup(page: str) -> None:
    assert "<script>alert" not in page and "<img src=x" not in page, "hostile markup written unescaped"
    assert "&lt;script&gt;alert(" in page


def test_study_index_escapes_title_description_labels_and_captions(tmp_path, case):
    from trendlib.report.exhibits import PARTS_DIR
    from trendlib.report.index import write_root_index, write_study_outputs
    from trendlib.study import load_study
    study_file = write_tiny_study(tmp_path / "study", title=HOSTILE)
    text = study_file.read_text(encoding="utf-8").replace("label: beta", f"label: {json.dumps(HOSTILE)}")
    study_file.write_text(text + f"description: {json.dumps(HOSTILE)}\n", encoding="utf-8")
    study = load_study(study_file)
    folder = tmp_path / "out" / study.name
    (folder / PARTS_DIR).mkdir(parents=True)
    (folder / PARTS_DIR / "01-x.json").write_text(json.dumps({
        "notebook": "01-x", "results": {}, "tables": [],
        "figures": [{"name": "fig1", "png": "figures/fig1.png", "svg": "figures/fig1.svg", "caption": HOSTILE,
                     "data": "", "notebook": "01-x"}]}), encoding="utf-8")
    from trendlib.report.runner import NotebookRun
    notebooks = [NotebookRun(notebook="01-x", status="failed", duration_s=1.0, started_at="", ipynb="01-x.ipynb",
                             html_reader="01-x.html", html_full="01-x.full.html", error=HOSTILE,
                             cell=HOSTILE).to_dict()]
    write_study_outputs(folder, study=study, provenance=[], notebooks=notebooks, banners=[], wall_s=1.0)
    _no_raw_markup((folder / "index.html").read_text(encoding="utf-8"))
    _no_raw_markup(write_root_index(tmp_path / "out").read_text(encoding="utf-8"))
    case.recovered("escaped")


def test_sweep_index_escapes_varied_values_and_labels(tmp_path, case):
    from trendlib.report.sweep import load_sweep, write_sweep_index
    study = write_tiny_study(tmp_path / "study")
    sweep_file = study.parent / "sweep.yaml"
    sweep_file.write_text(f"template: {study.name}\ndescription: {json.dumps(HOSTILE)}\nvary:\n"
                          f"  title: [{json.dumps(HOSTILE)}, plain]\n", encoding="utf-8")
    sweep = load_sweep(sweep_file)
    folder = tmp_path / "out" / sweep.name
    folder.mkdir(parents=True)
    _no_raw_markup(write_sweep_index(folder, sweep).read_text(encoding="utf-8"))
    case.recovered("escaped")


# ---------------------------------------------------------------- output confinement
@pytest.mark.parametrize("name", ["../escaped", "..", "a/../../b", "/tmp/abs"])
def test_study_names_cannot_leave_the_output_folder(name, tmp_path, case):
    import dataclasses

    from trendlib.report.runner import ReportError, run_studies
    from trendlib.study import Study, StudyError, load_study
    good = load_study(write_tiny_study(tmp_path / "study"))
    with pytest.raises(StudyError) as info:
        Study.from_mapping({"title": "t", "geo": "RU", "start": "2022-08-01", "end": "2022-10-09",
                            "event_date": "2022-09-20", "queries": ["a"], "trends": str(good.trends),
                            "events": str(good.events)}, name=name, base_dir=tmp_path)
    assert "not usable as a folder name" in str(info.value)
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(tmp_path)
    forged = dataclasses.replace(good, name=name)  # a Study built without validation
    with pytest.raises(ReportError) as info2:
        run_studies([forged], out=out, notebooks_dir=ROOT / "notebooks")
    case.refused_api(info2.value, code=2, words=[repr(name), "outside the output folder"])
    case.intact(before, snapshot(tmp_path))


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", "/etc/x", "A"])
def test_exhibit_names_cannot_leave_the_output_folder(name, tmp_path, case):
    import pandas as pd

    from trendlib.errors import TrendlibError
    from trendlib.report.exhibits import Exhibits
    ex = Exhibits(tmp_path / "out", notebook="01-x")
    before = snapshot(tmp_path)
    with pytest.raises(TrendlibError) as info:
        ex.save_table(pd.DataFrame({"a": [1]}), name, caption="")
    case.refused_api(info.value, words=[repr(name), "file name"])
    case.intact(before, snapshot(tmp_path))


@pytest.mark.parametrize("notebook", ["../../escape", "a/b", "/tmp/x"])
def test_notebook_names_of_exhibits_cannot_leave_the_output_folder(notebook, tmp_path, case):
    from trendlib.errors import TrendlibError
    from trendlib.report.exhibits import Exhibits
    (tmp_path / "out").mkdir()
    with pytest.raises(TrendlibError) as info:
        Exhibits(tmp_path / "out", notebook=notebook)
    assert not [p for p in tmp_path.rglob("*.json")], "a file was written"
    case.refused_api(info.value, words=[repr(notebook)])


# ---------------------------------------------------------------- secrets
def _all_text(*roots: Path) -> str:
    parts = []
    for root in roots:
        for p in Path(root).rglob("*"):
            if p.is_file():
                parts.append(p.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


@pytest.fixture
def verbose_fetch(tmp_path, fake):
    """A verbose CLI fetch (debug logs) into tmp: (stdout+stderr, cache dir, out dir)."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    args = ["-v", "fetch", *SHORT["terms"], "--geo", SHORT["geo"], "--start", SHORT["start"], "--end", SHORT["end"],
            "--out", str(out / "s.csv"), "--cache-dir", str(cache), "--regions-out", str(out / "r.csv"),
            "--related-out", str(out / "q.csv")]
    return args, cache, out


def test_no_cookie_in_logs_cache_or_provenance(verbose_fetch, fake, case):
    from trendlib.testing import simulate
    args, cache, out = verbose_fetch
    proc = cli(*args, url=fake.url)
    assert proc.returncode == 0, proc.stderr
    nid = f"511={simulate.derive_seed('nid', fake.today.isoformat()) % 10**9}"
    assert fake.count("cookie") >= 1
    text = _all_text(cache, out) + proc.stdout + proc.stderr
    assert nid not in text and "NID=" not in text, "the NID cookie was written"
    case.recovered("cookie value absent from every file and log line")


def test_no_widget_tokens_in_logs_cache_or_provenance(verbose_fetch, fake, case):
    args, cache, out = verbose_fetch
    proc = cli(*args, url=fake.url)
    assert proc.returncode == 0, proc.stderr
    tokens = {r.params["token"] for r in fake.log if r.params.get("token")}
    assert tokens
    text = _all_text(cache, out) + proc.stdout + proc.stderr
    leaked = sorted(t for t in tokens if t in text)
    assert not leaked, f"{len(leaked)} token(s) written, e.g. {leaked[0]}"
    case.recovered("no token in any file or log line")


def test_no_credentials_from_the_url_in_logs_cache_or_provenance(verbose_fetch, fake, case):
    args, cache, out = verbose_fetch
    url = fake.url.replace("http://", "http://reader:s3cr3t-pw@")
    proc = cli(*args, url=url)
    assert proc.returncode == 0, proc.stderr
    text = _all_text(cache, out) + proc.stdout + proc.stderr
    assert "s3cr3t-pw" not in text, "the password in the URL was written"
    case.recovered("no credentials in any file or log line")


def test_notebook_pages_escape_labels_in_displayed_markdown_and_tables(tmp_path, case):
    """A label reaches notebook outputs through display(Markdown(...)) sentences and Styler tables;
    the rendered reader and full pages must show it as text, not run it as markup."""
    import nbformat

    from trendlib.report.render import banner_html, render_notebook_html
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(...)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": f"searches for **{HOSTILE}** rose",
                                                     "text/plain": "<IPython.core.display.Markdown object>"}),
        nbformat.v4.new_output("display_data", data={
            "text/html": f"<style type='text/css'>#T_x td {{text-align: left}}</style><table id='T_x'><tr>"
                         f"<td class='data'>{HOSTILE}</td><td>3.6</td></tr></table>",
            "text/plain": "table"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(3)", "text/plain": "js"}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Notebook prose"), cell]
    executed = tmp_path / "01-x.ipynb"
    nbformat.write(nb, str(executed))
    render_notebook_html(executed, reader=tmp_path / "r.html", full=tmp_path / "f.html", title=HOSTILE,
                         banners=[banner_html("illustrative", "ILLUSTRATIVE DATA")])
    for page in ("r.html", "f.html"):
        text = (tmp_path / page).read_text(encoding="utf-8")
        _no_raw_markup(text)
        assert "alert(3)" not in text, "a javascript output was kept"
        assert "<table" in text and "<style" in text and "ILLUSTRATIVE DATA" in text  # tables and banner kept
        assert 'class="trendlib-banner' in text
    case.recovered("labels shown as text; tables, styles and banners kept")
