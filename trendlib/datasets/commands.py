"""``trendlib import``: turn Google Trends website CSVs into tidy files with provenance.

``trendlib import EXPORT --out FILE`` converts one download; ``trendlib import EXPORT [EXPORT ...]
--study DIR/study.yaml`` converts interest-over-time downloads into the study's trends file (default
``DIR/data/trends.csv``, or ``--out``) and points the study's ``trends:`` at it, comments kept
(:mod:`trendlib.datasets.study_import`)."""
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
                    "is stored as 0 with below_one=true; an empty cell is missing. With --study, one or more "
                    "interest-over-time downloads become the study's trends file and its 'trends:' key points at "
                    "it (comments kept); each download keeps its own 0-100 scale, as the provenance says.")
    p.add_argument("files", nargs="+", metavar="EXPORT",
                   help="the downloaded CSV(s): multiTimeline.csv, geoMap.csv, relatedQueries.csv, ...")
    p.add_argument("--out", default=None, metavar="OUT.csv",
                   help="where to write the tidy CSV (required without --study; with --study default "
                        "DIR/data/trends.csv beside the study file)")
    p.add_argument("--study", default=None, metavar="DIR/study.yaml",
                   help="fill this study's trends file from the exports (interest over time) and point its "
                        "'trends:' key at it")
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
    from trendlib.datasets.errors import DataError

    if args.study:
        if args.geo is not None or args.query is not None:
            raise DataError("--geo and --query do not go with --study: the study's geo and queries are used")
        from trendlib.datasets.study_import import import_into_study
        result = import_into_study(args.files, args.study, out=args.out, force=args.force,
                                   last_is_partial=args.last_partial)
        print(result.summary())
        return 0
    if args.out is None:
        raise DataError("--out OUT.csv is required (where to write the tidy CSV), or use --study DIR/study.yaml")
    if len(args.files) > 1:
        raise DataError(f"{len(args.files)} exports given with --out: import them one at a time, or all into a "
                        "study's trends file with --study DIR/study.yaml")
    return _run_one(args.files[0], args)


def _run_one(file: str, args: argparse.Namespace) -> int:
    from pathlib import Path

    from trendlib.datasets.errors import DataError
    from trendlib.datasets.webexport import SOURCE, import_web_export
    from trendlib.provenance import read_provenance, sidecar_path

    if Path(args.out).resolve() == Path(file).resolve():
        raise DataError(f"--out {args.out!r} is the file being imported; the download would be replaced by the "
                        "tidy file and lost. Write the tidy CSV under another name", file=file)
    if Path(args.out).exists() and not args.force:
        source = read_provenance(args.out)["source"]
        if source != SOURCE:
            raise DataError(f"refusing to overwrite {args.out!r}: it is not an earlier import (source: {source!r}); "
                            "write elsewhere, or pass --force", file=args.out)
    export = import_web_export(file, args.out, geo=args.geo, last_is_partial=args.last_partial, query=args.query)
    print(export.summary())
    print(f"wrote {args.out} and {sidecar_path(args.out)}")
    return 0
