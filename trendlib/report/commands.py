"""``trendlib report``: render studies into HTML reports."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from trendlib.cli import positive_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="render studies (papermill + HTML) into outputs/<study>/",
        description="Validate study files, run every notebook in notebooks/ for each with papermill, and "
                    "write per study: executed notebooks, a reader's HTML and a full HTML per notebook, "
                    "figures/, tables/, results.json and index.html.")
    p.add_argument("studies", nargs="*", metavar="STUDY.yaml", help="study files to render")
    p.add_argument("--all", action="store_true", help="render every study in --studies-dir")
    p.add_argument("--sweep", metavar="SWEEP.yaml",
                   help="expand a template study over lists of values and render them all into "
                        "<out>/<sweep name>/ with a comparison table")
    p.add_argument("--studies-dir", default="studies", metavar="DIR",
                   help="where --all looks for *.yaml (default: studies)")
    p.add_argument("--out", default="outputs", metavar="DIR", help="output root (default: outputs)")
    p.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                   help="studies rendered in parallel (default: the number of cores)")
    p.add_argument("--notebooks", default=None, metavar="DIR",
                   help="notebooks folder (default: the checkout's notebooks/)")
    p.add_argument("--timeout", type=positive_int, default=600, metavar="SECONDS",
                   help="longest a single cell may run (default: 600)")
    p.add_argument("--force", action="store_true",
                   help="re-execute every notebook (default: reuse a notebook's outputs when none of its "
                        "inputs changed)")
    p.add_argument("--kernel", choices=("fork", "fresh"), default=None,
                   help="fork (default on Linux): each notebook gets a new kernel forked from a process that "
                        "already imported the scientific stack; fresh: a new interpreter per notebook")
    p.add_argument("--executor", choices=("process", "dask"), default="process",
                   help="where notebooks run: local processes (default) or a Dask distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address for --executor dask, e.g. tcp://127.0.0.1:8786")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from trendlib.report.runner import ReportError, run_studies
    from trendlib.study import load_study

    if args.sweep:
        return _run_sweep(args)
    paths = [Path(s) for s in args.studies]
    if args.all:
        folder = Path(args.studies_dir)
        if not folder.is_dir():
            raise ReportError(f"--all: studies folder {str(folder)!r} does not exist")
        paths += sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not paths:
        raise ReportError("name at least one STUDY.yaml, or use --all")
    studies = [load_study(p) for p in dict.fromkeys(paths)]  # validates all before anything runs
    runs = run_studies(studies, out=args.out, notebooks_dir=args.notebooks, jobs=args.jobs,
                       timeout=args.timeout, force=args.force, executor=args.executor,
                       scheduler=args.scheduler, kernel=args.kernel)
    return _summarise(runs)


def _run_sweep(args: argparse.Namespace) -> int:
    from trendlib.report.runner import ReportError, run_studies
    from trendlib.report.sweep import check_sweep_data, load_sweep, write_sweep_index

    if args.studies or args.all:
        raise ReportError("--sweep renders the sweep's own studies; do not name study files or --all with it")
    sweep = load_sweep(args.sweep)
    check_sweep_data(sweep)  # exit 2 naming the combination before any kernel starts
    folder = Path(args.out) / sweep.name
    print(f"sweep {sweep.name}: {len(sweep.studies)} studies -> {folder}")
    runs = run_studies(list(sweep.studies), out=folder, notebooks_dir=args.notebooks, jobs=args.jobs,
                       timeout=args.timeout, force=args.force, executor=args.executor,
                       scheduler=args.scheduler, kernel=args.kernel)
    index = write_sweep_index(folder, sweep)
    from trendlib.report.index import write_root_index
    write_root_index(Path(args.out))  # the top index lists the sweep beside the studies
    code = _summarise(runs)
    print(f"sweep index: {index}")
    return code


def _summarise(runs) -> int:
    failed = 0
    for run in runs:
        print(f"{run.study}: {'ok' if run.ok else 'FAILED'} -> {run.out_dir / 'index.html'} "
              f"({run.wall_s:.1f} s)")
        for nb in run.failures:
            failed += 1
            print(f"  notebook {nb.notebook} failed at {nb.cell or 'an unknown cell'}: {nb.error}\n"
                  f"  see {run.out_dir / nb.html_full}", file=sys.stderr)
    return 1 if failed else 0
