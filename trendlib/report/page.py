"""Finishing touches that make a rendered notebook page read well, offline.

* :func:`latex_to_html` - formulas written as ``$...$`` in markdown become plain HTML
  (Unicode letters, ``<sub>``/``<sup>``), so no MathJax/KaTeX and no network is needed;
* :func:`fold_long_tables` - a table with more than :data:`MAX_ROWS` rows shows its top rows
  and puts the rest under a ``<details>`` disclosure (the full table is in the CSV);
* :data:`PAGE_CSS` - text width, figures at full text width, tables that wrap instead of
  running off the page at 1280 px;
* :func:`write_methods_page` - the methods page every report links to (``methods.html``
  beside the pages), rendered from the package's ``methods.md``.
"""
from __future__ import annotations

import re
from pathlib import Path

__all__ = ["latex_to_html", "Formulas", "fold_long_tables", "soft_breaks", "PAGE_CSS", "write_methods_page", "METHODS_MD", "MAX_ROWS",
           "SHOWN_ROWS"]

MAX_ROWS = 15
SHOWN_ROWS = 10
METHODS_MD = Path(__file__).with_name("templates") / "methods.md"

_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "varepsilon": "ε", "epsilon": "ε",
          "phi": "φ", "rho": "ρ", "sigma": "σ", "mu": "μ", "tau": "τ", "theta": "θ", "lambda": "λ",
          "Sigma": "Σ", "Delta": "Δ", "sum": "Σ", "cdot": "·", "times": "×", "approx": "≈", "le": "≤",
          "ge": "≥", "leq": "≤", "geq": "≥", "ne": "≠", "pm": "±", "infty": "∞", "to": "→"}
_WORDS = ("log", "exp", "ln", "corr", "var", "cov", "min", "max")


def _script(tex: str) -> str:
    """``x_t``, ``x_{d,t}``, ``s^2`` -> sub/sup tags (one level)."""
    tex = re.sub(r"_\{([^{}]*)\}", r"<sub>\1</sub>", tex)
    tex = re.sub(r"\^\{([^{}]*)\}", r"<sup>\1</sup>", tex)
    tex = re.sub(r"_([A-Za-z0-9α-ωΣΔ])", r"<sub>\1</sub>", tex)
    return re.sub(r"\^([A-Za-z0-9α-ωΣΔ])", r"<sup>\1</sup>", tex)


def _one_formula(tex: str) -> str:
    tex = re.sub(r"\\(?:text|mathrm|operatorname)\{([^{}]*)\}", r"\1", tex)
    tex = re.sub(r"\\(" + "|".join(_WORDS) + r")\b", r"\1", tex)
    tex = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(1)), tex)
    tex = tex.replace("\\,", "\u2009").replace("\\;", " ").replace("\\!", "").replace("\\", "")
    return f'<span class="formula">{_script(tex)}</span>'


def latex_to_html(markdown: str) -> str:
    """Replace inline ``$...$`` formulas in markdown by plain HTML (``$$...$$`` too); the
    simple notation used in the notebooks (Greek letters, sub/superscripts, \\log, \\text) only."""
    markdown = re.sub(r"\$\$(.+?)\$\$", lambda m: _one_formula(m.group(1)), markdown, flags=re.S)
    return re.sub(_INLINE, lambda m: _one_formula(m.group(1)), markdown)


class Formulas:
    """Formulas taken out of markdown before nbconvert renders it and put back after.

    nbconvert (with embedded images) parses each inline HTML tag of a markdown cell on its
    own, which would break ``<sub>`` inside a formula; a plain token passes through intact.
    """

    def __init__(self):
        self.html: list[str] = []

    def protect(self, markdown: str) -> str:
        def keep(match: re.Match) -> str:
            self.html.append(_one_formula(match.group(1)))
            return f"trendlibformula{len(self.html) - 1:04d}z"

        markdown = re.sub(r"\$\$(.+?)\$\$", keep, markdown, flags=re.S)
        return re.sub(_INLINE, keep, markdown)

    def restore(self, page: str) -> str:
        return re.sub(r"trendlibformula(\d{4})z", lambda m: self.html[int(m.group(1))], page)


_INLINE = r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$"


def soft_breaks(page: str) -> str:
    """Let long column names (``periods_to_band``) and long unbroken cell text (URLs) wrap at
    ``_ / - . ?`` instead of widening the table past the page."""
    def long_token(token: re.Match) -> str:
        return re.sub(r"([_/\-.?=])", r"\1<wbr>", token.group(0))  # not "&": never inside an &entity;

    def cell(match: re.Match) -> str:
        head, tag, body = match.group(1), match.group(2), match.group(3)
        if tag == "th":
            body = body.replace("_", "_<wbr>")
        else:
            body = re.sub(r"[^\s<>]{25,}", long_token, body)
        return f"{head}{body}</{tag}>"

    return re.sub(r"(<(th|td)\b[^>]*>)([^<]*)</\2>", cell, page)


