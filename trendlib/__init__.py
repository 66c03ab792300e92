"""trendlib: Google Trends series, dated events and border crossings, for rerunnable notebooks.

The public API is the short list in ``__all__``. Names are imported lazily so that
``import trendlib`` and ``trendlib --help`` stay fast (pandas, statsmodels and
matplotlib load only when a function that needs them is first used).

Layers (each a subpackage with one job; data flows one way)::

    acquire/    what every source shares: cache, rate limit, retries, --max-wait, resume/offline, provenance
    trends/     pulls from Google Trends through pytrends (plan, client, cache, stitch)
    wikimedia/  daily Wikipedia pageviews per article (Wikimedia REST API)
    datasets/   loads and validates the bundled data (trends files, events, crossings)
    analysis/   statistics: pure functions on pandas objects, frozen result objects
    plots       matplotlib figures from frames and results
    report/     runs the notebooks (papermill), renders HTML, writes results.json and index.html
    study       the validated study file (one YAML per study)
"""
from __future__ import annotations

from trendlib._lazy import lazy_namespace

__version__ = "0.1.0"

# public name -> module that defines it
_API: dict[str, str] = {
    "Study": "trendlib.study",
    "load_study": "trendlib.study",
    "StudyError": "trendlib.study",
    "TrendlibError": "trendlib.errors",
    "load_trends": "trendlib.datasets",
    "load_events": "trendlib.datasets",
    "load_trend_samples": "trendlib.datasets",
    "load_pageviews": "trendlib.datasets",
    "load_crossings": "trendlib.datasets",
    "load_facts": "trendlib.datasets",
    "derive_crossing_series": "trendlib.datasets",
    "CrossingSeries": "trendlib.datasets",
    "DataError": "trendlib.datasets",
    "read_web_export": "trendlib.datasets.webexport",
    "import_web_export": "trendlib.datasets.webexport",
    "read_provenance": "trendlib.provenance",
    "Exhibits": "trendlib.report.exhibits",
    "open_study": "trendlib.report.notebook",
    "run_study": "trendlib.report.runner",
    "make_plan": "trendlib.trends.plan",
    "FetchPlan": "trendlib.trends.plan",
    "TrendsRequest": "trendlib.trends.plan",
    "expected_resolution": "trendlib.trends.plan",
    "choose_anchor": "trendlib.trends.plan",
    "calibrate_batches": "trendlib.trends.stitch",
    "calibrate_ladder": "trendlib.trends.stitch",
    "LadderResult": "trendlib.trends.stitch",
    "stitch_windows": "trendlib.trends.stitch",
    "average_samples": "trendlib.trends.stitch",
    "CalibrationResult": "trendlib.trends.stitch",
    "StitchResult": "trendlib.trends.stitch",
    "fetch_trends": "trendlib.trends.fetch",
    "fetch_pageviews": "trendlib.wikimedia.fetch",
    "PageviewsResult": "trendlib.wikimedia.fetch",
    "FetchResult": "trendlib.trends.fetch",
    "fetch_regions": "trendlib.trends.regions",
    "fetch_related": "trendlib.trends.regions",
    "TrendsClient": "trendlib.trends.client",
    "TrendsCache": "trendlib.trends.cache",
    "event_study": "trendlib.analysis.event_study",
    "placebo_test": "trendlib.analysis.event_study",
    "run_event_studies": "trendlib.analysis.event_study",
    "event_study_by_sample": "trendlib.analysis.event_study",
    "event_study_records": "trendlib.analysis.event_study",
    "segmented_regression": "trendlib.analysis.segmented",
    "state_space_counterfactual": "trendlib.analysis.counterfactual",
    "searches_vs_crossings": "trendlib.analysis.leadlag",
    "adjust_pvalues": "trendlib.analysis.multitest",
    "fold_sentence": "trendlib.text",
    "AnalysisError": "trendlib.analysis.errors",
}

__all__ = sorted(_API) + ["__version__"]


__getattr__, _ = lazy_namespace('trendlib', _API, globals())


def __dir__() -> list[str]:
    return __all__
