"""Altered copies of the real report files never replace good data; impossible values are rejects.

Each test loads a real file (``tests.helpers.report_file``), then a copy altered inside the test
(truncated, a zip member cut, a byte flipped, a row duplicated, a negative cell, a far-future period)
and checks that the current figures did not change (or that only the bad row is missing), and that
the dataset or the reject names the reason. The crawl status of a refused file: ``test_crawl_refused.py``.
"""

import io
import zipfile

import pytest

from modwatch.load.datasets import load_dataset
from modwatch.transparency.validate import MIN_SHARE_OF_CURRENT
from tests.helpers import report_file

X_NAME = "Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"
X_URL = f"https://example.org/x/{X_NAME}"
GOOGLE_URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"
META_NAME = "Content_Restrictions_2023_H2.csv"
FETCHED = "2026-11-29T12:00:00Z"
AFGHANISTAN_H2_2020 = b"2020-07-01,Afghanistan,0,1,1,NULL,0,0,0,1,1,0,0,0,0,0"

CURRENT_FIGURES = """
    select platform, count(*), sum(requests), sum(items_actioned) from removal_requests
    where is_current = 1 group by platform order by platform
"""


def load(database, parser, data, *, url, source=None, **options):
    return load_dataset(
        database, parser=parser, source=source or parser, url=url, data=data, fetched_at=FETCHED, **options
    )


def figures(database):
    return [tuple(row) for row in database.execute(CURRENT_FIGURES)]


def dataset(database, dataset_id):
    return database.execute("select status, is_current, error from datasets where id = ?", [dataset_id]).fetchone()


def rejects(database, dataset_id):
    return [
        tuple(r)
        for r in database.execute(
            "select reason, excerpt, location from rejects where dataset_id = ? order by id", [dataset_id]
        )
    ]


@pytest.fixture
def x_loaded(memory_db):
    data = report_file(X_NAME).read_bytes()
    first = load(memory_db, "x_removals", data, url=X_URL)
    assert first["status"] == "loaded" and first["rows_stored"] == 1858
    return memory_db, data, figures(memory_db)


def assert_quarantined(database, result, before, reason):
    assert result["status"] == "quarantined"
    status, is_current, error = dataset(database, result["dataset_id"])
    assert (status, is_current) == ("quarantined", 0)
    assert reason in error
    assert figures(database) == before  # the current figures did not change


