"""The raw-response cache: layout, checksums, samples, offline flag, two writers at once."""
from __future__ import annotations

import json
import logging
import threading

import pytest

from trendlib.trends.cache import TrendsCache, request_key, resolve_offline
from trendlib.trends.errors import BadRequest
from trendlib.trends.fetch import fetch_trends

from .conftest import TODAY

pytestmark = pytest.mark.filterwarnings("error")

CANON = {"endpoint": "interest_over_time", "terms": ["мобилизация"], "geo": "RU",
         "timeframe": "2022-01-01 2022-02-01", "category": 0, "gprop": ""}


def test_keys_are_stable_and_normalised():
    k = request_key(CANON)
    assert k == request_key(dict(reversed(list(CANON.items()))))
    decomposed = dict(CANON, terms=["мобилизация".replace("й", "и\u0306")])  # NFD spelling of the same term
    assert request_key(decomposed) == k
    assert request_key(dict(CANON, geo="UA")) != k and "/" not in k and k.startswith("interest_over_time-ru_")


def test_store_get_samples_and_checksum(tmp_path):
    cache = TrendsCache(tmp_path / "c")
    assert cache.samples("k1") == [] and not (tmp_path / "c").exists()     # nothing created until written
    cache.store("k1", fetch_day="2023-01-02", text=")]}',\n{\"b\": 2}", request=CANON, meta={"status": 200})
    cache.store("k1", fetch_day="2023-01-01", text=")]}',\n{\"a\": 1}", request=CANON, meta={"status": 200})
    assert [e.fetch_day for e in cache.samples("k1")] == ["2023-01-01", "2023-01-02"]
    e = cache.get("k1", "2023-01-02")
    assert e.text.endswith('{"b": 2}') and e.meta["status"] == 200 and e.meta["pytrends_version"] == "4.9.2"
    assert json.loads((tmp_path / "c" / "k1" / "request.json").read_text(encoding="utf-8"))["request"] == CANON
    e.body_path.write_text("tampered", encoding="utf-8")
    assert cache.get("k1", "2023-01-02") is None and len(cache.samples("k1")) == 1
    (tmp_path / "c" / "k1" / "2023-01-01.json").write_text("{not json", encoding="utf-8")
    assert cache.samples("k1") == []
    assert len(cache.to_frame()) == 0 and cache.keys() == ["k1"]


def test_bad_keys_and_days_are_refused(tmp_path):
    cache = TrendsCache(tmp_path)
    for key in ("../x", "", ".hidden"):
        with pytest.raises(BadRequest):
            cache.folder(key)
    with pytest.raises(BadRequest, match="fetch day"):
        cache.store("k", fetch_day="yesterday", text="", request={})


def test_folder_and_offline_from_environment(monkeypatch, tmp_path):
    assert str(TrendsCache().root) == ".trendlib-cache" and not TrendsCache().offline
    monkeypatch.setenv("TRENDLIB_CACHE_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("TRENDLIB_OFFLINE", "1")
    c = TrendsCache()
    assert c.root == tmp_path / "env" and c.offline
    assert TrendsCache(tmp_path / "arg", offline=False).offline is False
    monkeypatch.setenv("TRENDLIB_OFFLINE", "no")
    assert resolve_offline() is False


def test_two_writers_at_once_fetch_each_request_once(fake, tmp_path):
    errors = []

    def run():
        try:
            fetch_trends(["visa", "flights"], geo="RU", start="2022-01-01", end="2022-06-30", base_url=fake.url,
                         cache_dir=tmp_path / "shared", fetch_day=TODAY, min_interval=0.0, backoff=0.001)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and fake.count("multiline") == 1


def test_progress_is_plain_log_lines_off_a_terminal(fake, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="trendlib.trends.fetch")
    fetch_trends(["visa"], geo="RU", start="2021-01-01", end="2022-12-31", resolution="day", base_url=fake.url,
                 cache_dir=tmp_path / "c", fetch_day=TODAY, min_interval=0.0, backoff=0.001)
    lines = [r.getMessage() for r in caplog.records if r.name == "trendlib.trends.fetch"]
    assert lines[0].startswith("fetch 1/5 fetched: window 0 of batch 0") and lines[-1].startswith("fetch 5/5")
