"""plot_signals: both signals on one time axis, marked illustrative when the data are."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trendlib.plots.signals import plot_signals

DAYS = pd.date_range("2022-09-01", "2022-10-15", freq="D")


def _frames():
    trends = pd.DataFrame({"date": DAYS, "query": "мобилизация", "value": np.linspace(5, 100, len(DAYS))})
    views = pd.concat([
        pd.DataFrame({"date": DAYS, "query": "Верхний Ларс", "value": np.r_[[250] * 20, [12000] * (len(DAYS) - 20)]}),
        pd.DataFrame({"date": DAYS, "query": "New article", "value": np.r_[[0] * 20, [90000] * (len(DAYS) - 20)]}),
    ])
    return trends, views


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.texts) + " " + fig._suptitle.get_text()


def test_two_panels_share_the_days_and_log_views_leave_zero_days_out():
    trends, views = _frames()
    fig = plot_signals(trends, views, labels={"мобилизация": "mobilization"},
                       article_labels={"Верхний Ларс": "Upper Lars"}, event_date="2022-09-21",
                       title="Both signals jump on 21 Sep", source="test", illustrative=True)
    top, bottom = fig.axes[:2]
    assert bottom.get_yscale() == "log" and top.get_ylim() == (0, 108)
    new = [ln for ln in bottom.get_lines() if ln.get_label() == "New article"][0]
    y = np.asarray(new.get_ydata(), dtype=float)
    assert np.isnan(y[:20]).all() and (y[20:] == 90000).all()          # zero days not drawn on the log axis
    text = _texts(fig)
    assert "ILLUSTRATIVE" in text and "days with no views are not drawn" in text and "21 Sep 2022" in text
    assert [ln.get_label() for ln in top.get_lines() if not ln.get_label().startswith("_")] == ["mobilization"]


def test_linear_views_when_days_are_comparable():
    trends, views = _frames()
    views = views[views["query"] == "Верхний Ларс"].assign(value=lambda d: d["value"].clip(upper=2000))
    fig = plot_signals(trends, views, labels={"мобилизация": "mobilization"}, article_labels={}, title="t",
                       source="s")
    assert fig.axes[1].get_yscale() == "linear" and "ILLUSTRATIVE" not in _texts(fig)


def test_the_illustrative_mark_names_the_simulated_series():
    from trendlib.plots.style import OTHER_INPUTS, mark_for

    both = [{"role": "trends", "illustrative": True}, {"role": "pageviews", "illustrative": True},
            {"role": "crossings", "illustrative": False}]
    assert mark_for(both, "wikipedia-pageviews") == ["wikipedia-pageviews"]
    assert mark_for([dict(p, illustrative=False) for p in both], "google-trends") is False
    real_views = [{"role": "trends", "illustrative": True}, {"role": "pageviews", "illustrative": False}]
    assert mark_for(real_views, "wikipedia-pageviews") == [OTHER_INPUTS]  # still marked, but not as fake views
    trends, views = _frames()
    for provenance, drawn, says, never in (
            (both, ("wikipedia-pageviews",), "NOT REAL WIKIPEDIA PAGEVIEWS", "GOOGLE TRENDS"),
            (both, ("google-trends", "wikipedia-pageviews"), "NOT REAL GOOGLE TRENDS OR WIKIPEDIA PAGEVIEWS", "\0"),
            (real_views, ("wikipedia-pageviews",), "SOME INPUTS OF THIS STUDY ARE SIMULATED", "PAGEVIEWS"),
            (real_views, ("google-trends",), "NOT REAL GOOGLE TRENDS", "PAGEVIEWS")):
        fig = plot_signals(trends, views, labels={}, article_labels={}, event_date="2022-09-21", title="t",
                           source="test",
                           illustrative=mark_for(provenance, *drawn))
        text = _texts(fig)
        assert says in text and never not in text and "ILLUSTRATIVE (simulated data)" in text
        assert fig.axes[0].get_legend() is None  # no query labelled: no empty legend (matplotlib warned)
