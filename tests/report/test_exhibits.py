"""Exhibits: what notebooks hand to results.json, figures/ and tables/."""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from trendlib.errors import TrendlibError
from trendlib.report.exhibits import Exhibits, to_jsonable
from trendlib.report.render import banner_html


def test_record_table_and_figure_land_in_the_notebook_part(tmp_path):
    ex = Exhibits(tmp_path, notebook="07-try-things")
    ex.record("answer", {"fold": np.float64(3.5), "n": np.int64(4), "when": pd.Timestamp("2022-09-21"),
                         "missing": float("nan"), "ok": np.bool_(True)})
    ex.save_table(pd.DataFrame({"date": pd.to_datetime(["2022-09-20"]), "v": [1.5]}), "table9_x", caption="x")
    fig = Figure()
    fig.subplots().plot([1, 2])
    ex.save_figure(fig, "fig9_x", caption="a line")
    part = json.loads((tmp_path / "results.d" / "07-try-things.json").read_text(encoding="utf-8"))
    assert part["results"]["answer"] == {"fold": 3.5, "n": 4, "when": "2022-09-21T00:00:00", "missing": None,
                                         "ok": True}
    assert (tmp_path / "tables" / "table9_x.csv").read_text(encoding="utf-8").splitlines() == ["date,v", "2022-09-20,1.5"]
    assert (tmp_path / "figures" / "fig9_x.png").stat().st_size > 1000
    assert (tmp_path / "figures" / "fig9_x.svg").is_file()
    assert [f["name"] for f in part["figures"]] == ["fig9_x"]


def test_reserved_and_malformed_keys_and_names_are_refused(tmp_path):
    ex = Exhibits(tmp_path, notebook="07-try-things")
    with pytest.raises(TrendlibError, match="reserved"):
        ex.record("provenance", 1)
    with pytest.raises(TrendlibError, match="lower-case"):
        ex.record("Bad Key", 1)
    with pytest.raises(TrendlibError, match="exhibit name '../escape'"):
        ex.save_table(pd.DataFrame({"a": [1]}), "../escape", caption="")


def test_illustrative_figures_must_say_so(tmp_path):
    ex = Exhibits(tmp_path, notebook="07-try-things", illustrative=True)
    fig = Figure()
    fig.subplots().plot([1, 2])
    with pytest.raises(TrendlibError, match="does not say ILLUSTRATIVE"):
        ex.save_figure(fig, "fig9_x", caption="")
    fig.suptitle("ILLUSTRATIVE: a line")
    ex.save_figure(fig, "fig9_x", caption="")


def test_to_jsonable_never_emits_nan_or_numpy():
    out = to_jsonable({"a": [np.nan, np.inf, 1], "b": dt.date(2022, 9, 21), "c": pd.NA, "d": pd.NaT})
    assert out == {"a": [None, None, 1], "b": "2022-09-21", "c": None, "d": None}
    json.dumps(out, allow_nan=False)
    with pytest.raises(TypeError):
        to_jsonable(object())


def test_banner_text_is_escaped():
    html = banner_html("illustrative", "<b>x</b> & y")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html and "<b>" not in html
