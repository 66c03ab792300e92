"""Answers that are not data: tell an HTML, captcha or consent page, an empty body or JSON of
another shape apart, say what came back, and whether a retry can help.

Servers sometimes answer HTTP 200 with something else than the data asked for: a captcha
("unusual traffic"), a cookie-consent wall, a proxy's or captive portal's HTML page, an
empty body, or JSON whose shape is not the API's. Each source's retry classifier calls
:func:`non_data_failure` (and :func:`wrong_shape_failure`) so every source reports them the
same way, as :class:`~trendlib.acquire.retry.Failure` of kind ``answer``: after the retries
(where they can help) they end as :class:`~trendlib.acquire.errors.UnexpectedAnswer`, whose
message says what came back and what to do.
"""
from __future__ import annotations

import re
from typing import Any

from trendlib.acquire.retry import Failure

__all__ = ["non_data_failure", "wrong_shape_failure", "page_title", "looks_like_json"]

_CAPTCHA = ("captcha", "unusual traffic", "/sorry/", "automated queries", "are you a robot")
_CONSENT = ("consent.google", "consent.youtube", "before you continue", "cookie consent", "we use cookies")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def page_title(text: str) -> str:
    """The ``<title>`` of an HTML page (at most 60 characters), or ''."""
    m = _TITLE.search(text or "")
    return re.sub(r"\s+", " ", m.group(1)).strip()[:60] if m else ""


def looks_like_json(text: str) -> bool:
    """True when the body starts like JSON (after any anti-XSSI prefix such as Google's ``)]}'``)."""
    body = (text or "").lstrip("\ufeff \t\r\n")
    if body.startswith(")]}'"):
        body = body[4:].lstrip(",\r\n ")
    return body[:1] in ("{", "[")


def non_data_failure(*, status: int, content_type: str, text: str, server: str,
                     alternatives: str = "") -> Failure | None:
    """A :class:`Failure` for a 2xx answer that is not data, or None when it looks like data.

    ``server`` names the server in messages ("Google", "Wikimedia"); ``alternatives`` is what
    else the user can do when waiting does not help (e.g. "export the series in a browser and
    use `trendlib import`").
    """
    body = text or ""
    ctype = (content_type or "").split(";")[0].strip().lower() or "no Content-Type"
    if not body.strip():
        return Failure("answer", f"an empty body (HTTP {status}, {ctype}) instead of data",
                       advice=f"{server} sent nothing; wait and rerun, or try another network")
    low = body[:20000].lower()
    is_html = "html" in ctype or low.lstrip().startswith(("<!doctype html", "<html"))
    if not is_html and looks_like_json(body):
        return None
    title = page_title(body)
    named = f" titled {title!r}" if title else ""
    also = f", or {alternatives}" if alternatives else ""
    if any(m in low for m in _CAPTCHA):
        return Failure("answer", f"a captcha page{named} (HTTP {status}, {ctype}): {server} suspects automated "
                       "traffic", advice=f"wait some hours before fetching again (raise --min-interval){also}, "
                       "or change network")
    if any(m in low for m in _CONSENT):
        return Failure("answer", f"a cookie-consent page{named} (HTTP {status}, {ctype}) instead of data",
                       retry=False, advice=f"a retry cannot pass a consent wall; fetch from another network{also}")
    what = "an HTML page" if is_html else f"a {ctype} body"
    return Failure("answer", f"{what}{named} (HTTP {status}) instead of data: not {server}'s API answering "
                   "(a proxy, captive portal or error page?)",
                   advice=f"check the server URL and the network and rerun{also}")


def wrong_shape_failure(*, missing: Any, server: str, alternatives: str = "") -> Failure:
    """A :class:`Failure` for JSON that lacks the field ``missing`` the API always sends."""
    also = f", or {alternatives}" if alternatives else ""
    return Failure("answer", f"JSON of another shape (no field {missing!s}) instead of {server}'s data",
                   advice=f"{server}'s answer format may have changed or another server answered: check the "
                          f"server URL, update trendlib{also}")
