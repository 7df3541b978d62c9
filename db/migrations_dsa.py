"""Migrations of EU DSA statements of reasons: ``statements_of_reasons`` and one view per JSON-array column.

``statements_of_reasons``
    One row per statement (``uuid`` UNIQUE: a statement repeated in a dump is stored once).
    Columns are those of the daily dump CSV (``modwatch.transparency.dsa.COLUMNS``), all TEXT
    as exported (``platform_uid`` keeps leading zeros and ids >= 2**63; dates stay
    ``YYYY-MM-DD HH:MM:SS`` UTC strings; empty cells are NULL). ``category`` is as exported;
    ``category_v2`` (a virtual generated column, m002) maps the pre-July-2025 names to the API
    v2 names (``..._SCOPE_OF_PLATFORM_SERVICE`` -> ``..._OTHER_VIOLATION_TC``) so both schemas
    group together. ``content_id_ean`` is NULL for v1 rows. ``dataset_id`` -> ``datasets`` (the
    daily dump), ``location`` = ``<inner csv>:<line>`` (the inner CSV names are unique in a
    dump and carry the part number).

JSON-array cells (``decision_visibility``, ``category_addition``, ``category_specification``,
``content_type``, ``territorial_scope``) are stored as their JSON list text: Datasette facets
them with ``?_facet_array=territorial_scope``, and the views ``sor_<column>`` give one row per
element (``statement_id``, ``uuid``, ``platform_name``, ``category_v2``, ``created_at``, ``value``) through ``json_each``. Views instead of child
tables keep the ingest at one INSERT per statement: a territorial scope alone has ~30 codes per
statement, i.e. ~30 million child rows for one day.

Statements of reasons are never revised upstream (a uuid is final once submitted), so there is
no ``is_current``: re-ingesting a dump stores nothing new and records another ``datasets`` row.
"""

from sqlite_utils.migrations import Migrations

# Frozen copies of the parser's constants (modwatch.transparency.dsa) as they were when these migrations were
# released: a released migration builds the same schema whatever the parser says later.
COLUMNS = (
    "uuid",
    "decision_visibility",
    "decision_visibility_other",
    "end_date_visibility_restriction",
    "decision_monetary",
    "decision_monetary_other",
    "end_date_monetary_restriction",
    "decision_provision",
    "end_date_service_restriction",
    "decision_account",
    "end_date_account_restriction",
    "account_type",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "incompatible_content_illegal",
    "category",
    "category_addition",
    "category_specification",
    "category_specification_other",
    "content_type",
    "content_type_other",
    "content_language",
    "content_date",
    "content_id_ean",
    "territorial_scope",
    "application_date",
    "decision_facts",
    "source_type",
    "source_identity",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "platform_uid",
    "created_at",
)
JSON_ARRAY_COLUMNS = (
    "decision_visibility",
    "category_addition",
    "category_specification",
    "content_type",
    "territorial_scope",
)
CATEGORY_RENAMES = {
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
}

migrations = Migrations("modwatch-dsa")


@migrations()
def m001_statements_of_reasons(db):
    columns = ",\n".join(f"{name} text not null unique" if name == "uuid" else f"{name} text" for name in COLUMNS)
    db.execute(
        f"""
        create table statements_of_reasons (
            id integer primary key,
            {columns},
            category_v2 text,
            dataset_id integer references datasets(id),
            location text
        )
        """
    )
    _create_views(db)


@migrations()
def m002_category_v2_generated(db):
    """``category_v2`` becomes a virtual generated column: computed by SQLite, not stored."""
    _drop_views(db)
    db.execute("alter table statements_of_reasons drop column category_v2")
    cases = " ".join(f"when '{old}' then '{new}'" for old, new in CATEGORY_RENAMES.items())
    db.execute(
        "alter table statements_of_reasons add column category_v2 text "
        f"generated always as (case category {cases} else category end) virtual"
    )
    _create_views(db)


def _drop_views(db):
    for column in JSON_ARRAY_COLUMNS:
        db.execute(f"drop view if exists sor_{column}")


def _create_views(db):
    for column in JSON_ARRAY_COLUMNS:
        db.execute(
            f"""
            create view sor_{column} as
            select s.id as statement_id, s.uuid, s.platform_name, s.category_v2, s.created_at, j.value as value
            from statements_of_reasons s, json_each(s.{column}) j
            where s.{column} is not null
            """
        )
