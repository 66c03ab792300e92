# %% [markdown]
# # 30 · Which findings survive? Windows, log offset, Google's sampling and placebo dates
#
# **Question.** Does the rise in search interest found in notebook 10 hold up when we change the choices
# behind it — how long the baseline is, where it stops, which days count as "after", how zeros are
# handled — when we use each separate Google sample instead of their average, and when we run the same
# analysis on dates when nothing happened?
#
# **What this notebook does.** It re-runs the event study for the main event under each variant, on every
# Google sample (where the study has several), and on all usable non-event dates before the event
# (placebo dates), and ends with a one-screen table that says, per query, which checks the finding passes.
#
# **What it does not show.** A finding that survives every check is robust to *these* choices; it still
# describes searching, not leaving, and timing, not cause.

# %% tags=["parameters"]
study_file: str = "studies/invasion-2022.yaml"  # the study: a study YAML (looked up from here upwards) or the study.json of trendlib report
output_dir: str = ""  # where figures/, tables/ and results go (empty: outputs/dev/<study>/ in the study's project)

# %%
# Validate the parameters (papermill injects them without checking) and set up the outputs.
import pandas as pd
from IPython.display import Markdown, display

import trendlib
from trendlib.plots import show
from trendlib.analysis.event_study import event_study_by_sample, placebo_test
from trendlib.analysis.preprocess import series_from_tidy
from trendlib.analysis.robustness import default_variants, sensitivity, verdicts
from trendlib.datasets import load_trend_samples, select_series
from trendlib.datasets.context import study_caveats
from trendlib.plots.eventstudy import plot_robustness
from trendlib.plots.style import mark_for
from trendlib.signals import SEARCH
from trendlib.text import (ColumnNotes, fold_figure, number, p_text, percent, robustness_count_sentence,
                           spread_sentence)

study, exhibits = trendlib.open_study(study_file, output_dir, notebook="30-robustness")
provenance, illustrative = exhibits.provenance, exhibits.illustrative
columns = ColumnNotes()  # explains each table column where it first appears on this page

# %%
raw_trends = trendlib.load_trends(study.trends)
series = select_series(raw_trends, queries=study.terms, geo=study.geo, start=study.start, end=study.end)
frequency = series["resolution"].iloc[0]
unit = {"day": "day", "week": "week"}[frequency]
primary = pd.Timestamp(study.event_date)
source = (f"Google Trends ({'; '.join(sorted({p['source'] for p in provenance if p['role'] == 'trends'}))}), "
          f"geo {study.geo or 'worldwide'}")
if illustrative:
    display(Markdown("**The search series of this study is ILLUSTRATIVE (simulated).** The checks below show "
                     "how robust the method is on data like these; they are not findings about the world."))

# %% [markdown]
# ## 1. Window choices and the log offset
#
# Each row changes one choice of the main specification (periods are days or weeks relative to the event):
# a shorter or longer baseline, a baseline that runs right up to the eve of the event (so anticipation
# counts as normal, which *lowers* the estimate), a later "after" window that skips the first days, and
# another offset $c$ in $\log(\text{index} + c)$ (a larger $c$ shrinks ratios of small values). A baseline
# longer than the data is cut at the start of the series (`n_estimation` in table1 gives the periods used).

# %%
variants = default_variants(frequency)
sens = {t: sensitivity(series_from_tidy(series, t), primary, variants=variants, query=t) for t in study.terms}
sens_frame = pd.concat([s.to_frame().assign(label=study.labels[t]) for t, s in sens.items()], ignore_index=True)
exhibits.save_table(sens_frame, "table1_variants", caption="Fold increase for the main event under each window "
                    "and offset variant (multiples of the baseline, 95% ranges).")
exhibits.record("robustness_variants", sens_frame[["query", "variant", "status", "fold_increase", "fold_low",
                                                   "fold_high", "p_value"]])
sens_frame["times usual"] = [fold_figure(row) if row["status"] == "ok" else "not run"
                             for row in sens_frame.to_dict("records")]
display(Markdown("Each cell is worded as in notebook 10 (\u2265 = at least, over a baseline too low for a ratio); "
                 "the estimates and ranges are in `tables/table1_variants.csv`."))
display(sens_frame.pivot(index="label", columns="variant", values="times usual")[[v.name for v in variants]]
        .rename_axis(index="query", columns=None))
not_run = sens_frame[sens_frame["status"] != "ok"]
if len(not_run):
    display(Markdown("Variants that could not be estimated: " + "; ".join(
        f"{r.label} / {r.variant}: {r.reason}" for r in not_run.itertuples())))

