"""``trendlib import``: turn a Google Trends website CSV into a tidy file with provenance."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import Trends website CSVs (timeline, region map, related queries) as tidy files",
        description="Read a CSV downloaded from the Google Trends website in any interface language (interest "
                    "over time: multiTimeline.csv; interest by region: geoMap.csv; related queries or topics: "
                    "relatedQueries.csv / relatedEntities.csv) and write it as a tidy CSV that trendlib reads (a "
                    "timeline in the series format of 'trends:' study files; regions and related queries in the "
                    "columns of fetch --regions-out / --related-out), plus <OUT stem>.provenance.json with the "
                    "file name, sha256, category, geo, resolution and any repair of a spreadsheet re-save. '<1' "
                    "is stored as 0 with below_one=true; an empty cell is missing.")
    p.add_argument("file", metavar="FILE", help="the downloaded multiTimeline.csv or geoMap.csv")
    p.add_argument("--out", required=True, metavar="OUT.csv", help="where to write the tidy CSV")
    p.add_argument("--geo", default=None, type=_geo, metavar="CODE",
                   help="Google geo code to record: overrides the geo names in a timeline header, or names "
                        "the country a region file covers (e.g. RU; '' = worldwide)")
    p.add_argument("--query", default=None, metavar="TERM",
                   help="the term, for a one-term export whose header names none or a related-queries file "
                        "without its 'term: (dates, geo)' line")
    p.add_argument("--last-partial", action="store_true",
                   help="flag each query's last period as partial (the CSV does not mark it)")
    p.add_argument("--force", action="store_true",
                   help="overwrite an existing OUT.csv that is not an earlier import (e.g. another data file)")
    p.set_defaults(handler=run)


def _geo(text: str) -> str:
    from trendlib.trends.rules import geo_problem
    problem = geo_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trendlib.datasets.errors import DataError
    from trendlib.provenance import sidecar_path
    from trendlib.datasets.webexport import import_web_export

    if Path(args.out).resolve() == Path(args.file).resolve():
        raise DataError(f"--out {args.out!r} is the file being imported; the download would be replaced by the "
                        "tidy file and lost. Write the tidy CSV under another name", file=args.file)
    if Path(args.out).exists() and not args.force:
        from trendlib.provenance import read_provenance
        from trendlib.datasets.webexport import SOURCE
        source = read_provenance(args.out)["source"]
        if source != SOURCE:
            raise DataError(f"refusing to overwrite {args.out!r}: it is not an earlier import (source: {source!r}); "
                            "write elsewhere, or pass --force", file=args.out)
    export = import_web_export(args.file, args.out, geo=args.geo, last_is_partial=args.last_partial,
                               query=args.query)
    print(export.summary())
    print(f"wrote {args.out} and {sidecar_path(args.out)}")
    return 0
