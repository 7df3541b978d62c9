"""``python -m modwatch dsa-export``: the DSA statements as Parquet partitioned by day and platform,
read back with DuckDB (the one-machine path of issue 16) with the same columns, types and answers."""

import io
import json
import sqlite3

import duckdb
import pyarrow.parquet as pq
import pytest

import db
from modwatch.load.dsa import load_dump
from cli.main import main
from tests.transparency.samples import V1, V2, fixture

#: the README's question: statements per platform and category for a territory and month
DUCKDB_QUESTION = """
    select platform_name, category_v2, count(*) as statements
    from read_parquet(?, hive_partitioning = true)
    where list_contains(json_extract_string(territorial_scope, '$[*]'), ?) and strftime(day, '%Y-%m') = ?
    group by platform_name, category_v2
    order by statements desc, platform_name, category_v2
"""


@pytest.fixture
def loaded(tmp_path):
    path = tmp_path / "modwatch.db"
    database = db.connect(path)
    for name in (V1, V2):
        load_dump(
            database,
            io.BytesIO(fixture(name)),
            url=f"https://example.org/{name}",
            name=name,
            fetched_at="2026-12-07T04:00:00Z",
        )
    database.close()
    return path


def test_export_is_partitioned_by_day_and_platform_with_the_same_columns(loaded, tmp_path, capsys):
    out = tmp_path / "parquet"
    assert main(["dsa-export", str(out), "--db", str(loaded)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 32
    partitions = sorted(str(p.parent.relative_to(out)) for p in out.rglob("*.parquet"))
    assert partitions == [
        "day=2024-03-14/platform=aliexpress",
        "day=2024-03-14/platform=google-shopping",
        "day=2024-03-14/platform=pinterest",
        "day=2024-03-14/platform=tiktok",
        "day=2025-07-01/platform=hotel-hideaway",
        "day=2025-07-01/platform=kleinanzeigen",
        "day=2025-07-01/platform=wallapop",
    ]
    assert result["files"] == len(partitions)
    schema = pq.read_schema(next((out / "day=2024-03-14" / "platform=google-shopping").glob("*.parquet")))
    with sqlite3.connect(loaded) as conn:
        columns = [(r[1], r[2]) for r in conn.execute("pragma table_xinfo(statements_of_reasons)")]
    assert [(f.name, str(f.type)) for f in schema] == [
        (name, "int64" if "INT" in declared.upper() else "string") for name, declared in columns
    ]
    uid = duckdb.execute(
        "select platform_uid from read_parquet(?, hive_partitioning = true) "
        "where uuid = '55dcb95e-e90a-42d2-b04f-cffa5c52de68'",
        [str(out / "**/*.parquet")],
    ).fetchall()
    assert uid == [("08329314168",)]  # text: the leading zero is kept


def test_duckdb_answers_the_territory_and_month_question_like_sqlite(loaded, tmp_path):
    out = tmp_path / "parquet"
    assert main(["dsa-export", str(out), "--db", str(loaded)]) == 0
    answer = duckdb.execute(DUCKDB_QUESTION, [str(out / "**/*.parquet"), "DE", "2024-03"]).fetchall()
    assert answer[0] == ("Google Shopping", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", 17)
    assert sum(n for *_, n in answer) == 27
    with sqlite3.connect(loaded) as conn:
        summary = conn.execute(
            "select platform_name, category, sum(statements) from sor_counts_by_territory "
            "where territory = 'DE' and month = '2024-03' group by 1, 2 "
            "order by 3 desc, 1, 2"
        ).fetchall()
    assert answer == summary


def test_export_of_one_platform_and_day_replaces_its_partition(loaded, tmp_path, capsys):
    out = tmp_path / "parquet"
    assert (
        main(
            [
                "dsa-export",
                str(out),
                "--db",
                str(loaded),
                "--since",
                "2024-03-14",
                "--until",
                "2024-03-14",
                "--platform",
                "TikTok",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["rows"] == 7
    assert (
        main(
            [
                "dsa-export",
                str(out),
                "--db",
                str(loaded),
                "--since",
                "2024-03-14",
                "--until",
                "2024-03-14",
                "--platform",
                "TikTok",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert duckdb.execute("select count(*) from read_parquet(?)", [str(out / "**/*.parquet")]).fetchone() == (7,)
    assert main(["dsa-export", str(out), "--db", str(tmp_path / "missing.db")]) == 2


@pytest.mark.parametrize(
    ("since", "until", "error"),
    [
        ("14/03/2024", "2024-03-14", "--since must be a date YYYY-MM-DD, not '14/03/2024'"),
        ("2024-03-15", "2024-03-14", "--since 2024-03-15 is later than --until 2024-03-14"),
    ],
)
def test_export_refuses_a_day_that_is_no_date_or_a_reversed_range(loaded, tmp_path, capsys, since, until, error):
    out = tmp_path / "parquet"
    assert main(["dsa-export", str(out), "--db", str(loaded), "--since", since, "--until", until]) == 2
    assert capsys.readouterr().err.strip() == f"error: {error}"
    assert not out.exists()


def test_export_reads_a_day_written_without_dashes_as_that_day(loaded, tmp_path, capsys):
    """``20240314`` compared as text with ``2024-03-14 ...`` would keep no statement."""
    out = tmp_path / "parquet"
    argv = ["dsa-export", str(out), "--db", str(loaded), "--since", "20240314", "--until", "20240314"]
    assert main([*argv, "--platform", "TikTok"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 7
