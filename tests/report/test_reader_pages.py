"""Both shipped studies rendered once through the real CLI; every number a reader sees is checked
against results.json, and every page is opened in a real headless Chromium.

What "agree" means here: for each event-study result the one number a reader is shown (the
point estimate, or "at least N" with N the lower end rounded down) is the same in the
sentence, the reader table and the landing page, and is the number trendlib.text derives
from the record in results.json; no page claims a lead or lag that results.json does not
call significant.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.report.browser import INSTALL_HINT, Browser, find_chromium, serve
from trendlib.text import family_count_sentence, fold_cell, fold_reading, fold_sentence, lead_lag_phrase

pytestmark = pytest.mark.slow
STUDIES = ("invasion-2022", "mobilization-2022")


class _Text(HTMLParser):
    """Visible text of a page, and the rows of its tables (cells as text)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.rows: list[list[str]] = []
        self._skip = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def _page(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def shipped(shipped_report):
    return shipped_report  # rendered once per session (tests/conftest.py), shared with tests/analysis


def _results(shipped, study) -> dict:
    return json.loads((shipped / study / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("study", STUDIES)
def test_sentences_tables_and_landing_page_agree_with_results_json(shipped, study):
    res = _results(shipped, study)
    records = res["event_study"]
    page = _page(shipped / study / "10-event-study.html")
    primary = res["study"]["event_date"][:10]
    for rec in records:
        if rec["event_date"][:10] == primary:
            sentence = fold_sentence(rec)
            assert sentence in page.text, f"sentence missing or different on the page: {sentence}"
    # every "'label' were about N times" / "at least N times" on any reader page is the record's own number
    by_label = {r["label"]: fold_reading(r).value for r in records if r["event_date"][:10] == primary}
    for html in sorted((shipped / study).glob("[0-9]*.html")):
        if html.name.endswith(".full.html"):
            continue
        for label, number in re.findall(r"searches for '([^']+)' (?:were|showed no clear change: about) "
                                        r"(?:about |at least )?([\d.,]+) times", _page(html).text):
            if label in by_label and f"around {_long(primary)}" in _page(html).text:
                assert number in {fold_reading(r).value for r in records if r["label"] == label}, (html.name, label)


@pytest.mark.parametrize("study", STUDIES)
def test_the_reader_table_shows_the_same_number(shipped, study):
    res = _results(shipped, study)
    page = _page(shipped / study / "10-event-study.html")
    cells = {c for row in page.rows for c in row}
    for rec in _search_records(res):  # pageviews results are shown as sentences (checked above) and in their CSV
        assert fold_cell(rec) in cells, f"table cell for {rec['label']} / {rec['event']} is not {fold_cell(rec)!r}"


@pytest.mark.parametrize("study", STUDIES)
def test_the_landing_page_shows_the_same_sentences(shipped, study):
    res = _results(shipped, study)
    landing = _page(shipped / study / "index.html").text
    primary = res["study"]["event_date"][:10]
    for rec in _search_records(res):  # the landing page lists the search findings
        if rec["event_date"][:10] == primary:
            assert fold_sentence(rec) in landing, f"landing page disagrees: {fold_sentence(rec)}"


@pytest.mark.parametrize("study", STUDIES)
def test_the_headline_count_counts_each_spike_once(shipped, study):
    res = _results(shipped, study)
    fam, records = res["event_study_family"], _search_records(res)
    distinct = sum(bool(r["distinct_spike"]) for r in records)
    overlapping = sum(bool(r["significant"] and r["overlaps"]) for r in records)
    assert (fam["n_distinct_significant"], fam["n_overlapping"]) == (distinct, overlapping)
    assert fam["n_significant"] == sum(bool(r["significant"]) for r in records)
    sentence = family_count_sentence(len(records), n_clear=fam["n_significant"], n_distinct=distinct,
                                     n_overlapping=overlapping, correction=fam["correction"], alpha=fam["alpha"])
    assert sentence in _page(shipped / study / "10-event-study.html").text
    assert sentence in _page(shipped / study / "index.html").text


@pytest.mark.parametrize("study", STUDIES)
def test_pageviews_results_reach_the_reader_table_and_the_landing_page(shipped, study):
    res = _results(shipped, study)
    views = [r for r in res["event_study"] if r.get("source") == "wikipedia-pageviews"]
    if res["study"].get("pageviews") is None:
        assert not views
        return
    assert views, "the study has pageviews: but no pageviews result reached results.json"
    cells = {c for row in _page(shipped / study / "10-event-study.html").rows for c in row}
    landing = _page(shipped / study / "index.html").text
    primary = res["study"]["event_date"][:10]
    for rec in views:
        assert fold_cell(rec) in cells, f"pageviews cell for {rec['label']} / {rec['event']} is not {fold_cell(rec)!r}"
        if rec["event_date"][:10] == primary:
            assert fold_sentence(rec) in landing, f"landing page lacks: {fold_sentence(rec)}"


def _search_records(res: dict) -> list[dict]:
    return [r for r in res["event_study"] if r.get("source", "google-trends") != "wikipedia-pageviews"]


def _long(iso: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


@pytest.mark.parametrize("study", STUDIES)
def test_lead_or_lag_is_only_stated_when_significant(shipped, study):
    res = _results(shipped, study)
    svc = res.get("searches_vs_crossings", {})
    pairs = svc.get("pairs", [])
    text = _page(shipped / study / "20-searches-vs-crossings.html").text + _page(shipped / study / "index.html").text
    claims = re.findall(r"(searches|crossings) moved \d+ (?:day|week)s? before", text)
    if not any(p.get("significant") for p in pairs):
        assert not claims, f"a lead/lag is stated although nothing is significant: {claims}"
    for p in pairs:
        if p.get("status") == "ok" and p.get("lead"):
            assert p["lead"] == lead_lag_phrase(p)


def test_every_page_in_a_real_browser(shipped):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(INSTALL_HINT)
    pages = sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*.html"))
    assert len(pages) >= 2 * 9 + 1
    failures = {}
    with serve(shipped) as base:
        browser = Browser(chromium)
        try:
            for rel in pages:
                problems = {k: v for k, v in browser.check(f"{base}/{rel}", allowed_prefix=base).items() if v}
                if problems:
                    failures[rel] = problems
        finally:
            browser.close()
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)[:4000]


def test_the_browser_check_can_fail(tmp_path):
    """A page with each fault the check looks for is caught (so a pass means something)."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(INSTALL_HINT)
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
        f'<table><tr><td style="white-space:nowrap">{"A" * 300}</td></tr></table><img src="missing.png">'
        '<script>console.error("boom"); fetch("http://example.invalid/x").catch(() => {});</script></body></html>',
        encoding="utf-8")
    with serve(tmp_path) as base:
        browser = Browser(chromium)
        try:
            problems = browser.check(f"{base}/bad.html", allowed_prefix=base)
        finally:
            browser.close()
    assert problems["overflow"] and problems["tables"] and problems["images"]
    assert any("boom" in c for c in problems["console"])
    assert problems["network"] == ["http://example.invalid/x"]
