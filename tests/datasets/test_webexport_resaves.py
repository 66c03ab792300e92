"""Website exports re-saved by spreadsheets and the edge cases of values and dates, on small synthetic
files written by the tests (made by hand, not real downloads): what can be read unambiguously is read and
the repair is in the provenance; the rest is refused naming the true cause. Also the bounded cost of
judging a large malformed file (behaviour only; the time is measured in benchmarks/bench_import.py)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from trendlib.cli import main
from trendlib.datasets.webexport import WebExportError, import_web_export, read_web_export

SYNTHETIC = Path(__file__).resolve().parents[1] / "fixtures" / "webexports" / "synthetic"
WEEKLY = "Category: All categories\n\nWeek,visa: (Russia),flights: (Russia)\n2022-09-04,3,<1\n2022-09-11,5,2\n2022-09-18,100,41\n"


def _write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "multiTimeline.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _values(export, query):
    f = export.frame[export.frame["query"] == query]
    return [None if math.isnan(v) else (v, b) for v, b in zip(f["value"], f["below_one"])]


@pytest.mark.parametrize("encoding, repaired", [("utf-8", None), ("utf-8-sig", None), ("utf-16", "UTF-16"),
                                                ("utf-16-le", "UTF-16"), ("cp1251", "cp1251")])
def test_encodings(tmp_path, encoding, repaired):
    text = WEEKLY.replace("Category: All categories", "Категория: Все категории").replace("Week", "Неделя")
    e = read_web_export(_write(tmp_path, text, encoding=encoding))
    assert _values(e, "visa") == [(3, False), (5, False), (100, False)]
    assert e.provenance["category"] == "Все категории"
    if repaired:
        assert any(repaired in r for r in e.provenance["repairs"]), e.provenance["repairs"]
    else:
        assert e.provenance["repairs"] == []


def test_a_windows_code_page_that_cannot_be_told_is_refused(tmp_path):
    text = WEEKLY.replace("visa", "виза")  # only the term is non-ASCII: no interface word tests the code page
    with pytest.raises(WebExportError, match="code page it was re-saved in cannot be told"):
        read_web_export(_write(tmp_path, text, encoding="cp1251"))


@pytest.mark.parametrize("sep, name", [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_and_tab_resaves_with_crlf_and_trailing_separators(tmp_path, sep, name):
    lines = WEEKLY.strip("\n").split("\n")
    text = "\r\n".join(ln.replace(",", sep) + (sep + sep if ln else "") for ln in lines) + "\r\n"
    e = read_web_export(_write(tmp_path, text))
    assert _values(e, "flights") == [(0, True), (2, False), (41, False)]
    assert any(name in r for r in e.provenance["repairs"])
    assert any("empty separator cells" in r for r in e.provenance["repairs"])


def test_quoted_cells_and_the_shipped_semicolon_fixture():
    e = read_web_export(SYNTHETIC / "semicolon_resaved.csv")
    assert e.provenance["separator"] == ";" and e.frame["value"].tolist() == [3]


def test_bare_term_header_is_read_and_its_geo_noted():
    e = read_web_export(SYNTHETIC / "bare_term_header.csv")
    assert e.provenance["queries"] == ["как уехать из России"] and "not stated" in e.provenance["notes"]
    assert set(read_web_export(SYNTHETIC / "bare_term_header.csv", geo="RU").frame["geo"]) == {"RU"}


@pytest.mark.parametrize("cell", ["< 1", "<\u00a01", "<\u202f1", " <1 "])
def test_below_one_with_any_space_is_below_one_never_zero(tmp_path, cell):
    e = read_web_export(_write(tmp_path, WEEKLY.replace(",<1", f",{cell}")))
    row = e.frame[(e.frame["query"] == "flights")].iloc[0]
    assert bool(row["below_one"]) and row["value"] == 0 and row["value_high"] == 1


def test_percent_shares_with_no_break_space(tmp_path):
    text = ("Catégorie : Toutes catégories\n\nRégion,visa: (13/09/2022 - 20/09/2022),vol: (13/09/2022 - 20/09/2022)\n"
            "Bretagne,27\u00a0%,73\u00a0%\nCorse,<1\u00a0%,100\u00a0%\n")
    e = read_web_export(_write(tmp_path, text, name="geoMap.csv"), geo="FR")
    f = e.frame
    assert set(f["measure"]) == {"share_percent"} and "share" in e.provenance["notes"]
    assert f[(f["region"] == "Bretagne") & (f["query"] == "visa")]["value"].iloc[0] == 27
    assert f[(f["region"] == "Bretagne")]["region_code"].iloc[0] == "FR-BRE"
    assert bool(f[(f["region"] == "Corse") & (f["query"] == "visa")]["below_one"].iloc[0])
    assert (f["start"].iloc[0], f["end"].iloc[0]) == ("2022-09-13", "2022-09-20")


def test_day_first_range_in_the_spanish_interface(tmp_path):
    """'5/9/22 - 5/10/22' in the Spanish interface is 5 September to 5 October 2022."""
    text = "Categoría: Todas las categorías\n\nPaís,visa: (5/9/22 - 5/10/22)\nEspaña,100\nFrancia,40\n"
    e = read_web_export(_write(tmp_path, text, name="geoMap.csv"))
    assert (e.frame["start"].iloc[0], e.frame["end"].iloc[0]) == ("2022-09-05", "2022-10-05")
    assert e.frame.set_index("region")["region_code"].to_dict() == {"España": "ES", "Francia": "FR"}


def test_an_undecidable_date_order_is_refused_naming_both_readings(tmp_path):
    text = "Region,visa: (5/9/22 - 5/10/22)\nBavaria,100\n"  # no category line; 'Region' is en/de/sv/...
    with pytest.raises(WebExportError) as info:
        read_web_export(_write(tmp_path, text, name="geoMap.csv"))
    msg = str(info.value)
    assert "day-first: 2022-09-05 to 2022-10-05" in msg and "month-first: 2022-05-09 to 2022-05-10" in msg


def test_related_growth_with_locale_separators(tmp_path):
    text = ("Catégorie : Toutes catégories\n\"visa: (01/09/2022 - 30/09/2022, Russie)\"\n\nTOP\nvisa france,100\n"
            "visa schengen,<1\n\nRISING\nvisa urgente,+1\u202f250\u00a0%\nvisa 2022,Progression soudaine\n"
            "visa prix,\"+2,5%\"\n")
    e = read_web_export(_write(tmp_path, text, name="relatedQueries.csv"))
    f = e.frame.set_index(["kind", "rank"])
    assert f.loc[("rising", 1), "value"] == 1250 and not f.loc[("rising", 1), "breakout"]
    assert f.loc[("rising", 2), "breakout"] and math.isnan(f.loc[("rising", 2), "value"])
    assert f.loc[("rising", 3), "value"] == 2.5
    assert f.loc[("top", 2), "value"] == 0 and set(e.frame["geo"]) == {"RU"}
    assert set(e.frame["related_type"]) == {"query"} and set(e.frame["start"]) == {"2022-09-01"}


def test_category_line_in_an_unlisted_language_is_read_by_shape(tmp_path):
    text = WEEKLY.replace("Category: All categories", "Kategoriya: Barcha toifalar")  # Uzbek, not in the table
    e = read_web_export(_write(tmp_path, text))
    assert e.provenance["category"] == "Barcha toifalar" and "does not list" in e.provenance["notes"]


def test_minute_exports_are_refused_naming_the_cause(tmp_path):
    text = "Category: All categories\n\nTime,visa: (Russia)\n2022-09-20T17:08,40\n2022-09-20T17:09,41\n"
    with pytest.raises(WebExportError, match="minutes"):
        read_web_export(_write(tmp_path, text))


def test_binary_and_workbook_files_are_refused(tmp_path):
    with pytest.raises(WebExportError, match="Excel workbook"):
        read_web_export(_write(tmp_path, "PK\x03\x04 workbook", name="x.xlsx"))


def test_a_large_malformed_file_is_refused_naming_the_cause(tmp_path):
    """50 MB of rows after a valid head (a concatenation, not an export): refused at the record limit,
    streaming, without loading the file (timing: benchmarks/bench_import.py)."""
    p = tmp_path / "huge.csv"
    row = "2022-09-04,3\n"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write("Category: All categories\n\nWeek,visa: (Russia)\n")
        fh.write(row * (50_000_000 // len(row)))
    with pytest.raises(WebExportError, match="more than 100,000 records"):
        read_web_export(p)


def test_a_single_enormous_line_is_refused(tmp_path):
    p = tmp_path / "one_line.csv"
    p.write_text("Category: All categories\n\nWeek,visa: (Russia)\n2022-09-04," + "9" * 2_000_000 + "\n", encoding="utf-8")
    with pytest.raises(WebExportError, match="cannot be read as CSV"):
        read_web_export(p)


def test_cli_imports_a_related_file_with_query_and_geo(tmp_path, capsys):
    text = "Category: All categories\n\nTOP\nvisa france,100\n\nRISING\nvisa urgente,Breakout\n"
    src = _write(tmp_path, text, name="relatedQueries.csv")
    out = tmp_path / "related.csv"
    assert main(["import", str(src), "--out", str(out), "--query", "visa", "--geo", "RU"]) == 0
    import pandas as pd
    from trendlib.datasets.schemas import RELATED_COLUMNS
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(back.columns) == RELATED_COLUMNS
    assert back[["query", "geo", "kind", "related", "breakout"]].values.tolist() == [
        ["visa", "RU", "top", "visa france", "false"], ["visa", "RU", "rising", "visa urgente", "true"]]


def test_region_import_and_fetch_share_one_schema(tmp_path):
    """An imported region file and a fetched one (trendlib fetch --regions-out) have the same columns."""
    from trendlib.datasets.schemas import REGION_COLUMNS, RELATED_COLUMNS
    from trendlib.trends import regions
    assert regions.REGION_COLUMNS is REGION_COLUMNS and regions.RELATED_COLUMNS is RELATED_COLUMNS
    out = tmp_path / "r.csv"
    import_web_export(CORPUS_REGION, out)
    import pandas as pd
    assert list(pd.read_csv(out, nrows=1).columns) == REGION_COLUMNS


CORPUS_REGION = Path(__file__).resolve().parents[1] / "fixtures" / "webexports" / "real" / "pt_geoMap_usf_AraeCaina.csv"


def test_dates_rewritten_by_a_spreadsheet_are_read_when_the_file_decides(tmp_path):
    text = "Category: All categories\n\nDay,visa: (Russia)\n18/09/2022,3\n19/09/2022,5\n20/09/2022,100\n"
    e = read_web_export(_write(tmp_path, text))
    assert e.frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-09-18", "2022-09-19", "2022-09-20"]
    assert "re-written by a spreadsheet" in e.provenance["notes"] and e.provenance["resolution"] == "day"
    ambiguous = "Day,visa: (Russia)\n01/02/2022,3\n02/02/2022,5\n"
    with pytest.raises(WebExportError, match="day-first or month-first"):
        read_web_export(_write(tmp_path, ambiguous, name="ambiguous.csv"))


def test_a_header_that_names_no_term_needs_query(tmp_path):
    """Some Korean downloads leave the term out of the header ('주,: (대한민국)')."""
    text = "카테고리: 모든 카테고리\n\n주,: (대한민국)\n2022-09-04,3\n2022-09-11,100\n"
    p = _write(tmp_path, text)
    with pytest.raises(WebExportError, match="names no term.*--query"):
        read_web_export(p)
    e = read_web_export(p, query="비자")
    assert set(e.frame["query"]) == {"비자"} and set(e.frame["geo"]) == {"KR"}
    assert set(e.frame["resolution"]) == {"week"}
