"""Two WARC snapshots of the same pages taken at different times, built from real pages.

Snapshot 1 (``2026-01-10T08:00:00Z``): four real article pages, as published (the demo snapshot's
files, ``demo/files/``).
Snapshot 2 (``2026-02-20T09:30:00Z``): the Wikimedia article edited (one sentence of its second
paragraph rewritten), the dh2020 page byte-identical, the kulu-media page answering
``410 Gone`` and the netzpolitik page ``451 Unavailable For Legal Reasons`` (with the RFC 7725
``Link: <...>; rel="blocked-by"`` header).

The ``news`` spider crawls them as the ``start_urls`` of one site (``history-sites.yaml``,
no discovery step), so every page goes through the article callback.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from modwatch.archive.warc import WarcFile
from tests.helpers import DH2020_PAGE, KULU_PAGE, NETZPOLITIK_PAGE, WIKIMEDIA_PAGE

T1 = datetime(2026, 1, 10, 8, 0, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 2, 20, 9, 30, 0, tzinfo=timezone.utc)

WIKIMEDIA = (
    "https://wikimediafoundation.org/news/2020/01/15/"
    "access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"
)
DH2020 = "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/"
KULU = "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/"
NETZPOLITIK = "https://netzpolitik.org/2016/die-cider-connection-abmahnungen-gegen-nutzer-von-creative-commons-bildern/"

#: the real pages of the demo snapshot (demo/files/, origins in demo/SOURCES.md)
PAGES = {WIKIMEDIA: WIKIMEDIA_PAGE, DH2020: DH2020_PAGE, KULU: KULU_PAGE, NETZPOLITIK: NETZPOLITIK_PAGE}

ORIGINAL_SENTENCE = (
    "We are thrilled that the people of Turkey will once again be able to participate in the largest "
    "global conversation about the culture and history of Turkey online"
)
EDITED_SENTENCE = "We welcome the restoration of access, which came after a long legal fight,"

HTML = {"Content-Type": "text/html; charset=UTF-8"}
BLOCKED_BY = '<https://www.bundesnetzagentur.de/>; rel="blocked-by"'

SITES_YAML = f"""
sites:
  - key: history
    name: History test pages
    base_url: https://wikimediafoundation.org/
    language: en
    discovery: []
    start_urls:
{chr(10).join(f"      - {url}" for url in PAGES)}
"""


def page(url: str) -> bytes:
    return PAGES[url].read_bytes()


def edited_wikimedia() -> bytes:
    original = page(WIKIMEDIA)
    assert ORIGINAL_SENTENCE.encode() in original
    return original.replace(ORIGINAL_SENTENCE.encode(), EDITED_SENTENCE.encode())


@dataclass
class Snapshots:
    first: Path
    second: Path
    sites_file: Path
    warc_dir: Path

    @property
    def folder(self) -> Path:
        return self.first.parent


def build_snapshots(tmp_path: Path) -> Snapshots:
    """Write both snapshots and the sites file under ``tmp_path``."""
    folder = tmp_path / "snapshots"
    first, second = folder / "snapshot-2026-01-10.warc.gz", folder / "snapshot-2026-02-20.warc.gz"
    with WarcFile(first) as warc:
        for url in PAGES:
            warc.write_fetch(url, page(url), HTML, fetched_at=T1)
    with WarcFile(second) as warc:
        warc.write_fetch(WIKIMEDIA, edited_wikimedia(), HTML, fetched_at=T2)
        warc.write_fetch(DH2020, page(DH2020), HTML, fetched_at=T2)
        warc.write_fetch(KULU, b"<html><body><h1>Gone</h1></body></html>", HTML, status=410, fetched_at=T2)
        warc.write_fetch(
            NETZPOLITIK,
            b"<html><title>Unavailable For Legal Reasons</title></html>",
            {**HTML, "Link": BLOCKED_BY},
            status=451,
            fetched_at=T2,
        )
    sites_file = tmp_path / "history-sites.yaml"
    sites_file.write_text(SITES_YAML, encoding="utf-8")
    return Snapshots(first, second, sites_file, tmp_path / "warc")
