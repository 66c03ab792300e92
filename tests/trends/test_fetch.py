"""fetch_trends end to end against the fake Google (real pytrends over loopback): known answers."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import trendlib
from trendlib.testing import simulate
from trendlib.datasets import load_trend_samples
from trendlib.testing.fakegoogle import FakeGoogle
from trendlib.trends import errors as E
from trendlib.trends.cache import TrendsCache
from trendlib.trends.fetch import OUTPUT_COLUMNS, fetch_trends
from trendlib.trends.plan import make_plan

from .conftest import TODAY

# warnings raised by trendlib (or anything it calls) fail these tests
pytestmark = pytest.mark.filterwarnings("error")

FAST = dict(min_interval=0.0, backoff=0.001)


def _log_error(frame, truth, *, start, end):
    """Median |log error| of every value against the truth, after ONE common scale for all queries."""
    tr = truth[(truth["date"] >= start) & (truth["date"] <= end)]
    m = frame.merge(tr, on=["date", "query", "geo"])
    m = m[(m["value"] > 0) & ~m["below_one"]]
    diff = np.log(m["value"]) - np.log(m["volume"])
    k = np.median(diff)
    return float(np.median(np.abs(diff - k))), m.assign(err=diff - k)


def test_two_year_daily_series_reconstructs_the_latent_truth(fake, truth, tmp_path):
    out = tmp_path / "series.csv"
    res = fetch_trends(["mobilization", "visa", "flights"], geo="RU", start="2021-01-01", end="2022-12-31",
                       resolution="day", base_url=fake.url, cache_dir=tmp_path / "cache", fetch_day=TODAY,
                       out=out, **FAST)
    plan = make_plan(["mobilization", "visa", "flights"], geo="RU", start="2021-01-01", end="2022-12-31",
                     resolution="day")
    assert res.fetched == plan.n_requests == fake.count("multiline")
    f = trendlib.load_trends(out)                 # the file is a valid tidy trends file
    assert list(f.columns[:10]) == OUTPUT_COLUMNS[:10] and len(f) == 3 * 730
    assert (f["resolution"] == "day").all() and f["value"].max() == pytest.approx(100)
    err, m = _log_error(f, truth, start="2021-01-01", end="2022-12-31")
    print("median abs log error", err)
    assert err < 0.08, err                          # ~8 % typical error, all three terms on one scale
    # the step on 2022-09-21 (x4 for mobilization) is recovered
    mob = m[m["query"] == "mobilization"].set_index("date")["value"]
    ratio = mob["2022-10-15":"2022-12-15"].mean() / mob["2022-06-01":"2022-09-10"].mean()
    assert 3.2 < ratio < 4.8
    # cross-query ratio (visa / flights, a year's mean) close to the truth
    def mean(q, src, col):
        return src[src["query"] == q][col].mean()
    got = mean("visa", m, "value") / mean("flights", m, "value")
    want = mean("visa", m, "volume") / mean("flights", m, "volume")
    assert got == pytest.approx(want, rel=0.1)
    prov = json.loads((tmp_path / "series.provenance.json").read_text(encoding="utf-8"))
    for key in ("source", "illustrative", "description", "citation", "licence", "notes", "terms", "geo", "span",
                "requests", "pytrends_version", "factors", "category", "gprop"):
        assert key in prov
    assert prov["illustrative"] is True and "NOT GOOGLE" in prov["notes"]  # a fake server is never "Google"
    assert prov["factors"][0]["stitching"]["method"] == "joint"
    assert len(prov["requests"]) == plan.n_requests and all(r["fetches"] for r in prov["requests"])
    s = load_trend_samples(out)
    assert set(s["sample"]) == {"s1"} and (s["fetched_on"] == pd.Timestamp(TODAY)).all()


@pytest.mark.parametrize("batching", ["magnitude", "typed"])
def test_twelve_queries_are_batched_and_calibrated(tmp_path, batching):
    levels = [20000, 9000, 5000, 3000, 2000, 1200, 800, 500, 300, 200, 120, 80]
    terms = [f"q{i:02d}" for i in range(12)]
    curves = {(t, "RU"): simulate.latent_curve("2022-01-01", "2022-12-31", baseline=b, weekly=0.2, noise=0.1,
                                               seed=i) for i, (t, b) in enumerate(zip(terms, levels))}
    truth = simulate.latent_frame(curves)
    with FakeGoogle(truth, today=TODAY, seed=3, sample_rate=0.5) as fake:
        res = fetch_trends(terms, geo="RU", start="2022-03-01", end="2022-08-31", base_url=fake.url,
                           cache_dir=tmp_path / "c", fetch_day=TODAY, batching=batching, **FAST)
    plan = res.plan
    assert len(plan.batches) == 3 and plan.batching == batching
    if batching == "typed":
        assert plan.anchor is not None and plan.anchor != terms[0]
        assert all(plan.anchor in b and len(b) <= 5 for b in plan.batches)
        assert sorted(t for b in plan.batches for t in b if t != plan.anchor) == sorted(set(terms) - {plan.anchor})
    else:  # a ladder: neighbours in level, consecutive batches share anchors
        assert plan.anchor is None and all(len(b) <= 5 for b in plan.batches)
        assert {t for b in plan.batches for t in b} == set(terms)
        assert [(a, b) for a, b, _ in plan.links][:2] == [(0, 1), (1, 2)]
        assert plan.batches[0][0] == "q00" and "q11" in plan.batches[-1]
    f = res.frame
    assert f["value"].max() == pytest.approx(100) and f["query"].nunique() == 12
    means = f.groupby("query")["value"].mean()
    true = truth[truth["date"].between("2022-03-01", "2022-08-31")].groupby("query")["volume"].mean()
    ratio = (means / means[terms[0]]) / (true / true[terms[0]])
    assert ratio.between(0.85, 1.15).all(), ratio.round(3).to_dict()
    cal = res.provenance["factors"][0]["calibration"]
    assert res.provenance["batching"] == batching
    assert cal and all({"factor", "factor_low", "factor_high"} <= set(r) for r in cal[0]["factors"])
    assert all(r["factor_low"] <= r["factor"] <= r["factor_high"] for r in cal[0]["factors"])


def test_samples_on_different_days_are_averaged_with_a_band(fake, tmp_path):
    kw = dict(geo="RU", start="2022-01-01", end="2022-06-30", base_url=fake.url, cache_dir=tmp_path / "c",
              samples=3, **FAST)
    days = ["2023-03-01", "2023-03-02", "2023-03-03"]
    for i, day in enumerate(days):
        fake.today = day
        res = fetch_trends(["visa", "mobilization"], fetch_day=day, out=tmp_path / "s.csv", **kw)
        assert res.fetched == 1 and set(res.frame["n_samples"]) == {i + 1}
    f = res.frame
    assert (f["value_low"] <= f["value"]).all() and (f["value"] <= f["value_high"]).all()
    assert (f["value_high"] - f["value_low"]).mean() > 0.5      # Google's samples differ
    s = load_trend_samples(tmp_path / "s.csv")
    assert sorted(s["sample"].unique()) == ["s1", "s2", "s3"]
    assert sorted(s["fetched_on"].dt.strftime("%Y-%m-%d").unique()) == days
    mean = s.groupby(["query", "date"])["value"].mean().reset_index()
    merged = mean.merge(f, on=["query", "date"], suffixes=("_s", ""))
    np.testing.assert_allclose(merged["value_s"], merged["value"], atol=0.01)
    # three samples cached: a fourth day sends nothing
    fake.today = "2023-03-04"
    before = fake.count()
    res = fetch_trends(["visa", "mobilization"], fetch_day="2023-03-04", **kw)
    assert res.fetched == 0 and fake.count() == before and set(res.frame["n_samples"]) == {3}


def test_offline_serves_the_cache_and_names_missing_requests(fake, tmp_path, monkeypatch):
    kw = dict(geo="RU", start="2021-01-01", end="2022-12-31", resolution="day", cache_dir=tmp_path / "c",
              fetch_day=TODAY)
    online = fetch_trends(["visa", "flights"], base_url=fake.url, **FAST, **kw)
    sent = fake.count()
    monkeypatch.setenv("TRENDLIB_OFFLINE", "1")
    offline = fetch_trends(["visa", "flights"], base_url="http://127.0.0.1:9/trends", **kw)
    assert fake.count() == sent and offline.requests_sent == 0
    pd.testing.assert_frame_equal(online.frame, offline.frame)
    with pytest.raises(E.OfflineMiss) as err:
        fetch_trends(["visa", "mobilization"], base_url=fake.url, **kw)
    plan = make_plan(["visa", "mobilization"], geo="RU", start="2021-01-01", end="2022-12-31", resolution="day")
    msg = str(err.value)
    assert err.value.exit_code == 2 and f"lacks {plan.n_requests} of {plan.n_requests}" in msg
    assert all(r.describe() in msg for r in plan.requests) and fake.count() == sent


def test_rate_limit_mid_fetch_says_done_and_remaining_then_resumes(fake, tmp_path):
    kw = dict(geo="RU", start="2021-01-01", end="2022-12-31", resolution="day", base_url=fake.url,
              cache_dir=tmp_path / "c", fetch_day=TODAY, min_interval=0.0, backoff=0.001)
    # requests 1-2 succeed, then Google rate-limits for good
    from trendlib.trends.client import TrendsClient
    client = TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001, max_attempts=2)
    calls = {"n": 0}
    orig = client.interest_over_time

    def counting(*a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            fake.inject("429", endpoint="multiline", duration=60)
        return orig(*a, **k)
    client.interest_over_time = counting
    with pytest.raises(E.RateLimited) as err:
        fetch_trends(["visa", "flights"], client=client, **{k: v for k, v in kw.items()
                                                              if k not in ("base_url", "min_interval", "backoff")})
    assert len(err.value.done) == 2 and len(err.value.remaining) == 3 and err.value.exit_code == 3
    assert "rerun the same command to resume" in str(err.value)
    fake.clear_faults()
    before = fake.count("multiline", status=200)
    res = fetch_trends(["visa", "flights"], **kw)
    assert res.fetched == 3 and res.from_cache == 2
    assert fake.count("multiline", status=200) - before == 3


def test_resolution_mismatch_is_an_error_not_a_silent_weekly_series(fake, tmp_path):
    kw = dict(geo="RU", start="2022-01-01", end="2022-06-30", base_url=fake.url, cache_dir=tmp_path / "c",
              fetch_day=TODAY, **FAST)
    fake.inject("wrong_resolution", endpoint="explore", resolution="week")
    with pytest.raises(E.ResolutionMismatch, match="expects 'day'") as err:
        fetch_trends(["visa"], **kw)
    assert "set aside in the cache as rejected" in str(err.value)
    key = make_plan(["visa"], geo="RU", start="2022-01-01", end="2022-06-30").requests[0].key()
    assert TrendsCache(tmp_path / "c").samples(key) == []                      # never served again
    assert len(list((tmp_path / "c" / key).glob("*.rejected-*.body.txt"))) == 1  # but kept for inspection
    res = fetch_trends(["visa"], **kw)                                       # the rerun asks again
    assert res.fetched == 1 and (res.frame["resolution"] == "day").all()


def test_bad_inputs_fail_before_sending(fake, tmp_path):
    for kw, match in [(dict(geo="RUS"), "geo 'RUS'"), (dict(geo="RU", gprop="web"), "gprop"),
                      (dict(geo="RU", category=-1), "category"), (dict(geo="RU", start="2022-02-30"), "calendar")]:
        args = dict(start="2022-01-01", end="2022-06-30")
        args.update(kw)
        with pytest.raises(E.BadRequest, match=match):
            fetch_trends(["visa"], base_url=fake.url, cache_dir=tmp_path / "c", **FAST, **args)
    assert fake.count() == 0


def test_cache_keeps_raw_bodies_and_metadata(fake, tmp_path):
    res = fetch_trends(["visa"], geo="RU", start="2022-01-01", end="2022-06-30", base_url=fake.url,
                       cache_dir=tmp_path / "c", fetch_day=TODAY, **FAST)
    cache = TrendsCache(tmp_path / "c")
    key = res.plan.requests[0].key()
    (entry,) = cache.samples(key)
    assert entry.text.startswith(")]}',\n") and entry.fetch_day == TODAY.isoformat()
    meta = json.loads(entry.meta_path.read_text(encoding="utf-8"))
    for k in ("request", "url", "status", "fetched_at", "pytrends_version", "trendlib_version", "widget",
              "body_sha256"):
        assert k in meta
    assert not list((tmp_path / "c").rglob("*.pkl")) and not list((tmp_path / "c").rglob("*.tmp"))
    entry.body_path.write_text(entry.text[:50], encoding="utf-8")            # a corrupt body is not trusted
    assert cache.get(key, TODAY) is None
