"""A table of deliberately broken files, one defect each: every one is rejected, and the
message names the file, the line, the column where there is one, and the defect."""
from __future__ import annotations

import pytest

from trendlib.datasets import (DataError, load_crossings, load_events, load_facts, load_trend_samples,
                               load_trends)
from trendlib.datasets.webexport import WebExportError, read_web_export

from .conftest import FIXTURES

BROKEN = FIXTURES / "broken"

# file, loader, expected line (None = whole file), column ('' = none), words the message must contain
CASES = [
    ("crossings_missing_column.csv", load_crossings, 1, "", ["missing column", "'direction'"]),
    ("crossings_bad_date_format.csv", load_crossings, 3, "period_start", ["'21/09/2022'", "YYYY-MM-DD"]),
    ("crossings_impossible_date.csv", load_crossings, 4, "period_end", ["2022-02-30", "not a real calendar date"]),
    ("crossings_end_before_start.csv", load_crossings, 3, "period_end", ["is before period_start"]),
    ("crossings_negative_count.csv", load_crossings, 4, "value", ["-5068", "negative"]),
    ("crossings_non_numeric_count.csv", load_crossings, 3, "value", ["'about 50000'", "not a number"]),
    ("crossings_thousands_separator.csv", load_crossings, 3, "value", ["'50,655'", "not a number"]),
    ("crossings_empty_count.csv", load_crossings, 2, "value", ["empty"]),
    ("crossings_unknown_direction.csv", load_crossings, 4, "direction", ["unknown direction 'outbound'", "entry, exit"]),
    ("crossings_duplicate_row.csv", load_crossings, 5, "", ["duplicate figure", "as line 4"]),
    ("crossings_duplicate_id.csv", load_crossings, 4, "", ["duplicate id", "'t01'", "as line 2"]),
    ("crossings_semicolon.csv", load_crossings, 1, "", ["semicolon-separated"]),
    ("crossings_tab_separated.csv", load_crossings, 1, "", ["tab-separated"]),
    ("crossings_cp1251.csv", load_crossings, 4, "", ["not UTF-8"]),
    ("crossings_utf16.csv", load_crossings, None, "", ["UTF-16", "save the crossings file as UTF-8"]),
    ("crossings_ragged_row.csv", load_crossings, 3, "", ["cannot be read as CSV", "20"]),
    ("crossings_value_max_below_value.csv", load_crossings, 3, "value_max", ["below value 50655"]),
    ("crossings_range_without_max.csv", load_crossings, 3, "value_max", ["'range' needs value_max"]),
    ("crossings_unknown_unit.csv", load_crossings, 4, "unit", ["unknown unit 'people'"]),
    ("crossings_unknown_confidence.csv", load_crossings, 2, "confidence", ["'VERY HIGH'", "HIGH, MEDIUM, LOW"]),
    ("crossings_empty_source_url.csv", load_crossings, 3, "source_url", ["source_url is empty"]),
    ("crossings_empty_file.csv", load_crossings, None, "", ["empty"]),
    ("crossings_header_only.csv", load_crossings, None, "", ["no rows"]),
    ("crossings_calendar_day_over_week.csv", load_crossings, 3, "window", ["covers 7 days"]),
    ("events_impossible_date.csv", load_events, 3, "date", ["2022-09-31", "not a real calendar date"]),
    ("events_bad_date_format.csv", load_events, 3, "date", ["'30 Sep 2022'", "YYYY-MM-DD"]),
    ("events_duplicate_event.csv", load_events, 4, "", ["duplicate event"]),
    ("events_unknown_confidence.csv", load_events, 2, "confidence", ["'SURE'"]),
    ("events_missing_column.csv", load_events, 1, "", ["missing column", "'confidence'"]),
    ("facts_end_before_start.csv", load_facts, 3, "date_end", ["before date_start"]),
    ("facts_negative_value.csv", load_facts, 3, "value", ["negative"]),
    ("facts_bad_timestamp.csv", load_facts, 2, "timestamp", ["'evening of 20 Sep'", "ISO timestamp"]),
    ("facts_unknown_qualifier.csv", load_facts, 3, "qualifier", ["'more than'", "lower_bound"]),
    ("trends_value_above_100.csv", load_trends, 3, "value", ["180", "0-100"]),
    ("trends_below_one_text.csv", load_trends, 4, "value", ["'<1'", "not a number"]),
    ("trends_duplicate_row.csv", load_trends, 5, "", ["duplicate row", "2022-09-20"]),
    ("trends_unknown_resolution.csv", load_trends, 2, "resolution", ["'daily'", "hour, day, week, month"]),
    ("trends_low_above_value.csv", load_trends, 2, "value_low", ["above value"]),
    ("trends_impossible_date.csv", load_trends, 4, "date", ["2022-13-22"]),
    ("samples_below_one_with_value.samples.csv", load_trend_samples, 4, "below_one", ["'<1' is stored as 0"]),
    ("samples_duplicate_sample.samples.csv", load_trend_samples, 6, "", ["duplicate row", "sample='s1'", "as line 2"]),
    ("samples_bad_fetched_on.samples.csv", load_trend_samples, 3, "fetched_on", ["'yesterday'"]),
    ("samples_empty_sample.samples.csv", load_trend_samples, 3, "sample", ["sample is empty"]),
]


