"""Place names of website exports -> codes: countries (CLDR), subdivisions (ISO 3166-2), metros (DMA).

Countries: Google writes names in the interface language ("Japon", "Brasil", "Türkiye", "美国"). They
are matched against the CLDR territory names of every locale Babel ships (first the interface
languages, then all locales), case- and accent-insensitively; a name that means two countries in
different languages is left without a code. Only when CLDR has no such name is the alias table
``trendlib/data/country_aliases.csv`` consulted (Google's own spellings, "Turkey", "Macedonia (FYROM)",
"Южная Корея", each with where it was seen).

Subdivisions (within the parent country): the first of these tiers that matches anything decides,
and a code is given only when exactly one subdivision matches (where a unit and one nested inside it
share the name, the level most of the file's names have decides); otherwise the code is '' and the
name is kept - never a guess:

1. the alias table ``trendlib/data/subdivision_aliases.csv`` (a Google spelling no rule reaches);
2. the exact name among pycountry's ISO 3166-2 names and their translations in pycountry's
   catalogues (Japanese, Korean, Ukrainian, ...);
3. the name's key (:mod:`.placenames`: romanised with the country's ISO 3166-2 romanisation, folded,
   word order and brackets ignored) equal to a subdivision's key, kind words included;
4. the same, kind words ignored ("город Москва" = "Moskva"), where the subdivision most of whose names
   agree wins by two to one (one catalogue's stray translation does not outvote the rest);
5. one key's words contained in the other's ("Республика Северная Осетия-Алания" ⊃ "Severnaya
   Osetiya, Respublika"), unless the words they differ by include one that makes another place of
   a name ("Nizhny Novgorod" is not "Novgorod"; ``place_modifiers.csv``);
6. a Cyrillic name's loose words equal to those of a Cyrillic catalogue name: Russian and Ukrainian
   spellings of one name ('Брестская область', Ukrainian 'Брестська область'), through which Russian
   names of Belarusian and Kazakh regions meet pycountry's Ukrainian catalogue;
7. the name less a short generic suffix or its last word ('神奈川県' -> '神奈川').

Rules 4, 5 and 7 set kind words aside, so they never give a name that says what it is ("Minsk
Region", "Kyiv Oblast") a subdivision whose names all say it is something else ("Horad Minsk",
"Місто Київ": cities); a name's class is in ``subdivision_kinds.csv``, a subdivision's comes
from its ISO 3166-2 type ("City", "Oblast", ...).

A catalogue translation that names two subdivisions of one country (pycountry's Ukrainian catalogue
gives RU-AL and RU-SA both "Республіка Алтай") names neither and is not used.

Territories whose status is disputed follow ISO 3166-2: a region file of Russia that lists Crimea or
Sevastopol (or Donetsk, Luhansk, Zaporizhzhia, Kherson) gets ISO's Ukrainian codes UA-43, UA-40, ...
(``trendlib/data/disputed_subdivisions.csv``).

Metros: US DMA names ("New York NY") get Google's numeric DMA code ("501") from
``trendlib/data/us_dma.csv`` when exactly one entry has the name. Cities have no code.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from trendlib.datasets.bundled import bundled_rows
from trendlib.datasets.webexport.placenames import (Key, is_cyrillic, kind_classes, loose_words, name_keys,
                                                     romanised_countries, system_of)
from trendlib.datasets.webexport.words import INTERFACE_LANGUAGES, fold, is_worldwide

__all__ = ["country_code", "subdivision_codes", "infer_parent", "metro_codes"]

_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}
Hit = tuple[str, bool]  # (ISO 3166-2 code, nested inside another subdivision)
_SAMPLE = 500  # names the romanised vote for the parent country is taken on


@functools.lru_cache(maxsize=2)
def _countries(all_locales: bool) -> dict[str, frozenset[str]]:
    """Folded CLDR country name -> codes: the interface languages' locales, or every locale Babel ships."""
    from babel import Locale, localedata

    ids = localedata.locale_identifiers()
    if not all_locales:
        wanted = {"nb" if lang == "no" else lang for lang in INTERFACE_LANGUAGES} | {"zh_Hant", "pt_PT", "es_419"}
        ids = [i for i in ids if i in wanted]
    index: dict[str, set[str]] = {}
    for ident in ids:
        try:
            names = Locale.parse(ident).territories
        except (ValueError, KeyError):  # pragma: no cover - a locale Babel lists but cannot load
            continue
        for code, name in names.items():
            if re.fullmatch(r"[A-Z]{2}", code) and code not in _NOT_COUNTRIES:
                index.setdefault(_country_key(name), set()).add(code)
    if not all_locales:  # ISO 3166-1's own English names, common and official forms ("Hong Kong", "Bolivia")
        import pycountry
        for c in pycountry.countries:
            for name in {c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", c.name)}:
                index.setdefault(_country_key(name), set()).add(c.alpha_2)
    return {k: frozenset(v) for k, v in index.items()}


def _country_key(name: str) -> str:
    """'St. Pierre & Miquelon' and 'St Pierre and Miquelon' compare equal."""
    return re.sub(r"\s+", " ", fold(name).replace(".", "").replace("&", " and ")).strip()


@functools.lru_cache(maxsize=1)
def _country_aliases() -> dict[str, str]:
    return {_country_key(r["name"]): r["code"] for r in bundled_rows("country_aliases.csv")}


def country_code(name: str, *, thorough: bool = True) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name in any CLDR language; '' for "worldwide"; None if unknown
    or ambiguous. The interface languages are tried first; ``thorough`` then tries every CLDR locale
    (about 2 s the first time); Google's spellings in ``country_aliases.csv`` only after CLDR fails."""
    if is_worldwide(name):
        return ""
    key = _country_key(name)
    for all_locales in ((False, True) if thorough else (False,)):
        codes = _countries(all_locales).get(key)
        if codes:
            return next(iter(codes)) if len(codes) == 1 else None
    return _country_aliases().get(key)


#: the languages whose pycountry iso3166-2 catalogues give subdivision names (Google's interface languages)
CATALOGUE_LANGUAGES = tuple(sorted(INTERFACE_LANGUAGES | {"zh_CN", "zh_TW", "nb_NO", "pt_BR"}))


@functools.lru_cache(maxsize=1)
def _catalogues() -> tuple:
    """pycountry's iso3166-2 message catalogues of :data:`CATALOGUE_LANGUAGES` (those it ships)."""
    import gettext

    import pycountry

    out = []
    for lang in CATALOGUE_LANGUAGES:
        try:
            out.append(gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:
            continue
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, str, bool, frozenset[str]]]:
    """ISO 3166-2 code -> (country, code, nested, names): pycountry's name and its catalogue translations,
    each also less a bracketed qualifier, less any translation a catalogue gives two subdivisions
    of the same country."""
    import pycountry

    subs = list(pycountry.subdivisions)
    shared: set[tuple[int, str, str]] = set()
    seen: dict[tuple[int, str, str], str] = {}
    for i, cat in enumerate(_catalogues()):
        for sub in subs:
            text = cat.gettext(sub.name)
            if text != sub.name and seen.setdefault((i, sub.country_code, text), sub.code) != sub.code:
                shared.add((i, sub.country_code, text))
    out = {}
    for sub in subs:
        names = {sub.name, _strip_kind(sub.name)}
        translations = {t for i, cat in enumerate(_catalogues())
                        if (i, sub.country_code, t := cat.gettext(sub.name)) not in shared}
        names |= translations | {_strip_kind(t) for t in translations}  # 'Kiev (stad)' is also 'Kiev'
        names.discard("")
        out[sub.code] = (sub.country_code, sub.code, bool(getattr(sub, "parent_code", None)), frozenset(names))
    return out


