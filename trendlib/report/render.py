"""Executed notebook -> two self-contained HTML pages, in-process (no nbconvert subprocess).

* the **reader's** page (``<name>.html``): no code cells, for journalists;
* the **full** page (``<name>.full.html``): code and outputs, for academics.

Both embed their figures (base64 PNG) and load nothing from the network, so they
open offline. A banner can be put at the top of both (illustrative data, failed run).
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
    """Remove <script src="http..."> tags (MathJax, require.js from CDNs): the page must not need them."""
    return re.sub(r'<script[^>]+src="(https?://[^"]*)?"[^>]*>\s*</script>', "", page)


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

    for path, is_reader in ((reader, True), (full, False)):
        cfg = Config()
        cfg.TagRemovePreprocessor.enabled = True
        cfg.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
        exporter = HTMLExporter(config=cfg, template_name="lab", embed_images=True,
                                exclude_input=is_reader, exclude_input_prompt=is_reader,
                                exclude_output_prompt=is_reader)
        exporter.mathjax_url = ""
        exporter.require_js_url = ""
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        body = _strip_network(body)
        Path(path).write_text(body, encoding="utf-8")
