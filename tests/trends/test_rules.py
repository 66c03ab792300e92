"""Google's rules live in one module (trendlib.trends.rules) and every user of a rule applies that module's."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest

from trendlib.trends import rules
from trendlib.trends.errors import BadRequest
from trendlib.trends.plan import expected_resolution, make_plan, validate_geo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("geo", ["", "RU", "US-CA", "US-CA-807", "XK", "GB-ENG"])
def test_valid_geo_codes(geo):
    assert rules.geo_problem(geo) is None and rules.is_geo_code(geo)


@pytest.mark.parametrize("geo,words", [("UK", "GB"), ("ru", "'RU'"), ("RUS", "not a Google Trends geo"),
                                       ("ZZ", "not an ISO 3166-1"), (7, "not a string")])
def test_bad_geo_codes_are_named_with_what_is_accepted(geo, words):
    problem = rules.geo_problem(geo)
    assert problem is not None and repr(geo) in problem and words in problem


def test_resolution_thresholds_are_269_and_1899_days():
    assert [rules.resolution_for_span(d) for d in (0, 269, 270, 1899, 1900)] == \
        ["day", "day", "week", "week", "month"]
    assert rules.resolution_for_span(7, hourly=True) == "hour"
    assert rules.resolution_for_span(8, hourly=True) == "day"
    start = dt.date(2020, 1, 1)
    for d in (269, 270, 1899, 1900):
        assert expected_resolution(start, start + dt.timedelta(days=d)) == rules.resolution_for_span(d)


def test_earliest_dates_by_property():
    assert rules.earliest_date("") == dt.date(2004, 1, 1)
    assert all(rules.earliest_date(g) == dt.date(2008, 1, 1) for g in rules.GPROPS if g)
    with pytest.raises(BadRequest, match="2008-01-01"):
        make_plan(["a"], geo="", start="2007-06-01", end="2007-07-01", gprop="news")


def test_the_simulator_and_the_fake_use_the_same_rules():
    from trendlib.testing import simulate
    assert simulate.MAX_TERMS == rules.MAX_TERMS
    assert simulate.google_resolution("2020-01-01", "2020-09-26") == rules.resolution_for_span(269)
    assert simulate.google_resolution("2020-01-01", "2020-09-27") == rules.resolution_for_span(270)


def test_study_and_import_command_apply_the_geo_rule():
    from trendlib.datasets.commands import _geo
    with pytest.raises(argparse.ArgumentTypeError, match="GB"):
        _geo("UK")
    assert _geo("US-CA") == "US-CA"
    with pytest.raises(BadRequest, match="'UK'"):
        validate_geo("UK")


def test_rules_are_written_out_once():
    """The tuple of properties and the ISO country list appear only in rules.py."""
    hits = []
    for path in (ROOT / "trendlib").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if '"images", "news", "youtube", "froogle"' in text or "AD AE AF AG AI" in text:
            hits.append(path.relative_to(ROOT).as_posix())
    assert hits == ["trendlib/trends/rules.py"]


def test_anchor_not_among_terms_is_an_error_naming_it():
    with pytest.raises(BadRequest, match="'zzz' is not one of the terms"):
        make_plan(["a", "b"], geo="RU", start="2022-01-01", end="2022-03-01", anchor="zzz")
    with pytest.raises(BadRequest, match="'zzz'"):
        make_plan([f"t{i}" for i in range(7)], geo="RU", start="2022-01-01", end="2022-03-01", anchor="zzz")


def test_plan_command_rejects_an_unknown_anchor(capsys):
    from trendlib.cli import main
    code = main(["plan", "a", "b", "--geo", "RU", "--start", "2022-01-01", "--end", "2022-03-01",
                 "--anchor", "nope"])
    assert code == 2 and "'nope' is not one of the terms" in capsys.readouterr().err
