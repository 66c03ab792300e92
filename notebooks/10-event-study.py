# %% [markdown]
# # 10 · How unusual was search interest around the event?
#
# **Question.** Around the study's event date (and the other dated events before its spike), how far above
# its usual level was Google search interest in each query, and how sure can we be?
#
# **What this notebook does.** For every query it fits a baseline to the weeks *before* the event (leaving a
# gap so that searches made in anticipation do not count as "normal"), predicts what interest would have
# looked like, and compares the observed values with that prediction. It reports the rise as a multiple of
# the usual level with a range, the peak, and how long interest stayed outside the normal band. Because many
# queries and events are tested, it corrects for the number of tests. An appendix gives the model, its
# diagnostics and how the answer changes with the baseline window.
#
# **What it does not show.** Why people searched, who searched, or how many people left. A rise in
# searches is not a rise in departures.

# %% tags=["parameters"]
study_file: str = "studies/invasion-2022.yaml"  # the study: a study YAML (looked up from here upwards) or the study.json of trendlib report
output_dir: str = ""  # where figures/, tables/ and results go (empty: outputs/dev/<study>/ in the study's project)

# %%
# Validate the parameters (papermill injects them without checking) and set up the outputs.
import math

import pandas as pd
from IPython.display import Markdown, display

import trendlib
from trendlib.plots import show
from trendlib.analysis.event_study import event_study, events_to_study, run_event_studies
from trendlib.analysis.preprocess import series_from_tidy
from trendlib.analysis.segmented import segmented_regression
from trendlib.analysis.counterfactual import state_space_counterfactual
from trendlib.analysis.robustness import Variant, sensitivity
from trendlib.text import (ColumnNotes, clear_cell, family_count_sentence, fold_cell, fold_figure, fold_reading,
                           fold_sentence, not_studied_sentence, p_text)
from trendlib.datasets import select_series, study_events
from trendlib.datasets.context import study_caveats
from trendlib.plots.eventstudy import plot_event_study, plot_fold_increases
from trendlib.plots.events import number_events
from trendlib.plots.style import mark_for
from trendlib.signals import PAGEVIEWS, SEARCH

study, exhibits = trendlib.open_study(study_file, output_dir, notebook="10-event-study")
provenance, illustrative = exhibits.provenance, exhibits.illustrative
columns = ColumnNotes()  # explains each table column where it first appears on this page

# %%
raw_trends = trendlib.load_trends(study.trends)
series = select_series(raw_trends, queries=study.terms, geo=study.geo, start=study.start, end=study.end)
frequency = series["resolution"].iloc[0]
unit = {"day": "day", "week": "week"}[frequency]
window_events = number_events(study_events(study))  # numbered once: the same numbers on every page of the study
studied_events = events_to_study(window_events, study.event_date, frequency=frequency)
primary = pd.Timestamp(study.event_date)
same_day = window_events[window_events["date"] == primary]["label"].tolist()
primary_label = " / ".join(same_day) if same_day else "the event"
source_line = "; ".join(sorted({p["source"] for p in provenance if p["role"] == "trends"}))
source = f"Google Trends ({source_line}), geo {study.geo or 'worldwide'}; events: {study.events.name if study.events else 'the study file'}"
if illustrative:
    display(Markdown("**The search series of this study is ILLUSTRATIVE (simulated, not downloaded from "
                     "Google).** Every number below shows how the analysis works; none is a finding about "
                     "the world."))

