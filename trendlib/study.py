"""The study file: one YAML per study, validated into a frozen :class:`Study`.

A study says what to analyse (queries, geo, dates) and where its data live. The
:class:`Study` dataclass is the one source of the keys, their types, defaults and
meanings: every key is a field declared with :func:`_key`, and validation, the notebook
hand-over (``study.json``), ``results.json``, ``trendlib init`` and the documentation all
read that declaration (:data:`STUDY_KEYS`). Adding a key is one field here plus the
notebooks that use it. A minimal study::

    title: "Searches and border crossings after Russia's partial mobilization"
    geo: RU                       # Google Trends geo code ('' = worldwide)
    start: 2022-08-01             # inclusive ISO dates, never relative to today
    end: 2022-10-31
    event_date: 2022-09-21        # the primary announcement studied
    queries:                      # terms exactly as queried, with a label for charts
      - {term: "как уехать из России", label: "how to leave Russia"}
    trends: data/trends.csv       # tidy series file (date, query, geo, value, ...)

Data paths are absolute or relative to the folder holding the study file (never to the
working folder), and may point anywhere the user can read: a study kept outside a
repository may name that repository's files. What a report *writes* stays inside its
output folder. Loading never touches the network and never runs a notebook.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trendlib.errors import TrendlibError
from trendlib.trends.rules import GPROPS, geo_problem

__all__ = ["Article", "Query", "Study", "StudyError", "StudyKey", "load_study", "project_root", "safe_yaml_loader",
           "study_name", "STUDY_KEYS", "MAX_LEGIBLE_QUERIES"]


class StudyError(TrendlibError, ValueError):
    """A study file or a notebook parameter is invalid; the message names the key and the value."""


@dataclasses.dataclass(frozen=True)
class StudyKey:
    """One key of the study file: its name, kind of value, whether it is required, default and meaning."""

    name: str
    kind: str  # text | geo | date | queries | path | category | choice
    required: bool
    default: Any
    doc: str
    example: str = ""
    choices: tuple = ()
    limit: int = 0


def _key(kind: str, doc: str, *, required: bool = False, default: Any = None, example: str = "",
         choices: tuple = (), limit: int = 0) -> Any:
    """A dataclass field that is a study key (see :class:`StudyKey`)."""
    return dataclasses.field(default=default, metadata={"study_key": dict(
        kind=kind, doc=doc, required=required, default=default, example=example, choices=choices, limit=limit)})


_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_MAX_LABEL = 200
#: the most queries ``trendlib init`` accepts: beyond it the charts (one panel per query) stop being legible
MAX_LEGIBLE_QUERIES = 10
#: the label of the study's own event when the events file does not list it
STUDY_EVENT_LABEL = "study event"


@dataclasses.dataclass(frozen=True)
class Query:
    """One search term exactly as sent to Google, and the label charts show for it."""

    term: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"term": self.term, "label": self.label}


@dataclasses.dataclass(frozen=True)
class Article:
    """One Wikipedia article of the study's pageviews file (as in its ``query`` column) and its chart label."""

    article: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"article": self.article, "label": self.label}


