"""Store functions of the DSA and Lumen spiders, and a transparency file through SQLitePipeline.

A dump arrives as a file (``SorDumpItem.path``), is streamed into the database and deleted;
input that cannot be stored becomes a ``rejects`` row and the crawl goes on (review #4, #5).
"""

import hashlib
from pathlib import Path

import pytest
import scrapy
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from items import DatasetFileItem, SorDumpItem
from pipelines.notices import store_lumen_page, store_sor_dump
from pipelines.store import SQLitePipeline
from tests.transparency.samples import V1, fixture, nested_zip

DUMP_URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip"
META_URL = "https://transparency.meta.com/sr/content-restrictions-2018-H2"
# the real Meta 2018-H2 file of the demo snapshot (demo/SOURCES.md)
META_FILE = (
    Path(__file__).resolve().parents[2]
    / "demo"
    / "files"
    / "raw.githubusercontent.com"
    / "joe-sturla"
    / "Content_Restrictions_2018_H2.csv"
)


@pytest.fixture
def stats():
    return MemoryStatsCollector(get_crawler(scrapy.Spider))


def dump_item(path: Path, data: bytes) -> dict:
    path.write_bytes(data)
    return {
        "url": DUMP_URL,
        "path": str(path),
        "sha256": hashlib.sha256(data).hexdigest(),
        "byte_size": len(data),
        "fetched_at": "2026-11-29T12:00:00Z",
        "warc_record_id": None,
        "slug": "global",
    }


def test_a_dump_file_is_streamed_in_and_deleted(memory_db, tmp_path, stats):
    data = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)})
    item = dump_item(tmp_path / "dump.part", data)
    store_sor_dump(memory_db, item, crawl_run_id=None, spider="dsa_sor", stats=stats)
    dataset = memory_db["datasets"].get(1)
    assert (dataset["url"], dataset["sha256"], dataset["byte_size"], dataset["status"], dataset["rows_read"]) == (
        DUMP_URL,
        hashlib.sha256(data).hexdigest(),
        len(data),
        "loaded",
        29,
    )
    assert memory_db["statements_of_reasons"].count == stats.get_value("modwatch/statements_of_reasons") == 28
    assert not Path(item["path"]).exists()


def test_a_file_that_is_not_a_dump_is_a_reject_not_an_exception(memory_db, tmp_path, stats):
    """S3 answering an error page with status 200: the reject keeps it, the dataset is failed."""
    page = (
        b"<?xml version='1.0'?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
    )
    item = dump_item(tmp_path / "dump.part", page)
    store_sor_dump(memory_db, item, crawl_run_id=None, spider="dsa_sor", stats=stats)
    (reject,) = memory_db.query("select * from rejects")
    assert reject["reason"] == (
        "DSA dump not stored: DumpError: sor-global-2024-03-14-full.zip is not a zip file: File is not a zip file"
    )
    assert (reject["url"], reject["excerpt"], reject["spider"]) == (DUMP_URL, page.decode(), "dsa_sor")
    assert memory_db["datasets"].get(1)["status"] == "failed"
    assert stats.get_value("modwatch/rejects") == 1 and not Path(item["path"]).exists()


def test_a_lumen_page_that_cannot_be_stored_is_a_reject(memory_db, stats):
    body = b'{"notices": [], "meta": {"total_entries": 0}}'
    item = {
        "url": "https://lumendatabase.org/notices/search.json?page=1",
        "body": body,
        "fetched_at": "yesterday",
        "warc_record_id": "<urn:uuid:1>",
    }
    store_lumen_page(memory_db, item, crawl_run_id=None, spider="lumen", stats=stats)
    (reject,) = memory_db.query("select * from rejects")
    assert reject["reason"] == "Lumen page not stored: ValueError: Invalid isoformat string: 'yesterday'"
    assert (reject["excerpt"], reject["warc_record_id"]) == (body.decode(), "<urn:uuid:1>")
    assert stats.get_value("modwatch/rejects") == 1


def test_sor_dump_items_carry_a_path_never_the_bytes():
    assert "body" not in SorDumpItem.fields and {"path", "sha256", "byte_size"} <= set(SorDumpItem.fields)


class MetaSpider(scrapy.Spider):
    name = "meta_restrictions"


def test_the_pipeline_sets_results_on_the_item_and_empties_its_body(db_path):
    crawler = get_crawler(MetaSpider, {"MODWATCH_DB": str(db_path)})
    crawler.spider = crawler._create_spider()
    pipeline = SQLitePipeline.from_crawler(crawler)
    pipeline.open_spider()
    item = DatasetFileItem(
        parser="meta_restrictions",
        source="meta_restrictions/2018-H2",
        url=META_URL,
        body=META_FILE.read_bytes(),
        fetched_at="2026-11-29T12:00:00Z",
    )
    pipeline.process_item(item)
    stored = pipeline.db.execute(
        "select (select count(*) from removal_requests where dataset_id = 1), "
        "(select count(*) from meta_global_geoblocks where dataset_id = 1)"
    ).fetchone()
    pipeline.close_spider()
    assert stored == (560, 6)
    assert (item["dataset_id"], item["status"], item["rows_stored"], item["body"]) == (1, "loaded", 566, b"")


def test_a_dump_missing_a_required_column_is_refused_and_counted(memory_db, tmp_path, stats):
    """The real dump CSV with ``platform_name`` cut out of header and rows: refused, listed, the crawl not ok."""
    lines = fixture(V1).decode("utf-8").split("\n")
    at = lines[0].split(",").index("platform_name")
    cut = (
        "\n".join(
            ",".join(cell for i, cell in enumerate(line.split(",")) if i != at) if line else line for line in lines[:1]
        )
        + "\n"
        + "\n".join(lines[1:])
    )
    item = dump_item(tmp_path / "dump.part", nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": cut.encode()}))
    store_sor_dump(memory_db, item, crawl_run_id=None, spider="dsa_sor", stats=stats)
    (reject,) = memory_db.query("select reason from rejects")
    assert reject["reason"] == (
        "DSA dump not stored: DumpError: sor-global-2024-03-14-full-00000-00000.csv: "
        "header lacks required column(s): platform_name"
    )
    assert memory_db["statements_of_reasons"].count == 0
    assert stats.get_value("modwatch/datasets_refused") == 1
