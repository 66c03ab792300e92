# %% [markdown]
# # 01 · What the study's search series look like
#
# **Question.** How did Google search interest in the study's queries move over the study period, and where
# do the dated events fall on those curves?
#
# **What this notebook does.** It loads the study's Google Trends series, its event calendar and (when the
# study has one) its border-crossing file through `trendlib`, says where each file comes from, draws every
# query as its own panel with every event marked and named, and tabulates each series.
#
# **What it does not do.** It tests nothing. Whether a jump is unusual is the event study's question
# (notebook 10); how searches relate to border crossings is notebook 20's.

# %% tags=["parameters"]
study_file: str = "studies/invasion-2022.yaml"  # the study: a study YAML (looked up from here upwards) or the study.json of trendlib report
output_dir: str = ""  # where figures/, tables/ and results go (empty: outputs/dev/<study>/ in the study's project)

# %%
# Validate the parameters (papermill injects them without checking) and set up the outputs.
import pandas as pd
from IPython.display import Markdown, display

import trendlib
from trendlib.datasets.context import search_engine_sentence, study_caveats
from trendlib.datasets.study_import import levels_caveat
from trendlib.datasets import describe_series, facts_in_window, load_facts, select_series, study_events
from trendlib.plots import show
from trendlib.plots.events import number_events
from trendlib.plots.series import plot_search_interest
from trendlib.plots.style import mark_for
from trendlib.signals import PAGEVIEWS, SEARCH
from trendlib.text import ColumnNotes

study, exhibits = trendlib.open_study(study_file, output_dir, notebook="01-explore-search-interest")
provenance, illustrative = exhibits.provenance, exhibits.illustrative
columns = ColumnNotes()  # explains each table column where it first appears on this page

# %% [markdown]
# ## Where the data come from
#
# Every number below traces back to one of these files. The checksum (sha256) identifies the exact file
# version; `results.json` holds the full values.

# %%
prov_table = pd.DataFrame(
    [{"role": p["role"], "file": p["file"].rsplit("/", 1)[-1], "source": p["source"],
      "illustrative": "YES - simulated" if p["illustrative"] else "no", "sha256": p["sha256"][:12],
      "notes": p["notes"]} for p in provenance]
)
display(prov_table.style.hide(axis="index").set_properties(**{"text-align": "left"}))
if illustrative:
    display(Markdown("**Some inputs are ILLUSTRATIVE (simulated, not observed).** Charts and numbers made "
                     "from them show how the analysis works; they are not findings about the world."))

# %% [markdown]
# ## What Google's 0–100 index is, and what it is not
#
# - **It is relative, not a count.** For each day (or week) Google takes the share of all searches in the
#   place that were for the term, then rescales so that the highest point *in that download* is 100.
#   "50" means half the peak share, not 50 searches and not 50 % of people.
# - **Each download has its own scale.** "60" in one download and "60" in another are not the same amount;
#   only lines from the same request (or calibrated to a common scale) can be compared with each other.
#   In a file where every query was downloaded separately, each line is scaled to its own peak.
# - **It is a sample.** Google computes it from a sample of searches, so a download made on another day
#   gives slightly different numbers; small queries can come back as 0 or "<1".
# - **Searching is not doing.** Interest in "how to leave" measures worry and information-seeking,
#   not departures.

# %%
display(Markdown("- " + search_engine_sentence(study.geo)))

# %%
raw_trends = trendlib.load_trends(study.trends)
series = select_series(raw_trends, queries=study.terms, geo=study.geo, start=study.start, end=study.end)
all_events = trendlib.load_events(study.events) if study.events else None
window_events = number_events(study_events(study, all_events))  # numbered once: the same numbers on every page
summary = describe_series(series, labels=study.labels)
facts = None
if study.facts is not None:
    facts = facts_in_window(load_facts(study.facts), study.start, study.end, queries=study.terms)

left = series.attrs["left_out"]
display(Markdown(
    f"The trends file holds {len(raw_trends):,} rows; {len(series):,} are this study's "
    f"({len(study.terms)} queries, geo `{study.geo or 'worldwide'}`, {study.start} to {study.end}). "
    f"Left out: {left['other_query']} rows of other queries, {left['other_geo']} of other places, "
    f"{left['outside_dates']} outside the dates. "
    + (f"{int((~window_events['from_study']).sum())} of the calendar's {len(all_events)} events fall inside the "
       "period" + (f" ({window_events.attrs['left_out']['month_precision_only']} more are dated only to a month "
                   "and cannot be drawn on a day)." if window_events.attrs['left_out']['month_precision_only'] else ".")
       if all_events is not None else "The study has no events file: its own event date is the one event marked.")
    + (f" The study's event date, {study.event_date:%d %B %Y}, is not in the events file; it is marked as "
       f"'{study.study_event_label}'." if all_events is not None and window_events["from_study"].any() else "")
))