@pytest.mark.parametrize("name, loader, line, column, words", CASES, ids=[c[0] for c in CASES])
def test_broken_file_is_rejected_with_a_message_naming_the_defect(name, loader, line, column, words):
    path = BROKEN / name
    with pytest.raises(DataError) as info:
        loader(path)
    err = info.value
    msg = str(err)
    assert msg.startswith(str(path)), msg
    assert err.row == line, msg
    assert err.column == column, msg
    if line is not None:
        assert f"line {line}" in msg
    for word in words:
        assert word in msg, f"{word!r} not in {msg!r}"


def test_every_broken_fixture_is_in_the_table():
    listed = {c[0] for c in CASES}
    on_disk = {p.name for p in BROKEN.glob("*.csv")}
    assert on_disk == listed


WEB_CASES = [
    ("not_a_trends_file.csv", 1, "", ["this file is not a Google Trends export", "tidy trendlib series file"]),
    ("changed_first_header.csv", 3, "Date", ["cannot show whether 2022-09-04 is a day or a week", "'Date'"]),
    ("value_above_100.csv", 5, "как уехать из России: (Russia)", ["'101'", "0-100"]),
    ("ragged_row.csv", 5, "", ["3 cells", "header has 2"]),
    ("bad_date.csv", 5, "Day", ["'09/11/2022'", "YYYY-MM-DD"]),
    ("not_utf8.csv", 3, "", ["not UTF-8", "code page"]),
    ("no_rows.csv", 3, "", ["no data rows"]),
    ("headerless.csv", 1, "", ["no header", "already a data row"]),
    ("handmade_table.csv", 1, "", ["this file is not a Google Trends export", "'word'"]),
    ("related_without_rising.csv", 6, "", ["RISING value", "'RISING' line", "missing"]),
    ("ambiguous_date_range.csv", 1, "", ["can be read two ways", "day-first: 2022-09-05 to 2022-10-05",
                                         "month-first: 2022-05-09 to 2022-05-10"]),
    ("minute_rows.csv", 4, "Time", ["has minutes", "finest resolution is the hour"]),
]


@pytest.mark.parametrize("name, line, column, words", WEB_CASES, ids=[c[0] for c in WEB_CASES])
def test_broken_web_export_is_rejected(name, line, column, words):
    path = FIXTURES / "webexport" / "broken" / name
    with pytest.raises(WebExportError) as info:
        read_web_export(path)
    msg = str(info.value)
    assert msg.startswith(str(path))
    assert info.value.row == line and info.value.column == column, msg
    for word in words:
        assert word in msg, f"{word!r} not in {msg!r}"


def test_every_broken_web_fixture_is_in_the_table():
    assert {p.name for p in (FIXTURES / "webexport" / "broken").glob("*.csv")} == {c[0] for c in WEB_CASES}
