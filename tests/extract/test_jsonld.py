"""JSON-LD blocks of real pages: @graph flattened, nested entities with deep=True, broken JSON kept as text."""

import gzip
import json
from pathlib import Path

import pytest

from modwatch.extract import jsonld
from modwatch.extract.text import to_tree
from tests.helpers import KULU_PAGE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def tree(name: str | Path):
    """The parsed page ``tests/fixtures/<name>`` (or at an absolute path), gunzipped if ``.gz``."""
    path = FIXTURES / name
    data = path.read_bytes()
    return to_tree(gzip.decompress(data) if path.name.endswith(".gz") else data)


def test_rank_math_graph_is_flattened_in_page_order():
    page = tree(KULU_PAGE)  # one block: {"@context", "@graph": [...]}
    assert [sorted(jsonld.types(o)) for o in jsonld.page_objects(page)] == [
        [],
        ["NewsMediaOrganization", "Organization"],
        ["WebSite"],
        ["ImageObject"],
        ["BreadcrumbList"],
        ["WebPage"],
        ["Person"],
        ["NewsArticle"],
    ]
    article = [o for o in jsonld.page_objects(page) if jsonld.types(o) == {"NewsArticle"}][0]
    assert article["datePublished"] == "2026-06-12T18:11:51+03:00"


def test_deep_walk_finds_nested_entities_but_not_authors_or_publishers():
    page = tree("dates/denverpost.com-Colorado.html.gz")
    flat = [sorted(jsonld.types(o)) for o in jsonld.page_objects(page)]
    deep = [sorted(jsonld.types(o)) for o in jsonld.page_objects(page, deep=True)]
    assert flat == [["NewsArticle"], ["AnalysisNewsArticle"]]
    assert deep == [["NewsArticle"], ["WebPage"], ["AnalysisNewsArticle"], ["Language"]]  # mainEntityOfPage, inLanguage
    # the page's "author" (Person), "publisher" (Organization) and "image" objects are not walked into
    assert {"Person", "Organization", "ImageObject"}.isdisjoint(t for types in deep for t in types)


def test_broken_json_is_kept_as_text():
    page = tree("pages/strangemachines.io.performant.html.gz")
    [(text, data)] = list(jsonld.blocks(page))
    assert data is None
    with pytest.raises(json.JSONDecodeError, match="control character"):
        json.loads(text)
    assert '"datePublished": "2019-12-03"' in text and text.startswith("{") and text.endswith("}")
    assert list(jsonld.page_objects(page)) == []


def test_types_cut_iris_and_ignore_non_strings():
    assert jsonld.types({"@type": ["http://schema.org/NewsArticle", "Article", 3]}) == {"NewsArticle", "Article"}
    assert jsonld.types({"name": "no type"}) == set()