# %% [markdown]
# ## The series, with the events marked
#
# One panel per query, each on its own 0–100 scale. Dashed lines are the dated events; their numbers are in
# the strip under the axes and in the table below the chart, and every chart of this study uses the same
# numbers (events too close together to label one by one share a range label such as "7–21"). Open circles
# mark a period that was not complete when the data were downloaded.

# %%
resolution = summary["resolution"].iloc[0]
adverb = {"hour": "hourly", "day": "daily", "week": "weekly", "month": "monthly"}.get(resolution, resolution)
source_line = "; ".join(sorted({p["source"] for p in provenance if p["role"] == "trends"}))
fig = plot_search_interest(
    series, labels=study.labels, events=window_events, facts=facts,
    title=f"Google search interest, {adverb}, {study.start:%b %Y} to {study.end:%b %Y}",
    source=f"Google Trends ({source_line}), geo {study.geo or 'worldwide'}; events: {study.events.name if study.events else 'the study file'}",
    illustrative=mark_for(provenance, SEARCH),  # the mark names what is simulated
)
png = exhibits.save_figure(fig, "fig1_search-interest", data="fig1_search-interest",
                           caption="Search interest per query (own 0-100 scale per panel) with the study's events marked.")
exhibits.save_table(series[["date", "query", "geo", "value", "value_low", "value_high", "n_samples",
                            "is_partial", "resolution", "source"]],
                    "fig1_search-interest", caption="The series drawn in fig1 (tidy: one row per date and query).")
show(png)
levels_note = levels_caveat(next(p for p in provenance if p["role"] == "trends"))
if levels_note:  # the trends file was joined from several website exports (trendlib import --study)
    display(Markdown(f"**Heights are not comparable across panels.** {levels_note}"))
if len(window_events):
    legend = window_events[["number", "date", "label"]].rename(columns={"label": "event"})
    display(Markdown("**Events, with their numbers on every chart of this study.**"))
    display(legend.style.hide(axis="index").format({"date": "{:%d %b %Y}"}))

# %% [markdown]
# ## Figures published at the time
#
# When the study has a file of published search facts, the ones about its queries and period are drawn
# on the chart as numbered diamonds (F1, F2, ...) and listed here with their sources. They are what
# journalists and researchers reported then (peak times, index values, Yandex counts), for checking the
# chart against; they are not this chart's data, and a Yandex count is a different measure from Google's
# index.

# %%
if facts is None or facts.empty:
    display(Markdown("This study has no published search facts for its queries and period."))
else:
    fact_table = facts.reset_index(drop=True)
    fact_table.insert(0, "mark", [f"F{i + 1}" for i in range(len(fact_table))])
    fact_table = fact_table[["mark", "id", "date_start", "time_local", "engine", "matched_query", "metric",
                             "value_text", "source_org", "source_url", "confidence"]]
    exhibits.save_table(fact_table, "table2_published-facts",
                        caption="Published search figures drawn on fig1 (F1, F2, ...), with sources.")
    shown_facts = fact_table.drop(columns=["id"])  # the ids are in the CSV
    display(Markdown(columns(shown_facts.columns, extra={
        "mark": "the diamond's label on the chart",
        "date_start": "the day the figure is about", "time_local": "local time, when the source gives one",
        "engine": "Google or Yandex", "matched_query": "the study query it is about",
        "metric": "what kind of figure it is", "value_text": "the figure, worded as published",
        "source_org": "who published it", "source_url": "where it was read",
        "confidence": "HIGH, MEDIUM or LOW (see data/README.md)"})))
    display(shown_facts.style.hide(axis="index").set_properties(**{"text-align": "left"}))

# %% [markdown]
# ## Each series in numbers
#
# A high share of zeros means the series is too thin to read day-to-day movements from.

# %%
exhibits.save_table(summary, "table1_series-summary",
                    caption="Per query: period, number of points, mean, peak and its date, zeros, partial periods.")
display(Markdown(columns(summary.columns, extra={
    "peak_date": "start of the day or week with the highest value", "peak_value": "that highest value (0-100)",
    "mean": "mean index over the period (0-100)", "n_points": "number of days or weeks",
    "n_partial": "periods not complete when downloaded", "resolution": "day, week or month",
    "first": "first date", "last": "last date", "query": "the query as searched", "label": "its label"})))
