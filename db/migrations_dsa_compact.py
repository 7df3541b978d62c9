"""Migrations storing each repeated long string of the DSA statements once (issue 16, smaller rows).

``sor_statements`` (m001)
    The statements as stored: the same ``id`` (integer primary key) and ``uuid`` (UNIQUE) as
    before, the label and date columns as TEXT (``platform_name``, ``category``, ``created_at``...,
    with their indexes: ``db/migrations_dsa_scale.py``'s, moved here), ``dataset_id``,
    ``location`` and the virtual generated ``category_v2``. Instead of its text, each free-text
    column (:data:`TEXT_COLUMNS`: ``decision_facts``, the explanations and grounds, the ``*_other``
    texts...) holds ``<column>_text`` -> ``sor_texts.id``, and each JSON-list column
    (:data:`SET_COLUMNS`: ``territorial_scope``, ``content_type``, ``decision_visibility``,
    ``category_addition``, ``category_specification``) holds ``<column>_set`` ->
    ``sor_value_sets.id`` (``kind`` = the column; the table already held the summary's lists).

``sor_texts`` (m001)
    Each distinct free text once (``value``), shared by every column, with ``hash`` = the first 8
    bytes of its BLAKE2b digest (a signed 64-bit integer, :func:`text_hash`), indexed: a text is found
    by its hash and checked for equality. A UNIQUE index on ``value`` would store every text twice.

``statements_of_reasons`` (m001)
    Now a VIEW over ``sor_statements``, each text or list looked up by primary key in ``sor_texts``
    or ``sor_value_sets`` (a scalar subquery, evaluated only for the columns a query reads): exactly the columns, names, order and values of the former table (including
    ``category_specification_v2``, computed from the list as the generated column did: it is the
    virtual generated column ``sor_value_sets.value_v2``), so every
    reader (Datasette, canned queries, CSV, Parquet export, the ``sor_*`` views, the search index
    ``statements_of_reasons_fts`` whose external content it is) is unchanged. SQLite flattens the
    view: a filter or sort on a stored column uses ``sor_statements``' indexes and a
    ``count(*)`` or a facet on a stored column reads no text. Writers write ``sor_statements`` (``db.dsa_compact``).

The child tables ``sor_decision_visibility``... are rebuilt with their foreign key to
``sor_statements(id)`` (a view cannot be a foreign key's parent).
"""

import hashlib

from sqlite_utils.migrations import Migrations

from db.migrations_dsa_notes import keyword_v2_sql

# Frozen copies of the columns as they were when this migration was released.
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
#: free texts stored once in ``sor_texts`` (``<column>_text``)
TEXT_COLUMNS = (
    "decision_visibility_other",
    "decision_monetary_other",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "category_specification_other",
    "content_type_other",
    "decision_facts",
    "source_identity",
)
#: JSON lists stored once in ``sor_value_sets`` (``<column>_set``)
SET_COLUMNS = (
    "decision_visibility",
    "category_addition",
    "category_specification",
    "content_type",
    "territorial_scope",
)
CHILD_COLUMNS = ("decision_visibility", "category_addition", "category_specification", "content_type")
CATEGORY_RENAMES = {
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
}
FILTER_COLUMNS = (
    "platform_name",
    "category_v2",
    "decision_ground",
    "automated_detection",
    "automated_decision",
    "source_type",
    "content_language",
)
#: views over ``statements_of_reasons``, dropped and re-created around the change (same SQL)
DEPENDENT_VIEWS = (
    "sor_territorial_scope",
    "sor_category_specification_v2",
    "dsa_daily_figures",
)
#: SQL function computing :func:`text_hash`, registered by :func:`register_functions`
HASH_FUNCTION = "modwatch_text_hash"

migrations = Migrations("modwatch-dsa-compact")


