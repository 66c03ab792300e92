"""Google Trends acquisition: plan, client (pytrends), cache, stitch, fetch.

See the module docstrings; the curated entry points are re-exported from
``trendlib`` (``trendlib.fetch_trends``, ``trendlib.make_plan``, ...).
"""
