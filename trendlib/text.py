"""One formatter for every number a reader sees.

Sentences, chart titles, table cells, ``summary()`` lines and the landing page all
render a result through the functions here, so that they cannot disagree:

* **Rounding.** A multiple from 1 to 10 gets one decimal ("3.1 times"), from 10
  upwards two significant figures ("33 times", "330 times"), below 1 two significant
  figures ("0.23"), so a drop never reads "0.0 times" (:func:`number`).
* **One bound.** "At least N" is always the lower end of the interval (``fold_low``)
  rounded *down* (:func:`bound`), in the sentence, the title, the table and summary().
* **Words from the result's own flags** (event-study records and results):
  ``significant`` (after the multiple-testing correction; default ``p_value < alpha``),
  ``direction`` (``"rise"``, ``"drop"`` or ``"none"``; default from the interval),
  ``baseline_note`` (``"ok"``, ``"low"``, ``"flat"`` or ``"zero"``; default ``"low"`` when
  ``fold_is_lower_bound``), ``overlaps`` (``""`` or the date of a larger spike inside
  the window), ``distinct_spike``. A missing field takes its default.
* **Lead and lag** are stated only when the result is significant; otherwise "no lead
  or lag could be established" and why (:func:`lead_lag_phrase`). Lag convention: ``k >
  0`` means searches lead crossings by ``k`` periods (days or weeks).

Sentences never say "caused": they describe timing and size relative to the usual level.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["number", "bound", "date_phrase", "short_date", "FoldReading", "fold_reading", "fold_sentence",
           "fold_figure", "fold_cell", "clear_cell", "fold_summary", "count_sentence",
           "family_count_sentence", "not_studied_sentence", "robustness_count_sentence", "p_text", "p_equals", "percent", "interval_record", "spread_sentence",
           "lead_lag_phrase", "lead_lag_title", "GLOSSARY", "explain_columns", "ColumnNotes", "TIMES"]

TIMES = "\u00d7"
_LOW_NOTES = {"low", "flat", "zero"}


# ----------------------------------------------------------------------------- numbers
def _sig2(x: float, fn) -> float:
    e = int(math.floor(math.log10(x))) - 1
    return fn(round(x / 10 ** e, 9)) * 10 ** e


def _finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def number(x) -> str:
    """A multiple as text without false precision.

    Below 1: two significant figures ("0.23", "0.041"); 1 to 10: one decimal ("3.1");
    10 and above: two significant figures with thousands separators ("33", "1,200").
    """
    if not _finite(x):
        return "n/a"
    x = float(x)
    if x <= 0:
        return "0"
    if x < 0.995:
        digits = max(2 - int(math.floor(math.log10(x))) - 1, 1)
        return f"{x:.{digits}f}"
    if round(x, 1) < 10:
        return f"{x:.1f}"
    return f"{_sig2(x, round):,.0f}"


def bound(x) -> str:
    """Like :func:`number` but rounding *down*, for "at least N" (so the bound stays true)."""
    if not _finite(x):
        return "n/a"
    x = float(x)
    if x <= 0:
        return "0"
    if x < 1:
        e = int(math.floor(math.log10(x))) - 1
        return f"{math.floor(round(x / 10 ** e, 9)) * 10 ** e:.{max(-e, 1)}f}"
    if x < 10:
        return f"{math.floor(round(x * 10, 9)) / 10:.1f}"
    return f"{_sig2(x, math.floor):,.0f}"


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def date_phrase(start, end) -> str:
    """"on 21 September 2022" or "between 21 and 27 September 2022" / "between 20 February and 5 March 2022"."""
    a, b = _date(start), _date(end)
    if a == b:
        return f"on {a.day} {a:%B %Y}"
    if (a.year, a.month) == (b.year, b.month):
        return f"between {a.day} and {b.day} {b:%B %Y}"
    first = f"{a.day} {a:%B}" + ("" if a.year == b.year else f" {a.year}")
    return f"between {first} and {b.day} {b:%B %Y}"


def short_date(value) -> str:
    """"21 Sep" (the form used in titles and markers)."""
    d = _date(value)
    return f"{d.day} {d:%b}"


# ------------------------------------------------------------------- event studies
def _get(obj: Any, key: str, default=None):
    if isinstance(obj, Mapping):
        value = obj.get(key, default)
    elif key in ("fold_start", "fold_end") and hasattr(obj, "fold_dates"):
        value = obj.fold_dates[0 if key == "fold_start" else 1]
    else:
        value = getattr(obj, key, default)
    if value is None:
        return default
    try:
        if isinstance(value, float) and math.isnan(value) and default is not None:
            return default
    except TypeError:
        pass
    return value


@dataclasses.dataclass(frozen=True)
class FoldReading:
    """What one event-study result says, decided once from its own flags.

    ``kind`` is one of ``"rise"`` (clear rise, precise), ``"at_least"`` (clear rise over a
    low, flat or zero baseline: only a lower bound), ``"drop"`` (clear fall),
    ``"overlap"`` (clear, but the window contains a larger event's spike: not a finding of
    its own), ``"barely"`` (above 1 over a flat or all-zero baseline, but not clear after
    correction: only "at least N" can be said, and not that it was unusual), ``"unclear"``
    (not significant after correction). ``value`` is the one number shown for it (the point
    estimate, or for ``at_least`` the rounded-down lower bound), ``low``/``high`` the
    interval as shown.
    """

    kind: str
    value: str
    low: str
    high: str
    significant: bool
    baseline_note: str
    overlaps: str
    label: str


def fold_reading(result: Any, *, significant: bool | None = None) -> FoldReading:
    """Decide how ``result`` (an event-study record or result object) is to be read."""
    fold, lo, hi = (float(_get(result, k, math.nan)) for k in ("fold_increase", "fold_low", "fold_high"))
    if significant is None:
        significant = _get(result, "significant")
    if significant is None:
        p = _get(result, "p_value", math.nan)
        significant = bool(_finite(p) and float(p) < float(_get(result, "alpha", 0.05)))
    significant = bool(significant)
    lower_bound = bool(_get(result, "fold_is_lower_bound", False))
    note = str(_get(result, "baseline_note", "low" if lower_bound else "ok"))
    direction = _get(result, "direction")
    if direction is None:
        direction = ("rise" if lo > 1 else "drop" if hi < 1 else "none") if significant else "none"
    overlaps = str(_get(result, "overlaps", "") or "")
    label = str(_get(result, "label") or _get(result, "query") or "")
    if (not significant or direction == "none") and note in ("zero", "flat") and lo > 1:
        kind = "barely"  # a rise over a (nearly) empty baseline that the data cannot call clear
    elif not significant or direction == "none":
        kind = "unclear"  # not clear after correction: whatever its window holds, no finding to attribute
    elif overlaps:
        kind = "overlap"
    elif direction == "drop":
        kind = "drop"
    elif note in _LOW_NOTES or lower_bound:
        kind = "at_least"
    else:
        kind = "rise"
    low_base = note in _LOW_NOTES or lower_bound
    value = bound(lo) if kind in ("at_least", "barely") or (kind == "overlap" and low_base and lo > 1) else number(fold)
    return FoldReading(kind=kind, value=value, low=number(lo), high=number(hi), significant=significant,
                       baseline_note=note, overlaps=overlaps, label=label)


_FRACTIONS = ((2, "half"), (3, "a third"), (4, "a quarter"), (5, "a fifth"), (10, "a tenth"))


def _fraction_words(x: float) -> str:
    """0.21 -> "about a fifth"; 0.5 -> "about half"; else "about 37%"."""
    if _finite(x) and x > 0:
        for n, words in _FRACTIONS:
            if abs(math.log(x * n)) < 0.12:
                return f"about {words}"
        return f"about {100 * x:.0f}%" if x >= 0.1 else f"about {100 * x:.1g}%"
    return "n/a"


def _overlap_words(overlaps: str) -> str:
    try:
        return f"the {short_date(overlaps)} spike"
    except ValueError:
        return f"the {overlaps} spike"


def fold_sentence(result: Any, *, significant: bool | None = None) -> str:
    """The reader's sentence for one event-study result (record or result object).

    Example: "Between 20 February and 5 March 2022 (around 24 February 2022), searches for
    'visa' were about 2.0 times their usual level (range 1.5-2.6)." A result whose ``source`` is
    ``wikipedia-pageviews`` speaks of views of an article (views a day) instead of searches.
    """
    rd = fold_reading(result, significant=significant)
    ev = _date(_get(result, "event_date"))
    when = date_phrase(_get(result, "fold_start"), _get(result, "fold_end"))
    views = _get(result, "source", "") == "wikipedia-pageviews"  # a pageviews result counts views, not an index
    noun = "views of" if views else "searches for"
    lead = f"{when[0].upper() + when[1:]} (around {ev.day} {ev:%B %Y}), {noun} '{rd.label}'"
    unit, searched = ("views a day", "barely read") if views else ("index points", "barely searched")
    rng = f"range {rd.low}-{rd.high}"
    if rd.kind == "overlap":
        size = (f"at least {rd.value} times their usual level" if rd.value != number(_get(result, "fold_increase"))
                else f"about {rd.value} times their usual level ({rng})")
        return (f"{lead} were {size}, but the window includes {_overlap_words(rd.overlaps)}, so this is not "
                "a finding of its own.")
    if rd.kind == "unclear":
        return (f"{lead} showed no clear change: about {rd.value} times their usual level ({rng}), which is "
                "not distinguishable from ordinary ups and downs once the number of tests is taken into account.")
    if rd.kind == "drop":
        return (f"{lead} fell to {_fraction_words(float(_get(result, 'fold_increase')))} of their usual level "
                f"({rd.value} times; {rng}).")
    if rd.kind == "barely":
        base = _get(result, "baseline_median", math.nan)
        base_txt = f" (a median of {float(base):.0f} {unit})" if _finite(base) else ""
        return (f"{lead} were at least {rd.value} times their usual level, but it was {searched} before"
                f"{base_txt}: too little to tell a real rise from chance once the number of tests is taken "
                "into account.")
    if rd.kind == "at_least":
        base = _get(result, "baseline_median", math.nan)
        base_txt = f" (a median of {float(base):.0f} {unit})" if _finite(base) else ""
        return (f"{lead} were at least {rd.value} times their usual level; it was {searched} before"
                f"{base_txt}, too low a level for a precise ratio.")
    return f"{lead} were about {rd.value} times their usual level ({rng})."


def fold_figure(result: Any, *, significant: bool | None = None) -> str:
    """The short form for chart titles and legends: "4.4×", "≥14×", "0.23× (fell)",
    "1.1× (no clear change)", "4.9× (window includes the 21 Sep spike)"."""
    rd = fold_reading(result, significant=significant)
    if rd.kind == "at_least":
        return f"\u2265{rd.value}{TIMES}"
    if rd.kind == "rise":
        return f"{rd.value}{TIMES}"
    if rd.kind == "drop":
        return f"{rd.value}{TIMES} (fell)"
    if rd.kind == "barely":
        before = "barely read before" if _get(result, "source", "") == "wikipedia-pageviews" else "barely searched before"
        return f"\u2265{rd.value}{TIMES} ({before}; not clear)"
    if rd.kind == "overlap":
        prefix = "\u2265" if rd.value != number(_get(result, "fold_increase")) else ""
        return f"{prefix}{rd.value}{TIMES} (window includes {_overlap_words(rd.overlaps)})"
    return f"{rd.value}{TIMES} (no clear change)"


def fold_cell(result: Any, *, significant: bool | None = None) -> str:
    """The table cell: :func:`fold_figure` with the interval where a ratio is precise."""
    rd = fold_reading(result, significant=significant)
    if rd.kind in ("at_least", "barely"):
        return f"\u2265{rd.value}{TIMES} (low baseline{'' if rd.kind == 'at_least' else '; not clear'})"
    return f"{fold_figure(result, significant=significant)} [{rd.low}-{rd.high}]"


def clear_cell(result: Any, *, significant: bool | None = None) -> str:
    """The table's "clear" cell: "yes", "yes (a drop)", "no: overlaps a larger spike", "no: barely searched
    before" ("barely read before" for pageviews) or "no"."""
    kind = fold_reading(result, significant=significant).kind
    before = "barely read before" if _get(result, "source", "") == "wikipedia-pageviews" else "barely searched before"
    return {"rise": "yes", "at_least": "yes", "drop": "yes (a drop)", "overlap": "no: overlaps a larger spike",
            "barely": f"no: {before}", "unclear": "no"}[kind]


