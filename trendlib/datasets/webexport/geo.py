"""Place names of website exports -> codes: countries by CLDR (Babel), subdivisions by ISO 3166-2 (pycountry).

Google writes place names in the interface language ("Japon", "Brasil", "Türkiye", "美国"). Country
names are matched against the CLDR territory names of every locale Babel ships (first the base
languages, then all regional variants), case- and accent-insensitively; a name that means two
countries in different languages is left without a code. Subregion names are matched against the
ISO 3166-2 subdivision names pycountry ships (the local or English forms: "Bahia", "California",
"São Paulo"); a name matched by two subdivisions is left without a code, and names in other
scripts (e.g. Cyrillic) have no ISO 3166-2 entry to match: their code is '' and the name is kept.
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
                index.setdefault(fold(name), set()).add(code)
    return {k: frozenset(v) for k, v in index.items()}


def country_code(name: str, *, thorough: bool = True) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name in any CLDR language; '' for "worldwide"; None if unknown
    or ambiguous. The interface languages are tried first; ``thorough`` then tries every CLDR locale
    (about 2 s the first time)."""
    if is_worldwide(name):
        return ""
    key = fold(name)
    for all_locales in ((False, True) if thorough else (False,)):
        codes = _countries(all_locales).get(key)
        if codes:
            return next(iter(codes)) if len(codes) == 1 else None
    return None


@functools.lru_cache(maxsize=1)
def _subdivisions() -> dict[str, frozenset[tuple[str, str]]]:
    import pycountry

    index: dict[str, set[tuple[str, str]]] = {}
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):  # second-level units (districts) are not Google regions
            continue
        for name in {sub.name, _strip_kind(sub.name)}:
            index.setdefault(fold(name), set()).add((sub.country_code, sub.code))
    return {k: frozenset(v) for k, v in index.items()}


def _strip_kind(name: str) -> str:
    """'Khabarovskiy kray' -> 'Khabarovskiy'; 'State of Mexico' kept; trailing bracketed forms removed."""
    name = re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", name)
    return name


def subdivision_codes(names: list[str], parent: str) -> dict[str, str]:
    """ISO 3166-2 code of each subregion name within country ``parent`` ('' where unmatched or ambiguous)."""
    index = _subdivisions()
    out = {}
    for name in names:
        hits = {code for country, code in index.get(fold(name), ()) if country == parent}
        out[name] = hits.pop() if len(hits) == 1 else ""
    return out


def infer_parent(names: list[str]) -> tuple[str, int]:
    """The one country whose subdivisions match most of ``names`` (at least half), with the match count;
    ('', 0) when no country stands out."""
    index = _subdivisions()
    votes: dict[str, int] = {}
    for name in names:
        for country in {c for c, _ in index.get(fold(name), ())}:
            votes[country] = votes.get(country, 0) + 1
    if not votes:
        return "", 0
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    best, n = ranked[0]
    if n * 2 < len(names) or (len(ranked) > 1 and ranked[1][1] == n):
        return "", 0
    return best, n