@functools.lru_cache(maxsize=1)
def _subdivisions() -> dict[str, frozenset[tuple[str, str, bool]]]:
    """Folded subdivision name -> (country, ISO 3166-2 code, nested)."""
    index: dict[str, set[tuple[str, str, bool]]] = {}
    for country, code, nested, names in _names().values():
        for name in names:
            index.setdefault(fold(name), set()).add((country, code, nested))
    return {k: frozenset(v) for k, v in index.items()}


def _strip_kind(name: str) -> str:
    """'Gujarat (state)' -> 'Gujarat': bracketed qualifiers removed."""
    return re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", name)


def _exact(name: str) -> frozenset[tuple[str, str, bool]]:
    """Subdivisions whose name or a catalogue translation is ``name`` (folded)."""
    return _subdivisions().get(fold(name), frozenset())


def _trimmed(name: str) -> frozenset[tuple[str, str, bool]]:
    """Subdivisions a name less a short generic suffix the catalogues leave out can mean ('神奈川県' ->
    '神奈川', 'Khabarovsk Krai' -> 'Khabarovsk'): the loosest rule, tried last."""
    index = _subdivisions()
    key = fold(name)
    if " " in key:
        return index.get(key.rsplit(" ", 1)[0], frozenset())
    for cut in range(1, min(6, len(key) - 1)):
        hit = index.get(key[:-cut])
        if hit:
            return hit
    return frozenset()


