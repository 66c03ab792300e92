"""Comparable keys of place names written in any script: romanisation, kind words, word order.

Google writes a subregion in the interface language ("Амурская область", "Республика Саха (Якутия)",
"제주특별자치도"); ISO 3166-2 (pycountry) writes it in the country's own romanisation ("Amurskaya
oblast'", "Saha, Respublika"). A name's key is made the same way on both sides, so the two meet:

1. variants: the name, the name less bracketed parts ("Саха (Якутия)" -> "Саха"), and the part before
   a spaced dash ("Ханты-Мансийский автономный округ — Югра" -> "... округ");
2. romanised with the system ISO 3166-2 uses for the country (``trendlib/data/romanisation.csv``,
   systems and countries in ``romanisation_systems.csv``): for Russia BGN/PCGN (х kh, я ya, ий iy, ь ');
   Latin letters pass through;
3. folded (case, accents), apostrophes dropped, split into words at spaces, hyphens and punctuation;
4. kind words ("oblast", "respublika", "avtonomnyy okrug", "gorod", ...; Korean/Japanese suffixes;
   ``trendlib/data/subdivision_kinds.csv``) set apart from the distinctive words, whose order is
   ignored ("Bashkortostan, Respublika" = "Respublika Bashkortostan").

A key is ``(kinds, words)``: two frozensets. Matching rules (which key tiers count, uniqueness) live in
:mod:`trendlib.datasets.webexport.geo`.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from trendlib.datasets.bundled import bundled_rows
from trendlib.datasets.webexport.words import fold

__all__ = ["Key", "name_keys", "kind_classes", "loose_words", "is_cyrillic", "system_of", "romanised_countries",
           "romanise"]

Key = tuple[frozenset[str], frozenset[str]]

# a vowel or sign before a letter selects its "after_vowel" form (BGN/PCGN ye, Belarusian je ...)
_VOWELS = frozenset("аеёиоуыэюяіїєўәөүұaeiouyьъ'’ʼ")
_APOSTROPHES = re.compile(r"['’ʼʹ`\"]")
_BRACKETS = re.compile(r"\s*[(\[].*?[)\]]")
_DASH = re.compile(r"\s+[—–-]\s+")


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, dict[str, str]]]:
    """system -> letters -> {latin, word_start, after_vowel, word_end} (an empty form: use latin)."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for row in bundled_rows("romanisation.csv"):
        out.setdefault(row["system"], {})[row["letters"]] = {k: row[k] for k in
                                                             ("latin", "word_start", "after_vowel", "word_end")}
    return out


@functools.lru_cache(maxsize=1)
def _systems() -> dict[str, str]:
    """ISO 3166-1 country -> romanisation system."""
    return {c.strip(): row["system"] for row in bundled_rows("romanisation_systems.csv")
            for c in row["countries"].split(",")}


def system_of(country: str) -> str | None:
    """The romanisation system of ``country``'s ISO 3166-2 names, if trendlib has one."""
    return _systems().get(country)


def romanised_countries() -> tuple[str, ...]:
    """The countries whose ISO 3166-2 names trendlib can compare with names in another script."""
    return tuple(sorted(_systems()))


@functools.lru_cache(maxsize=1)
def _kinds() -> tuple[frozenset[str], tuple[str, ...]]:
    """(kind words, kind suffixes longest first) from ``subdivision_kinds.csv``."""
    rows = bundled_rows("subdivision_kinds.csv")
    words = frozenset(fold(r["word"]) for r in rows if r["where"] == "word")
    suffixes = sorted((r["word"] for r in rows if r["where"] == "suffix"), key=len, reverse=True)
    return words, tuple(suffixes)


@functools.lru_cache(maxsize=1)
def _kind_class() -> dict[str, str]:
    """Kind word or suffix -> its class in ``subdivision_kinds.csv``: ``city``, ``area`` (region, province,
    republic, ...), or none (connecting words, "special")."""
    return {(fold(r["word"]) if r["where"] == "word" else r["word"]): r["class"]
            for r in bundled_rows("subdivision_kinds.csv") if r["class"]}


def kind_classes(kinds: frozenset[str]) -> frozenset[str]:
    """The classes (``city``, ``area``) of a key's kind words: a name that says "oblast" is not a city."""
    table = _kind_class()
    return frozenset(table[k] for k in kinds if k in table)


def romanise(text: str, system: str | None) -> str:
    """``text`` in Latin letters by ``system`` (longest letter group first; unknown characters kept)."""
    table = _tables().get(system or "", {})
    if not table:
        return text
    low = unicodedata.normalize("NFC", text.casefold())
    longest = max(len(k) for k in table)
    out, i = [], 0
    while i < len(low):
        for n in range(min(longest, len(low) - i), 0, -1):
            forms = table.get(low[i:i + n]) or (table.get(_base(low[i])) if n == 1 else None)
            if forms:
                out.append(_form(forms, low, i, n))
                i += n
                break
        else:
            out.append(low[i])
            i += 1
    return "".join(out)


def _base(ch: str) -> str:
    """A letter less its accents ('ά' -> 'α'), for tables that list only bare letters."""
    return unicodedata.normalize("NFKD", ch)[0]


def _form(forms: dict[str, str], text: str, i: int, n: int) -> str:
    """The letter group's form at ``text[i:i+n]``: at a word's start, at its end, after a vowel, else plain."""
    before = text[i - 1] if i else " "
    after = text[i + n] if i + n < len(text) else " "
    if forms["word_start"] and not before.isalpha() and before not in _VOWELS:
        return forms["word_start"]
    if forms["word_end"] and not after.isalpha():
        return forms["word_end"]
    if forms["after_vowel"] and before in _VOWELS:
        return forms["after_vowel"]
    return forms["latin"]


def _variants(name: str) -> set[str]:
    plain = _BRACKETS.sub("", name).strip()
    return {v for v in {name, plain, _DASH.split(name)[0].strip(), _DASH.split(plain)[0].strip()} if v}


def _key(text: str) -> Key:
    kind_words, suffixes = _kinds()
    words = [w for w in re.split(r"[\W_]+", _APOSTROPHES.sub("", fold(text))) if w]
    kinds, rest = set(), set()
    for w in words:
        if w in kind_words:
            kinds.add(w)
            continue
        cut = next((s for s in suffixes if w.endswith(s) and len(w) > len(s)), "")
        if cut:
            kinds.add(cut)
        rest.add(w[:len(w) - len(cut)])
    return frozenset(kinds), frozenset(rest)


def name_keys(name: str, system: str | None) -> set[Key]:
    """The keys of ``name`` (one per variant) romanised with ``system``; keys without words dropped."""
    keys = {_key(romanise(v, system)) for v in _variants(name)}
    return {k for k in keys if k[1]}


_ADJECTIVE_END = re.compile(r"(?<=sk)(?:aya|a|iy|yy|oye|oe|iye|ye)$")


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def loose_words(name: str) -> set[frozenset[str]]:
    """Word sets of a Cyrillic ``name`` under which its Russian and Ukrainian (or Belarusian, Kazakh)
    spellings meet: romanised with BGN/PCGN, adjective endings dropped after -sk- ('Брестская' and
    'Брестська' -> 'brestsk'), y read as i ('Атырауская', 'Атирауська' -> 'atirausk'; 'Алматы', 'Алмати')."""
    return {frozenset(_ADJECTIVE_END.sub("", w).replace("y", "i") for w in words)
            for _, words in name_keys(name, "ru_bgn")}
