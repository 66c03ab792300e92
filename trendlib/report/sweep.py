"""Study sweeps: one template study expanded over lists of values, rendered together.

A sweep file names a template study and the keys to vary::

    name: mobilization-by-country          # output folder: <out>/<name>/
    template: mobilization-2022.yaml       # a study file, relative to this file
    vary:                                  # every combination of these values (a product)
      geo: [RU, KZ, GE, AM, FI]
    # zip: true                            # pair the lists element by element instead

Any study key can be varied (``geo``, ``event_date``, ``queries`` as a list of query
lists, ...). A ``{key}`` placeholder in a string value of the template is replaced by
the current value of that varied key, so per-value files can be named::

    trends: ../data/trends/mobilization-{geo}.csv

Each expanded study is validated like a study file (the messages name the sweep, the
combination and the key) before anything runs, is named ``<template>--<key>-<value>...``,
and renders into ``<out>/<name>/<study>/``. ``<out>/<name>/index.html`` lists them with a
comparison table of their key numbers, also written as ``comparison.csv``.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import re
from pathlib import Path
from typing import Any

from trendlib.study import STUDY_KEYS, Study, StudyError, check_size, safe_yaml_loader, study_name

__all__ = ["Sweep", "load_sweep", "comparison_table", "write_sweep_index"]

_SWEEP_KEYS = {"name", "template", "vary", "zip", "description"}


@dataclasses.dataclass(frozen=True)
class Sweep:
    """A validated sweep: its name and the studies it expands into (with the values of each)."""

    name: str
    source_file: Path
    studies: tuple[Study, ...]
    values: tuple[dict[str, Any], ...]
    description: str = ""
    unplaced: tuple[str, ...] = ()  # varied keys whose {key} placeholder appears nowhere in the template

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"study": s.name, **{k: _short(v) for k, v in vals.items()}}
                             for s, vals in zip(self.studies, self.values)])


def load_sweep(path: str | Path) -> Sweep:
    """Read a sweep file and expand it into validated studies (nothing runs)."""
    import yaml

    path = Path(path)
    where = f"sweep file {str(path)!r}"
    if not path.is_file():
        raise StudyError(f"{where} does not exist")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=safe_yaml_loader())  # noqa: S506 - SafeLoader
    except yaml.YAMLError as exc:
        raise StudyError(f"{where} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise StudyError(f"{where}: expected keys {', '.join(sorted(_SWEEP_KEYS))}")
    check_size(raw, where)
    unknown = sorted(set(raw) - _SWEEP_KEYS)
    if unknown:
        raise StudyError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; accepted: "
                         f"{', '.join(sorted(_SWEEP_KEYS))}")
    for key in ("template", "vary"):
        if key not in raw:
            raise StudyError(f"{where}: missing required key {key!r}")
    name = raw.get("name", path.stem)
    if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", name):
        raise StudyError(f"{where}: name {name!r} is not usable as a folder name")
    template_path = (path.resolve().parent / str(raw["template"])).resolve()
    if not template_path.is_file():
        raise StudyError(f"{where}: template {raw['template']!r} does not exist (looked at {template_path})")
    try:
        template = yaml.load(template_path.read_text(encoding="utf-8-sig"), Loader=safe_yaml_loader())  # noqa: S506
    except yaml.YAMLError as exc:
        raise StudyError(f"{where}: template {str(template_path)!r} is not valid YAML: {exc}") from None
    check_size(template, f"{where}: template {str(template_path)!r}")
    vary = raw["vary"]
    if not isinstance(vary, dict) or not vary:
        raise StudyError(f"{where}: 'vary' must map study keys to lists of values")
    for key, values in vary.items():
        if key not in STUDY_KEYS:
            raise StudyError(f"{where}: vary key {key!r} is not a study key; accepted: {', '.join(STUDY_KEYS)}")
        if not isinstance(values, list) or not values:
            raise StudyError(f"{where}: vary.{key} must be a non-empty list of values")
    keys = list(vary)
    if raw.get("zip"):
        lengths = {k: len(vary[k]) for k in keys}
        if len(set(lengths.values())) != 1:
            raise StudyError(f"{where}: with zip: true every list needs the same length, got {lengths}")
        combos = list(zip(*(vary[k] for k in keys)))
    else:
        combos = list(itertools.product(*(vary[k] for k in keys)))
    if len(combos) > 10_000:
        raise StudyError(f"{where}: {len(combos)} combinations; at most 10000 accepted")

    studies, values, names = [], [], set()
    for combo in combos:
        current = dict(zip(keys, combo))
        current = _substitute(current, current)  # a varied value may name another: title: "A {geo}"
        mapping = _substitute(dict(template), current)
        mapping.update(current)
        name_of = _study_name(study_name(template_path), current)
        if name_of in names:
            raise StudyError(f"{where}: two combinations give the same study name {name_of!r}")
        names.add(name_of)
        study = Study.from_mapping(mapping, name=name_of, base_dir=template_path.parent,
                                   source=f"{where}, combination {_describe(current)}",
                                   source_file=template_path)
        studies.append(study)
        values.append(current)
    return Sweep(name=name, source_file=path.resolve(), studies=tuple(studies), values=tuple(values),
                 description=str(raw.get("description", "")),
                 unplaced=tuple(k for k in keys if not _mentions(template, k)))


def _mentions(template: dict, key: str) -> bool:
    """Whether any string of the template carries the placeholder ``{key}``."""
    def walk(value) -> bool:
        if isinstance(value, str):
            return "{" + key + "}" in value
        if isinstance(value, list):
            return any(walk(v) for v in value)
        if isinstance(value, dict):
            return any(walk(v) for v in value.values())
        return False
    return walk(template)


def check_sweep_data(sweep: "Sweep") -> None:
    """Read every expanded study's data before anything runs (as ``trendlib report`` does for a study).

    A study the data do not fit is refused naming the sweep file, the combination and the key; when the
    varied key appears in no path of the template (every study reads the same files), the message says so.
    """
    from trendlib.datasets.errors import DataError
    from trendlib.datasets.studydata import check_study_data

    for study, current in zip(sweep.studies, sweep.values):
        try:
            check_study_data(study)
        except DataError as exc:
            hint = ""
            if sweep.unplaced:
                keys = ", ".join(repr(k) for k in sweep.unplaced)
                holders = ", ".join("{" + k + "}" for k in sweep.unplaced)
                hint = (f"; the sweep varies {keys} but no path or value of its template carries {holders}, so "
                        "every study reads the same data files: put the placeholder in the template's data paths "
                        "(e.g. trends: ../data/trends/series-{geo}.csv)")
            raise StudyError(f"sweep file {str(sweep.source_file)!r}, combination {_describe(current)}: {exc}{hint}") from None


def _substitute(mapping: dict, current: dict[str, Any]) -> dict:
    """Replace ``{key}`` placeholders in the template's string values by the current values."""
    scalars = {k: v for k, v in current.items() if isinstance(v, (str, int, float))}

    def sub(value):
        if isinstance(value, str):
            return re.sub(r"\{(\w+)\}", lambda m: str(scalars[m.group(1)]) if m.group(1) in scalars
                          else m.group(0), value)
        if isinstance(value, list):
            return [sub(v) for v in value]
        if isinstance(value, dict):
            return {k: sub(v) for k, v in value.items()}
        return value

    return {k: sub(v) for k, v in mapping.items()}


