"""Parsed exports -> tidy frames in the shared schemas, their provenance record, and the written files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trendlib.datasets.schemas import REGION_COLUMNS, RELATED_COLUMNS, TIMELINE_COLUMNS, WEB_EXPORT_SOURCE
from trendlib.datasets.webexport.errors import WebExportError

__all__ = ["timeline_frame", "regions_frame", "related_frame", "provenance", "write_export"]

BELOW_ONE = ("'<1' is stored as value 0 with below_one=true and value_high 1 (the true value is in [0, 1)); "
             "an empty cell is missing (NaN), never 0")


def timeline_frame(t, geo: str | None, last_is_partial: bool):
    import numpy as np
    import pandas as pd

    from trendlib.datasets.webexport.timeline import geo_codes
    notes = list(t.notes)
    codes = geo_codes(t.geo_names, geo, notes)
    n, k = len(t.dates), len(t.terms)
    values = np.array([[v for v, _ in row] for row in t.values], dtype=float).reshape(n, k)
    below = np.array([[b for _, b in row] for row in t.values], dtype=bool).reshape(n, k)
    frame = pd.DataFrame({
        "date": np.repeat(pd.to_datetime(t.dates).to_numpy(), k),
        "query": np.tile(t.terms, n), "geo": np.tile([codes[g] for g in t.geo_names], n),
        "value": values.ravel(), "below_one": below.ravel()})
    frame["value_low"] = frame["value"]
    frame["value_high"] = np.where(frame["below_one"], 1.0, frame["value"])
    frame["n_samples"] = 1
    frame["is_partial"] = False
    if last_is_partial:
        frame["is_partial"] = frame["date"] == frame.groupby(["query", "geo"])["date"].transform("max")
    else:
        notes.append("the export does not mark a partial last period; none is flagged")
    frame["resolution"] = t.resolution
    frame["source"] = WEB_EXPORT_SOURCE
    dup = frame.duplicated(["date", "query", "geo"])
    if dup.any():
        r = frame[dup].iloc[0]
        raise WebExportError(f"two values for date {r['date']} and term {r['query']!r}: a date or a term column "
                             "repeats")
    frame = frame[TIMELINE_COLUMNS].sort_values(["query", "geo", "date"], kind="stable").reset_index(drop=True)
    info = {"resolution": t.resolution, "queries": list(dict.fromkeys(t.terms)),
            "geo_names": [g for g in dict.fromkeys(t.geo_names) if g], "geo_codes": sorted(set(codes.values())),
            "period": {"start": frame["date"].min().isoformat(), "end": frame["date"].max().isoformat()},
            "below_one_cells": t.below, "empty_cells": t.empty, "notes": notes,
            "scale": "0-100 within this export: 100 is the peak of all its terms together"}
    return frame, info


def regions_frame(r):
    import pandas as pd

    recs = []
    for name, row in zip(r.names, r.cells):
        for term, (value, below, formatted) in zip(r.terms, row):
            recs.append((r.codes.get(name, ""), name, r.level, term, r.parent, r.start, r.end, value, below,
                         formatted, r.measure, "", WEB_EXPORT_SOURCE))
    frame = pd.DataFrame(recs, columns=REGION_COLUMNS)
    info = {"resolution": r.level, "queries": r.terms, "geo_names": [], "geo_codes": [r.parent],
            "period": {"start": r.start, "end": r.end}, "below_one_cells": r.below, "empty_cells": r.empty,
            "notes": r.notes, "measure": r.measure,
            "scale": ("index 0-100: 100 is the region with the highest share of searches for the term"
                      if r.measure == "index" else "each region's share (%) of the terms' total: the row sums to 100")}
    return frame, info


def related_frame(r, related_type: str):
    import pandas as pd

    # a website export names topics but carries no Knowledge Graph id or type: topic_mid, topic_type empty
    recs = [(r.term, r.geo, r.start, r.end, related_type, kind, rank, related, value, formatted, breakout, "",
             WEB_EXPORT_SOURCE, "", "") for kind, rank, related, value, formatted, breakout, _below in r.rows]
    frame = pd.DataFrame(recs, columns=RELATED_COLUMNS)
    notes = list(r.notes)
    if not related_type:
        notes.append("the file name does not say whether these are related queries or topics; related_type ''")
    info = {"resolution": "", "queries": [r.term], "geo_names": [r.geo_name] if r.geo_name else [],
            "geo_codes": [r.geo], "period": {"start": r.start, "end": r.end},
            "below_one_cells": sum(1 for row in r.rows if row[6]), "empty_cells": 0, "notes": notes,
            "scale": "top: index 0-100 (100 = the most searched related item); rising: percent growth "
                     "over the previous period of the same length; breakout = growth above 5000 %"}
    return frame, info


def provenance(path: Path, head, source, info: dict[str, Any], frame) -> dict[str, Any]:
    from trendlib.provenance import sha256_file
    what = {"timeline": "interest over time", "regions": f"interest by {info['resolution']}",
            "related": "related queries/topics"}[head.kind]
    notes = [*head.notes, *info.pop("notes")]
    return {
        "source": WEB_EXPORT_SOURCE, "illustrative": False,
        "description": f"Google Trends {what} for {', '.join(info['queries'])}, downloaded from the Trends website "
                       "and imported by trendlib.",
        "citation": "Google Trends (https://trends.google.com), website CSV download.",
        "licence": "Google Trends data; reuse with attribution to Google Trends.",
        "notes": " ".join(dict.fromkeys(notes)), "kind": head.kind, "file_name": path.name,
        "sha256": sha256_file(path), "encoding": source.encoding, "separator": source.delimiter,
        "repairs": list(source.repairs), "category": head.category, "category_line": head.category_text,
        "interface_languages": sorted(head.languages),
        "header": ",".join(head.header) if head.header else head.term_line,
        **info, "rows": int(len(frame)), "below_one_convention": BELOW_ONE,
    }


def write_export(export, out: Path, *, imported_from: Path) -> None:
    from trendlib._io import csv_text, replace_together
    from trendlib.provenance import sidecar_path

    frame = export.frame.copy()
    if export.kind == "timeline":
        fmt = "%Y-%m-%dT%H:%M" if export.provenance["resolution"] == "hour" else "%Y-%m-%d"
        frame["date"] = frame["date"].dt.strftime(fmt)
    for col in ("is_partial", "below_one", "breakout"):
        if col in frame.columns:
            frame[col] = frame[col].map({True: "true", False: "false"})
    prov = dict(export.provenance)
    prov["imported_from"] = str(imported_from)
    prov["imported_by"] = "trendlib import"
    # one set (the provenance first, the CSV last): a full disk leaves the earlier import whole; text cells a
    # spreadsheet would run as formulas get a leading "'"
    replace_together({sidecar_path(out): json.dumps(prov, ensure_ascii=False, indent=2) + "\n",
                      out: csv_text(frame, index=False, float_format="%g")})
