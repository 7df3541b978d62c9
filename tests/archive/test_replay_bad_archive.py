"""A replay archive that is missing, not a WARC or truncated is reported, not replayed as 404s (new-user finding 10)."""

import logging
import re
import subprocess
import sys

import pytest
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from middlewares.replay import ReplayArchiveError, WarcIndex, WarcReplayMiddleware
from modwatch.archive.warc import write_warc
from tests.helpers import KULU_PAGE, NETZPOLITIK_PAGE, ROOT, WIKIMEDIA_PAGE, crawl_env

SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"
KULU_URL = "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/"
WIKIMEDIA_URL = (
    "https://wikimediafoundation.org/news/2020/01/15/"
    "access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"
)


def crawl(tmp_path, replay):
    env = crawl_env(tmp_path, MODWATCH_REPLAY=replay)
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "x_removals"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda tmp: tmp / "nope.warc.gz", "No such file or directory"),
        (lambda tmp: WIKIMEDIA_PAGE, "not a readable WARC file"),
    ],
    ids=["missing", "an-html-page"],
)
def test_crawl_with_an_unusable_archive_fails_at_start(tmp_path, make, message):
    replay = make(tmp_path)
    result = crawl(tmp_path, replay)
    assert result.returncode != 0
    assert f"ERROR: MODWATCH_REPLAY={replay} cannot be replayed: " in result.stderr
    assert message in result.stderr
    assert "Spider opened" not in result.stderr  # no request was answered with 404s


PAGES = [  # real pages: (URL, file)
    (KULU_URL, KULU_PAGE),
    (
        "https://netzpolitik.org/2012/die-cider-connection-abmahnungen-gegen-nutzer-von-porno-streaming-seiten/",
        NETZPOLITIK_PAGE,
    ),
    (WIKIMEDIA_URL, WIKIMEDIA_PAGE),
]


@pytest.fixture
def archive(tmp_path):
    """A gzipped WARC of three real pages and the (offset, length) of each record in the file."""
    path = tmp_path / "pages.warc.gz"
    write_warc(path, [(url, page.read_bytes(), {"Content-Type": "text/html; charset=UTF-8"}) for url, page in PAGES])
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        offsets = [iterator.get_record_offset() for record in iterator if record.rec_type == "response"]
    return path, offsets


def _cut(archive, size):
    path, _ = archive
    cut = path.with_name("cut.warc.gz")
    cut.write_bytes(path.read_bytes()[:size])
    return cut


@pytest.mark.parametrize(
    "where, records, what",
    [
        ("inside the last record", 2, r"\(" + re.escape(WIKIMEDIA_URL) + r"\) lacks \d+ bytes"),
        ("inside the first record", 0, r"\(" + re.escape(KULU_URL) + r"\) lacks \d+ bytes"),
        ("inside the headers of the second record", 1, r"the last 20 bytes hold no complete record"),
    ],
)
def test_truncated_archive_replays_complete_records_and_logs_an_error(archive, caplog, where, records, what):
    path, offsets = archive
    size = {
        "inside the last record": path.stat().st_size - 100,
        "inside the first record": offsets[1] // 2,
        "inside the headers of the second record": offsets[1] + 20,
    }[where]
    cut = _cut(archive, size)
    crawler = get_crawler(settings_dict={"MODWATCH_REPLAY": str(cut)})
    with caplog.at_level(logging.ERROR, logger="middlewares.replay"):
        middleware = WarcReplayMiddleware.from_crawler(crawler)
    assert middleware.index.records == records
    ((logged_path, description),) = middleware.index.truncated
    assert logged_path == cut and re.search(what + "$", description)
    assert crawler.stats.get_value("replay/truncated_files") == 1
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"Truncated WARC file {cut}: {description}; replaying the {records} records before "
        + ("them" if "hold no complete record" in what else "it")
    ]
    # complete records are replayed, a cut one never is
    assert [url in middleware.index for url, _ in PAGES] == [n < records for n in range(3)]


def test_a_complete_archive_is_not_truncated(archive, caplog):
    with caplog.at_level(logging.ERROR):
        index = WarcIndex([archive[0], SNAPSHOT])
    assert (index.records, index.truncated, caplog.records) == (
        3 + 79,
        [],
        [],
    )  # the demo snapshot: 79 manifest entries


def test_from_crawler_raises_for_a_file_that_is_not_a_warc():
    with pytest.raises(ReplayArchiveError, match=r"cannot be replayed: .*not a readable WARC file"):
        WarcReplayMiddleware.from_crawler(get_crawler(settings_dict={"MODWATCH_REPLAY": str(WIKIMEDIA_PAGE)}))
