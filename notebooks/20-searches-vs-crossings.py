# %% [markdown]
# # 20 · Do searches come before, with or after border crossings?
#
# **Question.** Did rises in Google searches about leaving come before, at the same time as, or after rises in
# the number of people crossing the borders, and by how many days? Could searches help estimate
# crossings beyond what the crossing figures' own past already says?
#
# **What this notebook does.** It puts searches and crossings on the same days (or weeks), removes trends
# (comparing day-to-day *changes*, because two series that drift together always look related), then
# measures correlation at leads and lags, runs Granger tests in both directions, a regression of crossings
# on earlier searches, and — when there are enough days — a test of whether searches improve a nowcast of
# crossings. Before any of that it asks whether the crossing figures are numerous enough to support a
# test at all, and says so plainly when they are not.
#
# **What it does not show.** That searching causes crossing, or the reverse. Both react to the same news.

# %% tags=["parameters"]
study_file: str = "studies/invasion-2022.yaml"  # the study: a study YAML (looked up from here upwards) or the study.json of trendlib report
output_dir: str = ""  # where figures/, tables/ and results go (empty: outputs/dev/<study>/ in the study's project)

# %%
# Validate the parameters (papermill injects them without checking) and set up the outputs.
import pandas as pd
from IPython.display import Markdown, display

import trendlib
from trendlib.plots import show
from trendlib.analysis.leadlag import crossings_overview, run_lead_lag
from trendlib.analysis.preprocess import series_from_tidy
from trendlib.datasets.context import study_caveats
from trendlib.datasets import derive_crossing_series, load_crossings, select_series, study_events
from trendlib.datasets.derive import period_overview
from trendlib.plots.events import number_events
from trendlib.plots.leadlag import plot_crossings_vs_searches, plot_lead_lag, plot_searches_and_crossings
from trendlib.plots.style import mark_for
from trendlib.signals import SEARCH
from trendlib.text import ColumnNotes, lead_lag_phrase, lead_lag_title

study, exhibits = trendlib.open_study(study_file, output_dir, notebook="20-searches-vs-crossings")
provenance, illustrative = exhibits.provenance, exhibits.illustrative
has_crossings = study.crossings is not None
columns = ColumnNotes()  # explains each table column where it first appears on this page

# %%
if not has_crossings:
    exhibits.record("searches_vs_crossings", {"status": "no_crossings", "pairs": [],
                                              "reason": "the study has no border-crossing file"})
    display(Markdown("**This study has no border-crossing data**, so there is nothing to compare the searches "
                     "with. The notebook stops here; the caveats below still apply to any reading of the "
                     "search series on their own."))
else:
    raw_trends = trendlib.load_trends(study.trends)
    series = select_series(raw_trends, queries=study.terms, geo=study.geo, start=study.start, end=study.end)
    window_events = number_events(study_events(study))  # numbered once: the same numbers on every page
    derived = derive_crossing_series(load_crossings(study.crossings))
    daily = derived.daily()
    daily = daily[daily["date"].between(pd.Timestamp(study.start), pd.Timestamp(study.end))]
    overview = crossings_overview(daily[["date", "series", "value"]])
    if illustrative:
        display(Markdown("**Some inputs are ILLUSTRATIVE (simulated, not observed)** — see the provenance "
                         "table in notebook 01. Numbers made from them show how the analysis works; they "
                         "are not findings about the world."))
    display(Markdown(
        f"The crossings file holds {derived.n_rows} reported figures. Turned into series (without mixing "
        f"borders, directions or populations, and differencing cumulative statements only where they share a "
        f"start), they give {len(derived.periods)} values, of which {len(daily)} are single days inside the "
        f"study period, spread over {len(overview)} series. {len(derived.left_out)} figures could not be "
        "used as period totals (rates, peaks, stocks); the table below counts what each series has."))

# %%
if has_crossings:
    display(Markdown("## How many crossing figures are there?\n\nA lead/lag test needs a long unbroken run of "
                     "days with both a search value and a crossing figure: we require at least 30 (see "
                     "[methods](methods.html#searches-and-border-crossings-lead-and-lag))."))
    display(Markdown(columns(overview.columns, extra={
        "series": "one border, direction and population (footprint|direction|population|unit); never mixed",
        "first": "first day with a figure", "last": "last day with a figure"})))
    exhibits.save_table(overview, "table1_crossings-overview",
                        caption="Per crossings series: single-day figures in the study period, first and last "
                                "date, longest run of consecutive days.")
    display(overview.style.hide(axis="index").format({"first": "{:%d %b %Y}", "last": "{:%d %b %Y}"}, na_rep="-"))

