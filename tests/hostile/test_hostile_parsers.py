"""The standing hostile suite: every parser is fed truncated, byte-flipped and re-ordered copies of
the real files in the repository (hypothesis, :mod:`tests.hostile.mangle`).

For each input, either it is stored — and what is stored holds the invariants of its table
(no country that is not ISO 3166 alpha-2, no period ending before it starts, no negative count,
no statement without a uuid, the row counts add up) — or it is refused with one of the
documented errors and a message saying why; nothing else escapes. Every reject row has a reason.

Examples are derandomized (the same on every run, for CI) and few per parser, so the suite takes
well under a minute or two.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings

import db
from modwatch.load.datasets import load_dataset
from modwatch.load.dsa import load_dump
from modwatch.load.notices import store_notice_page
from modwatch import discovery, feeds
from modwatch.discovery import DiscoveryError
from modwatch.extract.article import parse_article
from modwatch.transparency import PARSERS
from modwatch.transparency.dsa import DumpError
from modwatch.transparency.layouts import LayoutError
from modwatch.transparency.lumen import NoticeError, PageError
from modwatch.transparency.tiktok import WorkbookError
from tests.helpers import DEMO_FILES, FIXTURES, VI_FEED, WIKIMEDIA_PAGE, report_file
from tests.hostile.mangle import mangled

HOSTILE = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FETCHED_AT = "2026-11-29T12:00:00Z"
#: what a loader may raise for a file it refuses (the pipelines turn it into a reject): precise
#: classes only, never a bare ValueError (ArchiveTooLarge is a BadZipFile, ChecksumError a DumpError)
REFUSALS = (LayoutError, WorkbookError, zipfile.BadZipFile, DumpError, DiscoveryError, NoticeError, PageError)


def _rejects_have_reasons(database) -> None:
    assert database.execute("select count(*) from rejects where reason is null or trim(reason) = ''").fetchone()[0] == 0


def _refused(error: BaseException, database) -> None:
    assert isinstance(error, REFUSALS), f"{type(error).__name__} escaped: {error}"
    assert str(error).strip(), f"{type(error).__name__} without a message"
    failed = database.execute("select status, error from datasets order by id desc limit 1").fetchone()
    if failed is not None:  # the dataset row says it failed, and why; none of its rows stayed
        assert failed[0] == "failed" and (failed[1] or "").strip()


TRANSPARENCY_FILES = [
    (
        "google_removals",
        FIXTURES / "transparency" / "google-government-removal-requests.2023-03.head300.csv",
        "https://storage.googleapis.com/transparencyreport/google-government-removal-requests.csv",
    ),
    (
        "google_removals",
        report_file("google-government-removals.zip"),
        "https://storage.googleapis.com/transparencyreport/google-government-removals.zip",
    ),
    (
        "meta_restrictions",
        report_file("Content_Restrictions_2023_H2.csv"),
        "https://transparency.meta.com/download/Content_Restrictions_2023_H2.csv",
    ),
    (
        "x_removals",
        report_file("Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"),
        "https://example.org/Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv",
    ),
    ("tiktok_removals", report_file("GRFCR_map_2022_H1.derived.csv"), "https://example.org/GRFCR_map_2022_H1.csv"),
    ("tiktok_removals", report_file("English_LIPGR_2022_H1.xlsx"), "https://example.org/English_LIPGR_2022_H1.xlsx"),
]


def _check_transparency(parser: str, data: bytes, url: str) -> None:
    database = db.connect(":memory:")
    try:
        try:
            result = load_dataset(database, parser=parser, source=parser, url=url, data=data, fetched_at=FETCHED_AT)
        except Exception as error:  # noqa: BLE001 - the property is about which errors escape
            _refused(error, database)
            assert database.execute("select count(*) from removal_requests").fetchone()[0] == 0
            return
        assert result["status"] in ("loaded", "empty", "quarantined")
        if result["status"] != "loaded":  # refused as a whole: the dataset row says why
            error = database.execute("select error from datasets where id = ?", [result["dataset_id"]]).fetchone()[0]
            assert (error or "").strip()
        bad = database.execute(
            "select count(*) from removal_requests where (country is not null and country not glob '[A-Z][A-Z]') "
            "or period_start > period_end or requests < 0 or items_requested < 0 or items_actioned < 0 "
            "or trim(coalesce(platform, '')) = '' or trim(coalesce(location, '')) = ''"
        ).fetchone()[0]
        assert bad == 0
        stored = sum(
            database.execute(
                f"select count(*) from {table} where dataset_id = ?",  # noqa: S608
                [result["dataset_id"]],
            ).fetchone()[0]
            for table in PARSERS[parser].tables
        )
        assert stored == result["rows_stored"]
        _rejects_have_reasons(database)
    finally:
        database.close()


@pytest.mark.parametrize("parser, path, url", TRANSPARENCY_FILES, ids=[p.name for _, p, _ in TRANSPARENCY_FILES])
def test_transparency_parsers_survive_mangled_files(parser, path, url):
    real = path.read_bytes()
    _check_transparency(parser, real, url)  # the real file itself loads

    examples = 6 if path.suffix == ".zip" else 25  # the real Google zip is 900 kB of CSV to parse each time

    @settings(HOSTILE, max_examples=examples)
    @given(data=mangled(real))
    def check(data):
        _check_transparency(parser, data, url)

    check()


LUMEN_PAGE = DEMO_FILES / "lumendatabase.org" / "notices-search-page-3.json"


@HOSTILE
@given(data=mangled(LUMEN_PAGE.read_bytes()))
def test_lumen_pages_survive_mangling(data):
    database = db.connect(":memory:")
    try:
        try:
            store_notice_page(
                database, data, url="https://lumendatabase.org/notices/search.json?page=3", fetched_at=FETCHED_AT
            )
        except Exception as error:  # noqa: BLE001
            _refused(error, database)
            assert database.execute("select count(*) from notices").fetchone()[0] == 0
            return
        _rejects_have_reasons(database)
    finally:
        database.close()


DSA_FILES = [
    (
        FIXTURES / "dsa" / "sor-global-2024-03-14-full-00000-00000.head29.csv",
        "sor-global-2024-03-14-full-00000-00000.csv",
    ),
    (
        DEMO_FILES / "dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com" / "sor-global-2025-07-01-full.zip",
        "sor-global-2025-07-01-full.zip",
    ),
]


def _check_dsa(data: bytes, name: str) -> None:
    database = db.connect(":memory:")
    try:
        try:
            result = load_dump(
                database, io.BytesIO(data), url=f"https://example.org/{name}", name=name, fetched_at=FETCHED_AT
            )
        except Exception as error:  # noqa: BLE001
            _refused(error, database)
            assert database.execute("select count(*) from statements_of_reasons").fetchone()[0] == 0
            return
        counted = result["rows_stored"] + result["rows_rejected"] + result["duplicates"] + result["rows_filtered"]
        assert result["rows_read"] == counted and result["duplicates"] >= 0
        assert (
            database.execute("select count(*) from statements_of_reasons where uuid is null or uuid = ''").fetchone()[0]
            == 0
        )
        assert database.execute("select count(*) from statements_of_reasons").fetchone()[0] == result["rows_stored"]
        _rejects_have_reasons(database)
    finally:
        database.close()


@pytest.mark.parametrize("path, name", DSA_FILES, ids=[n for _, n in DSA_FILES])
def test_dsa_loader_survives_mangled_dumps(path, name):
    real = path.read_bytes()
    _check_dsa(real, name)

    @HOSTILE
    @given(data=mangled(real))
    def check(data):
        _check_dsa(data, name)

    check()


DISCOVERY_FILES = [
    ("feed", VI_FEED),
    ("feed", DEMO_FILES / "dh2020.adho.org" / "feed.xml"),
    ("sitemap", DEMO_FILES / "99hainnguyen.github.io" / "sitemap_index.xml"),
    ("sitemap", DEMO_FILES / "quirky-meitner6297.on.getshifter.io" / "wp-sitemap-posts-post-1.xml"),
    ("rest", DEMO_FILES / "demo.worona.org" / "posts-from-category-7.json"),
]


def _check_discovery(kind: str, data: bytes) -> None:
    try:
        if kind == "feed":
            entries = feeds.parse_feed(data, "https://example.org/feed/")
            assert all(isinstance(e.url, str) and e.url for e in entries)
        elif kind == "sitemap":
            sitemap = discovery.parse_sitemap(data, "https://example.org/sitemap.xml")
            assert sitemap.kind in ("index", "urlset")
            assert all(e.loc.startswith(("http://", "https://")) for e in sitemap.entries)
        else:
            posts = discovery.parse_rest_posts(data)
            assert all(isinstance(p, dict) for p in posts)
    except DiscoveryError as error:
        assert str(error).strip()


@pytest.mark.parametrize("kind, path", DISCOVERY_FILES, ids=[p.name for _, p in DISCOVERY_FILES])
def test_feed_sitemap_and_rest_parsers_survive_mangling(kind, path):
    real = path.read_bytes()
    _check_discovery(kind, real)

    @HOSTILE
    @given(data=mangled(real))
    def check(data):
        _check_discovery(kind, data)

    check()


@HOSTILE
@given(data=mangled(WIKIMEDIA_PAGE.read_bytes()))
def test_article_pages_survive_mangling(data):
    try:
        fields = parse_article(data, "https://wikimediafoundation.org/news/2019/12/26/access-to-wikipedia-restored/")
    except ValueError as error:  # documented: nothing to parse
        assert str(error).strip()
        return
    assert fields["url"].startswith("https://")
    published = fields.get("published_at")
    assert published is None or (len(published) >= 10 and published[4] == "-")
