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
    mapping = s.to_mapping()
    assert mapping["start"] == "2022-08-01" and "crossings" not in mapping


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
    ("  - {term: бета, label: beta}", "  - {term: ALPHA, label: again}", "differs from 'alpha' only in case"),
    ("  - {term: бета, label: beta}", "  - {term: ' alpha ', label: again}", "once its surrounding and repeated"),
    ("events: data/events.csv", "events: data", "'events' names 'data', but a folder exists"),
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


def test_a_study_yaml_is_named_after_its_folder(tmp_path, tiny_study):
    """What 'trendlib init DIR' writes: two such projects must not render into the same outputs/study/."""
    import shutil
    names = []
    for folder in ("kz-2022", "ru-2022"):
        shutil.copytree(tiny_study.parent, tmp_path / folder)
        own = tmp_path / folder / "study.yaml"
        (tmp_path / folder / tiny_study.name).rename(own)
        names.append(load_study(own).name)
    assert names == ["kz-2022", "ru-2022"]
    assert load_study(tiny_study).name == tiny_study.stem  # any other file name: its stem
    odd = tmp_path / "my study"
    shutil.copytree(tiny_study.parent, odd)
    (odd / tiny_study.name).rename(odd / "study.yaml")
    assert load_study(odd / "study.yaml").name == "study"  # a folder name unfit for a folder keeps 'study'


def test_trends_may_be_absent_for_fetch(tiny_study):
    _edit(tiny_study, "trends: data/series.csv", "trends: data/to-be-fetched.csv")
    s = load_study(tiny_study, require_trends=False)
    assert s.trends.name == "to-be-fetched.csv"


def test_every_key_is_declared_once_on_the_study_class():
    from trendlib.study import STUDY_KEYS
    import dataclasses
    fields = [f.name for f in dataclasses.fields(Study) if "study_key" in f.metadata]
    assert list(STUDY_KEYS) == fields
    assert {k for k, v in STUDY_KEYS.items() if v.required} == {"title", "geo", "start", "end", "event_date",
                                                                "queries", "trends"}
    assert all(v.doc and v.kind for v in STUDY_KEYS.values())


def test_events_are_optional_and_an_empty_data_file_is_refused(tiny_study):
    _edit(tiny_study, "events: data/events.csv\n", "")
    assert load_study(tiny_study).events is None
    (tiny_study.parent / "data" / "empty.csv").write_text("", encoding="utf-8")
    _edit(tiny_study, "trends: data/series.csv", "trends: data/empty.csv")
    with pytest.raises(StudyError, match="which is empty"):
        load_study(tiny_study)


def test_data_paths_may_point_outside_any_project_folder(tmp_path, tiny_study):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    study = elsewhere / "outside.yaml"
    data = (tiny_study.parent / "data").resolve()
    study.write_text(tiny_study.read_text(encoding="utf-8").replace("data/series.csv", str(data / "series.csv"))
                     .replace("data/events.csv", "../study/data/events.csv"), encoding="utf-8")
    s = load_study(study)
    assert s.trends == data / "series.csv" and s.events == data / "events.csv"


def test_study_json_round_trip_keeps_every_key_with_relative_paths(tmp_path, tiny_study):
    s = load_study(tiny_study)
    out = tmp_path / "out" / "tiny"
    out.mkdir(parents=True)
    path = s.write_json(out / "study.json")
    text = path.read_text(encoding="utf-8")
    assert str(tmp_path) not in text, "study.json must not publish absolute paths"
    again = Study.from_json_file(path)
    assert again == s
