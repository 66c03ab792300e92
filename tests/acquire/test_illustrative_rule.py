"""The one "not the real server, so illustrative" rule: it follows the data, cached answers included."""
from __future__ import annotations

import pytest

from trendlib.acquire.provenance import all_official, first_unofficial, is_official, server_fields
from trendlib.testing.fakegoogle import FakeGoogle
from trendlib.trends.fetch import fetch_trends

OFFICIAL = "https://wikimedia.org/api/rest_v1"


def test_rule():
    assert is_official(OFFICIAL + "/", OFFICIAL) and not is_official("http://127.0.0.1:9/api/rest_v1", OFFICIAL)
    assert all_official(OFFICIAL, {OFFICIAL}, OFFICIAL)
    assert not all_official(OFFICIAL, {OFFICIAL, "http://127.0.0.1:9/x"}, OFFICIAL)
    assert first_unofficial(OFFICIAL, {OFFICIAL, "http://127.0.0.1:9/x"}, OFFICIAL) == "http://127.0.0.1:9/x"
    f = server_fields(base_url="http://127.0.0.1:9/x", official_url=OFFICIAL, source="wikimedia-pageviews-api",
                      name="Wikimedia", citation="c", licence="l")
    assert f["illustrative"] and f["source"] == "non-wikimedia-server http://127.0.0.1:9/x" and f["licence"] == ""
    assert "NOT WIKIMEDIA" in f["server_note"]


@pytest.mark.filterwarnings("error")
def test_google_answers_cached_from_a_fake_stay_illustrative_offline(tmp_path, monkeypatch):
    for name in ("TRENDLIB_TRENDS_URL", "TRENDLIB_OFFLINE", "TRENDLIB_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    kw = dict(geo="RU", start="2022-01-01", end="2022-03-31", cache_dir=tmp_path / "c", fetch_day="2023-03-01",
              min_interval=0.0, backoff=0.001)
    with FakeGoogle(today="2023-03-01", seed=1) as fake:
        first = fetch_trends(["visa"], base_url=fake.url, **kw)
    assert first.provenance["illustrative"] is True
    # offline, with the default (Google's) URL: the answers are still the fake's
    again = fetch_trends(["visa"], offline=True, **kw)
    assert again.requests_sent == 0 and again.provenance["illustrative"] is True
    assert again.provenance["source"] == f"non-google-server {fake.url}"
    assert set(again.frame["source"]) == {"non-google-server"}
