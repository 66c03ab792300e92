"""Typed errors of the analysis layer."""
from __future__ import annotations

from trendlib.errors import TrendlibError


class AnalysisError(TrendlibError, ValueError):
    """The data or an option cannot support the requested analysis.

    The message names the bad value (query, date, window, option) and says what is
    accepted. Situations that are expected with real data (too few crossing points for
    a test) are *not* errors: the result carries ``status`` and ``reason`` instead.
    """

    exit_code = 2
