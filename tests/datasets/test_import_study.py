"""``trendlib import EXPORT [EXPORT ...] --study DIR/study.yaml`` through the real CLI, on real exports
of the corpus: the study's trends file is written from several downloads, each on its own 0-100 scale (the
provenance says so), and the study's ``trends:`` points at it with its comments kept; studies whose queries,
geo or resolution the exports do not match are refused naming what is wrong, with nothing written."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import trendlib
from trendlib.cli import main
from trendlib.datasets.studyfile import read_study_key, rewrite_study_key

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "webexports" / "real"
HOTELS = REAL / "tr_multiTimeline_turkey_hotels_BU-IE-360.csv"      # worldwide, weekly 2017-04-16..2022-04-10
BITCOIN = REAL / "ro_multiTimeline_bitcoin_stefanalexandru02.csv"   # worldwide, weekly 2020-03-29..2025-03-23
STATS = REAL / "de_multiTimeline_r_spss_stata_MBrede.csv"           # worldwide, monthly
UKRAINE = REAL / "uk_multiTimeline_ukrainian_cinema_HanytskaKateryna.csv"  # UA, weekly
RELATED = REAL / "en_relatedQueries_airpod_tianying0525.csv"

STUDY = """# A study filled from website downloads
title: Hotels and bitcoin
geo: ''            # worldwide
start: 2020-06-01
end: 2022-03-31
event_date: 2021-01-03
queries:
  - {term: Turkey Hotels, label: hotels}
  - {term: bitcoin, label: bitcoin}
trends: data/placeholder.csv   # replaced by trendlib import
events: events.csv
"""


@pytest.fixture
def study(tmp_path) -> Path:
    (tmp_path / "events.csv").write_text("date,time_local,event,category,source_url,confidence\n"
                                         "2021-01-03,,Bitcoin above 30000 USD,other,https://example.org,HIGH\n",
                                         encoding="utf-8")
    path = tmp_path / "study.yaml"
    path.write_text(STUDY, encoding="utf-8")
    return path


def test_two_exports_fill_the_study(study, capsys):
    assert main(["import", str(HOTELS), str(BITCOIN), "--study", str(study)]) == 0
    out = capsys.readouterr().out
    assert "own 0-100 scale" in out and "'trends:' now points at data/trends.csv" in out
    text = study.read_text(encoding="utf-8")
    assert "trends: data/trends.csv   # replaced by trendlib import" in text
    assert text.replace("data/trends.csv", "data/placeholder.csv") == STUDY  # only that value changed
    trends = trendlib.load_trends(study.parent / "data" / "trends.csv")
    assert set(trends["query"]) == {"Turkey Hotels", "bitcoin"} and set(trends["geo"]) == {""}
    assert set(trends["resolution"]) == {"week"}
    bitcoin = trends[trends["query"] == "bitcoin"].set_index("date")["value"]
    assert bitcoin["2021-05-16"] == 100 and bitcoin["2021-01-03"] == 84


def test_a_second_import_replaces_the_first(study, capsys):
    assert main(["import", str(HOTELS), str(BITCOIN), "--study", str(study)]) == 0
    assert main(["import", str(BITCOIN), str(HOTELS), "--study", str(study)]) == 0
    out = capsys.readouterr().out
    assert "'trends:' already points at data/trends.csv" in out and "was data/trends.csv" not in out


@pytest.mark.parametrize("files, words", [
    ([HOTELS], ["do not cover the study's queries ['bitcoin']"]),
    ([HOTELS, BITCOIN, STATS], ["different resolutions", "week", "month"]),
    ([HOTELS, UKRAINE], ["study's geo ''", UKRAINE.name, "['UA']"]),
    ([RELATED], ["this is a related-queries export", "multiTimeline.csv"]),
    ([HOTELS, HOTELS], ["'Turkey Hotels' is in both"]),
], ids=["uncovered query", "resolutions", "geo", "related export", "term twice"])
def test_mismatches_are_refused_and_nothing_is_written(study, capsys, files, words):
    before = study.read_bytes()
    assert main(["import", *map(str, files), "--study", str(study)]) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, err
    assert study.read_bytes() == before and not (study.parent / "data" / "trends.csv").exists()


def test_study_import_in_a_subprocess_with_out(study, tmp_path):
    out = tmp_path / "elsewhere" / "series.csv"
    proc = subprocess.run([sys.executable, "-m", "trendlib", "import", str(HOTELS), str(BITCOIN), "--study",
                           str(study), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert read_study_key(study, "trends") == "elsewhere/series.csv" and out.is_file()


def test_several_exports_without_study_are_refused(tmp_path, capsys):
    assert main(["import", str(HOTELS), str(BITCOIN), "--out", str(tmp_path / "x.csv")]) == 2
    assert "--study" in capsys.readouterr().err


def test_rewrite_study_key_keeps_comments_and_quotes(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("# head\ntitle: x\ntrends: 'data/a.csv'  # the series\nevents: e.csv\n", encoding="utf-8")
    assert rewrite_study_key(p, "trends", "data/b.csv") == "data/a.csv"
    assert p.read_text(encoding="utf-8") == "# head\ntitle: x\ntrends: 'data/b.csv'  # the series\nevents: e.csv\n"
    assert rewrite_study_key(p, "crossings", "c: d.csv") is None  # added, quoted because of the colon
    assert p.read_text(encoding="utf-8").endswith('crossings: "c: d.csv"\n')


def test_levels_caveat_names_the_downloads(study):
    from trendlib.datasets.study_import import levels_caveat
    assert main(["import", str(HOTELS), str(BITCOIN), "--study", str(study)]) == 0
    caveat = levels_caveat(trendlib.read_provenance(study.parent / "data" / "trends.csv"))
    assert "not comparable" in caveat and "Turkey Hotels; bitcoin" in caveat
    assert levels_caveat({"scale": "one export"}) is None
