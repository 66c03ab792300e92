"""The ILLUSTRATIVE daily Google Trends series of the mobilization-2022 study, and how it is made.

Google Trends cannot be reached from where trendlib's shipped reports are built, so the
``mobilization-2022`` study ships a *simulated* series for its five queries. It is never
passed off as real: its file name contains ``_illustrative``, its provenance says
``source: illustrative`` / ``illustrative: true``, and the report marks every chart and page
made from it. ``trendlib fetch --study studies/mobilization-2022.yaml`` replaces it with a
real pull where Google can be reached.

How it is made (:func:`make_illustrative`)
-----------------------------------------
1. A **latent curve** per query (:func:`trendlib.testing.simulate.latent_curve`): searches per day
   (for two queries per hour, so a spike can start at a stated hour) with a baseline, steps,
   decaying spikes, a weak weekly cycle and day-to-day noise. Every parameter is listed in
   :data:`ASSUMPTIONS` with the published fact it is tied to (ids ``sf...`` of
   ``data/facts/search_facts_2022.csv``) or marked ``ASSUMED`` where no fact exists.
   Yandex Wordstat weekly counts are used as *relative levels only* (Yandex and Google are
   different samples of Russian searching; only ratios between weeks carry over).
2. The **same Google-like pull as the fake server** (:func:`trendlib.testing.simulate.google_pull`):
   daily resolution for the 92-day window, Poisson thinning at ``sample_rate``, scaling to
   100 at the request's peak, integer rounding, ``<1`` and no-data rules. Each query is its
   own request, so **each series is scaled to its own peak (100) and queries are not
   comparable with each other** (as in the real invasion-2022 export).
3. **Several samples**: the pull is repeated on ``len(fetch_days)`` simulated fetch days;
   Google draws a new sample each day. The per-sample rows go to ``<stem>.samples.csv``;
   the series file holds, per day and query, the mean over samples (``value``), the lowest
   and highest sample (``value_low``, ``value_high``), the number of samples with data
   (``n_samples``) and ``below_one`` when every sample showed ``<1``.

Days are UTC days, as in the simulator. Deterministic: the same arguments and seed give
byte-identical files (``python tools/build_data.py`` regenerates them; ``--check`` verifies).
"""
from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["ASSUMPTIONS", "QUERIES", "IllustrativeSeries", "make_illustrative", "DEFAULT_FETCH_DAYS",
           "DEFAULT_SEED"]

#: the study's queries: term -> English label
QUERIES: dict[str, str] = {
    "как уехать из России": "how to leave Russia",
    "отсрочка от армии": "army deferment",
    "как сломать руку": "how to break an arm",
    "куда уехать без визы": "where to go without a visa",
    "мобилизация": "mobilization",
}
DEFAULT_SEED = 20220921
#: five simulated fetch days (a new Google sample each day); fixed dates, never "today"
DEFAULT_FETCH_DAYS = ("2023-01-09", "2023-01-10", "2023-01-11", "2023-01-12", "2023-01-13")

# Yandex Wordstat, "мобилизация": August ~100k/week (sf021), 5-11 Sep 158,593 (sf013),
# 12-18 Sep 937,800 (sf011), 19-25 Sep >33M (sf020), September ~50M (Kyiv Post, LOW; notes of sf020 and sf030).
_MOB_AUG_DAY = 100_000 / 7

