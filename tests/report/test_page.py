"""Reader-page finishing: formulas without MathJax, long tables folded, the methods page."""
from __future__ import annotations

import re

import nbformat
import pandas as pd

from trendlib.report.page import fold_long_tables, latex_to_html, write_methods_page
from trendlib.report.render import render_notebook_html


def test_formulas_become_plain_html():
    out = latex_to_html(r"on the scale $y_t = \log(\text{index}_t + c)$ with $c = 1$; $s^2 R(\rho) + X_f V_\beta$")
    assert "$" not in out and "\\" not in out
    assert "y<sub>t</sub> = log(index<sub>t</sub> + c)" in out and "s<sup>2</sup> R(ρ)" in out and "V<sub>β</sub>" in out
    assert latex_to_html("costs $5 and $6 a day") == "costs $5 and $6 a day"  # prices are not formulas


def test_long_tables_fold_and_short_ones_stay():
    long = pd.DataFrame({"a": range(40)}).to_html()
    short = pd.DataFrame({"a": range(5)}).to_html()
    page = fold_long_tables(f"<p>x</p>{long}<p>y</p>{short}")
    assert page.count("<details") == 1 and "Show the other 30 of 40 rows" in page
    first = page.split("<details")[0]
    assert len(re.findall(r"<tr\b", first.split("<p>x</p>")[1])) == 1 + 10  # header + 10 rows shown
    assert page.count("<table") == 3  # the folded copy holds the rest


def test_rendered_pages_need_no_network_and_link_methods(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(r"The model: $y_t = \beta_0 + \varepsilon_t$ ([methods](methods.html))")]
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": pd.DataFrame({"q": range(30)}).to_html(), "text/plain": "t"})]
    nb.cells.append(cell)
    nbformat.write(nb, str(tmp_path / "01-x.ipynb"))
    render_notebook_html(tmp_path / "01-x.ipynb", reader=tmp_path / "r.html", full=tmp_path / "f.html", title="t")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "mathjax-config" not in page and "y<sub>t</sub>" in page and "<details" in page
    assert not re.search(r'(src|href)="https?://', page)
    methods = (tmp_path / "methods.html").read_text(encoding="utf-8")
    assert 'id="event-study"' in methods and "Benjamini" in methods and "$" not in methods
    assert write_methods_page(tmp_path).read_text(encoding="utf-8") == methods  # rewritten only if changed


def test_long_names_and_urls_wrap_at_their_separators():
    from trendlib.report.page import soft_breaks

    out = soft_breaks('<tr><th class="c">periods_to_band</th><td>https://www.example.org/a/very/long/path</td>'
                      "<td>short text</td></tr>")
    assert "periods_<wbr>to_<wbr>band" in out and "example.<wbr>org/<wbr>a/" in out and "<td>short text</td>" in out
