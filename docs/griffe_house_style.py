"""A griffe extension for trendlib's docstring style: ``name : description`` in Parameters sections.

numpydoc reads the text after `` : `` as the parameter's *type*; trendlib writes the description
there (types are in the signature). Before parsing, each such item becomes ``name`` with its
description indented below it, so the site shows the signature's type and the docstring's words.
"""
from __future__ import annotations

import re
from typing import Any

import griffe

_SECTIONS = {"Parameters", "Other Parameters", "Attributes", "Keyword Arguments"}
_ITEM = re.compile(r"^(?P<indent>\s*)(?P<names>\*{0,2}[A-Za-z_][\w, *]*?) : (?P<desc>.+)$")


def house_to_numpy(text: str) -> str:
    lines, out, section, base = text.splitlines(), [], None, None
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if re.fullmatch(r"\s*-{3,}\s*", nxt) and line.strip():
            section, base = line.strip(), None
        if section in _SECTIONS and (m := _ITEM.match(line)):
            indent = m.group("indent")
            if base is None:
                base = indent
            if indent == base:
                out += [f"{indent}{m.group('names')}", f"{indent}    {m.group('desc')}"]
                continue
        out.append(line)
    return "\n".join(out)


class HouseStyle(griffe.Extension):
    def on_instance(self, *, node: Any, obj: griffe.Object, agent: Any, **kwargs: Any) -> None:
        if obj.docstring is not None and " : " in obj.docstring.value:
            obj.docstring.value = house_to_numpy(obj.docstring.value)
