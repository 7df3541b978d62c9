"""EU DSA statements of reasons: reading the real sample CSVs, the nested-zip dump, storage."""

import csv
import io
import json
from datetime import date

import pytest

from modwatch.load.dsa import load_dump
from modwatch.transparency import dsa
from tests.transparency.samples import V1, V2, fixture, nested_zip

DUPLICATED_UUID = "03b1b1c9-a860-4bf6-afff-0d8f0d944871"
V1_URL = "https://transparency.dsa.ec.europa.eu/explore-data/download/sor-global-2024-03-14-full.zip"


def load(memory_db, data: bytes, name: str, **kwargs) -> dict:
    return load_dump(
        memory_db,
        io.BytesIO(data),
        url=f"https://example.org/{name}",
        name=name,
        fetched_at="2026-11-29T12:00:00Z",
        **kwargs,
    )


# --- pure reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, version, rows", [(V1, "v1-full", 29), (V2, "v2-full", 4)])
def test_both_schemas_map_onto_the_same_columns(name, version, rows):
    text = io.StringIO(fixture(name).decode("utf-8"), newline="")
    header, reader = dsa.open_csv(text)
    assert dsa.schema_version(header) == version
    stats = {}
    statements = list(dsa.iter_statements(text, name, opened=(header, reader), stats=stats))
    assert stats == {"read": rows, "filtered": 0}
    assert len(statements) == rows and all(len(s) == len(dsa.COLUMNS) + 1 for s in statements)
    ean = dsa.COLUMNS.index("content_id_ean")
    assert all(s[ean] == "" for s in statements)  # absent in v1, empty in these v2 rows (NULL once stored)


def test_light_schema_is_recognised():
    header = [c for c in dsa.COLUMNS if c not in dsa.LIGHT_DROPPED]
    assert dsa.schema_version(header) == "v2-light"
    assert dsa.schema_version([c for c in header if c != "content_id_ean"]) == "v1-light"


def test_platform_uid_and_location_as_read():
    statements = list(dsa.iter_statements(io.StringIO(fixture(V1).decode(), newline=""), V1))
    google = next(s for s in statements if s[dsa.COLUMNS.index("platform_uid")] == "08329314168")
    assert google[dsa.COLUMNS.index("category")] == "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"
    assert google[-1] == f"{V1}:13"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2024-03-14 06:30:00", "2024-03-14 06:30:00"),
        ("2024-03-14T06:30:00Z", "2024-03-14 06:30:00"),
        ("2024-03-14T08:30:00+02:00", "2024-03-14 06:30:00"),
        ("2024-03-14T01:00:00+02:00", "2024-03-13 23:00:00"),
        ("2024-03-14 06", "2024-03-14 06:00:00"),
        ("2024-03-14", "2024-03-14 00:00:00"),
        ("2024-03-14 06:30:00.250", "2024-03-14 06:30:00.250000"),
    ],
)
def test_created_at_in_another_iso_form_is_stored_as_the_dumps_write_it(written, stored):
    """Text comparisons, sorts and the hourly summary read ``created_at`` as ``YYYY-MM-DD HH:MM:SS`` UTC."""
    lines = fixture(V1).decode().split("\n")
    at = lines[0].split(",").index("created_at")
    record = next(csv.reader([lines[1]]))
    record[at] = written
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(record)
    (statement,) = dsa.iter_statements(io.StringIO(lines[0] + "\n" + out.getvalue(), newline=""), "x.csv")
    assert statement[dsa.COLUMNS.index("created_at")] == stored


@pytest.mark.parametrize("written", ["2124-03-14 06:30:00", "2014-03-14 06:30:00", "2023-08-24 23:59:59"])
def test_created_at_outside_the_databases_time_is_a_reject(written):
    """A flipped digit in a year (2024 -> 2124 / 2014) must not become a day of the summary."""
    lines = fixture(V1).decode().split("\n")
    at = lines[0].split(",").index("created_at")
    record = next(csv.reader([lines[1]]))
    record[at] = written
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(record)
    (reject,) = dsa.iter_statements(io.StringIO(lines[0] + "\n" + out.getvalue(), newline=""), "x.csv")
    assert isinstance(reject, dsa.Reject) and reject.location == "x.csv:2"
    assert reject.reason == f"created_at outside the database's time (2023-08-25 to tomorrow): {written!r}"
    assert record[0] in reject.excerpt


