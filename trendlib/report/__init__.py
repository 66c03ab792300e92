"""Reporting: run notebooks with papermill, render HTML, write results.json and index.html.

* :mod:`trendlib.report.exhibits` - what a notebook saves (figures, tables, key numbers)
* :mod:`trendlib.report.runner`   - papermill execution, staging, parallel studies
* :mod:`trendlib.report.render`   - executed notebook -> reader's and full HTML, in-process
* :mod:`trendlib.report.index`    - results.json, index.html per study and across studies
"""
from trendlib.report.exhibits import Exhibits

__all__ = ["Exhibits"]
