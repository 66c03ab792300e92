"""``trendlib pageviews``: daily Wikipedia pageviews of articles into a tidy CSV with provenance.

    trendlib pageviews ARTICLE [ARTICLE ...] --project PROJECT --start YYYY-MM-DD --end YYYY-MM-DD
                       --out FILE.csv [--access all-access] [--agent user] [--user-agent TEXT]
                       [--max-wait SECONDS] [--min-interval SECONDS] [--backoff SECONDS]
                       [--timeout SECONDS] [--cache-dir DIR] [--offline] [--force]

Articles are typed as a person writes them (spaces, Cyrillic, slashes). The API base URL comes
from ``TRENDLIB_WIKIMEDIA_URL`` (e.g. the fake server: ``python -m trendlib.testing.fakewikimedia``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trendlib._argtypes import seconds


def register(sub: argparse._SubParsersAction) -> None:
    from trendlib.wikimedia.titles import ACCESS, AGENTS
    p = sub.add_parser(
        "pageviews", help="pull daily Wikipedia pageviews of articles (Wikimedia REST API) into a tidy CSV",
        description="Fetch daily views of Wikipedia articles from the Wikimedia REST API (per-article pageviews): "
                    "titles normalised as MediaWiki stores them, one cached request per article and calendar year, "
                    "polite rate and a descriptive User-Agent, 429/5xx retried; days the API omits are 0 views. "
                    "Writes a tidy CSV (date, query, value, source, project, access, agent, article) and "
                    "<stem>.provenance.json. Redirects are not followed: views are counted per title. The API URL "
                    "comes from TRENDLIB_WIKIMEDIA_URL (e.g. a fake server: python -m trendlib.testing.fakewikimedia).")
    p.add_argument("articles", nargs="+", metavar="ARTICLE", help="article titles as written on the wiki")
    p.add_argument("--project", required=True, help="Wikimedia project, e.g. ru.wikipedia or en.wikipedia")
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="first day (inclusive, UTC; 2015-07-01 or later)")
    p.add_argument("--end", required=True, metavar="YYYY-MM-DD", help="last day (inclusive, UTC)")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="the tidy CSV to write")
    p.add_argument("--access", default="all-access", choices=ACCESS, help="access method (default all-access)")
    p.add_argument("--agent", default="user", choices=AGENTS,
                   help="agent type (default user: people, not crawlers or automated traffic)")
    p.add_argument("--user-agent", default=None, metavar="TEXT",
                   help="User-Agent naming you and a contact, as Wikimedia asks (default TRENDLIB_USER_AGENT, else "
                        "one naming trendlib)")
    p.add_argument("--max-wait", type=seconds, default=None, metavar="SECONDS",
                   help="the most time this command may spend waiting on the server in all (default "
                        "TRENDLIB_MAX_WAIT or 300)")
    p.add_argument("--min-interval", type=seconds, default=None, metavar="SECONDS",
                   help="seconds between requests (default TRENDLIB_MIN_INTERVAL or 0.5)")
    p.add_argument("--backoff", type=seconds, default=None, metavar="SECONDS",
                   help="first wait after a 429/5xx, doubled each retry (default TRENDLIB_BACKOFF_SECONDS or 2)")
    p.add_argument("--timeout", type=seconds, default=None, metavar="SECONDS",
                   help="seconds to wait for one answer before retrying (default TRENDLIB_TIMEOUT or 60)")
    p.add_argument("--cache-dir", default=None, metavar="DIR",
                   help="raw-answer cache (default TRENDLIB_CACHE_DIR or .trendlib-cache)")
    p.add_argument("--offline", action="store_true", default=None,
                   help="serve only from the cache; fail naming every missing request (or TRENDLIB_OFFLINE=1)")
    p.add_argument("--force", action="store_true", help="overwrite an output file trendlib pageviews did not write")
    p.set_defaults(handler=run_pageviews)


def check_target(target: Path, *, force: bool) -> None:
    """Refuse an output that is not a .csv, or an existing file trendlib pageviews did not write (unless ``force``)."""
    from trendlib.wikimedia.errors import BadRequest
    if target.suffix.lower() != ".csv":
        raise BadRequest(f"output {str(target)!r} must be a .csv file")
    if target.exists() and not force:
        from trendlib.provenance import read_provenance
        source = read_provenance(target)["source"]
        if not (source == "wikimedia-pageviews-api" or source.startswith("non-wikimedia-server")):
            raise BadRequest(f"refusing to overwrite {str(target)!r}: it was not written by trendlib pageviews "
                             f"(source: {source!r}); write elsewhere with --out FILE, or pass --force")


def run_pageviews(args: argparse.Namespace) -> int:
    from trendlib.wikimedia.client import WikimediaClient
    from trendlib.wikimedia.fetch import fetch_pageviews

    target = Path(args.out)
    check_target(target, force=args.force)
    client = WikimediaClient(user_agent=args.user_agent, min_interval=args.min_interval, backoff=args.backoff,
                             timeout=args.timeout, max_wait=args.max_wait)
    result = fetch_pageviews(args.articles, project=args.project, start=args.start, end=args.end, access=args.access,
                             agent=args.agent, out=target, client=client, cache_dir=args.cache_dir,
                             offline=args.offline)
    print(result.summary())
    if result.provenance.get("illustrative"):
        print(f"WARNING: {result.provenance.get('source')} is not Wikimedia; the file is marked illustrative in its "
              "provenance and must not be published as real data", file=sys.stderr)
    return 0


def _strip_marker(path: Path) -> Path:
    import re
    return path.with_name(re.sub(r"[_.-]illustrative", "", path.name, flags=re.IGNORECASE))


def _study_project(study) -> str:
    """The study's Wikimedia project: its ``pageviews_project`` key, else the project column of its file."""
    project = getattr(study, "pageviews_project", "") or ""
    if project:
        return project
    from trendlib.datasets import load_pageviews
    projects = sorted(set(load_pageviews(study.pageviews)["project"]))
    if len(projects) != 1:
        from trendlib.wikimedia.errors import BadRequest
        raise BadRequest(f"study {study.name!r}: its pageviews file holds projects {projects}; set "
                         "'pageviews_project:' in the study to say which to fetch")
    return projects[0]