# %% [markdown]
# ## How the comparison works
#
# - **Baseline.** For each query we take the weeks before the event and fit a simple model: a straight-line
#   trend (and, for daily data, a separate level for each day of the week). For weekly data the windows
#   are counted in weeks and there are no day-of-week terms.
# - **A gap before the event.** The baseline stops some time before the event (a week for daily data,
#   two weeks for weekly data), because people search *before* an announcement they expect: in September
#   2022 searches for "how to leave Russia" peaked on the evening of 20 September, the day before the
#   address. Counting those days as "normal" would hide part of the rise.
# - **Times normal.** We compare observed interest with what the baseline predicts and report the ratio
#   ("3 times the usual level"), with a range that reflects how uncertain the prediction is. The range does
#   not include Google's sampling noise (notebook 30 checks that).
# - **Low baselines.** When a query was barely searched before (a usual level under 5 index points),
#   Google's rounding makes a ratio unstable; we then only say "at least N times".
# - **Many tests.** Several queries and events are tested; we correct for that (false discovery rate) and
#   call a rise "clear" only if it survives the correction.
# - **Events that share a spike.** An event whose window contains a larger event's spike is reported as
#   overlapping it, not as a finding of its own. How each number is computed, with references:
#   [methods](methods.html#event-study).

# %%
studies = run_event_studies(series, studied_events, queries=study.queries, correction="fdr_bh")
records = studies.records()
exhibits.record("event_study", records)
k_clear = int(sum(studies.significant))
n_distinct, n_overlapping = studies.n_distinct_significant(), studies.n_overlapping()  # each spike counted once
kinds = [fold_reading(rec).kind for rec in records]
left = studied_events.attrs["left_out"]
exhibits.record("event_study_family", {
    "n_tests": len(records), "n_significant": k_clear, "n_distinct_significant": n_distinct,
    "n_overlapping": n_overlapping, "correction": studies.correction, "alpha": studies.alpha,
    "frequency": frequency, "n_events_studied": int(studied_events["date"].nunique()),
    "n_events_not_studied_baseline_contains_primary": left["baseline_contains_primary"],
    "skipped": [{"query": q, "event": e, "reason": why} for q, e, why in studies.skipped],
})
family_sentence = family_count_sentence(len(records), n_clear=k_clear, n_distinct=n_distinct,
                                        n_overlapping=n_overlapping, correction=studies.correction,
                                        alpha=studies.alpha)
exhibits.finding(family_sentence)
display(Markdown(family_sentence
                 + (f" {left['baseline_contains_primary']} later events in the period are not studied: their "
                    "baselines would contain the main spike." if left["baseline_contains_primary"] else "")))

# %% [markdown]
# ## The main event, in one sentence per query

# %%
main = [(r, rec) for r, rec in zip(studies.results, records) if pd.Timestamp(r.event_date) == primary]
sentences = []
for r, rec in main:
    text = fold_sentence(rec)
    if r.peak_date is not None and fold_reading(rec).kind in ("rise", "at_least", "drop"):
        when = "on" if frequency == "day" else "in the week starting"
        text += f" The highest point in the event window came {when} {r.peak_date.day} {r.peak_date:%B %Y}"
        text += " — before the event." if pd.Timestamp(r.peak_date) < primary - pd.Timedelta(days=6 if frequency == "week" else 0) else "."
    sentences.append({"query": r.query, "label": r.label, "sentence": text})
for term, why in studies.skipped_at(primary):  # said where its finding would stand, not left out silently
    sentences.append({"query": term, "label": study.labels[term],
                      "sentence": not_studied_sentence(study.labels[term], "the main event", why)})
exhibits.record("event_study_sentences", sentences)
for s in sentences:
    exhibits.finding(s["sentence"], anchor="The-main-event,-in-one-sentence-per-query")
display(Markdown("\n".join(f"- {s['sentence']}" for s in sentences)))

# %%
n_main = len(main)
k_main = sum(fold_reading(rec).kind in ("rise", "at_least") for _, rec in main)
biggest = max(main, key=lambda m: m[0].fold_increase)[0] if main else None
if not main:  # every query's baseline failed (e.g. missing values): said as the headline, no chart
    reasons = "; ".join(sorted({why for _, why in studies.skipped_at(primary)}))
    fig_title = f"The main event ({primary.day} {primary:%b %Y}) could not be studied for any query: {reasons}"
