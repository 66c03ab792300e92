"""trendlib._io: sets of files replaced together, folders swapped in, spreadsheet-safe CSV text and
OS errors that name path and operation."""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from tests.reliability._faults import full_disk
from trendlib._io import (JOURNAL_PREFIX, FileOperationError, csv_text, finish_interrupted, replace_folder,
                          replace_together, restore_spreadsheet_text, spreadsheet_safe)


# ------------------------------------------------------------------------------------ CSV text
def test_formula_cells_are_quoted_and_numbers_untouched():
    df = pd.DataFrame({"label": ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\tx",
                                 "\rx", "plain", "-5", "+1.5e3", "a=b", None],
                       "value": [-1.0, 2.0, -3.5, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, -11.0]})
    safe = spreadsheet_safe(df)
    assert safe["label"].tolist()[:6] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3",
                                          "'\tx", "'\rx"]
    assert safe["label"].tolist()[6:10] == ["plain", "-5", "+1.5e3", "a=b"] and pd.isna(safe["label"].iloc[10])
    pd.testing.assert_series_equal(safe["value"], df["value"])  # numbers untouched
    assert df["label"].iloc[0].startswith("=")  # the caller's frame is not changed


def test_column_names_and_index_labels_are_quoted_too():
    df = pd.DataFrame({"=cmd": [1], "ok": [2]}, index=pd.Index(["@x"], name="who"))
    text = csv_text(df, index=True)
    assert text.splitlines() == ["who,'=cmd,ok", "'@x,1,2"]


def test_categorical_and_object_columns():
    df = pd.DataFrame({"c": pd.Categorical(["=a", "b"]), "o": pd.Series(["@x", 3], dtype=object)})
    safe = spreadsheet_safe(df)
    assert list(safe["c"]) == ["'=a", "b"] and list(safe["o"]) == ["'@x", 3]


@pytest.mark.parametrize("value", ["=x", "'=x", "''@y", "'plain", "-", "+", "@", "=", "-1", "\t", "\r\n="])
def test_a_value_round_trips_through_write_and_read(value, tmp_path):
    """What trendlib writes, trendlib reads back exactly: even a value that already starts with quotes."""
    path = tmp_path / "t.csv"
    path.write_text(csv_text(pd.DataFrame({"q": [value]}), index=False), encoding="utf-8")
    back = restore_spreadsheet_text(pd.read_csv(path, dtype=str, keep_default_na=False))
    assert back["q"].tolist() == [value]


def test_restore_leaves_other_text_alone():
    df = pd.DataFrame({"q": ["'quoted'", "it's", "x"]})
    pd.testing.assert_frame_equal(restore_spreadsheet_text(df), df)


# ------------------------------------------------------------------------------- a set of files
def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_set_is_written_whole(tmp_path):
    replace_together({tmp_path / "a.json": "{}\n", tmp_path / "a.csv": b"x\n1\n"})
    assert _files(tmp_path) == {"a.csv": b"x\n1\n", "a.json": b"{}\n"}


def test_a_full_disk_leaves_the_earlier_set_and_no_temporary_file(tmp_path):
    replace_together({tmp_path / "a.json": "old", tmp_path / "a.csv": "old"})
    before = _files(tmp_path)
    with full_disk(tmp_path), pytest.raises(FileOperationError) as info:
        replace_together({tmp_path / "a.json": "new", tmp_path / "a.csv": "new"})
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(tmp_path / "a.json")
    assert str(info.value) == f"cannot write {str(tmp_path / 'a.json')!r}: No space left on device"
    assert _files(tmp_path) == before


def test_files_of_two_folders_are_refused(tmp_path):
    (tmp_path / "b").mkdir()
    with pytest.raises(ValueError, match="one folder"):
        replace_together({tmp_path / "a.csv": "x", tmp_path / "b" / "a.json": "y"})


