"""Portability: the cache lock works across processes without fcntl, no POSIX-only call lacks a
fallback, text files name their encoding, and a system without os.fork renders with fresh kernels.

Windows and macOS run these in the GitHub workflow; here (Linux) a system without fork is made
by a ``sitecustomize`` that removes ``os.fork`` from every Python process of the run.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_tiny_study
from trendlib._lock import exclusive

# ----------------------------------------------------------------- the lock
HOLDER = textwrap.dedent("""
    import sys
    from trendlib._lock import exclusive
    with exclusive(sys.argv[1]):
        print("held", flush=True)
        sys.stdin.readline()        # hold it until told to let go
""")


def test_the_lock_excludes_another_process_until_it_is_released(tmp_path):
    lock = tmp_path / ".lock"
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True, encoding="utf-8", cwd=ROOT) as holder:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(TimeoutError, match=r"\.lock"):
            with exclusive(lock, timeout=0.3):
                pass
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    with exclusive(lock, timeout=30):  # free again
        assert lock.parent.is_dir()


# ------------------------------------------------------- POSIX-only calls
POSIX_ONLY = ("fcntl", "os.fork", "os.setsid", "os.killpg", "os.getpgid", "os.WNOHANG", "signal.SIGKILL",
              "signal.SIGCHLD", "os.geteuid", "os.getuid", "resource", "pwd", "grp", "termios")
# Files allowed to use them, and the fallback each one has.
GUARDED = {
    # forked kernels: loaded only when kernel == "fork", which needs os.fork (runner refuses it otherwise)
    "trendlib/report/kernels.py": "used only with --kernel fork",
    # WNOHANG polls the zygote, which exists only with --kernel fork
    "trendlib/report/runner.py": "fork mode only; the default is 'fresh' without os.fork",
    # flock on a folder while a set of files is renamed into it; without fcntl (Windows) no lock is taken
    "trendlib/_io.py": "import fcntl inside try/except ImportError",
}


def _posix_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            name = ast.unparse(node)
            if name in POSIX_ONLY:
                found.append(f"{name} (line {node.lineno})")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"import {m} (line {node.lineno})" for m in mods if m.split(".")[0] in POSIX_ONLY]
    return found


def test_no_posix_only_call_without_a_fallback():
    offenders = {}
    for path in sorted((ROOT / "trendlib").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        uses = _posix_uses(path)
        if uses and rel not in GUARDED:
            offenders[rel] = uses
    assert not offenders, f"POSIX-only calls outside the guarded files (add a fallback): {offenders}"


# ---------------------------------------------------------------- encodings
def _missing_encodings(path: Path) -> list[str]:
    """Text-mode open()/read_text()/write_text() calls that leave the encoding to the platform."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or any(k.arg == "encoding" for k in node.keywords):
            continue
        fn = node.func
        name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
        owner = getattr(getattr(fn, "value", None), "id", "")
        if name == "read_text" and not node.args or name == "write_text" and len(node.args) <= 1:
            out.append(f"line {node.lineno}: {ast.unparse(node)[:70]}")
        elif name == "open" and owner not in ("os", "Image", "PILImage", "webbrowser", "tarfile", "zipfile"):
            modes = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "mode"]
            mode = modes[0].value if modes and isinstance(modes[0], ast.Constant) else ("r" if not modes else "?")
            if "b" not in mode and mode != "?":
                out.append(f"line {node.lineno}: {ast.unparse(node)[:70]}")
    return out


def test_text_files_are_opened_with_an_explicit_encoding():
    """On Windows the default is the ANSI code page, not UTF-8: every data file here is UTF-8."""
    offenders = {}
    for top in ("trendlib", "tools", "benchmarks", "tests"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if missing := _missing_encodings(path):
                offenders[path.relative_to(ROOT).as_posix()] = missing
    assert not offenders, f"pass encoding='utf-8': {offenders}"


# ------------------------------------------------- a system without os.fork
NO_FORK = "import os\nfor _name in ('fork', 'forkpty'):\n    if hasattr(os, _name):\n        delattr(os, _name)\n"


@pytest.fixture
def no_fork_env(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_FORK, encoding="utf-8")
    path = os.pathsep.join([str(site), str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return dict(os.environ, PYTHONPATH=path, MPLBACKEND="Agg")


def _trendlib(args, env, cwd):
    return subprocess.run([sys.executable, "-m", "trendlib", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def test_without_os_fork_kernel_fork_is_refused_naming_fresh(tmp_path, no_fork_env):
    study = write_tiny_study(tmp_path / "study")
    probe = subprocess.run([sys.executable, "-c", "import os; print(hasattr(os, 'fork'))"], env=no_fork_env,
                           capture_output=True, text=True, encoding="utf-8")
    assert probe.stdout.strip() == "False"  # the sitecustomize took effect
    done = _trendlib(["report", str(study), "--out", str(tmp_path / "out"), "--kernel", "fork"], no_fork_env, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "kernel 'fork' needs os.fork" in done.stderr and "'fresh'" in done.stderr


@pytest.mark.slow
def test_without_os_fork_a_study_renders_with_fresh_kernels(tmp_path, no_fork_env):
    """The path Windows takes (no fork: papermill starts a new interpreter per notebook), on Linux."""
    study = write_tiny_study(tmp_path / "study")
    out = tmp_path / "out"
    done = _trendlib(["report", str(study), "--out", str(out), "--jobs", "1"], no_fork_env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "tiny" / "results.json").read_text(encoding="utf-8"))
    assert all(nb["status"] == "ok" for nb in results["notebooks"]), results["notebooks"]
    assert results["explore"]["n_events_in_window"] == 2