else:
    fig_title = (f"Searches clearly above normal for {k_main} of {n_main} queries around {primary.day} {primary:%b %Y}"
                 if k_main else f"No query rose clearly above normal around {primary.day} {primary:%b %Y}")
exhibits.finding(fig_title + ".", headline=True)
if main:
    fig = plot_event_study([r for r, _ in main], records=[rec for _, rec in main], events=window_events,
                           title=fig_title, source=source,
                           illustrative=mark_for(provenance, SEARCH),
                           note=f"Baseline: {unit}s {main[0][0].estimation[0]} to {main[0][0].estimation[1]} before the "
                                f"event; shaded orange: event window.")
    png_fig = exhibits.save_figure(fig, "fig1_event-study", data="fig1_event-study",
                         caption=f"Search interest as a multiple of its usual level around {primary:%d %B %Y}, per query, "
                                 "with the 95% band of normal.")
    exhibits.save_table(studies.paths().query("event_date == @primary"), "fig1_event-study",
                        caption="Observed and expected interest behind fig1 (tidy: one row per query and period).")
    show(png_fig)
else:
    display(Markdown(f"**{fig_title}.** There is no chart of the main event."))

# %% [markdown]
# ## Every studied event and query
#
# One row per query and event, worded as in the sentences above. Events that fall on the same day (for
# weekly data: in the same week) are studied together, because the data cannot tell them apart. The full
# numbers (estimate, range, p-value, baseline and event means, fold-window dates) are in the table's CSV
# file, `tables/table1_event-study.csv`; long tables show their first rows, the rest under "Show".

# %%
cols = ["label", "query", "event", "event_date", "fold_start", "fold_end", "fold_increase", "fold_low",
        "fold_high", "fold_is_lower_bound", "p_value", "q_value", "significant", "baseline_median", "event_mean",
        "peak_date", "periods_to_band"]
table = pd.DataFrame(records) if records else pd.DataFrame(columns=cols + ["correction", "frequency", "offset"])
exhibits.save_table(table[cols + ["correction", "frequency", "offset"]], "table1_event-study",
                    caption="Event-study results per query and event (fold increases as multiples of the baseline).")
numbers = {pd.Timestamp(d): int(n) for d, n in zip(window_events["date"], window_events["number"])}
reader_table = pd.DataFrame({
    "query": table["label"],
    "event": [f"[{numbers[pd.Timestamp(d)]}] {e}" if pd.Timestamp(d) in numbers else e
              for d, e in zip(table["event_date"], table["event"])],
    "event_date": table["event_date"],
    "times usual": [fold_cell(rec) for rec in records],
    "q_value": table["q_value"],
    "clear": [clear_cell(rec) for rec in records],
    "peak_date": table["peak_date"],
    "periods_to_band": table["periods_to_band"],
})
display(Markdown(columns(reader_table.columns, extra={
    "query": "the query's label", "event": "the event, with its number on every chart of this study",
    "event_date": "the event's date (period 0)"})))
display(reader_table.style.hide(axis="index").format({"q_value": "{:.2g}", "periods_to_band": "{:.0f}"},
                                                     na_rep="-"))

# %%
fig2_title = (f"{n_distinct} distinct clear changes among {len(records)} query-event pairs"
              + (f"; {n_overlapping} more only share a larger spike" if n_overlapping else ""))
if records:
    fig2 = plot_fold_increases(studies, records=records, events=window_events, title=fig2_title, source=source,
                               illustrative=mark_for(provenance, SEARCH))
    png_fig2 = exhibits.save_figure(fig2, "fig2_fold-increases", data="table1_event-study",
                         caption="Fold increase with its 95% range for every query and studied event.")
    show(png_fig2)
else:
    display(Markdown("No query-event pair could be studied: there is no chart of fold increases."))