def test_a_rename_that_fails_midway_puts_the_earlier_set_back(tmp_path, monkeypatch):
    replace_together({tmp_path / "a.json": "old json", tmp_path / "a.csv": "old csv"})
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith("a.csv"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(FileOperationError) as info:
        replace_together({tmp_path / "a.json": "new json", tmp_path / "a.csv": "new csv", tmp_path / "b.txt": "b"})
    monkeypatch.undo()
    assert info.value.operation == "replace" and info.value.filename == str(tmp_path / "a.csv")
    assert _files(tmp_path) == {"a.csv": b"old csv", "a.json": b"old json"}


def test_a_set_killed_during_its_renames_is_completed_by_the_next_writer(tmp_path):
    """The state a kill between two renames leaves: whole temporaries and the journal naming them."""
    (tmp_path / "a.csv").write_text("old csv", encoding="utf-8")
    (tmp_path / "a.json").write_text("new json", encoding="utf-8")  # already renamed before the kill
    (tmp_path / ".a.csv.x1.tmp").write_text("new csv", encoding="utf-8")
    (tmp_path / f"{JOURNAL_PREFIX}1-ab.json").write_text(json.dumps([[".a.json.x0.tmp", "a.json"],
                                                                     [".a.csv.x1.tmp", "a.csv"]]), encoding="utf-8")
    replace_together({tmp_path / "other.txt": "z"})
    assert _files(tmp_path) == {"a.csv": b"new csv", "a.json": b"new json", "other.txt": b"z"}
    assert finish_interrupted(tmp_path) == []


def test_a_file_that_is_a_folder_names_path_and_operation(tmp_path):
    (tmp_path / "a.csv").mkdir()
    with pytest.raises(FileOperationError) as info:
        replace_together({tmp_path / "a.json": "{}", tmp_path / "a.csv": "x"})
    assert info.value.operation == "replace" and info.value.filename == str(tmp_path / "a.csv")
    assert not (tmp_path / "a.json").exists()  # nothing of the set was put in place
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------------------------- a folder
def test_a_folder_replaces_the_earlier_one(tmp_path):
    final, staging = tmp_path / "report", tmp_path / ".report.staging"
    final.mkdir()
    (final / "old.txt").write_text("old", encoding="utf-8")
    staging.mkdir()
    (staging / "new.txt").write_text("new", encoding="utf-8")
    replace_folder(staging, final)
    assert _files(final) == {"new.txt": b"new"} and sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    (staging).mkdir()
    (staging / "first.txt").write_text("1", encoding="utf-8")
    replace_folder(staging, tmp_path / "fresh")
    assert _files(tmp_path / "fresh") == {"first.txt": b"1"}


def test_a_swap_killed_between_two_renames_is_undone_first(tmp_path):
    final, old, staging = tmp_path / "report", tmp_path / ".report.old", tmp_path / ".report.staging"
    old.mkdir()  # the earlier report, renamed away just before a kill
    (old / "index.html").write_text("earlier", encoding="utf-8")
    staging.mkdir()
    (staging / "index.html").write_text("newer", encoding="utf-8")
    replace_folder(staging, final)
    assert _files(final) == {"index.html": b"newer"} and not old.exists() and not staging.exists()


def test_os_errors_name_the_path_in_the_cli_message(tmp_path):
    from trendlib.cli import _os_error
    exc = FileOperationError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "x.csv"), "write")
    assert _os_error(exc) == f"cannot write {str(tmp_path / 'x.csv')!r}: No space left on device; free some " \
                             "space and rerun"


def test_every_csv_trendlib_writes_goes_through_csv_text():
    """One place turns tables into CSV text (formula cells quoted): no other module calls to_csv or csv.writer."""
    root = Path(__file__).resolve().parents[1] / "trendlib"
    offenders = [f"{p.relative_to(root.parent)}:{i}" for p in sorted(root.rglob("*.py")) if p.name != "_io.py"
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if ".to_csv(" in line or "csv.writer(" in line or "csv.DictWriter(" in line]
    assert not offenders, f"write CSV through trendlib._io.csv_text: {offenders}"
