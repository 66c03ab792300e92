"""The study file: one YAML per study, validated into a frozen :class:`Study`.

A study says what to analyse (queries, geo, dates) and where its data live. The
key names below are a contract shared with other tools; more optional keys may
be added, none renamed::

    title: "Searches and border crossings after Russia's partial mobilization"
    geo: RU                       # Google Trends geo code ('' = worldwide)
    start: 2022-08-01             # inclusive ISO dates, never relative to today
    end: 2022-10-31
    event_date: 2022-09-21        # the primary announcement studied
    queries:                      # terms exactly as queried, with a label for charts
      - {term: "как уехать из России", label: "how to leave Russia"}
    trends: ../data/trends/....csv     # tidy series file (date, query, geo, value, ...)
    events: ../data/events/....csv     # dated events drawn on every chart
    crossings: ../data/crossings/....csv   # optional: border-crossing volumes

Relative paths are resolved against the folder holding the study file; absolute
paths are accepted. Either way a data file must lie inside the study's project folder
(:func:`project_root`): a study file cannot make trendlib read files elsewhere. Loading never touches the network and never runs a notebook.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trendlib.errors import TrendlibError
from trendlib.trends.rules import GPROPS, is_geo_code

__all__ = ["Query", "Study", "StudyError", "load_study", "project_root", "STUDY_KEYS"]


class StudyError(TrendlibError, ValueError):
    """A study file or a notebook parameter is invalid; the message names the key and the value."""


#: key -> (required, one-line description). The order is the order of the docs.
STUDY_KEYS: dict[str, tuple[bool, str]] = {
    "title": (True, "the report's title (plain text)"),
    "description": (False, "a paragraph shown under the title"),
    "geo": (True, "Google Trends geo code: '' for worldwide, 'RU', 'US-CA', ..."),
    "start": (True, "first day analysed, ISO date YYYY-MM-DD (inclusive)"),
    "end": (True, "last day analysed, ISO date YYYY-MM-DD (inclusive)"),
    "event_date": (True, "the primary announcement studied, ISO date inside start..end"),
    "queries": (True, "list of {term, label}: terms exactly as queried, labels for charts"),
    "trends": (True, "tidy Google Trends series file (CSV: date, query, geo, value, ...)"),
    "events": (True, "dated events file (CSV: date, event, ...) drawn on every chart"),
    "crossings": (False, "border-crossing volumes file (CSV), optional"),
    "facts": (False, "published search facts file (CSV), optional, drawn as annotations"),
    "category": (False, "Google Trends category id (integer, 0 = all categories)"),
    "gprop": (False, "Google property: '' (web search), 'images', 'news', 'youtube', 'froogle'"),
}

_PATH_KEYS = ("trends", "events", "crossings", "facts")
_OPTIONAL_PATH_KEYS = ("crossings", "facts")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_MAX_LABEL = 200


@dataclasses.dataclass(frozen=True)
class Query:
    """One search term exactly as sent to Google, and the label charts show for it."""

    term: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"term": self.term, "label": self.label}


@dataclasses.dataclass(frozen=True)
class Study:
    """A validated study. Build it with :func:`load_study` or :meth:`Study.from_parameters`.

    Dates are :class:`datetime.date` (inclusive); paths are absolute.
    ``name`` is the study file's stem and names the output folder ``outputs/<name>/``.
    """

    name: str
    title: str
    geo: str
    start: dt.date
    end: dt.date
    event_date: dt.date
    queries: tuple[Query, ...]
    trends: Path
    events: Path
    crossings: Path | None = None
    facts: Path | None = None
    description: str = ""
    category: int = 0
    gprop: str = ""
    source_file: Path | None = None

    # ------------------------------------------------------------------ views
    @property
    def terms(self) -> list[str]:
        return [q.term for q in self.queries]

    @property
    def labels(self) -> dict[str, str]:
        """term -> chart label."""
        return {q.term: q.label for q in self.queries}

    def data_files(self) -> dict[str, Path]:
        """role -> path of every data file the study reads (optional ones only when set)."""
        files = {"trends": self.trends, "events": self.events}
        if self.crossings is not None:
            files["crossings"] = self.crossings
        if self.facts is not None:
            files["facts"] = self.facts
        return files

    def to_parameters(self) -> dict[str, Any]:
        """The notebook parameters for this study: plain literals papermill can inject."""
        return {
            "study_name": self.name,
            "title": self.title,
            "geo": self.geo,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "event_date": self.event_date.isoformat(),
            "queries": [q.as_dict() for q in self.queries],
            "trends": str(self.trends),
            "events": str(self.events),
            "crossings": "" if self.crossings is None else str(self.crossings),
            "facts": "" if self.facts is None else str(self.facts),
        }

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready description of the study (for results.json)."""
        rec = self.to_parameters()
        rec.update(description=self.description, category=self.category, gprop=self.gprop,
                   source_file=None if self.source_file is None else str(self.source_file))
        return rec

    # ----------------------------------------------------------- constructors
    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, name: str, base_dir: Path,
                     source: str = "study", check_files: bool = True,
                     require_trends: bool = True, source_file: Path | None = None,
                     root: Path | None = None) -> "Study":
        """Validate a mapping (a parsed study file) into a Study.

        ``source`` names where the mapping came from, for error messages.
        ``check_files`` requires every named data file to exist;
        ``require_trends=False`` exempts the trends file (``trendlib fetch`` creates it).
        ``root``: when given, every data path (symlinks resolved) must lie inside it, so a study
        file someone sends cannot make trendlib read files elsewhere on the machine
        (:func:`project_root` gives the folder :func:`load_study` uses).
        """
        if not isinstance(raw, Mapping):
            raise StudyError(f"{source}: expected a mapping of keys (title, geo, start, ...), "
                             f"got {type(raw).__name__}")
        unknown = sorted(str(k) for k in raw if k not in STUDY_KEYS)
        if unknown:
            raise StudyError(f"{source}: unknown key(s) {', '.join(map(repr, unknown))}; "
                             f"accepted keys: {', '.join(STUDY_KEYS)}")
        missing = [k for k, (req, _) in STUDY_KEYS.items() if req and k not in raw]
        if missing:
            raise StudyError(f"{source}: missing required key(s) {', '.join(map(repr, missing))}")
        if not _NAME_RE.match(name):
            raise StudyError(f"{source}: study name {name!r} is not usable as a folder name; use "
                             "letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit")

        title = _text(raw["title"], "title", source, required=True)
        description = _text(raw.get("description", ""), "description", source, limit=5000)
        geo = raw["geo"]
        if geo is None:
            geo = ""
        if not is_geo_code(geo):
            raise StudyError(f"{source}: key 'geo' = {_show(geo)} is not a Google Trends geo code; "
                             "expected '' (worldwide), a two-letter country code such as 'RU', "
                             "or a region such as 'US-CA'")
        start = _date(raw["start"], "start", source)
        end = _date(raw["end"], "end", source)
        if end < start:
            raise StudyError(f"{source}: end {end} is before start {start}; "
                             "'end' must be on or after 'start'")
        event_date = _date(raw["event_date"], "event_date", source)
        if not start <= event_date <= end:
            raise StudyError(f"{source}: event_date {event_date} is outside start..end "
                             f"({start}..{end}); choose a date inside the study period")
        queries = _queries(raw["queries"], source)
        category = raw.get("category", 0)
        if isinstance(category, bool) or not isinstance(category, int) or category < 0:
            raise StudyError(f"{source}: key 'category' = {_show(category)}; expected a whole number >= 0 "
                             "(0 = all categories)")
        gprop = raw.get("gprop", "") or ""
        if gprop not in GPROPS:
            raise StudyError(f"{source}: key 'gprop' = {_show(gprop)}; accepted: "
                             + ", ".join(repr(g) for g in GPROPS))

        paths: dict[str, Path | None] = {}
        for key in _PATH_KEYS:
            value = raw.get(key)
            if value in (None, "") and key in _OPTIONAL_PATH_KEYS:
                paths[key] = None
                continue
            if not isinstance(value, (str, Path)) or str(value).strip() == "":
                raise StudyError(f"{source}: key {key!r} = {_show(value)}; expected a file path "
                                 "(relative to the study file's folder, or absolute)")
            path = Path(value).expanduser()
            if not path.is_absolute():
                path = base_dir / path
            path = Path(_normalise(path))
            if root is not None and not path.resolve().is_relative_to(Path(root).resolve()):
                raise StudyError(f"{source}: key {key!r} = {_show(value)} points outside the project folder "
                                 f"{str(root)!r} (to {str(path.resolve())!r}); data files must lie inside it")
            must_exist = check_files and (require_trends or key != "trends")
            if must_exist and not path.is_file():
                raise StudyError(f"{source}: key {key!r} names {_show(value)}, but no file exists at {path}")
            paths[key] = path

        return cls(name=name, title=title, geo=geo, start=start, end=end, event_date=event_date,
                   queries=queries, trends=paths["trends"], events=paths["events"],
                   crossings=paths["crossings"], facts=paths["facts"], description=description,
                   category=category, gprop=gprop, source_file=source_file)

    @classmethod
    def from_parameters(cls, *, study_name: str, title: str, geo: str, start: str, end: str,
                        event_date: str, queries: list, trends: str, events: str,
                        crossings: str = "", facts: str = "") -> "Study":
        """Validate notebook parameters (as injected by papermill) into a Study.

        Each parameter must have the type its notebook declares; a wrong type is
        an error naming the parameter, not a silent conversion.
        """
        declared = {"study_name": str, "title": str, "geo": str, "start": str, "end": str,
                    "event_date": str, "queries": list, "trends": str, "events": str,
                    "crossings": str, "facts": str}
        given = dict(study_name=study_name, title=title, geo=geo, start=start, end=end,
                     event_date=event_date, queries=queries, trends=trends, events=events,
                     crossings=crossings, facts=facts)
        for key, typ in declared.items():
            if not isinstance(given[key], typ):
                raise StudyError(f"notebook parameter {key!r} = {_show(given[key])} has type "
                                 f"{type(given[key]).__name__}; expected {typ.__name__}")
        raw = {k: v for k, v in given.items() if k != "study_name"}
        return cls.from_mapping(raw, name=study_name, base_dir=Path.cwd(),
                                source="notebook parameters")


