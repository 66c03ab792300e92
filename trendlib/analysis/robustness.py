"""Robustness of the event-study finding: window choices, log offset, samples, placebos.

:func:`sensitivity` re-runs :func:`~trendlib.analysis.event_study.event_study` under
named variants (methods.md §3.11): shorter and longer baselines, a baseline that ends
just before the anticipation day instead of a week earlier, a fold window that skips the
first days after the event, and other log offsets ``c``. Windows are periods of the
series (days for daily, weeks for weekly data), relative to the event's period 0.

:func:`verdicts` condenses the checks into one row per query: does the rise hold
(interval above 1) in every variant, does the event stand out from placebo dates and
resampled baselines, does the model raise false alarms on ordinary dates of this series,
does it hold in every Google sample?
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
    trend: bool = False


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
            Variant("linear trend in the baseline", est, fold, trend=True),
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
        Variant("linear trend in the baseline", est, fold, trend=True),
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
                            event_window=v.event_window, offset=v.offset, trend=v.trend, **options)
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


def _placebo_checks(pl, placebo_alpha: float, alarm_alpha: float) -> tuple[dict, dict]:
    """(checks, row fields) from a :class:`PlaceboResult`: does the event stand out, and does the
    model raise false alarms on ordinary dates of this series?"""
    from scipy import stats

    if pl is None or pl.status != "ok":
        return {"placebo dates": "not run", "false alarms": "not run"}, {"placebo_p": math.nan}
    row = {"placebo_p": pl.placebo_p, "placebo_min_p": pl.min_p, "placebo_n": pl.n_placebos,
           "placebo_n_dates": pl.n_dates, "false_alarm_rate": pl.false_positive_rate}
    checks = {"placebo dates": "pass" if pl.placebo_p <= placebo_alpha else "fail"}
    notes = [f"the event was compared with {pl.n_dates} ordinary dates and {pl.n_resampled} resampled baselines "
             f"(smallest possible placebo p = {pl.min_p:.3f})"]
    if pl.min_p > placebo_alpha:
        notes.append(f"with {pl.n_placebos} references a placebo p below {placebo_alpha:g} is impossible")
        checks["placebo dates"] = "not run"
    if pl.n_dates:
        k = int(round(pl.false_positive_rate * pl.n_dates))
        p_excess = float(stats.binom.sf(k - 1, pl.n_dates, pl.alpha)) if k else 1.0
        checks["false alarms"] = "fail" if p_excess < alarm_alpha else "pass"
        if checks["false alarms"] == "fail":
            notes.append(f"the model called {k} of {pl.n_dates} ordinary dates ({pl.false_positive_rate:.0%}) a clear "
                         f"change, where {100 * pl.alpha:g}% is expected: its ranges are too narrow for this series")
    else:
        checks["false alarms"] = "not run"
    row["placebo_note"] = "; ".join(notes)
    return checks, row


def _sample_checks(sp) -> tuple[dict, dict]:
    if sp is None or sp.status != "ok":
        return {"Google samples": "not run"}, {"sample_fold_min": math.nan, "sample_fold_max": math.nan}
    row = {"sample_fold_min": sp.fold_min, "sample_fold_max": sp.fold_max,
           "sample_unreliable": bool(getattr(sp, "unreliable", False))}
    return {"Google samples": "pass" if bool((sp.per_sample["fold_low"] > 1).all()) else "fail"}, row


def _verdict(main, checks: dict, unreliable: bool) -> str:
    if main["status"] != "ok":
        return "not studied: " + str(main["reason"])
    if not main["fold_low"] > 1:
        verdict = "no clear rise"
    elif all(v in ("pass", "not run") for v in checks.values()):
        verdict = "holds"
    else:
        failed = [k for k, v in checks.items() if v == "fail"]
        verdict = "holds in some checks (fails: " + ", ".join(failed) + ")"
    if unreliable:
        verdict += " - but the series is thin (Google samples disagree or show many zeros before the event)"
    return verdict


def verdicts(sens: list[SensitivityResult], *, placebos: dict | None = None, spreads: dict | None = None,
             labels: dict | None = None, placebo_alpha: float = 0.05, alarm_alpha: float = 0.05) -> pd.DataFrame:
    """One row per query: which checks the finding passes, and a verdict in words.

    Parameters
    ----------
    sens : :class:`SensitivityResult` per query (the first variant is the main specification).
    placebos : query -> :class:`~trendlib.analysis.placebo.PlaceboResult`.
    spreads : query -> :class:`~trendlib.analysis.event_samples.SampleSpread` (per-sample
        re-estimates; ``fold_min``/``fold_max`` are point estimates across samples).
    labels : query -> label.

    Checks: "windows and offset" (the interval stays above 1 in every variant), "placebo
    dates" (placebo p <= ``placebo_alpha``; "not run" when so small a p is impossible with
    the references available), "false alarms" (fails when the model's own test fired on
    more ordinary placebo dates than chance allows: a one-sided binomial test of the
    false-alarm rate against the study's ``alpha`` at level ``alarm_alpha``; a series on
    which the model raises false alarms cannot be said to hold, whatever its interval) and
    "Google samples" (the interval stays above 1 in every sample). The verdict is "holds"
    when every check that could be run passes, "holds in some checks (fails: ...)" when the
    main result is a rise but a check fails, "no clear rise" when the main interval
    includes 1, "not studied: <reason>" when the main specification could not run; thin series (``SampleSpread.unreliable``) get a warning appended.
    ``placebo_note`` says in words how many references were used and why a check failed.
    """
    placebos, spreads, labels = placebos or {}, spreads or {}, labels or {}
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
        pc, prow = _placebo_checks(placebos.get(s.query), placebo_alpha, alarm_alpha)
        sc, srow = _sample_checks(spreads.get(s.query))
        checks.update(pc)
        checks.update(sc)
        row.update(prow)
        row.update(srow)
        for k, v in checks.items():
            row[f"check_{k.replace(' ', '_')}"] = v
        row["verdict"] = _verdict(main, checks, bool(row.get("sample_unreliable")))
        rows.append(row)
    return pd.DataFrame(rows)
