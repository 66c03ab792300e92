"""Fixtures and checks shared by the reliability matrix.

* ``case``: every matrix test says how its case ended (``case.refused`` / ``case.recovered``) and
  how many earlier files it lost (``case.intact``); the hook below records that per test into
  ``TRENDLIB_RELIABILITY_RESULTS`` (JSON lines) for ``python -m tests.reliability``.
* ``fake``: one loopback fake Google per module (faults and request log cleared for each test).
* ``cli``: the real command line in a subprocess (``python -m trendlib ...``), with tiny rate limit
  and backoff so faults and retries take milliseconds.
* ``snapshot`` / ``changed``: sha256 of every file under some folders, and what went missing or
  changed between two snapshots (temporary files a killed write may leave are new files, not losses).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import trendlib
from tests.reliability.matrix import CATEGORIES, RESULTS_ENV
from trendlib.trends.cache import TrendsCache
from trendlib.trends.client import TrendsClient
from trendlib.trends.fetch import fetch_trends
from trendlib.trends.plan import make_plan

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2023, 3, 1)
TRENDLIB_ENV = ("TRENDLIB_TRENDS_URL", "TRENDLIB_MIN_INTERVAL", "TRENDLIB_BACKOFF_SECONDS", "TRENDLIB_CACHE_DIR",
                "TRENDLIB_OFFLINE", "TRENDLIB_TIMEOUT")


def pytest_configure(config):
    config.addinivalue_line("markers", "matrix(category): a case of the reliability matrix "
                                       f"(category one of {', '.join(CATEGORIES)})")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("matrix")
    target = os.environ.get(RESULTS_ENV)
    if marker is None or not target or "case" not in item.fixturenames:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        case = item.funcargs.get("case")
        state = "xfailed" if hasattr(report, "wasxfail") and report.skipped else report.outcome
        rec = {"nodeid": item.nodeid, "category": marker.args[0], "outcome": state,
               "handled": getattr(case, "handled", None), "lost": getattr(case, "lost_files", None),
               "detail": getattr(case, "detail", "")}
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    for name in TRENDLIB_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------- the case record
class Case:
    """How one matrix case ended; the checks raise AssertionError when the standard is not met."""

    def __init__(self) -> None:
        self.handled: str | None = None
        self.lost_files: int | None = None
        self.detail = ""

    def refused(self, *, code: int, message: str, words: list[str], expected_code: int | None = None) -> None:
        """A clear refusal: non-zero exit (``expected_code`` when given), a message naming the problem
        (every one of ``words``, case-insensitive) and no traceback."""
        assert code != 0, f"exit 0 where a refusal was expected; message: {message!r}"
        if expected_code is not None:
            assert code == expected_code, f"exit {code}, expected {expected_code}; message: {message!r}"
        assert "Traceback (most recent call last)" not in message, f"a traceback instead of a message:\n{message}"
        low = message.lower()
        missing = [w for w in words if w.lower() not in low]
        assert not missing, f"message does not name {missing}: {message!r}"
        self.handled = "refused"
        self.detail = message.strip().splitlines()[-1][:300] if message.strip() else ""

    def refused_cli(self, proc: subprocess.CompletedProcess, *, words: list[str], code: int | None = None) -> None:
        """:meth:`refused` for a CLI run: also the ``trendlib <command>: error:`` line on stderr."""
        lines = proc.stderr.splitlines()
        first = next((i for i, ln in enumerate(lines) if ln.startswith("trendlib ") and ": error:" in ln), None)
        assert first is not None, f"no 'trendlib ...: error:' line (exit {proc.returncode}):\n{proc.stderr}"
        assert "Traceback (most recent call last)" not in proc.stderr, f"a traceback:\n{proc.stderr}"
        # only the error message counts (not the log lines before it)
        self.refused(code=proc.returncode, message="\n".join(lines[first:]), words=words, expected_code=code)

    def refused_api(self, exc: BaseException, *, words: list[str], code: int | None = None) -> None:
        """:meth:`refused` for an API call: a TrendlibError whose exit code the CLI would use."""
        from trendlib.errors import TrendlibError
        assert isinstance(exc, TrendlibError), f"{type(exc).__name__} is not a TrendlibError: {exc}"
        self.refused(code=exc.exit_code, message=str(exc), words=words, expected_code=code)

    def recovered(self, detail: str = "") -> None:
        """The case ended with exit 0 and complete, correct data (checked by the test before calling this)."""
        self.handled = "recovered"
        self.detail = detail

    def intact(self, before: dict[str, str], after: dict[str, str]) -> None:
        """Nothing of ``before`` (a :func:`snapshot`) is missing or changed in ``after``."""
        lost = changed(before, after)
        self.lost_files = len(lost)
        assert not lost, f"files lost or changed: {lost}"


@pytest.fixture
def case() -> Case:
    return Case()


# ---------------------------------------------------------------- files
def snapshot(*roots: Path) -> dict[str, str]:
    """sha256 of every regular file under ``roots`` (lock files excluded: they carry no data)."""
    out = {}
    for root in roots:
        root = Path(root)
        if root.is_file():
            out[str(root)] = hashlib.sha256(root.read_bytes()).hexdigest()
            continue
        for p in sorted(root.rglob("*")) if root.is_dir() else ():
            if p.is_file() and p.name != ".lock":
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Files of ``before`` that are missing or different in ``after``."""
    return sorted(p for p, sha in before.items() if after.get(p) != sha)


