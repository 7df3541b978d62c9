"""API v2 keyword renames (``category_specification_v2``) and the EC's data-quality notes beside the figures.

The statements are the real sample rows of ``tests/fixtures/dsa/``. The samples carry only one
keyword (``KEYWORD_ADULT_SEXUAL_MATERIAL``, unchanged in v2) and no Google Play statement, so
two tests edit cells of real rows, said where they do.
"""

import csv
import io

import pytest

from modwatch.load.dsa import load_dump
from db.migrations_dsa_notes import keyword_v2_sql
from modwatch.transparency import dsa
from tests.transparency.samples import V1, V2, fixture


def _load(database, data: bytes, name: str):
    return load_dump(
        database, io.BytesIO(data), url=f"https://example.org/{name}", name=name, fetched_at="2026-06-25T06:30:00Z"
    )


def _edited(name: str, edits: dict[str, dict[str, str]]) -> bytes:
    """The fixture CSV ``name`` with the cells of ``edits`` ({uuid: {column: value}}) replaced."""
    reader = csv.DictReader(io.StringIO(fixture(name).decode("utf-8"), newline=""))
    out = io.StringIO()
    writer = csv.DictWriter(out, reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in reader:
        writer.writerow({**row, **edits.get(row["uuid"], {})})
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ('["KEYWORD_ONLINE_BULLYING_INTIMIDATION"]', '["KEYWORD_CYBER_BULLYING_INTIMIDATION"]'),
        (
            '["KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE","KEYWORD_HATE_SPEECH"]',
            '["KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE","KEYWORD_HATE_SPEECH"]',
        ),
        ('["KEYWORD_INSUFFICIENT_INFORMATION_TRADERS"]', '["KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS"]'),
        # two v1 keywords merged into one v2 keyword: given once, wherever they stand in the list
        (
            '["KEYWORD_DISINFORMATION","KEYWORD_HATE_SPEECH","KEYWORD_MISINFORMATION"]',
            '["KEYWORD_MISINFORMATION_DISINFORMATION","KEYWORD_HATE_SPEECH"]',
        ),
        ('["KEYWORD_MISINFORMATION","KEYWORD_DISINFORMATION"]', '["KEYWORD_MISINFORMATION_DISINFORMATION"]'),
        ('["KEYWORD_MISINFORMATION"]', '["KEYWORD_MISINFORMATION_DISINFORMATION"]'),
        # a v2 name is not renamed again; a keyword whose name contains an old one is left alone
        ('["KEYWORD_MISINFORMATION_DISINFORMATION"]', '["KEYWORD_MISINFORMATION_DISINFORMATION"]'),
        ('["KEYWORD_ADULT_SEXUAL_MATERIAL"]', '["KEYWORD_ADULT_SEXUAL_MATERIAL"]'),
        (None, None),
    ],
)
def test_keyword_v2_sql(memory_db, raw, expected):
    sql = f"with t(category_specification) as (values (?)) select {keyword_v2_sql()} from t"
    assert memory_db.execute(sql, [raw]).fetchone()[0] == expected


def test_every_rename_is_published_in_a_table(memory_db):
    rows = memory_db.execute("select old_keyword, keyword, since from dsa_keyword_renames").fetchall()
    assert {old: new for old, new, _ in rows} == dsa.KEYWORD_RENAMES
    assert {since for _, _, since in rows} == {"2025-07-01"}
    assert dsa.KEYWORD_RENAMES["KEYWORD_ONLINE_BULLYING_INTIMIDATION"] == "KEYWORD_CYBER_BULLYING_INTIMIDATION"


def test_stored_statements_keep_the_raw_keywords_and_give_the_v2_names(memory_db):
    # a real 2024-03-14 statement without keywords given a v1 keyword that v2 renamed (the samples have none)
    uuids = [r["uuid"] for r in csv.DictReader(io.StringIO(fixture(V1).decode("utf-8"), newline=""))]
    edited = uuids[3]
    data = _edited(V1, {edited: {"category_specification": '["KEYWORD_ONLINE_BULLYING_INTIMIDATION"]'}})
    _load(memory_db, data, "sor-global-2024-03-14-full-00000-00000.csv")
    pairs = memory_db.execute(
        "select category_specification, category_specification_v2, count(*) "
        "from statements_of_reasons group by 1, 2 order by 3"
    ).fetchall()
    assert pairs == [
        ('["KEYWORD_ONLINE_BULLYING_INTIMIDATION"]', '["KEYWORD_CYBER_BULLYING_INTIMIDATION"]', 1),
        ('["KEYWORD_ADULT_SEXUAL_MATERIAL"]', '["KEYWORD_ADULT_SEXUAL_MATERIAL"]', 3),
        (None, None, 24),
    ]
    per_keyword = memory_db.execute("select value, count(*) from sor_category_specification_v2 group by 1").fetchall()
    assert dict(per_keyword) == {"KEYWORD_ADULT_SEXUAL_MATERIAL": 3, "KEYWORD_CYBER_BULLYING_INTIMIDATION": 1}


def test_data_notes_are_shown_beside_the_daily_figures_they_touch(memory_db):
    _load(memory_db, fixture(V1), "sor-global-2024-03-14-full-00000-00000.csv")
    # a real 2025-07-01 statement (Wallapop) given to Google Play, whose automated_detection the EC flagged
    wallapop = next(
        r["uuid"]
        for r in csv.DictReader(io.StringIO(fixture(V2).decode("utf-8"), newline=""))
        if r["platform_name"] == "Wallapop"
    )
    _load(
        memory_db,
        _edited(V2, {wallapop: {"platform_name": "Google Play"}}),
        "sor-global-2025-07-01-full-00000-00000.csv",
    )
    figures = {
        (r[0], r[1]): r[2:]
        for r in memory_db.execute(
            "select platform_name, day, statements, automated_detection_yes, automated_decision_full, data_notes "
            "from dsa_daily_figures"
        )
    }
    regenerated = "All daily dumps up to this day were regenerated after a data cleaning on 18 June 2024"
    assert set(figures) == {
        ("AliExpress", "2024-03-14"),
        ("Google Shopping", "2024-03-14"),
        ("Pinterest", "2024-03-14"),
        ("TikTok", "2024-03-14"),
        ("Google Play", "2025-07-01"),
        ("Hotel Hideaway", "2025-07-01"),
        ("Kleinanzeigen", "2025-07-01"),
    }
    statements, detected, _, notes = figures[("Google Shopping", "2024-03-14")]
    assert (statements, detected) == (17, 17) and notes.startswith(regenerated)
    assert "scope" not in notes  # Google Shopping's changes of scope came later (28 June 2024, 30 May 2025)
    statements, detected, _, notes = figures[("Google Play", "2025-07-01")]
    assert (statements, detected) == (1, 1)
    assert notes.startswith("automated_detection was inverted for part of Google Play's statements")
    assert figures[("Kleinanzeigen", "2025-07-01")][3] is None  # no note touches it
    assert figures[("TikTok", "2024-03-14")][:2] == (7, 7)
