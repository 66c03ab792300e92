"""The root of trendlib's typed errors.

Every error trendlib raises on purpose derives from :class:`TrendlibError`, so a
caller (or the CLI) can tell "the input or the outside world is wrong, here is
what and why" from a bug. Subpackages define their own subclasses next to the
code that raises them (``trendlib.study.StudyError``,
``trendlib.datasets.DataError``, ``trendlib.trends.errors.*``).
"""
from __future__ import annotations


class TrendlibError(Exception):
    """Base class of the errors trendlib raises deliberately.

    The message names the bad value (file, key, row, column) and says what is
    accepted. The CLI prints it without a traceback and exits non-zero.
    """

    exit_code: int = 2