@dataclasses.dataclass(frozen=True)
class Study:
    """A validated study. Build it with :func:`load_study` (a YAML file) or :meth:`Study.from_json_file`
    (the ``study.json`` the report runner hands each notebook).

    Dates are :class:`datetime.date` (inclusive); paths are absolute.
    ``name`` names the output folder ``outputs/<name>/``: the study file's stem, or, for a file
    called ``study.yaml`` (what ``trendlib init DIR`` writes), its folder's name (:func:`study_name`).
    Every other field but ``source_file`` is a study key (:data:`STUDY_KEYS`).
    """

    name: str
    title: str = _key("text", "the report's title (plain text)", required=True, default="",
                      example='"Searches after the announcement"', limit=_MAX_LABEL * 2)
    description: str = _key("text", "a paragraph shown under the title", default="", limit=5000,
                            example='"What this study asks and why."')
    geo: str = _key("geo", "Google Trends geo code: '' for worldwide, 'RU', 'US-CA', ...", required=True,
                    default="", example="RU")
    start: dt.date = _key("date", "first day analysed, ISO date YYYY-MM-DD (inclusive)", required=True,
                          example="2022-08-01")
    end: dt.date = _key("date", "last day analysed, ISO date YYYY-MM-DD (inclusive)", required=True,
                        example="2022-10-31")
    event_date: dt.date = _key("date", "the primary announcement studied, ISO date inside start..end",
                               required=True, example="2022-09-21")
    event_label: str = _key("text", "a short name for the event at event_date, used when the events file "
                            f"does not list that day (default: {STUDY_EVENT_LABEL!r})", default="",
                            limit=_MAX_LABEL, example='"partial mobilization announced"')
    queries: tuple[Query, ...] = _key("queries", "list of {term, label}: terms exactly as queried, labels "
                                      "for charts", required=True, default=(),
                                      example='[{term: "как уехать из России", label: "how to leave Russia"}]')
    trends: Path | None = _key("path", "tidy Google Trends series file (CSV: date, query, geo, value, ...)",
                               required=True, example="data/trends.csv")
    events: Path | None = _key("path", "dated events file (CSV: date, event, ...) drawn on every chart; "
                               "optional: without it the study's own event_date is the one event",
                               example="data/events.csv")
    crossings: Path | None = _key("path", "border-crossing volumes file (CSV), optional",
                                  example="data/crossings.csv")
    facts: Path | None = _key("path", "published search facts file (CSV), optional, drawn as annotations",
                              example="data/facts.csv")
    pageviews: Path | None = _key("path", "tidy Wikipedia pageviews file (CSV: date, query, value, source, project, "
                                  "...; what trendlib pageviews writes), optional: drawn beside search interest and "
                                  "event-studied like it", example="data/pageviews.csv")
    articles: tuple[Article, ...] = _key("articles", "list of {article, label}: the Wikipedia articles of the "
                                         "pageviews file (as in its query column), with chart labels; required with "
                                         "pageviews", default=(),
                                         example='[{article: "Верхний Ларс", label: "Upper Lars (checkpoint)"}]')
    pageviews_project: str = _key("text", "the Wikimedia project of the articles, e.g. ru.wikipedia (default: the "
                                  "project in the pageviews file); trendlib fetch --study fetches from it",
                                  default="", limit=100, example="ru.wikipedia")
    category: int = _key("category", "Google Trends category id (integer, 0 = all categories)", default=0,
                         example="0")
    gprop: str = _key("choice", "Google property: '' (web search), 'images', 'news', 'youtube', 'froogle'",
                      default="", choices=GPROPS, example="''")
    source_file: Path | None = None

    # ------------------------------------------------------------------ views
    @property
    def terms(self) -> list[str]:
        return [q.term for q in self.queries]

    @property
    def labels(self) -> dict[str, str]:
        """term -> chart label."""
        return {q.term: q.label for q in self.queries}

    @property
    def article_labels(self) -> dict[str, str]:
        """pageviews article -> chart label."""
        return {a.article: a.label for a in self.articles}

    @property
    def study_event_label(self) -> str:
        """What the study's own event is called when the events file does not name it."""
        return self.event_label or STUDY_EVENT_LABEL

    def data_files(self) -> dict[str, Path]:
        """role -> path of every data file the study reads (optional ones only when set)."""
        return {k.name: getattr(self, k.name) for k in STUDY_KEYS.values()
                if k.kind == "path" and getattr(self, k.name) is not None}

    def to_mapping(self, *, relative_to: str | Path | None = None, resolvable: bool = False) -> dict[str, Any]:
        """The study's keys as plain JSON values (dates ISO, paths as text).

        With ``relative_to``, each path is written for display relative to that folder where possible
        (:func:`display_path`: reports travel between machines; no absolute path of this machine is
        published); with ``resolvable=True`` as a path that still leads to the file from that folder
        (relative, or absolute on another drive). Unset optional keys are left out.
        """
        out: dict[str, Any] = {}
        for key in STUDY_KEYS.values():
            value = getattr(self, key.name)
            if value is None:
                continue
            if key.kind == "date":
                value = value.isoformat()
            elif key.kind in ("queries", "articles"):
                if key.kind == "articles" and not value:
                    continue
                value = [q.as_dict() for q in value]
            elif key.kind == "path":
                value = str(value) if relative_to is None else (
                    _relative(value, relative_to) if resolvable else display_path(value, relative_to))
            out[key.name] = value
        return out

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready description of the study for results.json: paths relative to the study file."""
        base = self.source_file.parent if self.source_file is not None else None
        rec = {"study_name": self.name, **self.to_mapping(relative_to=base)}
        rec["source_file"] = None if self.source_file is None else self.source_file.name
        return rec

    def write_json(self, path: str | Path) -> Path:
        """Write the validated study as ``study.json`` (paths relative to its folder where possible).

        The report runner writes one into each study's output folder and hands its name to every
        notebook (:func:`trendlib.report.notebook.open_study`), so the notebooks read the very study
        the runner validated.
        """
        from trendlib._io import atomic_write_text

        path = Path(path)
        folder = path.resolve().parent
        doc = {"name": self.name, "study": self.to_mapping(relative_to=folder, resolvable=True),
               "source_file": None if self.source_file is None else _relative(self.source_file, folder)}
        atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return path

    # ----------------------------------------------------------- constructors
    @classmethod
    def from_json_file(cls, path: str | Path) -> "Study":
        """Read a ``study.json`` written by :meth:`write_json` (validated again, files checked)."""
        path = Path(path)
        where = f"study file {str(path)!r}"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StudyError(f"{where} cannot be read as JSON: {exc}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("study"), dict) or "name" not in doc:
            raise StudyError(f"{where}: expected the JSON that 'trendlib report' writes "
                             "({\"name\": ..., \"study\": {...}})")
        folder = path.resolve().parent
        source = doc.get("source_file")
        return cls.from_mapping(doc["study"], name=str(doc["name"]), base_dir=folder, source=where,
                                source_file=None if not source else Path(os.path.normpath(folder / source)))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, name: str, base_dir: Path,
                     source: str = "study", check_files: bool = True,
                     require_trends: bool = True, source_file: Path | None = None) -> "Study":
        """Validate a mapping (a parsed study file) into a Study.

        ``source`` names where the mapping came from, for error messages; ``base_dir`` is the folder
        relative data paths are resolved against (the study file's folder).
        ``check_files`` requires every named data file to exist and not be empty;
        ``require_trends=False`` exempts the trends file (``trendlib fetch`` creates it).
        """
        if not isinstance(raw, Mapping):
            raise StudyError(f"{source}: expected a mapping of keys (title, geo, start, ...), "
                             f"got {type(raw).__name__}")
        unknown = sorted(str(k) for k in raw if k not in STUDY_KEYS)
        if unknown:
            raise StudyError(f"{source}: unknown key(s) {', '.join(map(repr, unknown))}; "
                             f"accepted keys: {', '.join(STUDY_KEYS)}")
        missing = [k.name for k in STUDY_KEYS.values() if k.required and k.name not in raw]
        if missing:
            raise StudyError(f"{source}: missing required key(s) {', '.join(map(repr, missing))}")
        if not _NAME_RE.match(name):
            raise StudyError(f"{source}: study name {name!r} is not usable as a folder name; use "
                             "letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit")
        ctx = _Context(source=source, base_dir=Path(base_dir), check_files=check_files,
                       require_trends=require_trends)
        values = {k.name: _VALIDATORS[k.kind](raw.get(k.name, k.default), k, ctx) for k in STUDY_KEYS.values()}
        _check_relations(values, source)
        return cls(name=name, source_file=source_file, **values)


def _study_keys() -> dict[str, StudyKey]:
    keys = {}
    for f in dataclasses.fields(Study):
        meta = f.metadata.get("study_key")
        if meta is not None:
            keys[f.name] = StudyKey(name=f.name, **meta)
    return keys


#: key name -> :class:`StudyKey`, in the order of the documentation; derived from :class:`Study`'s fields
STUDY_KEYS: dict[str, StudyKey] = _study_keys()


def display_path(path: str | Path, base: str | Path | None) -> str:
    """``path`` relative to the folder ``base`` where possible (POSIX separators), else as given.

    Used for everything a report publishes, so no absolute path of this machine appears in it.
    """
    if base is None:
        return str(path)
    path, base = Path(path).resolve(), Path(base).resolve()
    try:
        common = Path(os.path.commonpath([path, base]))
    except ValueError:  # another drive on Windows
        common = None
    # a relative path that climbs to the root (or the home or temporary folder) and down again would spell
    # out the machine's folders: name the file by its folder and name instead (its sha256 identifies it)
    import tempfile
    shallow = {Path(path.anchor), Path.home().resolve(), Path(tempfile.gettempdir()).resolve()}
    if common is None or common in shallow or len(common.parts) < 3:
        return f"…/{path.parent.name}/{path.name}"
    return Path(os.path.relpath(path, base)).as_posix()


def _relative(path: str | Path, base: str | Path) -> str:
    """``path`` relative to ``base`` (POSIX separators), absolute when no relative path exists (another drive)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), Path(base).resolve())).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def load_study(path: str | Path, *, check_files: bool = True, require_trends: bool = True) -> Study:
    """Read and validate a study YAML file (safe loading; no code runs).

    Raises :class:`StudyError` naming the file and the bad key or value.
    """
    raw = read_study_yaml(path)
    path = Path(path)
    return Study.from_mapping(raw, name=study_name(path), base_dir=path.resolve().parent,
                              source=f"study file {str(path)!r}", check_files=check_files,
                              require_trends=require_trends, source_file=path.resolve())


