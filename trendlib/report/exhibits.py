"""What a notebook hands to the report: figures, tables and key numbers.

A notebook creates one :class:`Exhibits` for its output folder and calls
``save_figure``, ``save_table`` and ``record``. Figures go to ``figures/`` as PNG
and SVG, tables to ``tables/`` as tidy CSV, and numbers to a per-notebook part of
``results.json`` (``results.d/<notebook>.json``), which the runner merges. Numbers
in ``results.json`` are therefore the values the code computed, never text scraped
from a notebook's printed output.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from pathlib import Path
from typing import Any

from trendlib import provenance
from trendlib._io import atomic_write_text as _atomic_write
from trendlib._io import csv_text
from trendlib.errors import TrendlibError

__all__ = ["Exhibits", "to_jsonable", "PARTS_DIR", "RESERVED_KEYS"]

PARTS_DIR = "results.d"
#: keys of results.json that the runner owns; notebooks may not record these.
RESERVED_KEYS = frozenset({"schema_version", "trendlib_version", "generated_at", "study", "illustrative",
                           "provenance", "packages", "notebooks", "figures", "tables", "run", "findings"})
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,80}$")
_NOTEBOOK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")


class Exhibits:
    """Collects one notebook's figures, tables and key numbers in ``output_dir``.

    Parameters
    ----------
    output_dir : the study's output folder (``outputs/<study>/``)
    notebook : the notebook's name without extension, e.g. ``"01-explore-search-interest"``
    illustrative : when true, every saved figure must carry the ILLUSTRATIVE mark
        (checked by :meth:`save_figure` on the figure's texts).
    """

    def __init__(self, output_dir: str | Path, *, notebook: str, illustrative: bool = False):
        self.output_dir = Path(output_dir)
        if not isinstance(notebook, str) or not _NOTEBOOK.match(notebook):
            raise TrendlibError(f"notebook name {notebook!r}: use letters, digits, '.', '_' and '-' (e.g. "
                                "'01-explore-search-interest'); it becomes a file name in the output folder")
        self.notebook = notebook
        self.illustrative = bool(illustrative)
        self._part = {"notebook": notebook, "figures": [], "tables": [], "results": {}, "reads": {},
                      "findings": []}
        for sub in ("figures", "tables", PARTS_DIR):
            (self.output_dir / sub).mkdir(parents=True, exist_ok=True)
        # every data file this notebook reads (before or after this point) is recorded with its sha256,
        # so the runner can re-render exactly the notebooks whose inputs changed
        self._part["reads"] = provenance.reads()
        provenance.add_read_listener(self._on_read)
        self._flush()

    def _on_read(self, path: str, sha256: str) -> None:
        self._part["reads"][path] = sha256
        self._flush()

    @classmethod
    def for_study(cls, study, output_dir: str | Path, *, notebook: str) -> "Exhibits":
        """Exhibits for a notebook of ``study``: illustrative when any of its data files is.

        The provenance records are kept as ``.provenance`` for the notebook to show.
        """
        records = provenance.study_provenance(study)
        exhibits = cls(output_dir, notebook=notebook, illustrative=any(r["illustrative"] for r in records))
        exhibits.provenance = records
        return exhibits

    # -------------------------------------------------------------- figures
    def save_figure(self, fig, name: str, *, caption: str, data: str = "") -> Path:
        """Save ``fig`` as ``figures/<name>.png`` and ``.svg``; return the PNG path.

        ``caption`` says what the figure shows (it appears in index.html);
        ``data`` names the table under ``tables/`` holding the numbers drawn.
        """
        self._check_name(name)
        if self.illustrative and not _mentions_illustrative(fig):
            raise TrendlibError(f"figure {name!r} is made from illustrative data but does not say "
                                "ILLUSTRATIVE in its title, legend or source line")
        png = self.output_dir / "figures" / f"{name}.png"
        svg = png.with_suffix(".svg")
        fig.savefig(png, dpi=150, bbox_inches="tight", metadata={"Software": None})
        fig.savefig(svg, bbox_inches="tight", metadata={"Date": None, "Creator": None})
        self._replace("figures", {"name": name, "png": f"figures/{name}.png", "svg": f"figures/{name}.svg",
                                  "caption": caption, "data": data, "notebook": self.notebook})
        return png

    # --------------------------------------------------------------- tables
    def save_table(self, frame, name: str, *, caption: str, index: bool = False) -> Path:
        """Write ``frame`` as ``tables/<name>.csv`` (UTF-8, ISO dates); return the path.

        Text cells and column names that a spreadsheet would run as a formula (starting with ``=``, ``+``,
        ``-``, ``@``, tab or CR) get a leading ``'`` (:func:`trendlib._io.csv_text`); numbers are untouched.
        """
        self._check_name(name)
        path = self.output_dir / "tables" / f"{name}.csv"
        text = csv_text(frame, index=index, date_format="%Y-%m-%d")
        _atomic_write(path, text)
        self._replace("tables", {"name": name, "csv": f"tables/{name}.csv", "caption": caption,
                                 "rows": int(len(frame)), "columns": [str(c) for c in frame.columns],
                                 "notebook": self.notebook})
        return path

    # -------------------------------------------------------------- numbers
    def record(self, key: str, value: Any) -> None:
        """Store a key number (or a list/dict of them) under ``key`` in results.json."""
        if key in RESERVED_KEYS:
            raise TrendlibError(f"results.json key {key!r} is reserved for the runner; reserved: "
                                + ", ".join(sorted(RESERVED_KEYS)))
        if not re.match(r"^[a-z][a-z0-9_]*$", key):
            raise TrendlibError(f"results.json key {key!r}: use lower-case letters, digits and '_'")
        self._part["results"][key] = to_jsonable(value)
        self._flush()

    # ------------------------------------------------------------- findings
    def finding(self, text: str, *, headline: bool = False, anchor: str = "") -> None:
        """A finding in one sentence, shown on the study's landing page with a link to this notebook's page.

        Pass the very sentence the notebook shows (made by the same formatter from the same result), so the
        landing page cannot disagree with the page that explains it. ``headline``: the one line that
        stands for the study in ``outputs/index.html``. ``anchor``: an id on the page to link to.
        """
        if not isinstance(text, str) or not text.strip():
            raise TrendlibError("a finding needs its sentence as non-empty text")
        self._part["findings"] = [f for f in self._part["findings"] if f["text"] != text.strip()]
        self._part["findings"].append({"text": text.strip(), "notebook": self.notebook, "headline": bool(headline),
                                       "page": f"{self.notebook}.html" + (f"#{anchor}" if anchor else "")})
        self._flush()

    # ------------------------------------------------------------ internals
    def _check_name(self, name: str) -> None:
        if not _NAME.match(name):
            raise TrendlibError(f"exhibit name {name!r}: use lower-case letters, digits, '.', '_' and '-' "
                                "(e.g. 'fig1_search-interest'); it becomes a file name")

    def _replace(self, kind: str, entry: dict) -> None:
        items = [e for e in self._part[kind] if e["name"] != entry["name"]]
        items.append(entry)
        self._part[kind] = items
        self._flush()

    def _flush(self) -> None:
        path = self.output_dir / PARTS_DIR / f"{self.notebook}.json"
        _atomic_write(path, json.dumps(self._part, ensure_ascii=False, indent=2, allow_nan=False))


def _mentions_illustrative(fig) -> bool:
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    if fig._suptitle is not None:
        texts.append(fig._suptitle.get_text())
    return any("ILLUSTRATIVE" in (t or "").upper() for t in texts)


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars, dates and frames to plain JSON values (NaN -> None)."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if np is not None:
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            v = float(value)
            return v if math.isfinite(v) else None
        if isinstance(value, np.ndarray):
            return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (dt.date, dt.datetime)):
        return None if value != value else value.isoformat()  # NaT is a datetime unequal to itself
    if hasattr(value, "isoformat") and hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return None if value != value else value.isoformat()
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # DataFrame
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "to_dict"):  # Series or result object
        return to_jsonable(value.to_dict())
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    try:
        import pandas as pd
        if pd.api.types.is_scalar(value) and pd.isna(value):  # pandas NA / NaT
            return None
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"cannot store {type(value).__name__} in results.json")