def test_x_truncated_mid_row_is_quarantined(x_loaded):
    database, data, before = x_loaded
    cut = data[: len(data) // 2]
    cut = cut[: cut.rindex(b"\n") + 20]  # inside a row of the legal demands table
    result = load(database, "x_removals", cut, url=X_URL)
    assert_quarantined(database, result, before, "ends inside a row")
    assert before == [("X", 1858, 373244, 3340)]


def test_x_cut_at_a_line_end_is_quarantined_as_too_small_unless_accepted(x_loaded):
    database, data, before = x_loaded
    lines = data.split(b"\n")
    cut = b"\n".join(lines[:300] + lines[621:])  # both tables whole, half the legal demands gone
    result = load(database, "x_removals", cut, url=X_URL)
    assert_quarantined(database, result, before, "far below the 1858 rows of the current dataset")
    assert result["rows_stored"] < 1858 * MIN_SHARE_OF_CURRENT
    accepted = load(database, "x_removals", cut, url=X_URL, accept_shrink=True)
    assert accepted["status"] == "loaded"
    assert figures(database)[0][1] == accepted["rows_stored"] < 1858


def test_x_wrong_header_on_the_first_table_is_quarantined(x_loaded):
    database, data, before = x_loaded
    altered = data.replace(b"Time period start,Country,Court Orders", b"Period,Country,Court Orders", 1)
    result = load(database, "x_removals", altered, url=X_URL)
    assert_quarantined(database, result, before, "table 'legal demands' missing or with an unknown header")


def test_a_file_smaller_than_its_content_length_is_quarantined(x_loaded):
    database, data, before = x_loaded
    result = load(database, "x_removals", data[:-40], url=X_URL, announced_size=len(data))
    assert_quarantined(database, result, before, f"below the {len(data)} the server announced (Content-Length)")


def test_meta_truncated_is_quarantined(memory_db):
    data = report_file(META_NAME).read_bytes()
    url = f"https://example.org/meta/{META_NAME}"
    assert load(memory_db, "meta_restrictions", data, url=url)["status"] == "loaded"
    before = figures(memory_db)
    result = load(memory_db, "meta_restrictions", data[: len(data) // 2], url=url)
    assert_quarantined(memory_db, result, before, "ends inside a row")
    assert before == [("Meta", 2008, None, 48144930)]


def rezip(data: bytes, change) -> bytes:
    """Google's zip with ``change(name, bytes) -> bytes | None`` applied to each member (None: left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = change(info.filename, source.read(info))
            if member is not None:
                target.writestr(info.filename, member)
    return out.getvalue()


@pytest.fixture(scope="module")
def google_zip():
    return report_file("google-government-removals.zip").read_bytes()


@pytest.fixture
def google_loaded(memory_db, google_zip):
    assert load(memory_db, "google_removals", google_zip, url=GOOGLE_URL)["rows_stored"] == 32982
    return memory_db, figures(memory_db)


def test_google_zip_missing_members_is_quarantined(google_loaded, google_zip):
    database, before = google_loaded
    only_one = rezip(
        google_zip,
        lambda name, body: (
            body if name.endswith("/google-government-removal-requests.csv") or not name.endswith(".csv") else None
        ),
    )
    result = load(database, "google_removals", only_one, url=GOOGLE_URL)
    assert_quarantined(
        database,
        result,
        before,
        "zip lacks the member(s) for by_product_reason, historical_by_country, historical_by_product_reason",
    )
    assert before == [("Google", 32982, 1239695, None)]


def test_google_member_truncated_is_quarantined(google_loaded, google_zip):
    database, before = google_loaded
    cut = rezip(
        google_zip,
        lambda name, body: (
            body[: body.index(b"\n", 50_000) + 15] if name.endswith("detailed-removal-requests.csv") else body
        ),
    )
    result = load(database, "google_removals", cut, url=GOOGLE_URL)
    assert_quarantined(
        database, result, before, "google-government-detailed-removal-requests.csv: ends inside a row (2 of 6 cells)"
    )


def test_google_invalid_byte_is_one_reject_showing_it_not_a_cp1252_file(memory_db, google_zip):
    flipped = rezip(
        google_zip,
        lambda name, body: (
            body.replace(b"Afghanistan,AF", b"Afghan\xffstan,AF", 1)
            if name.endswith("/google-government-removal-requests.csv")
            else body
        ),
    )
    result = load(memory_db, "google_removals", flipped, url=GOOGLE_URL)
    assert result["status"] == "loaded" and result["rows_rejected"] == 1
    ((reason, excerpt, location),) = rejects(memory_db, result["dataset_id"])
    assert reason == "invalid UTF-8 bytes b'\\xff' in country_name_raw"
    assert "Afghan\\xffstan" in excerpt and location.startswith("google-government-removals/google-government-")
    names = {
        r[0] for r in memory_db.execute("select distinct country_name_raw from removal_requests where country = 'TR'")
    }
    assert names == {"Turkey", "Türkiye"}  # the rest of the file still reads as UTF-8


def test_x_invalid_byte_row_is_rejected_with_its_bytes(x_loaded):
    database, data, _ = x_loaded
    altered = data.replace(b"2020-07-01,Argentina,", b"2020-07-01,Bad\xe9\xffName,", 1)
    result = load(database, "x_removals", altered, url=X_URL)
    assert result["status"] == "loaded" and result["rows_rejected"] == 1
    ((reason, excerpt, _),) = rejects(database, result["dataset_id"])
    assert reason == "invalid UTF-8 bytes b'\\xe9\\xff' in country_name_raw"
    assert "Bad\\xe9\\xffName" in excerpt
    assert not database.execute("select count(*) from removal_requests where country_name_raw like 'Bad%'").fetchone()[
        0
    ]


def afghanistan(database):
    return database.execute(
        "select requests from removal_requests where is_current = 1 and country = 'AF' "
        "and period_end = '2020-12-31' and counts_in_total = 1"
    ).fetchall()


def test_x_duplicated_row_counts_once(x_loaded):
    database, data, _ = x_loaded
    altered = data.replace(AFGHANISTAN_H2_2020, AFGHANISTAN_H2_2020 + b"\n" + AFGHANISTAN_H2_2020, 1)
    result = load(database, "x_removals", altered, url=X_URL)
    assert result["status"] == "loaded" and result["rows_stored"] == 1858
    assert {r[0] for r in rejects(database, result["dataset_id"])} == {"exact duplicate of an earlier row of this file"}
    assert afghanistan(database) == [(1,)]


@pytest.mark.parametrize(
    "cell, reason",
    [
        (b"2020-07-01,Afghanistan,0,1,-5,NULL,0,0,0,1,1,0,0,0,0,0", "negative count: '-5'"),
        (b"2020-07-01,Afghanistan,0,1,1,NULL,0,-0.84,0,1,1,0,0,0,0,0", "share outside 0-100 %: '-0.84' (-84 %)"),
        (b"2020-07-01,Afghanistan,0,1,1,NULL,0,7.5,0,1,1,0,0,0,0,0", "share outside 0-100 %: '7.5' (750 %)"),
    ],
)
def test_x_impossible_value_is_a_reject_and_the_rest_loads(x_loaded, cell, reason):
    database, data, _ = x_loaded
    result = load(database, "x_removals", data.replace(AFGHANISTAN_H2_2020, cell, 1), url=X_URL)
    assert result["status"] == "loaded" and result["rows_rejected"] == 1 and result["rows_stored"] == 1855
    ((stored_reason, excerpt, location),) = rejects(database, result["dataset_id"])
    assert reason in stored_reason and excerpt == cell.decode() and location == f"{X_NAME}:3"
    assert afghanistan(database) == []


@pytest.mark.parametrize(
    "start, reason",
    [
        (b"2099-07-01", "period 2099-07-01..2099-12-31 ends after the file was fetched (2026-11-29T12:00:00Z)"),
        (b"9999-07-01", "period 9999-07-01..9999-12-31 ends after the file was fetched"),
        (b"2001-07-01", "period 2001-07-01..2001-12-31 before the platform's first report year 2012"),
    ],
)
def test_x_period_outside_the_reporting_years_is_a_reject(x_loaded, start, reason):
    database, data, _ = x_loaded
    altered = data.replace(AFGHANISTAN_H2_2020, start + AFGHANISTAN_H2_2020[10:], 1)
    result = load(database, "x_removals", altered, url=X_URL)
    assert result["status"] == "loaded" and result["rows_rejected"] == 1 and result["rows_stored"] == 1855
    ((stored_reason, excerpt, _),) = rejects(database, result["dataset_id"])  # the line's three rows: one reject
    assert reason in stored_reason and '"country_name_raw": "Afghanistan"' in excerpt
    assert database.execute("select max(period_end) from removal_requests").fetchone()[0] == "2020-12-31"


def test_meta_and_tiktok_negative_cells_are_rejects(memory_db):
    meta = report_file(META_NAME).read_bytes()
    line = next(raw for raw in meta.split(b"\n") if raw.startswith(b"VN,"))
    bad = line.split(b",")
    bad[2] = b"-7"
    result = load(
        memory_db, "meta_restrictions", meta.replace(line, b",".join(bad)), url=f"https://example.org/meta/{META_NAME}"
    )
    assert result["rows_rejected"] == 1 and "negative count: '-7'" in rejects(memory_db, result["dataset_id"])[0][0]
    tiktok = report_file("GRFCR_map_2022_H1.derived.csv").read_bytes()
    australia = next(raw for raw in tiktok.split(b"\r\n") if raw.startswith(b"Australia,"))
    cells = australia.split(b",")
    cells[3] = b"-3"
    result = load(
        memory_db,
        "tiktok_removals",
        tiktok.replace(australia, b",".join(cells)),
        url="https://example.org/t/GRFCR_map_2022_H1.derived.csv",
    )
    assert result["rows_rejected"] == 1 and "negative count: '-3'" in rejects(memory_db, result["dataset_id"])[0][0]


def test_tiktok_half_year_from_workbook_and_derived_csv_counts_once(memory_db):
    """Precedence (db/overlaps.py): the publisher's workbook over the CSV derived from it, whatever the order."""
    csv_name, xlsx_name = "GRFCR_map_2022_H1.derived.csv", "English_LIPGR_2022_H1.xlsx"
    for name in (csv_name, xlsx_name):
        load(
            memory_db,
            "tiktok_removals",
            report_file(name).read_bytes(),
            url=f"https://example.org/t/{name}",
            source=f"tiktok_removals/2022-H1/{name}",
        )
    counted = (
        "select d.url, r.requests from removal_requests r join datasets d on d.id = r.dataset_id "
        "where r.country = 'AU' and r.is_current = 1 and r.counts_in_total = 1"
    )
    assert [tuple(r) for r in memory_db.execute(counted)] == [(f"https://example.org/t/{xlsx_name}", 231)]
    demoted = memory_db.execute(
        "select requests, duplicate_of from removal_requests where country = 'AU' "
        "and counts_in_total = 0 and report = 'tiktok/government_removal_requests'"
    ).fetchall()
    assert [tuple(r) for r in demoted] == [(231, f"dataset 2: https://example.org/t/{xlsx_name}")]


def test_a_quarantined_file_downloaded_again_is_refused_without_storing_it_twice(x_loaded):
    """The same bytes from the same URL are the same refusal: one datasets row, its rows stored once;
    ``accept_shrink`` loads them anew."""
    database, data, before = x_loaded
    lines = data.split(b"\n")
    cut = b"\n".join(lines[:300] + lines[621:])
    first = load(database, "x_removals", cut, url=X_URL)
    stored = database.execute("select count(*) from removal_requests").fetchone()[0]
    again = load(database, "x_removals", cut, url=X_URL)
    assert again == {**first, "rows_stored": 0, "rows_rejected": 0}
    assert_quarantined(database, again, before, "far below the 1858 rows of the current dataset")
    assert database.execute("select count(*) from datasets where status = 'quarantined'").fetchone()[0] == 1
    assert database.execute("select count(*) from removal_requests").fetchone()[0] == stored
    assert load(database, "x_removals", cut, url=X_URL, accept_shrink=True)["status"] == "loaded"


def test_a_lone_google_csv_cut_short_is_quarantined_under_its_own_name(memory_db, google_zip):
    """A Google CSV downloaded on its own: the reason names that file (from its URL), not the zip."""
    with zipfile.ZipFile(io.BytesIO(google_zip)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/google-government-removal-requests.csv"))
        body = archive.read(name)
    url = "https://storage.googleapis.com/transparencyreport/google-government-removal-requests.csv"
    cut = body[: body.index(b"\n", len(body) // 2) + 12]
    result = load(memory_db, "google_removals", cut, url=url)
    assert result["status"] == "quarantined"
    assert result["error"].startswith("google-government-removal-requests.csv: ends inside a row (")
    assert ".zip" not in result["error"]
