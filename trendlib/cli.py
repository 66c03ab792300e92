"""The ``trendlib`` command: argument parsing, exit codes and messages only.

Each subcommand lives with the layer it drives and registers itself here through
a ``register(subparsers)`` function; handlers import their heavy dependencies
only when they run, so ``trendlib --help`` stays fast.

Exit codes: 0 success; 1 the work ran but something failed (a notebook raised);
2 bad input (study file, data file, arguments); 3 the outside world failed
(Google refused, network down) after retries; 130 interrupted.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import logging
import sys

from trendlib import __version__
from trendlib._argtypes import positive_int  # noqa: F401 - kept importable from here
from trendlib.errors import TrendlibError

# modules that define a `register(subparsers)` function, in the order --help lists them
COMMAND_MODULES = [
    "trendlib.scaffold",
    "trendlib.report.commands",
    "trendlib.datasets.commands",
    "trendlib.trends.commands",
    "trendlib.wikimedia.commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trendlib",
        description="Google Trends series, dated events and border crossings, as rerunnable notebooks.",
        epilog="Run 'trendlib COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"trendlib {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log trendlib's debugging detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    if args.verbose:  # trendlib's own detail only: urllib3's debug lines carry request URLs with tokens
        logging.getLogger("trendlib").setLevel(logging.DEBUG)
    try:
        return int(args.handler(args) or 0)
    except TrendlibError as exc:
        print(f"trendlib {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the file system refused (permissions, full disk, a path that is a folder, ...)
        print(f"trendlib {args.command}: error: {_os_error(exc)}", file=sys.stderr)
        return 3 if exc.errno in _OUTSIDE_ERRNOS else 2
    except KeyboardInterrupt:
        print(f"trendlib {args.command}: interrupted", file=sys.stderr)
        return 130


_OUTSIDE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS}


def _os_error(exc: OSError) -> str:
    """A one-line message for a file-system error: what failed, on which path, and what to check."""
    what = exc.strerror or str(exc) or type(exc).__name__
    paths = " -> ".join(repr(str(p)) for p in (exc.filename, exc.filename2) if p)
    operation = getattr(exc, "operation", None)  # trendlib._io.FileOperationError: what was being done, where
    if operation and paths:
        what, where = f"cannot {operation} {paths}: {what}", ""
    else:
        where = f" ({paths})" if paths else ""
    hint = {errno.ENOSPC: "free some space and rerun", errno.EDQUOT: "free some space and rerun",
            errno.EACCES: "check the folder's permissions, or write elsewhere",
            errno.EPERM: "check the folder's permissions, or write elsewhere",
            errno.EROFS: "the file system is read-only; write elsewhere"}.get(exc.errno, "check the path and rerun")
    return f"{what}{where}; {hint}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