def fold_summary(result: Any, *, significant: bool | None = None) -> str:
    """The ``summary()`` form: the reader's number, then the raw estimate and interval."""
    rd = fold_reading(result, significant=significant)
    fold, lo, hi = (float(_get(result, k, math.nan)) for k in ("fold_increase", "fold_low", "fold_high"))
    shown = fold_figure(result, significant=significant)
    if shown.startswith("\u2265"):
        return (f"{shown}  (the lower end of the 95% range, {lo:.2f}, rounded down; over so low a baseline "
                f"the point estimate {fold:.2f} is not a reliable ratio)")
    return f"{shown}  (estimate {fold:.2f} [{lo:.2f}, {hi:.2f}])"


def p_text(p) -> str:
    """A p-value as shown everywhere: three decimals ("0.008"), "<0.001" below that, "n/a" when missing."""
    if not _finite(p):
        return "n/a"
    return "<0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def p_equals(p, name: str = "p") -> str:
    """"p = 0.141" or "p < 0.001" (the form used in summary() lines)."""
    shown = p_text(p)
    return f"{name} < 0.001" if shown == "<0.001" else f"{name} = {shown}"


def percent(x) -> str:
    """A share as a whole percentage ("35%"), "n/a" when missing."""
    return f"{100 * float(x):.0f}%" if _finite(x) else "n/a"


