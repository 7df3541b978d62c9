"""The DSA child tables and summary, maintained at load time (tables: ``db/migrations_dsa_scale.py``).

:func:`add_dataset` runs at the end of every DSA load (``modwatch.load.dsa.load_dump``), inside the load's
:func:`db.datasets.loading`, on the statements that load stored (``dataset_id``; a statement
already stored by an earlier load is ignored by ``INSERT OR IGNORE`` and keeps its first
dataset), in the load's last transaction:

- the elements of the JSON lists into the child tables ``sor_<column>``;
- the rows it added to the child tables of :data:`COUNTED_LIST_COLUMNS`, per value, into
  ``sor_list_value_counts`` (the child table pages' default facet);
- new distinct ``content_type`` / ``territorial_scope`` lists into ``sor_value_sets`` (and
  their elements into ``sor_value_set_items``);
- the counts into ``sor_daily_counts`` (origin ``statements``), added to those of earlier loads,
  per day **and hour** of ``created_at`` (``hour`` = ``'00'``..``'23'``, characters 12-13 of the
  exported ``YYYY-MM-DD HH:MM:SS``; rows of origin ``aggregates`` have days only, hour ``''``), so
  a page filtered on a range of whole hours is counted from the summary
  (``datasette/plugins/modwatch_summary_facets.py``).

So after a load, a re-load of the same day (only new uuids are stored, only they are counted)
or a failed load (the exception rolls the transaction back and ``loading`` deletes the
dataset's statements: nothing was counted), ``sum(statements)`` of the summary equals
``count(*)`` over ``statements_of_reasons`` for every combination of its dimensions.
:func:`check` compares the two.
"""

from __future__ import annotations

import sqlite_utils

#: JSON-list columns with a child table ``sor_<column>``
CHILD_COLUMNS = ("decision_visibility", "category_addition", "category_specification", "content_type")
#: JSON-list columns whose child table's rows are counted per value in ``sor_list_value_counts`` (m006;
#: ``content_type`` is counted through the summary's sets)
COUNTED_LIST_COLUMNS = ("decision_visibility", "category_addition", "category_specification")
#: JSON-list columns stored once in ``sor_value_sets`` and counted in the summary
SET_COLUMNS = ("content_type", "territorial_scope")
#: summary dimension -> expression over ``statements_of_reasons s`` (unknown = '')
DIMENSIONS = {
    "day": "coalesce(substr(s.created_at, 1, 10), '')",
    "hour": "coalesce(substr(s.created_at, 12, 2), '')",
    "platform_name": "coalesce(s.platform_name, '')",
    "category": "coalesce(s.category_v2, '')",
    "decision_ground": "coalesce(s.decision_ground, '')",
    "automated_detection": "coalesce(s.automated_detection, '')",
    "automated_decision": "coalesce(s.automated_decision, '')",
}


def add_value_sets(db: sqlite_utils.Database, kind: str, values_sql: str, params=()) -> None:
    """Store the distinct lists ``values_sql`` selects (one column) as sets of ``kind``, with their items."""
    before = db.execute("select coalesce(max(id), 0) from sor_value_sets").fetchone()[0]
    db.execute(
        f"insert or ignore into sor_value_sets(kind, value) select distinct ?, v from ({values_sql}) "
        "where v is not null",
        [kind, *params],
    )
    db.execute(
        """
        insert or ignore into sor_value_set_items(set_id, value)
        select s.id, j.value from sor_value_sets s, json_each(s.value) j
        where s.id > ? and json_valid(s.value) and j.value is not null""",
        [before],
    )


