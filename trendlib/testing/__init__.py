"""Test and simulation tools: fake servers on loopback and simulated (ILLUSTRATIVE) data.

Nothing here talks to a real service. Modules:

* :mod:`trendlib.testing.simulate`: latent search volumes and a Google-Trends-like pull of
  them (sampling, scaling to 100, integer rounding, ``"<1"``, partial last period);
* :mod:`trendlib.testing.fakegoogle`: a loopback HTTP server speaking pytrends' wire format,
  built on the simulator (``python -m trendlib.testing.fakegoogle --port 8765``);
* :mod:`trendlib.testing.fakewikimedia`: a loopback HTTP server speaking the Wikimedia REST API's
  per-article pageviews paths and JSON (``python -m trendlib.testing.fakewikimedia --port 8766``);
* ``trendlib.testing._server``: what both fakes share (a threaded server on 127.0.0.1, start/stop and
  the context manager, the request log, the fault queue, the command line), so each fake module holds
  only what its service answers.

``FakeGoogle`` and ``FakeWikimedia`` are importable from here (``from trendlib.testing import
FakeGoogle``); they are not part of trendlib's top-level public API.
"""
from __future__ import annotations

from trendlib._lazy import lazy_namespace

_API = {
    "FakeGoogle": "trendlib.testing.fakegoogle",
    "FakeWikimedia": "trendlib.testing.fakewikimedia",
}

__all__ = sorted(_API)

__getattr__, __dir__ = lazy_namespace("trendlib.testing", _API, globals())
