"""Process side of the matrix: SIGKILL at random points and resume, two fetches at once, a
read-only output folder and a full disk. Earlier files must survive byte for byte, no cache
entry may be corrupt, no finished request may be sent again, and the final series must equal an
uninterrupted run."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from trendlib.trends.client import TrendsClient
from trendlib.trends.fetch import fetch_trends

from ._faults import full_disk
from .conftest import LONG, ROOT, SHORT, cli, cli_env, cli_here, multiline_timeframes, plan_of, same_series, snapshot

pytestmark = pytest.mark.matrix("process")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1])
def test_sigkill_at_random_points_then_resume(seed, world, fake, reference, case):
    rng = random.Random(seed)
    plan = plan_of(LONG)
    kills = 0
    for _ in range(3):
        cached = world.cached_timeframes(LONG)
        if len(cached) == plan.n_requests:
            break
        fake.reset_log()
        args = world.fetch_args(LONG, "--min-interval", "0.3")
        left = plan.n_requests - len(cached)
        # a random point: after this many answers, with at least one more request (0.3 s away) to go
        kill_after = rng.randint(1, max(1, left - 2))
        with subprocess.Popen([sys.executable, "-m", "trendlib", *args], env=cli_env(fake.url),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
            _wait_until(lambda: len(multiline_timeframes(fake.log)) >= kill_after or proc.poll() is not None)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=120)
        kills += proc.returncode == -signal.SIGKILL
        asked = set(multiline_timeframes(fake.log))
        assert not asked & cached, f"finished request(s) sent again after a kill: {asked & cached}"
        assert world.whole_entries(), "a corrupt cache entry after SIGKILL"
        case.intact(world.before, snapshot(world.cache, world.outdir))
    assert kills >= 1
    cached = world.cached_timeframes(LONG)
    fake.reset_log()
    proc = world.fetch(LONG, url=fake.url)
    assert proc.returncode == 0, proc.stderr
    asked = multiline_timeframes(fake.log)
    assert not set(asked) & cached, "a finished request was sent again on resume"
    assert sorted(asked) == sorted(r.timeframe for r in plan.requests if r.timeframe not in cached)
    same_series(world.target, reference["long"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    case.recovered(f"{kills} SIGKILL(s), resumed")


@pytest.mark.slow
def test_two_fetches_of_the_same_request_at_once(world, fake, reference, case):
    args = world.fetch_args(LONG, "--min-interval", "0.05")
    procs = [subprocess.Popen([sys.executable, "-m", "trendlib", *args], env=cli_env(fake.url),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outs):
        assert p.returncode == 0, err
    counts = Counter(multiline_timeframes(fake.log))
    assert set(counts.values()) == {1}, f"a request sent twice: {counts}"
    assert len(counts) == plan_of(LONG).n_requests
    assert world.whole_entries()
    same_series(world.target, reference["long"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    case.recovered("each request sent once; both exit 0")


def _wait_until(condition, *, timeout: float = 120.0) -> None:
    """Poll ``condition`` until it holds; fail (not hang) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.01)


def _without_dac_override() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set before exec: the CLI then
    runs as root without the power to ignore file permissions, so chmod 555 means read-only."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _unprivileged() -> dict:
    return {"preexec_fn": _without_dac_override} if os.geteuid() == 0 else {}


@pytest.fixture
def read_only(world):
    os.chmod(world.outdir, 0o555)
    try:
        probe = subprocess.run([sys.executable, "-S", "-c", f"import os; print(os.access({str(world.outdir)!r}, "
                                "os.W_OK))"], capture_output=True, text=True, timeout=30, **_unprivileged())
        writable = probe.stdout.strip() != "False"
    except (OSError, subprocess.SubprocessError) as exc:
        writable, probe = True, exc
    if writable:
        os.chmod(world.outdir, 0o755)
        pytest.skip(f"cannot make a folder read-only for this user here (root without CAP_SETPCAP?): {probe}")
    yield world.outdir
    os.chmod(world.outdir, 0o755)