# %% [markdown]
# ## The same question on Wikipedia pageviews
#
# When the study has a pageviews file, the same event study runs on the daily views of its Wikipedia
# articles: the same baseline, gap, windows and correction, but on numbers of views instead of Google's index.
# Every result in `results.json` (`event_study`) says which signal it measures in `source`
# (`google-trends` or `wikipedia-pageviews`). An article that did not exist before the event has no usual
# level to compare with: its rise is then only "at least" so many times.

# %%
if study.pageviews is None:
    display(Markdown("This study has no Wikipedia pageviews file (key `pageviews:`): only search interest is "
                     "studied."))
else:
    from trendlib.datasets import load_pageviews, select_pageviews

    pageviews = select_pageviews(load_pageviews(study.pageviews), articles=study.articles, start=study.start,
                                 end=study.end)
    pv_events = events_to_study(window_events, study.event_date, frequency="day")
    pv_studies = run_event_studies(pageviews, pv_events, queries=[(a.article, a.label) for a in study.articles],
                                   correction="fdr_bh", source=PAGEVIEWS)
    pv_records = pv_studies.records()
    exhibits.record("event_study", records + pv_records)  # both signals; each record's `source` says which
    exhibits.record("event_study_pageviews_family", {
        "n_tests": len(pv_records), "n_significant": int(sum(pv_studies.significant)),
        "correction": pv_studies.correction, "alpha": pv_studies.alpha,
        "skipped": [{"query": q, "event": e, "reason": why} for q, e, why in pv_studies.skipped]})
    pv_main = [r for r in pv_studies.results if pd.Timestamp(r.event_date) == primary]
    pv_line = "; ".join(sorted({p["source"] for p in provenance if p["role"] == "pageviews"}))
    pv_source = (f"Wikipedia pageviews ({pv_line}), {', '.join(sorted(set(pageviews['project'])))}, views per title; "
                 f"events: {study.events.name if study.events else 'the study file'}")
    pv_main_records = [rec for r, rec in zip(pv_studies.results, pv_records) if pd.Timestamp(r.event_date) == primary]
    k_pv = sum(fold_reading(rec).kind in ("rise", "at_least") for rec in pv_main_records)  # as for searches
    fig3 = None if not pv_main else plot_event_study(
        pv_main, records=pv_main_records, events=pv_events, source=pv_source,
        illustrative=mark_for(provenance, PAGEVIEWS),
        title=(f"Pageviews clearly above normal for {k_pv} of {len(pv_main)} articles around "
               f"{primary.day} {primary:%b %Y}" if k_pv else
               f"No article's pageviews rose clearly above normal around {primary.day} {primary:%b %Y}"))
    png_fig3 = None if fig3 is None else exhibits.save_figure(
        fig3, "fig3_event-study-pageviews", data="table5_event-study-pageviews",
        caption=f"Daily Wikipedia pageviews as a multiple of their usual level around {primary:%d %B %Y}, per "
                "article, with the 95% band of normal.")
    pv_table = pd.DataFrame(pv_records)
    pv_cols = [c for c in cols if c in pv_table.columns] + ["source"]
    exhibits.save_table(pv_table[pv_cols] if len(pv_table) else pv_table, "table5_event-study-pageviews",
                        caption="Event-study results per Wikipedia article and event (multiples of the baseline).")
    if png_fig3 is not None:
        show(png_fig3)
    pv_sentences = [fold_sentence(rec) for rec in pv_main_records] + [
        not_studied_sentence(study.article_labels.get(art, art), "the main event", why)
        for art, why in pv_studies.skipped_at(primary)]
    for sentence in pv_sentences:  # on the landing page beside the search findings
        exhibits.finding(sentence, anchor="The-same-question-on-Wikipedia-pageviews")
    display(Markdown("\n".join(f"- {sentence}" for sentence in pv_sentences)))
    display(Markdown(family_count_sentence(len(pv_records), n_clear=int(sum(pv_studies.significant)),
                                           n_distinct=pv_studies.n_distinct_significant(),
                                           n_overlapping=pv_studies.n_overlapping(), correction=pv_studies.correction,
                                           alpha=pv_studies.alpha, what="article-event pairs")))
    pv_reader = pd.DataFrame({
        "article": [rec["label"] for rec in pv_records],
        "event": [f"[{numbers[pd.Timestamp(rec['event_date'])]}] {rec['event']}"
                  if pd.Timestamp(rec["event_date"]) in numbers else rec["event"] for rec in pv_records],
        "event_date": [rec["event_date"] for rec in pv_records],
        "times usual (views)": [fold_cell(rec) for rec in pv_records],
        "q_value": [rec["q_value"] for rec in pv_records],
        "clear": [clear_cell(rec) for rec in pv_records]})
    display(Markdown(columns(pv_reader.columns, extra={
        "article": "the Wikipedia article's label",
        "times usual (views)": "daily views over the fold window as a multiple of their usual level (1\u00d7 = "
                               "usual), 95% range in brackets; \u2265 marks a lower bound when the article was "
                               "barely read before"})))
    display(pv_reader.style.hide(axis="index").format({"q_value": "{:.2g}"}, na_rep="-"))