def fetch_study_pageviews(study, *, force: bool = False, client=None, cache_dir=None, offline=None) -> int:
    """``trendlib fetch --study``'s pageviews part: fill the study's ``pageviews:`` file with a real pull.

    The articles are the study's ``articles:`` over its ``start``..``end``. When the file's name carries an
    "illustrative" marker, the pull is written beside it without the marker and the study's ``pageviews:``
    line is pointed at it (comments kept), as for the trends file. Returns 0.
    """
    from trendlib.wikimedia.fetch import fetch_pageviews

    current = Path(study.pageviews)
    target, rewrite = current, False
    if "illustrative" in current.name.lower():
        target, rewrite = _strip_marker(current), True
    check_target(target, force=force)
    articles = [a.article for a in study.articles]
    result = fetch_pageviews(articles, project=_study_project(study), start=study.start, end=study.end,
                             out=target, client=client, cache_dir=cache_dir, offline=offline)
    print(result.summary())
    if result.provenance.get("illustrative"):
        print(f"WARNING: {result.provenance.get('source')} is not Wikimedia; the file is marked illustrative in its "
              "provenance and must not be published as real data", file=sys.stderr)
    if rewrite and study.source_file is not None:
        from trendlib.datasets.studyfile import read_study_key, rewrite_study_key
        old = read_study_key(study.source_file, "pageviews") or str(current)
        value = str(_strip_marker(Path(old)))  # the same path as written, without the marker
        rewrite_study_key(study.source_file, "pageviews", value)
        print(f"study {study.source_file}: 'pageviews:' now points at {value} (was the illustrative "
              f"{current.name}); the report will show this pull")
    return 0