# %%
if has_crossings:
    lead_lag = run_lead_lag(series, daily[["date", "series", "value"]], queries=study.queries, correction="holm")
    pairs = lead_lag.to_frame()
    pairs["label"] = pairs["query"].map(study.labels)
    exhibits.save_table(pairs, "table2_lead-lag-pairs",
                        caption="Every query x crossings series: whether it could be tested, and if so the "
                                "strongest lead/lag and whether any test survives the correction.")
    tested = pairs[pairs["status"] == "ok"]
    best_run = overview.sort_values("longest_run_days", ascending=False).iloc[0] if len(overview) else None
    result_record = {"status": "tested" if len(tested) else "too_few", "n_pairs": len(pairs),
                     "n_tested": len(tested), "n_significant": int(pairs["significant"].sum()),
                     "n_lead_lag": int(pairs["lag"].notna().sum()),
                     "correction": lead_lag.correction, "min_points": 30,
                     "longest_run_days": int(best_run["longest_run_days"]) if best_run is not None else 0,
                     "longest_run_series": best_run["series"] if best_run is not None else "",
                     "crossings_rows": derived.n_rows, "derived_values": len(derived.periods),
                     "single_days_in_period": len(daily), "n_series": len(overview),
                     "rows_not_period_totals": len(derived.left_out),
                     "pairs": pairs.to_dict("records")}
    exhibits.record("searches_vs_crossings", result_record)
    if tested.empty:
        exhibits.finding("No lead or lag between searches and border crossings could be established: the crossing "
                         f"figures are too few (the longest unbroken run is {result_record['longest_run_days']} days; "
                         "a test needs 30).")
        display(Markdown(
            f"**The crossing figures are too few for any lead/lag test.** Of {len(pairs)} pairs of a query and a "
            f"crossings series, none has 30 consecutive days with both numbers: the longest run is "
            f"{result_record['longest_run_days']} days ({result_record['longest_run_series']}). With so few "
            "points a correlation, a Granger test or a regression would mostly measure the shared jump of "
            "21 September, so we report no number rather than a fragile one."))
    else:
        n_sig, n_lag = result_record["n_significant"], result_record["n_lead_lag"]
        untimed = (f"; {n_sig - n_lag} more show a relation whose timing could not be pinned down" if n_sig > n_lag
                   else "")
        exhibits.finding(f"{n_lag} of {len(tested)} tested pairs of a query and a crossings series show a lead or lag "
                         f"that survives the {lead_lag.correction} correction{untimed}.")
        display(Markdown(f"{len(tested)} of {len(pairs)} pairs could be tested ({len(lead_lag.all_tests)} tests in all); "
                         f"{n_sig} show a relation that survives the {lead_lag.correction} correction across all of "
                         f"them, {n_lag} with a lead or lag that could be established (a lead or lag is stated only "
                         "when a test at a single lag survives)."))
        shown_pairs = tested[["label", "series", "n", "significant", "lag", "lead"]]
        display(Markdown(columns(shown_pairs.columns, extra={"label": "the query"})))
        display(shown_pairs.style.hide(axis="index").format({"lag": "{:.0f}"}, na_rep="-"))

