"""Periods -> series: derived values checked against values computed by hand from the source rows."""
from __future__ import annotations

import pandas as pd
import pytest

from trendlib.datasets import DataError, derive_crossing_series, load_crossings
from trendlib.datasets.derive import rounding_half_unit

FI_ALL = "finland/eastern-land-border-all"
FI_SE3 = "finland/se-3-checkpoints"


def _row(periods, *, footprint, direction, start, end=None, population="Russian citizens"):
    end = end or start
    p = periods
    hit = p[(p["footprint"] == footprint) & (p["direction"] == direction) & (p["population"] == population)
            & (p["period_start"] == pd.Timestamp(start)) & (p["period_end"] == pd.Timestamp(end))]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def _value_of(crossings, rid):
    return float(crossings.loc[crossings["id"] == rid, "value"].iloc[0])


# ---------------------------------------------------------------- real data, by hand
def test_single_day_figures_are_taken_as_they_are(crossings_real, derived_real):
    # Finland, all eastern checkpoints, Sat 24 Sep: 8,572 entries (cr044), 4,199 exits (cr045)
    assert _value_of(crossings_real, "cr044") == 8572
    r = _row(derived_real.periods, footprint=FI_ALL, direction="entry", start="2022-09-24")
    assert (r["value"], r["kind"], r["source_ids"]) == (8572, "single_day", "cr044")


def test_footprints_are_never_mixed(crossings_real, derived_real):
    # 21 Sep: all eastern checkpoints 4,824 (cr032) vs the three south-eastern ones 4,443 (cr033)
    all_ = _row(derived_real.periods, footprint=FI_ALL, direction="entry", start="2022-09-21")
    se3 = _row(derived_real.periods, footprint=FI_SE3, direction="entry", start="2022-09-21")
    assert (all_["value"], all_["source_ids"]) == (4824, "cr032")
    assert (se3["value"], se3["source_ids"]) == (4443, "cr033")
    # no derived value draws on rows of two footprints
    fp = dict(zip(crossings_real["id"], crossings_real["footprint"]))
    for ids in derived_real.periods["source_ids"]:
        assert len({fp[i] for i in ids.split(";")}) == 1, ids


def test_cumulative_statements_with_the_same_start_are_differenced(crossings_real, derived_real):
    # Kazakhstan entries since 21 Sep: ~98,000 to 27 Sep (cr104), >200,000 to 4 Oct (cr106)
    v = _value_of(crossings_real, "cr106") - _value_of(crossings_real, "cr104")
    assert v == 102_000
    r = _row(derived_real.periods, footprint="kazakhstan/all-checkpoints", direction="entry",
             start="2022-09-28", end="2022-10-04")
    assert (r["value"], r["kind"], r["source_ids"], r["qualifier"]) == (v, "differenced", "cr106;cr104", "approx")
    # band: 98,000 rounded to 1,000 (+/-500); 200,000 to 100,000 (+/-50,000)
    assert (r["value_low"], r["value_high"]) == (v - 50_500, v + 50_500)


def test_difference_of_two_exact_figures_has_no_band(crossings_real, derived_real):
    # Georgia: 299,094 entries Mar-Jun (cr074) minus 45,068 in March (cr073), both exact
    r = _row(derived_real.periods, footprint="georgia/all-checkpoints", direction="entry",
             start="2022-04-01", end="2022-06-30")
    assert r["value"] == 299_094 - 45_068 == 254_026
    assert r["value_low"] == r["value_high"] == 254_026 and r["qualifier"] == "exact"


def test_frontex_weekly_report_agrees_with_differenced_cumulative(derived_real):
    # entries to the EU since 24 Feb: >1,303,000 to 25 Sep (cr004), >1,356,000 to 2 Oct (cr006) -> 53,000,
    # the same as the reported week 26 Sep-2 Oct (cr009), which is preferred; the difference is its alternative
    r = _row(derived_real.periods, footprint="eu-all-external-land-borders/eu-land-borders-with-russia",
             direction="entry", start="2022-09-26", end="2022-10-02")
    assert (r["value"], r["kind"], r["source_ids"]) == (53_000, "reported_period", "cr009")
    assert set(r["alternative_ids"].split(";")) == {"cr006", "cr004"}
    # exits: 1,314,000 - 1,273,000 = 41,000, each rounded to 1,000 -> band +/-1,000
    x = _row(derived_real.periods, footprint="eu-all-external-land-borders/eu-land-borders-with-russia",
             direction="exit", start="2022-09-26", end="2022-10-02")
    assert (x["value"], x["value_low"], x["value_high"]) == (41_000, 40_000, 42_000)


