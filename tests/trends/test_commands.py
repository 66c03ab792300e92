"""`trendlib fetch` / `trendlib plan` from the command line, a killed fetch resumed, the study rule."""
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

import trendlib
from trendlib.cli import main
from trendlib.trends.cache import TrendsCache
from trendlib.trends.plan import make_plan

# warnings raised by trendlib (or anything it calls) fail these tests
pytestmark = pytest.mark.filterwarnings("error")

SPAN = ["--geo", "RU", "--start", "2021-01-01", "--end", "2022-12-31", "--resolution", "day"]


def test_plan_prints_the_plan_and_sends_nothing(demo_fake, monkeypatch, capsys):
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    terms = [f"t{i}" for i in range(12)]
    assert main(["plan", *terms, *SPAN, "--min-interval", "6"]) == 0
    out = capsys.readouterr().out
    plan = make_plan(terms, geo="RU", start="2021-01-01", end="2022-12-31", resolution="day")
    assert f"requests     : {plan.n_requests} per fetch day" in out and "batches      : 3" in out
    assert f">= {plan.n_requests * 6} s" in out and "nothing was sent" in out
    assert "(week)" not in out or "pin" in out
    assert demo_fake.count() == 0


def test_cli_errors_have_exit_codes(demo_fake, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    assert main(["fetch", "visa", "--geo", "RUS", "--start", "2022-01-01", "--end", "2022-02-01",
                 "--out", "x.csv"]) == 2
    assert "geo 'RUS'" in capsys.readouterr().err
    assert main(["fetch", "visa", "--geo", "RU", "--start", "2022-01-01", "--end", "2022-02-01", "--out", "x.csv",
                 "--offline", "--cache-dir", str(tmp_path / "empty")]) == 2
    assert "offline mode" in capsys.readouterr().err
    demo_fake.inject("429", duration=60)
    assert main(["fetch", "visa", "--geo", "RU", "--start", "2022-01-01", "--end", "2022-02-01", "--out", "x.csv",
                 "--min-interval", "0", "--backoff", "0.001"]) == 3
    assert "429" in capsys.readouterr().err
    assert main(["fetch", "visa", "--geo", "RU", "--start", "2022-01-01", "--end", "2022-02-01"]) == 2


def _multiline_timeframes(log):
    return [json.loads(r.params["req"])["time"] for r in log if r.endpoint == "multiline" and r.status == 200]


@pytest.mark.slow
def test_fetch_killed_midway_resumes_without_repeating_finished_requests(demo_fake, tmp_path, monkeypatch):
    cache_dir, out = tmp_path / "cache", tmp_path / "killed.csv"
    args = ["fetch", "alpha", "beta", *SPAN, "--out", str(out), "--cache-dir", str(cache_dir),
            "--backoff", "0.001"]
    env = dict(os.environ, TRENDLIB_TRENDS_URL=demo_fake.url)
    with subprocess.Popen([sys.executable, "-m", "trendlib", *args, "--min-interval", "0.4"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
        deadline = time.monotonic() + 60
        while len(_multiline_timeframes(demo_fake.log)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL and not out.exists()
    plan = make_plan(["alpha", "beta"], geo="RU", start="2021-01-01", end="2022-12-31", resolution="day")
    cache = TrendsCache(cache_dir)
    done = {r.timeframe for r in plan.requests if cache.samples(r.key())}
    assert 1 <= len(done) < plan.n_requests   # the one in flight at the kill may not be stored
    # no corrupt entry: every metadata file written has its complete, checksummed body (a temporary
    # file of a write cut by SIGKILL may remain, but it is never read as an entry)
    metas = [p for p in cache_dir.rglob("*.json") if p.name != "request.json"]
    assert metas and all(cache.get(p.parent.name, p.name[:-5]) is not None for p in metas)
    n_before = len(demo_fake.log)
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    assert main([*args, "--min-interval", "0"]) == 0
    again = _multiline_timeframes(demo_fake.log[n_before:])
    assert not set(again) & done, "a finished request was sent again"
    assert sorted(again) == sorted(r.timeframe for r in plan.requests if r.timeframe not in done)
    # the same final series as one uninterrupted run
    clean = tmp_path / "clean.csv"
    assert main(["fetch", "alpha", "beta", *SPAN, "--out", str(clean), "--cache-dir", str(tmp_path / "c2"),
                 "--min-interval", "0"]) == 0
    pd.testing.assert_frame_equal(trendlib.load_trends(out).drop(columns="source"),
                                  trendlib.load_trends(clean).drop(columns="source"), check_like=True)


def _study(tmp_path: Path, trends_name: str) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / trends_name).write_text(
        "date,query,geo,value,value_low,value_high,n_samples,is_partial,resolution,source\n"
        "2022-08-01,visa,RU,50,50,50,1,false,day,illustrative\n", encoding="utf-8")
    (tmp_path / "data" / "events.csv").write_text("date,event\n2022-09-21,mobilization announced\n", encoding="utf-8")
    study = tmp_path / "s.yaml"
    study.write_text(
        "# a study\n"
        "title: Test\n"
        "geo: RU\n"
        "start: 2022-08-01\n"
        "end: 2022-10-31\n"
        "event_date: 2022-09-21\n"
        "queries:\n"
        "  - {term: visa, label: visa}\n"
        "  - {term: flights, label: flights}\n"
        f"trends: data/{trends_name}   # illustrative until fetched\n"
        "events: data/events.csv\n", encoding="utf-8")
    return study


def test_fetch_study_replaces_the_illustrative_file_and_rewrites_only_the_trends_line(demo_fake, tmp_path,
                                                                                      monkeypatch, capsys):
    study = _study(tmp_path, "mob_Illustrative.csv")
    before = study.read_text(encoding="utf-8").splitlines()
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    assert main(["fetch", "--study", str(study), "--min-interval", "0", "--cache-dir", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    after = study.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed == [("trends: data/mob_Illustrative.csv   # illustrative until fetched",
                        "trends: data/mob.csv   # illustrative until fetched")]
    assert "now points at data/mob.csv" in out
    f = trendlib.load_trends(tmp_path / "data" / "mob.csv")
    assert set(f["query"]) == {"visa", "flights"} and f["date"].min() == pd.Timestamp("2022-08-01")
    assert (tmp_path / "data" / "mob_Illustrative.csv").exists()       # the illustrative file is left alone
    s = trendlib.load_study(study)
    assert s.trends.name == "mob.csv"
    prov = trendlib.read_provenance(s.trends)
    assert prov["illustrative"] is True                                # fake server: never passed off as real


def test_fetch_study_without_marker_fills_the_named_file(demo_fake, tmp_path, monkeypatch):
    study = _study(tmp_path, "mob.csv")
    (tmp_path / "data" / "mob.provenance.json").write_text('{"source": "google-trends-api"}', encoding="utf-8")  # an earlier pull
    text = study.read_text(encoding="utf-8")
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    assert main(["fetch", "--study", str(study), "--min-interval", "0", "--cache-dir", str(tmp_path / "c")]) == 0
    assert study.read_text(encoding="utf-8") == text
    assert len(trendlib.load_trends(tmp_path / "data" / "mob.csv")) == 2 * 92


def test_regions_and_related_from_the_cli(demo_fake, tmp_path, monkeypatch):
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    args = ["fetch", "visa", "flights", "--geo", "RU", "--start", "2022-01-01", "--end", "2022-06-30",
            "--out", "s.csv", "--regions-out", "r.csv", "--related-out", "q.csv", "--min-interval", "0"]
    assert main(args) == 0
    reg, rel = pd.read_csv("r.csv"), pd.read_csv("q.csv")
    assert {"region_code", "query", "value", "below_one"} <= set(reg.columns) and set(reg["query"]) == {"visa",
                                                                                                         "flights"}
    assert set(rel["kind"]) == {"top", "rising"} and json.loads(Path("q.provenance.json").read_text(encoding="utf-8"))["terms"]
    topics = rel[rel["related_type"] == "topic"]   # related topics too, with Google's id and type
    assert set(rel["related_type"]) == {"query", "topic"} and topics["topic_mid"].str.startswith("/m/").all()
    assert topics["topic_type"].notna().all() and rel.loc[rel["related_type"] == "query", "topic_mid"].isna().all()
    n = demo_fake.count()
    assert main([*args, "--offline"]) == 0 and demo_fake.count() == n


def test_fetch_study_does_not_overwrite_other_data_without_force(demo_fake, tmp_path, monkeypatch, capsys):
    study = _study(tmp_path, "export.csv")
    (tmp_path / "data" / "export.provenance.json").write_text('{"source": "google-trends-web-export"}', encoding="utf-8")
    before = (tmp_path / "data" / "export.csv").read_text(encoding="utf-8")
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    base = ["fetch", "--study", str(study), "--min-interval", "0", "--cache-dir", str(tmp_path / "c")]
    assert main(base) == 2
    assert "refusing to overwrite" in capsys.readouterr().err and demo_fake.count() == 0
    assert (tmp_path / "data" / "export.csv").read_text(encoding="utf-8") == before
    assert main([*base, "--out", str(tmp_path / "pulled.csv")]) == 0
    assert (tmp_path / "data" / "export.csv").read_text(encoding="utf-8") == before
    assert main([*base, "--force"]) == 0
    assert len(trendlib.load_trends(tmp_path / "data" / "export.csv")) == 2 * 92


def test_plan_shows_the_ladder_from_the_probe_and_typed_order_on_request(demo_fake, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", demo_fake.url)
    terms = [f"t{i}" for i in range(9)]
    cache = ["--cache-dir", str(tmp_path / "c"), "--min-interval", "0"]
    assert main(["plan", *terms, *SPAN, *cache]) == 0
    out = capsys.readouterr().out
    assert "magnitude ladder" in out and "trendlib plan --probe" in out and demo_fake.count() == 0
    assert main(["plan", *terms, *SPAN, *cache, "--probe"]) == 0
    out = capsys.readouterr().out
    assert "probe levels in parentheses" in out and "ladder: batch 0 <-> batch 1" in out
    assert "expected rounding error" in out and demo_fake.count() > 0
    n = demo_fake.count()
    assert main(["plan", *terms, *SPAN, *cache]) == 0   # the cached probe is reused, nothing sent
    assert "cached probe" in capsys.readouterr().out and demo_fake.count() == n
    assert main(["plan", *terms, *SPAN, *cache, "--batching", "typed"]) == 0
    assert "typed order, anchor" in capsys.readouterr().out