# %%
if has_crossings:
    weekly = derived.weekly()
    weekly = weekly[weekly["date"].between(pd.Timestamp(study.start), pd.Timestamp(study.end))]
    weeks = period_overview(weekly[["date", "series", "value"]], days=7).rename(
        columns={"n_periods": "n_weeks", "longest_run": "longest_run_weeks"})
    weekly_pairs = (run_lead_lag(series, weekly[["date", "series", "value"]], queries=study.queries,
                                 correction="holm").to_frame() if len(weekly) else pd.DataFrame())
    n_weekly_tested = int((weekly_pairs["status"] == "ok").sum()) if len(weekly_pairs) else 0
    exhibits.record("searches_vs_crossings_weekly", {
        "status": "tested" if n_weekly_tested else "too_few", "min_points": 30, "n_series": len(weeks),
        "n_tested": n_weekly_tested, "series": weeks,
        "pairs": weekly_pairs.to_dict("records") if len(weekly_pairs) else []})
    exhibits.save_table(weeks, "table4_weekly-crossings",
                        caption="Per crossings series reported week by week: weeks in the study period, first and "
                                "last week, longest run of consecutive weeks.")
    display(Markdown(
        "## Week by week\n\nSome borders were reported week by week: Lapland's two-way border checks at Salla and "
        "Raja-Jooseppi (Monday-to-Sunday weeks), Verkhny Lars' two-way totals, a few weekly Frontex and "
        "Kazakhstan figures. Daily searches can be averaged over the same seven days, so a weekly test is possible "
        "in principle; like the daily one it needs 30 consecutive weeks with both numbers."))
    if len(weeks):
        display(Markdown(columns(weeks.columns, extra={"first": "first week (its first day)",
                                                        "last": "last week (its first day)"})))
        display(weeks.style.hide(axis="index").format({"first": "{:%d %b %Y}", "last": "{:%d %b %Y}"}))
        longest = weeks.sort_values("longest_run_weeks", ascending=False).iloc[0]
        if n_weekly_tested == 0:
            sentence = ("No lead or lag could be established from the weekly figures either: the longest run of "
                        f"consecutive weeks is {int(longest['longest_run_weeks'])} "
                        f"({longest['series'].split('|')[0]}), and a test needs 30. Verkhny Lars has two weeks, two "
                        "weeks apart. These data cannot support a weekly test; they can only be read as they are.")
            exhibits.finding(sentence)
            display(Markdown(f"**{sentence}**"))
        else:
            ok = weekly_pairs[weekly_pairs["status"] == "ok"]
            display(ok[["query", "series", "n", "significant", "lag", "lead"]].style.hide(axis="index")
                    .format({"lag": "{:.0f}"}, na_rep="-"))
    else:
        display(Markdown("**No border was reported week by week inside the study period**, so no weekly test is "
                         "possible."))

# %%
if has_crossings and len(daily):
    display(Markdown("## Searches and crossings on one time line\n\nWhatever the tests can or cannot say, the two "
                     "can be looked at together. The top panel is search interest for the study's first query; "
                     "the bottom panel the reported daily entries at each border (each dot one reported day, on "
                     "a log scale so that small and large borders fit). Gaps are days without a figure."))
    first = study.queries[0]
    entries = overview[overview["series"].str.split("|").str[1] == "entry"]
    shown = entries[entries["n_days"] >= 3]["series"].tolist() or overview["series"].tolist()
    shown_daily = daily[daily["series"].isin(shown)][["date", "series", "value"]].copy()
    shown_daily["series"] = shown_daily["series"].str.split("|").str[0] + " (" + \
        shown_daily["series"].str.split("|").str[2] + ", entries)"
    lo = shown_daily["date"].min() - pd.Timedelta(days=14)
    hi = shown_daily["date"].max() + pd.Timedelta(days=7)
    s = series_from_tidy(series, first.term)
    s = s[(s.index >= lo) & (s.index <= hi)]
    fig = plot_searches_and_crossings(
        s, shown_daily, events=window_events[window_events["date"].between(lo, hi)],
        title=f"Searches for '{first.label}' and reported entries, {lo.day} {lo:%b} to {hi.day} {hi:%b %Y}",
        search_label=f"'{first.label}' ({first.term}), index 0-100", crossings_label="people per day",
        source=f"Google Trends, geo {study.geo or 'worldwide'}; crossings: {study.crossings.name} (official "
               "statements, see data/README.md)", illustrative=mark_for(provenance, SEARCH, "crossings"),
        note="Only entry series with at least 3 reported days are drawn; exits and net figures are in table1.")
    png_fig = exhibits.save_figure(fig, "fig1_searches-and-crossings", data="fig1_searches-and-crossings",
                         caption="Search interest (top) and reported single-day crossings (bottom) on one time axis.")
    exhibits.save_table(shown_daily, "fig1_searches-and-crossings",
                        caption="Crossing figures drawn in fig1 (one row per series and day).")
    show(png_fig)