def test_net_only_where_entries_and_exits_both_exist(derived_real):
    p = derived_real.periods
    # Kazakhstan 21-27 Sep: 98,000 in (cr104) - 64,234 out (cr105)
    n = _row(p, footprint="kazakhstan/all-checkpoints", direction="net", start="2022-09-21", end="2022-09-27")
    assert n["value"] == 98_000 - 64_234 == 33_766 and n["source_ids"] == "cr104;cr105"
    # Finland 25 Sep: 8,314 in (cr047) - 5,068 out (cr048)
    n = _row(p, footprint=FI_ALL, direction="net", start="2022-09-25")
    assert n["value"] == 8314 - 5068
    # Finland 24 Sep has both; 26 Sep has entries only -> no net that day
    nets = p[(p["footprint"] == FI_ALL) & (p["direction"] == "net")]
    assert pd.Timestamp("2022-09-26") not in set(nets["period_start"])
    # every net has a matching entry and exit value
    for _, r in p[p["direction"] == "net"].iterrows():
        same = p[(p["footprint"] == r["footprint"]) & (p["population"] == r["population"])
                 & (p["period_start"] == r["period_start"]) & (p["period_end"] == r["period_end"])]
        entry = same[same["direction"] == "entry"]["value"]
        exit_ = same[same["direction"] == "exit"]["value"]
        assert len(entry) == 1 and len(exit_) == 1
        assert r["value"] == entry.iloc[0] - exit_.iloc[0]


def test_conflicting_reports_are_resolved_and_both_kept(derived_real):
    # Mon 26 Sep: Yle 7,747 (HIGH, cr049) vs ANSA 7,743 (MEDIUM, cr050)
    r = _row(derived_real.periods, footprint=FI_ALL, direction="entry", start="2022-09-26")
    assert (r["value"], r["source_ids"], r["alternative_ids"]) == (7747, "cr049", "cr050")
    assert (r["value_low"], r["value_high"]) == (7743, 7747)
    # Tue 27 Sep: reported 7,056 (cr052) preferred over 50,655 (cr037, to 27 Sep) - ~44,000 (cr035, to 26 Sep)
    r = _row(derived_real.periods, footprint=FI_ALL, direction="entry", start="2022-09-27")
    assert (r["value"], r["kind"]) == (7056, "single_day")
    assert set(r["alternative_ids"].split(";")) == {"cr037", "cr035"}
    assert r["value_low"] == 50_655 - 44_000 - 500  # the difference, less its rounding band


def test_24h_windows_are_dated_to_their_end(derived_real, crossings_real):
    # Georgia 10:00 28 Sep - 10:00 29 Sep: 9,642 entries (cr090) -> 29 Sep
    r = _row(derived_real.periods, footprint="georgia/all-checkpoints", direction="entry", start="2022-09-29")
    assert (r["value"], r["source_ids"]) == (9642, "cr090")
    without = derive_crossing_series(crossings_real, include_24h_windows=False)
    assert "cr090" in set(without.left_out["id"])


def test_nothing_is_silently_dropped(crossings_real, derived_real):
    used = set()
    for col in ("source_ids", "alternative_ids"):
        for ids in derived_real.periods[col]:
            used |= {i for i in ids.split(";") if i}
    for ids in derived_real.left_out["id"]:
        used |= set(ids.split("+"))
    assert used == set(crossings_real["id"])
    reasons = dict(zip(derived_real.left_out["id"], derived_real.left_out["reason"]))
    assert reasons["cr107"].startswith("stated peak rate")      # Kazakhstan 'reached 30 thousand' a day
    assert reasons["cr023"].startswith("run-rate")              # Finland '300,000 pace'
    assert reasons["cr064"].startswith("stock")                  # Georgia 'still present on 3 Oct'
    assert reasons["cr120+cr121"].startswith("cumulative figure decreases")
    assert "left out: 8" in derived_real.summary()  # 6 of the main file, 2 per-day rates of the additions
    assert {i for i in reasons if i >= "cr151"} == {"cr205", "cr206"}


