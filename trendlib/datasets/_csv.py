"""Shared CSV reading and column checks, with errors that name file, line and column.

Every loader reads its file as text (:func:`read_csv_text`), then parses and checks
each column with the helpers here, so a defect is reported as
``<file>, line <n>, column '<name>': <what is wrong>; <what is accepted>``.
Line numbers are 1-based file lines (line 1 is the header).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from trendlib._io import naming, restore_spreadsheet_text, settle
from trendlib.datasets.errors import DataError
from trendlib.provenance import note_read

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TRUE_FALSE = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def read_csv_text(path: str | Path, *, required: list[str], kind: str) -> pd.DataFrame:
    """Read a UTF-8 comma-separated file (a UTF-8 byte-order mark is tolerated) as text columns.

    Every column comes back as strings (missing = ""), with the quote trendlib puts before a text cell
    that a spreadsheet would run as a formula taken off again ("'=x" is read as "=x"), so each loader parses and
    validates values itself and can name the line of a defect. Rejected with a
    :class:`DataError`: a missing file, UTF-16/32 or other non-UTF-8 bytes, a
    semicolon- or tab-separated file, a ragged row, an empty file, missing columns,
    and a header that names a column twice.
    """
    path = Path(path)
    f = str(path)
    settle(path.parent)  # a file set whose replacement was killed midway is completed before it is read
    if not path.is_file():
        raise DataError(f"{kind} file not found", file=f)
    with naming("read", path):
        raw = path.read_bytes()
    note_read(path, sha256=hashlib.sha256(raw).hexdigest())  # lets the report know who read what
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(f"is UTF-16 text (byte-order mark {raw[:2].hex()}); save the {kind} file as "
                        "UTF-8 (comma-separated)", file=f)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DataError(f"not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1].hex()}); save the "
                        f"{kind} file as UTF-8 (e.g. it may be Windows-1251 or Latin-1)", file=f, row=line) from None
    if not text.strip():
        raise DataError(f"the {kind} file is empty; expected a header line with {', '.join(required)}", file=f)
    header = text.splitlines()[0]
    for sep, name in ((";", "semicolon"), ("\t", "tab")):
        if header.count(sep) >= 1 and header.count(",") == 0:
            raise DataError(f"looks {name}-separated (header {header[:80]!r}); expected a comma-separated "
                            "file (re-export it as CSV with commas)", file=f, row=1)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        detail = " ".join(str(exc).split())
        raise DataError(f"cannot be read as CSV ({detail}); check quoting and the number of commas on that "
                        "line", file=f, row=int(m.group(1)) if m else None) from None
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"cannot be read as CSV: {exc}", file=f) from None
    df.columns = [str(c).strip() for c in df.columns]
    df = restore_spreadsheet_text(df)  # "'=x" as trendlib writes a text cell "=x" (see trendlib._io.csv_text)
    dup = [c for c in df.columns if re.search(r"\.\d+$", c) and c.rsplit(".", 1)[0] in df.columns]
    if dup:
        raise DataError(f"the header names column {dup[0].rsplit('.', 1)[0]!r} twice", file=f, row=1)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(map(repr, missing))}; the {kind} file needs "
                        f"{', '.join(required)} (found: {', '.join(df.columns)})", file=f, row=1)
    return df


def line_of(index: int) -> int:
    """1-based file line of a 0-based data row (line 1 is the header)."""
    return int(index) + 2


def fail_first(mask, message: Callable[[int], str], *, file: str, column: str = "") -> None:
    """Raise a :class:`DataError` for the first row where ``mask`` is true.

    ``message(i)`` builds the text for the 0-based row position ``i``.
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        raise DataError(message(i), file=file, row=line_of(i), column=column)


