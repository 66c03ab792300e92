"""Jupyter kernels forked from a process that has already imported the scientific stack.

A fresh ipykernel spends 1.5-3 s of CPU importing pandas, SciPy, statsmodels and
matplotlib before a notebook's first line runs, and every notebook of every study
pays it again. A :class:`KernelZygote` is a small process, forked from a report worker
before that worker touches ZeroMQ or asyncio, that imports the stack once and then
forks one child per notebook; each child becomes an ordinary, fresh ipykernel (its
own process, namespace and ZeroMQ sockets), with the imports already in memory.

The notebook still runs in a new kernel: variables never leak between notebooks.
What a child shares with its siblings is only module state imported before the fork
(module-level caches), which is why the random number generators are re-seeded in each
child. ``trendlib report --kernel fresh`` turns this off.

:class:`ZygoteKernelManager` is a jupyter_client kernel manager whose provisioner
asks the zygote for the kernel process instead of starting a new interpreter; papermill
and nbclient use it as they would any kernel manager.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from typing import Any

__all__ = ["KernelZygote", "ZygoteKernelManager", "PRELOAD"]

#: modules imported once in the zygote (cheap to keep, expensive to import in each kernel)
PRELOAD = (
    "numpy", "pandas", "pandas.io.formats.style", "scipy.stats", "statsmodels.api", "statsmodels.tsa.api",
    "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg",
    "PIL.PngImagePlugin", "IPython", "IPython.display", "ipykernel.kernelapp", "jinja2",
    "trendlib", "trendlib.study", "trendlib.provenance", "trendlib.datasets.trends", "trendlib.datasets.events",
    "trendlib.datasets.crossings", "trendlib.datasets.derive", "trendlib.datasets.facts",
    "trendlib.datasets.select", "trendlib.analysis.event_study", "trendlib.analysis.segmented",
    "trendlib.analysis.counterfactual", "trendlib.analysis.leadlag", "trendlib.analysis.robustness",
    "trendlib.text", "trendlib.plots.series", "trendlib.plots.eventstudy", "trendlib.plots.leadlag",
    "trendlib.report.exhibits",
)


class KernelZygote:
    """A forked helper process that imports :data:`PRELOAD` and forks kernels on request.

    Create it before the calling process uses ZeroMQ, threads or an event loop (a report
    worker's initializer). It exits when the creating process closes it or dies.
    """

    def __init__(self) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the zygote
            try:
                os.close(req_w)
                os.close(rep_r)
                _serve(req_r, rep_w)
            finally:
                os._exit(0)
        os.close(req_r)
        os.close(rep_w)
        self.pid = pid
        self._req = os.fdopen(req_w, "w", buffering=1)
        self._rep = os.fdopen(rep_r, "r")

    def spawn(self, *, connection_file: str, cwd: str, log: str, env: dict[str, str]) -> int:
        """Fork a kernel that serves ``connection_file``; return its pid."""
        self._req.write(json.dumps({"connection_file": connection_file, "cwd": cwd, "log": log,
                                    "env": env}) + "\n")
        line = self._rep.readline()
        if not line:
            raise RuntimeError("the kernel zygote exited")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"the kernel zygote could not start a kernel: {reply['error']}")
        return int(reply["pid"])

    def close(self) -> None:
        try:
            self._req.close()
            self._rep.close()
        finally:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass


def _serve(req_fd: int, rep_fd: int) -> None:
    """The zygote's loop: preload, then fork a kernel per request line until EOF."""
    os.setsid()  # its own session: a Ctrl-C in the terminal reaches the report, not idle kernels
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    if not os.environ.get("MPLBACKEND"):  # what ipykernel would set before matplotlib is imported
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module only costs the kernel its own import
            pass
    requests = os.fdopen(req_fd, "r")
    replies = os.fdopen(rep_fd, "w", buffering=1)
    for line in requests:
        try:
            req = json.loads(line)
            pid = os.fork()
        except Exception as exc:
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            continue
        if pid == 0:
            requests.close()
            replies.close()
            _become_kernel(req)  # never returns
        replies.write(json.dumps({"pid": pid}) + "\n")


def _become_kernel(req: dict[str, Any]) -> None:
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(req["cwd"])
        log = os.open(req["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.environ.update(req["env"])
        import random

        import numpy as np

        random.seed()  # fresh entropy: siblings must not share the zygote's generator state
        np.random.seed()
        from ipykernel.kernelapp import IPKernelApp

        # IPKernelApp read JPY_PARENT_PID when the zygote imported it, so name the parent here: the
        # kernel exits by itself when the zygote (and so the report) is gone
        sys.argv = [sys.executable, "-f", req["connection_file"], "--HistoryManager.hist_file=:memory:",
                    f"--IPKernelApp.parent_handle={os.getppid()}"]
        app = IPKernelApp.instance()
        app.initialize(sys.argv[1:])
        app.start()
        code = 0
    except SystemExit:  # the kernel's own exit: nothing to add to its log
        pass
    except BaseException:  # os._exit below would swallow it: leave the cause in the kernel's log
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


# ----------------------------------------------------------- jupyter_client side
class _ForkedProcess:
    """The part of subprocess.Popen a provisioner uses, for a kernel the zygote forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                import subprocess
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _manager_classes():
    from jupyter_client.manager import AsyncKernelManager

    class ZygoteKernelManager(AsyncKernelManager):
        """An AsyncKernelManager whose kernel process is forked by a :class:`KernelZygote`.

        Everything else (connection file, ports, ZeroMQ channels, interrupt, shutdown) is
        jupyter_client's own; only the launch differs.
        """

        def __init__(self, *, zygote: KernelZygote, log_path: str, **kwargs: Any):
            super().__init__(kernel_name="python3", **kwargs)
            self._zygote = zygote
            self._log_path = log_path

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            connection_file = kernel_cmd[kernel_cmd.index("-f") + 1]
            env = {k: v for k, v in (kw.get("env") or {}).items() if k.startswith(("JPY_", "IPY"))}
            env["JPY_PARENT_PID"] = str(self._zygote.pid)
            cwd = str(kw.get("cwd") or os.getcwd())
            pid = self._zygote.spawn(connection_file=connection_file, cwd=cwd, log=self._log_path, env=env)
            prov = self.provisioner
            prov.process = _ForkedProcess(pid)
            prov.pid, prov.pgid, prov.cwd = pid, None, cwd
            self._reconcile_connection_info(prov.connection_info)

    return ZygoteKernelManager


def __getattr__(name: str):
    if name == "ZygoteKernelManager":
        return _manager_classes()
    raise AttributeError(name)
