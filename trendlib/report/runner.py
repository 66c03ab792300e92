"""Run a study's notebooks with papermill and write its report folder.

For each study: check every notebook's parameters against the study before
anything runs (a notebook whose parameters do not fit is reported as failed and not
run; the others still render), execute the notebooks in numbered order through a real Jupyter
kernel, render two HTML pages per notebook, then write ``results.json`` and
``index.html``. Studies run in parallel (``jobs`` worker processes). A study is
built in a staging folder and moved into ``<out>/<study>/`` when complete, so an
interrupted run never leaves a half-written report in place of a good one.

A notebook that raises does not stop the others: its executed notebook and HTML
(with the error) are still written, the run is marked failed, and the caller
exits non-zero naming the notebook and the cell.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from trendlib._io import replace_folder
from trendlib.errors import TrendlibError
from trendlib.report.exhibits import PARTS_DIR
from trendlib.report.notebook import NOTEBOOK_PARAMETERS
from trendlib.study import Study

__all__ = ["ReportError", "NotebookRun", "StudyRun", "discover_notebooks", "check_notebook_parameters",
           "run_study", "run_studies", "default_notebooks_dir"]

log = logging.getLogger("trendlib.report")

#: the parameters every notebook declares, and the values the runner passes (see trendlib.report.notebook)
RUNNER_PARAMETERS = tuple(NOTEBOOK_PARAMETERS)
_PY_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


class ReportError(TrendlibError):
    """The report cannot start (no notebooks, a notebook's parameters do not fit the study, bad output folder)."""


@dataclasses.dataclass(frozen=True)
class NotebookRun:
    """How one notebook ran for one study. Paths are relative to the study's output folder."""

    notebook: str
    status: str  # "ok" | "failed"
    duration_s: float
    started_at: str
    ipynb: str
    html_reader: str
    html_full: str
    error: str = ""
    cell: str = ""
    reused: bool = False
    made_at: str = ""
    fingerprint: str = ""
    reads: dict = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class StudyRun:
    """The outcome of one study's report."""

    study: str
    out_dir: Path
    notebooks: tuple[NotebookRun, ...]
    wall_s: float

    @property
    def ok(self) -> bool:
        return all(n.status == "ok" for n in self.notebooks)

    @property
    def failures(self) -> list[NotebookRun]:
        return [n for n in self.notebooks if n.status != "ok"]


def default_notebooks_dir() -> Path:
    """The notebooks a report runs: the checkout's ``notebooks/`` when trendlib runs from a checkout
    (an editable install), else the copy shipped inside the installed package (``trendlib/notebooks/``,
    made from the checkout's ``notebooks/`` when the wheel is built)."""
    package = Path(__file__).resolve().parents[1]
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "notebooks").is_dir():
        return checkout / "notebooks"
    return package / "notebooks"


def discover_notebooks(notebooks_dir: str | Path) -> list[Path]:
    """Notebooks named ``NN-verb-object.ipynb``, in numbered order."""
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise ReportError(f"notebooks folder {str(notebooks_dir)!r} does not exist")
    found = sorted(p for p in notebooks_dir.glob("[0-9][0-9]*-*.ipynb") if not p.name.startswith("."))
    if not found:
        raise ReportError(f"no notebooks named NN-name.ipynb in {str(notebooks_dir)!r}")
    return found


