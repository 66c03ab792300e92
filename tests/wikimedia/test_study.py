"""Studies with pageviews: the study keys, and fetch --study filling both signals from the fakes."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import trendlib
from trendlib.cli import main
from trendlib.study import StudyError
from trendlib.testing.fakegoogle import FakeGoogle
from trendlib.testing.fakewikimedia import FakeWikimedia

from tests.conftest import write_tiny_study

ROOT = Path(__file__).resolve().parents[2]
PV_ROWS = "date,query,value,source,project,access,agent,article\n" + "".join(
    f"{dt.date(2022, 8, 1) + dt.timedelta(days=i)},Верхний Ларс,{250 + (9000 if i >= 52 else 0)},illustrative,"
    "ru.wikipedia,all-access,user,Верхний_Ларс\n" for i in range(70))
KEYS = ('pageviews: data/views_illustrative.csv   # simulated until fetched\npageviews_project: ru.wikipedia\n'
        'articles:\n  - {article: "Верхний Ларс", label: "Upper Lars"}\n')


def _study(tmp_path, extra: str = KEYS) -> Path:
    study = write_tiny_study(tmp_path / "study", extra_yaml=extra, illustrative=True)
    (study.parent / "data" / "views_illustrative.csv").write_text(PV_ROWS, encoding="utf-8")
    return study


def test_the_keys_load_and_name_the_file_as_a_data_file(tmp_path):
    s = trendlib.load_study(_study(tmp_path))
    assert s.pageviews.name == "views_illustrative.csv" and s.article_labels == {"Верхний Ларс": "Upper Lars"}
    assert s.data_files()["pageviews"] == s.pageviews and s.pageviews_project == "ru.wikipedia"
    assert s.to_mapping()["articles"] == [{"article": "Верхний Ларс", "label": "Upper Lars"}]
    prov = {p["role"]: p for p in trendlib.read_provenance.__globals__["study_provenance"](s)}
    assert prov["pageviews"]["illustrative"] is True          # the file's name says so


def test_the_shipped_mobilization_study_has_its_illustrative_pageviews():
    s = trendlib.load_study(ROOT / "studies" / "mobilization-2022.yaml")
    assert "illustrative" in s.pageviews.name and len(s.articles) == 3 and s.pageviews_project == "ru.wikipedia"
    views = trendlib.load_pageviews(s.pageviews)
    assert set(views["query"]) == {a.article for a in s.articles}


@pytest.mark.parametrize("extra, words", [
    ("pageviews: data/views_illustrative.csv\n", "'articles' is not"),
    ('articles:\n  - {article: "Верхний Ларс", label: x}\n', "'pageviews' (the pageviews file) is not"),
    ('pageviews: data/views_illustrative.csv\narticles: [{title: x}]\n', "articles item 1"),
    ('pageviews: data/views_illustrative.csv\narticles:\n  - {article: A}\n  - {article: A}\n', "listed twice"),
])
def test_bad_pageviews_keys_are_named(tmp_path, extra, words):
    with pytest.raises(StudyError, match=re.escape(words)):
        trendlib.load_study(_study(tmp_path, extra))


def test_fetch_study_fills_both_signals_and_repoints_both_lines(tmp_path, monkeypatch, capsys):
    study = _study(tmp_path)
    before = study.read_text(encoding="utf-8").splitlines()
    views = {"Верхний_Ларс": {dt.date(2022, 8, 1) + dt.timedelta(days=i): 100 + i for i in range(70)}}
    with FakeGoogle(today="2023-03-01", seed=4) as google, FakeWikimedia(views) as wiki:
        for name, value in (("TRENDLIB_TRENDS_URL", google.url), ("TRENDLIB_WIKIMEDIA_URL", wiki.url),
                            ("TRENDLIB_MIN_INTERVAL", "0"), ("TRENDLIB_BACKOFF_SECONDS", "0.001")):
            monkeypatch.setenv(name, value)
        assert main(["fetch", "--study", str(study), "--cache-dir", str(tmp_path / "c")]) == 0
        assert wiki.count(status=200) == 1
    after = study.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after) if a != b] == [
        ("trends: data/series_illustrative.csv", "trends: data/series.csv"),
        ("pageviews: data/views_illustrative.csv   # simulated until fetched",
         "pageviews: data/views.csv   # simulated until fetched")]
    s = trendlib.load_study(study)
    got = trendlib.load_pageviews(s.pageviews)
    assert got["value"].tolist() == [100 + i for i in range(70)]
    assert trendlib.read_provenance(s.pageviews)["illustrative"] is True      # a fake server: never real
    assert (study.parent / "data" / "views_illustrative.csv").read_text(encoding="utf-8") == PV_ROWS
    assert "'pageviews:' now points at data/views.csv" in capsys.readouterr().out