def load_study(path: str | Path, *, check_files: bool = True, require_trends: bool = True) -> Study:
    """Read and validate a study YAML file (safe loading; no code runs).

    Raises :class:`StudyError` naming the file and the bad key or value.
    """
    import yaml  # deferred: keeps `import trendlib` light

    path = Path(path)
    if not path.is_file():
        raise StudyError(f"study file {str(path)!r} does not exist")
    if path.suffix not in (".yaml", ".yml"):
        raise StudyError(f"study file {str(path)!r}: expected a .yaml or .yml file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StudyError(f"study file {str(path)!r} is not UTF-8 text ({exc.reason} at byte "
                         f"{exc.start}); save it as UTF-8") from None
    try:
        raw = yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise StudyError(f"study file {str(path)!r} is not valid YAML: {exc}") from None
    if raw is None:
        raise StudyError(f"study file {str(path)!r} is empty")
    check_size(raw, f"study file {str(path)!r}")
    return Study.from_mapping(raw, name=path.stem, base_dir=path.resolve().parent,
                              source=f"study file {str(path)!r}", check_files=check_files,
                              require_trends=require_trends, source_file=path.resolve(),
                              root=project_root(path))


_ROOT_MARKERS = ("pyproject.toml", ".git")


def project_root(study_file: str | Path) -> Path:
    """The folder a study file's data paths must stay inside.

    The nearest folder above the study file holding ``pyproject.toml`` or ``.git`` (a checkout);
    else, for a study in a folder named ``studies``, that folder's parent (the usual
    ``studies/`` + ``data/`` layout); else the study file's own folder.
    """
    folder = Path(study_file).resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / m).exists() for m in _ROOT_MARKERS):
            return candidate
    return folder.parent if folder.name == "studies" else folder


