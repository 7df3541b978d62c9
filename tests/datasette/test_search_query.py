"""The canned query ``search`` (datasette/metadata.yml, plugin datasette/plugins/modwatch_search.py):
articles, Lumen notices and DSA statements of reasons as kind, title, source, date, a highlighted
FTS5 snippet and a link. Real rows of the site database (tests/datasette/sitedb.py)."""

import sys

import pytest

from tests.helpers import ROOT

sys.path.insert(0, str(ROOT / "datasette" / "plugins"))
import modwatch_search  # noqa: E402

VIETNAMESE_URL = (
    "https://99hainnguyen.github.io/doancuoiki/blog/"
    "thuc-an-cho-thu-cung-tu-tin-cham-soc-va-nuoi-duong-ban-dong-hanh-dang-yeu-cua-ban/"
)


def search(get, q):
    response = get("/modwatch/search.json", params={"q": q, "_shape": "array"})
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_one_short_row_per_hit_with_a_highlighted_snippet(get):
    (row,) = search(get, "thu cung")  # unaccented: finds "Thú Cưng"
    assert set(row) == {"kind", "title", "source", "date", "snippet", "link"}
    assert row["kind"] == "article" and row["link"] == VIETNAMESE_URL and row["date"] == "2023-07-09"
    assert row["title"].startswith("Thức Ăn Cho Thú Cưng") and "\x02Thú\x03 \x02Cưng\x03" in row["snippet"]
    assert len(row["snippet"]) < 300  # a passage, not the article


def test_search_spans_notices_and_statements_of_reasons(get):
    notices = search(get, "copyright")
    assert [(r["kind"], r["link"]) for r in notices] == [
        ("Lumen notice", "https://lumendatabase.org/notices/177"),
        ("Lumen notice", "https://lumendatabase.org/notices/3358"),
    ]
    assert notices[0]["source"] == "AudioLock.NET → Google, Inc." and notices[0]["date"] == "2012-11-14"
    statements = search(get, "own-initiative investigations")
    assert statements and {r["kind"] for r in statements} == {"DSA statement of reasons"}
    assert statements[0]["source"] == "TikTok"
    assert statements[0]["link"].startswith("https://transparency.dsa.ec.europa.eu/statement/")
    assert "— incompatible content" in statements[0]["title"]


def test_snippet_is_html_with_marks_and_scraped_markup_escaped(get):
    page = get("/modwatch/search", params={"q": "thu cung"}).text
    assert '<td class="col-snippet">' in page and "<mark>Thú</mark> <mark>Cưng</mark>" in page
    probe = get("/modwatch/search", params={"q": "quoting markup"}).text  # the XSS probe article
    assert "&lt;script&gt;window.__modwatch_xss" in probe and "<script>window.__modwatch_xss" not in probe


@pytest.mark.parametrize("q", ['"', "", "   ", "()", "AND"])
def test_nothing_searchable_or_fts_syntax_never_errors(get, q):
    assert isinstance(search(get, q), list)


@pytest.mark.parametrize(
    "text, query",
    [
        ("Löschung NetzDG", '"Löschung" "NetzDG"'),
        ('"Decree 72" Facebook', '"Decree 72" "Facebook"'),
        ("", '""'),
        ('"', '""'),
    ],
)
def test_fts_words_quotes_each_word(text, query):
    assert modwatch_search.fts_words(text) == query


def test_highlight_escapes_then_marks():
    assert modwatch_search.highlight("<b>\x02Zensur\x03</b>") == "&lt;b&gt;<mark>Zensur</mark>&lt;/b&gt;"