def check_notebook_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Refuse to run when the notebook does not declare a parameter or declares another type.

    Papermill only logs a parameter the notebook does not know; trendlib stops
    before any kernel starts, naming the notebook, the parameter and the types.
    """
    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)  # its INFO lines are noise here
    try:
        declared = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # papermill raises plain exceptions for unreadable notebooks
        raise ReportError(f"notebook {notebook.name}: cannot read its parameters cell ({exc})") from None
    if not declared:
        raise ReportError(f"notebook {notebook.name} has no cell tagged 'parameters'; every notebook "
                          "must declare the study parameters in one")
    for name, value in parameters.items():
        if name not in declared:
            raise ReportError(f"notebook {notebook.name} does not declare parameter {name!r}; add "
                              f"'{name}: {type(value).__name__} = ...  # comment' to its parameters cell")
        type_name = (declared[name].get("inferred_type_name") or "").split("[")[0].strip()
        expected = _PY_TYPES.get(type_name)
        if expected is not None and not isinstance(value, expected):
            raise ReportError(f"parameter {name!r} = {value!r} ({type(value).__name__}) does not fit "
                              f"notebook {notebook.name}, which declares it as {type_name}")


# ---------------------------------------------------------------- worker side
def _execute_one(nb_path: str, out_dir: str, parameters: dict[str, Any], timeout: int,
                 banners: list[str], title: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one notebook with papermill and render its HTML. Runs in a worker process.

    ``labels`` maps absolute folders of this machine to the short names pages show instead
    (:func:`trendlib.report.paths.path_labels`): tracebacks and warnings keep no machine path.
    """
    from papermill.exceptions import PapermillExecutionError

    from trendlib.report.render import banner_html, render_notebook_html

    nb = Path(nb_path)
    out = Path(out_dir)
    stem = nb.stem
    executed = out / f"{stem}.ipynb"
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    status, error, cell = "ok", "", ""
    # The kernel writes its own diagnostics to stderr (transport warnings, shutdown notices); keep them
    # in logs/<notebook>.kernel.log instead of the terminal. A worker runs one notebook at a time.
    (out / "logs").mkdir(exist_ok=True)
    kernel_log_path = out / "logs" / f"{stem}.kernel.log"
    saved_stderr = os.dup(2)
    try:
        with open(kernel_log_path, "ab") as kernel_log:
            os.dup2(kernel_log.fileno(), 2)
            _execute_with_kernel_restarts(nb, executed, parameters=parameters, timeout=timeout,
                                          kernel_log_path=kernel_log_path)
    except PapermillExecutionError as exc:
        status = "failed"
        first = next((ln for ln in (exc.source or "").splitlines() if ln.strip()), "")
        cell = f"cell In[{exc.exec_count}]: {first.strip()[:120]}"
        error = f"{exc.ename}: {exc.evalue}".strip()
    except Exception as exc:  # kernel died, timeout, unreadable notebook: report, do not crash the run
        status = "failed"
        error = f"{type(exc).__name__}: {exc}"
        cell = ""
        if "Timeout" in type(exc).__name__:
            # papermill writes no executed notebook on a timeout; nbclient's message quotes the cell
            cell = _timed_out_cell(executed) or _quoted_cell(str(exc))
            first = next((ln for ln in str(exc).splitlines() if ln.strip()), "")
            error = f"{type(exc).__name__}: {first.strip()} (the limit is --timeout {timeout} s per cell)"
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    duration = time.perf_counter() - t0
    if labels:
        from trendlib.report.paths import shorten_notebook_paths, shorten_paths
        error = shorten_paths(error, labels)
        if executed.is_file():
            shorten_notebook_paths(executed, labels)
    reader, full = f"{stem}.html", f"{stem}.full.html"
    page_banners = list(banners)
    if status != "ok":
        page_banners.append(banner_html("error", f"This notebook failed at {cell or 'an unknown cell'}: "
                                                 f"{error}. The output below stops there."))
    if executed.is_file():
        try:
            render_notebook_html(executed, reader=out / reader, full=out / full,
                                 title=f"{title} - {stem}", banners=page_banners)
        except Exception as exc:  # pragma: no cover - rendering a valid notebook should not fail
            status, error = "failed", error or f"HTML rendering failed: {type(exc).__name__}: {exc}"
    else:
        _write_error_page(out / reader, out / full, title, stem, error)
    return {"notebook": stem, "status": status, "duration_s": round(duration, 2), "started_at": started,
            "ipynb": executed.name, "html_reader": reader, "html_full": full, "error": error, "cell": cell}


# How many times a notebook's kernel may die while starting (before it answers kernel_info, so before any
# cell ran) and be started again. A kernel binds the ports its connection file names, which jupyter_client
# picks free a moment earlier; another process on the machine (a second report, a parallel test run) can take
# one in between, and the kernel dies at once. A new start picks new ports.
KERNEL_STARTS = 3
_KERNEL_DIED_STARTING = "Kernel died before replying to kernel_info"