def fold_long_tables(page: str, *, max_rows: int = MAX_ROWS, shown: int = SHOWN_ROWS) -> str:
    """Tables with more than ``max_rows`` body rows: the first ``shown`` rows stay, the rest
    go into a copy of the table under ``<details>`` ("Show all N rows")."""
    def fold(match: re.Match) -> str:
        table = match.group(0)
        body = re.search(r"<tbody>(.*)</tbody>", table, flags=re.S)
        if not body:
            return table
        rows = re.findall(r"<tr\b.*?</tr>", body.group(1), flags=re.S)
        if len(rows) <= max_rows:
            return table
        head, tail = rows[:shown], rows[shown:]
        start, end = table[:body.start(1)], table[body.end(1):]
        rest = re.sub(r'\sid="[^"]*"', "", start, count=1)  # the copy must not repeat the table's id
        return (start + "".join(head) + end +
                f'<details class="trendlib-more"><summary>Show the other {len(tail)} of {len(rows)} rows '
                f"(all rows are also in the table's CSV file)</summary>{rest}{''.join(tail)}{end}</details>")

    return re.sub(r"<table\b.*?</table>", fold, page, flags=re.S)


PAGE_CSS = """
<style id="trendlib-page">
  body, .jp-Notebook { max-width: 70rem; margin-left: auto; margin-right: auto; }
  .jp-Notebook { padding: 1rem 1.25rem; }
  .jp-RenderedMarkdown, .jp-RenderedHTMLCommon { font-size: 15px; line-height: 1.55; }
  .jp-OutputArea-output img, .jp-RenderedImage img { width: 100% !important; max-width: 100%; height: auto; }
  .jp-RenderedHTMLCommon table, .jp-OutputArea-output table { display: block; max-width: 100%;
    overflow-x: auto; font-size: 12px; border-collapse: collapse; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal; overflow-wrap: break-word;
    max-width: 24em; padding: 0.25em 0.45em; vertical-align: top; text-align: left !important; }
  .jp-RenderedHTMLCommon pre, .jp-OutputArea-output pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  .jp-OutputPrompt, .jp-InputPrompt { flex: 0 0 4.5em; min-width: 4.5em; }
  .jp-InputArea-editor { overflow-x: auto; }
  details.trendlib-more { margin: 0.3em 0 1em 0; }
  details.trendlib-more summary { cursor: pointer; color: #2a5d8f; }
  .formula { font-family: "Cambria Math", "STIX Two Math", "Latin Modern Math", Georgia, serif;
    font-style: italic; white-space: nowrap; }
  .trendlib-columns { font-size: 13px; color: #333; margin: 0.2em 0 0.6em 0; }
  .trendlib-columns dt { font-family: Menlo, Consolas, monospace; font-weight: 600; display: inline; }
  .trendlib-columns dd { display: inline; margin: 0 0.8em 0 0.3em; }
</style>
"""


def write_methods_page(folder: Path, *, banners: list[str] | None = None) -> Path:
    """``methods.html`` in ``folder`` (once per study folder), from the package's methods.md.

    ``banners`` (HTML blocks) go at the top: the study's ILLUSTRATIVE mark belongs on every
    page of its folder."""
    from markdown_it import MarkdownIt

    out = Path(folder) / "methods.html"
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(latex_to_html(
        METHODS_MD.read_text(encoding="utf-8")))
    body = re.sub(r"<h([23])>(.*?)</h\1>", _anchor, body)
    html = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>trendlib: methods</title><style>body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,"
            "Arial,sans-serif;max-width:48rem;margin:2em auto;padding:0 1em;line-height:1.55;color:#1d1d1d}"
            "h2{border-bottom:1px solid #ddd;margin-top:1.6em}code{font-size:0.9em}"
            ".formula{font-family:Georgia,serif;font-style:italic}</style></head><body>"
            f"{''.join(banners or [])}{body}</body></html>\n")
    if not out.is_file() or out.read_text(encoding="utf-8") != html:
        out.write_text(html, encoding="utf-8")
    return out


def _anchor(match: re.Match) -> str:
    level, text = match.group(1), match.group(2)
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"<[^>]+>", "", text).lower()).strip("-")
    return f'<h{level} id="{slug}">{text}</h{level}>'
