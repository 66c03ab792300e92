"""Robustness of the event-study finding: window choices, log offset, samples, placebos.

:func:`sensitivity` re-runs :func:`~trendlib.analysis.event_study.event_study` under
named variants (methods.md §3.11): shorter and longer baselines, a baseline that ends
just before the anticipation day instead of a week earlier, a fold window that skips the
first days after the event, and other log offsets ``c``. Windows are periods of the
series (days for daily, weeks for weekly data), relative to the event's period 0.

:func:`verdicts` condenses the checks into one row per query: does the rise hold
(interval above 1) in every variant, does the event stand out from placebo dates, does
it hold in every Google sample?
"""
from __future__ import annotations

import dataclasses
import math

import pandas as pd

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.event_study import DEFAULT_WINDOWS, event_study

__all__ = ["Variant", "default_variants", "sensitivity", "SensitivityResult", "verdicts"]


@dataclasses.dataclass(frozen=True)
class Variant:
    """One specification: a name, its windows (periods) and the log offset."""

    name: str
    estimation: tuple[int, int]
    fold_window: tuple[int, int]
    offset: float = 1.0
    event_window: tuple[int, int] | None = None


def default_variants(frequency: str) -> list[Variant]:
    """The variants run by :func:`sensitivity` for ``"day"`` or ``"week"`` data."""
    est, evt, fold = DEFAULT_WINDOWS[frequency]
    if frequency == "day":
        return [
            Variant("main specification", est, fold),
            Variant("baseline of 4 weeks", (-28, est[1]), fold),
            Variant("baseline of 12 weeks", (-84, est[1]), fold),
            Variant("baseline up to 2 days before", (est[0], -2), fold, event_window=(-1, evt[1])),
            Variant("skip first 3 days after", est, (3, fold[1] + 3)),
            Variant("log offset c = 0.5", est, fold, 0.5),
            Variant("log offset c = 5", est, fold, 5.0),
        ]
    return [
        Variant("main specification", est, fold),
        Variant("baseline of 13 weeks", (-13, est[1]), fold),
        Variant("baseline of 39 weeks", (-39, est[1]), fold),
        Variant("baseline up to 2 weeks before", (est[0], -2), fold, event_window=(-1, evt[1])),
        Variant("event week only", est, (0, 0)),
        Variant("week after the event week only", est, (1, 1)),
        Variant("log offset c = 0.5", est, fold, 0.5),
        Variant("log offset c = 5", est, fold, 5.0),
    ]


