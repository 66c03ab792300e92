"""Statistics on pandas objects: event studies, segmented regression, state-space
counterfactuals, searches-vs-crossings lead/lag, multiple-testing correction and the
plain-language sentences built from their results.

Every function is pure (reads no file, draws nothing, keeps no state) and returns a
frozen result object with ``summary()`` (plain text) and ``to_frame()`` (tidy
DataFrame). Conventions shared by the modules:

* search interest is Google's relative index (0-100 within a download), analysed as
  ``log(value + c)`` with ``c = offset`` (default 1);
* windows are counted in periods of the series: days for daily series, weeks for weekly
  ones (``resolution`` of the tidy frame, or inferred from the dates);
* negative relative periods are before the event date, positive ones after it; a lag
  ``k > 0`` in :mod:`~trendlib.analysis.leadlag` means searches move ``k`` periods
  *before* crossings.

Submodules are imported on first use so that ``import trendlib.analysis`` stays cheap.
"""
from __future__ import annotations

from trendlib._lazy import lazy_namespace

_API: dict[str, str] = {
    "AnalysisError": "trendlib.analysis.errors",
    "series_from_tidy": "trendlib.analysis.preprocess",
    "infer_frequency": "trendlib.analysis.preprocess",
    "adjust_pvalues": "trendlib.analysis.multitest",
    "EventStudyResult": "trendlib.analysis.event_study",
    "EventStudySet": "trendlib.analysis.event_family",
    "PlaceboResult": "trendlib.analysis.placebo",
    "event_study": "trendlib.analysis.event_study",
    "placebo_test": "trendlib.analysis.placebo",
    "run_event_studies": "trendlib.analysis.event_family",
    "event_study_by_sample": "trendlib.analysis.event_samples",
    "event_study_records": "trendlib.analysis.event_family",
    "events_to_study": "trendlib.analysis.event_family",
    "SampleSpread": "trendlib.analysis.event_samples",
    "SegmentedResult": "trendlib.analysis.segmented",
    "segmented_regression": "trendlib.analysis.segmented",
    "CounterfactualResult": "trendlib.analysis.counterfactual",
    "state_space_counterfactual": "trendlib.analysis.counterfactual",
    "LeadLagResult": "trendlib.analysis.leadlag",
    "align_searches_crossings": "trendlib.analysis.leadlag",
    "searches_vs_crossings": "trendlib.analysis.leadlag",
    "prewhitened_ccf": "trendlib.analysis.leadlag",
    "fold_sentence": "trendlib.text",
}

__all__ = sorted(_API)


__getattr__, _ = lazy_namespace('trendlib.analysis', _API, globals())


def __dir__() -> list[str]:
    return __all__
