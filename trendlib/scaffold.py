"""``trendlib init DIR``: start a study project in an empty folder.

Writes ``DIR/study.yaml`` (valid as written, commented, with every optional key a user may add
next shown commented out, from :data:`trendlib.study.STUDY_KEYS`) and an empty ``DIR/data/``, and
prints the next two commands. Every value is checked by the study contract itself before anything
is written, so what ``init`` accepts ``trendlib report`` accepts too.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from trendlib.study import MAX_LEGIBLE_QUERIES, STUDY_KEYS, Study, StudyError

__all__ = ["init_study", "register"]

#: the trends file a new study points at (filled by ``trendlib import --study`` or ``trendlib fetch --study``)
TRENDS_FILE = "data/trends.csv"


def init_study(folder: str | Path, *, title: str, geo: str, start: str, end: str, event_date: str,
               queries: list[str], event_label: str = "", force: bool = False) -> Path:
    """Create ``folder/study.yaml`` and ``folder/data/``; return the study file's path.

    Raises :class:`~trendlib.study.StudyError` naming the bad value (nothing written) for: a folder that
    exists and is not empty (unless ``force``), any value the study contract refuses (geo code, dates, end
    before start, event outside the span, repeated terms), and more than
    :data:`~trendlib.study.MAX_LEGIBLE_QUERIES` queries (one chart panel each).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise StudyError(f"{str(folder)!r} exists and is not a folder; name a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise StudyError(f"folder {str(folder)!r} is not empty; name a new or empty folder, or pass --force to "
                         "write study.yaml and data/ into it (an existing study.yaml is replaced)")
    if not queries:
        raise StudyError("name at least one search term with --query TERM")
    if len(queries) > MAX_LEGIBLE_QUERIES:
        raise StudyError(f"{len(queries)} queries given; at most {MAX_LEGIBLE_QUERIES} can be shown legibly "
                         "(one chart panel each). Split them into several studies")
    raw = {"title": title, "geo": geo, "start": start, "end": end, "event_date": event_date,
           "queries": [{"term": q, "label": q} for q in queries], "trends": TRENDS_FILE}
    if event_label:
        raw["event_label"] = event_label
    name = folder.resolve().name if _usable_name(folder.resolve().name) else "study"
    study = Study.from_mapping(raw, name=name, base_dir=folder, source="trendlib init", check_files=False)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    path = folder / "study.yaml"
    path.write_text(study_yaml(study), encoding="utf-8")
    return path


def _usable_name(name: str) -> bool:
    import re
    return bool(re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", name))


def study_yaml(study: Study) -> str:
    """The text of a commented study file for ``study``: its keys set, every other key shown commented out."""
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731 - a JSON string is a YAML string
    lines = ["# A trendlib study, started with 'trendlib init'.",
             "# Keys and what they mean: 'trendlib init --help', or the study file reference in the docs.",
             "# Paths are relative to this file's folder. Render with: trendlib report study.yaml", "",
             f"title: {q(study.title)}", f"geo: {q(study.geo)}                      # {STUDY_KEYS['geo'].doc}",
             f"start: {study.start}             # {STUDY_KEYS['start'].doc}",
             f"end: {study.end}               # {STUDY_KEYS['end'].doc}",
             f"event_date: {study.event_date}        # {STUDY_KEYS['event_date'].doc}"]
    if study.event_label:
        lines.append(f"event_label: {q(study.event_label)}")
    lines.append("queries:                        # the terms exactly as Google gets them; labels are for charts")
    lines += [f"  - {{term: {q(x.term)}, label: {q(x.label)}}}" for x in study.queries]
    lines += [f"trends: {TRENDS_FILE}            # filled by 'trendlib import EXPORT... --study' or "
              "'trendlib fetch --study'", "", "# Keys you may add next (remove the '# ' to use one):"]
    shown = {"title", "geo", "start", "end", "event_date", "queries", "trends"} | ({"event_label"} if study.event_label else set())
    for key in STUDY_KEYS.values():
        if key.name not in shown:
            lines.append(f"# {key.name}: {key.example}".ljust(44) + f"  # {key.doc}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- CLI
def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init", help="start a study project: DIR/study.yaml and DIR/data/",
        description="Write a valid, commented DIR/study.yaml for the given period, event and search terms, "
                    "and an empty DIR/data/ for its data; then fill the data with 'trendlib import' (website "
                    "exports) or 'trendlib fetch --study' (Google), and render with 'trendlib report'.")
    p.add_argument("folder", metavar="DIR", help="the study's folder (new, or empty)")
    p.add_argument("--title", required=True, metavar="TEXT", help="the report's title")
    p.add_argument("--geo", required=True, metavar="CODE", help="Google Trends geo code: RU, KZ, US-CA; '' = worldwide")
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="first day analysed (inclusive)")
    p.add_argument("--end", required=True, metavar="YYYY-MM-DD", help="last day analysed (inclusive)")
    p.add_argument("--event-date", required=True, metavar="YYYY-MM-DD", help="the announcement studied")
    p.add_argument("--event-label", default="", metavar="TEXT",
                   help="a short name for the event (default: 'study event')")
    p.add_argument("--query", action="append", required=True, metavar="TERM", dest="queries",
                   help=f"a search term, exactly as typed into Google; repeat for more (at most {MAX_LEGIBLE_QUERIES})")
    p.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = init_study(args.folder, title=args.title, geo=args.geo, start=args.start, end=args.end,
                      event_date=args.event_date, event_label=args.event_label, queries=args.queries,
                      force=args.force)
    print(f"wrote {path} and {path.parent / 'data'}/")
    print("next, fill the study with data (website exports, or Google if it can be reached):")
    print(f"  trendlib import multiTimeline.csv [more.csv ...] --study {path}")
    print(f"  (or: trendlib fetch --study {path})")
    print("then render the report:")
    print(f"  trendlib report {path}")
    return 0


def study_key_table() -> str:
    """The study file's keys as a Markdown table (README and docs), from :data:`trendlib.study.STUDY_KEYS`."""
    rows = ["| key | required | what it holds | example |", "|---|---|---|---|"]
    for key in STUDY_KEYS.values():
        doc = key.doc.replace("|", "\\|")
        example = key.example.replace("|", "\\|").replace("<", "&lt;")
        rows.append(f"| `{key.name}` | {'yes' if key.required else 'no'} | {doc} | <code>{example}</code> |")
    return "\n".join(rows) + "\n"