def _lookup(name: str) -> frozenset[tuple[str, str, bool]]:
    """Subdivisions of any country a Google region name can mean by its exact or trimmed name."""
    return _exact(name) or _trimmed(name)


@functools.lru_cache(maxsize=1)
def _disputed() -> dict[str, frozenset[str]]:
    """Country -> ISO 3166-2 codes of other countries that its region lists may name (see the CSV)."""
    out: dict[str, set[str]] = {}
    for row in bundled_rows("disputed_subdivisions.csv"):
        out.setdefault(row["listed_under"], set()).add(row["code"])
    return {k: frozenset(v) for k, v in out.items()}


def _belongs(country: str, code: str, parent: str) -> bool:
    return country == parent or code in _disputed().get(parent, frozenset())


@dataclass(frozen=True)
class _Keyed:
    """The keys of one country's subdivision names, indexed five ways (see :func:`_tiers`)."""

    by_key: dict[Key, set[Hit]]
    by_words: dict[frozenset[str], dict[Hit, list[frozenset[str]]]]  # -> kind classes of each name with them
    by_word: dict[str, set[tuple[frozenset[str], Hit]]]
    by_loose: dict[frozenset[str], set[Hit]]  # Cyrillic names only (:func:`loose_words`)
    classes: dict[str, frozenset[str]]  # code -> kind classes its names carry ("city", "area")


@functools.lru_cache(maxsize=64)
def _keyed(parent: str) -> _Keyed:
    """Keys of every subdivision a region file of ``parent`` can list (its own and the disputed ones),
    every name romanised with ``parent``'s system."""
    system = system_of(parent)
    keyed = _Keyed({}, {}, {}, {}, {})
    for country, code, nested, names in _names().values():
        if not _belongs(country, code, parent):
            continue
        hit = (code, nested)
        per_name = [name_keys(n, system) for n in names]
        for key in set().union(*per_name):
            keyed.by_key.setdefault(key, set()).add(hit)
            for word in key[1]:
                keyed.by_word.setdefault(word, set()).add((key[1], hit))
        for keys in per_name:
            for words in {k[1] for k in keys}:
                kinds = frozenset().union(*(kind_classes(k[0]) for k in keys if k[1] == words))
                keyed.by_words.setdefault(words, {}).setdefault(hit, []).append(kinds)
        keyed.classes[code] = _type_class(code) or frozenset().union(*(kind_classes(k[0]) for keys in per_name
                                                                        for k in keys))
        for words in {w for n in names if is_cyrillic(n) for w in loose_words(n)}:
            keyed.by_loose.setdefault(words, set()).add(hit)
    return keyed