# %%
if has_crossings and not tested.empty:
    best = lead_lag.all_tests.sort_values("p_adjusted_all").iloc[0]
    r = lead_lag.results[(best["query"], best["series"])]
    lab = study.labels[best["query"]]
    pair = pairs[(pairs["query"] == best["query"]) & (pairs["series"] == best["series"])].iloc[0].to_dict()
    family = lead_lag.all_tests
    dark = family[(family["query"] == best["query"]) & (family["series"] == best["series"])
                  & (family["test"] == "ccf_prewhitened") & (family["p_adjusted_all"] < lead_lag.alpha)]["lag"]
    fig2 = plot_lead_lag(r, title=lead_lag_title(pair, what=f"'{lab}' vs {best['series'].split('|')[0]}"),
                         source="Google Trends; " + study.crossings.name,
                         illustrative=mark_for(provenance, SEARCH, "crossings"),
                         significant_lags=dark, n_family=len(family))  # bars, title and table: one correction
    png_fig2 = exhibits.save_figure(fig2, "fig2_lead-lag", data="table3_lead-lag-tests",
                         caption="Correlation of changes at each lead and lag, after prewhitening, with the band "
                                 "expected if the series were unrelated.")
    # drawn at the established lag only; without one, at the same period (never at the largest correlation's lag)
    shown_lag = int(pair["lag"]) if pd.notna(pair["lag"]) else 0
    fig3_title = (f"Crossings against '{lab}' searches: {lead_lag_phrase(pair)}" if pd.notna(pair["lag"]) else
                  f"Crossings against '{lab}' searches in the same {r.frequency}; no lead or lag could be established")
    fig3 = plot_crossings_vs_searches(r, lag=shown_lag, title=fig3_title, crossings_unit="people per period",
                                      source="Google Trends; " + study.crossings.name,
                                      illustrative=mark_for(provenance, SEARCH, "crossings"))
    png_fig3 = exhibits.save_figure(fig3, "fig3_crossings-vs-searches", data="table3_lead-lag-tests",
                         caption="Crossings against searches at the established lag (the same period when none "
                                 "could be established).")
    exhibits.save_table(lead_lag.tests(), "table3_lead-lag-tests",
                        caption="Every test run (prewhitened cross-correlations, Granger both ways, lagged HAC "
                                "regressions, nowcast), with p-values adjusted across all of them.")
    show(png_fig2)
    show(png_fig3)
    display(Markdown(f"**'{lab}' vs {best['series'].split('|')[0]}:** {lead_lag_phrase(pair)}."))
    display(Markdown(r.summary().replace("\n", "  \n")))

# %% [markdown]
# ## What these data can and cannot support
#
# - With a few dozen crossing figures, any statistical link is fragile: one day can dominate, and the
#   single jump of late September is shared by searches and crossings alike. We require 30 consecutive days
#   before computing anything, and correct for the number of tests.
# - "Granger-causes" would only mean "helps predict", never "causes".
# - The searches could lead crossings (people look up routes before leaving) or follow them (people search
#   after news of queues and closures, or after arriving); for Ukrainian refugees in 2022, online
#   information-seeking rose *after* crossings. Both directions are tested when the data allow.
#
# ## Caveats
#
# - **Searching is not leaving.** Searches show worry and information-seeking, not departures.
# - **Same day is not same cause.** The announcement moved both searches and border queues; two things that
#   jump on the same day look correlated even if neither affects the other.
# - **The index is a relative sample.** Google's values are a 0–100 index from a sample of searches, scaled
#   per download; they are not numbers of people.
# - **Crossing figures are few and partly cumulative.** They come from a handful of official statements,
#   often "since 21 September" totals; daily values exist only where a source gave one day or where two
#   cumulative statements with the same start could be subtracted. Entries include transit travellers and
#   people who return.
# - **Events overlap.** When several events fall within days of each other, daily data cannot separate
#   their effects on searches or on crossings.


# %%
# Caveats that hold only for some places and periods: chosen by the study's geo and dates from trendlib's data
# files (trendlib/data/search_engine_share.csv and caveats.csv, each sentence with its source).
display(Markdown("\n".join(f"- {c}" for c in study_caveats(study, notebook="20"))))
