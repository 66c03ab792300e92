"""Executed notebook -> two self-contained HTML pages, in-process (no nbconvert subprocess).

* the **reader's** page (``<name>.html``): no code cells, for journalists;
* the **full** page (``<name>.full.html``): code and outputs, for academics.

Both embed their figures (base64 PNG) and load nothing from the network, so they
open offline: formulas are turned into plain HTML, no MathJax (:mod:`trendlib.report.page`).
Both get the page style (text width, full-width figures, tables that fit at 1280 px), long
tables folded under a disclosure, and a ``methods.html`` beside them that they link to.
A banner can be put at the top of both (illustrative data, failed run).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

__all__ = ["render_notebook_html", "banner_html"]

_BANNER_STYLE = {
    "illustrative": "background:#fff3cd;border:2px solid #b8860b;color:#5c4400",
    "error": "background:#fde2e1;border:2px solid #b00020;color:#6b0010",
    "info": "background:#e7f1fb;border:1px solid #2a6fb0;color:#123b5f",
}


def banner_html(kind: str, text: str) -> str:
    """A banner block; ``text`` is escaped."""
    style = _BANNER_STYLE[kind]
    return (f'<div class="trendlib-banner trendlib-{kind}" role="note" '
            f'style="{style};padding:0.8em 1em;margin:0.5em 0 1em 0;font-weight:600;border-radius:4px">'
            f"{html.escape(text)}</div>")


def _strip_network(page: str) -> str:
    """Remove <script src="http..."> tags (MathJax, require.js from CDNs) and the MathJax
    configuration: the page must not need them (formulas are plain HTML)."""
    page = re.sub(r'<script[^>]+src="(https?://[^"]*)?"[^>]*>\s*</script>', "", page)
    return re.sub(r'<script type="text/x-mathjax-config">.*?</script>', "", page, flags=re.S)


def _finish_page(page: str) -> str:
    """Page style in the head, long tables folded (see :mod:`trendlib.report.page`)."""
    from trendlib.report.page import PAGE_CSS, fold_long_tables, soft_breaks

    page = _strip_network(page)
    page = page.replace("</head>", PAGE_CSS + "</head>", 1)
    return fold_long_tables(soft_breaks(page))


# what a notebook's HTML and Markdown outputs may contain (tables, Styler's <style>, text markup);
# anything else is shown as text, and attributes are limited (no on* handlers, no javascript: links)
_SAFE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "style", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"})
_SAFE_ATTRIBUTES = {"*": ["class", "id", "title", "role", "style", "colspan", "rowspan", "align"],
                    "a": ["href", "title"], "style": ["type"], "ol": ["start"]}


def _sanitize_outputs(nb) -> None:
    """Sanitize the HTML and Markdown outputs of code cells in place (bleach, through nbconvert).

    Outputs carry data: a study's labels and titles end up in sentences and tables a notebook
    displays, and a label like ``<img src=x onerror=...>`` must not become markup in the report.
    Markdown cells are the notebook's own prose and are left alone.
    """
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    cleaner = SanitizeHTML(tags=sorted(_SAFE_TAGS), attributes=_SAFE_ATTRIBUTES, strip=False,
                           safe_output_keys={"metadata", "text/plain", "text/latex", "application/json",
                                             "image/png", "image/jpeg"})
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = cleaner.sanitize_code_outputs(cell.outputs)


def _without_stderr(nb):
    """A copy of ``nb`` without the stderr streams of its cells: library warnings (a statsmodels
    RuntimeWarning, with its file and line) are for the full page; a failing cell's error stays on both."""
    import copy

    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return out


def render_notebook_html(executed: str | Path, *, reader: str | Path, full: str | Path,
                         title: str, banners: list[str] | None = None) -> None:
    """Write the reader's and the full HTML page of an executed notebook.

    ``banners`` are HTML blocks (see :func:`banner_html`) shown at the top of both.
    Cells tagged ``remove_cell`` are left out of both pages; the reader's page
    shows no code at all, the full page shows all of it.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb = nbformat.read(str(executed), as_version=4)
    if banners:
        cell = nbformat.v4.new_markdown_cell("\n".join(banners))
        cell.metadata["tags"] = ["trendlib-banner"]
        nb.cells.insert(0, cell)

    _sanitize_outputs(nb)
    from trendlib.report.page import Formulas, write_methods_page

    formulas = Formulas()
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "trendlib-banner" not in cell.metadata.get("tags", []):
            cell.source = formulas.protect(cell.source)
    write_methods_page(Path(reader).parent, banners=[b for b in banners or [] if "trendlib-illustrative" in b])
    for path, is_reader in ((reader, True), (full, False)):
        cfg = Config()
        cfg.TagRemovePreprocessor.enabled = True
        cfg.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
        exporter = HTMLExporter(config=cfg, template_name="lab", embed_images=True,
                                exclude_input=is_reader, exclude_input_prompt=is_reader,
                                exclude_output_prompt=is_reader)
        exporter.mathjax_url = ""
        exporter.require_js_url = ""
        page_nb = _without_stderr(nb) if is_reader else nb
        body, _ = exporter.from_notebook_node(page_nb, resources={"metadata": {"name": title}})
        Path(path).write_text(formulas.restore(_finish_page(body)), encoding="utf-8")