@functools.lru_cache(maxsize=1)
def _types() -> dict[str, str]:
    import pycountry

    return {sub.code: str(getattr(sub, "type", "") or "") for sub in pycountry.subdivisions}


def _type_class(code: str) -> frozenset[str]:
    """The kind class ISO 3166-2's own type gives a subdivision: ``city`` ("City", "Autonomous city",
    "Municipality", ...) or ``area`` (region, oblast, republic, ...); empty when ISO gives no type."""
    kind = _types().get(code, "").casefold()
    if not kind:
        return frozenset()
    return frozenset({"city" if ("city" in kind or "municipality" in kind) else "area"})


def _agreeing(hits, classes: frozenset[str], keyed: _Keyed) -> set[Hit]:
    """``hits`` less those whose names are all of another kind than ``name`` says ("Minsk Region" is not
    the city "Horad Minsk"): for the rules that set kind words aside."""
    return {h for h in hits if not (classes and keyed.classes.get(h[0]) and not classes & keyed.classes[h[0]])}


def _by_words(words: set[frozenset[str]], classes: frozenset[str], keyed: _Keyed) -> set[Hit]:
    """Rule 4: subdivisions with a name of the same words, kind words aside. A name that says its kind
    ("Almaty Region") counts only the names of that kind when there are any ("Almaty oblysy", not the
    city "Almaty"); then the subdivision most names agree on wins (:func:`_clear_majority`)."""
    entries = {h: kinds for w in words for h, kinds in keyed.by_words.get(w, {}).items()}
    entries = {h: entries[h] for h in _agreeing(entries, classes, keyed)}
    if classes:
        same = {h: [k for k in kinds if k & classes] for h, kinds in entries.items()}
        if any(same.values()):
            entries = {h: kinds for h, kinds in same.items() if kinds}
    return _clear_majority({h: len(kinds) for h, kinds in entries.items()})


def _clear_majority(counts: dict[Hit, int]) -> set[Hit]:
    """The subdivision most names agree on, when it has at least twice the names of any other: one
    catalogue's stray translation (pycountry's "Brest" for Vitebsk region, BY-VI) does not outvote the
    names of Brest region (BY-BR); otherwise every hit (ambiguous, no code)."""
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] >= 2 * ranked[1][1]:
        return {ranked[0][0]}
    return set(counts)


@functools.lru_cache(maxsize=1)
def _modifiers() -> frozenset[str]:
    """Words that make another place of a name ("Nizhny Novgorod" is not "Novgorod"): rule 5 never
    matches names that differ by one of them (``trendlib/data/place_modifiers.csv``)."""
    return frozenset(fold(r["word"]) for r in bundled_rows("place_modifiers.csv"))


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[tuple[str, str], str]:
    return {(r["country"], fold(r["name"])): r["code"] for r in bundled_rows("subdivision_aliases.csv")}


def _tiers(name: str, parent: str):
    """Sets of (code, nested) that ``name`` can mean in ``parent``, from the strictest rule to the loosest."""
    alias = _aliases().get((parent, fold(name)))
    yield {(alias, False)} if alias else set()
    yield {(code, nested) for country, code, nested in _exact(name) if _belongs(country, code, parent)}
    keys = name_keys(name, system_of(parent))
    keyed = _keyed(parent)
    yield {h for k in keys for h in keyed.by_key.get(k, ())}
    classes = frozenset().union(*(kind_classes(k[0]) for k in keys))
    words = {k[1] for k in keys}
    yield _by_words(words, classes, keyed)
    yield _agreeing({h for w in words for word in w for ws, h in keyed.by_word.get(word, ())
                     if (ws < w or w < ws) and not (ws ^ w) & _modifiers()},
                    classes, keyed)
    yield {h for w in (loose_words(name) if is_cyrillic(name) else ()) for h in keyed.by_loose.get(w, ())}
    yield _agreeing({(code, nested) for country, code, nested in _trimmed(name) if _belongs(country, code, parent)},
                    classes, keyed)