@dataclasses.dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Fold increase of one query under each variant (``table``: one row per variant).

    ``status`` per row is ``"ok"`` or ``"not run"`` (``reason`` says why, e.g. the
    baseline would start before the data).
    """

    query: str
    event_date: object
    frequency: str
    table: pd.DataFrame = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        out = self.table.copy()
        out.insert(0, "event_date", pd.Timestamp(self.event_date))
        out.insert(0, "query", self.query)
        return out

    def summary(self) -> str:
        ok = self.table[self.table["status"] == "ok"]
        if ok.empty:
            return f"{self.query!r}: no variant could be estimated"
        return (f"{self.query!r}: fold increase {ok['fold_increase'].min():.2f}-{ok['fold_increase'].max():.2f} across "
                f"{len(ok)} variants; interval above 1 in {int((ok['fold_low'] > 1).sum())} of {len(ok)}")


def sensitivity(series: pd.Series, event_date, *, variants: list[Variant] | None = None,
                query: str | None = None, **options) -> SensitivityResult:
    """Run the event study under each variant; failures become ``not run`` rows, not errors."""
    freq = series.attrs.get("frequency")
    if freq is None:
        from trendlib.analysis.preprocess import infer_frequency

        freq = infer_frequency(series.index)
    rows = []
    for v in variants or default_variants(freq):
        row = {"variant": v.name, "estimation_start": v.estimation[0], "estimation_end": v.estimation[1],
               "fold_start": v.fold_window[0], "fold_end": v.fold_window[1], "offset": v.offset}
        try:
            r = event_study(series, event_date, estimation=v.estimation, fold_window=v.fold_window,
                            event_window=v.event_window, offset=v.offset, **options)
        except AnalysisError as exc:
            row.update(status="not run", reason=str(exc), fold_increase=math.nan, fold_low=math.nan,
                       fold_high=math.nan, p_value=math.nan, n_estimation=0, fold_is_lower_bound=False)
        else:
            row.update(status="ok", reason="", fold_increase=r.fold_increase, fold_low=r.fold_low,
                       fold_high=r.fold_high, p_value=r.p_value, n_estimation=r.n_estimation,
                       fold_is_lower_bound=r.fold_is_lower_bound)
        rows.append(row)
    q = query if query is not None else str(series.name)
    return SensitivityResult(query=q, event_date=pd.Timestamp(event_date).date(), frequency=freq,
                             table=pd.DataFrame(rows))


def verdicts(sens: list[SensitivityResult], *, placebos: dict | None = None, spreads: dict | None = None,
             labels: dict | None = None, placebo_alpha: float = 0.05) -> pd.DataFrame:
    """One row per query: which checks the finding passes, and a verdict in words.

    Parameters
    ----------
    sens : :class:`SensitivityResult` per query (the first variant is the main specification).
    placebos : query -> :class:`~trendlib.analysis.event_study.PlaceboResult`.
    spreads : query -> :class:`~trendlib.analysis.event_study.SampleSpread` (per-sample
        re-estimates; ``fold_min``/``fold_max`` are point estimates across samples).
    labels : query -> label.

    The placebo check passes when placebo p <= ``placebo_alpha``, or, when there are too
    few placebo dates for that to be possible, when the event is more unusual than every
    placebo date (``placebo_note`` says so). The verdict is "holds" when every check that
    could be run passes, "holds in some
    checks" when the main result is a rise but a check fails, "no clear rise" when the
    main interval includes 1; a series whose Google samples are flagged unreliable gets a
    warning appended (``SampleSpread.unreliable``). Checks not run (too few placebo dates, one sample)
    are reported as "not run" and do not count either way.
    """
    placebos = placebos or {}
    spreads = spreads or {}
    labels = labels or {}
    rows = []
    for s in sens:
        t = s.table
        ok = t[t["status"] == "ok"]
        main = t.iloc[0]
        row = {"query": s.query, "label": labels.get(s.query, s.query),
               "fold_increase": main["fold_increase"], "fold_low": main["fold_low"], "fold_high": main["fold_high"],
               "variants_run": len(ok), "fold_min_variants": ok["fold_increase"].min() if len(ok) else math.nan,
               "fold_max_variants": ok["fold_increase"].max() if len(ok) else math.nan,
               "variants_above_1": int((ok["fold_low"] > 1).sum())}
        checks = {"windows and offset": "pass" if len(ok) and (ok["fold_low"] > 1).all() else
                  ("not run" if ok.empty else "fail")}
        pl = placebos.get(s.query)
        if pl is None or pl.status != "ok":
            checks["placebo dates"] = "not run"
            row["placebo_p"] = math.nan
        else:
            row["placebo_p"] = pl.placebo_p
            # with n placebo dates the smallest possible placebo p is 1 / (n + 1); when that is above
            # placebo_alpha, beating every placebo date is the most the check can show
            floor = 1 / (pl.n_placebos + 1)
            checks["placebo dates"] = "pass" if pl.placebo_p <= max(placebo_alpha, floor) else "fail"
            row["placebo_note"] = (f"only {pl.n_placebos} placebo dates: the event beating all of them is the "
                                   f"strongest result possible (p = {floor:.2f})" if floor > placebo_alpha else "")
        sp = spreads.get(s.query)
        if sp is None or sp.status != "ok":
            checks["Google samples"] = "not run"
            row["sample_fold_min"] = row["sample_fold_max"] = math.nan
        else:
            row["sample_fold_min"], row["sample_fold_max"] = sp.fold_min, sp.fold_max
            row["sample_unreliable"] = bool(getattr(sp, "unreliable", False))
            low_ok = bool((sp.per_sample["fold_low"] > 1).all())
            checks["Google samples"] = "pass" if low_ok else "fail"
        for k, v in checks.items():
            row[f"check_{k.replace(' ', '_')}"] = v
        if not (main["status"] == "ok" and main["fold_low"] > 1):
            verdict = "no clear rise"
        elif all(v in ("pass", "not run") for v in checks.values()):
            verdict = "holds"
        else:
            failed = [k for k, v in checks.items() if v == "fail"]
            verdict = "holds in some checks (fails: " + ", ".join(failed) + ")"
        if row.get("sample_unreliable"):
            verdict += " - but the series is thin (Google samples disagree or show many zeros before the event)"
        row["verdict"] = verdict
        rows.append(row)
    return pd.DataFrame(rows)
