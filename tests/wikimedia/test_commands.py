"""``trendlib pageviews`` end to end: the real command line against the fake Wikimedia API."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from trendlib.cli import main
from trendlib.testing.fakewikimedia import FakeWikimedia

from .conftest import LARS, MOB, TODAY, truth

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["--project", "ru.wikipedia", "--start", "2022-09-01", "--end", "2022-10-31"]


@pytest.fixture
def env(fake, monkeypatch):
    monkeypatch.setenv("TRENDLIB_WIKIMEDIA_URL", fake.url)
    monkeypatch.setenv("TRENDLIB_MIN_INTERVAL", "0")
    monkeypatch.setenv("TRENDLIB_BACKOFF_SECONDS", "0.001")
    return fake


def test_cli_fetches_exact_views_with_429s_injected(env, tmp_path, capsys):
    env.inject("429", count=2, retry_after=0)
    code = main(["pageviews", "Верхний Ларс", "AC/DC", *ARGS, "--out", str(tmp_path / "pv.csv"),
                 "--user-agent", "trendlib-tests/1.0 (tests@example.org)"])
    out, err = capsys.readouterr()
    assert code == 0, err
    f = pd.read_csv(tmp_path / "pv.csv")
    assert list(f.columns) == ["date", "query", "value", "source", "project", "access", "agent", "article"]
    lars = f[f["query"] == "Верхний Ларс"]
    assert lars["value"].tolist() == [truth()[LARS].get(pd.Timestamp(d).date(), 0) for d in lars["date"]]
    assert env.count(status=429) == 2 and {r.user_agent for r in env.log} == {"trendlib-tests/1.0 (tests@example.org)"}
    assert "2 article(s) in ru.wikipedia" in out and "not Wikimedia" in err


def test_cli_offline_replay_sends_nothing(env, tmp_path, capsys):
    assert main(["pageviews", "Верхний Ларс", *ARGS, "--out", str(tmp_path / "a.csv")]) == 0
    env.reset_log()
    assert main(["pageviews", "Верхний Ларс", *ARGS, "--out", str(tmp_path / "b.csv"), "--offline"]) == 0
    assert env.log == [] and (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_cli_unknown_article_is_exit_2_by_name(env, tmp_path, capsys):
    code = main(["pageviews", "Верхний Ларц", *ARGS, "--out", str(tmp_path / "pv.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "article 'Верхний Ларц'" in err and "404" in err and "Traceback" not in err
    assert not (tmp_path / "pv.csv").exists()


def test_cli_refuses_bad_input_and_other_files(env, tmp_path, capsys):
    assert main(["pageviews", "AC/DC", *ARGS, "--out", str(tmp_path / "pv.txt")]) == 2
    assert "must be a .csv" in capsys.readouterr().err
    other = tmp_path / "events.csv"
    other.write_text("date,event\n2022-09-21,mobilization\n", encoding="utf-8")
    assert main(["pageviews", "AC/DC", *ARGS, "--out", str(other)]) == 2
    assert "not written by trendlib pageviews" in capsys.readouterr().err
    assert other.read_text(encoding="utf-8").startswith("date,event")
    with pytest.raises(SystemExit) as info:
        main(["pageviews", "AC/DC", *ARGS, "--out", str(tmp_path / "x.csv"), "--agent", "bot"])
    assert info.value.code == 2
    assert env.log == []


def _cli(*args: str, url: str, cache: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ, TRENDLIB_WIKIMEDIA_URL=url, TRENDLIB_MIN_INTERVAL="0.15", TRENDLIB_BACKOFF_SECONDS="0.001",
               TRENDLIB_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    with open(log, "wb") as fh:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "trendlib", "pageviews", *args], env=env, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(cond, timeout: float = 60.0) -> None:
    t0 = time.monotonic()
    while not cond():
        assert time.monotonic() - t0 < timeout, "condition not reached"
        time.sleep(0.01)


def _cached(cache: Path) -> set[tuple[str, str]]:
    """(article, start) of every request with a whole entry in the cache."""
    from trendlib.acquire.cache import ResponseCache
    c = ResponseCache(cache)
    out = set()
    for key in c.keys():
        for e in c.samples(key):
            out.add((e.meta["request"]["article"], e.meta["request"]["start"]))
    return out


def test_resume_after_sigkill_sends_only_what_is_missing(tmp_path):
    """Kill a fetch of 3 articles x 4 years mid-way; the rerun asks only the rest and gives the same series."""
    articles = ["Верхний Ларс", "AC/DC", "Мобилизация в России (2022)"]
    span = ["--project", "ru.wikipedia", "--start", "2019-06-01", "--end", "2022-10-31"]
    with FakeWikimedia(seed=3) as fake:
        # the last article's requests never get an answer, so the fetch cannot finish (or get past 8 of its 12
        # requests) before the kill, however fast or slow the machine is; the first two articles' are answered
        fake.inject("hang", count=None, seconds=60, article=MOB)
        proc = _cli(*articles, *span, "--out", str(tmp_path / "pv.csv"), url=fake.url, cache=tmp_path / "c",
                    log=tmp_path / "killed.log")
        _wait_for(lambda: len(_cached(tmp_path / "c")) >= 2 or proc.poll() is not None)
        assert proc.poll() is None, (tmp_path / "killed.log").read_text(encoding="utf-8")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        done = _cached(tmp_path / "c")   # answered and stored before the kill (a later answer may be lost)
        assert 2 <= len(done) <= 8 and MOB not in {a for a, _ in done} and not (tmp_path / "pv.csv").exists()
        fake.clear_faults()
        fake.reset_log()
        rerun = _cli(*articles, *span, "--out", str(tmp_path / "pv.csv"), url=fake.url, cache=tmp_path / "c",
                     log=tmp_path / "rerun.log")
        assert rerun.wait(timeout=120) == 0, (tmp_path / "rerun.log").read_text(encoding="utf-8")
        asked = {(r.article, r.start) for r in fake.log}
        assert not asked & done and len(asked) == 12 - len(done)
        # the same as one uninterrupted fetch
        fake.reset_log()
        whole = _cli(*articles, *span, "--out", str(tmp_path / "whole.csv"), url=fake.url, cache=tmp_path / "c2",
                     log=tmp_path / "whole.log")
        assert whole.wait(timeout=120) == 0
    a = pd.read_csv(tmp_path / "pv.csv")
    b = pd.read_csv(tmp_path / "whole.csv")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 3 * len(pd.date_range("2019-06-01", "2022-10-31"))
    prov = json.loads((tmp_path / "pv.provenance.json").read_text(encoding="utf-8"))
    assert len(prov["requests"]) == 12


def test_fake_server_module_serves_until_terminated(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "trendlib.testing.fakewikimedia", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        line = proc.stdout.readline()
        assert "simulated data" in line
        url = line.split(" at ", 1)[1].split(";")[0].strip()
        import requests
        r = requests.get(url + "/metrics/pageviews/per-article/en.wikipedia/all-access/user/Upper_Lars/daily/"
                               "2022090100/2022090300", headers={"User-Agent": "t/1 (t@example.org)"}, timeout=10)
        assert r.status_code == 200 and [i["timestamp"] for i in r.json()["items"]][:1] == ["2022090100"]
        nf = requests.get(url + "/metrics/pageviews/per-article/en.wikipedia/all-access/user/X/daily/"
                                "2022090100/2022090300", headers={"User-Agent": "python-requests/2"}, timeout=10)
        assert nf.status_code == 403
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        proc.stdout.close()


def test_fake_404_body_has_the_apis_shape(fake):
    import requests
    r = requests.get(fake.url + "/metrics/pageviews/per-article/ru.wikipedia/all-access/user/Nope/daily/"
                                "2022090100/2022090300", headers={"User-Agent": "t/1 (t@example.org)"}, timeout=10)
    assert r.status_code == 404 and r.headers["Content-Type"] == "application/problem+json"
    body = r.json()
    assert set(body) == {"detail", "method", "status", "title", "type", "uri"}
    assert body["status"] == 404 and body["title"] == "Not Found" and body["type"] == "about:blank"
    assert body["detail"].startswith("The date(s) you used are valid, but we either do not have data")
    assert body["uri"] == "/metrics/pageviews/per-article/ru.wikipedia/all-access/user/Nope/daily/2022090100/2022090300"
    assert TODAY.year == 2023