display(summary.style.hide(axis="index").format({"share_zero": "{:.0%}", "mean": "{:.1f}", "peak_value": "{:.0f}"}))

# %%
event_day = pd.Timestamp(study.event_date)
lines = []
for row in summary.itertuples():
    when = "before" if pd.Timestamp(row.peak_date) < event_day else "on or after"
    period = "on" if resolution == "day" else f"in the {resolution} starting"
    lines.append(f"- **{row.label}** peaked {period} {row.peak_date:%d %B %Y}, "
                 f"{when} the event of {event_day:%d %B %Y}.")
display(Markdown("\n".join(lines)))
exhibits.record("explore", {
    "n_rows": len(series), "resolution": resolution, "n_events_in_window": len(window_events),
    "left_out": left, "series": summary,
})

# %% [markdown]
# ## A second signal: Wikipedia pageviews
#
# Google's index is a sampled share of searches, rounded and rescaled in every download. Wikipedia pageviews
# are a different kind of number: how many times each article was opened that day, counted in full (not
# sampled), comparable between days and between articles. They measure reading about a subject, not
# searching for it, and they count views per title (views of a redirect, or of an article's title before it
# was renamed, are not included). When the study has a pageviews file (key `pageviews:`), its articles are
# drawn under the search series, on the same days.

# %%
if study.pageviews is None:
    display(Markdown("This study has no Wikipedia pageviews file (key `pageviews:`); `trendlib pageviews` "
                     "writes one (see the README)."))
else:
    from trendlib.datasets import describe_pageviews, load_pageviews, select_pageviews
    from trendlib.plots.signals import plot_signals

    pageviews = select_pageviews(load_pageviews(study.pageviews), articles=study.articles, start=study.start,
                                 end=study.end)
    pv_summary = describe_pageviews(pageviews, labels=study.article_labels)
    pv_line = "; ".join(sorted({p["source"] for p in provenance if p["role"] == "pageviews"}))
    projects = ", ".join(sorted(set(pageviews["project"])))
    fig5 = plot_signals(
        series, pageviews, labels=study.labels, article_labels=study.article_labels, events=window_events,
        event_date=study.event_date,
        title=f"Search interest and Wikipedia pageviews, daily, {study.start:%b %Y} to {study.end:%b %Y}",
        source=f"Google Trends ({source_line}), geo {study.geo or 'worldwide'}; Wikipedia pageviews ({pv_line}), "
               f"{projects}, views per title (redirects not followed)",
        illustrative=mark_for(provenance, SEARCH, PAGEVIEWS),
    )
    png5 = exhibits.save_figure(fig5, "fig5_pageviews", data="fig5_pageviews",
                                caption="Search interest (top, own 0-100 scale per query) and daily Wikipedia "
                                        "pageviews of the study's articles (bottom, numbers of views).")
    exhibits.save_table(pageviews, "fig5_pageviews",
                        caption="The pageviews drawn in fig5 (tidy: one row per day and article).")
    exhibits.save_table(pv_summary, "table3_pageviews-summary",
                        caption="Per article: days, total views, busiest day and its views, first day with views.")
    exhibits.record("pageviews", {"projects": sorted(set(pageviews["project"])), "articles": pv_summary,
                                  "left_out": pageviews.attrs["left_out"]})
    show(png5)
    display(pv_summary.style.hide(axis="index").format({"total_views": "{:,}", "busiest_day_views": "{:,}"}))

# %% [markdown]
# ## Caveats
#
# - **Relative, sampled, Google-only.** The values are a relative index from a sample of Google searches,
#   scaled per download; they are not numbers of people and miss everyone who searched with another engine.
# - **Panels are not comparable with each other** unless the file says its queries were calibrated to a
#   common scale: a higher line in one panel does not mean more searches than in another.
# - **A peak on an event's date is not proof the event caused it.** Several events can fall in the same
#   week, and coverage of a search spike can itself drive more searches. Notebook 10 asks how unusual each
#   jump was, against a baseline.
# - **Searching is not leaving.** Interest in emigration-related queries shows worry and curiosity, not
#   departures.


# %%
# Caveats that hold only for some places and periods: chosen by the study's geo and dates from trendlib's data
# files (trendlib/data/search_engine_share.csv and caveats.csv, each sentence with its source).
display(Markdown("\n".join(f"- {c}" for c in study_caveats(study, notebook="01"))))
