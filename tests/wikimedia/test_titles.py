"""Names the API accepts: titles as MediaWiki stores them, projects, filters."""
from __future__ import annotations

import re

import pytest

from trendlib.wikimedia.errors import BadRequest
from trendlib.wikimedia.titles import check_filters, encode_title, normalise_project, normalise_title


@pytest.mark.parametrize("typed, stored", [
    ("мобилизация в России (2022)", "Мобилизация_в_России_(2022)"),
    ("  upper   lars ", "Upper_lars"),                   # only the first letter: the rest is case-sensitive
    ("Upper_Lars", "Upper_Lars"),
    ("AC/DC", "AC/DC"),
    ("ßeta", "ßeta"),                                    # no single upper-case letter: kept, as MediaWiki does
    ("e\u0301cole", "École"),                             # NFC first
])
def test_titles_are_normalised_as_mediawiki_stores_them(typed, stored):
    assert normalise_title(typed, project="ru.wikipedia") == stored


def test_wiktionary_titles_keep_their_case():
    assert normalise_title("мобилизация", project="ru.wiktionary") == "мобилизация"


def test_titles_are_one_percent_encoded_path_segment():
    assert encode_title("AC/DC") == "AC%2FDC"
    assert encode_title("Верхний_Ларс") == "%D0%92%D0%B5%D1%80%D1%85%D0%BD%D0%B8%D0%B9_%D0%9B%D0%B0%D1%80%D1%81"
    assert encode_title("C++ (язык)") == "C%2B%2B%20%28%D1%8F%D0%B7%D1%8B%D0%BA%29"


@pytest.mark.parametrize("bad, words", [("", "empty"), ("  _ ", "empty"), ("Foo#History", "'#'"),
                                        ("a[b]", "'['")])
def test_bad_titles_are_refused_by_name(bad, words):
    with pytest.raises(BadRequest, match=re.escape(words)):
        normalise_title(bad)


def test_projects_and_filters():
    assert normalise_project("RU.Wikipedia.org") == "ru.wikipedia"
    assert normalise_project("commons.wikimedia") == "commons.wikimedia"
    for bad in ("wikipedia", "ru wikipedia", "", "https://ru.wikipedia.org"):
        with pytest.raises(BadRequest, match="not a Wikimedia project"):
            normalise_project(bad)
    assert check_filters("mobile-web", "all-agents") == ("mobile-web", "all-agents")
    with pytest.raises(BadRequest, match="access 'mobile'; accepted: all-access, desktop"):
        check_filters("mobile", "user")
    with pytest.raises(BadRequest, match="agent 'bot'; accepted"):
        check_filters("all-access", "bot")
