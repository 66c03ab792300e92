"""The test suite's own safety nets: a hang fails fast with its name, and Ctrl-C reaches the children
a test interrupts even when the run is a background job (SIGINT ignored)."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from tests._proc import interrupt, popen_interruptible
from tests.conftest import ROOT


def test_every_test_has_a_timeout(pytestconfig):
    assert float(pytestconfig.getini("timeout")) > 0
    assert float(pytestconfig.getini("slow_timeout")) >= float(pytestconfig.getini("timeout"))


def test_a_hung_test_fails_with_its_name(tmp_path):
    """pytest-timeout is installed and stops a test that waits forever (here: on an event never set)."""
    (tmp_path / "test_hangs.py").write_text(textwrap.dedent("""
        import threading

        def test_waits_forever():
            threading.Event().wait()
    """), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout", "2",
                           str(tmp_path / "test_hangs.py")], capture_output=True, text=True, timeout=240,
                          cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Timeout" in proc.stdout and "test_waits_forever" in proc.stdout


def _ignore_sigint() -> None:  # what a background job (`cmd &`, nohup, CI runners) hands its children
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_ctrl_c_reaches_a_child_started_with_sigint_ignored():
    """A child that inherits SIGINT ignored (as from a background job) still stops on interrupt():
    the launcher restores the handler, and the signal goes to the child's own process group."""
    with popen_interruptible("tests._sleeper", preexec_fn=_ignore_sigint, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT) as proc:
        assert proc.stdout.readline().strip() == "ready"
        interrupt(proc)
        _, err = proc.communicate(timeout=120)
    # Python ends an uncaught KeyboardInterrupt by re-raising SIGINT on itself: killed by SIGINT
    assert proc.returncode == -signal.SIGINT and "KeyboardInterrupt" in err