def interval_record(fold, low, high, *, significant: bool | None = None, p_value=None, alpha: float = 0.05,
                    label: str = "", baseline_note: str | None = None, fold_is_lower_bound: bool = False) -> dict:
    """A record that :func:`fold_figure`/:func:`fold_cell` can read, for any multiple with a 95% range
    (segmented regression's level change, the state-space counterfactual, ...). Without ``significant`` it
    is ``p_value < alpha``, or without a p-value whether the range excludes 1."""
    if significant is None:
        significant = (float(p_value) < alpha if _finite(p_value) else
                       bool(_finite(low) and _finite(high) and (float(low) > 1 or float(high) < 1)))
    rec = {"fold_increase": fold, "fold_low": low, "fold_high": high, "significant": bool(significant),
           "fold_is_lower_bound": bool(fold_is_lower_bound), "label": label, "alpha": alpha}
    if baseline_note is not None:
        rec["baseline_note"] = baseline_note
    return rec


def spread_sentence(n_samples: int, fold_min, fold_median, fold_max, *, unreliable: bool = False,
                    baseline_cv=None, baseline_zero_share=None) -> str:
    """"across 5 Google samples the estimate ranged from 4.1 to 4.9 times the usual level (median 4.5)", with
    the reason when the samples are flagged unreliable."""
    text = (f"across {n_samples} Google samples the estimate ranged from {number(fold_min)} to {number(fold_max)} "
            f"times the usual level (median {number(fold_median)})")
    if unreliable:
        text += (f"; flagged unreliable: before the event the samples disagreed by {percent(baseline_cv)} on "
                 f"average and {percent(baseline_zero_share)} of values were 0")
    return text


