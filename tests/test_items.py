"""items: every item class of the project in one module, and their contracts."""

import inspect

import pytest
import scrapy
from scrapy.utils.misc import load_object

import items
from items import DatasetFileItem, LumenPageItem

ROOT_SPIDERS = ["spiders.google_removals.GoogleRemovalsSpider", "spiders.meta_restrictions.MetaRestrictionsSpider",
                "spiders.x_removals.XRemovalsSpider", "spiders.tiktok_removals.TikTokRemovalsSpider",
                "spiders.lumen.LumenSpider", "spiders.dsa_sor.DsaSorSpider", "spiders.url_check.UrlCheckSpider"]


@pytest.mark.parametrize("spider_ref", ROOT_SPIDERS)
def test_store_functions_are_registered_for_classes_of_modwatch_items(spider_ref):
    """``MODWATCH_STORE_FUNCTIONS`` keys are class paths (pipelines.store matches them exactly)."""
    keys = load_object(spider_ref).custom_settings["MODWATCH_STORE_FUNCTIONS"]
    for key, target in keys.items():
        module, _, name = key.rpartition(".")
        assert module == "items", key
        assert issubclass(getattr(items, name), scrapy.Item)
        module, _, function = target.partition(":")
        assert callable(load_object(f"{module}.{function}"))


def test_no_item_class_outside_modwatch_items():
    import modwatch.takedown
    import modwatch.transparency
    import modwatch.transparency.dsa
    import modwatch.transparency.lumen

    for module in (modwatch.takedown, modwatch.transparency, modwatch.transparency.dsa, modwatch.transparency.lumen):
        defined = [name for name, obj in inspect.getmembers(module, inspect.isclass)
                   if issubclass(obj, scrapy.Item) and obj.__module__ == module.__name__]
        assert defined == [], module.__name__


@pytest.mark.parametrize("item", [
    DatasetFileItem(parser="google_removals", source="google_removals", url="https://storage.googleapis.com/x.zip",
                    body=b"PK\x03\x04" + bytes(5 * 1024 * 1024), fetched_at="2026-11-29T12:00:00Z"),
    LumenPageItem(url="https://lumendatabase.org/notices/search.json?page=1", body=b'{"notices": []}' * 1000),
])
def test_repr_shows_the_body_size_not_the_bytes(item):
    """Scrapy logs every scraped item at DEBUG ("Scraped from <200 ...>" + repr)."""
    text = repr(item)
    assert f"'body': '<{len(item['body'])} bytes>'" in text and item["url"] in text
    assert "PK" not in text and "notices" not in text.replace("/notices/", "")
    assert isinstance(item["body"], bytes)  # the item itself is unchanged