# %% [markdown]
# ## Searches and pageviews: which moved first?
#
# For the main event, each daily series is compared with its own usual band (mean plus three standard
# deviations over the four weeks ending a week before the event): the **rise day** is the first day above it
# (from a week before to three weeks after the event) and the **peak day** the highest day in that window.
# Lags are in days from the event (negative: before it). This describes timing; it is not a test.

# %%
if study.pageviews is None or frequency != "day":
    display(Markdown("The timing comparison needs daily search series and a pageviews file."
                     if study.pageviews is not None else "No pageviews file: no timing comparison."))
else:
    from trendlib.analysis.timing import compare_timing
    from trendlib.signals import SEARCH

    timing = compare_timing(
        [(SEARCH, q.label, series_from_tidy(series, q.term, geo=study.geo)) for q in study.queries]
        + [(PAGEVIEWS, a.label, series_from_tidy(pageviews, a.article)) for a in study.articles],
        study.event_date)
    exhibits.record("signal_timing", {
        "event_date": timing.event_date.isoformat(), "window_days": list(timing.window),
        "series": timing.records(),
        "first_rise": {k: v.isoformat() if v else None for k, v in timing.first_rise.items()},
        "first_peak": {k: v.isoformat() if v else None for k, v in timing.first_peak.items()},
        "same_day_rise": timing.same_day_rise, "peaked_first": timing.peaked_first,
        "peak_gap_days": timing.peak_gap_days})
    timing_table = timing.to_frame()
    exhibits.save_table(timing_table, "table6_signal-timing",
                        caption="Rise day and peak day of every search series and article around the main event "
                                "(lags in days; negative = before the event).")
    display(Markdown("\n".join(f"- {s}" for s in timing.sentences())))
    display(timing_table[["signal", "label", "rise_date", "rise_lag_days", "rise_at_window_start", "peak_date",
                          "peak_lag_days"]]
            .style.hide(axis="index"))

# %% [markdown]
# ## Academic appendix
#
# **Model.** For query $q$, on the scale $y_t = \log(\text{index}_t + c)$ with $c = 1$:
# $y_t = \beta_0 + \beta_1 t + \sum_d \gamma_d\,\text{dow}_{d,t} + \varepsilon_t$ (no day-of-week terms for
# weekly data), fitted by OLS on the estimation window only. The counterfactual path over the event window
# has covariance $s^2 R(\rho) + X_f V_\beta X_f'$, with $\rho$ the (bias-corrected) lag-1 autocorrelation of
# the baseline residuals and $V_\beta$ the coefficient covariance under AR(1) errors; the residual variance
# is floored at Google's integer rounding. The fold increase is $\exp$ of the mean abnormal log interest over
# the fold window; its interval and the two-sided t test use the same covariance (a closed form in place of
# simulated SARIMAX paths; the module `trendlib.analysis.event_study` documents every default). Multiple
# testing: Benjamini–Hochberg across all query × event pairs above. Methods and references:
# [methods](methods.html#event-study), [correcting for many tests](methods.html#correcting-for-many-tests).
#
# **Diagnostics.** Ljung–Box p-values on the baseline residuals (small values: the baseline left
# autocorrelation, so intervals may be too narrow; notebook 30's placebo dates check the false-alarm rate
# directly) and the residual autocorrelation used.