def count_sentence(m: int, k: int, *, correction: str = "fdr_bh", alpha: float = 0.05) -> str:
    """"8 tests were run; 6 remain clear after correcting for the number of tests (FDR 5%)"."""
    name = {"fdr_bh": "false discovery rate", "fdr_by": "false discovery rate (BY)",
            "holm": "Holm family-wise", "bonferroni": "Bonferroni"}.get(correction, correction)
    return (f"{m} test{'s' if m != 1 else ''} were run; {k} remain{'s' if k == 1 else ''} clear after "
            f"correcting for the number of tests ({name}, {100 * alpha:g}%).")


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def family_count_sentence(m: int, *, n_clear: int, n_distinct: int, n_overlapping: int,
                          correction: str = "fdr_bh", alpha: float = 0.05, what: str = "query-event pairs") -> str:
    """The headline count of an event-study family: distinct spikes first, each counted once.

    ``m`` results were tested, ``n_clear`` are significant after ``correction``, of which
    ``n_distinct`` are findings of their own (:meth:`EventStudySet.n_distinct_significant`) and
    ``n_overlapping`` are clear only because their window holds a larger event's spike
    (:meth:`EventStudySet.n_overlapping`). Example: "Of 50 query-event pairs tested, 14 show a
    distinct clear change after correcting for the number of tests (false discovery rate, 5%); 12 more
    are clear only because their window includes a larger event's spike, and are not counted as findings
    of their own."
    """
    if m == 0:
        return f"None of the {what} could be tested: the data do not hold the windows the event study needs."
    name = {"fdr_bh": "false discovery rate", "fdr_by": "false discovery rate (BY)",
            "holm": "Holm family-wise", "bonferroni": "Bonferroni"}.get(correction, correction)
    rest = n_clear - n_distinct - n_overlapping  # clear but neither: not expected; said rather than hidden
    head = (f"Of {m} {what} tested, {n_distinct} {_plural(n_distinct, 'shows', 'show')} a distinct clear change "
            f"after correcting for the number of tests ({name}, {100 * alpha:g}%)")
    if n_overlapping:
        head += (f"; {n_overlapping} more {_plural(n_overlapping, 'is', 'are')} clear only because "
                 f"{_plural(n_overlapping, 'its', 'their')} window includes a larger event's spike, and "
                 f"{_plural(n_overlapping, 'is', 'are')} not counted as {_plural(n_overlapping, 'a finding', 'findings')}"
                 f" of {_plural(n_overlapping, 'its', 'their')} own")
    if rest > 0:
        head += f"; {rest} more {_plural(rest, 'is', 'are')} clear without a direction that can be stated"
    return head + "."


