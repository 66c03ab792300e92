"""The attention signals a study can hold, by name, so every result says which one it measures.

=========================== =============================================================
``source`` value            signal
=========================== =============================================================
``google-trends``           Google search interest (sampled, rounded, relative index 0-100)
``wikipedia-pageviews``     Wikipedia pageviews (daily numbers of views, counted in full)
=========================== =============================================================

:func:`with_source` tags result records (e.g. the ``event_study`` records of ``results.json``)
with the signal they were computed on.
"""
from __future__ import annotations

from collections.abc import Iterable

__all__ = ["SEARCH", "PAGEVIEWS", "SIGNALS", "with_source"]

SEARCH = "google-trends"
PAGEVIEWS = "wikipedia-pageviews"
#: signal -> how a reader should call it
SIGNALS = {SEARCH: "Google search interest", PAGEVIEWS: "Wikipedia pageviews"}


def with_source(records: Iterable[dict], source: str) -> list[dict]:
    """Copies of ``records`` with ``source`` set to the signal's name (one of :data:`SIGNALS`)."""
    if source not in SIGNALS:
        raise ValueError(f"signal {source!r}; accepted: {', '.join(SIGNALS)}")
    return [{**r, "source": source} for r in records]
