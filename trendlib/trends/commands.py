"""``trendlib fetch`` and ``trendlib plan``: Google Trends pulls from the command line.

``trendlib plan`` prints what a fetch would send (batches, windows, expected resolutions,
request count, time at the configured rate) and sends nothing. ``trendlib fetch`` runs it
(cache first, polite client, calibration, stitching, sample averaging) and writes the tidy
CSV with its provenance and per-sample files. Both take either terms and options, or
``--study FILE`` (terms, geo, dates, category and gprop from the study).

``fetch --study`` fills the study's trends file. When that file's name carries an
"illustrative" marker (``_illustrative``, ``-illustrative`` or ``.illustrative``, any case),
the real pull is written beside it without the marker and only the ``trends:`` line of the
study YAML is rewritten to point at it (comments kept), so the report shows real data.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from trendlib._argtypes import positive_int, seconds
from trendlib.trends.batching import BATCHINGS
from trendlib.trends.rules import GPROPS, MAX_TERMS, REGION_RESOLUTIONS

_MARKER = re.compile(r"[_.-]illustrative", re.IGNORECASE)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("terms", nargs="*", metavar="TERM", help="search terms exactly as sent to Google")
    p.add_argument("--study", metavar="STUDY.yaml", help="take terms, geo, dates, category and gprop from a study")
    p.add_argument("--geo", help="Google geo code: '' (worldwide), RU, US-CA, ... (required without --study)")
    p.add_argument("--start", metavar="YYYY-MM-DD", help="first day (inclusive; YYYY-MM-DDTHH for hourly, UTC)")
    p.add_argument("--end", metavar="YYYY-MM-DD", help="last day (inclusive)")
    p.add_argument("--resolution", default="auto", choices=["auto", "hour", "day", "week", "month"],
                   help="auto = what Google gives for the whole span; day works over any span "
                        "(overlapping windows, stitched and pinned) (default: auto)")
    p.add_argument("--category", type=int, default=None, metavar="ID", help="Google category id (default 0 = all)")
    p.add_argument("--gprop", default=None, choices=list(GPROPS),
                   help="Google property ('' = web search, the default)")
    p.add_argument("--anchor", default=None, metavar="TERM",
                   help="with more than 5 terms: the term shared by every batch (default: chosen by a probe pull)")
    p.add_argument("--samples", type=positive_int, default=1, metavar="N",
                   help="Google samples to average: pulls on N different (real) days; each run on a new day "
                        "adds one until N are cached (default 1)")
    p.add_argument("--overlap-days", type=positive_int, default=None, metavar="DAYS",
                   help="minimum overlap of daily windows (default 90)")
    p.add_argument("--min-interval", type=seconds, default=None, metavar="SECONDS",
                   help="seconds between requests (default TRENDLIB_MIN_INTERVAL or 5)")
    p.add_argument("--batching", default="magnitude", choices=list(BATCHINGS),
                   help="with more than 5 terms: 'magnitude' (default) = a ladder of batches of terms of similar "
                        "level (from a probe pull), sharing anchors, calibrated jointly, with re-pulls of windows "
                        "a spike swamps; 'typed' = one anchor in every batch, terms in the order typed (the "
                        "original plan, for comparison)")
    p.add_argument("--cache-dir", default=None, metavar="DIR",
                   help="raw-response cache (default TRENDLIB_CACHE_DIR or .trendlib-cache)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fetch", help="pull Google Trends series (planned, cached, calibrated, stitched) into a tidy CSV",
        description="Fetch Google Trends through pytrends: plan the requests, serve what the cache holds, send "
                    "the rest politely (rate limit, backoff), calibrate batches through an anchor, stitch daily "
                    "windows, average samples, and write a tidy CSV with <stem>.provenance.json and "
                    "<stem>.samples.csv. Rerunning an interrupted fetch resumes it. The Trends URL comes from "
                    "TRENDLIB_TRENDS_URL (e.g. a fake server: python -m trendlib.testing.fakegoogle).")
    _common(p)
    p.add_argument("--out", metavar="FILE", help="the tidy CSV to write (required without --study)")
    p.add_argument("--backoff", type=seconds, default=None, metavar="SECONDS",
                   help="first wait after a 429/5xx, doubled each retry (default TRENDLIB_BACKOFF_SECONDS or 20)")
    p.add_argument("--max-wait", type=seconds, default=None, metavar="SECONDS",
                   help="the most time this command may spend waiting on Google in all (backoff, Retry-After, "
                        "failed tries; default TRENDLIB_MAX_WAIT or 300); past it the fetch stops, saying what "
                        "is cached and what remains")
    p.add_argument("--timeout", type=seconds, default=None, metavar="SECONDS",
                   help="seconds to wait for Google's answer to one request before retrying it "
                        "(default TRENDLIB_TIMEOUT or 60)")
    p.add_argument("--offline", action="store_true", default=None,
                   help="serve only from the cache; fail naming every missing request (or TRENDLIB_OFFLINE=1)")
    p.add_argument("--force", action="store_true",
                   help="overwrite an output file that trendlib fetch did not write (e.g. a bundled web "
                        "export, or another data file named by mistake)")
    p.add_argument("--regions-out", metavar="FILE",
                   help="also write interest by region (terms 1-5, whole span) to this tidy CSV")
    p.add_argument("--region-resolution", default=None, choices=list(REGION_RESOLUTIONS),
                   help="region level for --regions-out (default: COUNTRY worldwide, REGION in a country)")
    p.add_argument("--related-out", metavar="FILE",
                   help="also write the top and rising related queries of each term to this tidy CSV")
    p.set_defaults(handler=run_fetch)

    q = sub.add_parser(
        "plan", help="show the requests a fetch would send (sends nothing)",
        description="Validate the inputs and print the fetch plan: batches, windows, expected resolution of each "
                    "request, request count and the time it takes at the configured rate. Sends nothing.")
    _common(q)
    q.add_argument("--probe", action="store_true",
                   help="send the probe pull (1 + batches coarse requests) when the cache lacks it, to show the "
                        "ladder with probe levels, re-pulls and expected errors (otherwise only cached probes "
                        "are used and nothing is sent)")
    q.set_defaults(handler=run_plan)


def _inputs(args: argparse.Namespace) -> dict[str, Any]:
    from trendlib.trends.errors import BadRequest
    if args.study:
        if args.terms:
            raise BadRequest(f"give either --study or terms, not both (terms: {args.terms})")
        from trendlib.study import load_study
        study = load_study(args.study, require_trends=False)
        return {"terms": study.terms, "geo": study.geo if args.geo is None else args.geo,
                "start": args.start or study.start.isoformat(), "end": args.end or study.end.isoformat(),
                "category": study.category if args.category is None else args.category,
                "gprop": study.gprop if args.gprop is None else args.gprop, "study": study}
    missing = [name for name, v in (("TERM", args.terms), ("--geo", args.geo is not None), ("--start", args.start),
                                    ("--end", args.end)) if not v]
    if missing:
        raise BadRequest(f"missing {', '.join(missing)}; give terms with --geo, --start and --end, or --study FILE")
    return {"terms": list(args.terms), "geo": args.geo, "start": args.start, "end": args.end,
            "category": args.category or 0, "gprop": args.gprop or "", "study": None}


def run_plan(args: argparse.Namespace) -> int:
    from trendlib.trends.client import resolve_min_interval
    from trendlib.trends.plan import DEFAULT_OVERLAP_DAYS, make_plan

    inp = _inputs(args)
    kw = dict(geo=inp["geo"], start=inp["start"], end=inp["end"], resolution=args.resolution,
              category=inp["category"], gprop=inp["gprop"], samples=args.samples,
              overlap_days=args.overlap_days if args.overlap_days is not None else DEFAULT_OVERLAP_DAYS)
    plan = make_plan(inp["terms"], anchor=args.anchor, batching=args.batching, **kw)
    probe_note = ""
    if len(plan.batches) > 1 and args.anchor is None:
        plan, probe_note = _plan_with_probe(plan, inp["terms"], args, kw)
    interval = resolve_min_interval(args.min_interval)
    print(plan.summary(min_interval=interval))
    if probe_note:
        print(f"note         : {probe_note}")
    print("\nrequests:")
    table = plan.to_frame()[["request", "purpose", "batch", "window", "timeframe", "resolution", "terms"]]
    print(table.to_string(index=False))
    sent = "the probe was sent (and cached)" if "sent" in probe_note else "nothing was sent"
    print(f"\n{sent}; `trendlib fetch` with the same options runs this plan "
          "(cached requests are not sent again)")
    return 0


def _plan_with_probe(plan: Any, terms: list[str], args: argparse.Namespace, kw: dict[str, Any]) -> tuple[Any, str]:
    """The plan from the probe pull when it is cached (or ``--probe`` sends it); else the plan and a note."""
    from trendlib.trends.cache import TrendsCache
    from trendlib.trends.errors import OfflineMiss
    from trendlib.trends.fetch import plan_from_probe, probe_levels

    n_probe = 1 + len(plan.batches)
    opts = dict(client=None, base_url=None, min_interval=args.min_interval, backoff=None, fetch_day=None)
    try:
        probe = probe_levels(plan, cache=TrendsCache(args.cache_dir, offline=True), **opts)
        note = "batches from the cached probe pull"
    except OfflineMiss:
        if not args.probe:
            what = ("orders the terms by level into the ladder" if args.batching == "magnitude"
                    else "picks the anchor rounding hurts least")
            return plan, (f"at fetch time a probe pull ({n_probe} coarse whole-span request(s)) {what}; "
                          "`trendlib plan --probe` sends it now to show the batches it gives")
        probe = probe_levels(plan, cache=TrendsCache(args.cache_dir), **opts)
        note = f"the probe pull was sent ({n_probe} coarse request(s), cached for the fetch)"
    return plan_from_probe(plan, probe, terms, args.batching, kw), note


def _strip_marker(path: Path) -> Path:
    return path.with_name(_MARKER.sub("", path.name))


def _rewrite_trends_line(study_file: Path, old_value_path: Path) -> str:
    """Point the study's ``trends:`` line at the marker-free file (comments kept); returns the new value."""
    from trendlib.datasets.studyfile import read_study_key, rewrite_study_key
    from trendlib.study import StudyError
    value = read_study_key(study_file, "trends")
    if value is None:
        raise StudyError(f"{study_file}: expected exactly one top-level 'trends:' line to rewrite")
    new_value = str(Path(value).with_name(_MARKER.sub("", Path(value).name)))
    rewrite_study_key(study_file, "trends", new_value)
    return new_value