#: one entry per query: latent-curve parameters, and why each has the value it has
ASSUMPTIONS: dict[str, dict[str, Any]] = {
    "мобилизация": {
        "freq": "D",
        "baseline": _MOB_AUG_DAY,
        "steps": [("2022-09-05", 158_593 / 100_000), ("2022-09-12", 937_800 / 158_593)],
        "spikes": [("2022-09-20", 2.0 * 937_800 / 100_000, 0.5), ("2022-09-21", 610.0, 4.0)],
        "weekly": 0.05, "noise": 0.08,
        "why": [
            "baseline: Yandex 'мобилизация' ~100,000 queries a week in August 2022 (sf021), used as the "
            "relative level 1",
            "steps: x1.59 from 5 Sep (158,593 in 5-11 Sep, sf013) and x5.9 from 12 Sep (937,800 in 12-18 Sep, "
            "sf011): the weekly Yandex counts as relative levels",
            "spike 20 Sep (height 2x the pre-announcement level, half-life 0.5 day): the Duma's "
            "'mobilization' law and the postponed address; Google interest peaked at 13:00 MSK that day "
            "(sf002, LOW)",
            "spike 21 Sep (height 610x the August level, half-life 4 days): sized so the week 19-25 Sep "
            "sums to ~33 million on the Yandex scale (sf020, 'more than 33 million') and September to "
            "~49 million (Kyiv Post's ~50 million, LOW, in the notes of sf020 and sf030); the half-life "
            "is ASSUMED to match that total",
        ],
    },
    "отсрочка от армии": {
        "freq": "D",
        "baseline": 4_000.0,
        "steps": [("2022-09-30", 1.3)],
        "spikes": [("2022-09-20", 1.0, 0.5), ("2022-09-21", 32.4, 4.0)],
        "weekly": 0.1, "noise": 0.12,
        "why": [
            "baseline 4,000/day: ASSUMED (no published figure for this query); only its ratio to the "
            "spike matters",
            "spike 21 Sep (height 32.4, half-life 4 days): sized so 19-25 Sep sums to ~500,000, the Yandex "
            "count for the close query 'отсрочка от мобилизации' ('more than half a million', sf023); "
            "half-life ASSUMED equal to 'мобилизация'",
            "spike 20 Sep (doubling, half-life 0.5 day): sources put a 13:00 MSK 20 Sep peak on "
            "'mobilization' or 'deferment from the army' (sf002, LOW)",
            "step x1.3 from 30 Sep: ASSUMED, the autumn conscription decree (signed 30 Sep) adds "
            "deferment interest",
        ],
    },
    "как уехать из России": {
        "freq": "h",
        "baseline": 2_000.0,
        "steps": [],
        "spikes": [("2022-09-13T15", 0.5, 0.5), ("2022-09-17T15", 0.5, 0.5), ("2022-09-18T15", 0.5, 0.5),
                   ("2022-09-20T15", 7.5, 1.0), ("2022-09-21T06", 10.0, 2.0)],
        "weekly": 0.05, "noise": 0.1,
        "why": [
            "baseline 2,000/day: ASSUMED (no published August level), so that the mobilization week is "
            "~6x a normal week",
            "small spikes on 13, 17 and 18 Sep: the local peaks of the preceding week (sf005, LOW)",
            "spike at 18:00 MSK (15:00 UTC) 20 Sep (height 7.5, half-life 1 day): 'peaked at about 6 pm "
            "Moscow time' on Tue 20 Sep (sf001)",
            "spike at 09:00 MSK 21 Sep (the address; height 10, half-life 2 days): the two spikes are sized "
            "so 19-25 Sep sums to ~83,000, the Yandex count for 'уехать из России' that week (sf024)",
            "not modelled: the late-February 2022 peak that exceeds the September one (sf032) lies "
            "outside this window",
        ],
    },
    "как сломать руку": {
        "freq": "h",
        "baseline": 10.0,
        "steps": [],
        "spikes": [("2022-09-21T06", 300.0, 1.0)],
        "weekly": 0.0, "noise": 0.2,
        "why": [
            "baseline 10/day: ASSUMED tiny, so the index is 0 or '<1' before the address, as Newsweek saw "
            "it ('zero for the previous seven days', sf003)",
            "spike from 09:00 MSK (06:00 UTC) 21 Sep, the start of the address, height 300, half-life 1 "
            "day: the index had reached 38 by 11:00 MSK (sf004); height and half-life are ASSUMED",
        ],
    },
    "куда уехать без визы": {
        "freq": "D",
        "baseline": 1_500.0,
        "steps": [("2022-09-19", 1.3), ("2022-09-30", 1.2)],
        "spikes": [("2022-09-21", 6.0, 5.0)],
        "weekly": 0.05, "noise": 0.1,
        "why": [
            "baseline 1,500/day: ASSUMED (no published figure)",
            "step x1.3 from 19 Sep: ASSUMED response to Estonia, Latvia, Lithuania and Poland refusing "
            "Russian tourist-visa holders (events file)",
            "spike 21 Sep (height 6, half-life 5 days): ASSUMED; visa-related searches rose sharply after "
            "the announcement (sf031, LOW); slower decay than 'how to leave' because destinations are "
            "researched over the days of departure",
            "step x1.2 from 30 Sep: ASSUMED response to Finland's entry ban for tourist-visa holders",
        ],
    },
}


@dataclasses.dataclass(frozen=True)
class IllustrativeSeries:
    """The generated files' contents: ``series`` (tidy trends format), ``samples`` (per-sample rows),
    ``provenance`` (the sidecar record, ``source: illustrative``)."""

    series: Any
    samples: Any
    provenance: dict

    def to_frame(self):
        """A copy of the averaged series (tidy trends format)."""
        return self.series.copy()

    def summary(self) -> str:
        """Plain text: window, queries, samples, and the ILLUSTRATIVE warning."""
        s = self.series
        return "\n".join([
            "ILLUSTRATIVE (simulated) Google Trends series - not real data",
            f"  {s['date'].min().date()}..{s['date'].max().date()}, daily, geo {s['geo'].iloc[0]!r}",
            f"  queries: {', '.join(sorted(set(s['query'])))}",
            f"  samples: {self.provenance['n_samples']} simulated fetch days; seed {self.provenance['seed']}",
        ])


