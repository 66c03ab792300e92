"""Plain-language sentences built from analysis results.

Numbers are rounded to what the data can support: a multiple below 10 gets one
decimal ("3.1 times"), from 10 upwards two significant figures ("33 times", "330
times"). Lower bounds are rounded *down* so "at least" stays true. Sentences never
say "caused": they describe timing and size relative to the usual level.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["round_fold", "round_down_fold", "fold_sentence", "date_phrase", "count_sentence"]


def _sig2(x: float, fn) -> float:
    if x <= 0:
        return 0.0
    e = int(math.floor(math.log10(x))) - 1
    return fn(x / 10 ** e) * 10 ** e


def round_fold(x: float) -> str:
    """A multiple as text without false precision: 1 decimal below 10, else 2 significant figures."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if round(x, 1) < 10:
        return f"{x:.1f}"
    return f"{_sig2(x, round):,.0f}"


def round_down_fold(x: float) -> str:
    """Like :func:`round_fold` but rounding down (for "at least N-fold")."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if x < 10:
        return f"{math.floor(x * 10) / 10:.1f}"
    return f"{_sig2(x, math.floor):,.0f}"


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
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


def _get(obj: Any, key: str, default=None):
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    if key in ("fold_start", "fold_end") and hasattr(obj, "fold_dates"):
        return obj.fold_dates[0 if key == "fold_start" else 1]
    return getattr(obj, key, default)


def fold_sentence(result: Any, *, significant: bool | None = None) -> str:
    """The journalist's sentence for one event-study result.

    ``result`` is an :class:`~trendlib.analysis.event_study.EventStudyResult` or a record
    from :func:`~trendlib.analysis.event_study.event_study_records`. ``significant``
    (after multiple-testing correction) defaults to the record's own flag, else to
    ``p_value < 0.05``. Example: "Between 20 February and 5 March 2022 (around 24 February
    2022), searches for 'visa' were about 2.0 times their usual level (range 1.5-2.6)."
    """
    label = _get(result, "label") or _get(result, "query")
    fold, lo, hi = (float(_get(result, k)) for k in ("fold_increase", "fold_low", "fold_high"))
    ev = _date(_get(result, "event_date"))
    when = date_phrase(_get(result, "fold_start"), _get(result, "fold_end"))
    when = when[0].upper() + when[1:]
    if significant is None:
        significant = _get(result, "significant")
        if significant is None:
            significant = float(_get(result, "p_value")) < 0.05
    lead = f"{when} (around {ev.day} {ev:%B %Y}), searches for '{label}'"
    if _get(result, "fold_is_lower_bound"):
        base = float(_get(result, "baseline_median", float("nan")))
        base_txt = f" (a median of {base:.0f} index points)" if math.isfinite(base) else ""
        return (f"{lead} were at least {round_down_fold(lo)} times their usual level; the usual level "
                f"was too low{base_txt} for a precise ratio.")
    rng = f"(range {round_fold(lo)}-{round_fold(hi)})"
    if not significant:
        return (f"{lead} were about {round_fold(fold)} times their usual level {rng}, which is within "
                "what ordinary ups and downs produce.")
    if fold < 1:
        return f"{lead} were about {round_fold(fold)} times their usual level {rng}, i.e. lower than usual."
    return f"{lead} were about {round_fold(fold)} times their usual level {rng}."


def count_sentence(m: int, k: int, *, correction: str = "fdr_bh", alpha: float = 0.05) -> str:
    """"8 tests were run; 6 remain clear after correcting for the number of tests (FDR 5%)"."""
    name = {"fdr_bh": "false discovery rate", "fdr_by": "false discovery rate (BY)",
            "holm": "Holm family-wise", "bonferroni": "Bonferroni"}.get(correction, correction)
    return (f"{m} test{'s' if m != 1 else ''} were run; {k} remain{'s' if k == 1 else ''} clear after "
            f"correcting for the number of tests ({name}, {100 * alpha:g}%).")