def test_daily_view_counts_what_it_leaves_out(derived_real):
    d = derived_real.daily(footprint=FI_ALL, direction="entry")
    assert list(d.columns[:2]) == ["date", "series"]
    assert d["date"].is_monotonic_increasing
    assert len(d) == 13 and d.attrs["left_out"]["longer_periods"] > 0
    assert d.attrs["left_out"]["other_footprint"] > 0
    # gaps are not filled: 28 Sep was never reported
    assert pd.Timestamp("2022-09-28") not in set(d["date"])


# ---------------------------------------------------------------- synthetic, known answers
HEADER = ("id,period_start,period_end,window,country,crossing,footprint,counted_by,direction,direction_reported,"
          "population,value,value_max,qualifier,unit,source_org,source_url,confidence,notes\n")


def _frame(tmp_path, rows):
    p = tmp_path / "c.csv"
    body = "".join(
        f"{i},{s},{e},{w},X,x,{fp},X,{d},{d},P,{v},{vm},{q},{u},org,https://example.org/{i},{c},\n"
        for i, s, e, w, fp, d, v, vm, q, u, c in rows)
    p.write_text(HEADER + body, encoding="utf-8")
    return load_crossings(p)


def test_known_cumulative_chain(tmp_path):
    c = _frame(tmp_path, [
        ("a1", "2022-09-21", "2022-09-23", "period", "x/all", "entry", 300, "", "exact", "persons", "HIGH"),
        ("a2", "2022-09-21", "2022-09-25", "period", "x/all", "entry", 800, "", "exact", "persons", "HIGH"),
        ("a3", "2022-09-21", "2022-09-26", "period", "x/all", "entry", 1000, "", "exact", "persons", "HIGH"),
        ("b1", "2022-09-21", "2022-09-23", "period", "x/south", "entry", 100, "", "exact", "persons", "HIGH"),
        ("e1", "2022-09-26", "2022-09-26", "calendar_day", "x/all", "exit", 150, "", "exact", "persons", "HIGH"),
        ("r1", "2022-09-22", "2022-09-23", "period", "x/all", "entry", 5, 6, "range", "persons_per_day", "LOW"),
    ])
    res = derive_crossing_series(c)
    p = res.periods
    got = {(r.footprint, r.direction, str(r.period_start.date()), str(r.period_end.date())): r.value
           for r in p.itertuples()}
    assert got[("x/all", "entry", "2022-09-24", "2022-09-25")] == 500
    assert got[("x/all", "entry", "2022-09-26", "2022-09-26")] == 200
    assert got[("x/all", "net", "2022-09-26", "2022-09-26")] == 50       # 200 in - 150 out
    assert ("x/south", "entry", "2022-09-24", "2022-09-25") not in got   # no second statement for x/south
    assert list(res.left_out["id"]) == ["r1"]                            # a per-day rate over two days
    d = res.daily()
    assert set(zip(d["footprint"], d["direction"], d["value"])) == {("x/all", "entry", 200.0),
                                                                   ("x/all", "exit", 150.0),
                                                                   ("x/all", "net", 50.0)}


def test_decreasing_cumulative_is_not_differenced(tmp_path):
    c = _frame(tmp_path, [
        ("a1", "2022-01-01", "2022-09-30", "period", "x/all", "entry", 192258, "", "exact", "persons", "LOW"),
        ("a2", "2022-01-01", "2022-10-16", "period", "x/all", "entry", 184000, "", "approx", "persons", "MEDIUM"),
    ])
    res = derive_crossing_series(c)
    assert (res.periods["kind"] == "differenced").sum() == 0
    assert list(res.left_out["id"]) == ["a1+a2"]


def test_rounding_half_unit():
    assert rounding_half_unit(1_600_000, "approx") == 50_000
    assert rounding_half_unit(98_000, "approx") == 500
    assert rounding_half_unit(6_470, "approx") == 5
    assert rounding_half_unit(50_655, "approx") == 0.5
    assert rounding_half_unit(50_000, "exact") == 0


def test_derive_needs_a_loaded_frame():
    with pytest.raises(DataError, match="load_crossings"):
        derive_crossing_series(pd.DataFrame({"value": [1]}))
