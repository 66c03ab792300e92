"""Publication-ready matplotlib figures from trendlib frames and result objects.

Nothing here reads files or computes statistics: functions take tidy frames or
result objects and return a :class:`matplotlib.figure.Figure`. Every figure has a
title that states what it shows, labelled units, a source line, and the word
ILLUSTRATIVE wherever any input is simulated (:func:`trendlib.plots.style.finish`).

Modules: ``style`` (house style, source line, illustrative mark), ``series``
(search series with events marked).
"""
from trendlib.plots.style import PALETTE, apply_style, finish, show

__all__ = ["PALETTE", "apply_style", "finish", "show"]
