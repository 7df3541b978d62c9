"""Migrations of what the EC says about its DSA data: v2 keyword renames and data-quality notes.

``statements_of_reasons.category_specification_v2``
    A virtual generated column: ``category_specification`` (the raw JSON array, kept as
    exported) with every v1 keyword renamed to its API v2 name
    (:data:`modwatch.transparency.dsa.KEYWORD_RENAMES`, e.g. ``KEYWORD_ONLINE_BULLYING_INTIMIDATION``
    -> ``KEYWORD_CYBER_BULLYING_INTIMIDATION``), so statements of both schemas group together.
    Two v1 keywords merged into one (``KEYWORD_DISINFORMATION`` and ``KEYWORD_MISINFORMATION``
    -> ``KEYWORD_MISINFORMATION_DISINFORMATION``) give it once. The view
    ``sor_category_specification_v2`` has one row per keyword of it (like ``sor_category_specification``).
    The arrays are compact JSON as exported (``["A","B"]``), which the renaming relies on.

``dsa_keyword_renames``
    The mapping itself (``old_keyword``, ``keyword``, ``since``), for the analyst.

``dsa_data_notes``
    The data-quality notes the EC announced, one row each: which platform (``platform_name``,
    NULL for every platform) and column (``column_name``, NULL for the whole statement) they
    touch, for statements created from ``created_from`` to ``created_to`` (UTC days, inclusive;
    ``created_to`` NULL: no end), the ``note`` in one or two sentences, ``announced`` (day) and
    ``source``.

``dsa_daily_figures``
    A view: statements per platform and day of ``created_at`` (``statements``,
    ``automated_detection_yes``, ``automated_decision_full``), with ``data_notes``: the notes
    that touch that platform and day, joined with `` | ``, NULL when none. This is where an
    analyst sees a note beside the figures it qualifies (Datasette canned query
    ``dsa_figures_with_notes`` filters it by platform and period).
"""

from datetime import date

from sqlite_utils.migrations import Migrations

# Frozen copies of the parser's constants (modwatch.transparency.dsa) as they were when these migrations were
# released: a released migration builds the same schema whatever the parser says later.
KEYWORD_RENAMES = {
    "KEYWORD_ONLINE_BULLYING_INTIMIDATION": "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE": "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_INSUFFICIENT_INFORMATION_TRADERS": "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_DISINFORMATION": "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_MISINFORMATION": "KEYWORD_MISINFORMATION_DISINFORMATION",
}
V2_FROM = date(2025, 7, 1)

migrations = Migrations("modwatch-dsa-notes")

#: (platform_name, column_name, created_from, created_to, note, announced, source)
DATA_NOTES = (
    (
        "Google Play",
        "automated_detection",
        "2023-09-01",
        "2026-05-28",
        "automated_detection was inverted for part of Google Play's statements (Yes where No was meant, and "
        "the reverse) from September 2023 until the EC's fix of 29 May 2026: Google Play's counts of automated "
        "detection in this period are not reliable.",
        "2026-05-29",
        "EC, DSA Transparency Database announcements",
    ),
    (
        None,
        None,
        "2023-09-25",
        "2024-06-17",
        "All daily dumps up to this day were regenerated after a data cleaning on 18 June 2024: a copy downloaded "
        "before that date (datasets.fetched_at) may hold statements or values the current files do not.",
        "2024-06-18",
        "EC, DSA Transparency Database announcements",
    ),
    (
        "Google Shopping",
        None,
        "2024-06-28",
        None,
        "Google Shopping changed the scope of what it submits on 28 June 2024: its counts before and after this "
        "day are not comparable.",
        "2024-06-28",
        "EC, DSA Transparency Database announcements",
    ),
    (
        "Google Shopping",
        None,
        "2025-05-30",
        None,
        "Google Shopping changed the scope of what it submits again on 30 May 2025: its counts before and after "
        "this day are not comparable.",
        "2025-05-30",
        "EC, DSA Transparency Database announcements",
    ),
)


def keyword_v2_sql(column: str = "category_specification") -> str:
    """SQL of ``column`` (a JSON array of keywords) with :data:`KEYWORD_RENAMES` applied."""
    merged: dict[str, list[str]] = {}
    for old, new in KEYWORD_RENAMES.items():
        merged.setdefault(new, []).append(old)
    expr = column
    for olds in merged.values():  # keep one of several old names merged into one new name
        for other in olds[1:]:
            drop = f"replace(replace({expr}, ',\"{other}\"', ''), '\"{other}\",', '')"
            expr = f"(case when instr({expr}, '\"{olds[0]}\"') > 0 then {drop} else {expr} end)"
    for old, new in KEYWORD_RENAMES.items():
        expr = f"replace({expr}, '\"{old}\"', '\"{new}\"')"
    return expr


@migrations()
def m001_keyword_renames(db):
    db["dsa_keyword_renames"].create(
        {"old_keyword": str, "keyword": str, "since": str}, pk="old_keyword", not_null={"keyword"}
    )
    db["dsa_keyword_renames"].insert_all(
        {"old_keyword": old, "keyword": new, "since": V2_FROM.isoformat()} for old, new in KEYWORD_RENAMES.items()
    )
    db.execute(
        "alter table statements_of_reasons add column category_specification_v2 text "
        f"generated always as ({keyword_v2_sql()}) virtual"
    )
    db.execute(
        """
        create view sor_category_specification_v2 as
        select s.id as statement_id, s.uuid, s.platform_name, s.category_v2, s.created_at, j.value as value
        from statements_of_reasons s, json_each(s.category_specification_v2) j
        where s.category_specification is not null
        """
    )


@migrations()
def m002_data_notes(db):
    db["dsa_data_notes"].create(
        {
            "id": int,
            "platform_name": str,
            "column_name": str,
            "created_from": str,
            "created_to": str,
            "note": str,
            "announced": str,
            "source": str,
        },
        pk="id",
        not_null={"created_from", "note"},
    )
    columns = ("platform_name", "column_name", "created_from", "created_to", "note", "announced", "source")
    db["dsa_data_notes"].insert_all(dict(zip(columns, row)) for row in DATA_NOTES)
    db.execute(
        """
        create view dsa_daily_figures as
        select s.platform_name, substr(s.created_at, 1, 10) as day, count(*) as statements,
               sum(s.automated_detection = 'Yes') as automated_detection_yes,
               sum(s.automated_decision = 'AUTOMATED_DECISION_FULLY') as automated_decision_full,
               (select group_concat(n.note, ' | ') from dsa_data_notes n
                where (n.platform_name is null or n.platform_name = s.platform_name)
                  and substr(s.created_at, 1, 10) >= n.created_from
                  and (n.created_to is null or substr(s.created_at, 1, 10) <= n.created_to)) as data_notes
        from statements_of_reasons s
        group by s.platform_name, substr(s.created_at, 1, 10)
        """
    )