# %% [markdown]
# ## 2. Google's sampling
#
# Google computes the index from a sample of searches, and a download made on another day is a different
# sample. Where the study stores several samples, the event study is re-run on each one and the spread of
# the estimates is Google's sampling uncertainty (notebook 10's ranges do not include it). A query is flagged
# unreliable when, before the event, its samples disagree by more than 50% on average (coefficient of
# variation) or more than 20% of its values are 0 (see [methods](methods.html#robustness-windows-samples-and-placebo-dates)).

# %%
samples = load_trend_samples(study.trends, missing_ok=True)
spreads = {}
if samples.attrs.get("missing") or samples.empty:
    exhibits.record("robustness_samples", {"status": "single_sample", "n_samples": 1})
    display(Markdown("**This study stores one Google sample per query**, so the spread between samples cannot "
                     "be measured here. The ranges in notebook 10 reflect only the baseline model's "
                     "uncertainty; a re-download could shift the numbers."))
    samples_frame = None
else:
    samples = samples[(samples["geo"] == study.geo) & samples["date"].between(pd.Timestamp(study.start),
                                                                              pd.Timestamp(study.end))]
    for t in study.terms:
        spreads[t] = event_study_by_sample(samples, t, primary)
    samples_frame = pd.concat([sp.to_frame() for sp in spreads.values()], ignore_index=True)
    spread_table = pd.DataFrame([{"query": t, "label": study.labels[t], "n_samples": sp.n_samples,
                                  "fold_min": sp.fold_min, "fold_median": sp.fold_median, "fold_max": sp.fold_max,
                                  "log_sd": sp.log_sd, "baseline_cv": sp.baseline_cv,
                                  "baseline_zero_share": sp.baseline_zero_share, "unreliable": sp.unreliable}
                                 for t, sp in spreads.items()])
    exhibits.save_table(samples_frame, "table2_per-sample", caption="Fold increase re-estimated on each Google "
                        "sample (one row per query and sample).")
    exhibits.save_table(spread_table, "table2b_sample-spread", caption="Spread of the fold increase across "
                        "Google samples, per query.")
    exhibits.record("robustness_samples", {"status": "ok", "per_query": spread_table})
    display(Markdown("\n".join(
        f"- **{r.label}**: " + spread_sentence(r.n_samples, r.fold_min, r.fold_median, r.fold_max,
                                               unreliable=r.unreliable, baseline_cv=r.baseline_cv,
                                               baseline_zero_share=r.baseline_zero_share) + "."
        for r in spread_table.itertuples())))

# %% [markdown]
# ## 3. Placebo dates
#
# The same analysis is run at every usable date before the event, when no event of this kind happened.
# The false-alarm rate should be about 5% if the model's ranges are honest, more if the series is spikier
# than the model assumes. With n placebo dates the placebo p-value cannot be smaller than 1/(n + 1), so the
# event is also compared with baselines resampled from the weeks before it (blocks of the series in a new
# order, with no event at the event date): `min_p` is the smallest placebo p these references allow.

# %%
placebos = {t: placebo_test(series_from_tidy(series, t), primary, query=t) for t in study.terms}
placebo_table = pd.DataFrame([{"query": t, "label": study.labels[t], "status": p.status, "reason": p.reason,
                               "n_placebo_dates": p.n_dates, "n_resampled": p.n_resampled, "placebo_p": p.placebo_p,
                               "min_p": p.min_p, "false_alarm_rate": p.false_positive_rate}
                              for t, p in placebos.items()])
exhibits.save_table(placebo_table, "table3_placebo", caption="Placebo test per query: non-event dates before the "
                    "event analysed the same way.")
exhibits.save_table(pd.concat([p.to_frame() for p in placebos.values()], ignore_index=True),
                    "table3b_placebo-dates", caption="Every placebo date: t statistic, p-value, fold increase.")
exhibits.record("robustness_placebo", placebo_table)
shown_placebo = placebo_table.drop(columns=["query"])
display(Markdown(columns(shown_placebo.columns, extra={"label": "the query", "status": "ok, or why not run",
                                                       "reason": "why the test could not run",
                                                       "n_resampled": "baselines resampled from the data before the "
                                                                      "event, compared like placebo dates",
                                                       "min_p": "the smallest placebo p these references allow, "
                                                                "1/(n + 1)"})))
display(shown_placebo.style.hide(axis="index")
        .format({"placebo_p": p_text, "min_p": p_text, "false_alarm_rate": percent}, na_rep="-"))
