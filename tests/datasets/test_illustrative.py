"""The ILLUSTRATIVE mobilization series: deterministic, marked, its assumptions tied to real facts,
and its latent curves reproduce the published relative levels they were sized from."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from trendlib.testing import simulate
from trendlib.datasets import load_facts
from trendlib.datasets.illustrative import ASSUMPTIONS, DEFAULT_SEED, QUERIES, _latent, make_illustrative

from .conftest import DATA


@pytest.fixture(scope="module")
def made():
    return make_illustrative()


def test_deterministic(made):
    again = make_illustrative()
    pd.testing.assert_frame_equal(made.series, again.series)
    pd.testing.assert_frame_equal(made.samples, again.samples)
    other = make_illustrative(seed=DEFAULT_SEED + 1)
    assert not other.series["value"].equals(made.series["value"])


def test_marked_illustrative(made):
    assert made.provenance["source"] == "illustrative" and made.provenance["illustrative"] is True
    assert set(made.series["source"]) == {"illustrative"}
    assert "ILLUSTRATIVE" in made.summary() and "not real" in made.summary()


def test_every_cited_fact_exists_and_every_assumption_says_why():
    facts = load_facts(DATA / "facts" / "search_facts_2022.csv")
    ids = set(facts["id"])
    cited = set()
    for term, a in ASSUMPTIONS.items():
        assert term in QUERIES
        assert a["why"], term
        for line in a["why"]:
            cited |= set(re.findall(r"\bsf\d{3}\b", line))
    assert cited and cited <= ids, cited - ids
    assert set(ASSUMPTIONS) == set(QUERIES)


def test_samples_differ_between_fetch_days_and_bands_hold(made):
    s = made.samples
    wide = s.pivot_table(index=["date", "query"], columns="sample", values="value")
    assert (wide.nunique(axis=1) > 1).mean() > 0.3  # a new Google sample each fetch day
    v = made.series
    assert ((v["value_low"] <= v["value"]) & (v["value"] <= v["value_high"])).all()
    assert (v["n_samples"] == 5).all() and v["value"].between(0, 100).all()


def test_each_query_scaled_to_its_own_peak(made):
    for term in QUERIES:
        part = made.samples[made.samples["query"] == term]
        assert part.groupby("sample")["value"].max().eq(100).all(), term


def test_published_shapes_are_reproduced(made):
    w = made.series.pivot(index="date", columns="query", values="value")
    # 'how to break an arm': index near zero before the address of 21 Sep (sf003), then the peak
    assert w.loc[:"2022-09-20", "как сломать руку"].max() < 5
    assert w["как сломать руку"].idxmax() == pd.Timestamp("2022-09-21")
    # 'how to leave Russia' rises from the evening of 20 Sep (sf001): 20 Sep well above the week before
    assert w.loc["2022-09-20", "как уехать из России"] > 2 * w.loc["2022-09-12":"2022-09-19",
                                                                    "как уехать из России"].mean()
    assert w["мобилизация"].idxmax() == pd.Timestamp("2022-09-21")


def _weekly(term, start, end):
    curve = _latent(term, "2022-08-01", "2022-10-31", DEFAULT_SEED)
    daily = curve.groupby(curve.index.normalize()).sum()
    return float(daily.loc[start:end].sum())


def test_latent_mobilization_matches_yandex_relative_levels():
    # Yandex 'мобилизация': ~100,000/week in August (sf021), 937,800 on 12-18 Sep (sf011),
    # >33 million on 19-25 Sep (sf020): relative levels the latent curve was sized to
    aug = _weekly("мобилизация", "2022-08-08", "2022-08-14")
    assert aug == pytest.approx(100_000, rel=0.15)
    assert _weekly("мобилизация", "2022-09-12", "2022-09-18") / aug == pytest.approx(9.378, rel=0.15)
    assert _weekly("мобилизация", "2022-09-19", "2022-09-25") / aug == pytest.approx(330, rel=0.1)


def test_latent_september_total_matches_the_reported_order_of_magnitude():
    # ~50 million 'мобилизация' searches in September (Kyiv Post, LOW; notes of sf020 and sf030)
    assert _weekly("мобилизация", "2022-09-01", "2022-09-30") == pytest.approx(50e6, rel=0.15)


def test_latent_leave_russia_and_deferment_match_yandex_weeks():
    # 'уехать из России' ~83,000 on 19-25 Sep (sf024); 'отсрочка от мобилизации' >500,000 (sf023)
    assert _weekly("как уехать из России", "2022-09-19", "2022-09-25") == pytest.approx(83_000, rel=0.1)
    assert _weekly("отсрочка от армии", "2022-09-19", "2022-09-25") == pytest.approx(500_000, rel=0.1)


def test_bad_arguments_are_typed_errors():
    with pytest.raises(simulate.SimulationError):
        make_illustrative(fetch_days=())
