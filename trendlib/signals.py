"""The attention signals a study can hold, by name, so every result says which one it measures.

=========================== =============================================================
``source`` value            signal
=========================== =============================================================
``google-trends``           Google search interest (sampled, rounded, relative index 0-100)
``wikipedia-pageviews``     Wikipedia pageviews (daily numbers of views, counted in full)
=========================== =============================================================

Results computed on a signal carry its name as ``source`` (e.g. the ``event_study`` records of
``results.json``, from :func:`trendlib.analysis.event_study.run_event_studies`'s ``source=``).
"""
from __future__ import annotations

__all__ = ["SEARCH", "PAGEVIEWS", "SIGNALS"]

SEARCH = "google-trends"
PAGEVIEWS = "wikipedia-pageviews"
#: signal -> how a reader should call it
SIGNALS = {SEARCH: "Google search interest", PAGEVIEWS: "Wikipedia pageviews"}
