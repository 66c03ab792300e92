"""Study files: every rule of the contract, with the message naming the bad key or value."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trendlib.study import StudyError, load_study, Study


def _edit(path: Path, old: str, new: str) -> Path:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return path


def test_valid_study_resolves_paths_against_its_folder(tiny_study):
    s = load_study(tiny_study)
    assert s.name == "tiny"
    assert s.start == dt.date(2022, 8, 1) and s.end == dt.date(2022, 10, 9)
    assert s.trends == tiny_study.parent / "data" / "series.csv"
    assert s.trends.is_absolute()
    assert s.labels == {"alpha": "Alpha label", "бета": "beta"}
    assert s.crossings is None
    params = s.to_parameters()
    assert params["start"] == "2022-08-01" and params["crossings"] == ""


@pytest.mark.parametrize("old,new,needle", [
    ("geo: RU", "geo: RU\ncolour: red", "unknown key(s) 'colour'"),
    ("geo: RU\n", "", "missing required key(s) 'geo'"),
    ("end: 2022-10-09", "end: 2022-07-01", "end 2022-07-01 is before start 2022-08-01"),
    ("start: 2022-08-01", "start: today", "key 'start' = 'today' is not a calendar date"),
    ("start: 2022-08-01", "start: 2022-02-30", "is not a calendar date"),
    ("event_date: 2022-09-20", "event_date: 2023-01-01", "event_date 2023-01-01 is outside start..end"),
    ("geo: RU", "geo: Russia", "'geo' = 'Russia' is not a Google Trends geo code"),
    ("trends: data/series.csv", "trends: data/nope.csv", "key 'trends' names 'data/nope.csv', but no file exists"),
    ("  - {term: бета, label: beta}", "  - {term: alpha, label: again}", "term 'alpha' is listed twice"),
    ("  - {term: бета, label: beta}", "  - {term: бета, lable: beta}", "unknown key(s) 'lable'"),
    ("queries:", "queries: []\nold_queries:", "unknown key(s) 'old_queries'"),
])
def test_bad_study_files_are_refused_with_the_key_named(tiny_study, old, new, needle):
    _edit(tiny_study, old, new)
    with pytest.raises(StudyError) as err:
        load_study(tiny_study)
    assert needle in str(err.value)
    assert "tiny.yaml" in str(err.value)


def test_yaml_is_loaded_safely(tiny_study):
    _edit(tiny_study, "title: 'Tiny study'", "title: !!python/object/apply:os.system ['echo hacked']")
    with pytest.raises(StudyError, match="not valid YAML"):
        load_study(tiny_study)


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(StudyError, match="is empty"):
        load_study(tmp_path / "empty.yaml")
    with pytest.raises(StudyError, match="does not exist"):
        load_study(tmp_path / "absent.yaml")


def test_study_name_must_be_a_safe_folder_name(tmp_path, tiny_study):
    bad = tiny_study.with_name("..evil name.yaml")
    bad.write_text(tiny_study.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(StudyError, match="not usable as a folder name"):
        load_study(bad)


def test_trends_may_be_absent_for_fetch(tiny_study):
    _edit(tiny_study, "trends: data/series.csv", "trends: data/to-be-fetched.csv")
    s = load_study(tiny_study, require_trends=False)
    assert s.trends.name == "to-be-fetched.csv"


def test_parameters_of_the_wrong_type_are_named(tiny_study):
    p = load_study(tiny_study).to_parameters()
    p["start"] = 20220801
    with pytest.raises(StudyError, match="notebook parameter 'start' = 20220801 has type int; expected str"):
        Study.from_parameters(**p)
    p = load_study(tiny_study).to_parameters()
    assert Study.from_parameters(**p) == load_study(tiny_study).__class__.from_parameters(**p)
