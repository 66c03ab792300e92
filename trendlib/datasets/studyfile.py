"""Rewrite one top-level key of a study YAML file in place, keeping its comments and layout.

``trendlib fetch --study`` and ``trendlib import --study`` both point a study's ``trends:`` at the
file they wrote. A YAML round trip would drop the comments a user wrote, so the one line of the key
is rewritten as text (the value keeps its quoting; a trailing comment stays), and the file is
replaced atomically. A key the file does not have is appended as a new line.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["read_study_key", "rewrite_study_key", "study_relative"]


def _pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"^(?P<head>{re.escape(key)}[ \t]*:[ \t]*)(?P<q>['\"]?)(?P<val>[^'\"#\n]*?)(?P=q)"
                      r"(?P<tail>[ \t]*(#.*)?)$", re.MULTILINE)


def read_study_key(study_file: str | Path, key: str) -> str | None:
    """The raw text value of top-level ``key`` (None when the file has no such line)."""
    m = list(_pattern(key).finditer(Path(study_file).read_text(encoding="utf-8")))
    return m[0].group("val").strip() if len(m) == 1 else None


def rewrite_study_key(study_file: str | Path, key: str, value: str) -> str | None:
    """Set top-level ``key`` to ``value``; return the old value (None if the key was added).

    Raises :class:`trendlib.study.StudyError` when the key appears on more than one top-level line.
    """
    from trendlib._io import atomic_write_text
    from trendlib.study import StudyError

    path = Path(study_file)
    text = path.read_text(encoding="utf-8")
    matches = list(_pattern(key).finditer(text))
    if len(matches) > 1:
        raise StudyError(f"{path}: {len(matches)} top-level '{key}:' lines; expected one to rewrite")
    if not matches:
        sep = "" if text.endswith("\n") or not text else "\n"
        atomic_write_text(path, f"{text}{sep}{key}: {_quoted(value)}\n")
        return None
    m = matches[0]
    quote = m.group("q") or ('"' if _needs_quotes(value) else "")
    shown = value if quote != '"' or not _needs_quotes(value) else json.dumps(value)[1:-1]
    line = f"{m.group('head')}{quote}{shown}{quote}{m.group('tail')}"
    atomic_write_text(path, text[:m.start()] + line + text[m.end():])
    return m.group("val").strip()


def _needs_quotes(value: str) -> bool:
    return bool(re.search(r"[#:'\"]|^\s|\s$|^[-?&*!|>%@`{\[]", value))


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False) if _needs_quotes(value) else value


def study_relative(path: str | Path, study_file: str | Path) -> str:
    """``path`` relative to the study file's folder when it lies inside it, else absolute (POSIX form)."""
    p, base = Path(path).resolve(), Path(study_file).resolve().parent
    try:
        return p.relative_to(base).as_posix()
    except ValueError:
        return p.as_posix()