def not_studied_sentence(label: str, event: str, reason: str) -> str:
    """Why one query (``label``) has no result for ``event``: said where its finding would stand.

    ``reason`` is the analysis' own refusal (e.g. ``"only 5 non-missing weeks in the estimation window
    before 2022-02-20; need at least 12"``). Example: "українські фільми: the main event could not be
    studied (only 5 non-missing weeks ...); no finding is stated for it."
    """
    return f"{label}: {event} could not be studied ({reason.rstrip('.')}); no finding is stated for it."


def robustness_count_sentence(n_hold: int, n_queries: int, *, n_not_studied: int = 0) -> str:
    """Notebook 30's count: "1 of 3 queries' rises hold under every check that could be run; 1 could not be
    studied at all (its reason is in the table)." A query that could not be studied is not a rise that failed."""
    text = f"{n_hold} of {n_queries} queries' rises hold under every check that could be run"
    if n_not_studied:
        text += (f"; {n_not_studied} could not be studied at all ({_plural(n_not_studied, 'its', 'their')} "
                 f"reason{'' if n_not_studied == 1 else 's'} in the table)")
    return text + "."


# ---------------------------------------------------------------------- lead / lag
def _unit(frequency: str | None, k: int) -> str:
    f = frequency or "period"
    return f if abs(k) == 1 else f"{f}s"


def lead_lag_phrase(result: Any, *, significant: bool | None = None) -> str:
    """Plain words for a searches-vs-crossings result (a LeadLagResult or a record).

    A lead or lag is stated only when the *lag itself* is established: ``lag`` is set (a
    test at a single lag, the prewhitened cross-correlation or the lagged regression,
    survives the correction): "searches moved 3 days before crossings". Otherwise "no lead
    or lag could be established" and why: nothing survives the correction, or a relation
    was detected (Granger, nowcast) but its timing could not be pinned down. ``peak_lag``
    (the largest correlation, significant or not) is never put into words.

    ``significant`` overrides the result's own flag (e.g. after a correction across several
    pairs); the result's ``reason`` then no longer applies and a generic reason is given.
    """
    status = _get(result, "status", "ok")
    reason = str(_get(result, "reason", "") or "")
    if status != "ok":
        return "no lead or lag could be established: " + (reason or "the pair could not be tested")
    own = bool(_get(result, "significant", False))
    if significant is None:
        significant = own
    elif bool(significant) != own:
        reason = ""  # the reason was given for the result's own correction, not this one
    if not significant:
        n = _get(result, "n_tests")
        corr = _get(result, "correction", "")
        why = reason or (f"none of the {int(n)} tests survives the {corr} correction" if _finite(n) and corr else
                         "no test survives the correction for the number of tests")
        return f"no lead or lag could be established: {why}"
    lag = _get(result, "lag")
    if not _finite(lag):
        return "no lead or lag could be established: " + (
            reason or "a relation was detected but its timing could not be pinned down (no test at a single "
                      "lag survives the correction)")
    k = int(lag)
    freq = _get(result, "frequency")
    if k > 0:
        return f"searches moved {k} {_unit(freq, k)} before crossings"
    if k < 0:
        return f"crossings moved {-k} {_unit(freq, k)} before searches"
    return f"searches and crossings moved in the same {freq or 'period'}"


def lead_lag_title(result: Any, *, what: str, significant: bool | None = None) -> str:
    """A chart title: "'visa' vs Finland: searches moved 3 days before crossings"."""
    phrase = lead_lag_phrase(result, significant=significant)
    if phrase.startswith("no lead or lag"):
        phrase = "no lead or lag could be established"
    return f"{what}: {phrase}"


