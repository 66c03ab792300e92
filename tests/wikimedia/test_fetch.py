"""fetch_pageviews against the fake Wikimedia API: exact known answers through the real HTTP path."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

import trendlib
from trendlib.acquire import errors as AE
from trendlib.wikimedia import errors as E
from trendlib.wikimedia.client import WikimediaClient
from trendlib.wikimedia.fetch import OUTPUT_COLUMNS, fetch_pageviews

from .conftest import ACDC, LARS, MOB, TODAY, truth

pytestmark = pytest.mark.filterwarnings("error")


def _expected(title: str, start: str, end: str) -> list[int]:
    days = pd.date_range(start, end, freq="D")
    return [truth()[title].get(d.date(), 0) for d in days]


def test_exact_daily_views_with_spaces_cyrillic_and_slashes(fake, fast, tmp_path):
    res = fetch_pageviews(["мобилизация в России (2022)", "Верхний Ларс", "AC/DC"], project="ru.wikipedia",
                          start="2022-09-01", end="2022-10-31", out=tmp_path / "pv.csv", cache_dir=tmp_path / "c", **fast)
    f = res.frame
    assert list(f.columns) == OUTPUT_COLUMNS and len(f) == 3 * 61
    for query, title in [("мобилизация в России (2022)", MOB), ("Верхний Ларс", LARS), ("AC/DC", ACDC)]:
        part = f[f["query"] == query]
        assert part["article"].unique().tolist() == [title]
        assert part["value"].tolist() == _expected(title, "2022-09-01", "2022-10-31")   # omitted days are 0
    assert f["value"].dtype == "int64" and (f["project"] == "ru.wikipedia").all()
    assert set(f["access"]) == {"all-access"} and set(f["agent"]) == {"user"}
    # the title went out as one percent-encoded segment, '/' included
    paths = [r.path for r in fake.log]
    assert any("/AC%2FDC/daily/2022090100/2022103100" in p for p in paths)
    assert any("%D0%92%D0%B5%D1%80%D1%85%D0%BD%D0%B8%D0%B9_%D0%9B%D0%B0%D1%80%D1%81" in p for p in paths)
    # the CSV reads back as the frame
    back = pd.read_csv(tmp_path / "pv.csv", parse_dates=["date"])
    pd.testing.assert_frame_equal(back, f, check_dtype=False)


def test_filters_reach_the_api(fake, fast, tmp_path):
    res = fetch_pageviews("Верхний Ларс", project="ru.wikipedia.org", start="2022-09-20", end="2022-09-26",
                          access="mobile-web", agent="all-agents", cache_dir=tmp_path / "c", **fast)
    days = pd.date_range("2022-09-20", "2022-09-26")
    want = [fake.views("ru.wikipedia", LARS, d.date(), access="mobile-web", agent="all-agents") for d in days]
    assert res.frame["value"].tolist() == want and sum(want) > 0
    assert {(r.access, r.agent) for r in fake.log} == {("mobile-web", "all-agents")}


def test_spans_are_fetched_per_year_and_a_404_part_before_the_article_existed_is_zero(fake, fast, tmp_path):
    res = fetch_pageviews(["мобилизация в России (2022)", "AC/DC"], project="ru.wikipedia", start="2021-12-01",
                          end="2022-10-31", cache_dir=tmp_path / "c", **fast)
    assert sorted((r.article, r.start, r.end, r.status) for r in fake.log) == [
        (ACDC, "2021120100", "2021123100", 200), (ACDC, "2022010100", "2022103100", 200),
        (MOB, "2021120100", "2021123100", 404), (MOB, "2022010100", "2022103100", 200)]
    mob = res.frame[res.frame["query"] == "мобилизация в России (2022)"]
    assert (mob[mob["date"] < "2022-09-21"]["value"] == 0).all() and mob["value"].sum() > 0
    acdc = res.frame[res.frame["query"] == "AC/DC"].set_index("date")["value"]
    assert acdc["2021-12-30"] == 11 and acdc["2022-01-02"] == 7 and acdc.sum() == 21
    rec = {a["query"]: a for a in res.provenance["articles"]}
    assert rec["мобилизация в России (2022)"]["parts_without_data"] == ["2021-12-01..2021-12-31"]
    assert rec["мобилизация в России (2022)"]["first_day_with_views"] == "2022-09-21"


def test_429s_are_retried_and_the_series_is_exact(fake, fast, tmp_path):
    fake.inject("429", count=3, retry_after=0)
    res = fetch_pageviews("Верхний Ларс", project="ru.wikipedia", start="2022-09-01", end="2022-10-31",
                          cache_dir=tmp_path / "c", **fast)
    assert fake.count(status=429) == 3 and fake.count(status=200) == 1
    assert res.frame["value"].tolist() == _expected(LARS, "2022-09-01", "2022-10-31")
    fetch = res.provenance["requests"][0]["fetches"][0]
    assert fetch["attempts"] == 4 and fetch["retries"] == 3 and res.requests_sent == 4


def test_offline_replay_sends_nothing_and_gives_the_same_series(fake, fast, tmp_path):
    kw = dict(project="ru.wikipedia", start="2021-12-20", end="2022-10-31", cache_dir=tmp_path / "c", **fast)
    first = fetch_pageviews(["Верхний Ларс", "AC/DC"], **kw)
    fake.reset_log()
    again = fetch_pageviews(["Верхний Ларс", "AC/DC"], offline=True, **kw)
    assert fake.log == [] and again.requests_sent == 0 and again.from_cache == 4 and again.fetched == 0
    pd.testing.assert_frame_equal(again.frame, first.frame)
    assert again.provenance["illustrative"] is True        # cached answers of a fake server stay illustrative


def test_offline_miss_names_every_missing_request(fake, fast, tmp_path):
    with pytest.raises(AE.OfflineMiss) as info:
        fetch_pageviews(["Верхний Ларс", "AC/DC"], project="ru.wikipedia", start="2022-09-01", end="2022-09-30",
                        offline=True, cache_dir=tmp_path / "c", **fast)
    assert info.value.exit_code == 2 and "'Верхний_Ларс'" in str(info.value) and "'AC/DC'" in str(info.value)
    assert fake.log == []


def test_unknown_article_is_refused_by_name(fake, fast, tmp_path):
    with pytest.raises(E.ArticleNotFound) as info:
        fetch_pageviews(["Верхний Ларс", "Верхний Ларц"], project="ru.wikipedia", start="2022-09-01",
                        end="2022-09-30", out=tmp_path / "pv.csv", cache_dir=tmp_path / "c", **fast)
    err = info.value
    assert err.exit_code == 2 and err.article == "Верхний Ларц" and err.title == "Верхний_Ларц"
    assert "'Верхний Ларц'" in str(err) and "404" in str(err) and "ru.wikipedia" in str(err)
    assert not (tmp_path / "pv.csv").exists()


def test_provenance_records_requests_titles_filters_and_the_caveat(fake, fast, tmp_path):
    res = fetch_pageviews("Верхний Ларс", project="ru.wikipedia", start="2022-09-01", end="2022-09-30",
                          out=tmp_path / "pv.csv", cache_dir=tmp_path / "c", **fast)
    prov = json.loads((tmp_path / "pv.provenance.json").read_text(encoding="utf-8"))
    assert prov == json.loads(json.dumps(res.provenance, default=str))
    assert prov["illustrative"] is True and prov["source"] == f"non-wikimedia-server {fake.url}"
    assert "NOT WIKIMEDIA" in prov["notes"] and "redirects are not followed" in prov["notes"]
    assert prov["redirects_followed"] is False and (prov["access"], prov["agent"]) == ("all-access", "user")
    assert prov["articles"][0]["title"] == LARS and prov["articles"][0]["query"] == "Верхний Ларс"
    req = prov["requests"][0]
    assert req["url"].startswith(fake.url + "/metrics/pageviews/per-article/ru.wikipedia/all-access/user/%D0%92")
    assert req["fetches"][0]["status"] == 200 and req["fetches"][0]["fetched_at"].endswith("Z")
    assert prov["retrieved_at"] and "trendlib/" in prov["user_agent"]
    assert trendlib.read_provenance(tmp_path / "pv.csv")["illustrative"] is True
    assert "ILLUSTRATIVE" in res.summary() and "Верхний Ларс" in res.summary()


def test_only_wikimedias_own_api_counts_as_real(fake, fast, tmp_path):
    """Answers cached from Wikimedia's URL are real; the same call against the fake never is."""
    from trendlib.acquire.cache import ResponseCache
    from trendlib.wikimedia.client import DEFAULT_WIKIMEDIA_URL
    from trendlib.wikimedia.fetch import plan_pageviews
    cache = ResponseCache(tmp_path / "c")
    plan = plan_pageviews("AC/DC", project="ru.wikipedia", start="2022-09-01", end="2022-09-30", fetch_day=TODAY)
    r = plan.requests(DEFAULT_WIKIMEDIA_URL)[0]
    body = json.dumps({"items": [{"project": "ru.wikipedia", "article": ACDC, "granularity": "daily",
                                  "timestamp": "2022091000", "access": "all-access", "agent": "user", "views": 3}]})
    cache.store(r.key, fetch_day=TODAY, text=body, request=r.canonical,
                meta={"status": 200, "base_url": DEFAULT_WIKIMEDIA_URL, "fetched_at": "2023-03-01T00:00:00Z"})
    real = fetch_pageviews("AC/DC", project="ru.wikipedia", start="2022-09-01", end="2022-09-30", cache=cache,
                           offline=True, fetch_day=TODAY)
    assert real.provenance["illustrative"] is False and set(real.frame["source"]) == {"wikimedia-pageviews-api"}
    assert real.provenance["licence"].startswith("CC0")