def add_dataset(db: sqlite_utils.Database, dataset_id: int, *, child_tables: bool = True) -> int:
    """Add the statements of ``dataset_id`` to the child tables and the summary; returns statements counted.

    Runs in the caller's transaction (the caller commits). ``child_tables=False`` only for the
    migration that backfills the summary (the child tables' own migration filled them).
    """
    if child_tables:
        for column in CHILD_COLUMNS:
            db.execute(
                f"""
                insert or ignore into sor_{column}(statement_id, value)
                select s.id, i.value from sor_statements s join sor_value_set_items i on i.set_id = s.{column}_set
                where s.dataset_id = ?""",
                [dataset_id],
            )
        for column in COUNTED_LIST_COLUMNS:
            db.execute(
                f"""
                insert into sor_list_value_counts(list_column, value, statements)
                select ?, c.value, count(*) from sor_statements s join sor_{column} c on c.statement_id = s.id
                where s.dataset_id = ? group by c.value
                on conflict do update set statements = statements + excluded.statements""",
                [column, dataset_id],
            )
    names = ", ".join(DIMENSIONS)
    expressions = ", ".join(f"{sql} as {name}" for name, sql in DIMENSIONS.items())
    cursor = db.execute(
        f"""
        insert into sor_daily_counts({names}, content_type_set, territorial_scope_set, origin, statements, dataset_id)
        select {expressions}, coalesce(s.content_type_set, 0), coalesce(s.territorial_scope_set, 0),
               'statements', count(*), ?
        from sor_statements s
        where s.dataset_id = ?
        group by {", ".join(range_names(len(DIMENSIONS) + 2))}
        on conflict do update set statements = statements + excluded.statements""",
        [dataset_id, dataset_id],
    )
    return cursor.rowcount


def recount(db: sqlite_utils.Database) -> int:
    """Rebuild the ``statements`` rows of ``sor_daily_counts`` from a ``count(*)`` over all the
    statements (``dataset_id``: the first load that stored one of them); returns rows written.
    The caller makes sure the value sets hold every list (:func:`add_dataset` and m003 did)."""
    db.execute("delete from sor_daily_counts where origin = 'statements'")
    names = ", ".join(DIMENSIONS)
    expressions = ", ".join(f"{sql} as {name}" for name, sql in DIMENSIONS.items())
    return db.execute(f"""
        insert into sor_daily_counts({names}, content_type_set, territorial_scope_set, origin, statements, dataset_id)
        select {expressions}, coalesce(ct.id, 0), coalesce(ts.id, 0), 'statements', count(*), min(s.dataset_id)
        from statements_of_reasons s
        left join sor_value_sets ct on ct.kind = 'content_type' and ct.value = s.content_type
        left join sor_value_sets ts on ts.kind = 'territorial_scope' and ts.value = s.territorial_scope
        group by {", ".join(range_names(len(DIMENSIONS) + 2))}""").rowcount


def range_names(n: int) -> list[str]:
    """``["1", "2", ...]``: GROUP BY positions."""
    return [str(i) for i in range(1, n + 1)]


def add_list_value_counts(db: sqlite_utils.Database) -> None:
    """Count the rows of each child table of :data:`COUNTED_LIST_COLUMNS` per value (migration m006)."""
    for column in COUNTED_LIST_COLUMNS:
        db.execute(
            f"insert into sor_list_value_counts(list_column, value, statements) "
            f"select ?, value, count(*) from sor_{column} group by value",
            [column],
        )


def check(db: sqlite_utils.Database) -> list[tuple]:
    """Combinations whose summary count differs from ``count(*)`` over the statements, then
    ``(list column, value, counted, rows)`` where ``sor_list_value_counts`` differs from its child
    table (empty: all equal)."""
    lists = []
    for column in COUNTED_LIST_COLUMNS:
        lists += db.execute(
            f"""
            select ?, coalesce(a.value, c.value), c.statements, a.n from
            (select value, count(*) as n from sor_{column} group by value) a
            full join (select value, statements from sor_list_value_counts where list_column = ?) c on c.value = a.value
            where c.statements is not a.n""",
            [column, column],
        ).fetchall()
    return _check_summary(db) + lists


def _check_summary(db: sqlite_utils.Database) -> list[tuple]:
    names = ", ".join(DIMENSIONS)
    expressions = ", ".join(f"{sql} as {name}" for name, sql in DIMENSIONS.items())
    return db.execute(f"""
        with actual as (
            select {expressions}, coalesce(ct.id, 0) as content_type_set, coalesce(ts.id, 0) as territorial_scope_set,
                   count(*) as n
            from statements_of_reasons s
            left join sor_value_sets ct on ct.kind = 'content_type' and ct.value = s.content_type
            left join sor_value_sets ts on ts.kind = 'territorial_scope' and ts.value = s.territorial_scope
            group by {", ".join(range_names(len(DIMENSIONS) + 2))}
        ), summary as (
            select {names}, content_type_set, territorial_scope_set, statements as n
            from sor_daily_counts where origin = 'statements'
        )
        select * from (select * from actual except select * from summary)
        union all
        select * from (select * from summary except select * from actual)""").fetchall()