# %%
diag = pd.DataFrame([{"label": r.label, "query": r.query, "event_date": r.event_date, "n_estimation": r.n_estimation,
                      "estimation_start": r.estimation[0], "estimation_end": r.estimation[1], "rho": r.rho,
                      "ljung_box_p": r.ljung_box_p, "t_stat": r.t_stat, "df_resid": r.df_resid,
                      "car": r.car, "car_low": r.car_low, "car_high": r.car_high, "max_z": r.max_z}
                     for r, _ in main],
                    columns=["label", "query", "event_date", "n_estimation", "estimation_start", "estimation_end", "rho",
                             "ljung_box_p", "t_stat", "df_resid", "car", "car_low", "car_high", "max_z"])
exhibits.save_table(diag, "table2_baseline-diagnostics",
                    caption="Baseline diagnostics for the main event: residual autocorrelation, Ljung-Box, "
                            "cumulative abnormal log interest (CAR) with its 95% range.")
display(Markdown(columns(diag.columns, extra={"query": "the query as searched", "label": "the query's label",
                                              "event_date": "the event's date"})))
display(diag.style.hide(axis="index").format(
    {"rho": "{:.2f}", "ljung_box_p": "{:.3f}", "t_stat": "{:.1f}", "car": "{:.2f}", "car_low": "{:.2f}",
     "car_high": "{:.2f}", "max_z": "{:.1f}"}, na_rep="-"))

# %% [markdown]
# **Window sensitivity.** The same estimate with baselines of 28, 56 and 84 days (for weekly data 13, 26 and
# 39 weeks), worded like the sentences above (see [methods](methods.html#robustness-windows-samples-and-placebo-dates)).
# Notebook 30 runs the full set of checks.

# %%
est_end = main[0][0].estimation[1] if main else -8
lengths = (28, 56, 84) if frequency == "day" else (13, 26, 39)
fold = main[0][0].fold_window if main else (0, 6)
variants = [Variant(f"baseline of {n} {unit}s", (-n, est_end), fold) for n in lengths]
window_rows = []
for term in study.terms:
    sens = sensitivity(series_from_tidy(series, term), primary, variants=variants, query=term)
    window_rows.append(sens.to_frame().assign(label=study.labels[term]))
windows = pd.concat(window_rows, ignore_index=True)
exhibits.save_table(windows, "table3_window-sensitivity", caption="Fold increase for the main event with "
                    "baselines of different lengths.")
exhibits.record("event_study_window_sensitivity", windows[["query", "variant", "status", "fold_increase", "fold_low",
                                                          "fold_high", "p_value"]])
windows["times usual"] = [fold_figure(row) if row["status"] == "ok" else "not run" for row in windows.to_dict("records")]
display(windows.pivot(index="label", columns="variant", values="times usual").rename_axis(index="query", columns=None))

# %% [markdown]
# **Two other models of the same question.** A segmented regression (level and slope change at the event,
# AR(1) errors by feasible GLS, with Newey–West HAC results alongside) and a state-space counterfactual
# (local level, parameters drawn from their estimated distribution so the intervals keep their coverage).
# Without control series the counterfactual only extrapolates each series' own past: it is a trend-based
# comparison, not a causal estimate.

