"""What every acquired file says about where it came from, and how it is written.

* :func:`is_official` is the one "not the real server, so illustrative" rule: numbers count as
  a source's real data only when fetched from that source's own base URL; anything else (a fake
  server on loopback, a mirror, a proxy) is marked ``illustrative: true`` with a note, so
  simulated numbers cannot pass as real.
* :func:`server_fields` gives the provenance fields that rule decides (source, illustrative,
  citation, licence, a leading note).
* :func:`write_with_provenance` writes a tidy CSV and its ``<stem>.provenance.json`` sidecar
  (both atomic; the sidecar after the CSV it describes), plus any companion files.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trendlib._io import atomic_write_text

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


def write_with_provenance(out: str | Path, csv_text: str, provenance: Mapping[str, Any], *,
                          companions: Mapping[str | Path, str] | None = None) -> Path:
    """Write ``csv_text`` to ``out``, each companion file, then ``<stem>.provenance.json`` (atomically)."""
    from trendlib.provenance import sidecar_path
    out = Path(out)
    atomic_write_text(out, csv_text)
    for path, text in (companions or {}).items():
        atomic_write_text(path, text)
    atomic_write_text(sidecar_path(out), provenance_json(provenance))
    return out