def _hits(name: str, parent: str) -> set[Hit]:
    """What the first tier that matches anything says ``name`` can mean within ``parent``."""
    return next((hits for hits in _tiers(name, parent) if hits), set())


def _pick(hits: set[Hit], nested: bool) -> str:
    """The one code of ``hits`` ('' for none or several); a region and a unit inside it of the same name
    ('Maluku' the island group and the province in it) are told apart by the level the file lists."""
    if len(hits) > 1:
        hits = {h for h in hits if h[1] == nested}
    return next(iter(hits))[0] if len(hits) == 1 else ""


def _code(name: str, parent: str) -> str:
    """The one ISO 3166-2 code ``name`` means within ``parent``, or '' (none, or more than one)."""
    return _pick(_hits(name, parent), False)


def subdivision_codes(names: list[str], parent: str) -> dict[str, str]:
    """ISO 3166-2 code of each subregion name within country ``parent`` ('' where unmatched or ambiguous).

    Where a name means both a subdivision and a unit nested inside it, the level most of the file's
    unambiguous names have decides (Indonesia's provinces sit inside island groups; France's regions
    above its departments); a tie keeps the top level."""
    hits = {name: _hits(name, parent) for name in names}
    levels = [next(iter(h))[1] for h in hits.values() if len(h) == 1]
    nested = sum(levels) * 2 > len(levels)
    return {name: _pick(h, nested) for name, h in hits.items()}


def infer_parent(names: list[str]) -> tuple[str, int]:
    """The one country whose subdivisions match most of ``names`` (at least half), with the match count;
    ('', 0) when no country stands out. Exact names are tried first, then the romanised keys of the
    countries trendlib has a romanisation for (``romanisation_systems.csv``), judged on the first 500 names."""
    votes: dict[str, int] = {}
    for name in names:
        for country in {c for c, _, _ in _lookup(name)}:
            votes[country] = votes.get(country, 0) + 1
    best = _most(votes, len(names))
    if best[0]:
        return best
    sample = names[:_SAMPLE]  # a country has at most a few hundred subdivisions; bounds the cost of a huge file
    votes = {c: sum(1 for n in sample if _code(n, c)) for c in romanised_countries()}
    best, n = _most(votes, len(sample))
    if best and len(sample) < len(names):
        n = sum(1 for name in names if _code(name, best))
    return best, n


def _most(votes: dict[str, int], total: int) -> tuple[str, int]:
    ranked = sorted(((c, n) for c, n in votes.items() if n), key=lambda kv: -kv[1])
    if not ranked:
        return "", 0
    best, n = ranked[0]
    if n * 2 < total or (len(ranked) > 1 and ranked[1][1] == n):
        return "", 0
    return best, n


@functools.lru_cache(maxsize=1)
def _dmas() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for row in bundled_rows("us_dma.csv"):
        index.setdefault(_metro_key(row["name"]), set()).add(row["dma_code"])
    return {k: frozenset(v) for k, v in index.items()}


def _metro_key(name: str) -> str:
    """'Champaign & Springfield-Decatur,IL' and 'Champaign & Springfield-Decatur IL' compare equal."""
    return re.sub(r"[\s,]+", " ", name.casefold()).strip()


def metro_codes(names: list[str]) -> dict[str, str]:
    """Google's DMA code ('501') of each US metro name ('New York NY'); '' where no or several entries match."""
    out = {}
    for name in names:
        codes = _dmas().get(_metro_key(name), frozenset())
        out[name] = next(iter(codes)) if len(codes) == 1 else ""
    return out