# ---------------------------------------------------------------- the fake and the CLI
@pytest.fixture(scope="session")
def _fake_server():
    from trendlib.testing.fakegoogle import FakeGoogle
    with FakeGoogle(today=TODAY, seed=5, sample_rate=0.2) as server:
        yield server


@pytest.fixture
def fake(_fake_server):
    _fake_server.clear_faults()
    _fake_server.reset_log()
    _fake_server.today = TODAY
    yield _fake_server
    _fake_server.clear_faults()


def cli_env(url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TRENDLIB_ENV}
    env.update(TRENDLIB_MIN_INTERVAL="0", TRENDLIB_BACKOFF_SECONDS="0.001", PYTHONPATH=str(ROOT))
    if url:
        env["TRENDLIB_TRENDS_URL"] = url
    env.update(extra)
    return env


def cli(*args: str, url: str | None = None, cwd: Path | None = None, timeout: float = 120,
        env: dict[str, str] | None = None, **popen: Any) -> subprocess.CompletedProcess:
    """``python -m trendlib ARGS`` in a subprocess; output captured as text."""
    return subprocess.run([sys.executable, "-m", "trendlib", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env if env is not None else cli_env(url), **popen)


def cli_here(*args: str, url: str | None = None) -> subprocess.CompletedProcess:
    """The same command through ``trendlib.cli.main`` in this process (no interpreter start-up:
    the real argument parsing, handlers, messages and exit codes, several times faster)."""
    import contextlib
    import io

    from trendlib.cli import main
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("TRENDLIB_TRENDS_URL")
    if url:
        os.environ["TRENDLIB_TRENDS_URL"] = url
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's own refusals
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        if url:
            if saved is None:
                os.environ.pop("TRENDLIB_TRENDS_URL", None)
            else:
                os.environ["TRENDLIB_TRENDS_URL"] = saved
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def multiline_timeframes(log) -> list[str]:
    """Timeframes of the interest-over-time requests the fake answered with 200."""
    return [json.loads(r.params["req"])["time"] for r in log if r.endpoint == "multiline" and r.status == 200]


# ---------------------------------------------------------------- an earlier fetch to protect
SHORT = dict(terms=["alpha", "beta"], geo="RU", start="2022-01-01", end="2022-06-30", resolution="auto")
LONG = dict(terms=["alpha", "beta"], geo="RU", start="2021-01-01", end="2022-12-31", resolution="day")


def _args(span: dict) -> list[str]:
    return [*span["terms"], "--geo", span["geo"], "--start", span["start"], "--end", span["end"],
            "--resolution", span["resolution"]]


def plan_of(span: dict):
    return make_plan(span["terms"], geo=span["geo"], start=span["start"], end=span["end"],
                     resolution=span["resolution"])


@pytest.fixture(scope="session")
def reference(_fake_server, tmp_path_factory):
    """The series of an uninterrupted fetch of each span (same fake, same fetch day), by span name."""
    folder = tmp_path_factory.mktemp("reference")
    out = {}
    for name, span in (("short", SHORT), ("long", LONG)):
        terms = span["terms"]
        kw = {k: v for k, v in span.items() if k != "terms"}
        fetch_trends(terms, **kw, cache_dir=folder / "cache", out=folder / f"{name}.csv",
                     client=TrendsClient(base_url=_fake_server.url, min_interval=0, backoff=0.001))
        out[name] = trendlib.load_trends(folder / f"{name}.csv").drop(columns="source")
    _fake_server.reset_log()
    return out


class World:
    """An earlier finished fetch: its cache folder and output folder, and their checksums."""

    def __init__(self, root: Path, fake):
        self.cache, self.outdir = root / "cache", root / "out"
        fetch_trends(["gamma"], geo="RU", start="2021-07-01", end="2021-12-31", cache_dir=self.cache,
                     out=self.outdir / "earlier.csv",
                     client=TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001))
        fake.reset_log()
        self.before = snapshot(self.cache, self.outdir)
        self.target = self.outdir / "new.csv"

    def fetch_args(self, span: dict, *extra: str) -> list[str]:
        return ["fetch", *_args(span), "--out", str(self.target), "--cache-dir", str(self.cache),
                "--min-interval", "0", "--backoff", "0.001", *extra]

    def fetch(self, span: dict, *extra: str, url: str, timeout: float = 120, **popen: Any):
        return cli(*self.fetch_args(span, *extra), url=url, timeout=timeout, **popen)

    def fetch_in_process(self, span: dict, *extra: str, url: str, monkeypatch) -> int:
        """The same command through ``trendlib.cli.main`` in this process (faster than a subprocess)."""
        from trendlib.cli import main
        monkeypatch.setenv("TRENDLIB_TRENDS_URL", url)
        return main(self.fetch_args(span, *extra))

    def whole_entries(self) -> bool:
        cache = TrendsCache(self.cache)
        metas = [p for p in self.cache.rglob("*.json") if p.name != "request.json" and "rejected" not in p.name]
        return all(cache.get(p.parent.name, p.name[:-5]) is not None for p in metas)

    def cached_timeframes(self, span: dict) -> set[str]:
        cache = TrendsCache(self.cache)
        return {r.timeframe for r in plan_of(span).requests if cache.samples(r.key())}


@pytest.fixture
def world(tmp_path, fake) -> World:
    return World(tmp_path, fake)


def same_series(path: Path, expected: pd.DataFrame) -> None:
    got = trendlib.load_trends(path).drop(columns="source")
    pd.testing.assert_frame_equal(got, expected, check_like=True)


