"""The DSA child tables and summary, maintained at load time (tables: ``db/migrations_dsa_scale.py``).

:func:`add_dataset` runs at the end of every DSA load (``modwatch.load.dsa.load_dump``), inside the load's
:func:`db.datasets.loading`, on the statements that load stored (``dataset_id``; a statement
already stored by an earlier load is ignored by ``INSERT OR IGNORE`` and keeps its first
dataset), in the load's last transaction:

- the elements of the JSON lists into the child tables ``sor_<column>``;
- new distinct ``content_type`` / ``territorial_scope`` lists into ``sor_value_sets`` (and
  their elements into ``sor_value_set_items``);
- the counts into ``sor_daily_counts`` (origin ``statements``), added to those of earlier loads.

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
#: JSON-list columns stored once in ``sor_value_sets`` and counted in the summary
SET_COLUMNS = ("content_type", "territorial_scope")
#: summary dimension -> expression over ``statements_of_reasons s`` (unknown = '')
DIMENSIONS = {
    "day": "coalesce(substr(s.created_at, 1, 10), '')",
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


def range_names(n: int) -> list[str]:
    """``["1", "2", ...]``: GROUP BY positions."""
    return [str(i) for i in range(1, n + 1)]


def check(db: sqlite_utils.Database) -> list[tuple]:
    """Combinations whose summary count differs from ``count(*)`` over the statements (empty: all equal)."""
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