def _execute_with_kernel_restarts(nb: Path, executed: Path, *, parameters: dict[str, Any], timeout: int,
                                  kernel_log_path: Path) -> None:
    """papermill.execute_notebook, with a new kernel when one dies before any cell ran (up to KERNEL_STARTS).

    Any other failure, and a death after the kernel answered, propagates unchanged.
    """
    import papermill

    for attempt in range(1, KERNEL_STARTS + 1):
        km = _zygote_kernel_manager(kernel_log_path)
        try:
            papermill.execute_notebook(str(nb), str(executed), parameters=parameters, kernel_name="python3",
                                       cwd=str(executed.parent), progress_bar=False, log_output=False,
                                       execution_timeout=timeout, request_save_on_cell_execute=False,
                                       **({"km": km} if km is not None else {}))
            return
        except RuntimeError as exc:
            if _KERNEL_DIED_STARTING not in str(exc) or attempt == KERNEL_STARTS:
                raise
            message = (f"{nb.stem}: the kernel died while starting (start {attempt} of {KERNEL_STARTS}; "
                       f"its log: {kernel_log_path.name}); starting a new one")
            log.warning("%s", message)  # a worker's stderr is the kernel log here: it lands beside the kernel's own
        finally:
            if km is not None:
                _shutdown(km)


# A report worker's kernel zygote (trendlib.report.kernels): one per worker process, made by
# the pool's initializer before the worker touches ZeroMQ; None for fresh kernels.
_ZYGOTE = None


def _init_worker(kernel: str) -> None:
    """Pool initializer: fork the kernel zygote (fork mode), then watch for the parent's death.

    The zygote is forked first, while this worker has no threads and no ZeroMQ state. The
    watchdog ends a worker whose report process was killed: a pool worker otherwise waits
    for work forever; its zygote and kernels follow it (their parent disappears).
    """
    global _ZYGOTE
    if kernel == "fork":
        from trendlib.report.kernels import KernelZygote

        _ZYGOTE = KernelZygote()
    import threading

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="trendlib-parent-watchdog", daemon=True).start()


def _zygote_kernel_manager(log_path: Path):
    """A kernel manager backed by this worker's zygote, or None for papermill's own fresh kernel."""
    global _ZYGOTE
    if _ZYGOTE is None:
        return None
    try:
        done, _ = os.waitpid(_ZYGOTE.pid, os.WNOHANG)
    except ChildProcessError:
        done = _ZYGOTE.pid
    if done:  # the zygote died: fall back to fresh kernels for the rest of this worker's life
        log.warning("kernel zygote exited; starting fresh kernels instead")
        _ZYGOTE = None
        return None
    from trendlib.report.kernels import ZygoteKernelManager

    return ZygoteKernelManager(zygote=_ZYGOTE, log_path=str(log_path))


def _shutdown(km) -> None:
    from jupyter_client.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception as exc:  # the notebook's outcome is already known; a stuck kernel must not hide it
        log.warning("could not shut a kernel down cleanly: %s", exc)


def _timed_out_cell(executed: Path) -> str:
    try:
        import nbformat
        nb = nbformat.read(str(executed), as_version=4)
        for i, c in enumerate(nb.cells):
            if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("status") == "running":
                first = next((ln for ln in c.source.splitlines() if ln.strip()), "")
                return f"cell {i}: {first.strip()[:120]}"
    except Exception:
        pass
    return ""


def _quoted_cell(message: str) -> str:
    """The first line of the cell nbclient quotes in a timeout message ('' when it quotes none)."""
    import re
    m = re.search(r"preview of the cell contents:\s*\n-+\n(.*?)\n-+", message, re.DOTALL)
    if not m:
        return ""
    first = next((ln for ln in m.group(1).splitlines() if ln.strip()), "")
    return f"the cell starting {first.strip()[:120]!r}"


def _write_error_page(reader: Path, full: Path, title: str, stem: str, error: str) -> None:
    import html
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(stem)} did not run</h1><pre>{html.escape(error)}</pre></body></html>")
    reader.write_text(page, encoding="utf-8")
    full.write_text(page, encoding="utf-8")


# ---------------------------------------------------------------- main side
@dataclasses.dataclass
class _StudyState:
    study: Study
    staging: Path
    final: Path
    parameters: dict[str, Any]
    banners: list[str]
    provenance: list[dict[str, Any]]
    fingerprints: dict[str, str]
    pending: list[Path]
    reused: list[dict[str, Any]]
    refused: list[tuple[Path, str]] = dataclasses.field(default_factory=list)
    runs: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    t0: float = 0.0


