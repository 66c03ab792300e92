"""What every acquired file says about where it came from, and how it is written.

* :func:`is_official` is the one "not the real server, so illustrative" rule: numbers count as
  a source's real data only when fetched from that source's own base URL; anything else (a fake
  server on loopback, a mirror, a proxy) is marked ``illustrative: true`` with a note, so
  simulated numbers cannot pass as real.
* :func:`server_fields` gives the provenance fields that rule decides (source, illustrative,
  citation, licence, a leading note).
* :func:`write_with_provenance` writes a tidy CSV, its ``<stem>.provenance.json`` sidecar and any
  companion files as one set (:func:`trendlib._io.replace_together`: all of them, or on a failure the
  earlier set untouched; tables made spreadsheet-safe by :func:`trendlib._io.csv_text`).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trendlib._io import csv_text, replace_together

__all__ = ["is_official", "all_official", "first_unofficial", "server_fields", "write_with_provenance", "provenance_json"]


def is_official(base_url: str, official_url: str) -> bool:
    """True when ``base_url`` is the source's own ``official_url`` (trailing slashes ignored)."""
    return base_url.rstrip("/") == official_url.rstrip("/")


def all_official(base_url: str, served_from: "set[str] | list[str]", official_url: str) -> bool:
    """True when ``base_url`` and every server the data came from (``Runner.served_from``, cached
    answers included) is the source's own ``official_url``."""
    return is_official(base_url, official_url) and all(is_official(b, official_url) for b in served_from)


def first_unofficial(base_url: str, served_from: "set[str] | list[str]", official_url: str) -> str:
    """The server to name in an illustrative note: ``base_url`` unless it is official, else the first
    other server the data came from."""
    if not is_official(base_url, official_url):
        return base_url
    return next((b for b in sorted(served_from) if not is_official(b, official_url)), base_url)


def server_fields(*, base_url: str, official_url: str, source: str, name: str, citation: str,
                  licence: str) -> dict[str, Any]:
    """``source, illustrative, citation, licence, server_note`` for data fetched from ``base_url``.

    ``source`` is the label of the real source (e.g. ``google-trends-api``); a pull from any
    other server gets ``non-<name>-server <url>`` and a note saying it is not the real source.
    """
    if is_official(base_url, official_url):
        return {"source": source, "illustrative": False, "citation": citation, "licence": licence,
                "server_note": ""}
    slug = name.lower().replace(" ", "-")
    return {"source": f"non-{slug}-server {base_url}", "illustrative": True,
            "citation": f"simulated/other server at {base_url}; not {name} data", "licence": "",
            "server_note": (f"NOT {name.upper()}: fetched from {base_url}, a server other than {name}'s (e.g. "
                            "trendlib's fake server, whose numbers are simulated). Marked illustrative; do not "
                            "publish as real.")}


def provenance_json(record: Mapping[str, Any]) -> str:
    """The sidecar's text: indented UTF-8 JSON with a final newline."""
    return json.dumps(dict(record), ensure_ascii=False, indent=2, default=str) + "\n"


def write_with_provenance(out: str | Path, table: Any, provenance: Mapping[str, Any], *,
                          companions: Mapping[str | Path, Any] | None = None) -> Path:
    """Write ``table`` to ``out``, ``<stem>.provenance.json`` and each companion file, as one set.

    ``table`` and each companion is a DataFrame (written by :func:`trendlib._io.csv_text` without its
    index: text cells a spreadsheet would run as formulas get a leading ``'``) or text written as given.
    All files are written in full under temporary names first and then put in place together
    (:func:`trendlib._io.replace_together`): a failure (a full disk) leaves the earlier set as it was,
    never a new CSV beside an old sidecar. Sidecars and companions go in first and ``out`` last, so a
    CSV never stands without its provenance. Companions must be in ``out``'s folder.
    """
    from trendlib.provenance import sidecar_path
    out = Path(out)

    def text(content: Any) -> str | bytes:
        return content if isinstance(content, (str, bytes)) else csv_text(content, index=False)

    files: dict[Path, str | bytes] = {Path(p): text(c) for p, c in (companions or {}).items()}
    files = {**{p: c for p, c in files.items() if p.suffix == ".json"},
             sidecar_path(out): provenance_json(provenance),
             **{p: c for p, c in files.items() if p.suffix != ".json"}}
    files[out] = text(table)
    replace_together(files)
    return out
