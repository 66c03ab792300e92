"""The error every website-export reader raises."""
from __future__ import annotations

from trendlib.datasets.errors import DataError

__all__ = ["WebExportError"]


class WebExportError(DataError):
    """A Trends website CSV that cannot be read; the message names file, line and cell and the true cause."""