def test_answers_that_are_not_data_and_the_wait_bound(fake, fast, tmp_path):
    fake.inject("html", count=100)
    client = WikimediaClient(base_url=fake.url, min_interval=0, backoff=0.001, max_attempts=2)
    with pytest.raises(AE.UnexpectedAnswer, match="an HTML page titled 'Wikimedia Error' \\(HTTP 200\\)"):
        fetch_pageviews("AC/DC", project="ru.wikipedia", start="2022-09-01", end="2022-09-30", client=client,
                        cache_dir=tmp_path / "c", fetch_day=TODAY)
    fake.clear_faults()
    fake.inject("429", count=100, retry_after=3600)
    slept = []
    client = WikimediaClient(base_url=fake.url, min_interval=0, backoff=0.001, max_wait=60, sleep=slept.append)
    with pytest.raises(AE.WaitExceeded) as info:
        fetch_pageviews(["Верхний Ларс", "AC/DC"], project="ru.wikipedia", start="2022-09-01", end="2022-09-30",
                        client=client, cache_dir=tmp_path / "c", fetch_day=TODAY)
    assert slept == [] and "Wikimedia asked to wait 3600 s (Retry-After)" in str(info.value)
    assert "0 request(s) done and cached, 2 remaining" in str(info.value)


def test_a_library_default_user_agent_is_refused_by_wikimedia(fake, fast, tmp_path):
    client = WikimediaClient(base_url=fake.url, user_agent="python-requests/2.32", min_interval=0)
    with pytest.raises(E.AgentRefused, match="User-Agent policy") as info:
        fetch_pageviews("AC/DC", project="ru.wikipedia", start="2022-09-01", end="2022-09-30", client=client,
                        cache_dir=tmp_path / "c", fetch_day=TODAY)
    assert info.value.exit_code == 2 and fake.count(status=403) == 1
    with pytest.raises(E.BadRequest, match="names no contact"):
        WikimediaClient(user_agent="my script")