def text_hash(text: str | None) -> int | None:
    """The key of ``text`` in ``sor_texts.hash``: the first 8 bytes of its BLAKE2b digest, signed."""
    if text is None:
        return None
    digest = hashlib.blake2b(str(text).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def register_functions(db) -> None:
    """Register :data:`HASH_FUNCTION` on ``db`` (a sqlite-utils database)."""
    db.conn.create_function(HASH_FUNCTION, 1, text_hash, deterministic=True)


def stored_name(column: str) -> str:
    """The column of ``sor_statements`` holding ``column`` (``decision_facts`` -> ``decision_facts_text``)."""
    if column in TEXT_COLUMNS:
        return f"{column}_text"
    if column in SET_COLUMNS:
        return f"{column}_set"
    return column


def view_sql() -> str:
    """The ``statements_of_reasons`` view over ``sor_statements`` (columns in the former table's order).

    Each text or list is a scalar subquery on a primary key, not a LEFT JOIN: SQLite 3.40 drops an
    unused LEFT JOIN only from a plain SELECT, not from an aggregate (``count(*)``, a facet's
    ``group by``), whereas an unused subquery column is never evaluated; its declared type is the
    looked-up column's (TEXT), as the former table's.
    """
    selected = ["id"]
    for column in COLUMNS:
        if column in TEXT_COLUMNS:
            selected.append(f"(select t.value from sor_texts t where t.id = s.{column}_text) as {column}")
        elif column in SET_COLUMNS:
            selected.append(f"(select v.value from sor_value_sets v where v.id = s.{column}_set) as {column}")
        else:
            selected.append(column)
    selected += [
        "dataset_id",
        "location",
        "category_v2",
        "(select v.value_v2 from sor_value_sets v where v.id = s.category_specification_set) as category_specification_v2",
    ]
    return "create view statements_of_reasons as\nselect " + ",\n  ".join(selected) + "\nfrom sor_statements s"


def _table_sql() -> str:
    columns = []
    for column in COLUMNS:
        if column == "uuid":
            columns.append("uuid text not null unique")
        elif column in TEXT_COLUMNS:
            columns.append(f"{column}_text integer references sor_texts(id)")
        elif column in SET_COLUMNS:
            columns.append(f"{column}_set integer references sor_value_sets(id)")
        else:
            columns.append(f"{column} text")
    cases = " ".join(f"when '{old}' then '{new}'" for old, new in CATEGORY_RENAMES.items())
    columns += [
        "dataset_id integer references datasets(id)",
        "location text",
        f"category_v2 text generated always as (case category {cases} else category end) virtual",
    ]
    return "create table sor_statements (\n  id integer primary key,\n  " + ",\n  ".join(columns) + "\n)"


def _create_indexes(db) -> None:
    db.execute("create index sor_created_at on sor_statements(created_at)")
    db.execute("create index sor_created_at_desc on sor_statements(created_at, id desc)")
    db.execute("create index sor_dataset_id on sor_statements(dataset_id)")
    for column in FILTER_COLUMNS:
        db.execute(f"create index sor_{column}_created_at on sor_statements({column}, created_at, id desc)")


def _rebuild_child_tables(db) -> None:
    for column in CHILD_COLUMNS:
        db.execute(f"""
            create table sor_{column}_new (
                statement_id integer not null references sor_statements(id),
                value text not null,
                primary key (statement_id, value)
            ) without rowid""")
        db.execute(f"insert into sor_{column}_new(statement_id, value) select statement_id, value from sor_{column}")
        db.execute(f"drop table sor_{column}")
        db.execute(f"alter table sor_{column}_new rename to sor_{column}")
        db.execute(f"create index sor_{column}_value on sor_{column}(value, statement_id)")


@migrations()
def m001_compact_statements(db):
    register_functions(db)
    views = {
        name: sql
        for name, sql in db.execute(
            f"select name, sql from sqlite_master where type = 'view' and name in ({', '.join('?' * len(DEPENDENT_VIEWS))})",
            DEPENDENT_VIEWS,
        ).fetchall()
    }
    db.execute("create table sor_texts (id integer primary key, hash integer not null, value text not null)")
    db.execute("create index sor_texts_hash on sor_texts(hash)")
    texts = " union ".join(f"select {column} as v from statements_of_reasons" for column in TEXT_COLUMNS)
    db.execute(
        f"insert into sor_texts(hash, value) select {HASH_FUNCTION}(v), v from ({texts}) where v is not null order by v"
    )
    for column in SET_COLUMNS:
        before = db.execute("select coalesce(max(id), 0) from sor_value_sets").fetchone()[0]
        db.execute(
            f"insert or ignore into sor_value_sets(kind, value) select distinct ?, {column} from statements_of_reasons "
            f"where {column} is not null",
            [column],
        )
        db.execute(
            """
            insert or ignore into sor_value_set_items(set_id, value)
            select s.id, j.value from sor_value_sets s, json_each(s.value) j
            where s.id > ? and json_valid(s.value) and j.value is not null""",
            [before],
        )
    db.execute(
        f"alter table sor_value_sets add column value_v2 text generated always as ({keyword_v2_sql('value')}) virtual"
    )
    db.execute(_table_sql())
    names, values, joins = ["id"], ["o.id"], []
    for column in COLUMNS:
        names.append(stored_name(column))
        if column in TEXT_COLUMNS:
            values.append(f"t_{column}.id")
            joins.append(
                f"left join sor_texts t_{column} on t_{column}.hash = {HASH_FUNCTION}(o.{column}) "
                f"and t_{column}.value = o.{column}"
            )
        elif column in SET_COLUMNS:
            values.append(f"v_{column}.id")
            joins.append(
                f"left join sor_value_sets v_{column} on v_{column}.kind = '{column}' and v_{column}.value = o.{column}"
            )
        else:
            values.append(f"o.{column}")
    names += ["dataset_id", "location"]
    values += ["o.dataset_id", "o.location"]
    db.execute(
        f"insert into sor_statements({', '.join(names)}) select {', '.join(values)} "
        f"from statements_of_reasons o {' '.join(joins)} order by o.id"
    )
    for name in views:
        db.execute(f"drop view [{name}]")
    db.execute("drop table statements_of_reasons")
    _create_indexes(db)
    db.execute(view_sql())
    for sql in views.values():
        db.execute(sql)
    _rebuild_child_tables(db)