#: the file name ``trendlib init DIR`` writes; such a study is named after its folder
INIT_FILE_NAME = "study.yaml"


def study_name(path: str | Path) -> str:
    """The name of the study (or sweep template) in the file ``path``: it names ``outputs/<name>/``.

    The file's stem (``studies/kz-2022.yaml`` -> ``kz-2022``), except for a file called
    ``study.yaml``, which takes its folder's name (``kz-2022/study.yaml`` -> ``kz-2022``), so the
    projects ``trendlib init`` starts do not all render into ``outputs/study/``. A folder name
    that cannot name an output folder (spaces, a leading dot, ...) keeps ``study``.
    """
    path = Path(path)
    if path.name == INIT_FILE_NAME:
        folder = path.resolve().parent.name
        if _NAME_RE.match(folder):
            return folder
    return path.stem


def read_study_yaml(path: str | Path) -> dict[str, Any]:
    """The parsed mapping of a study (or sweep) YAML file: safe loading, dates left as text,
    duplicate keys and alias bombs refused."""
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
        raw = yaml.load(text, Loader=safe_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise StudyError(f"study file {str(path)!r} is not valid YAML: {exc}") from None
    if raw is None:
        raise StudyError(f"study file {str(path)!r} is empty")
    check_size(raw, f"study file {str(path)!r}")
    return raw


_ROOT_MARKERS = ("pyproject.toml", ".git")


def project_root(study_file: str | Path) -> Path:
    """The project folder of a study file (where ``outputs/`` goes by default).

    The nearest folder above the study file holding ``pyproject.toml`` or ``.git`` (a checkout);
    else, for a study in a folder named ``studies``, that folder's parent (the usual
    ``studies/`` + ``data/`` layout); else the study file's own folder.
    """
    folder = Path(study_file).resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / m).exists() for m in _ROOT_MARKERS):
            return candidate
    return folder.parent if folder.name == "studies" else folder