def _refused_run(st: _StudyState, nb: Path, message: str) -> dict[str, Any]:
    """The record (and error pages) of a notebook whose parameters do not fit the study: not run."""
    stem = nb.stem
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    _write_error_page(st.staging / f"{stem}.html", st.staging / f"{stem}.full.html", st.study.title, stem, message)
    return {"notebook": stem, "status": "failed", "duration_s": 0.0, "started_at": now, "ipynb": "",
            "html_reader": f"{stem}.html", "html_full": f"{stem}.full.html", "error": message,
            "cell": "its parameters cell (the notebook was not run)", "fingerprint": st.fingerprints[stem],
            "reads": {}, "made_at": now}


def _study_dirs(study: Study, out_root: Path) -> tuple[Path, Path]:
    out_root = out_root.resolve()
    final = (out_root / study.name).resolve()
    if final.parent != out_root:
        raise ReportError(f"study name {study.name!r} would write outside the output folder {str(out_root)!r}")
    return final, out_root / f".{study.name}.staging"


def _check_replaceable(study: Study, final: Path, notebooks_dir: Path) -> None:
    """Refuse a report folder that holds the study's own inputs, or an existing folder that is not a
    trendlib report: the finished report replaces ``final`` whole (e.g. a study named ``data``
    rendered with ``--out`` at the project root would otherwise delete ``data/``)."""
    inputs = [*study.data_files().values(), *([study.source_file] if study.source_file else []), notebooks_dir]
    inside = [p for p in inputs if Path(p).resolve().is_relative_to(final)]
    if inside:
        raise ReportError(f"study {study.name!r}: its report folder {str(final)!r} holds its own input "
                          f"{str(inside[0])!r} and would replace it; choose another --out or rename the study file")
    if final.is_dir() and not (final / "results.json").is_file() and any(final.iterdir()):
        raise ReportError(f"study {study.name!r}: {str(final)!r} exists and is not a trendlib report (it has no "
                          "results.json); rendering would replace it. Move it, or choose another --out")


def run_study(study: Study, *, out: str | Path = "outputs", notebooks_dir: str | Path | None = None,
              timeout: int = 600, force: bool = False, progress: bool | None = None) -> StudyRun:
    """Render one study; see :func:`run_studies`."""
    return run_studies([study], out=out, notebooks_dir=notebooks_dir, jobs=1, timeout=timeout,
                       force=force, progress=progress)[0]


def run_studies(studies: list[Study], *, out: str | Path = "outputs", notebooks_dir: str | Path | None = None,
                jobs: int | None = None, timeout: int = 600, force: bool = False,
                progress: bool | None = None, executor: str = "process",
                scheduler: str | None = None, kernel: str | None = None) -> list[StudyRun]:
    """Render every study into ``<out>/<study.name>/`` and return how each went.

    Parameters
    ----------
    studies : validated studies (:func:`trendlib.load_study`)
    out : output root; each study gets its own folder under it
    notebooks_dir : where ``NN-name.ipynb`` notebooks are (default: the checkout's ``notebooks/``)
    jobs : worker processes (default: the number of cores). Notebooks are independent of each
        other (each reads only the study's inputs), so all (study, notebook) pairs are queued in
        numbered order and run ``jobs`` at a time.
    timeout : seconds one cell may run before the notebook is stopped and marked failed
    force : re-execute every notebook even when its outputs could be reused
    progress : a progress bar (default: when stderr is a terminal; plain log lines otherwise)
    kernel : "fork" (the default on Linux: each notebook's kernel is forked from a per-worker process that has
        already imported pandas, SciPy, statsmodels and matplotlib; see
        :mod:`trendlib.report.kernels`) or "fresh" (a new interpreter per notebook). Either way every
        notebook runs in its own new kernel. Dask workers always start fresh kernels; other systems
        default to "fresh".
    executor : "process" (a local pool of ``jobs`` processes) or "dask" (a Dask distributed
        cluster at ``scheduler``, e.g. ``tcp://10.0.0.5:8786``; its workers must see the same
        files at the same paths, e.g. a shared file system, and have trendlib installed)

    Incremental rendering: a notebook is re-executed only when one of its inputs changed
    since the report in ``<out>/<study>/`` was made: the notebook file, the study parameters,
    the banners, trendlib's own code, the versions of the analysis stack, or the sha256 of
    any data file (or provenance sidecar) the notebook read last time. Otherwise its
    executed notebook, HTML, figures and tables are carried over and ``index.html`` says
    they were reused and when they were made.
    """
    from trendlib.datasets.studydata import check_study_data
    from trendlib.report.index import write_root_index

    _check_names(studies)
    out_root = _output_root(out)
    notebooks = discover_notebooks(notebooks_dir or default_notebooks_dir())
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    kernel = _resolve_kernel(kernel)
    environment = _environment_fingerprint()
    for study in studies:  # every data file read and checked before any kernel starts (exit 2 naming it)
        for note in check_study_data(study).notes:
            log.info("%s: %s", study.name, note)

    for study in studies:  # nothing runs, and nothing is replaced, unless every study's folder is safe to replace
        _check_replaceable(study, _study_dirs(study, out_root)[0], Path(notebooks[0]).parent)

    states = [_plan_study(study, out_root, notebooks, environment=environment, force=force) for study in studies]
    try:
        results = _render(states, notebooks, jobs=jobs, timeout=timeout, progress=progress, executor=executor,
                          scheduler=scheduler, kernel=kernel)
    except BaseException:
        # a full disk, a permission, Ctrl-C: the earlier reports stay as they were, and no staging folder is left
        for st in states:
            shutil.rmtree(st.staging, ignore_errors=True)
        raise
    write_root_index(out_root)
    return [results[s.name] for s in studies]