def _latent(term: str, start: str, end: str, seed: int):
    from trendlib.testing import simulate
    a = ASSUMPTIONS[term]
    return simulate.latent_curve(start, end, baseline=a["baseline"], weekly=a["weekly"], weekly_peak=0,
                                 steps=a["steps"], spikes=a["spikes"], noise=a["noise"],
                                 seed=simulate.derive_seed(seed, term), freq=a["freq"])


def make_illustrative(*, start: str = "2022-08-01", end: str = "2022-10-31", geo: str = "RU",
                      fetch_days: tuple[str, ...] = DEFAULT_FETCH_DAYS, seed: int = DEFAULT_SEED,
                      sample_rate: float = 0.02) -> IllustrativeSeries:
    """Simulate the mobilization-2022 queries and pull them as Google would (see the module doc).

    Parameters (keyword-only)
    -------------------------
    start, end : inclusive window (ISO dates); 92 days give daily resolution.
    geo : geo code written in the rows.
    fetch_days : simulated fetch days, one Google sample each (fixed dates).
    seed : seeds the latent noise and every sample draw.
    sample_rate : share of searches in Google's sample (smaller = noisier samples).

    Returns an :class:`IllustrativeSeries`; ``series`` has the tidy trends columns plus
    ``below_one``, ``source = 'illustrative'``; values are index points 0-100 (each query
    scaled to its own peak), days are UTC days.
    """
    import numpy as np
    import pandas as pd

    from trendlib.testing import simulate

    if len(fetch_days) < 1:
        raise simulate.SimulationError("fetch_days is empty; give at least one simulated fetch day")
    curves = {(term, geo): _latent(term, start, end, seed) for term in QUERIES}
    latent = simulate.latent_frame(curves)
    pulls = []
    for i, day in enumerate(fetch_days):
        for term in QUERIES:
            p = simulate.google_pull(latent, terms=[term], geo=geo, start=start, end=end, fetch_day=day,
                                     seed=seed, sample_rate=sample_rate)
            p["sample"] = f"s{i + 1}"
            p["fetched_on"] = pd.Timestamp(day)
            pulls.append(p)
    raw = pd.concat(pulls, ignore_index=True)
    samples = pd.DataFrame({
        "date": raw["date"], "query": raw["query"], "geo": raw["geo"], "sample": raw["sample"],
        "fetched_on": raw["fetched_on"],
        "value": raw["value"].astype(float).where(raw["has_data"].astype(bool), np.nan),
        "below_one": raw["formatted"] == "<1", "is_partial": raw["is_partial"].astype(bool),
        "resolution": raw["resolution"]})
    samples = samples.sort_values(["query", "geo", "sample", "date"], kind="stable").reset_index(drop=True)
    g = samples.groupby(["date", "query", "geo"], sort=False)
    series = g.agg(value=("value", "mean"), value_low=("value", "min"), value_high=("value", "max"),
                   n_samples=("value", "count"), is_partial=("is_partial", "any"),
                   resolution=("resolution", "first"), below_one=("below_one", "all")).reset_index()
    series["value"] = series["value"].round(2)
    series["source"] = "illustrative"
    series = series[["date", "query", "geo", "value", "value_low", "value_high", "n_samples", "is_partial",
                     "resolution", "source", "below_one"]]
    series = series.sort_values(["query", "geo", "date"], kind="stable").reset_index(drop=True)
    prov = {
        "source": "illustrative",
        "illustrative": True,
        "description": ("ILLUSTRATIVE, simulated daily Google Trends index for the five mobilization-2022 "
                        f"queries, {start}..{end}, geo {geo}: a documented latent curve per query passed "
                        "through trendlib's Google-like sampling, scaling and rounding. NOT real Google data."),
        "citation": "Simulated by trendlib.datasets.illustrative.make_illustrative; not a data source.",
        "licence": "CC0 (simulated numbers).",
        "notes": ("Each query is its own request, scaled to its own peak (100): queries are not comparable "
                  "with each other. value is the mean of the simulated samples, value_low/value_high their "
                  "range. Replace with a real pull: trendlib fetch --study studies/mobilization-2022.yaml."),
        "generator": "trendlib.datasets.illustrative.make_illustrative",
        "simulator": "trendlib.testing.simulate (latent_curve, google_pull)",
        "seed": seed,
        "sample_rate": sample_rate,
        "fetch_days": list(fetch_days),
        "n_samples": len(fetch_days),
        "window": {"start": start, "end": end, "resolution": "day", "days": "UTC"},
        "geo": geo,
        "queries": [{"term": t, "label": lab} for t, lab in QUERIES.items()],
        "assumptions": {t: {k: v for k, v in a.items()} for t, a in ASSUMPTIONS.items()},
        "facts_file": "data/facts/search_facts_2022.csv",
    }
    return IllustrativeSeries(series=series, samples=samples, provenance=prov)
