"""Body text on real pages showing the failure kinds of issue 14 (pages and snippets: trafilatura's evaluation
corpus, see tests/fixtures/extraction/SOURCE.md), and list markup broken the way issue 14 quotes it."""

import gzip
import re

import pytest

from modwatch.extract.text import extract_body
from tests.helpers import FIXTURES


def body_of(folder: str, name: str) -> str:
    page = gzip.decompress((FIXTURES / folder / f"{name}.gz").read_bytes())
    return re.sub(r"\s+", " ", extract_body(page))


@pytest.mark.parametrize(("folder", "name", "with_", "without"), [
    # a bullet list with short links inside its items is article text, not a list of other stories
    ("extraction", "github.blog.spiceland.html",
     ["Research Consultant at Adelard LLP", "Erin Spiceland is a Software Engineer for SpaceX."],
     ["Related posts", "Missed the main event?"]),
    ("quality/trafilatura", "nurmeinstandpunkt.wordpress.com.blogposting.html",
     ["Presseförderung: Studie zweifelt an Stütze vom Staat", "via netzpolitik.org", "via t3n News"],
     ["Hier könnte Ihre Meinung stehen"]),
    # the article's wrapper carries a "share" class: its prose keeps it
    ("extraction", "0a4a8ab61c054192b1ec70cc3570cf45.html",
     ["Die Deutsche Bahn streicht den Zutritt zu ihrer DB Lounge", "Neues gastronomisches Konzept"],
     ["Das könnte Dich auch interessieren"]),
    # the theme container holds a small part of the text: the whole page is read
    ("extraction", "colours-of-the-soul.alhelm.net.html",
     ["Einen Paralel-Scan", "1 Projektfahrplan-Broschüre"], ["ein Buch-Gewinn"]),
    # a legal note far above the article is no chunk of a split body
    ("extraction", "finanzcheck.de.finanzierung.html",
     ["Im Vergleich zum Leasing gehört bei der Finanzierung das Fahrzeug am Ende dem Halter",
      "höheres Verschleißrisiko aufgrund einer längeren Nutzungsdauer"],
     ["Gemeinsam finden wir Ihren passenden Kredit!"]),
])
def test_failure_kind_on_a_real_page(folder, name, with_, without):
    text = body_of(folder, name)
    assert [snippet for snippet in with_ if snippet not in text] == []
    assert [snippet for snippet in without if snippet in text] == []


INTRO = "The release ships three changes that users asked for over the last two years of work. " * 3
AFTER_ONE = "The first paragraph after the list explains how to upgrade an existing installation safely. " * 3
AFTER_TWO = "The second paragraph after the list thanks the people who reported the bugs it fixes. " * 3


def test_broken_list_markup_keeps_items_and_paragraphs_apart():
    # issue 14's markup: an unclosed <div> in the first item nests the next items and the paragraphs after
    # the list inside that item
    html = (f"<html><body><article><h1>Release 2.0</h1><p>{INTRO}</p>"
            "<ul><li>Faster exports of large tables<div></li><li>Accents ignored in search</li>"
            f"<li>Dates shown in the page's own time zone</li></ul><p>{AFTER_ONE}</p><p>{AFTER_TWO}</p>"
            "</article></body></html>")
    lines = extract_body(html).split("\n")
    assert lines == [INTRO.strip(), "- Faster exports of large tables", "- Accents ignored in search",
                     "- Dates shown in the page's own time zone", AFTER_ONE.strip(), AFTER_TWO.strip()]