def test_malformed_record_is_rejected_with_its_text():
    lines = fixture(V2).decode().split("\n")
    broken = "\n".join([lines[0], "f1e5d3be-e95d-4e51-bb38-6cf13225b2af,too,few,fields"] + lines[2:])
    out = list(dsa.iter_statements(io.StringIO(broken, newline=""), "x.csv"))
    rejects = [o for o in out if isinstance(o, dsa.Reject)]
    assert [(r.location, r.reason, r.excerpt) for r in rejects] == [
        ("x.csv:2", "4 fields instead of 38", "f1e5d3be-e95d-4e51-bb38-6cf13225b2af,too,few,fields")
    ]
    assert len(out) - len(rejects) == 3


def test_json_array_cell_that_is_not_an_array_is_rejected():
    rows = list(csv.reader(io.StringIO(fixture(V2).decode(), newline="")))
    rows[1][rows[0].index("territorial_scope")] = "AT,BE"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    out = list(dsa.iter_statements(io.StringIO(buffer.getvalue(), newline=""), "x.csv"))
    assert out[0].reason == "territorial_scope is not a JSON array" and out[0].location == "x.csv:2"


@pytest.mark.parametrize(
    "day, version, slug, url",
    [
        ("2024-03-14", "full", "global", V1_URL),
        (
            date(2025, 7, 1),
            "light",
            "global",
            "https://transparency.dsa.ec.europa.eu/explore-data/download/sor-global-2025-07-01-light.zip",
        ),
        (
            "2024-03-14",
            "full",
            "amazon",
            "https://transparency.dsa.ec.europa.eu/explore-data/download/sor-amazon-2024-03-14-full.zip",
        ),
    ],
)
def test_dump_url(day, version, slug, url):
    assert dsa.dump_url(day, version, slug) == url