# ------------------------------------------------------------------------ columns
#: what each table column means, said once where it first appears on a page
GLOSSARY: dict[str, str] = {
    "times usual": "search interest over the fold window as a multiple of its usual level (1\u00d7 = usual), "
                   "95% range in brackets; \u2265 marks a lower bound when the query was barely searched before",
    "fold_increase": "search interest over the fold window as a multiple of what the baseline predicts "
                     "(1 = usual)",
    "fold_low": "lower end of the 95% range of the multiple",
    "fold_high": "upper end of the 95% range of the multiple",
    "fold_is_lower_bound": "the usual level was too low for a ratio; read the multiple as 'at least fold_low'",
    "fold_start": "first day of the fold window (the days the multiple is averaged over)",
    "fold_end": "last day of the fold window",
    "p_value": "chance of a change at least this large if nothing unusual happened, before correcting for the "
               "number of tests",
    "q_value": "the p-value after correcting for the number of tests (small = clear)",
    "significant": "whether the change is clear after correcting for the number of tests",
    "clear": "whether the change is clear after correcting for the number of tests",
    "baseline_median": "median search interest over the baseline (index points, 0-100)",
    "event_mean": "mean search interest over the fold window (index points, 0-100)",
    "peak_date": "day (or start of the week) with the highest value in the event window",
    "periods_to_band": "days (or weeks) after the event until interest was back inside the normal band "
                       "('-': not within the event window)",
    "n_estimation": "number of days (or weeks) in the baseline",
    "estimation_start": "first baseline period, counted from the event (negative = before)",
    "estimation_end": "last baseline period, counted from the event",
    "rho": "lag-1 autocorrelation of the baseline residuals (0 = none, near 1 = very persistent)",
    "ljung_box_p": "Ljung-Box test that the baseline left no autocorrelation (small = some was left)",
    "t_stat": "t statistic of the mean abnormal log interest over the fold window",
    "df_resid": "residual degrees of freedom of the baseline model",
    "car": "cumulative abnormal log interest: the sum over the event window of log(observed + 1) minus "
           "log(expected + 1)",
    "car_low": "lower end of the 95% range of car",
    "car_high": "upper end of the 95% range of car",
    "max_z": "largest standardized gap between observed and expected interest in the event window",
    "n_days": "number of single-day figures",
    "longest_run_days": "longest run of consecutive days with a figure",
    "longest_run_weeks": "longest run of consecutive weeks with a figure",
    "n_weeks": "number of weekly figures",
    "peak_lag": "lag of the strongest correlation (positive: searches earlier); descriptive only, not a lead or "
                "lag unless `lag` is set",
    "lag": "the lead or lag the tests establish, in days or weeks (positive: searches earlier); empty when "
           "none could be established",
    "peak_r": "strongest correlation of changes after prewhitening (-1 to 1)",
    "lead": "what the tests can say about who moved first",
    "n": "number of periods used",
    "placebo_p": "share of non-event dates that look at least as unusual as the event (small = it stands out)",
    "false_alarm_rate": "share of non-event dates that alone would have been called a clear rise",
    "n_placebo_dates": "number of non-event dates analysed",
    "share_zero": "share of periods where Google reported 0",
    "log_sd": "standard deviation of the log multiple across Google samples",
    "baseline_cv": "how much Google samples disagree before the event (coefficient of variation)",
    "baseline_zero_share": "share of baseline values that are 0",
}


def explain_columns(columns, *, already: set | None = None) -> list[tuple[str, str]]:
    """``(column, meaning)`` for the columns in :data:`GLOSSARY` not in ``already``."""
    seen = already if already is not None else set()
    return [(c, GLOSSARY[c]) for c in columns if c in GLOSSARY and c not in seen]


class ColumnNotes:
    """Explains each table column the first time it appears on a page (one instance per notebook).

    ``notes(columns)`` returns a Markdown line ("Columns: `car` = ...; `rho` = ...") for the
    columns not yet explained (``extra`` adds meanings for columns outside :data:`GLOSSARY`),
    or ``""`` when all were explained above.
    """

    def __init__(self):
        self.seen: set[str] = set()

    def __call__(self, columns, *, extra: Mapping[str, str] | None = None) -> str:
        meanings = dict(GLOSSARY, **(extra or {}))
        new = [(c, meanings[c]) for c in columns if c in meanings and c not in self.seen]
        self.seen |= {c for c, _ in new}
        if not new:
            return ""
        return "**Columns.** " + "; ".join(f"`{c}`: {m}" for c, m in new) + "."
