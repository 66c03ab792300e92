"""File writing shared by the layers: atomic files, sets of files replaced together, whole folders
swapped into place, CSV text safe to open in a spreadsheet, and OS errors that name path and operation.

Every file trendlib writes goes through here, so the rules live in one place:

* **One file** (:func:`atomic_write_bytes` / :func:`atomic_write_text`): written to a temporary name
  in the same folder, fsynced, renamed over the target, the folder fsynced. A reader, or a process
  killed mid-write, sees the old file or the whole new one.
* **A set of files that describe each other** (:func:`replace_together`: a fetch's CSV, samples and
  provenance; an import's CSV and provenance): every file is written and fsynced under a temporary
  name first; only when all are complete are they renamed into place, in the order given (the
  sidecars first, the main file last, so a main file never stands without its provenance). A
  failure while writing (a full disk, a permission) leaves the earlier set untouched and no
  temporary file. A process killed during the renames leaves a journal; the next write into that
  folder (:func:`finish_interrupted`), or trendlib's next read of a file there (:func:`settle`),
  completes the renames, so the folder holds the whole new set.
* **A folder** (:func:`replace_folder`: a study's report): built elsewhere, fsynced, then exchanged
  with the earlier folder in one step (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two
  renames, with the earlier folder put back by the next call if a kill came between them).
* **CSV text** (:func:`csv_text`): any text cell (and column name) that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading single quote (``'``), so a spreadsheet shows
  it as text instead of running it as a formula (CSV/formula injection). Numbers, and text that is a
  plain number such as ``-5`` or ``+1.5e3``, are untouched. A cell that already starts with quotes
  followed by one of those characters gets one more quote, so :func:`restore_spreadsheet_text`
  (what trendlib's CSV reader applies) gives back exactly the value written.
* **Errors**: an :class:`OSError` raised while writing is re-raised as :class:`FileOperationError`,
  which names the path and what was being done ("write", "create folder", ...); whatever the failed
  operation had created (temporary files) is removed first.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["FileOperationError", "atomic_write_bytes", "atomic_write_text", "csv_text", "finish_interrupted",
           "naming", "replace_folder", "replace_together", "restore_spreadsheet_text", "settle", "spreadsheet_safe"]

JOURNAL_PREFIX = ".trendlib-replace."


# ------------------------------------------------------------------------------------------ errors
class FileOperationError(OSError):
    """An OS error with the path and the operation that failed (``errno``, ``strerror``, ``filename``
    as usual, plus ``operation``, e.g. ``"write"``)."""

    def __init__(self, err: int | None, strerror: str, filename: str, operation: str):
        super().__init__(err, strerror, filename)
        self.operation = operation

    def __str__(self) -> str:
        return f"cannot {self.operation} {self.filename!r}: {self.strerror}"

    def __reduce__(self):  # so it crosses a process pool
        return (type(self), (self.errno, self.strerror, self.filename, self.operation))


def _named(exc: OSError, path: str | Path, operation: str) -> FileOperationError:
    if isinstance(exc, FileOperationError):
        return exc
    where = exc.filename if exc.filename else path
    return FileOperationError(exc.errno, exc.strerror or str(exc) or type(exc).__name__, str(where), operation)


@contextlib.contextmanager
def naming(operation: str, path: str | Path) -> Iterator[None]:
    """Re-raise an OSError inside the block as :class:`FileOperationError` naming ``path`` (or the
    error's own file name, when it has one) and ``operation``."""
    try:
        yield
    except OSError as exc:
        raise _named(exc, path, operation) from exc


# -------------------------------------------------------------------------------------- one file
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_temporary(path: Path, data: bytes) -> Path:
    """``data`` in a fsynced temporary file beside ``path``; nothing is left behind on failure."""
    with naming("create folder", path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
    with naming("write", path):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with naming("write", path):
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return Path(tmp)


def _unlink_quietly(path: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_dir(folder: Path) -> None:
    """Make renames and new names in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync, then rename.

    A reader (or a process killed mid-write) sees either the old file or the whole new one, never
    half a file. An OS error is raised as :class:`FileOperationError` naming ``path``.
    """
    replace_together({path: data})


def atomic_write_text(path: str | Path, text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


# --------------------------------------------------------------------------------- a set of files
def replace_together(files: Mapping[str | Path, str | bytes]) -> None:
    """Write several files of one folder as a set (see the module docstring).

    ``files`` maps each path to its content (text is written as UTF-8), in the order they are put in
    place: give the main file last. Either every file is replaced, or (an error while writing) none is
    and no temporary file is left; the error is a :class:`FileOperationError` naming the file. Two
    processes replacing sets in one folder take turns for the renames (a lock on the folder), so two
    sets never interleave.
    """
    items = [(Path(p), c.encode("utf-8") if isinstance(c, str) else bytes(c)) for p, c in files.items()]
    if not items:
        return
    folder = items[0][0].parent
    if any(p.parent != folder for p, _ in items):
        raise ValueError(f"replace_together: every file must be in one folder ({folder}); got "
                         + ", ".join(str(p) for p, _ in items))
    temps: list[tuple[Path, Path]] = []
    journal: Path | None = None
    try:
        for path, data in items:
            temps.append((_write_temporary(path, data), path))
        with _folder_lock(folder):
            finish_interrupted(folder, _locked=True)
            if len(temps) > 1:  # whole temporaries on disk: from here on, a kill is completed by the next writer
                journal = folder / f"{JOURNAL_PREFIX}{os.getpid()}-{os.urandom(4).hex()}.json"
                record = json.dumps([[t.name, p.name] for t, p in temps]).encode("utf-8")
                with naming("write", journal):
                    os.replace(_write_temporary(journal, record), journal)
                _fsync_dir(folder)
            _rename_all(temps)
            _fsync_dir(folder)
            if journal is not None:
                _unlink_quietly(journal)
                _fsync_dir(folder)
    except BaseException:
        for tmp, _ in temps:
            _unlink_quietly(tmp)
        if journal is not None:
            _unlink_quietly(journal)
        raise


def _rename_all(temps: list[tuple[Path, Path]]) -> None:
    """Rename each temporary over its target; if one rename fails, put the earlier files back (kept as
    hard links until all renames are done) and remove the new ones, so the folder holds the earlier set."""
    for _, path in temps:
        if path.is_dir():
            raise FileOperationError(errno.EISDIR, os.strerror(errno.EISDIR), str(path), "replace")
    done: list[tuple[Path, bool, Path | None]] = []  # target, had an earlier file, its backup
    try:
        for tmp, path in temps:
            existed, backup = path.exists(), None
            if existed:
                backup = tmp.with_name(tmp.name[:-4] + ".bak")
                try:
                    os.link(path, backup)
                except OSError:
                    backup = None
            with naming("replace", path):
                os.replace(tmp, path)
            done.append((path, existed, backup))
    except BaseException:
        for path, existed, backup in done:
            if backup is not None:
                with contextlib.suppress(OSError):
                    os.replace(backup, path)
            elif not existed:
                _unlink_quietly(path)
        raise
    finally:
        for tmp, _ in temps:
            _unlink_quietly(tmp.with_name(tmp.name[:-4] + ".bak"))


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (flock on the folder itself; released if the process dies)."""
    try:
        import fcntl
    except ImportError:  # not on this system: no lock
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def finish_interrupted(folder: str | Path, *, _locked: bool = False) -> list[Path]:
    """Complete a :func:`replace_together` that was killed during its renames in ``folder`` (its
    temporary files are whole: the journal is written only once they are). Returns the files put in
    place."""
    folder = Path(folder)
    if not _locked:
        with _folder_lock(folder):
            return finish_interrupted(folder, _locked=True)
    done: list[Path] = []
    try:
        journals = sorted(folder.glob(f"{JOURNAL_PREFIX}*.json"))
    except OSError:
        return done
    for journal in journals:
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pairs = []
        for tmp, name in pairs:
            if "/" in name or "/" in tmp:
                continue
            if (folder / tmp).is_file():
                with naming("replace", folder / name):
                    os.replace(folder / tmp, folder / name)
                done.append(folder / name)
            _unlink_quietly(folder / (tmp[:-4] + ".bak"))  # the earlier file's hard link, if the kill left it
        _unlink_quietly(journal)
    if done:
        _fsync_dir(folder)
    return done


def settle(folder: str | Path) -> None:
    """:func:`finish_interrupted` for a reader, before it reads a file of ``folder``: a set whose
    replacement was killed midway is completed first, so the reader sees one whole set. Quiet: a
    folder the reader may not write is left as it is."""
    with contextlib.suppress(OSError):
        finish_interrupted(folder)


# --------------------------------------------------------------------------------------- a folder
def _fsync_tree(root: Path) -> None:
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            with naming("write", path):
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dir(Path(dirpath))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise FileOperationError(err, os.strerror(err), str(b), "replace")


def replace_folder(staging: str | Path, final: str | Path) -> None:
    """Put the complete folder ``staging`` in the place of ``final`` (which may not exist yet).

    Every file is fsynced first. The earlier ``final`` is replaced in one step where the system can
    exchange two paths (Linux), else by two renames; a kill between those leaves the earlier folder
    as ``.<final>.old``, which the next call puts back before anything else. The earlier folder is
    deleted afterwards.
    """
    staging, final = Path(staging), Path(final)
    old = final.with_name(f".{final.name}.old")
    with naming("replace", final):
        if not final.exists() and old.exists():  # a swap killed between its two renames: undo it
            old.rename(final)
        _fsync_tree(staging)
        if final.exists() and _exchange(staging, final):
            shutil.rmtree(staging)  # it now holds the earlier folder
        else:
            if old.exists():
                shutil.rmtree(old)
            if final.exists():
                final.rename(old)
            staging.rename(final)
            if old.exists():
                shutil.rmtree(old)
    _fsync_dir(final.parent)


# --------------------------------------------------------------------------------------- CSV text
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]", re.S)
_QUOTED = re.compile(r"'+[=+\-@\t\r]", re.S)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and _NEEDS_QUOTE.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _restored_cell(value: Any) -> Any:
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def _map_labels(index, fn):
    import pandas as pd
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(fn(v) for v in t) for t in index], names=index.names)
    if index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        return pd.Index([fn(v) for v in index], name=index.name, dtype=index.dtype)
    return index


def _map_text(frame, fn, pattern: re.Pattern) -> Any:
    import pandas as pd
    out = frame.copy()
    for i, col in enumerate(out.columns):
        s = out.iloc[:, i]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.cat.rename_categories([fn(c) for c in s.cat.categories])
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            if not s.map(lambda v: isinstance(v, str) and pattern.match(v) is not None).any():
                continue
            s = s.map(fn).astype(s.dtype)
        else:
            continue
        out.isetitem(i, s)
    out.columns = _map_labels(out.columns, fn)
    out.index = _map_labels(out.index, fn)
    return out


def spreadsheet_safe(frame):
    """A copy of ``frame`` whose text cells, column names and index labels cannot run as spreadsheet
    formulas: those starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
    ``'`` (numbers and plain-number text untouched; see the module docstring)."""
    return _map_text(frame, _safe_cell, _NEEDS_QUOTE)


def restore_spreadsheet_text(frame):
    """Undo :func:`spreadsheet_safe` on a frame read from a CSV: one leading ``'`` is dropped from a
    text cell or column name made of quotes followed by ``=``, ``+``, ``-``, ``@``, tab or CR."""
    return _map_text(frame, _restored_cell, _QUOTED)


def csv_text(frame, **to_csv: Any) -> str:
    """``frame.to_csv(**to_csv)`` (``lineterminator="\\n"`` unless given) after :func:`spreadsheet_safe`:
    the one way trendlib turns a table into CSV text."""
    to_csv.setdefault("lineterminator", "\n")
    return spreadsheet_safe(frame).to_csv(**to_csv)
