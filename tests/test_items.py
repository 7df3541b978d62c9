"""items: every item class of the project in one module, and their contracts."""

import importlib
import inspect
import pkgutil

import pytest
import scrapy
from scrapy.utils.misc import load_object

import items
from pipelines.routes import ROUTES
from items import DatasetFileItem, LumenPageItem

ROOT_SPIDERS = [
    "spiders.google_removals.GoogleRemovalsSpider",
    "spiders.meta_restrictions.MetaRestrictionsSpider",
    "spiders.x_removals.XRemovalsSpider",
    "spiders.tiktok_removals.TikTokRemovalsSpider",
    "spiders.lumen.LumenSpider",
    "spiders.dsa_sor.DsaSorSpider",
    "spiders.url_check.UrlCheckSpider",
]


def test_every_item_class_has_one_route_to_a_store_function():
    """``pipelines.routes.ROUTES`` is keyed by the classes of ``items`` themselves: each has a store function."""
    classes = {
        obj
        for _, obj in inspect.getmembers(items, inspect.isclass)
        if issubclass(obj, scrapy.Item) and obj.__module__ == "items" and not obj.__name__.startswith("_")
    }
    assert {cls.__name__ for cls in classes} == {
        "ArticleItem",
        "RejectItem",
        "DatasetFileItem",
        "SorDumpItem",
        "LumenPageItem",
        "UrlCheckItem",
    }
    assert set(ROUTES) == classes
    assert all(callable(function) for function in ROUTES.values())


@pytest.mark.parametrize("spider_ref", ROOT_SPIDERS)
def test_no_spider_names_its_store_functions_by_string(spider_ref):
    assert "MODWATCH_STORE_FUNCTIONS" not in (load_object(spider_ref).custom_settings or {})


def test_no_item_class_outside_items():
    """The library (``modwatch``, every module of it) defines no Scrapy item: items are the root ``items.py``."""
    import modwatch

    names = [info.name for info in pkgutil.walk_packages(modwatch.__path__, "modwatch.")]
    assert {"modwatch.takedown", "modwatch.transparency.dsa", "modwatch.transparency.lumen"} <= set(names)
    defined = [
        f"{name}.{cls_name}"
        for name in names
        if name != "modwatch.__main__"
        for cls_name, obj in inspect.getmembers(importlib.import_module(name), inspect.isclass)
        if issubclass(obj, scrapy.Item) and obj.__module__ == name
    ]
    assert defined == []


@pytest.mark.parametrize(
    "item",
    [
        DatasetFileItem(
            parser="google_removals",
            source="google_removals",
            url="https://storage.googleapis.com/x.zip",
            body=b"PK\x03\x04" + bytes(5 * 1024 * 1024),
            fetched_at="2026-11-29T12:00:00Z",
        ),
        LumenPageItem(url="https://lumendatabase.org/notices/search.json?page=1", body=b'{"notices": []}' * 1000),
    ],
)
def test_repr_shows_the_body_size_not_the_bytes(item):
    """Scrapy logs every scraped item at DEBUG ("Scraped from <200 ...>" + repr)."""
    text = repr(item)
    assert f"'body': '<{len(item['body'])} bytes>'" in text and item["url"] in text
    assert "PK" not in text and "notices" not in text.replace("/notices/", "")
    assert isinstance(item["body"], bytes)  # the item itself is unchanged