def _slug(value: Any) -> str:
    if isinstance(value, list):
        value = "+".join(str(q.get("label", q.get("term")) if isinstance(q, dict) else q) for q in value)
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", str(value)).strip("-")
    return text[:40] or "empty"


def _study_name(stem: str, current: dict[str, Any]) -> str:
    name = stem + "".join(f"--{k}-{_slug(v)}" for k, v in current.items())
    return name[:100]


def _describe(current: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_short(v)}" for k, v in current.items())


def _short(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(q.get("label", q.get("term")) if isinstance(q, dict) else q) for q in value)
    return str(value)


def comparison_table(folder: Path, sweep: Sweep):
    """One row per study: varied values, status, and its key numbers from results.json.

    Key numbers: for each query, the event study's fold increase (with its range) at the
    study's own event date when notebook 10 recorded ``event_study``; otherwise the peak
    date of each series from notebook 01 (``explore``).
    """
    import pandas as pd

    rows = []
    for study, vals in zip(sweep.studies, sweep.values):
        row: dict[str, Any] = {"study": study.name, **{k: _short(v) for k, v in vals.items()}}
        res_path = folder / study.name / "results.json"
        try:
            res = json.loads(res_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            row["status"] = "missing"
            rows.append(row)
            continue
        row["status"] = "ok" if res.get("run", {}).get("ok") else "failed"
        row["illustrative"] = bool(res.get("illustrative"))
        records = [r for r in res.get("event_study", []) or []
                   if str(r.get("event_date", ""))[:10] == study.event_date.isoformat()]
        if records:
            for r in records:
                label = r.get("label") or r.get("query")
                fold, lo, hi = r.get("fold_increase"), r.get("fold_low"), r.get("fold_high")
                row[f"{label}: fold"] = fold
                row[f"{label}: range"] = (f"{lo:.1f}-{hi:.1f}" if isinstance(lo, (int, float))
                                          and isinstance(hi, (int, float)) else "")
        else:
            for s in (res.get("explore") or {}).get("series", []):
                row[f"{s.get('label')}: peak"] = s.get("peak_date")
        rows.append(row)
    return pd.DataFrame(rows)


def write_sweep_index(folder: Path, sweep: Sweep) -> Path:
    """Write ``comparison.csv`` and ``index.html`` for a rendered sweep."""
    from trendlib._io import atomic_write_text, csv_text
    from trendlib.report.index import _render

    table = comparison_table(folder, sweep)
    atomic_write_text(folder / "comparison.csv", csv_text(table, index=False))
    columns = list(table.columns)
    rows = [{c: ("" if _isnull(v) else (f"{v:.2f}" if isinstance(v, float) else str(v))) for c, v in r.items()}
            for r in table.to_dict(orient="records")]
    path = folder / "index.html"
    atomic_write_text(path, _render("sweep_index.html.j2", sweep=sweep, columns=columns, rows=rows))
    return path


def _isnull(v) -> bool:
    try:
        return v is None or v != v
    except (TypeError, ValueError):
        return False
