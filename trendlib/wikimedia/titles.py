"""Wikimedia's naming rules for the per-article endpoint: projects, access and agent filters, titles.

* **Titles** are normalised as MediaWiki stores them (:func:`normalise_title`): leading and
  trailing blanks dropped, runs of spaces or underscores made one underscore, the first
  letter upper-cased (MediaWiki's ``$wgCapitalLinks``; not on Wiktionaries, whose titles are
  case-sensitive), Unicode NFC. :func:`encode_title` percent-encodes the UTF-8 bytes, ``/``
  included (``AC/DC`` -> ``AC%2FDC``), as the API expects one path segment.
* **Projects** are written ``<language>.<family>`` (``ru.wikipedia``, ``commons.wikimedia``);
  a trailing ``.org`` is accepted and dropped, as the API does.
* **access**: ``all-access``, ``desktop``, ``mobile-app``, ``mobile-web``; **agent**:
  ``all-agents``, ``user``, ``spider``, ``automated``.
* Daily per-article data begin on 2015-07-01 (:data:`FIRST_DAY`).

The API counts views per title and does not follow redirects: an article renamed later has
its earlier views under its old title (:data:`REDIRECT_CAVEAT`).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

from trendlib.wikimedia.errors import BadRequest

__all__ = ["ACCESS", "AGENTS", "FIRST_DAY", "REDIRECT_CAVEAT", "normalise_title", "encode_title",
           "normalise_project", "check_filters"]

ACCESS = ("all-access", "desktop", "mobile-app", "mobile-web")
AGENTS = ("all-agents", "user", "spider", "automated")
#: the first day of the per-article pageviews API
FIRST_DAY = dt.date(2015, 7, 1)
REDIRECT_CAVEAT = ("Views are counted per title and redirects are not followed: views of a redirect to an article "
                   "count under the redirect's title, and an article renamed later has its earlier views under its "
                   "old title. Fetch the old titles too and add them up where that matters.")
_PROJECT = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$")
_BAD_TITLE = re.compile(r"[#<>\[\]|{}\x00-\x1f\x7f]")


def normalise_project(project: str) -> str:
    """``ru.wikipedia`` from ``ru.wikipedia``, ``ru.wikipedia.org`` or ``RU.Wikipedia``; refuses others."""
    text = str(project or "").strip().lower()
    if text.endswith(".org"):
        text = text[:-4]
    if not _PROJECT.match(text):
        raise BadRequest(f"project {project!r} is not a Wikimedia project; expected e.g. ru.wikipedia, en.wikipedia, "
                         "de.wiktionary or commons.wikimedia (a trailing .org is accepted)")
    return text


def check_filters(access: str, agent: str) -> tuple[str, str]:
    """The ``access`` and ``agent`` filters, checked against what the API accepts."""
    if access not in ACCESS:
        raise BadRequest(f"access {access!r}; accepted: {', '.join(ACCESS)}")
    if agent not in AGENTS:
        raise BadRequest(f"agent {agent!r}; accepted: {', '.join(AGENTS)}")
    return access, agent


def _upper_first(title: str) -> str:
    first = title[0]
    up = first.upper()
    return (up if len(up) == 1 else first) + title[1:]  # 'ß'.upper() is 'SS': MediaWiki keeps such letters


def normalise_title(article: str, *, project: str = "") -> str:
    """The title as the API stores it: ``'мобилизация в россии'`` -> ``'Мобилизация_в_россии'``.

    Refuses an empty title and characters MediaWiki never allows in titles (``# < > [ ] | { }``
    and control characters), naming them.
    """
    text = unicodedata.normalize("NFC", str(article))
    text = re.sub(r"[ _\u00a0\u3000]+", "_", text.strip()).strip("_")
    if not text:
        raise BadRequest(f"article {article!r} is empty; give a title as it reads on the wiki, e.g. 'Upper Lars'")
    bad = sorted(set(_BAD_TITLE.findall(text)))
    if bad:
        raise BadRequest(f"article {article!r} contains {', '.join(repr(c) for c in bad)}, which no MediaWiki title "
                         "may contain; give the title as it reads on the wiki (without a #section)")
    if ".wiktionary" not in f".{project}":
        text = _upper_first(text)
    return text


def encode_title(title: str) -> str:
    """The normalised title as one URL path segment: UTF-8 percent-encoded, ``/`` included."""
    return quote(title, safe="")
