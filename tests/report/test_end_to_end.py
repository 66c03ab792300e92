"""A small study rendered through the real CLI, papermill and a real Jupyter kernel; assertions on the files."""
from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT, write_tiny_study

pytestmark = pytest.mark.slow


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trendlib", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render one tiny study (with a hostile title), and beside it in the same run an illustrative one
    (``sim``, for test_illustrative_inputs_are_marked_everywhere), once for all tests in this module."""
    base = tmp_path_factory.mktemp("e2e")
    study = write_tiny_study(base / "study", title="Tiny <script>alert(1)</script> & study")
    sim = write_tiny_study(base / "sim-study", illustrative=True, name="sim")
    out = base / "out"
    proc = _cli("report", str(study), str(sim), "--out", str(out), "--jobs", "1", cwd=base)
    return proc, out / "tiny"


def test_report_succeeds_and_writes_every_file(rendered):
    proc, folder = rendered
    assert proc.returncode == 0, proc.stderr
    for name in ("index.html", "results.json", "environment.txt", "01-explore-search-interest.ipynb",
                 "01-explore-search-interest.html", "01-explore-search-interest.full.html",
                 "figures/fig1_search-interest.png", "figures/fig1_search-interest.svg",
                 "tables/fig1_search-interest.csv", "tables/table1_series-summary.csv"):
        assert (folder / name).is_file(), name
    assert not list(folder.parent.glob(".*.staging")), "staging folder left behind"
    assert (folder.parent / "index.html").is_file()


def test_reader_html_has_no_code_and_full_html_has_code_both_embed_figures(rendered):
    _, folder = rendered
    reader = (folder / "01-explore-search-interest.html").read_text(encoding="utf-8")
    full = (folder / "01-explore-search-interest.full.html").read_text(encoding="utf-8")
    code_marker = "open_study"
    assert code_marker not in reader
    assert code_marker in full
    for page in (reader, full):
        assert re.search(r'<img[^>]+src="data:image/png;base64,', page)  # figure embedded: readable offline
        assert "<Figure size" not in page  # a figure shown as text means it was never drawn
        assert not re.search(r'<script[^>]+src="https?://', page), "page loads a script from the network"
    assert 'class="jp-CodeMirrorEditor' not in reader
    assert 'class="jp-CodeMirrorEditor' in full


def test_results_json_has_the_contract_keys_and_real_numbers(rendered):
    _, folder = rendered
    r = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    for key in ("study", "provenance", "packages", "notebooks", "figures", "tables", "illustrative", "explore"):
        assert key in r
    assert r["study"]["start"] == "2022-08-01" and r["study"]["geo"] == "RU"
    assert r["illustrative"] is False
    prov = {p["role"]: p for p in r["provenance"]}
    assert set(prov) == {"trends", "events"}
    assert re.fullmatch(r"[0-9a-f]{64}", prov["trends"]["sha256"])
    assert prov["trends"]["source"] == "not recorded"  # the fixture has no sidecar: say so, do not guess
    # the version that rendered it (pandas 2.2 and 3 are both supported and tested)
    assert r["packages"]["pandas"] == importlib.metadata.version("pandas")
    assert r["packages"]["pytrends"] == "4.9.2"
    assert r["notebooks"][0]["status"] == "ok" and r["notebooks"][0]["duration_s"] > 0
    series = {s["query"]: s for s in r["explore"]["series"]}
    assert series["alpha"]["n_points"] == 70  # the fixture's 70 days, none dropped
    assert series["alpha"]["peak_date"] >= "2022-09-20"  # the jump is on day 50
    assert r["explore"]["n_events_in_window"] == 2


def test_index_links_resolve_and_labels_are_escaped(rendered):
    _, folder = rendered
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parser = _Links()
    parser.feed(page)
    local = [l for l in parser.links if not l.startswith(("http://", "https://", "#"))]
    assert len(local) >= 8
    for link in local:
        target, _, anchor = link.partition("#")
        assert (folder / target).is_file(), link
        if anchor:
            assert f'id="{anchor}"' in (folder / target).read_text(encoding="utf-8"), link
    assert "Not recorded".lower() in page.lower()  # provenance table shows the missing source honestly
    assert re.search(r"\d+\.\d s", page)  # run time of each notebook


def test_illustrative_inputs_are_marked_everywhere(rendered):
    proc, tiny = rendered
    assert proc.returncode == 0, proc.stderr
    folder = tiny.parent / "sim"
    r = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert r["illustrative"] is True
    assert "ILLUSTRATIVE" in (folder / "index.html").read_text(encoding="utf-8")
    for page in folder.glob("*.html"):
        assert "ILLUSTRATIVE DATA" in page.read_text(encoding="utf-8"), page.name
    svg = (folder / "figures" / "fig1_search-interest.svg").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE" in svg


def test_a_failing_notebook_exits_nonzero_names_the_cell_and_still_renders(tmp_path, tiny_study):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    good = ROOT / "notebooks" / "01-explore-search-interest.ipynb"
    shutil.copy(good, notebooks / good.name)
    nb = nbformat.read(str(good), as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    broken = nbformat.v4.new_notebook(metadata=nb.metadata)
    broken.cells = [params, nbformat.v4.new_code_cell("x = 1"),
                    nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"),
                    nbformat.v4.new_code_cell("print('never reached')")]
    nbformat.write(broken, str(notebooks / "02-break-on-purpose.ipynb"))
    out = tmp_path / "out"
    proc = _cli("report", str(tiny_study), "--out", str(out), "--notebooks", str(notebooks), "--jobs", "1",
                cwd=tmp_path)
    assert proc.returncode == 1
    assert "02-break-on-purpose" in proc.stderr
    assert "raise ValueError('deliberate failure for the test')" in proc.stderr
    assert "ValueError: deliberate failure for the test" in proc.stderr
    folder = out / "tiny"
    for name in ("02-break-on-purpose.html", "02-break-on-purpose.full.html"):
        page = (folder / name).read_text(encoding="utf-8")
        assert "deliberate failure for the test" in page
    # the other notebook still rendered, and the report records the failure
    assert (folder / "01-explore-search-interest.html").is_file()
    r = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    status = {n["notebook"]: n["status"] for n in r["notebooks"]}
    assert status == {"01-explore-search-interest": "ok", "02-break-on-purpose": "failed"}
    assert r["run"]["ok"] is False


def test_a_bad_study_starts_no_notebook(tmp_path, tiny_study):
    tiny_study.write_text(tiny_study.read_text(encoding="utf-8") + "mystery: 1\n", encoding="utf-8")
    proc = _cli("report", str(tiny_study), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "unknown key(s) 'mystery'" in proc.stderr
    assert not (tmp_path / "out" / "tiny").exists()


def test_a_cell_past_its_timeout_is_stopped_and_reported(tmp_path, tiny_study):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(str(ROOT / "notebooks" / "01-explore-search-interest.ipynb"), as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    slow = nbformat.v4.new_notebook(metadata=nb.metadata)
    slow.cells = [params, nbformat.v4.new_code_cell("import time\ntime.sleep(3600)")]
    nbformat.write(slow, str(notebooks / "01-wait-too-long.ipynb"))
    proc = _cli("report", str(tiny_study), "--out", str(tmp_path / "out"), "--notebooks", str(notebooks),
                "--timeout", "20", cwd=tmp_path)
    assert proc.returncode == 1
    assert "01-wait-too-long" in proc.stderr and "import time" in proc.stderr  # the hung cell, by its first line
    assert "Timeout" in proc.stderr
    assert (tmp_path / "out" / "tiny" / "01-wait-too-long.html").is_file()