def test_read_only_output_folder_fetch(world, read_only, fake, reference, case):
    proc = world.fetch(SHORT, url=fake.url, **_unprivileged())
    case.refused_cli(proc, words=[str(world.outdir), "permission denied"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not world.target.exists()
    # what was fetched is in the cache: writing elsewhere sends nothing again
    fake.reset_log()
    other = world.cache.parent / "elsewhere.csv"
    ok = cli(*[a if a != str(world.target) else str(other) for a in world.fetch_args(SHORT)], url=fake.url)
    assert ok.returncode == 0, ok.stderr
    assert multiline_timeframes(fake.log) == []
    same_series(other, reference["short"])


def test_read_only_output_folder_report(world, read_only, case, tmp_path):
    from tests.conftest import write_tiny_study
    study = write_tiny_study(tmp_path / "study")
    proc = cli("report", str(study), "--out", str(world.outdir), "--jobs", "1", **_unprivileged())
    case.refused_cli(proc, code=2, words=[str(world.outdir), "not writable"])
    case.intact(world.before, snapshot(world.cache, world.outdir))


def test_full_disk_while_writing_outputs_api(world, fake, case):
    """ENOSPC while replacing an earlier output: the earlier file stays whole, nothing half-written
    is left, and the fetched responses are cached (a rerun with space sends nothing)."""
    from trendlib.errors import TrendlibError
    span = {k: v for k, v in SHORT.items() if k != "terms"}
    with full_disk(world.outdir), pytest.raises((OSError, TrendlibError)) as info:
        fetch_trends(SHORT["terms"], **span, cache_dir=world.cache, out=world.outdir / "earlier.csv",
                     client=TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001))
    assert "No space left on device" in str(info.value)
    case.handled = "refused"
    case.detail = str(info.value)
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not [p for p in world.outdir.iterdir() if p.name.startswith(".")], "a temporary file was left"
    assert world.whole_entries()
    fake.reset_log()
    fetch_trends(SHORT["terms"], **span, cache_dir=world.cache, out=world.target,
                 client=TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001))
    assert multiline_timeframes(fake.log) == []


def _faulty_cli(*args: str, url: str) -> subprocess.CompletedProcess:
    """trendlib's CLI under one of the faults of tests/reliability/_faults.py."""
    return subprocess.run([sys.executable, "-m", "tests.reliability._faults", *args], env=cli_env(url),
                          capture_output=True, text=True, timeout=280)


