"""Child processes a test stops with Ctrl-C (SIGINT), whatever the job state of the test run.

A run in the background (``make test &``, ``nohup``, ``setsid``, many CI runners) starts with SIGINT
*ignored*, and children inherit that: Python then installs no KeyboardInterrupt handler, and a SIGINT
sent to the child does nothing (the test waits for an exit that never comes). So a child a test means
to interrupt is started

* through a tiny launcher that restores Python's default SIGINT handler before running the module
  (``signal.default_int_handler``: Ctrl-C raises KeyboardInterrupt), and
* in a session (and process group) of its own, so the signal goes to the child and whatever it
  started, never to the test run, and :func:`interrupt` signals that group.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

__all__ = ["interruptible_argv", "popen_interruptible", "interrupt"]

_LAUNCHER = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "module = sys.argv.pop(1); sys.argv[0] = module; "
             "runpy.run_module(module, run_name='__main__', alter_sys=True)")


def interruptible_argv(module: str, *args: str) -> list[str]:
    """``python -m MODULE ARGS`` with SIGINT restored to raise KeyboardInterrupt in the child."""
    return [sys.executable, "-c", _LAUNCHER, module, *args]


def popen_interruptible(module: str, *args: str, **popen: Any) -> subprocess.Popen:
    """Start ``python -m MODULE ARGS`` in its own session, ready for :func:`interrupt`."""
    return subprocess.Popen(interruptible_argv(module, *args), start_new_session=True, **popen)


def interrupt(proc: subprocess.Popen) -> None:
    """Ctrl-C for a child started by :func:`popen_interruptible`: SIGINT to its process group."""
    os.killpg(proc.pid, signal.SIGINT)
