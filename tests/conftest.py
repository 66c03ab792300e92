"""Shared fixtures: the repository root and a tiny, self-contained study written to a temp folder."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_addoption(parser):
    parser.addini("slow_timeout", "per-test timeout (s) of tests marked slow that set no timeout of their own",
                  default="900")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` render notebooks or reports: they get ``slow_timeout`` (pyproject) instead of
    the default per-test ``timeout``, unless they carry their own ``@pytest.mark.timeout(...)``."""
    slow = float(config.getini("slow_timeout"))
    for item in items:
        if item.get_closest_marker("slow") is not None and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(slow))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shipped_report(tmp_path_factory) -> Path:
    """Both shipped studies rendered once, through the real CLI and all shipped notebooks, for every test that
    only reads a rendered report (tests/report/test_reader_pages.py, tests/analysis/test_notebooks.py).
    Read only: a test that changes files copies the folder first (shutil.copytree)."""
    out = tmp_path_factory.mktemp("shipped") / "out"
    proc = subprocess.run([sys.executable, "-m", "trendlib", "report", "--all", "--out", str(out), "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def write_tiny_study(folder: Path, *, title: str = "Tiny study", name: str = "tiny",
                     illustrative: bool = False, extra_yaml: str = "") -> Path:
    """A 10-week daily series for two queries with a jump on day 50, two events, and its study file."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    data.mkdir(exist_ok=True)
    rng = np.random.default_rng(7)
    start = dt.date(2022, 8, 1)
    rows = ["date,query,geo,value,value_low,value_high,n_samples,is_partial,resolution,source"]
    for q, base in (("alpha", 20), ("бета", 10)):
        for i in range(70):
            day = start + dt.timedelta(days=i)
            v = base * (4 if i >= 50 else 1) + rng.integers(0, 5)
            v = min(100, v)
            rows.append(f"{day},{q},RU,{v},{v},{v},1,{'true' if i == 69 else 'false'},day,test-fixture")
    trends_name = "series_illustrative.csv" if illustrative else "series.csv"
    (data / trends_name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    (data / "events.csv").write_text(
        "date,time_local,event,category,source_url,confidence\n"
        "2022-09-20,,First event (the jump),mobilization,https://example.org/a,HIGH\n"
        "2022-09-01,18:00,Second event,visa_policy,https://example.org/b,LOW\n", encoding="utf-8")
    study = folder / f"{name}.yaml"
    study.write_text(
        f"title: {title!r}\n"
        "geo: RU\nstart: 2022-08-01\nend: 2022-10-09\nevent_date: 2022-09-20\n"
        "queries:\n  - {term: alpha, label: Alpha label}\n  - {term: бета, label: beta}\n"
        f"trends: data/{trends_name}\nevents: data/events.csv\n" + extra_yaml, encoding="utf-8")
    return study


@pytest.fixture
def tiny_study(tmp_path) -> Path:
    return write_tiny_study(tmp_path / "study")
