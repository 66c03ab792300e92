"""Place names of website exports -> codes: countries by CLDR (Babel), subdivisions by ISO 3166-2 (pycountry).

Google writes place names in the interface language ("Japon", "Brasil", "Türkiye", "美国"). Country
names are matched against the CLDR territory names of every locale Babel ships (first the base
languages, then all regional variants), case- and accent-insensitively; a name that means two
countries in different languages is left without a code. Subregion names are matched against the
ISO 3166-2 subdivision names pycountry ships (the local or English forms: "Bahia", "California",
"São Paulo") and their translations in pycountry's catalogues (Japanese, Korean, Ukrainian, ...); a
name matched by two subdivisions is left without a code, and a name no catalogue has (e.g. Russian
regions in Cyrillic) gets code '' with the name kept.
"""
from __future__ import annotations

import functools
import re

from trendlib.datasets.webexport.words import INTERFACE_LANGUAGES, fold, is_worldwide

__all__ = ["country_code", "subdivision_codes", "infer_parent"]

_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}


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


def country_code(name: str, *, thorough: bool = True) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name in any CLDR language; '' for "worldwide"; None if unknown
    or ambiguous. The interface languages are tried first; ``thorough`` then tries every CLDR locale
    (about 2 s the first time)."""
    if is_worldwide(name):
        return ""
    key = _country_key(name)
    for all_locales in ((False, True) if thorough else (False,)):
        codes = _countries(all_locales).get(key)
        if codes:
            return next(iter(codes)) if len(codes) == 1 else None
    return None


@functools.lru_cache(maxsize=1)
def _subdivisions() -> dict[str, frozenset[tuple[str, str, bool]]]:
    """Folded subdivision name -> (country, ISO 3166-2 code): pycountry's names and their translations
    into the interface languages (pycountry's iso3166-2 message catalogues)."""
    import gettext

    import pycountry

    subs = list(pycountry.subdivisions)
    catalogues = []
    for lang in sorted(INTERFACE_LANGUAGES | {"zh_CN", "zh_TW", "nb_NO", "pt_BR"}):
        try:
            catalogues.append(gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:
            continue
    index: dict[str, set[tuple[str, str, bool]]] = {}
    for sub in subs:
        names = {sub.name, _strip_kind(sub.name)} | {c.gettext(sub.name) for c in catalogues}
        for name in names:
            nested = bool(getattr(sub, "parent_code", None))
            index.setdefault(fold(name), set()).add((sub.country_code, sub.code, nested))
    return {k: frozenset(v) for k, v in index.items()}


def _strip_kind(name: str) -> str:
    """'Gujarat (state)' -> 'Gujarat': bracketed qualifiers removed."""
    return re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", name)


def _lookup(name: str) -> frozenset[tuple[str, str, bool]]:
    """Subdivisions a Google region name can mean: the exact name, else the name less a short generic
    suffix the catalogues leave out ('神奈川県' -> '神奈川', '서울특별시' -> '서울', 'Khabarovsk Krai' ->
    'Khabarovsk')."""
    index = _subdivisions()
    key = fold(name)
    if key in index:
        return index[key]
    if " " in key:
        head = key.rsplit(" ", 1)[0]
        return index.get(head, frozenset())
    for cut in range(1, min(6, len(key) - 1)):
        hit = index.get(key[:-cut])
        if hit:
            return hit
    return frozenset()


def subdivision_codes(names: list[str], parent: str) -> dict[str, str]:
    """ISO 3166-2 code of each subregion name within country ``parent`` ('' where unmatched or ambiguous)."""
    out = {}
    for name in names:
        hits = {(code, nested) for country, code, nested in _lookup(name) if country == parent}
        if len(hits) > 1:  # a region and a unit inside it share the name: the top-level unit is Google's region
            hits = {h for h in hits if not h[1]}
        out[name] = hits.pop()[0] if len(hits) == 1 else ""
    return out


def infer_parent(names: list[str]) -> tuple[str, int]:
    """The one country whose subdivisions match most of ``names`` (at least half), with the match count;
    ('', 0) when no country stands out."""
    votes: dict[str, int] = {}
    for name in names:
        for country in {c for c, _, _ in _lookup(name)}:
            votes[country] = votes.get(country, 0) + 1
    if not votes:
        return "", 0
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    best, n = ranked[0]
    if n * 2 < len(names) or (len(ranked) > 1 and ranked[1][1] == n):
        return "", 0
    return best, n
