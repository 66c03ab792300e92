"""Where a data file came from: its checksum and the provenance record kept beside it.

Every data file a study reads may have a sidecar ``<stem>.provenance.json`` in
the same folder (``data/trends/x.csv`` -> ``data/trends/x.provenance.json``),
written by ``trendlib fetch``/``trendlib import`` or by hand for bundled data.
Its keys (all optional but ``source``)::

    source        where the numbers come from ("google-trends-api", "illustrative", a citation, ...)
    illustrative  true when the numbers are simulated, not observed
    description   one sentence on what the file holds
    citation      how to cite it
    licence       the terms it may be reused under
    notes         caveats a reader must know (e.g. "geography not stated in the export")

A file whose name contains ``illustrative`` is treated as illustrative whatever its
sidecar says, so simulated data cannot pass as real by a missing flag.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["sha256_file", "sidecar_path", "read_provenance", "study_provenance", "note_read", "reads",
           "ABSENT"]

#: sha256 recorded for a sidecar that does not exist (its later creation is a change)
ABSENT = "absent"

# The read log: every data file (and provenance sidecar) this process has read, with the
# sha256 of the bytes read. It lets the report runner tell which notebook depends on which
# file, so a changed file re-renders exactly the notebooks that read it. One process runs
# one notebook, so the log is that notebook's. Listeners (Exhibits) are told of each read.
_READS: dict[str, str] = {}
_LISTENERS: list = []


def note_read(path: str | Path, *, sha256: str) -> None:
    """Record that ``path`` was read and had ``sha256`` (``ABSENT`` for a missing sidecar)."""
    key = str(Path(path).resolve())
    if _READS.get(key) == sha256:
        return
    _READS[key] = sha256
    for listener in list(_LISTENERS):
        listener(key, sha256)


def reads() -> dict[str, str]:
    """A copy of the read log: absolute path -> sha256 of what was read."""
    return dict(_READS)


def add_read_listener(callback) -> None:
    """Call ``callback(path, sha256)`` on every later read."""
    _LISTENERS.append(callback)


def sha256_file(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes (an OS error names the file: :class:`trendlib._io.FileOperationError`)."""
    from trendlib._io import naming
    digest = hashlib.sha256()
    with naming("read", path), open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(path: str | Path) -> Path:
    """The provenance sidecar that belongs to ``path``."""
    path = Path(path)
    return path.with_name(path.stem + ".provenance.json")


def read_provenance(path: str | Path, *, role: str = "") -> dict[str, Any]:
    """The provenance record of one data file, with its sha256 computed now.

    Returns a flat JSON-ready dict with keys ``role, file, sha256, source,
    illustrative, description, citation, licence, notes`` plus ``details`` (the
    whole sidecar, for keys beyond these). A file without a sidecar gets
    ``source: "not recorded"``: the report shows that rather than guessing.
    """
    from trendlib._io import naming, settle
    path = Path(path)
    settle(path.parent)  # a file set whose replacement was killed midway is completed before it is read
    side = sidecar_path(path)
    meta: dict[str, Any] = {}
    if side.is_file():
        note_read(side, sha256=sha256_file(side))
        try:
            with naming("read", side):
                meta = json.loads(side.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            from trendlib.errors import TrendlibError
            raise TrendlibError(f"provenance file {str(side)!r} is not valid UTF-8 JSON: {exc}") from None
        if not isinstance(meta, dict):
            from trendlib.errors import TrendlibError
            raise TrendlibError(f"provenance file {str(side)!r}: expected a JSON object, got {type(meta).__name__}")
    else:
        note_read(side, sha256=ABSENT)
    illustrative = bool(meta.get("illustrative", False)) or "illustrative" in path.name.lower()
    source = meta.get("source") or ("illustrative" if illustrative else "not recorded")
    digest = sha256_file(path)
    note_read(path, sha256=digest)
    return {
        "role": role,
        "file": str(path),
        "sha256": digest,
        "source": str(source),
        "illustrative": illustrative,
        "description": str(meta.get("description", "")),
        "citation": str(meta.get("citation", "")),
        "licence": str(meta.get("licence", "")),
        "notes": str(meta.get("notes", "")),
        "provenance_file": str(side) if side.is_file() else "",
        "details": meta,
    }


def study_provenance(study) -> list[dict[str, Any]]:
    """The provenance records of every data file ``study`` reads, one per role.

    A report counts as illustrative when any of these is (``any(r["illustrative"] ...)``):
    the runner's banners and every notebook's charts use this one rule.
    """
    return [read_provenance(path, role=role) for role, path in study.data_files().items()]