# ---------------------------------------------------------------- helpers
def _loader():
    """yaml.SafeLoader that leaves dates as text, so a bad date gets trendlib's message naming the key."""
    import yaml

    class _StudyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            # PyYAML keeps the last of two equal keys silently; a hand-edited study must say which it means
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key; the base class reports it
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} appears twice (first on line {first.start_mark.line + 1}); "
                        "keep one", key_node.start_mark)
                seen[key] = key_node
            return super().construct_mapping(node, deep=deep)

    _StudyLoader.yaml_implicit_resolvers = {
        ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _StudyLoader


#: the most values a study or sweep file may hold once YAML aliases (*name) are expanded
MAX_VALUES = 100_000


def check_size(raw: Any, source: str, *, limit: int = MAX_VALUES) -> None:
    """Refuse a parsed YAML document holding more than ``limit`` values once aliases are expanded.

    YAML aliases let a few hundred bytes stand for billions of values (the "billion laughs"
    file); anything that walks or prints such a document would hang. Counted in linear time
    over the distinct nodes.
    """
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # a self-referencing node counts once
        if isinstance(node, Mapping):
            n = 1 + sum(size(k) + size(v) for k, v in node.items())
        elif isinstance(node, (list, tuple)):
            n = 1 + sum(size(v) for v in node)
        else:
            n = 1
        sizes[key] = n = min(n, limit + 1)
        return n

    try:
        total = size(raw)
    except RecursionError:
        raise StudyError(f"{source}: nested too deeply; a study file is a flat mapping of keys") from None
    if total > limit:
        raise StudyError(f"{source}: holds more than {limit} values once its YAML aliases (*name) are expanded; "
                         "a study file needs a few dozen")


def _show(value: Any) -> str:
    """A value for an error message: its repr, shortened (a received file may hold anything)."""
    import reprlib
    short = reprlib.Repr()
    short.maxstring = short.maxother = 80
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = 6
    short.maxlevel = 3
    return short.repr(value)


def _normalise(path: Path) -> str:
    import os
    return os.path.normpath(str(path))


def _text(value: Any, key: str, source: str, *, required: bool = False, limit: int = _MAX_LABEL * 2) -> str:
    if not isinstance(value, str):
        raise StudyError(f"{source}: key {key!r} = {_show(value)}; expected text")
    if required and not value.strip():
        raise StudyError(f"{source}: key {key!r} is empty; expected non-empty text")
    if len(value) > limit:
        raise StudyError(f"{source}: key {key!r} is {len(value)} characters long; at most {limit} accepted")
    return value.strip()


def _date(value: Any, key: str, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise StudyError(f"{source}: key {key!r} = {_show(value)} has a time; expected a date YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise StudyError(f"{source}: key {key!r} = {_show(value)} is not a calendar date; expected an ISO "
                     "date YYYY-MM-DD such as 2022-09-21 (dates relative to today are not accepted)")


def _queries(value: Any, source: str) -> tuple[Query, ...]:
    if not isinstance(value, list) or not value:
        raise StudyError(f"{source}: key 'queries' = {_show(value)}; expected a non-empty list of "
                         "{term: ..., label: ...} entries")
    out: list[Query] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        where = f"{source}: queries[{i}]"
        if isinstance(item, str):
            item = {"term": item}
        if not isinstance(item, Mapping):
            raise StudyError(f"{where} = {_show(item)}; expected {{term: ..., label: ...}}")
        extra = sorted(set(item) - {"term", "label"})
        if extra:
            raise StudyError(f"{where}: unknown key(s) {', '.join(map(repr, extra))}; accepted: 'term', 'label'")
        term = item.get("term")
        if not isinstance(term, str) or not term.strip():
            raise StudyError(f"{where}: 'term' = {_show(term)}; expected the search term as non-empty text")
        term = " ".join(term.split())
        if len(term) > 100:
            raise StudyError(f"{where}: term is {len(term)} characters long; Google accepts at most 100")
        label = item.get("label", term)
        if not isinstance(label, str) or not label.strip():
            raise StudyError(f"{where}: 'label' = {_show(label)}; expected non-empty text")
        if len(label) > _MAX_LABEL:
            raise StudyError(f"{where}: label is {len(label)} characters long; at most {_MAX_LABEL} accepted")
        if term in seen:
            raise StudyError(f"{where}: term {_show(term)} is listed twice")
        seen.add(term)
        out.append(Query(term=term, label=label.strip()))
    return tuple(out)
