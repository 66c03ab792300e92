"""Input side of the matrix: every loader, the study file, web exports and fetch requests against
a catalogue of malformed inputs.

A refusal must be a typed error (exit code 2 through the CLI) whose message names the file (and
line and column where there is one) and the defect; a tolerated input (a byte-order mark, HTML or
very long text in a label, more than 5 terms) must load or plan correctly. Inputs are never
modified, and earlier outputs are never touched by a refused run (checked by checksums).

Loaders are called through the API; study files and requests through ``trendlib.cli.main`` (the
real argument parsing, handlers and error printing, in-process to keep the folder fast); web
exports through the ``trendlib import`` command in a subprocess.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import write_tiny_study
from tests.datasets.test_broken_files import CASES as BROKEN_CASES
from tests.datasets.test_broken_files import WEB_CASES as BROKEN_WEB_CASES
from trendlib.cli import main
from trendlib.datasets import DataError, load_crossings, load_events, load_facts, load_trend_samples, load_trends

from .conftest import ROOT, cli, cli_here, snapshot

pytestmark = pytest.mark.matrix("input")

FIXTURES = ROOT / "tests" / "fixtures" / "datasets"

# loader -> (function, good fixture, date column, numeric column or None, free-text column, key column)
LOADERS = {
    "trends": (load_trends, "trends_good.csv", "date", "value", "query", "query"),
    "samples": (load_trend_samples, "trends_good.samples.csv", "date", "value", "query", "query"),
    "events": (load_events, "events_good.csv", "date", None, "event", "date"),
    "crossings": (load_crossings, "crossings_good.csv", "period_start", "value", "notes", "period_start"),
    "facts": (load_facts, "facts_good.csv", "date_start", "value", "query", "date_start"),
}


def _set(text: str, col: str, value: str, row: int = 1) -> str:
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[row]]))
    cells[header.index(col)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    lines[row] = buf.getvalue()
    return "\n".join(lines) + "\n"


def _drop(text: str, col: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    i = rows[0].index(col)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    return buf.getvalue()


# mutation -> (make(text, spec) -> bytes, words of the refusal or None when the input must load)
MUTATIONS = {
    "Windows-1251 text": (lambda t, s: _set(t, s[4], "Мобилизация объявлена").encode("cp1251"), ["not UTF-8"]),
    "UTF-16 text": (lambda t, s: t.encode("utf-16"), ["UTF-16"]),
    "BOM and CRLF": (lambda t, s: ("\ufeff" + t.replace("\n", "\r\n")).encode("utf-8"), None),
    "semicolon-separated": (lambda t, s: t.replace(",", ";").encode("utf-8"), ["semicolon-separated"]),
    "missing key column": (lambda t, s: _drop(t, s[5]).encode("utf-8"), ["missing column(s)"]),
    "duplicate row": (lambda t, s: (t + t.splitlines()[1] + "\n").encode("utf-8"), ["duplicate"]),
    "impossible date": (lambda t, s: _set(t, s[2], "2022-02-30").encode("utf-8"), ["2022-02-30"]),
    # an unambiguous other form (21.09.2022, a time zone) is converted and said; one that reads both ways is not
    "date in another format": (lambda t, s: _set(t, s[2], "09/10/2022").encode("utf-8"), ["'09/10/2022'"]),
    "negative count": (lambda t, s: _set(t, s[3], "-3").encode("utf-8"), ["-3"]),
    "'<1' in a numeric column": (lambda t, s: _set(t, s[3], "<1").encode("utf-8"), ["'<1'", "not a number"]),
    "infinite number": (lambda t, s: _set(t, s[3], "inf").encode("utf-8"), ["'inf'", "not a finite number"]),
    "HTML in a label": (lambda t, s: _set(t, s[4], "<script>alert(1)</script>").encode("utf-8"), None),
    "very long label (5000 characters)": (lambda t, s: _set(t, s[4], "x" * 5000).encode("utf-8"), None),
    "a 2 MB cell": (lambda t, s: _set(t, s[2], "9" * 2_000_000).encode("utf-8"), ["...[", "characters cut]"]),
    "empty file": (lambda t, s: b"", ["empty"]),
    "header only": (lambda t, s: (t.splitlines()[0] + "\n").encode("utf-8"), ["no rows"]),
}
# Google Trends begins in 2004: an earlier date is out of range for the two Trends loaders
EARLY = ("date before Google Trends began", lambda t, s: _set(t, s[2], "1999-12-27").encode("utf-8"),
         ["1999-12-27", "before 2004-01-01"])

LOADER_CASES = [(loader, name, make, words) for loader, spec in LOADERS.items()
                for name, (make, words) in MUTATIONS.items() if spec[3] is not None or "count" not in name
                and "numeric" not in name and "infinite" not in name]
LOADER_CASES += [(loader, EARLY[0], EARLY[1], EARLY[2]) for loader in ("trends", "samples")]


@pytest.mark.parametrize("loader, name, make, words", LOADER_CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in LOADER_CASES])
def test_loader_against_malformed_input(loader, name, make, words, tmp_path, case):
    fn, good, *_ = LOADERS[loader]
    spec = LOADERS[loader]
    text = (FIXTURES / good).read_text(encoding="utf-8")
    path = tmp_path / (f"{loader}.samples.csv" if loader == "samples" else f"{loader}.csv")
    path.write_bytes(make(text, spec))
    before = snapshot(path)
    if words is None:
        frame = fn(path)
        expected = fn(FIXTURES / good)
        assert len(frame) == len(expected)
        if "label" in name:  # kept exactly as written (escaping is the job of whatever shows it)
            col = spec[4]
            rows = list(csv.reader(io.StringIO(make(text, spec).decode("utf-8"))))
            assert rows[1][rows[0].index(col)] in set(frame[col].astype(str))
        else:
            pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected.reset_index(drop=True))
        case.recovered("loaded as the clean file")
    else:
        with pytest.raises(DataError) as info:
            fn(path)
        case.refused_api(info.value, code=2, words=[str(path), *words])
        assert len(str(info.value)) < 2000, "the message quotes a whole giant cell"
    case.intact(before, snapshot(path))


LOADER_FUNCS = {"crossings": load_crossings, "events": load_events, "facts": load_facts, "trends": load_trends,
                "samples": load_trend_samples}


@pytest.mark.parametrize("name, loader, line, column, words", BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_broken_fixture_is_refused(name, loader, line, column, words, case):
    """The hand-made broken files of tests/fixtures/datasets/broken, counted in the matrix."""
    path = FIXTURES / "broken" / name
    before = snapshot(path)
    with pytest.raises(DataError) as info:
        loader(path)
    case.refused_api(info.value, code=2, words=[str(path), *words] + ([f"line {line}"] if line else []))
    case.intact(before, snapshot(path))


@pytest.mark.parametrize("name, line, column, words", BROKEN_WEB_CASES, ids=[c[0] for c in BROKEN_WEB_CASES])
def test_broken_web_export_import_cli(name, line, column, words, tmp_path, case):
    """``trendlib import`` of a broken website CSV over an earlier import: exit 2, the defect
    named, the earlier tidy file and its provenance untouched."""
    from trendlib.datasets.webexport import import_web_export
    earlier = tmp_path / "imported.csv"
    import_web_export(FIXTURES / "webexport" / "multiTimeline_weekly.csv", earlier)
    before = snapshot(tmp_path)
    run = cli if name == "changed_first_header.csv" else cli_here  # one in a subprocess, the rest in-process
    proc = run("import", str(FIXTURES / "webexport" / "broken" / name), "--out", str(earlier))
    case.refused_cli(proc, code=2, words=[name, *words])
    case.intact(before, snapshot(tmp_path))


# ---------------------------------------------------------------- study files
def _study(tmp_path: Path, edit=None, *, raw: bytes | None = None, name: str = "tiny") -> Path:
    study = write_tiny_study(tmp_path / "study", name=name)
    if raw is not None:
        study.write_bytes(raw)
    elif edit is not None:
        study.write_text(edit(study.read_text(encoding="utf-8")), encoding="utf-8")
    return study


def _replace(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)
    return edit


def _add(line: str):
    return lambda text: text + line + "\n"


TINY_TEXT = None  # filled lazily: the tiny study's text, for raw-byte variants


def _tiny_text(tmp_path_factory=None) -> str:
    import tempfile
    global TINY_TEXT
    if TINY_TEXT is None:
        TINY_TEXT = write_tiny_study(Path(tempfile.mkdtemp()) / "s").read_text(encoding="utf-8")
    return TINY_TEXT


# id, edit (text -> text) or raw bytes maker, words of the refusal (None: must be accepted)
STUDY_CASES = [
    ("unknown key", _add("colour: red"), ["unknown key(s) 'colour'", "accepted keys"]),
    ("missing required key", _replace("geo: RU\n", ""), ["missing required key(s) 'geo'"]),
    ("key written twice", _add("geo: KZ"), ["key 'geo' appears twice", "line"]),
    ("label written twice", _replace("label: beta", "label: beta, label: gamma"), ["key 'label' appears twice"]),
    ("start of the wrong type", _replace("start: 2022-08-01", "start: 5"), ["'start'", "not a calendar date"]),
    ("date relative to today", _replace("end: 2022-10-09", "end: today"), ["'end'", "not a calendar date"]),
    ("date with a time", _replace("end: 2022-10-09", "end: 2022-10-09 10:00"), ["'end'"]),
    ("queries of the wrong type", _replace("queries:\n  - {term: alpha, label: Alpha label}\n  - {term: бета, label: beta}",
                                           "queries: alpha"), ["'queries'", "non-empty list"]),
    ("category of the wrong type", _add("category: all"), ["'category'", "whole number"]),
    ("title of the wrong type", _replace("title: 'Tiny study'", "title: [a, b]"), ["'title'", "expected text"]),
    ("geo Google would reject", _replace("geo: RU", "geo: Russia"), ["'geo'", "'Russia'"]),
    ("end before start", _replace("end: 2022-10-09", "end: 2022-07-01"), ["before start"]),
    ("event date out of range", _replace("event_date: 2022-09-20", "event_date: 2023-09-20"),
     ["event_date", "outside start..end"]),
    ("very long label", _replace("label: beta", "label: " + "b" * 201), ["at most 200"]),
    ("term Google would reject (101 characters)", _replace("term: бета", "term: " + "t" * 101), ["at most 100"]),
    ("the same term twice", _replace("term: бета", "term: alpha"), ["listed twice"]),
    # data may live anywhere the user can read (issue 10: a study outside the repository names its data);
    # planning reads only the queries, and the report's pre-flight check refuses a file that is not an events file
    ("path leaving the project", _replace("events: data/events.csv", "events: ../../../../../../../etc/passwd"),
     None),
    ("absolute path outside the project", _replace("events: data/events.csv", "events: /etc/passwd"), None),
    ("missing data file", _replace("events: data/events.csv", "events: data/nope.csv"), ["no file exists"]),
    ("not YAML", _add("queries: [unclosed"), ["not valid YAML"]),
    ("!!python/object tag", _add("x: !!python/object/apply:os.system ['echo PWNED > pwned.txt']"),
     ["not valid YAML", "python/object"]),
    ("Windows-1251 study file", lambda t: None, ["not UTF-8"]),
    ("empty study file", lambda t: None, ["is empty"]),
    ("BOM at the start", lambda t: None, None),
    ("HTML in title and labels", _replace("label: beta", "label: '<img src=x onerror=alert(1)>'"), None),
    ("study name not usable as a folder", lambda t: None, ["not usable as a folder name"]),
]
RAW = {
    "Windows-1251 study file": lambda t: t.replace("Tiny study", "Мобилизация").encode("cp1251"),
    "empty study file": lambda t: b"",
    "BOM at the start": lambda t: ("\ufeff" + t).encode("utf-8"),
}


@pytest.mark.parametrize("name, edit, words", STUDY_CASES, ids=[c[0] for c in STUDY_CASES])
def test_study_file_against_malformed_input(name, edit, words, tmp_path, capsys, case, monkeypatch):
    if name in RAW:
        study = _study(tmp_path, raw=RAW[name](_tiny_text()))
    elif name == "study name not usable as a folder":
        study = _study(tmp_path, name="bad name!")
    else:
        study = _study(tmp_path, edit)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "earlier.txt").write_text("an earlier report\n", encoding="utf-8")
    before = snapshot(study.parent, tmp_path / "out")
    code = main(["plan", "--study", str(study)])
    err = capsys.readouterr().err
    if words is None:
        assert code == 0, err
        case.recovered("planned")
    else:
        message = "\n".join(ln for ln in err.splitlines() if "error:" in ln)
        assert message, err
        case.refused(code=code, message=message, words=words, expected_code=2)
        assert not (tmp_path / "pwned.txt").exists() and not Path("pwned.txt").exists()
    case.intact(before, snapshot(study.parent, tmp_path / "out"))


def test_a_data_file_that_is_not_what_its_key_says_is_refused_before_any_notebook(tmp_path, capsys, case):
    """A study's events file linked to /etc/passwd (or any file that is not an events CSV): ``trendlib report``
    reads every data file with its loader before any kernel starts and refuses it, naming the file, with
    exit 2 and no report folder written."""
    study = _study(tmp_path)
    (study.parent / "data" / "events.csv").unlink()
    (study.parent / "data" / "events.csv").symlink_to("/etc/passwd")
    before = snapshot(study.parent)
    code = main(["report", str(study), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    case.refused(code=code, message=err, words=["events.csv"], expected_code=2)
    assert not (tmp_path / "out" / study.stem).exists() and not list((tmp_path / "out").glob(".*.staging"))
    case.intact(before, snapshot(study.parent))


# ---------------------------------------------------------------- requests
SPAN = ["--start", "2022-01-01", "--end", "2022-06-30"]
REQUEST_CASES = [
    ("geo of three letters", ["visa", "--geo", "RUS", *SPAN], ["geo 'RUS'"]),
    ("geo in lower case", ["visa", "--geo", "ru", *SPAN], ["geo 'ru'", "did you mean 'RU'"]),
    ("geo as a country name", ["visa", "--geo", "Russia", *SPAN], ["geo 'Russia'"]),
    ("blank term", ["  ", "--geo", "RU", *SPAN], ["blank"]),
    ("term of 101 characters", ["t" * 101, "--geo", "RU", *SPAN], ["101 characters", "at most 100"]),
    ("the same term twice (another case)", ["visa", "VISA", "--geo", "RU", *SPAN], ["duplicates"]),
    ("term with trailing spaces", ["visa ", "--geo", "RU", *SPAN], ["trailing spaces"]),
    ("end before start", ["visa", "--geo", "RU", "--start", "2022-06-30", "--end", "2022-01-01"], ["before start"]),
    ("start before Google Trends began", ["visa", "--geo", "RU", "--start", "2003-01-01", "--end", "2003-06-01"],
     ["2003-01-01", "2004-01-01"]),
    ("date in another format", ["visa", "--geo", "RU", "--start", "21/09/2022", "--end", "2022-10-01"],
     ["'21/09/2022'", "YYYY-MM-DD"]),
    ("impossible date", ["visa", "--geo", "RU", "--start", "2022-02-30", "--end", "2022-06-01"], ["'2022-02-30'"]),
    ("negative category", ["visa", "--geo", "RU", "--category", "-1", *SPAN], ["category -1"]),
    ("unknown property", ["visa", "--geo", "RU", "--gprop", "web", *SPAN], ["--gprop", "'web'"]),
    ("anchor not among more than 5 terms", [*"abcdefg", "--geo", "RU", "--anchor", "zzz", *SPAN],
     ["anchor 'zzz'"]),
    ("more than 5 terms (batched)", [*"abcdefgh", "--geo", "RU", *SPAN], None),
    ("HTML in a term", ["<b>visa</b>", "--geo", "RU", *SPAN], None),
]


@pytest.mark.parametrize("name, args, words", REQUEST_CASES, ids=[c[0] for c in REQUEST_CASES])
def test_request_against_bad_input(name, args, words, capsys, case, fake, monkeypatch):
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", fake.url)
    try:
        code = main(["plan", *args])
    except SystemExit as exc:  # argparse refuses bad choices itself, with exit 2 and a usage line
        code = exc.code
    out, err = capsys.readouterr()
    assert fake.count() == 0, "plan sent a request"
    if words is None:
        assert code == 0, err
        if "more than 5" in name:
            assert "batches      : 2" in out
        case.recovered("planned without sending anything")
    else:
        message = "\n".join(ln for ln in err.splitlines() if "error:" in ln)
        case.refused(code=code, message=message, words=words, expected_code=2)


def test_one_request_with_more_than_5_terms_is_refused_before_sending(fake, case):
    from trendlib.trends.client import TrendsClient
    from trendlib.trends.errors import BadRequest
    client = TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001)
    with pytest.raises(BadRequest) as info:
        client.interest_over_time(list("abcdef"), timeframe="2022-01-01 2022-06-30", geo="RU")
    assert fake.count() == 0, "requests were sent for an impossible request"
    case.refused_api(info.value, code=2, words=["6 terms", "at most 5"])


SIDECARS = [
    ("provenance sidecar not JSON", "{source: google", ["provenance file", "not valid UTF-8 JSON"]),
    ("provenance sidecar not an object", "[1, 2]", ["provenance file", "expected a JSON object"]),
    ("provenance sidecar not UTF-8", None, ["provenance file", "not valid UTF-8 JSON"]),
]


@pytest.mark.parametrize("name, sidecar, words", SIDECARS, ids=[c[0] for c in SIDECARS])
def test_damaged_provenance_sidecar_stops_the_report_before_any_notebook(name, sidecar, words, tmp_path, capsys,
                                                                          case):
    study = _study(tmp_path)
    side = study.parent / "data" / "series.provenance.json"
    if sidecar is None:
        side.write_bytes("{\"source\": \"Яндекс\"}".encode("cp1251"))
    else:
        side.write_text(sidecar, encoding="utf-8")
    out = tmp_path / "out"
    (out / "earlier").mkdir(parents=True)
    (out / "earlier" / "index.html").write_text("<p>earlier</p>\n", encoding="utf-8")
    before = snapshot(study.parent, out)
    code = main(["report", str(study), "--out", str(out), "--jobs", "1"])
    err = capsys.readouterr().err
    case.refused(code=code, message=err, words=[str(side), *words], expected_code=2)
    assert not (out / "tiny").exists() and not list(out.glob(".*staging"))
    case.intact(before, snapshot(study.parent, out))


def test_import_onto_the_download_itself_is_refused(tmp_path, case):
    download = tmp_path / "multiTimeline.csv"
    download.write_bytes((FIXTURES / "webexport" / "multiTimeline_weekly.csv").read_bytes())
    before = snapshot(tmp_path)
    proc = cli_here("import", str(download), "--out", str(tmp_path / "." / "multiTimeline.csv"))
    case.refused_cli(proc, code=2, words=["is the file being imported", "lost"])
    case.intact(before, snapshot(tmp_path))


def test_import_over_another_data_file_is_refused(tmp_path, case):
    events = tmp_path / "events.csv"
    events.write_bytes((FIXTURES / "events_good.csv").read_bytes())
    before = snapshot(tmp_path)
    proc = cli_here("import", str(FIXTURES / "webexport" / "multiTimeline_weekly.csv"), "--out", str(events))
    case.refused_cli(proc, code=2, words=[str(events), "not an earlier import", "--force"])
    case.intact(before, snapshot(tmp_path))
