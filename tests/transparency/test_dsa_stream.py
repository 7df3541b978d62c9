"""The ``dsa_sor`` spider against a local HTTP server: a large dump is streamed to a file, not held by Scrapy.

``MODWATCH_DSA_SPOOL_ABOVE`` is lowered to 1,000 bytes so that a real nested-zip dump of the
sample rows takes the streaming path; with the default (32 MiB) the same dump is downloaded by
Scrapy. Either way the item carries a file, the statements, the dataset's sha256/size and the
WARC record (``archive=1``) are right, and the spool file is gone after the crawl.
"""

import hashlib
import sqlite3

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers import PageHandler, local_server
from tests.transparency.samples import V1, fixture, nested_zip

DUMP = nested_zip(
    {"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1), "sor-global-2024-03-14-full-00001-00000.csv": b""}
)
REQUESTS = []


class DumpServer(PageHandler):
    def do_GET(self):
        REQUESTS.append(self.path)
        if self.path == "/sor-global-2024-03-14-full.zip":
            self.send(200, DUMP, "application/zip")
        else:
            self.send(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")


def archived(folder) -> dict:
    """``{WARC-Record-ID: (file name, payload)}`` of every response record in ``folder``."""
    records = {}
    for path in folder.glob("*.warc.gz"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    records[record.rec_headers.get_header("WARC-Record-ID")] = (
                        path.name,
                        record.content_stream().read(),
                    )
    return records


@pytest.mark.parametrize("spool_above, streamed", [(1_000, True), (None, False)])
def test_dump_is_stored_from_a_file_and_archived(run_crawl, db_path, tmp_path, spool_above, streamed):
    REQUESTS.clear()
    spool, warc_dir = tmp_path / "spool", tmp_path / "warc"
    settings = {"MODWATCH_SPOOL_DIR": str(spool)}
    if spool_above is not None:
        settings["MODWATCH_DSA_SPOOL_ABOVE"] = spool_above
    with local_server(DumpServer) as base:
        url, missing = f"{base}/sor-global-2024-03-14-full.zip", f"{base}/sor-global-2024-03-15-full.zip"
        result = run_crawl(
            "spiders.dsa_sor:DsaSorSpider",
            db=db_path,
            warc_dir=warc_dir,
            settings=settings,
            spider_args={"urls": f"{url},{missing}", "archive": "1", "platforms": "TikTok,Wallapop"},
        )
    database = sqlite3.connect(db_path)
    assert dict(database.execute("select platform_name, count(*) from statements_of_reasons group by 1")) == {
        "TikTok": 7
    }
    dataset = database.execute(
        "select url, sha256, byte_size, rows_read, status, warc_record_id from datasets"
    ).fetchone()
    assert dataset[:5] == (url, hashlib.sha256(DUMP).hexdigest(), len(DUMP), 29, "loaded")
    file_name, payload = archived(warc_dir)[dataset[5]]
    assert payload == DUMP
    (reason,) = database.execute("select reason from rejects where url = ?", [missing]).fetchone()
    assert reason == "DSA dump not downloaded: HTTP 404"
    assert list(spool.iterdir()) == []  # the pipeline deleted the file it stored
    if streamed:  # Scrapy's GET stopped after the headers, then the streaming GET
        assert REQUESTS.count("/sor-global-2024-03-14-full.zip") == 2
        assert file_name.startswith("dsa_sor-1-") and file_name.endswith("-sor-global-2024-03-14-full.warc.gz")
        assert f"{url} is larger than 1000 bytes: streaming it" in result.stderr
        assert "'dsa_sor/streamed_bytes': %d" % len(DUMP) in result.stderr
    else:
        assert REQUESTS.count("/sor-global-2024-03-14-full.zip") == 1
        assert "streaming it" not in result.stderr
    # an item's repr (Scrapy's "Scraped from" DEBUG line) names the file, never the bytes
    assert "'path': '" in result.stderr and "PK\\x03\\x04" not in result.stderr