def parse_day(df: pd.DataFrame, col: str, *, file: str, allow_empty: bool = False) -> pd.Series:
    """An ISO calendar-day column (``YYYY-MM-DD``) as datetime64; NaT for "" when allowed."""
    text = df[col].astype(str).str.strip()
    empty = text == ""
    if not allow_empty:
        fail_first(empty, lambda i: "date is empty; expected YYYY-MM-DD", file=file, column=col)
    form = text.str.match(_ISO_DAY) | empty
    fail_first(~form, lambda i: f"date {text.iloc[i]!r} is not an ISO date; expected YYYY-MM-DD",
               file=file, column=col)
    dates = pd.to_datetime(text.where(~empty, None), format="%Y-%m-%d", errors="coerce")
    fail_first(dates.isna() & ~empty, lambda i: f"date {text.iloc[i]!r} is not a real calendar date",
               file=file, column=col)
    return dates


def parse_number(df: pd.DataFrame, col: str, *, file: str, allow_empty: bool = False,
                 minimum: float | None = None, maximum: float | None = None, what: str = "value",
                 whole: bool = False) -> pd.Series:
    """A numeric column as float (NaN for "" when allowed), checked against a range."""
    text = df[col].astype(str).str.strip()
    empty = text == ""
    if not allow_empty:
        fail_first(empty, lambda i: f"{what} is empty; a number is required", file=file, column=col)
    num = pd.to_numeric(text.where(~empty, None), errors="coerce").astype(float)
    fail_first(num.isna() & ~empty,
               lambda i: f"{what} {text.iloc[i]!r} is not a number (write digits only, e.g. 1200; "
                         "no thousands separators or words)", file=file, column=col)
    fail_first(np.isinf(num.to_numpy()), lambda i: f"{what} {text.iloc[i]!r} is not a finite number",
               file=file, column=col)
    if minimum is not None:
        fail_first(num < minimum, lambda i: f"{what} {text.iloc[i]} is negative" if minimum == 0 else
                   f"{what} {text.iloc[i]} is below {minimum}", file=file, column=col)
    if maximum is not None:
        fail_first(num > maximum, lambda i: f"{what} {text.iloc[i]} is above {maximum}", file=file, column=col)
    if whole:
        fail_first(num.notna() & (num != num.round()), lambda i: f"{what} {text.iloc[i]} is not a whole number",
                   file=file, column=col)
    return num


def parse_flag(df: pd.DataFrame, col: str, *, file: str, default: bool | None = None) -> pd.Series:
    """A true/false column (true/false, 1/0, yes/no; "" = ``default`` when given)."""
    text = df[col].astype(str).str.strip().str.lower()
    allowed = dict(TRUE_FALSE)
    if default is not None:
        allowed[""] = default
    fail_first(~text.isin(list(allowed)), lambda i: f"{col} {df[col].iloc[i]!r}; expected true or false",
               file=file, column=col)
    return text.map(allowed).astype(bool)


def check_vocab(df: pd.DataFrame, col: str, allowed: Iterable[str], *, file: str, what: str = "") -> pd.Series:
    """A text column whose values must be in ``allowed`` (compared after stripping)."""
    allowed = tuple(allowed)
    text = df[col].astype(str).str.strip()
    fail_first(~text.isin(allowed), lambda i: f"unknown {what or col} {text.iloc[i]!r}; accepted: "
               f"{', '.join(a for a in allowed if a) or 'nothing'}", file=file, column=col)
    return text


def check_not_empty(df: pd.DataFrame, col: str, *, file: str, what: str = "") -> None:
    fail_first(df[col].astype(str).str.strip() == "", lambda i: f"{what or col} is empty",
               file=file, column=col)


def check_unique(df: pd.DataFrame, cols: list[str], *, file: str, what: str = "row") -> None:
    """No two rows equal on ``cols``; the error names both lines."""
    dup = df.duplicated(cols, keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        key = tuple(df[c].iloc[i] for c in cols)
        first = int(np.flatnonzero((df[cols] == pd.Series(key, index=cols)).all(axis=1).to_numpy())[0])
        shown = ", ".join(f"{c}={_show(df[c].iloc[i])}" for c in cols[:6])
        raise DataError(f"duplicate {what}: same {shown}{' ...' if len(cols) > 6 else ''} as line "
                        f"{line_of(first)}", file=file, row=line_of(i))


def _show(value) -> str:
    """A cell value as a reader would write it (dates as YYYY-MM-DD, 5068.0 as 5068)."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return repr(str(value))
