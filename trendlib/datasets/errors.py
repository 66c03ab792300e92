"""Typed error for bad data files."""
from __future__ import annotations

from trendlib.errors import TrendlibError

_MAX_MESSAGE = 1000


class DataError(TrendlibError, ValueError):
    """A data file is malformed. The message names the file, and the row and column when known.

    ``row`` is the 1-based line number in the file (the header is line 1).
    """

    def __init__(self, message: str, *, file: str = "", row: int | None = None, column: str = ""):
        where = str(file)
        if row is not None:
            where += f", line {row}"
        if column:
            where += f", column {column!r}"
        if len(message) > _MAX_MESSAGE:  # a cell of a damaged file may hold megabytes: quote its ends only
            cut = len(message) - _MAX_MESSAGE
            message = f"{message[:_MAX_MESSAGE - 300]} ...[{cut} characters cut]... {message[-300:]}"
        super().__init__(f"{where}: {message}" if where else message)
        self.file, self.row, self.column = str(file), row, column