noisy = placebo_table[placebo_table["false_alarm_rate"] > 2 * 0.05]
if len(noisy):
    display(Markdown("\n".join(
        f"- **{r.label}**: {percent(r.false_alarm_rate)} of its {r.n_placebo_dates} placebo dates alone would have been "
        "called a clear rise (about 5% is expected): its ranges are too narrow for a series this irregular, so read "
        "its 'clear' results with caution, whatever the verdict below says." for r in noisy.itertuples())))

# %% [markdown]
# ## Which findings survive
#
# One row per query. A check *passes* when the rise stays clearly above 1 (windows and offset, every
# Google sample) or when the event stands out from placebo dates (placebo p ≤ 0.05). Checks that could not
# be run (one Google sample, too few placebo dates) count neither way.

# %%
verdict = verdicts(list(sens.values()), placebos=placebos, spreads=spreads, labels=study.labels)
exhibits.save_table(verdict, "table4_verdicts", caption="Per query: the main estimate, the range across variants, "
                    "placebo p, Google-sample range, each check and the verdict.")
exhibits.record("robustness", verdict)
main_rows = {s.query: s.table.iloc[0].to_dict() for s in sens.values()}
verdict["times usual"] = [fold_figure(main_rows[q]) if main_rows[q]["status"] == "ok" else "not run"
                          for q in verdict["query"]]
shown = verdict[["label", "times usual", "fold_min_variants", "fold_max_variants", "variants_above_1",
                 "variants_run", "placebo_p", "sample_fold_min", "sample_fold_max", "check_windows_and_offset",
                 "check_placebo_dates", "check_Google_samples", "verdict"]]
display(Markdown(columns(shown.columns, extra={
    "label": "the query", "times usual": "the main estimate, worded as in notebook 10",
    "fold_min_variants": "smallest estimate across the window and offset variants (a multiple)",
    "fold_max_variants": "largest estimate across them", "variants_above_1": "variants whose whole range is above 1",
    "variants_run": "variants that could be estimated", "sample_fold_min": "smallest estimate across Google samples",
    "sample_fold_max": "largest estimate across Google samples",
    "check_windows_and_offset": "pass: every variant's range stays above 1",
    "check_placebo_dates": "pass: the event stands out from the placebo dates",
    "check_Google_samples": "pass: every sample's range stays above 1", "verdict": "what the checks say together"})))
display(shown.style.hide(axis="index").format({"fold_min_variants": number, "fold_max_variants": number,
                                                "placebo_p": p_text, "sample_fold_min": number,
                                                "sample_fold_max": number}, na_rep="-"))
notes = sorted(set(verdict.get("placebo_note", pd.Series(dtype=str)).dropna()) - {""})
if notes:
    display(Markdown("Placebo check: " + "; ".join(notes) + "."))
n_hold = int((verdict["verdict"] == "holds").sum())
n_not_studied = int(verdict["verdict"].str.startswith("not studied").sum())
exhibits.record("robustness_summary", {"n_queries": len(verdict), "n_hold": n_hold, "n_not_studied": n_not_studied,
                                       "variants": [v.name for v in variants]})
count_sentence = robustness_count_sentence(n_hold, len(verdict), n_not_studied=n_not_studied)
exhibits.finding(count_sentence)
display(Markdown(f"**{count_sentence}**"))

# %%
fig = plot_robustness(sens_frame, samples_frame=samples_frame, labels=study.labels, source=source,
                      title=f"The rise around {primary.day} {primary:%b %Y} holds under every check for {n_hold} of "
                            f"{len(verdict)} queries", illustrative=mark_for(provenance, SEARCH))
png_fig = exhibits.save_figure(fig, "fig1_robustness", data="table1_variants",
                     caption="Fold increase per query under each window/offset variant (blue) and per Google "
                             "sample (orange ticks); the large dot is the main specification.")
show(png_fig)

# %% [markdown]
# ## Caveats
#
# - **Robust is not causal.** Surviving these checks means the rise is not an artefact of our window
#   choices or of one Google sample; it does not say what caused it. Events that fall within days of each
#   other cannot be told apart.
# - **Searching is not leaving.** The checks are about searches only.
# - **The index is a relative sample.** Each Google download is a sample scaled to its own peak; where only
#   one sample exists, its sampling noise is not in any range shown here.
# - **People searched before the announcement.** The variant whose baseline runs up to the eve of the event
#   shows how much anticipation would be hidden if it were counted as normal.
# - **Many tries, some flukes.** Running many variants and keeping the best would be a search for a result;
#   here the main specification is fixed in advance and the variants only test it.


# %%
# Caveats that hold only for some places and periods: chosen by the study's geo and dates from trendlib's data
# files (trendlib/data/search_engine_share.csv and caveats.csv, each sentence with its source).
display(Markdown("\n".join(f"- {c}" for c in study_caveats(study, notebook="30"))))
