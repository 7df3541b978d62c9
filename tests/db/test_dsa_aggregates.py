"""Light mode: the EC's daily aggregates files fill ``sor_daily_counts`` for days not loaded in full.

No real aggregates file exists here: the files are built from the real sample rows
(``tests/fixtures/dsa``) in the layout the EC's code writes (ASSUMED, see
``modwatch/transparency/dsa_aggregates.py``), so light mode must give the same counts as the
full load of the same statements.
"""

import csv
import io
import json
from collections import Counter

import pytest

from modwatch.load.dsa import load_dump
from modwatch.load.dsa_aggregates import load_aggregates
from modwatch.transparency.dsa_aggregates import AggregatesError
from tests.transparency.samples import DSA_FIXTURES, V1

#: the header of OpenSearchAPIController::aggregatesCsvForDate (assumed layout)
HEADER = [
    "automated_decision",
    "automated_detection",
    "category",
    "content_type_single",
    "decision_account",
    "decision_ground",
    "decision_monetary",
    "decision_provision",
    "decision_visibility_single",
    "received_date",
    "source_type",
    "platform_name",
    "total",
]
NAME = "aggregates-2024-03-14.csv"
URL = f"https://transparency.dsa.ec.europa.eu/explore-data/download/{NAME}"


def aggregates_csv(header=HEADER) -> bytes:
    """The aggregates of the 28 distinct real statements of 2024-03-14 (V1), in the assumed layout."""
    seen, counts = set(), Counter()
    with open(DSA_FIXTURES / V1, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["uuid"] in seen:
                continue
            seen.add(row["uuid"])
            counts[
                (
                    row["automated_decision"],
                    "true" if row["automated_detection"] == "Yes" else "false",
                    row["category"],
                    json.loads(row["content_type"])[0],
                    row["decision_account"],
                    row["decision_ground"],
                    row["decision_monetary"],
                    row["decision_provision"],
                    json.loads(row["decision_visibility"] or '[""]')[0],
                    "2024-03-14",
                    row["source_type"],
                    row["platform_name"],
                )
            ] += 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for key, total in sorted(counts.items()):
        writer.writerow([*key, total])
    return out.getvalue().encode()


def _counts(database, table="sor_counts"):
    return dict(
        database.execute(
            f"select platform_name || ' ' || category || ' ' || automated_detection, "
            f"sum(statements) from {table} group by 1"
        ).fetchall()
    )


def test_aggregates_give_the_counts_of_the_full_load(memory_db, tmp_path):
    import db

    result = load_aggregates(memory_db, aggregates_csv(), name=NAME, url=URL, fetched_at="2026-12-07T04:00:00Z")
    assert (result["status"], result["rows_rejected"], result["statements"]) == ("loaded", 0, 28)
    assert memory_db["statements_of_reasons"].count == 0
    full = db.connect(tmp_path / "full.db")
    with open(DSA_FIXTURES / V1, "rb") as fh:
        load_dump(full, fh, url="https://example.org/v1.csv", name=V1, fetched_at="2026-12-07T04:00:00Z")
    assert _counts(memory_db) == _counts(full)
    assert _counts(memory_db)["Google Shopping STATEMENT_CATEGORY_OTHER_VIOLATION_TC Yes"] == 17
    content = dict(memory_db.execute("select content_type, sum(statements) from sor_counts group by 1").fetchall())
    assert content == {
        '["CONTENT_TYPE_PRODUCT"]': 18,
        '["CONTENT_TYPE_VIDEO"]': 5,
        '["CONTENT_TYPE_OTHER"]': 3,
        '["CONTENT_TYPE_IMAGE"]': 2,
    }
    again = load_aggregates(memory_db, aggregates_csv(), name=NAME, url=URL, fetched_at="2026-12-07T05:00:00Z")
    assert again["status"] == "unchanged"
    assert sum(_counts(memory_db).values()) == 28


def test_statements_loaded_for_a_day_replace_its_aggregates(memory_db):
    load_aggregates(memory_db, aggregates_csv(), name=NAME, url=URL, fetched_at="2026-12-07T04:00:00Z")
    with open(DSA_FIXTURES / V1, "rb") as fh:
        load_dump(
            memory_db,
            fh,
            url="https://example.org/v1.csv",
            name=V1,
            fetched_at="2026-12-07T04:00:00Z",
            platforms={"TikTok"},
        )
    origins = dict(
        memory_db.execute("select platform_name, group_concat(distinct origin) from sor_counts group by 1").fetchall()
    )
    assert origins == {
        "TikTok": "statements",
        "Google Shopping": "aggregates",
        "Pinterest": "aggregates",
        "AliExpress": "aggregates",
    }
    assert memory_db.execute("select sum(statements) from sor_counts").fetchone()[0] == 28


def test_a_corrected_file_replaces_the_day_and_bad_rows_are_rejects(memory_db):
    load_aggregates(memory_db, aggregates_csv(), name=NAME, url=URL, fetched_at="2026-12-07T04:00:00Z")
    lines = aggregates_csv().decode().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",-3"
    lines.append(lines[2].replace("2024-03-14", "2024-03-15"))
    result = load_aggregates(
        memory_db, ("\n".join(lines) + "\n").encode(), name=NAME, url=URL, fetched_at="2026-12-07T05:00:00Z"
    )
    assert (result["rows_read"], result["rows_rejected"]) == (len(lines) - 1, 2)
    reasons = sorted(r[0] for r in memory_db.execute("select reason from rejects").fetchall())
    assert reasons[0] == "received_date '2024-03-15' is not the file's day 2024-03-14"
    assert reasons[1] == "total is not a non-negative integer: '-3'"
    first_total = int(aggregates_csv().decode().splitlines()[1].rsplit(",", 1)[1])
    assert memory_db.execute("select sum(statements) from sor_daily_counts").fetchone()[0] == 28 - first_total


@pytest.mark.parametrize(
    "header, message",
    [
        ([*HEADER[:-1], "sum"], "unknown column 'sum'"),
        (HEADER[:-1] + ["extra"], "unknown column 'extra'"),
    ],
)
def test_an_unknown_layout_fails_and_changes_nothing(memory_db, header, message):
    with pytest.raises(AggregatesError, match=message):
        load_aggregates(memory_db, aggregates_csv(header), name=NAME, url=URL, fetched_at="2026-12-07T04:00:00Z")
    assert memory_db.execute("select count(*) from sor_daily_counts").fetchone()[0] == 0
    assert memory_db["datasets"].get(1)["status"] == "failed"


def test_header_aliases_and_json(memory_db):
    renamed = ["count" if h == "total" else "content_type" if h == "content_type_single" else h for h in HEADER]
    assert (
        load_aggregates(memory_db, aggregates_csv(renamed), name=NAME, url=URL, fetched_at="2026-12-07T04:00:00Z")[
            "statements"
        ]
        == 28
    )
    missing = [h for h in HEADER if h != "decision_ground"]
    with pytest.raises(AggregatesError, match="missing column"):
        rows = list(csv.reader(io.StringIO(aggregates_csv().decode())))
        keep = [HEADER.index(h) for h in missing]
        text = "\n".join(",".join(row[i] for i in keep) for row in rows) + "\n"
        load_aggregates(memory_db, text.encode(), name="aggregates-2024-03-16.csv", url=URL, fetched_at="x")
    records = list(csv.DictReader(io.StringIO(aggregates_csv().decode())))
    document = json.dumps({"date": "2024-03-14", "aggregates": records}).encode()
    result = load_aggregates(
        memory_db, document, name="aggregates-2024-03-14.json", url=URL + ".json", fetched_at="2026-12-07T04:00:00Z"
    )
    assert (result["statements"], result["rows_rejected"]) == (28, 0)


def test_dsa_load_command_reads_aggregates_files(tmp_path, capsys):
    from cli.main import main

    path = tmp_path / NAME
    path.write_bytes(aggregates_csv())
    assert main(["dsa-load", str(path), "--db", str(tmp_path / "m.db")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["day"], printed["statements"], printed["status"]) == ("2024-03-14", 28, "loaded")
    bad = tmp_path / "aggregates-2024-03-15.csv"
    bad.write_bytes(b"platform,total\nTikTok,3\n")
    assert main(["dsa-load", str(bad), "--db", str(tmp_path / "m.db")]) == 2
    assert "missing column(s) category" in capsys.readouterr().err