def _check_names(studies: list[Study]) -> None:
    """Refuse an empty list, and two studies that would write to one folder."""
    if not studies:
        raise ReportError("no studies to render")
    names = [s.name for s in studies]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ReportError(f"two studies share the name(s) {', '.join(dupes)}; study file names must differ")


def _output_root(out: str | Path) -> Path:
    """The output root, created if missing; refused when it cannot be created or written to."""
    out_root = Path(out)
    try:
        out_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create output folder {str(out_root)!r}: {exc.strerror}") from None
    if not os.access(out_root, os.W_OK):
        raise ReportError(f"output folder {str(out_root)!r} is not writable")
    return out_root


def _resolve_kernel(kernel: str | None) -> str:
    """The kernel start-up: the one asked for, else "fork" where the system can fork (Linux), else "fresh"."""
    if kernel is None:
        kernel = "fork" if sys.platform.startswith("linux") and hasattr(os, "fork") else "fresh"
    if kernel not in ("fork", "fresh"):
        raise ReportError(f"kernel {kernel!r}; accepted: 'fork', 'fresh'")
    if kernel == "fork" and not hasattr(os, "fork"):
        raise ReportError(f"kernel 'fork' needs os.fork, which {sys.platform} lacks; accepted here: 'fresh'")
    return kernel


def _illustrative_banners(provenance: list[dict[str, Any]]) -> list[str]:
    """The banner every page of a study carries when one of its inputs is simulated (none otherwise)."""
    from trendlib.report.render import banner_html

    illustrative = [p for p in provenance if p["illustrative"]]
    if not illustrative:
        return []
    return [banner_html("illustrative", (
        "ILLUSTRATIVE DATA: " + ", ".join(Path(p["file"]).name for p in illustrative)
        + " is simulated, not observed. Charts and numbers made from it show how the analysis "
          "works; they are not findings about the real world."))]


def _plan_study(study: Study, out_root: Path, notebooks: list[Path], *, environment: str,
                force: bool) -> _StudyState:
    """What rendering ``study`` takes: each notebook's fingerprint, and whether its previous outputs are
    reused, it is run, or it is refused (its parameters do not fit; the others still render)."""
    from trendlib.provenance import study_provenance

    final, staging = _study_dirs(study, out_root)
    params = dict(NOTEBOOK_PARAMETERS)
    provenance = study_provenance(study)
    banners = _illustrative_banners(provenance)
    previous = {} if force else _previous_runs(final)
    fingerprints, pending, reused, refused = {}, [], [], []
    for nb in notebooks:
        fp = _fingerprint(nb, study.to_mapping(), banners, environment)
        fingerprints[nb.stem] = fp
        prev = previous.get(nb.stem)
        if prev is not None and _reusable(prev, fp, final, _study_dir(study)):
            reused.append(prev)
        else:
            try:
                check_notebook_parameters(nb, params)  # all checks before any kernel starts
            except ReportError as exc:  # this notebook is reported as failed; the others still render
                refused.append((nb, str(exc)))
                continue
            pending.append(nb)
    return _StudyState(study=study, staging=staging, final=final, parameters=params, banners=banners,
                       provenance=provenance, fingerprints=fingerprints, pending=pending, reused=reused,
                       refused=refused)


