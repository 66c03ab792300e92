"""Answers that are not data are told apart and described, never misread as a status problem."""
from __future__ import annotations

import pytest

from trendlib.acquire.answers import looks_like_json, non_data_failure, page_title, wrong_shape_failure


def _f(text, ctype="text/html; charset=UTF-8", status=200):
    return non_data_failure(status=status, content_type=ctype, text=text, server="Google",
                            alternatives="use a browser export")


def test_json_bodies_are_data():
    assert _f('{"a": 1}', "application/json") is None
    assert _f(")]}',\n{\"default\": {}}", "application/javascript") is None
    assert looks_like_json(")]}'\n[1]") and not looks_like_json("<html>")


@pytest.mark.parametrize("body, ctype, kind_words, retry", [
    ("", "application/json", ["empty body", "HTTP 200", "application/json"], True),
    ("   \n", "text/html", ["empty body"], True),
    ("<html><title>Sorry...</title>unusual traffic /sorry/index</html>", "text/html",
     ["captcha page titled 'Sorry...'", "automated traffic"], True),
    ("<html><title>Before you continue</title><form action='https://consent.google.com/s'>", "text/html",
     ["cookie-consent page", "HTTP 200"], False),
    ("<!doctype html><html><head><title>Hotel Wi-Fi</title></head></html>", "text/html",
     ["an HTML page titled 'Hotel Wi-Fi'", "not Google's API"], True),
    ("plain words", "text/plain", ["a text/plain body"], True),
])
def test_non_data_answers_are_named(body, ctype, kind_words, retry):
    f = _f(body, ctype)
    assert f is not None and f.kind == "answer" and f.retry is retry
    for w in kind_words:
        assert w in f.text
    assert "expected 200" not in f.text
    if body.strip():
        assert "use a browser export" in f.advice


def test_wrong_shape_and_title():
    f = wrong_shape_failure(missing=KeyError("widgets"), server="Wikimedia")
    assert f.kind == "answer" and "JSON of another shape (no field 'widgets')" in f.text
    assert page_title("<TITLE>\n  A   b </TITLE>") == "A b" and page_title("no title") == ""
