"""Shared CSV reading with errors that name file, line and column."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trendlib.datasets.errors import DataError


def read_csv_text(path: str | Path, *, required: list[str], kind: str) -> pd.DataFrame:
    """Read a UTF-8 (BOM tolerated) comma-separated file as text columns.

    Every column comes back as strings (missing = ""), so each loader parses and
    validates values itself and can name the line of a defect.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{kind} file not found", file=str(path))
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start}); save the {kind} file as UTF-8",
                        file=str(path)) from None
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"cannot be read as CSV: {exc}", file=str(path)) from None
    df.columns = [str(c).strip() for c in df.columns]
    if len(df.columns) == 1 and ";" in df.columns[0]:
        raise DataError(f"looks semicolon-separated (header {df.columns[0]!r}); "
                        "expected a comma-separated file", file=str(path), row=1)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(map(repr, missing))}; the {kind} file needs "
                        f"{', '.join(required)} (found: {', '.join(df.columns)})", file=str(path), row=1)
    return df


def line_of(index: int) -> int:
    """1-based file line of a 0-based data row (line 1 is the header)."""
    return int(index) + 2