def _render(states: list[_StudyState], notebooks: list[Path], *, jobs: int, timeout: int,
            progress: bool | None, executor: str, scheduler: str | None, kernel: str) -> dict[str, StudyRun]:
    """Run every pending notebook of every study in its staging folder; swap each finished study in."""
    from trendlib._io import naming
    from trendlib.report.index import write_study_outputs
    from trendlib.report.paths import path_labels

    for st in states:
        with naming("create the staging folder", st.staging):
            if st.staging.exists():
                shutil.rmtree(st.staging)
            st.staging.mkdir(parents=True)
        st.study.write_json(st.staging / "study.json")
        for prev in st.reused:
            st.runs.append(_carry_over(prev, st.final, st.staging))
        for nb, message in st.refused:
            st.runs.append(_refused_run(st, nb, message))
            log.warning("%s: %s not run: %s", st.study.name, nb.stem, message)

    tasks = [(st, nb) for nb in notebooks for st in states if nb in st.pending]
    bar = _Progress(len(tasks), enabled=progress)
    for st in states:
        for prev in st.reused:
            log.info("%s: %s reused (made %s; inputs unchanged)", st.study.name, prev["notebook"],
                     prev.get("made_at") or prev.get("started_at"))
    results: dict[str, StudyRun] = {}
    left = {st.study.name: len(st.pending) for st in states}
    for st in states:
        st.t0 = time.perf_counter()
        if not left[st.study.name]:
            results[st.study.name] = _finish(st, write_study_outputs)
    if tasks:
        with _executor(executor, jobs=min(jobs, len(tasks)), scheduler=scheduler, kernel=kernel) as pool:
            running: dict[Future, tuple[_StudyState, Path]] = {}
            for st, nb in tasks:
                fut = pool.submit(_execute_one, str(nb), str(st.staging), st.parameters, timeout,
                                  st.banners, st.study.title, path_labels(st.study, st.staging))
                running[fut] = (st, nb)
            while running:
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in done:
                    st, nb = running.pop(fut)
                    try:
                        rec = fut.result()
                    except Exception as exc:  # the worker process itself died
                        rec = {"notebook": nb.stem, "status": "failed", "duration_s": 0.0, "started_at": "",
                               "ipynb": "", "html_reader": "", "html_full": "",
                               "error": f"worker died: {exc}", "cell": ""}
                    rec["fingerprint"] = st.fingerprints[nb.stem]
                    rec["reads"] = _take_reads(st.staging, nb.stem, _study_dir(st.study))
                    rec["made_at"] = rec["started_at"]
                    st.runs.append(rec)
                    bar.step(f"{st.study.name}: {rec['notebook']} {rec['status']} ({rec['duration_s']:.1f} s)")
                    left[st.study.name] -= 1
                    if not left[st.study.name]:
                        results[st.study.name] = _finish(st, write_study_outputs)
    bar.close()
    return results


@contextlib.contextmanager
def _executor(kind: str, *, jobs: int, scheduler: str | None, kernel: str = "fork"):
    """A concurrent.futures executor: local processes, or a Dask distributed cluster."""
    if kind == "process":
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker, initargs=(kernel,)) as pool:
            yield pool
    elif kind == "dask":
        if not scheduler:
            raise ReportError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
        try:
            from distributed import Client
        except ImportError:
            raise ReportError("--executor dask needs the 'distributed' package: pip install 'trendlib[dask]'") from None
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ReportError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
        try:
            with client.get_executor(pure=False) as pool:
                yield pool
        finally:
            client.close()
    else:
        raise ReportError(f"executor {kind!r}; accepted: 'process', 'dask'")


# ------------------------------------------------------------ incremental
def _environment_fingerprint() -> str:
    """sha256 of trendlib's own source files and the versions of the analysis stack."""
    import hashlib

    from trendlib.report.index import package_versions

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    versions = package_versions()
    versions.pop("platform", None)
    digest.update(json.dumps(versions, sort_keys=True).encode())
    return digest.hexdigest()


def _fingerprint(notebook: Path, study: dict[str, Any], banners: list[str], environment: str) -> str:
    """sha256 of what a notebook's outputs depend on besides the data files it reads."""
    import hashlib

    digest = hashlib.sha256()
    digest.update(notebook.read_bytes())
    digest.update(json.dumps(study, sort_keys=True, ensure_ascii=False).encode())
    digest.update(json.dumps(banners).encode())
    digest.update(environment.encode())
    return digest.hexdigest()