def run_fetch(args: argparse.Namespace) -> int:
    from trendlib.trends.errors import BadRequest
    from trendlib.trends.fetch import fetch_trends

    inp = _inputs(args)
    study = inp.pop("study")
    rewrite = False
    if study is not None:
        target = Path(study.trends)
        if args.out:
            target = Path(args.out)
        elif _MARKER.search(target.name):
            target = _strip_marker(target)
            rewrite = True
    else:
        if not args.out:
            raise BadRequest("--out FILE is required (the tidy CSV to write), or use --study")
        target = Path(args.out)
    if target.exists() and not args.force:
        from trendlib.provenance import read_provenance
        source = read_provenance(target)["source"]
        if not (source == "google-trends-api" or source.startswith("non-google-server")):
            raise BadRequest(f"refusing to overwrite {str(target)!r}: it was not written by trendlib fetch (source: "
                             f"{source!r}); write the pull elsewhere with --out FILE, or pass --force")
    if args.regions_out and len(inp["terms"]) > MAX_TERMS:
        raise BadRequest(f"--regions-out compares at most {MAX_TERMS} terms in one request; {len(inp['terms'])} given "
                         "(run it separately with up to {MAX_TERMS} terms)")
    if target.suffix.lower() != ".csv":
        raise BadRequest(f"output {str(target)!r} must be a .csv file")
    from trendlib.trends.client import TrendsClient
    # one client (one rate limiter, one timeout) for the series, regions and related queries; sends nothing yet
    client = TrendsClient(min_interval=args.min_interval, backoff=args.backoff, timeout=args.timeout,
                          max_wait=args.max_wait)
    common = dict(client=client, min_interval=args.min_interval, backoff=args.backoff, cache_dir=args.cache_dir,
                  offline=args.offline)
    result = fetch_trends(inp["terms"], geo=inp["geo"], start=inp["start"], end=inp["end"],
                          resolution=args.resolution, category=inp["category"], gprop=inp["gprop"],
                          anchor=args.anchor, samples=args.samples, overlap_days=args.overlap_days, out=target,
                          batching=args.batching, **common)
    print(result.summary())
    if result.provenance.get("illustrative"):
        print(f"WARNING: {result.provenance.get('source')} is not Google Trends; the file is marked illustrative "
              "in its provenance and must not be published as real data", file=sys.stderr)
    if rewrite and study is not None and study.source_file is not None:
        new_value = _rewrite_trends_line(Path(study.source_file), Path(study.trends))
        print(f"study {study.source_file}: 'trends:' now points at {new_value} (was the illustrative "
              f"{Path(study.trends).name}); the report will show this pull")
    span = dict(geo=inp["geo"], start=inp["start"], end=inp["end"], category=inp["category"], gprop=inp["gprop"])
    if args.regions_out:
        from trendlib.trends.regions import fetch_regions
        reg = fetch_regions(inp["terms"], resolution=args.region_resolution, out=args.regions_out, **span, **common)
        print(reg.summary())
    if args.related_out:
        from trendlib.trends.regions import fetch_related
        rel = fetch_related(inp["terms"], out=args.related_out, **span, **common)
        print(rel.summary())
    if study is not None and not args.out and getattr(study, "pageviews", None) is not None:
        # the study's second signal: its Wikipedia pageviews file is filled too (Wikimedia's own client)
        from trendlib.wikimedia.client import WikimediaClient
        from trendlib.wikimedia.commands import fetch_study_pageviews
        fetch_study_pageviews(study, force=args.force, cache_dir=args.cache_dir, offline=args.offline,
                              client=WikimediaClient(timeout=args.timeout, max_wait=args.max_wait))
    return 0
