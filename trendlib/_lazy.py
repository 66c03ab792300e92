"""Lazy attribute loading for package namespaces, so importing trendlib stays cheap."""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_namespace(package: str, names: Mapping[str, str], namespace: dict[str, Any]
                   ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose public names live in submodules.

    ``names`` maps a public name to the module defining it (absolute, or relative to
    ``package`` when it has no dot). A name is imported on first use and cached in
    ``namespace`` (the package's ``globals()``).
    """
    public = sorted(names)

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        target = module if "." in module else f"{package}.{module}"
        value = getattr(importlib.import_module(target), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__