# %%
alt_rows = []
for term in study.terms:
    s = series_from_tidy(series, term)
    row = {"query": term, "label": study.labels[term]}
    try:
        seg = segmented_regression(s, primary, scan=False, query=term)
        row.update(segmented_level_fold=seg.level_fold, segmented_low=seg.level_fold_low,
                   segmented_high=seg.level_fold_high, break_p=seg.break_p, break_p_hac=seg.break_p_hac,
                   segmented_shown=fold_cell(seg.level_record()))
    except trendlib.TrendlibError as exc:
        row.update(segmented_note=str(exc))
    try:
        cf = state_space_counterfactual(s, primary, post=fold, param_draws=100, paths_per_draw=20, seed=0,
                                        query=term)
        row.update(counterfactual_fold=cf.avg_fold, counterfactual_low=cf.avg_fold_low,
                   counterfactual_high=cf.avg_fold_high, counterfactual_shown=fold_cell(cf.fold_record()))
    except trendlib.TrendlibError as exc:
        row.update(counterfactual_note=str(exc))
    alt_rows.append(row)
alt = pd.DataFrame(alt_rows)
shown_cols = {"segmented_shown": "segmented regression", "counterfactual_shown": "state-space counterfactual"}
alt_numbers = alt.drop(columns=[c for c in shown_cols if c in alt.columns])
exhibits.save_table(alt_numbers, "table4_other-models", caption="Main event: level change from the segmented regression "
                    "and observed/expected from the state-space counterfactual (multiples, 95% ranges).")
exhibits.record("event_study_other_models", alt_numbers)
# worded like summary() and the event-study table (trendlib.text.fold_cell); the raw numbers are in the CSV
shown_alt = alt.drop(columns=["query"] + [c for c in alt.columns if c.startswith(("segmented_", "counterfactual_"))
                                          and c not in shown_cols]).rename(columns=shown_cols)
display(Markdown(columns(shown_alt.columns, extra={
    "segmented regression": "level change at the event in the segmented regression, as a multiple (1 = none), "
                            "95% range in brackets; 'no clear change' when its p-value is 0.05 or more",
    "break_p": "p-value of the level and slope change together (AR(1) errors)",
    "break_p_hac": "the same with Newey-West errors",
    "state-space counterfactual": "observed over expected from the state-space counterfactual (a multiple), 95% "
                                  "range in brackets; 'no clear change' when the range includes 1",
    "segmented_note": "why the segmented regression could not run",
    "counterfactual_note": "why the counterfactual could not run"})))
formats = {c: p_text for c in shown_alt.columns if c.endswith(("_p", "_hac"))}
display(shown_alt.style.hide(axis="index").format(formats, na_rep="-"))

# %% [markdown]
# ## Caveats
#
# - **Searching is not leaving.** A rise in searches about emigration shows worry and information-seeking,
#   not departures; some searching is curiosity, and coverage of a search spike can itself cause more.
# - **The index is a relative sample.** Values are Google's 0–100 index for a sample of searches, scaled to
#   the peak of each download; they are not counts of people. Another download gives slightly different
#   numbers (notebook 30 shows the spread where several samples exist).
# - **Events overlap.** When several events fall within days of each other, daily or weekly data cannot
#   tell their effects apart; a rise "after" an event is timing, not proof of cause.
# - **People searched before the announcement.** The baseline stops well before the event so that
#   anticipation is not counted as normal; the event window starts a few periods early to show it.
# - **Many tries, some flukes.** Several queries and events were tested; the rises called "clear" survive a
#   correction for the number of tests, the others may be chance.


# %%
# Caveats that hold only for some places and periods: chosen by the study's geo and dates from trendlib's data
# files (trendlib/data/search_engine_share.csv and caveats.csv, each sentence with its source).
display(Markdown("\n".join(f"- {c}" for c in study_caveats(study, notebook="10"))))