def _previous_runs(final: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((final / "results.json").read_text(encoding="utf-8"))
        return {n["notebook"]: n for n in data.get("notebooks", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _reusable(prev: dict[str, Any], fingerprint: str, final: Path, base: Path) -> bool:
    from trendlib.provenance import ABSENT, sha256_file

    if prev.get("status") != "ok" or prev.get("fingerprint") != fingerprint or not prev.get("reads"):
        return False
    for path, sha in prev["reads"].items():
        p = base / path  # recorded relative to the study file's folder (an absolute path stays absolute)
        now = sha256_file(p) if p.is_file() else ABSENT
        if now != sha:
            return False
    part = final / PARTS_DIR / f"{prev['notebook']}.json"
    needed = [prev["ipynb"], prev["html_reader"], prev["html_full"], part]
    if not all((final / f).is_file() for f in needed):
        return False
    try:
        listed = json.loads(part.read_text(encoding="utf-8"))
    except ValueError:
        return False
    files = [f[k] for f in listed.get("figures", []) for k in ("png", "svg")]
    files += [t["csv"] for t in listed.get("tables", [])]
    return all((final / f).is_file() for f in files)


def _carry_over(prev: dict[str, Any], final: Path, staging: Path) -> dict[str, Any]:
    """Copy a reused notebook's files from the current report into the staging folder."""
    stem = prev["notebook"]
    part = json.loads((final / PARTS_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    files = [prev["ipynb"], prev["html_reader"], prev["html_full"], f"{PARTS_DIR}/{stem}.json",
             f"logs/{stem}.kernel.log"]
    files += [f[k] for f in part.get("figures", []) for k in ("png", "svg")]
    files += [t["csv"] for t in part.get("tables", [])]
    for rel in files:
        src = final / rel
        if src.is_file():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, staging / rel)
    rec = dict(prev)
    rec["reused"] = True
    rec["made_at"] = prev.get("made_at") or prev.get("started_at", "")
    return rec


def _study_dir(study: Study) -> Path:
    """The folder paths in a report are written relative to: the study file's."""
    return study.source_file.parent if study.source_file is not None else Path.cwd()


def _take_reads(folder: Path, stem: str, base: Path) -> dict[str, str]:
    """The files a notebook read (path -> sha256), written relative to ``base`` into its part and returned."""
    from trendlib._io import atomic_write_text
    from trendlib.study import display_path

    part_path = folder / PARTS_DIR / f"{stem}.json"
    try:
        part = json.loads(part_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    reads = {display_path(p, base): sha for p, sha in part.get("reads", {}).items()}
    part["reads"] = reads
    atomic_write_text(part_path, json.dumps(part, ensure_ascii=False, indent=2, allow_nan=False))
    return reads


def _finish(st: _StudyState, write_study_outputs) -> StudyRun:
    order = {nb: i for i, nb in enumerate(st.fingerprints)}
    st.runs.sort(key=lambda r: order.get(r["notebook"], len(order)))
    fields = {f.name for f in dataclasses.fields(NotebookRun)}
    runs = tuple(NotebookRun(**{k: v for k, v in r.items() if k in fields}) for r in st.runs)
    wall = time.perf_counter() - st.t0
    write_study_outputs(st.staging, study=st.study, provenance=st.provenance,
                        notebooks=[r.to_dict() for r in runs], banners=st.banners, wall_s=wall)
    _fix_paths(st.staging, st.final)
    replace_folder(st.staging, st.final)  # the finished report replaces the earlier one in one step
    return StudyRun(study=st.study.name, out_dir=st.final, notebooks=runs, wall_s=wall)


def _fix_paths(staging: Path, final: Path) -> None:
    """results.json names the study folder, not the staging folder it was written in."""
    from trendlib._io import atomic_write_text

    path = staging / "results.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["run"]["output_dir"] = final.name
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


class _Progress:
    """tqdm on a terminal; plain log lines otherwise (papermill, CI)."""

    def __init__(self, total: int, *, enabled: bool | None):
        self.total, self.n = total, 0
        tty = sys.stderr.isatty()
        self.bar = None
        if (enabled if enabled is not None else tty) and tty and total:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="notebook", desc="report", file=sys.stderr)

    def step(self, message: str) -> None:
        self.n += 1
        if self.bar is not None:
            self.bar.set_postfix_str(message[:60])
            self.bar.update(1)
        else:
            log.info("[%d/%d] %s", self.n, self.total, message)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
