"""Trends website CSVs -> tidy files: round trips for the daily, weekly, monthly and hourly header
forms and a region file, the geo-name table, '<1', BOM/CRLF, localized headers, and the CLI."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import trendlib
from trendlib.cli import main
from trendlib.provenance import sha256_file
from trendlib.datasets.webexport import import_web_export, read_web_export

from .conftest import FIXTURES

WX = FIXTURES / "webexport"


def _values(frame, query):
    part = frame[frame["query"] == query].sort_values("date")
    return [(d.strftime("%Y-%m-%d"), None if math.isnan(v) else v, b)
            for d, v, b in zip(part["date"], part["value"], part["below_one"])]


def test_weekly_round_trip(tmp_path):
    out = tmp_path / "weekly.csv"
    import_web_export(WX / "multiTimeline_weekly.csv", out)
    back = trendlib.load_trends(out)
    assert set(back["resolution"]) == {"week"} and set(back["geo"]) == {"RU"}
    assert set(back["source"]) == {"google-trends-web-export"}
    assert _values(back, "как уехать из России") == [("2022-09-04", 3, False), ("2022-09-11", 5, False),
                                                     ("2022-09-18", 100, False), ("2022-09-25", 38, False)]
    # '<1' is 0 with below_one; an empty cell is missing (NaN), not 0
    assert _values(back, "мобилизация") == [("2022-09-04", 0, True), ("2022-09-11", 2, False),
                                            ("2022-09-18", 41, False), ("2022-09-25", None, False)]
    prov = json.loads((tmp_path / "weekly.provenance.json").read_text(encoding="utf-8"))
    assert prov["sha256"] == sha256_file(WX / "multiTimeline_weekly.csv")
    assert prov["file_name"] == "multiTimeline_weekly.csv"
    assert (prov["resolution"], prov["geo_codes"], prov["geo_names"]) == ("week", ["RU"], ["Russia"])
    assert prov["category"] == "All categories" and prov["below_one_cells"] == 1 and prov["empty_cells"] == 1
    assert trendlib.read_provenance(out)["source"] == "google-trends-web-export"


def test_daily_round_trip_with_bom_and_crlf(tmp_path):
    out = tmp_path / "daily.csv"
    import_web_export(WX / "multiTimeline_daily_bom_crlf.csv", out, last_is_partial=True)
    back = trendlib.load_trends(out)
    assert set(back["resolution"]) == {"day"}
    assert _values(back, "как сломать руку") == [("2022-09-19", 0, False), ("2022-09-20", 0, True),
                                                 ("2022-09-21", 100, False), ("2022-09-22", 61, False),
                                                 ("2022-09-23", 39, False)]
    assert back["is_partial"].tolist() == [False] * 4 + [True]
    # writing the same import twice gives the same bytes
    again = tmp_path / "again.csv"
    import_web_export(WX / "multiTimeline_daily_bom_crlf.csv", again, last_is_partial=True)
    assert again.read_bytes() == out.read_bytes()


def test_monthly_worldwide_and_hourly(tmp_path):
    m = read_web_export(WX / "multiTimeline_monthly_worldwide.csv").frame
    assert set(m["geo"]) == {""} and set(m["resolution"]) == {"month"}
    assert m["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-01-01", "2022-02-01", "2022-03-01"]
    out = tmp_path / "hourly.csv"
    import_web_export(WX / "multiTimeline_hourly.csv", out)
    back = trendlib.load_trends(out)
    assert back["date"].tolist() == [pd.Timestamp("2022-09-20 17:00"), pd.Timestamp("2022-09-20 18:00"),
                                     pd.Timestamp("2022-09-20 19:00")]
    assert back["value"].tolist() == [40, 100, 83] and set(back["resolution"]) == {"hour"}


def test_localized_russian_header():
    e = read_web_export(WX / "multiTimeline_localized_ru.csv")
    assert e.provenance["category"] == "Все категории"
    assert e.provenance["resolution"] == "day" and e.provenance["geo_codes"] == ["RU"]


def test_unknown_geo_name_is_kept_and_said(tmp_path):
    e = read_web_export(WX / "multiTimeline_unknown_geo.csv")
    assert set(e.frame["geo"]) == {"Atlantis"}
    assert "Atlantis" in e.provenance["notes"] and "--geo" in e.provenance["notes"]
    fixed = read_web_export(WX / "multiTimeline_unknown_geo.csv", geo="GR")
    assert set(fixed.frame["geo"]) == {"GR"}


def test_two_geos_in_one_file():
    f = read_web_export(WX / "multiTimeline_two_geos.csv").frame
    assert sorted(set(zip(f["query"], f["geo"]))) == [("виза", "GE"), ("виза", "RU")]
    assert f[(f["geo"] == "GE")]["value"].tolist() == [4, 9]


def test_region_file_round_trip(tmp_path):
    from trendlib.datasets.schemas import REGION_COLUMNS
    out = tmp_path / "regions.csv"
    import_web_export(WX / "geoMap_regions.csv", out, geo="RU")
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(back.columns) == REGION_COLUMNS
    assert back[["region", "value", "below_one", "formatted"]].values.tolist() == [
        ["Khabarovsk Krai", "100", "false", "100"], ["Moscow", "71", "false", "71"],
        ["Chukotka Autonomous Okrug", "0", "true", "<1"], ["Tuva", "", "false", ""]]
    assert set(back["start"]) == {"2022-09-13"} and set(back["end"]) == {"2022-09-20"}
    assert set(back["geo"]) == {"RU"} and set(back["level"]) == {"region"} and set(back["measure"]) == {"index"}
    prov = json.loads((tmp_path / "regions.provenance.json").read_text(encoding="utf-8"))
    assert prov["kind"] == "regions" and prov["sha256"] == sha256_file(WX / "geoMap_regions.csv")


def test_summary_and_to_frame():
    e = read_web_export(WX / "multiTimeline_weekly.csv")
    assert "week" in e.summary() and "'<1' cells: 1" in e.summary()
    f = e.to_frame()
    f.loc[0, "value"] = -1
    assert e.frame.loc[0, "value"] != -1


def test_cli_import(tmp_path, capsys):
    out = tmp_path / "cli.csv"
    assert main(["import", str(WX / "multiTimeline_weekly.csv"), "--out", str(out), "--last-partial"]) == 0
    assert "wrote" in capsys.readouterr().out
    assert trendlib.load_trends(out)["is_partial"].sum() == 2
    assert main(["import", str(WX / "broken" / "changed_first_header.csv"), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "trendlib import: error:" in err and "a day or a week" in err
    assert not (tmp_path / "x.csv").exists()


def test_cli_rejects_bad_geo_and_output(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["import", str(WX / "geoMap_regions.csv"), "--out", str(tmp_path / "r.csv"), "--geo", "Russia"])
    assert "not a Google Trends geo code" in capsys.readouterr().err
    assert main(["import", str(WX / "geoMap_regions.csv"), "--out", str(tmp_path / "r.txt")]) == 2


def test_missing_category_line_is_accepted_and_said():
    e = read_web_export(WX / "multiTimeline_no_category.csv")
    assert e.provenance["category"] == "" and "no category line" in e.provenance["notes"]
    assert e.frame["value"].tolist() == [3]
