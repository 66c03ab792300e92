"""The pageviews file format: loading, validation, and the shipped illustrative file."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import trendlib
from trendlib.datasets import DataError, load_pageviews
from trendlib.wikimedia.fetch import fetch_pageviews

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "pageviews" / "mobilization-2022_daily_illustrative.csv"


def test_a_fetched_file_loads_back_exactly(fake, fast, tmp_path):
    res = fetch_pageviews(["Верхний Ларс", "AC/DC"], project="ru.wikipedia", start="2022-09-01", end="2022-10-31",
                          out=tmp_path / "pv.csv", cache_dir=tmp_path / "c", **fast)
    back = load_pageviews(tmp_path / "pv.csv")
    want = res.frame.sort_values(["query", "date"], kind="stable").reset_index(drop=True)
    assert back["value"].tolist() == want["value"].tolist() and back["date"].tolist() == want["date"].tolist()
    assert list(back.columns) == ["date", "query", "value", "source", "project", "access", "agent", "article"]


@pytest.mark.parametrize("row, words", [
    ("2022-09-31,A,5,x,ru.wikipedia", "not a real calendar date"),
    ("2015-06-30,A,5,x,ru.wikipedia", "before 2015-07-01"),
    ("2022-09-01,A,-1,x,ru.wikipedia", "negative"),
    ("2022-09-01,A,1.5,x,ru.wikipedia", "not a whole number"),
    ("2022-09-01,,5,x,ru.wikipedia", "query is empty"),
    ("2022-09-02,A,5,x,ru.wikipedia", "duplicate day of an article"),
])
def test_bad_rows_are_named(tmp_path, row, words):
    p = tmp_path / "pv.csv"
    p.write_text("date,query,value,source,project\n2022-09-02,A,3,x,ru.wikipedia\n" + row + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=words) as info:
        load_pageviews(p)
    assert "line 3" in str(info.value) or "line" in str(info.value)


def test_the_shipped_illustrative_file_is_marked_and_in_step_with_its_recipe():
    spec = importlib.util.spec_from_file_location("illustrative_pageviews", ROOT / "tools" / "illustrative_pageviews.py")
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    assert recipe.main(["--check"]) == 0
    prov = trendlib.read_provenance(SHIPPED)
    assert prov["illustrative"] is True and prov["source"] == "illustrative" and "illustrative" in SHIPPED.name
    f = load_pageviews(SHIPPED)
    assert set(f["source"]) == {"illustrative"} and f["query"].nunique() == 3
    mob = f[f["query"] == "Мобилизация в России (2022)"].set_index("date")["value"]
    assert (mob[:"2022-09-20"] == 0).all() and mob.idxmax().strftime("%Y-%m-%d") == "2022-09-21"
    assert prov["details"]["assumptions"] and all(a["label"] for a in prov["details"]["articles"])


def test_select_and_describe():
    from trendlib.datasets import describe_pageviews, select_pageviews
    f = load_pageviews(SHIPPED)
    sel = select_pageviews(f, articles=["Верхний Ларс", "Мобилизация в России (2022)"], start="2022-09-01",
                           end="2022-09-30")
    assert list(dict.fromkeys(sel["query"])) == ["Верхний Ларс", "Мобилизация в России (2022)"] and len(sel) == 60
    assert sel.attrs["left_out"] == {"other_article": 92, "outside_dates": 2 * 62}
    d = describe_pageviews(sel, labels={"Верхний Ларс": "Upper Lars"}).set_index("query")
    assert d.loc["Мобилизация в России (2022)", "first_day_with_views"] == "2022-09-21"
    assert d.loc["Верхний Ларс", "label"] == "Upper Lars"
    with pytest.raises(DataError, match="no rows for 'Nope'"):
        select_pageviews(f, articles=["Nope"], start="2022-09-01", end="2022-09-30")


def test_event_studies_run_on_pageviews_and_say_so(tmp_path):
    from trendlib.analysis.event_study import run_event_studies
    from trendlib.datasets import select_pageviews
    from trendlib.signals import PAGEVIEWS, SIGNALS
    pv = select_pageviews(load_pageviews(SHIPPED), articles=["Верхний Ларс"], start="2022-08-01", end="2022-10-31")
    res = run_event_studies(pv, [("2022-09-21", "mobilization")], queries=[("Верхний Ларс", "Upper Lars")],
                            source=PAGEVIEWS)
    rec = res.records()[0]
    assert rec["source"] == "wikipedia-pageviews" and rec["fold_increase"] > 5 and rec["significant"]
    assert rec["illustrative"] is True and set(SIGNALS) == {"google-trends", "wikipedia-pageviews"}
