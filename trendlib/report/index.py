"""A study's ``results.json`` and ``index.html``, and the index across studies.

``results.json`` is assembled from what the notebooks recorded through
:class:`trendlib.report.exhibits.Exhibits` plus what the runner knows: the study
parameters, the provenance of every input (file, sha256, source, illustrative),
the package versions and each notebook's status and run time. Its top-level keys:

    schema_version, trendlib_version, generated_at, study, illustrative, provenance,
    packages, notebooks, figures, tables, run, and one key per recorded result
    (e.g. ``explore``, ``event_study``).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from trendlib import __version__
from trendlib._io import atomic_write_text
from trendlib.errors import TrendlibError
from trendlib.report.exhibits import PARTS_DIR, RESERVED_KEYS
from trendlib.study import display_path

__all__ = ["write_study_outputs", "write_root_index", "package_versions", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
#: distributions whose versions go into results.json (all installed ones go to environment.txt)
KEY_PACKAGES = ("trendlib", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "pytrends",
                "requests", "urllib3", "papermill", "nbconvert", "nbclient", "ipykernel", "jupytext", "pyyaml")


def package_versions() -> dict[str, str]:
    """Versions of Python and of the analysis stack, read from installed metadata (no imports)."""
    out = {"python": platform.python_version(), "platform": platform.platform(terse=True)}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _all_distributions() -> str:
    seen = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            seen[name.lower()] = f"{name}=={dist.version}"
    return "\n".join(seen[k] for k in sorted(seen)) + "\n"


def _read_parts(folder: Path) -> list[dict[str, Any]]:
    parts = []
    for path in sorted((folder / PARTS_DIR).glob("*.json")):
        parts.append(json.loads(path.read_text(encoding="utf-8")))
    return parts


def write_study_outputs(folder: Path, *, study, provenance: list[dict[str, Any]],
                        notebooks: list[dict[str, Any]], banners: list[str], wall_s: float) -> dict[str, Any]:
    """Write ``results.json``, ``environment.txt`` and ``index.html`` into a study's folder."""
    parts = _read_parts(folder)
    figures, tables, recorded = [], [], {}
    for part in parts:
        figures += part.get("figures", [])
        tables += part.get("tables", [])
        for key, value in part.get("results", {}).items():
            if key in RESERVED_KEYS:
                raise TrendlibError(f"notebook {part['notebook']} recorded reserved key {key!r}")
            if key in recorded:
                raise TrendlibError(f"results.json key {key!r} is recorded by two notebooks "
                                    f"({recorded[key][0]} and {part['notebook']})")
            recorded[key] = (part["notebook"], value)
    for kind, items in (("figure", figures), ("table", tables)):
        owners: dict[str, str] = {}
        for item in items:
            if item["name"] in owners and owners[item["name"]] != item["notebook"]:
                raise TrendlibError(f"{kind} name {item['name']!r} is saved by two notebooks "
                                    f"({owners[item['name']]} and {item['notebook']}); one file would "
                                    "overwrite the other - give each exhibit its own name")
            owners[item["name"]] = item["notebook"]
    base = study.source_file.parent if study.source_file is not None else folder
    prov = []
    for p in provenance:  # paths relative to the study file: no folder of this machine is published
        q = {k: v for k, v in p.items() if k != "details"}
        q["file"] = display_path(p["file"], base)
        if q.get("provenance_file"):
            q["provenance_file"] = display_path(q["provenance_file"], base)
        prov.append(q)
    study_rec = study.to_record()
    findings = [f for part in parts for f in part.get("findings", [])]
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "trendlib_version": __version__,
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "study": study_rec,
        "illustrative": any(p["illustrative"] for p in provenance),
        "provenance": prov,
        "packages": package_versions(),
        "notebooks": notebooks,
        "figures": figures,
        "tables": tables,
        "findings": findings,
        "run": {"output_dir": folder.name, "wall_s": round(wall_s, 2),
                "ok": all(n["status"] == "ok" for n in notebooks)},
    }
    for key, (_, value) in recorded.items():
        results[key] = value
    atomic_write_text(folder / "results.json",
                      json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
    atomic_write_text(folder / "environment.txt", _all_distributions())
    atomic_write_text(folder / "index.html", _render("study_index.html.j2", r=results, banners=banners))
    return results


def write_root_index(out_root: Path) -> Path:
    """``<out>/index.html`` listing every study folder that has a results.json."""
    rows = []
    for res in sorted(Path(out_root).glob("*/results.json")):
        try:
            data = json.loads(res.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        headline = next((f for f in data.get("findings", []) if f.get("headline")), None)
        rows.append({"name": res.parent.name, "title": data.get("study", {}).get("title", ""),
                     "headline": headline,
                     "illustrative": data.get("illustrative", False), "ok": data.get("run", {}).get("ok"),
                     "generated_at": data.get("generated_at", ""), "start": data["study"].get("start"),
                     "end": data["study"].get("end"), "geo": data["study"].get("geo")})
    sweeps = [{"name": p.parent.name, "n": sum(1 for _ in p.parent.glob("*/results.json"))}
              for p in sorted(Path(out_root).glob("*/comparison.csv"))]
    path = Path(out_root) / "index.html"
    atomic_write_text(path, _render("root_index.html.j2", rows=rows, sweeps=sweeps))
    return path


def _render(template: str, **context: Any) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["markup"] = jinja2.utils.markupsafe.Markup
    return env.get_template(template).render(**context)