@pytest.mark.parametrize("kw, words", [
    (dict(start="2015-06-30", end="2015-07-05"), "begin on 2015-07-01"),
    (dict(start="2023-02-01", end="2023-02-28"), "end on or before 2023-02-27"),
    (dict(start="2022-09-05", end="2022-09-01"), "after end"),
    (dict(start="1 Sept", end="2022-09-30"), "start '1 Sept' is not a date"),
    (dict(start="2022-09-01", end="2022-09-30", access="mobile"), "access 'mobile'"),
    (dict(start="2022-09-01", end="2022-09-30", project="wikipedia"), "not a Wikimedia project"),
])
def test_bad_input_is_refused_before_anything_is_sent(fake, fast, tmp_path, kw, words):
    args = dict(project="ru.wikipedia", cache_dir=tmp_path / "c", **fast)
    args.update(kw)
    with pytest.raises(E.BadRequest, match=words) as info:
        fetch_pageviews("AC/DC", **args)
    assert info.value.exit_code == 2 and fake.log == []


def test_the_same_title_twice_is_refused(fast, tmp_path):
    with pytest.raises(E.BadRequest, match="same title 'Upper_Lars'"):
        fetch_pageviews(["Upper Lars", "upper_Lars"], project="en.wikipedia", start="2022-09-01", end="2022-09-30",
                        **fast)


def test_top_level_api():
    assert trendlib.fetch_pageviews is fetch_pageviews and "fetch_pageviews" in trendlib.__all__
    assert dt.date(2015, 7, 1) == trendlib.wikimedia.titles.FIRST_DAY