def test_days():
    assert dsa.days("2024-02-28", "2024-03-01") == [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    assert dsa.days("2024-03-14") == [date(2024, 3, 14)]
    with pytest.raises(ValueError, match="end 2024-03-01 is before start 2024-03-02"):
        dsa.days("2024-03-02", "2024-03-01")
    with pytest.raises(ValueError, match="no dumps before 2023-09-25"):
        dsa.days("2023-09-24")


def test_nested_zip_members_stream_in_order_including_empty_csvs():
    data = nested_zip({"a-00000.csv": fixture(V1), "a-00001.csv": b"", "a-00002.csv": fixture(V2)})
    members = [(name, len(text.read())) for name, text in dsa.iter_csv_members(io.BytesIO(data), "day.zip")]
    assert [m[0] for m in members] == ["a-00000.csv", "a-00001.csv", "a-00002.csv"]
    assert members[1][1] == 0


def test_not_a_zip_is_a_dump_error():
    with pytest.raises(dsa.DumpError):
        list(dsa.iter_csv_members(io.BytesIO(b"<Error><Code>NoSuchKey</Code></Error>"), "day.zip"))


# --- storage ---------------------------------------------------------------------------------


def test_nested_dump_stored_once_per_uuid_with_text_ids(memory_db):
    data = nested_zip(
        {
            "sor-global-2024-03-14-full-00000-00000.csv": fixture(V1),
            "sor-global-2024-03-14-full-00001-00000.csv": b"",
            "sor-global-2024-03-14-full-00002-00000.csv": fixture(V2),
        }
    )
    result = load(memory_db, data, "sor-global-2024-03-14-full.zip")
    assert {k: result[k] for k in ("rows_read", "rows_stored", "duplicates", "rows_rejected", "csv_files")} == {
        "rows_read": 33,
        "rows_stored": 32,
        "duplicates": 1,
        "rows_rejected": 0,
        "csv_files": 3,
    }
    assert result["schema_version"] == "v1-full,v2-full"
    table = memory_db["statements_of_reasons"]
    assert table.count == 32
    assert (
        memory_db.execute("select count(*) from statements_of_reasons where uuid = ?", [DUPLICATED_UUID]).fetchone()[0]
        == 1
    )
    google = next(table.rows_where("platform_uid = ?", ["08329314168"]))
    assert google["platform_name"] == "Google Shopping" and google["uuid"] == "55dcb95e-e90a-42d2-b04f-cffa5c52de68"
    assert (
        memory_db.execute(
            "select typeof(platform_uid) from statements_of_reasons where platform_name = 'TikTok' limit 1"
        ).fetchone()[0]
        == "text"
    )
    tiktok = next(table.rows_where("uuid = ?", [DUPLICATED_UUID]))
    assert tiktok["platform_uid"] == "7345617503298525984"  # > 2**63 - 1: would overflow an INTEGER
    kleinanzeigen = next(table.rows_where("platform_name = 'Kleinanzeigen'"))
    assert kleinanzeigen["platform_uid"] == "ad-5f6d8e2f-7fe0-41bb-b75e-ce579d751892"
    assert kleinanzeigen["location"] == "sor-global-2024-03-14-full-00002-00000.csv:3"
    dataset = memory_db["datasets"].get(result["dataset_id"])
    assert (dataset["source"], dataset["rows_read"], dataset["rows_stored"], dataset["status"]) == (
        "dsa_sor/global",
        33,
        32,
        "loaded",
    )


def test_json_array_cells_are_queryable_as_rows(memory_db):
    load(memory_db, fixture(V1), V1)
    aliexpress = list(memory_db.query("select value from sor_territorial_scope where platform_name = 'AliExpress'"))
    assert aliexpress == [{"value": "NL"}]
    tiktok_scope = memory_db.execute(
        "select count(*) from sor_territorial_scope where uuid = ?", [DUPLICATED_UUID]
    ).fetchone()[0]
    assert tiktok_scope == 29  # 27 EU member states + LI + NO, once although the row is duplicated
    by_type = dict(memory_db.execute("select value, count(*) from sor_content_type group by value").fetchall())
    assert by_type == {
        "CONTENT_TYPE_VIDEO": 5,
        "CONTENT_TYPE_OTHER": 3,
        "CONTENT_TYPE_PRODUCT": 18,
        "CONTENT_TYPE_IMAGE": 2,
    }
    cell = memory_db.execute(
        "select territorial_scope from statements_of_reasons where platform_name = 'AliExpress'"
    ).fetchone()[0]
    assert json.loads(cell) == ["NL"]  # valid JSON list: Datasette's _facet_array can facet it


def test_both_schemas_group_by_the_v2_category(memory_db):
    load(memory_db, fixture(V1), V1)
    load(memory_db, fixture(V2), V2)
    rows = dict(
        memory_db.execute("select category_v2, count(*) from statements_of_reasons group by category_v2").fetchall()
    )
    assert rows["STATEMENT_CATEGORY_OTHER_VIOLATION_TC"] == 19  # 2024 SCOPE_OF_PLATFORM_SERVICE rows
    google = next(memory_db["statements_of_reasons"].rows_where("platform_uid = '08329314168'"))
    assert (google["category"], google["category_v2"]) == (
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    )
    pinterest = next(memory_db["statements_of_reasons"].rows_where("platform_name = 'Pinterest'"))
    assert pinterest["category_v2"] == pinterest["category"] == "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"
    assert rows["STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"] == 2
    assert (
        memory_db.execute("select count(*) from statements_of_reasons where content_id_ean is null").fetchone()[0] == 32
    )


@pytest.mark.parametrize(
    "filters, stored",
    [
        ({"platforms": {"TikTok"}}, 7),
        ({"platforms": {"AliExpress", "Pinterest"}}, 4),
        ({"territorial_scope": {"NL"}}, 28),
        ({"territorial_scope": {"LI"}}, 27),
        ({"platforms": {"AliExpress"}, "territorial_scope": {"DE"}}, 0),
    ],
)
def test_filters(memory_db, filters, stored):
    result = load(memory_db, fixture(V1), V1, **filters)
    assert result["rows_stored"] == stored
    assert result["rows_read"] == 29
    assert result["rows_filtered"] + result["rows_stored"] + result["duplicates"] == 29


def test_reloading_the_same_dump_stores_nothing_new(memory_db):
    first = load(memory_db, fixture(V1), V1)
    second = load(memory_db, fixture(V1), V1)  # same URL and bytes: skipped, no second dataset
    assert (first["rows_stored"], second["status"], second["rows_stored"]) == (28, "unchanged", 0)
    assert second["dataset_id"] == first["dataset_id"]
    assert memory_db["statements_of_reasons"].count == 28
    assert memory_db["datasets"].count == 1
    other_url = load_dump(
        memory_db,
        io.BytesIO(fixture(V1)),
        url="https://example.org/mirror.csv",
        name=V1,
        fetched_at="2026-11-29T12:00:00Z",
    )
    assert (other_url["status"], other_url["rows_stored"], other_url["duplicates"]) == ("loaded", 0, 29)


def test_bad_rows_go_to_rejects_and_the_rest_loads(memory_db):
    lines = fixture(V2).decode().split("\n")
    broken = "\n".join(lines[:2] + ["broken,row"] + lines[2:]).encode()
    result = load(
        memory_db,
        nested_zip({"d-00000-00000.csv": broken}, "sor-global-2025-07-01-full"),
        "sor-global-2025-07-01-full.zip",
    )
    assert (result["rows_stored"], result["rows_rejected"]) == (4, 1)
    reject = next(memory_db["rejects"].rows)
    assert reject["reason"] == "2 fields instead of 38" and reject["excerpt"] == "broken,row"
    assert reject["location"] == "d-00000-00000.csv:3"
    assert reject["dataset_id"] == result["dataset_id"]


def test_a_file_that_is_not_a_dump_fails_its_dataset(memory_db):
    with pytest.raises(dsa.DumpError):
        load(memory_db, b"<Error><Code>NoSuchKey</Code></Error>", "sor-global-2024-03-14-full.zip")
    dataset = next(memory_db["datasets"].rows)
    assert dataset["status"] == "failed" and "not a zip file" in dataset["error"]


def test_dsa_load_command_streams_a_dump_from_disk(tmp_path, capsys):
    from cli.main import main

    dump = tmp_path / "sor-global-2024-03-14-full.zip"
    dump.write_bytes(nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)}))
    not_a_dump = tmp_path / "sor-global-2024-03-15-full.zip"
    not_a_dump.write_bytes(b"<Error><Code>NoSuchKey</Code></Error>")
    db_file = tmp_path / "m.db"
    status = main(["dsa-load", str(dump), str(not_a_dump), "--db", str(db_file), "--territorial-scope", "nl"])
    assert status == 2
    (line,) = capsys.readouterr().out.splitlines()
    result = json.loads(line)
    assert (result["rows_read"], result["rows_stored"], result["duplicates"]) == (29, 28, 1)
    import db

    database = db.connect(db_file)
    urls = [r["url"] for r in database.query("select url from datasets order by id")]
    assert urls == [
        V1_URL,
        "https://transparency.dsa.ec.europa.eu/explore-data/download/sor-global-2024-03-15-full.zip",
    ]
    database.close()


