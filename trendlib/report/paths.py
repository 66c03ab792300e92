"""Keep this machine's folders out of published pages.

A report is published; the folders of the machine that made it (the virtual environment,
site-packages, the home folder, a temporary folder) are not the reader's business and may name
a person. Tracebacks, warnings and messages in executed notebooks are rewritten with short labels
(``<site-packages>/pandas/...``, ``<study folder>/data/x.csv``, ``~/...``) before the pages are made.
"""
from __future__ import annotations

import os
import site
import sys
import sysconfig
import tempfile
from pathlib import Path

__all__ = ["path_labels", "shorten_paths", "shorten_notebook_paths"]


def path_labels(study, out_dir: str | Path) -> dict[str, str]:
    """Absolute folder -> label, for one study's report (longest folders are replaced first)."""
    labels: dict[str, str] = {}

    def add(folder, label: str) -> None:
        if folder:
            for form in {str(folder), str(Path(folder).resolve())}:
                if len(form) > 1:
                    labels.setdefault(form.rstrip(os.sep), label)

    add(out_dir, ".")
    if study.source_file is not None:
        add(study.source_file.parent, "<study folder>")
    import trendlib
    add(Path(trendlib.__file__).resolve().parent, "<trendlib>")
    for key in ("purelib", "platlib"):
        add(sysconfig.get_paths().get(key), "<site-packages>")
    for folder in getattr(site, "getsitepackages", lambda: [])():
        add(folder, "<site-packages>")
    add(sys.prefix, "<python>")
    add(sys.base_prefix, "<python>")
    add(sys.exec_prefix, "<python>")
    add(tempfile.gettempdir(), "<tmp>")
    add(Path.home(), "~")
    return dict(sorted(labels.items(), key=lambda kv: -len(kv[0])))


def shorten_paths(text: str, labels: dict[str, str]) -> str:
    """``text`` with every labelled folder replaced by its label (longest first)."""
    if not text:
        return text
    for folder, label in labels.items():
        if folder in text:
            text = text.replace(folder, label)
    return text


def shorten_notebook_paths(executed: str | Path, labels: dict[str, str]) -> None:
    """Rewrite the outputs (tracebacks, streams, displayed text) and papermill's metadata of an executed
    notebook in place."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                out["text"] = shorten_paths(out.get("text", ""), labels)
            elif out.get("output_type") == "error":
                out["evalue"] = shorten_paths(out.get("evalue", ""), labels)
                out["traceback"] = [shorten_paths(line, labels) for line in out.get("traceback", [])]
            for mime, value in (out.get("data") or {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    out["data"][mime] = shorten_paths(value, labels)
    meta = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if key in meta and meta[key]:
            meta[key] = shorten_paths(str(meta[key]), labels)
    nbformat.write(nb, str(executed))