# ------------------------------------------------------------- validators
@dataclasses.dataclass(frozen=True)
class _Context:
    source: str
    base_dir: Path
    check_files: bool
    require_trends: bool


def _v_text(value: Any, key: StudyKey, ctx: _Context) -> str:
    return _text(value, key.name, ctx.source, required=key.required, limit=key.limit or _MAX_LABEL * 2)


def _v_geo(value: Any, key: StudyKey, ctx: _Context) -> str:
    value = "" if value is None else value
    problem = geo_problem(value)
    if problem is not None:
        raise StudyError(f"{ctx.source}: key 'geo' = {_show(value)} is not a Google Trends geo code ({problem})")
    return value


def _v_date(value: Any, key: StudyKey, ctx: _Context) -> dt.date:
    return _date(value, key.name, ctx.source)


def _v_queries(value: Any, key: StudyKey, ctx: _Context) -> tuple[Query, ...]:
    return _queries(value, ctx.source)


def _v_category(value: Any, key: StudyKey, ctx: _Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StudyError(f"{ctx.source}: key 'category' = {_show(value)}; expected a whole number >= 0 "
                         "(0 = all categories)")
    return value


def _v_choice(value: Any, key: StudyKey, ctx: _Context) -> str:
    value = value or ""
    if value not in key.choices:
        raise StudyError(f"{ctx.source}: key {key.name!r} = {_show(value)}; accepted: "
                         + ", ".join(repr(g) for g in key.choices))
    return value


def _v_path(value: Any, key: StudyKey, ctx: _Context) -> Path | None:
    if value in (None, "") and not key.required:
        return None
    if not isinstance(value, (str, Path)) or str(value).strip() == "":
        raise StudyError(f"{ctx.source}: key {key.name!r} = {_show(value)}; expected a file path "
                         "(relative to the study file's folder, or absolute)")
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = ctx.base_dir / path
    path = Path(os.path.normpath(path))
    if ctx.check_files and (ctx.require_trends or key.name != "trends"):
        if not path.is_file():
            where = "a folder" if path.is_dir() else "no file"
            raise StudyError(f"{ctx.source}: key {key.name!r} names {_show(str(value))}, but {where} exists "
                             f"there (looked relative to the study file's folder)")
        if path.stat().st_size == 0:
            raise StudyError(f"{ctx.source}: key {key.name!r} names {_show(str(value))}, which is empty "
                             "(0 bytes); the file may have been cut short while downloading or saving")
    return path


def _v_articles(value: Any, key: StudyKey, ctx: _Context) -> tuple[Article, ...]:
    if value in (None, (), []):
        return ()
    if not isinstance(value, list) or not value:
        raise StudyError(f"{ctx.source}: key 'articles' = {_show(value)}; expected a list of "
                         "{article, label} (the articles of the pageviews file)")
    out, seen = [], set()
    for i, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or set(item) - {"article", "label"} or "article" not in item:
            raise StudyError(f"{ctx.source}: articles item {i} = {_show(item)}; expected {{article: TITLE, "
                             "label: TEXT}}")
        article = _text(item.get("article"), f"articles[{i}].article", ctx.source, required=True,
                        limit=_MAX_LABEL)
        label = _text(item.get("label") or article, f"articles[{i}].label", ctx.source, required=True,
                      limit=_MAX_LABEL)
        if article in seen:
            raise StudyError(f"{ctx.source}: article {article!r} is listed twice under 'articles'")
        seen.add(article)
        out.append(Article(article=article, label=label))
    return tuple(out)


_VALIDATORS = {"articles": _v_articles, "text": _v_text, "geo": _v_geo, "date": _v_date, "queries": _v_queries,
               "category": _v_category, "choice": _v_choice, "path": _v_path}


def _check_relations(values: dict[str, Any], source: str) -> None:
    if values.get("pageviews") is not None and not values.get("articles"):
        raise StudyError(f"{source}: key 'pageviews' is set but 'articles' is not; list the file's articles as "
                         "[{article: TITLE, label: TEXT}]")
    if values.get("articles") and values.get("pageviews") is None:
        raise StudyError(f"{source}: key 'articles' is set but 'pageviews' (the pageviews file) is not")
    start, end, event_date = values["start"], values["end"], values["event_date"]
    if end < start:
        raise StudyError(f"{source}: end {end} is before start {start}; 'end' must be on or after 'start'")
    if not start <= event_date <= end:
        raise StudyError(f"{source}: event_date {event_date} is outside start..end "
                         f"({start}..{end}); choose a date inside the study period")


def safe_yaml_loader():
    """The YAML loader for every file trendlib reads from users (studies, sweeps, their templates).

    A :class:`yaml.SafeLoader` subclass, so a document can build only plain data (no Python objects:
    ``!!python/...`` tags are refused), that also

    * leaves dates as text (``2022-09-21`` stays ``"2022-09-21"``), so a bad date gets trendlib's own
      message naming the key instead of PyYAML's;
    * refuses a mapping that has the same key twice (PyYAML would silently keep the last), naming the
      key and the line of its first use.

    Use it as ``yaml.load(text, Loader=safe_yaml_loader())``.
    """
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


# ---------------------------------------------------------------- helpers


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
    seen: dict[str, str] = {}
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
            spaced = " (once its surrounding and repeated spaces are removed)" if item.get("term") != term else ""
            raise StudyError(f"{where}: term {_show(term)} is listed twice{spaced}; keep one")
        folded = term.casefold()
        if folded in {k.casefold() for k in seen}:
            other = next(k for k in seen if k.casefold() == folded)
            raise StudyError(f"{where}: term {_show(item.get('term'))} differs from {_show(other)} only in "
                             "case or spacing; Google treats them as the same search. Keep one")
        seen[term] = label
        out.append(Query(term=term, label=label.strip()))
    return tuple(out)
