"""Fill a study's trends file from website exports: ``trendlib import EXPORT [EXPORT ...] --study FILE``.

Each export is an interest-over-time download (``multiTimeline.csv``) on its own 0-100 scale (100 is
the peak of the terms downloaded together). The exports are read, checked against the study (every
study query covered, the study's geo and one resolution throughout), joined into one tidy series file
(default ``<study folder>/data/trends.csv``), and the study's ``trends:`` line is pointed at it with
its comments kept. The provenance says ``"scale": "per-export"`` and lists each export with its
terms, so the report can say where a chart compares levels of queries from different downloads.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from trendlib.datasets.webexport import WebExportError, read_web_export

__all__ = ["StudyImport", "import_into_study", "levels_caveat"]

_NOT_TIMELINE = {"regions": "an interest-by-region export (geoMap.csv)",
                 "related": "a related-queries export (relatedQueries.csv / relatedEntities.csv)"}


@dataclasses.dataclass(frozen=True)
class StudyImport:
    """What ``import_into_study`` wrote: the trends file, the study's old and new ``trends:`` value,
    the exports and their terms, and the provenance record."""

    out: Path
    study_file: Path
    old_value: str | None
    new_value: str
    exports: tuple[dict[str, Any], ...]
    provenance: dict[str, Any]

    def summary(self) -> str:
        lines = [f"wrote {self.out} from {len(self.exports)} website export(s):"]
        lines += [f"  {e['file_name']}: {', '.join(e['queries'])} ({e['resolution']}, geo {e['geo']!r})"
                  for e in self.exports]
        if len(self.exports) > 1:
            lines.append("  each export is on its own 0-100 scale: levels of queries from different exports are "
                         "not comparable (provenance: scale = per-export)")
        if self.old_value == self.new_value:
            lines.append(f"study {self.study_file}: 'trends:' already points at {self.new_value}")
        else:
            was = f" (was {self.old_value})" if self.old_value is not None else " (key added)"
            lines.append(f"study {self.study_file}: 'trends:' now points at {self.new_value}{was}")
        return "\n".join(lines)


def import_into_study(exports: list[str | Path], study_file: str | Path, *, out: str | Path | None = None,
                      force: bool = False, last_is_partial: bool = False) -> StudyImport:
    """Convert ``exports`` into the study's trends file and point its ``trends:`` key at it.

    Raises :class:`WebExportError` naming the export for a file that is not a timeline, covers another
    geo or resolution than the others or than the study, repeats a term of another export, or leaves a
    study query uncovered (all are named); nothing is written then.
    """
    from trendlib.datasets.studyfile import rewrite_study_key, study_relative
    from trendlib.study import load_study

    study_file = Path(study_file)
    study = load_study(study_file, require_trends=False)
    target = Path(out) if out is not None else study_file.resolve().parent / "data" / "trends.csv"
    _check_target(target, exports, force)
    read = [_read(Path(p), study.geo, last_is_partial) for p in exports]
    _check_against_study(read, study)
    frame, prov = _join(read, study)
    _write(frame, prov, target)
    new_value = study_relative(target, study_file)
    old_value = rewrite_study_key(study_file, "trends", new_value)
    return StudyImport(out=target, study_file=study_file, old_value=old_value, new_value=new_value,
                       exports=tuple(prov["exports"]), provenance=prov)


def levels_caveat(provenance: dict[str, Any]) -> str | None:
    """The sentence a chart comparing levels across queries must carry when the trends file was joined
    from several website exports (``"scale": "per-export"``), naming which terms share a scale; None otherwise.

    For notebooks and the report: ``levels_caveat(trendlib.read_provenance(study.trends))``.
    """
    provenance = provenance.get("details") or provenance  # read_provenance keeps the sidecar under 'details'
    if provenance.get("scale") != "per-export":
        return None
    groups = "; ".join(", ".join(e["queries"]) for e in provenance.get("exports", []))
    return ("The queries come from separate Google Trends downloads, each scaled 0-100 to its own peak, so their "
            f"levels are not comparable across downloads (queries downloaded together: {groups}); compare the "
            "shape of each line, not its height.")


def _check_target(target: Path, exports: list[str | Path], force: bool) -> None:
    from trendlib.provenance import read_provenance
    if target.suffix.lower() != ".csv":
        raise WebExportError(f"the trends file {str(target)!r} must end in .csv")
    for p in exports:
        if Path(p).resolve() == target.resolve():
            raise WebExportError(f"the trends file {str(target)!r} is one of the exports being imported; the download "
                                 "would be replaced and lost. Write the trends file elsewhere (--out)", file=str(p))
    if target.exists() and not force:
        source = read_provenance(target)["source"]
        if source != "google-trends-web-export":
            raise WebExportError(f"refusing to overwrite {str(target)!r}: it is not an earlier import (source: "
                                 f"{source!r}); write elsewhere with --out, or pass --force", file=str(target))


def _read(path: Path, study_geo: str, last_is_partial: bool):
    export = read_web_export(path, last_is_partial=last_is_partial)
    if export.kind != "timeline":
        raise WebExportError(f"this is {_NOT_TIMELINE[export.kind]}; a study's trends file is built from "
                             "interest-over-time downloads (multiTimeline.csv, the chart 'Interest over time')",
                             file=str(path))
    if "not stated" in export.provenance["notes"]:  # a bare-term header: the study says which geo it is
        export = read_web_export(path, geo=study_geo, last_is_partial=last_is_partial)
        export.provenance["notes"] += f" The geo is not stated in the file; the study's geo {study_geo!r} is recorded."
    return path, export


def _check_against_study(read, study) -> None:
    bad = [(p, sorted(set(e.frame["geo"]))) for p, e in read if set(e.frame["geo"]) != {study.geo}]
    if bad:
        named = "; ".join(f"{p.name}: geo {g}" for p, g in bad)
        raise WebExportError(f"the exports must cover the study's geo {study.geo!r} ('' = worldwide), but {named}; "
                             "download them again for that geo", file=str(bad[0][0]))
    resolutions = {p.name: e.provenance["resolution"] for p, e in read}
    if len(set(resolutions.values())) > 1:
        raise WebExportError("the exports have different resolutions (" + ", ".join(
            f"{n}: {r}" for n, r in resolutions.items()) + "); a study's trends file has one: download them for "
            "the same time range", file=str(read[0][0]))
    seen: dict[str, str] = {}
    for p, e in read:
        for term in e.provenance["queries"]:
            if term in seen:
                raise WebExportError(f"term {term!r} is in both {seen[term]} and {p.name}; each export is on its own "
                                     "0-100 scale, so keep it in one export only", file=str(p))
            seen[term] = p.name
    missing = [t for t in study.terms if t not in seen]
    if missing:
        raise WebExportError(f"the exports do not cover the study's queries {missing} (they hold {sorted(seen)}); "
                             "download the missing terms too, or edit the study's queries", file=str(read[0][0]))
    for p, e in read:
        first, last = e.frame["date"].min().date(), e.frame["date"].max().date()
        if last < study.start or first > study.end:
            raise WebExportError(f"{p.name} covers {first} to {last}, outside the study's {study.start} to "
                                 f"{study.end}; download the chart for the study's time range", file=str(p))


def _join(read, study):
    import pandas as pd

    frame = pd.concat([e.frame for _, e in read], ignore_index=True)
    frame = frame.sort_values(["query", "geo", "date"], kind="stable").reset_index(drop=True)
    exports = [{"file_name": p.name, "imported_from": str(p), "sha256": e.provenance["sha256"],
                "queries": e.provenance["queries"], "geo": study.geo, "resolution": e.provenance["resolution"],
                "period": e.provenance["period"], "category": e.provenance["category"],
                "repairs": e.provenance["repairs"], "notes": e.provenance["notes"]} for p, e in read]
    several = len(read) > 1
    prov = {
        "source": "google-trends-web-export", "illustrative": False,
        "description": f"Google Trends interest over time for {', '.join(study.terms)} in {study.geo or 'worldwide'}, "
                       f"from {len(read)} download(s) of the Trends website, imported by trendlib for the study "
                       f"{study.title!r}.",
        "citation": "Google Trends (https://trends.google.com), website CSV downloads.",
        "licence": "Google Trends data; reuse with attribution to Google Trends.",
        "scale": "per-export" if several else "one export",
        "scale_note": ("Each export is on its own 0-100 scale (100 = the peak of the terms downloaded together): "
                       "levels of queries from different exports are not comparable; compare shapes, not levels."
                       if several else "All queries share one 0-100 scale (100 = their common peak)."),
        "exports": exports, "queries": sorted({t for e in exports for t in e["queries"]}),
        "resolution": exports[0]["resolution"], "geo_codes": [study.geo],
        "notes": "Values are relative index points, not numbers of searches. '<1' is value 0 with below_one=true.",
        "imported_by": "trendlib import --study",
    }
    return frame, prov


def _write(frame, prov: dict[str, Any], out: Path) -> None:
    from trendlib._io import csv_text, replace_together
    from trendlib.provenance import sidecar_path
    frame = frame.copy()
    fmt = "%Y-%m-%dT%H:%M" if prov["resolution"] == "hour" else "%Y-%m-%d"
    frame["date"] = frame["date"].dt.strftime(fmt)
    for col in ("is_partial", "below_one"):
        frame[col] = frame[col].map({True: "true", False: "false"})
    # one set, provenance first and the CSV last; formula cells quoted (trendlib._io)
    replace_together({sidecar_path(out): json.dumps(prov, ensure_ascii=False, indent=2) + "\n",
                      out: csv_text(frame, index=False, float_format="%g")})
