"""Reporting: run notebooks with papermill, render HTML, write results.json and index.html.

* :mod:`trendlib.report.exhibits` - what a notebook saves (figures, tables, key numbers)
* :mod:`trendlib.report.runner`   - papermill execution, staging, parallel studies
* :mod:`trendlib.report.render`   - executed notebook -> reader's and full HTML, in-process
* :mod:`trendlib.report.index`    - results.json, index.html per study and across studies

The public names are loaded on first use, so ``trendlib --help`` (which imports
:mod:`trendlib.report.commands`, and so this package) imports none of the modules above.
"""
from __future__ import annotations

from trendlib._lazy import lazy_namespace

_API = {
    "Exhibits": "exhibits",
}

__all__ = sorted(_API)

__getattr__, __dir__ = lazy_namespace("trendlib.report", _API, globals())
