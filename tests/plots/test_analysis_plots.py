"""Figures from analysis results: they build, say what they show, mark illustrative data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendlib.analysis.counterfactual import state_space_counterfactual
from trendlib.analysis.event_study import run_event_studies
from trendlib.analysis.leadlag import searches_vs_crossings
from trendlib.plots.eventstudy import plot_event_study, plot_fold_increases
from trendlib.plots.leadlag import plot_counterfactual, plot_crossings_vs_searches, plot_lead_lag


def _texts(fig):
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    if fig._suptitle is not None:
        out.append(fig._suptitle.get_text())
    return " ".join(out)


@pytest.fixture(scope="module")
def studies():
    rng = np.random.default_rng(0)
    idx = pd.date_range("2022-06-01", periods=120)
    frames = []
    for q, fold in (("a", 3.0), ("b", 1.0), ("c", 30.0)):
        level = 25.0 if q != "c" else 1.0
        y = np.log(level) + rng.normal(0, 0.1, 120)
        y[100:] += np.log(fold)
        frames.append(pd.DataFrame({"date": idx, "query": q, "value": np.clip(np.round(np.exp(y)), 0, 100),
                                    "resolution": "day"}))
    events = pd.DataFrame({"date": [idx[100], idx[102]], "label": ["the shock", "a later rule"]})
    return run_event_studies(pd.concat(frames), events.iloc[:1], queries=[("a", "A"), ("b", "B"), ("c", "C")]), events


def test_event_study_small_multiples(studies):
    res, events = studies
    fig = plot_event_study(res, events=events, title="A tripled", source="simulated", illustrative=True)
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert len(axes) == 3  # the fourth slot of the 2x2 grid holds only the legend
    assert all(ax.get_yscale() == "log" for ax in axes)
    text = _texts(fig)
    assert "ILLUSTRATIVE" in text and "the shock" in text and "a later rule" in text and "normal" in text
    # each panel draws both events as dashed lines; their numbers sit once in the strip under each column
    assert sum(line.get_linestyle() == "--" for line in axes[0].lines) == 2
    strips = [ax for ax in fig.axes if ax.get_visible() and not ax.axison and ax.texts]
    assert strips and all(sorted(t.get_text() for t in ax.texts) == ["1", "2"] for ax in strips)


def test_fold_chart_marks_lower_bounds_and_correction(studies):
    res, _ = studies
    fig = plot_fold_increases(res, title="A tripled", source="simulated")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "fdr_bh" in _texts(fig)
    assert any(getattr(c, "arrow_patch", None) is not None for c in ax.texts)  # C: "at least"
    assert "ILLUSTRATIVE" not in _texts(fig)


def test_lead_lag_figures():
    from tests.analysis.test_leadlag import leading_pair

    a, b = leading_pair(2)
    r = searches_vs_crossings(a, b)
    fig = plot_lead_lag(r, title="Searches moved 2 days before crossings", source="simulated", illustrative=True)
    assert "searches earlier" in fig.axes[0].get_xlabel() and "ILLUSTRATIVE" in _texts(fig)
    fig2 = plot_crossings_vs_searches(r, lag=2, title="t", source="s", crossings_unit="entries per day")
    assert "2 day(s) earlier" in fig2.axes[0].get_xlabel()
    short = searches_vs_crossings(a.iloc[:10], b.iloc[:10])
    with pytest.raises(ValueError, match="too_few"):
        plot_lead_lag(short, title="t", source="s")


def test_counterfactual_figure():
    rng = np.random.default_rng(1)
    idx = pd.date_range("2022-06-01", periods=120)
    s = pd.Series(np.round(20 * np.exp(rng.normal(0, 0.1, 120))), index=idx)
    cf = state_space_counterfactual(s, idx[100], param_draws=5, paths_per_draw=5)
    fig = plot_counterfactual(cf, observed=s, title="t", source="s")
    assert "Trend-based" in _texts(fig)


def test_searches_and_crossings_two_panels_no_twin_axes():
    from trendlib.plots.leadlag import plot_searches_and_crossings

    idx = pd.date_range("2022-09-01", periods=40)
    s = pd.Series(np.linspace(10, 60, 40), index=idx)
    cr = pd.DataFrame({"date": idx[[5, 6, 20]], "series": "finland|entry", "value": [3000.0, 3100.0, 8000.0]})
    ev = pd.DataFrame({"date": [idx[20]], "label": ["address"]})
    fig = plot_searches_and_crossings(s, cr, events=ev, title="t", source="s", illustrative=True)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 2  # stacked panels, never a twin y-axis (the third axis is the event-number strip)
    assert [t.get_text() for ax in fig.axes if not ax.axison for t in ax.texts] == ["1"]
    assert "address" in _texts(fig) and "ILLUSTRATIVE" in _texts(fig)


def test_robustness_figure(studies):
    from tests.analysis.conftest import simulate_daily
    from trendlib.analysis.robustness import sensitivity
    from trendlib.plots.eventstudy import plot_robustness

    s = simulate_daily(seed=1, step_at=100, fold=3.0)
    frame = sensitivity(s, s.index[100], query="q").to_frame()
    fig = plot_robustness(frame, title="The rise holds", source="simulated", labels={"q": "Q"}, illustrative=True)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_yticklabels()] == ["Q"]
    assert "ILLUSTRATIVE" in _texts(fig)


def test_long_panel_titles_are_wrapped_inside_their_panel(studies):
    import dataclasses

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from trendlib.plots.eventstudy import panel_title

    res, events = studies
    long = "Мобилизация в России (2022), the article about the partial mobilization and its aftermath"
    results = [dataclasses.replace(res.results[0], label=long)] + list(res.results[1:])
    fig = plot_event_study(results, events=events, title="t", source="simulated", ncols=2)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_title(loc="left")]
    first, right = panels[0], panels[1]
    assert "\n" in first.get_title(loc="left") and first.get_title(loc="left").startswith("Мобилизация")
    assert all(len(line) <= 38 for line in first.get_title(loc="left").split("\n"))
    box = first._left_title.get_window_extent(renderer)
    assert box.x1 <= right.get_window_extent(renderer).x0  # does not run into the panel on its right
    assert box.y0 >= first.get_window_extent(renderer).y1 - 1  # sits above its own axes, not over the data
    for ax in panels:
        assert ax._left_title.get_window_extent(renderer).x1 <= fig.bbox.x1
    assert panel_title("short: 2.0\u00d7", 2) == "short: 2.0\u00d7"


def test_pageviews_panels_name_their_own_units_and_source(studies):
    from trendlib.plots.style import mark_for

    res, events = studies
    records = [dict(rec, source="wikipedia-pageviews") for rec in res.records()]
    provenance = [{"role": "trends", "illustrative": True}, {"role": "pageviews", "illustrative": True}]
    fig = plot_event_study(res.results, records=records, events=events, title="t", source="simulated views",
                           illustrative=mark_for(provenance, "wikipedia-pageviews"))
    text = " ".join(_texts(fig).split())
    assert "Wikipedia pageviews (numbers of views)" in text and "Google index" not in text
    assert "NOT REAL WIKIPEDIA PAGEVIEWS" in text and "GOOGLE TRENDS" not in text
    assert "Google index is relative" in _texts(plot_event_study(res, title="t", source="s"))


def test_event_study_with_no_results_says_there_is_nothing_to_plot(studies):
    import dataclasses

    res, _ = studies
    with pytest.raises(ValueError, match=r"event study 'No query rose'.*nothing to plot"):
        plot_event_study([], title="No query rose", source="s")
    skipped = dataclasses.replace(res, results=(), q_values=(), significant=(),
                                  skipped=(("a", "the shock", "baseline too short"),))
    with pytest.raises(ValueError, match="nothing to plot.*a / the shock: baseline too short"):
        plot_event_study(skipped, title="t", source="s")