def _leftovers(folder) -> list[str]:
    """Temporary files, journals and backups a failed write left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _fetch_set(out) -> dict[str, object]:
    """The four files of one fetch output, as trendlib reads them."""
    import trendlib
    from trendlib.provenance import read_provenance
    samples = out.with_name(out.stem + ".samples.csv")
    return {"queries": sorted(set(trendlib.load_trends(out)["query"])),
            "terms": sorted(read_provenance(out)["details"]["terms"]),
            "sample_terms": sorted(read_provenance(samples)["details"]["terms"]),
            "sample_queries": sorted(set(_csv_frame(samples)["query"]))}


def _csv_frame(path):
    import pandas as pd
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_full_disk_while_writing_outputs_cli(world, fake, reference, case):
    """ENOSPC with no earlier output: nothing is left (no CSV without provenance, no samples), the message
    names the file, and the rerun once there is space succeeds without --force."""
    proc = _faulty_cli(str(world.outdir), *world.fetch_args(SHORT), url=fake.url)
    case.refused_cli(proc, code=3, words=["no space left on device", f"cannot write '{world.outdir}/"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert sorted(p.name for p in world.outdir.iterdir()) == sorted(
        p.rsplit("/", 1)[1] for p in world.before if p.startswith(str(world.outdir))), "a file of the set was left"
    assert world.whole_entries()
    again = world.fetch(SHORT, url=fake.url)
    assert again.returncode == 0, again.stderr
    same_series(world.target, reference["short"])
    assert _fetch_set(world.target) == dict.fromkeys(["queries", "terms", "sample_terms", "sample_queries"],
                                                     sorted(SHORT["terms"]))


def test_full_disk_during_fetch_over_an_earlier_fetch_cli(world, fake, reference, case):
    """ENOSPC while a fetch replaces an earlier fetch's set (CSV, provenance, samples, their provenance):
    the earlier four stay byte for byte (not a new CSV beside old provenance), and the rerun once there
    is space replaces all four, without --force."""
    earlier = world.outdir / "earlier.csv"
    args = [a if a != str(world.target) else str(earlier) for a in world.fetch_args(SHORT)]
    proc = _faulty_cli(str(world.outdir), *args, url=fake.url)
    case.refused_cli(proc, code=3, words=["no space left on device", f"cannot write '{world.outdir}/",
                                          "free some space"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not _leftovers(world.outdir), "a temporary file was left"
    again = cli(*args, url=fake.url)
    assert again.returncode == 0, again.stderr
    same_series(earlier, reference["short"])
    assert _fetch_set(earlier) == dict.fromkeys(["queries", "terms", "sample_terms", "sample_queries"],
                                                sorted(SHORT["terms"]))


@pytest.mark.parametrize("renames", [0, 1, 3], ids=["before the journal", "after the journal", "two files in"])
def test_fetch_killed_while_replacing_its_output_set(renames, world, fake, reference, case):
    """SIGKILL-like death between the renames that put a fetch's four files in place over an earlier
    fetch: trendlib then reads one whole set (the earlier one, or the new one completed from the journal),
    never a mix, and the rerun succeeds without --force."""
    earlier = world.outdir / "earlier.csv"
    args = [a if a != str(world.target) else str(earlier) for a in world.fetch_args(SHORT)]
    proc = _faulty_cli("--killed-after-renames", str(renames), str(world.outdir), *args, url=fake.url)
    assert proc.returncode == 137, proc.stderr
    got = _fetch_set(earlier)  # trendlib's reader completes an interrupted set first
    whole = {k: sorted(SHORT["terms"]) for k in got} if renames else {k: ["gamma"] for k in got}
    assert got == whole, f"a mixed set: {got}"
    # no journal or backup stays (a temporary file of a killed write may: hidden, never read as data)
    assert not [n for n in _leftovers(world.outdir) if n.endswith((".json", ".bak"))]
    again = cli(*args, url=fake.url)
    assert again.returncode == 0, again.stderr
    same_series(earlier, reference["short"])
    assert _fetch_set(earlier) == {k: sorted(SHORT["terms"]) for k in got}
    kept = {p: h for p, h in world.before.items() if not p.startswith(str(earlier.with_suffix("")))}
    case.intact(kept, snapshot(world.cache, world.outdir))  # the set replaced on purpose is not a loss
    case.recovered("one whole set after the kill; the rerun completed")


def test_full_disk_during_import_over_an_earlier_import_cli(tmp_path, case):
    """ENOSPC while ``trendlib import`` replaces an earlier import (CSV and provenance): the earlier pair
    stays, nothing half-written is left, and the rerun once there is space succeeds without --force."""
    import trendlib
    from trendlib.provenance import read_provenance
    fixtures = ROOT / "tests" / "fixtures" / "datasets" / "webexport"
    folder = tmp_path / "data"
    folder.mkdir()
    out = folder / "weekly.csv"
    assert cli_here("import", str(fixtures / "multiTimeline_weekly.csv"), "--out", str(out)).returncode == 0
    before = snapshot(folder)
    newer = fixtures / "multiTimeline_daily_bom_crlf.csv"
    proc = _faulty_cli(str(folder), "import", str(newer), "--out", str(out), url=None)
    case.refused_cli(proc, code=3, words=["no space left on device", f"cannot write '{folder}/"])
    case.intact(before, snapshot(folder))
    assert not _leftovers(folder), "a temporary file was left"
    again = cli_here("import", str(newer), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert read_provenance(out)["details"]["file_name"] == newer.name and len(trendlib.load_trends(out))


def test_fetch_out_naming_a_folder_names_path_and_operation(world, fake, case):
    (world.target).mkdir()
    proc = world.fetch(SHORT, url=fake.url)
    case.refused_cli(proc, words=[f"cannot read {str(world.target)!r}", "is a directory"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not _leftovers(world.outdir)


def test_full_disk_in_the_cache_cli(world, fake, case):
    """ENOSPC while caching a response: no half entry, earlier entries intact, clear message."""
    key = plan_of(SHORT).requests[0].key()
    (world.cache / key).mkdir()
    proc = subprocess.run([sys.executable, "-m", "tests.reliability._faults", str(world.cache / key),
                           *world.fetch_args(SHORT)], env=cli_env(fake.url), capture_output=True, text=True,
                          timeout=120)
    case.refused_cli(proc, code=3, words=["no space left on device"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert world.whole_entries() and not world.cached_timeframes(SHORT)
    assert not world.target.exists()


def test_ctrl_c_mid_fetch_then_resume(world, fake, reference, case, monkeypatch):
    """SIGINT (Ctrl-C) mid-fetch: exit 130 with 'interrupted', whole cache entries, and a rerun that
    resumes without asking again for what was cached."""
    from tests._proc import interrupt, popen_interruptible
    args = world.fetch_args(LONG, "--min-interval", "0.1")
    # its own session and SIGINT restored: delivered even when this run is a background job (SIGINT ignored)
    with popen_interruptible("trendlib", *args, env=cli_env(fake.url), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) as proc:
        _wait_until(lambda: len(multiline_timeframes(fake.log)) >= 2 or proc.poll() is not None)
        interrupt(proc)
        _, err = proc.communicate(timeout=120)
    case.refused(code=proc.returncode, message=err.strip().splitlines()[-1], words=["interrupted"],
                 expected_code=130)
    assert world.whole_entries()
    case.intact(world.before, snapshot(world.cache, world.outdir))
    cached = world.cached_timeframes(LONG)
    assert cached
    fake.reset_log()
    assert world.fetch_in_process(LONG, url=fake.url, monkeypatch=monkeypatch) == 0
    assert not set(multiline_timeframes(fake.log)) & cached
    same_series(world.target, reference["long"])


@pytest.mark.parametrize("damage", ["body cut short", "metadata not JSON", "body replaced"])
def test_damaged_cache_entry_is_fetched_again(damage, world, fake, reference, case):
    """A cache entry damaged on disk (a cut copy, a bad sync, a hand edit) is never served: that one
    request is fetched again, the others come from the cache, and the series is the clean one."""
    assert world.fetch(SHORT, url=fake.url).returncode == 0
    key = plan_of(SHORT).requests[0].key()
    meta = next(p for p in (world.cache / key).glob("*.json") if p.name != "request.json")
    body = meta.with_name(meta.name[:-5] + ".body.txt")
    if damage == "body cut short":
        body.write_bytes(body.read_bytes()[: body.stat().st_size // 2])
    elif damage == "metadata not JSON":
        meta.write_text("{not json", encoding="utf-8")
    else:
        text = body.read_text(encoding="utf-8")
        assert '"value": [' in text
        body.write_text(text.replace('"value": [', '"value": [9', 1), encoding="utf-8")  # still valid JSON
    world.target.unlink()
    fake.reset_log()
    proc = world.fetch(SHORT, url=fake.url)
    assert proc.returncode == 0, proc.stderr
    assert multiline_timeframes(fake.log) == [plan_of(SHORT).requests[0].timeframe]
    same_series(world.target, reference["short"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    case.recovered("the damaged entry was fetched again")


@pytest.mark.slow
def test_two_fetches_of_the_same_study_at_once(tmp_path, fake, case):
    """``trendlib fetch --study`` twice at the same moment (two terminals, a cron job and a person):
    each request is sent once, both succeed, and the study's trends file is whole."""
    import trendlib
    from tests.conftest import write_tiny_study
    study = write_tiny_study(tmp_path / "study")
    (study.parent / "data" / "series.csv").unlink()  # to be fetched
    before = snapshot(study.parent)
    args = ["fetch", "--study", str(study), "--cache-dir", str(tmp_path / "cache"), "--min-interval", "0.05",
            "--backoff", "0.001"]
    procs = [subprocess.Popen([sys.executable, "-m", "trendlib", *args], env=cli_env(fake.url),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    counts = Counter(multiline_timeframes(fake.log))
    assert counts and set(counts.values()) == {1}, f"a request sent twice: {counts}"
    got = trendlib.load_trends(study.parent / "data" / "series.csv")
    s = trendlib.load_study(study)
    fetch_trends(s.terms, geo=s.geo, start=s.start.isoformat(), end=s.end.isoformat(), cache_dir=tmp_path / "fresh",
                 out=tmp_path / "fresh.csv", client=TrendsClient(base_url=fake.url, min_interval=0))
    same_series(study.parent / "data" / "series.csv", trendlib.load_trends(tmp_path / "fresh.csv").drop(columns="source"))
    assert set(got["query"]) == set(s.terms)
    case.intact(before, snapshot(study.parent))
    case.recovered("each request sent once; both exit 0")


@pytest.mark.parametrize("layout", ["report folder holding the study's data", "existing folder that is not a report"])
def test_a_report_never_replaces_inputs_or_foreign_folders(layout, tmp_path, case):
    """The finished report replaces ``<out>/<study>/`` whole. A study named ``data`` rendered with
    ``--out`` at its own folder would delete its data; a folder of someone else's files would go too.
    Both are refused before anything runs, and every file stays."""
    from tests.conftest import write_tiny_study
    study = write_tiny_study(tmp_path / "proj", name="data")
    if layout.startswith("report folder"):
        out = study.parent
    else:
        out = tmp_path / "out"
        (out / "data").mkdir(parents=True)
        (out / "data" / "notes.txt").write_text("my notes\n", encoding="utf-8")
    before = snapshot(tmp_path)
    proc = cli_here("report", str(study), "--out", str(out), "--jobs", "1")
    words = ["holds its own input", "choose another --out"] if layout.startswith("report folder") else \
        ["is not a trendlib report", "would replace it"]
    case.refused_cli(proc, code=2, words=words)
    case.intact(before, snapshot(tmp_path))


def test_fetch_out_over_another_data_file_is_refused(world, fake, case):
    """``--out data/events/events.csv`` by mistake: the events file must survive."""
    events = world.outdir / "events.csv"
    events.write_bytes((ROOT / "tests" / "fixtures" / "datasets" / "events_good.csv").read_bytes())
    before = snapshot(world.cache, world.outdir)
    args = [a if a != str(world.target) else str(events) for a in world.fetch_args(SHORT)]
    proc = cli_here(*args, url=fake.url)
    case.refused_cli(proc, code=2, words=[str(events), "not written by trendlib fetch", "--force"])
    case.intact(before, snapshot(world.cache, world.outdir))


@pytest.mark.slow
def test_full_disk_during_report_out(tmp_path, case):
    """A really full file system (a small tmpfs in a private mount namespace) under ``report --out``: exit 3
    with a message naming the path and the operation, the earlier report byte for byte, no staging folder
    left on the full device, and the next run, once there is space, renders."""
    import json
    import shlex
    import shutil

    from tests.conftest import write_tiny_study
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) here")
    study = write_tiny_study(tmp_path / "study")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "01-explore-search-interest.ipynb", notebooks)
    mnt = tmp_path / "full"
    mnt.mkdir()
    q = shlex.quote
    script = (f"mount -t tmpfs -o size=32m tmpfs {q(str(mnt))} || exit 97; exec {q(sys.executable)} -m "
              f"tests.reliability._tmpfs {q(str(mnt))} {q(str(study))} {q(str(notebooks))}")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=880,
                          cwd=ROOT, env=cli_env())
    if proc.returncode != 0 and not proc.stdout.strip():
        pytest.skip(f"cannot mount a small file system here (needs root with CAP_SYS_ADMIN): {proc.stderr[-300:]}")
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["first"][0] == 0, got["first"][1]
    code, err = got["full"]
    case.refused_cli(subprocess.CompletedProcess([], code, "", err), code=3,
                     words=["no space left on device", f"'{mnt}/", "free some space"])
    case.intact(got["before"], got["after"])
    assert not [n for n in got["names"] if n.startswith(".") or "staging" in n], got["names"]
    assert got["again"][0] == 0, got["again"][1]