def test_invalid_utf8_record_is_rejected_and_the_rest_loads(tmp_path, capsys):
    """One record with bytes that are not UTF-8 (new-user finding 6): a rejects row, not a crash."""
    from cli.main import main

    data = fixture(V1)
    start = data.index(b"987475f3-3071-4c20-ad72-54db66740345")  # the record on line 6
    cut = data.index(b"DECISION_VISIBILITY", start) + len(b"DECISION_VISIBILITY")
    dump = tmp_path / "sor-global-2024-03-14-full-00000-00000.csv"
    dump.write_bytes(data[:cut] + b"\xff\xfe" + data[cut:])
    db_file = tmp_path / "m.db"
    assert main(["dsa-load", str(dump), "--db", str(db_file)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["rows_read"], result["rows_stored"], result["rows_rejected"]) == (29, 27, 1)
    import db

    database = db.connect(db_file)
    (reject,) = database["rejects"].rows
    assert reject["reason"] == "invalid UTF-8 (bytes 0xff 0xfe)"
    assert reject["location"] == f"{dump.name}:6"
    assert reject["excerpt"].startswith(
        '987475f3-3071-4c20-ad72-54db66740345,"[""DECISION_VISIBILITY\ufffd\ufffd_OTHER""]"'
    )
    assert database.execute(
        "select count(*) from statements_of_reasons where uuid = ?", ["987475f3-3071-4c20-ad72-54db66740345"]
    ).fetchone() == (0,)
    database.close()


def test_dump_url_on_another_base_and_its_checksum():
    url = dsa.dump_url("2024-03-14", base="http://127.0.0.1:8080/explore-data/download")
    assert url == "http://127.0.0.1:8080/explore-data/download/sor-global-2024-03-14-full.zip"
    assert dsa.checksum_url(url) == url + ".sha1"


@pytest.mark.parametrize(
    "body",
    [
        b"0A4D55A8D778E5022FAB701977C5D840BBC486D0  sor-global-2024-03-14-full.zip\n",  # sha1sum's line
        b"0a4d55a8d778e5022fab701977c5d840bbc486d0",  # the digest alone
        b"0a4d55a8d778e5022fab701977c5d840bbc486d0\r\n",
    ],
)
def test_parse_sha1(body):
    assert dsa.parse_sha1(body) == "0a4d55a8d778e5022fab701977c5d840bbc486d0"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<Error><Code>AccessDenied</Code></Error>",
        b"0a4d55a8d778e5022fab701977c5d840bbc486d",  # 39 digits
        b"0a4d55a8d778e5022fab701977c5d840bbc486d0ff",
    ],
)  # 42: a longer digest
def test_parse_sha1_refuses_what_is_not_a_sha1(body):
    with pytest.raises(dsa.ChecksumError, match="checksum file holds no SHA-1"):
        dsa.parse_sha1(body)
