"""Migrations for DSA statements of reasons at scale (issue 16): indexes, child tables, summary tables.

Indexes on ``statements_of_reasons`` (on ``sor_statements`` since ``db/migrations_dsa_compact.py``, under the
same names; ``statements_of_reasons`` is now a view over it and its filters and sorts use them)
    One per default sort and per filter the site offers (``datasette/metadata.yml``): the sort
    ``created_at``, and ``(column, created_at)`` for ``platform_name``, ``category_v2``,
    ``decision_ground``, ``automated_detection``, ``automated_decision``, ``source_type``,
    ``content_language`` — a filter plus a date range, or a filter sorted by date, is an index
    range; a facet on one of them is a covering-index scan. ``dataset_id`` is indexed for the
    per-load summary and for undoing a failed load.

Index order (m004): the site sorts by ``created_at`` descending with ties broken by ``id``
ascending (Datasette's keyset pages, ``datasette/plugins/modwatch_paging.py``). Indexes
``(created_at, id DESC)`` (``sor_created_at_desc``) and ``(column, created_at, id DESC)`` read
backwards give exactly that order: no sort at all. With ``(created_at)`` alone SQLite had to sort
the ties, and for a small LIMIT (``?_size=0``, a page of facets) it chose to sort the **whole**
table instead (0.9 s at 200,000 statements, SQLite 3.40). Not ``created_at DESC``: statements are
loaded in ascending time, and a descending index filled that way has half-empty pages (+350 MiB
per million statements). ``sor_created_at`` stays for ``?_sort=created_at``.

Child tables ``sor_decision_visibility``, ``sor_category_addition``, ``sor_category_specification``,
``sor_content_type`` (m002; they were ``json_each`` views)
    One row per element of the statement's JSON list: ``(statement_id, value)``, WITHOUT
    ROWID, primary key ``(statement_id, value)`` and an index ``(value, statement_id)``: a facet
    by value is an index scan, the statements with a value an index range. Filled at load time
    (:func:`db.dsa_summary.add_dataset`). ``sor_territorial_scope`` stays a ``json_each`` view:
    as a table it would hold ~30 rows per statement (the EU/EEA list); per-country counts come
    from the summary instead (``sor_counts_by_territory``).

``sor_value_sets`` / ``sor_value_set_items`` (m003)
    Each distinct JSON list of ``content_type`` and ``territorial_scope`` stored once (``kind``,
    ``value`` = the list as exported) and its elements, so the summary holds a small integer
    instead of a ~150-character list.

``sor_daily_counts`` (m003)
    Statements per day x platform x category (v2 names) x decision ground x automated
    detection x automated decision x content type (set) x territorial scope (set), with
    ``origin`` = ``statements`` (maintained at load time: always equal to a ``count(*)`` over
    ``statements_of_reasons``) or ``aggregates`` (the EC's daily aggregates files, for days not
    loaded in full, ``modwatch.load.dsa_aggregates``). Unknown dimensions are ``''`` / set 0 (never NULL, so
    the primary key upserts). WITHOUT ROWID, no other index: the key is stored once, in key
    order (``origin``, ``day``, ``platform_name``, ...: a day's rows are a range). Views present it: ``sor_counts`` (readable lists; for a day and
    platform with loaded statements, only the ``statements`` rows count) and
    ``sor_counts_by_territory`` (one row per country code of the scope).

``sor_daily_counts`` per hour (m005)
    ``hour`` (``'00'``..``'23'``, characters 12-13 of ``created_at`` as exported, ``YYYY-MM-DD
    HH:MM:SS``) after ``day`` in the primary key; ``''`` for rows of origin ``aggregates`` (days
    only; the column's default, so their loader is unchanged). The table is rebuilt, the
    aggregates rows kept and the statements rows recounted from the statements. A page filtered
    on whole hours of ``created_at`` (and on the summary's dimensions) is then counted and
    faceted from the summary (``datasette/plugins/modwatch_summary_facets.py``). The views gain
    ``hour``; their other columns and sums are unchanged.

``sor_list_value_counts`` (m006)
    ``(list_column, value, statements)``: the rows of the child tables of ``decision_visibility``,
    ``category_addition`` and ``category_specification`` per value, kept at load time, for their
    pages' default facet (``content_type``'s is counted from the summary's sets).
"""

from sqlite_utils.migrations import Migrations

from db import dsa_summary

migrations = Migrations("modwatch-dsa-scale")

#: columns indexed as ``(column, created_at)``
FILTER_COLUMNS = (
    "platform_name",
    "category_v2",
    "decision_ground",
    "automated_detection",
    "automated_decision",
    "source_type",
    "content_language",
)


@migrations()
def m001_statement_indexes(db):
    db.execute("create index if not exists sor_created_at on statements_of_reasons(created_at)")
    db.execute("create index if not exists sor_dataset_id on statements_of_reasons(dataset_id)")
    for column in FILTER_COLUMNS:
        db.execute(f"create index if not exists sor_{column}_created_at on statements_of_reasons({column}, created_at)")


@migrations()
def m002_child_tables(db):
    for column in ("decision_visibility", "category_addition", "category_specification", "content_type"):
        db.execute(f"drop view if exists sor_{column}")
        db.execute(f"""
            create table sor_{column} (
                statement_id integer not null references statements_of_reasons(id),
                value text not null,
                primary key (statement_id, value)
            ) without rowid""")
        db.execute(f"create index sor_{column}_value on sor_{column}(value, statement_id)")
        db.execute(f"""
            insert or ignore into sor_{column}(statement_id, value)
            select s.id, j.value from statements_of_reasons s, json_each(s.{column}) j
            where s.{column} is not null and json_valid(s.{column}) and j.value is not null""")


@migrations()
def m003_summary_tables(db):
    db.execute("""
        create table sor_value_sets (
            id integer primary key,
            kind text not null,
            value text not null,
            unique (kind, value)
        )""")
    db.execute("""
        create table sor_value_set_items (
            set_id integer not null references sor_value_sets(id),
            value text not null,
            primary key (set_id, value)
        ) without rowid""")
    db.execute("create index sor_value_set_items_value on sor_value_set_items(value, set_id)")
    db.execute("""
        create table sor_daily_counts (
            origin text not null,
            day text not null,
            platform_name text not null,
            category text not null,
            decision_ground text not null,
            automated_detection text not null,
            automated_decision text not null,
            content_type_set integer not null,
            territorial_scope_set integer not null,
            statements integer not null,
            dataset_id integer references datasets(id),
            primary key (origin, day, platform_name, category, decision_ground, automated_detection,
                         automated_decision, content_type_set, territorial_scope_set)
        ) without rowid""")
    db.execute("""
        create view sor_counts as
        select c.day, substr(c.day, 1, 7) as month, c.platform_name, c.category, c.decision_ground,
               c.automated_detection, c.automated_decision, ct.value as content_type,
               ts.value as territorial_scope, c.origin, c.statements
        from sor_daily_counts c
        left join sor_value_sets ct on ct.id = c.content_type_set
        left join sor_value_sets ts on ts.id = c.territorial_scope_set
        where c.origin = 'statements' or not exists (
            select 1 from sor_daily_counts s
            where s.origin = 'statements' and s.day = c.day and s.platform_name = c.platform_name)""")
    db.execute("""
        create view sor_counts_by_territory as
        select c.day, substr(c.day, 1, 7) as month, c.platform_name, c.category, c.decision_ground,
               c.automated_detection, c.automated_decision, i.value as territory, c.origin,
               c.statements
        from sor_daily_counts c
        left join sor_value_set_items i on i.set_id = c.territorial_scope_set
        where c.origin = 'statements' or not exists (
            select 1 from sor_daily_counts s
            where s.origin = 'statements' and s.day = c.day and s.platform_name = c.platform_name)""")
    for (dataset_id,) in db.execute("select distinct dataset_id from statements_of_reasons").fetchall():
        _add_dataset_to_summary(db, dataset_id)


def _add_dataset_to_summary(db, dataset_id):
    """Frozen copy of ``db.dsa_summary.add_dataset(child_tables=False)`` as released with m003 (it read the
    table ``statements_of_reasons``, a view over ``sor_statements`` since ``db/migrations_dsa_compact.py``)."""
    for kind in ("content_type", "territorial_scope"):
        dsa_summary.add_value_sets(
            db, kind, f"select s.{kind} as v from statements_of_reasons s where s.dataset_id = ?", [dataset_id]
        )
    dimensions = {
        "day": "coalesce(substr(s.created_at, 1, 10), '')",
        "platform_name": "coalesce(s.platform_name, '')",
        "category": "coalesce(s.category_v2, '')",
        "decision_ground": "coalesce(s.decision_ground, '')",
        "automated_detection": "coalesce(s.automated_detection, '')",
        "automated_decision": "coalesce(s.automated_decision, '')",
    }
    names = ", ".join(dimensions)
    expressions = ", ".join(f"{sql} as {name}" for name, sql in dimensions.items())
    db.execute(
        f"""
        insert into sor_daily_counts({names}, content_type_set, territorial_scope_set, origin, statements, dataset_id)
        select {expressions}, coalesce(ct.id, 0), coalesce(ts.id, 0), 'statements', count(*), ?
        from statements_of_reasons s
        left join sor_value_sets ct on ct.kind = 'content_type' and ct.value = s.content_type
        left join sor_value_sets ts on ts.kind = 'territorial_scope' and ts.value = s.territorial_scope
        where s.dataset_id = ?
        group by 1, 2, 3, 4, 5, 6, 7, 8
        on conflict do update set statements = statements + excluded.statements""",
        [dataset_id, dataset_id],
    )


@migrations()
def m004_created_at_descending(db):
    """Indexes in the site's default order, ``created_at DESC, id`` (see the module docstring)."""
    db.execute("create index if not exists sor_created_at_desc on statements_of_reasons(created_at, id desc)")
    for column in FILTER_COLUMNS:
        db.execute(f"drop index if exists sor_{column}_created_at")
        db.execute(f"create index sor_{column}_created_at on statements_of_reasons({column}, created_at, id desc)")


#: views over ``sor_daily_counts`` since m005: m003's columns, ``hour`` after ``day``
_COUNTS_VIEWS = {
    "sor_counts": """
        select c.day, c.hour, substr(c.day, 1, 7) as month, c.platform_name, c.category, c.decision_ground,
               c.automated_detection, c.automated_decision, ct.value as content_type,
               ts.value as territorial_scope, c.origin, c.statements
        from sor_daily_counts c
        left join sor_value_sets ct on ct.id = c.content_type_set
        left join sor_value_sets ts on ts.id = c.territorial_scope_set
        where c.origin = 'statements' or not exists (
            select 1 from sor_daily_counts s
            where s.origin = 'statements' and s.day = c.day and s.platform_name = c.platform_name)""",
    "sor_counts_by_territory": """
        select c.day, c.hour, substr(c.day, 1, 7) as month, c.platform_name, c.category, c.decision_ground,
               c.automated_detection, c.automated_decision, i.value as territory, c.origin,
               c.statements
        from sor_daily_counts c
        left join sor_value_set_items i on i.set_id = c.territorial_scope_set
        where c.origin = 'statements' or not exists (
            select 1 from sor_daily_counts s
            where s.origin = 'statements' and s.day = c.day and s.platform_name = c.platform_name)""",
}


@migrations()
def m005_summary_hour(db):
    """``sor_daily_counts`` per hour: ``hour`` (``'00'``..``'23'`` of ``created_at``; ``''`` for
    rows of origin ``aggregates``, which have days only, and the default for their loader) in the
    primary key after ``day``. The table is rebuilt: the aggregates rows are kept (hour ``''``),
    the statements rows recounted from the statements (:func:`db.dsa_summary.recount`), so a
    database summarised per day comes out per hour and still equal to ``count(*)``. The views keep
    their columns and sums, plus ``hour``."""
    for view in _COUNTS_VIEWS:
        db.execute(f"drop view if exists {view}")
    db.execute("alter table sor_daily_counts rename to sor_daily_counts_m004")
    db.execute("""
        create table sor_daily_counts (
            origin text not null,
            day text not null,
            hour text not null default '',
            platform_name text not null,
            category text not null,
            decision_ground text not null,
            automated_detection text not null,
            automated_decision text not null,
            content_type_set integer not null,
            territorial_scope_set integer not null,
            statements integer not null,
            dataset_id integer references datasets(id),
            primary key (origin, day, hour, platform_name, category, decision_ground, automated_detection,
                         automated_decision, content_type_set, territorial_scope_set)
        ) without rowid""")
    db.execute("""
        insert into sor_daily_counts(origin, day, hour, platform_name, category, decision_ground, automated_detection,
                                     automated_decision, content_type_set, territorial_scope_set, statements, dataset_id)
        select origin, day, '', platform_name, category, decision_ground, automated_detection, automated_decision,
               content_type_set, territorial_scope_set, statements, dataset_id
        from sor_daily_counts_m004 where origin != 'statements'""")
    db.execute("drop table sor_daily_counts_m004")
    dsa_summary.recount(db)
    for view, sql in _COUNTS_VIEWS.items():
        db.execute(f"create view {view} as {sql}")


@migrations()
def m006_list_value_counts(db):
    """``sor_list_value_counts``: the rows of the child tables ``sor_decision_visibility``,
    ``sor_category_addition``, ``sor_category_specification`` per value (= statements whose list
    holds it), kept at load time, so their pages' default facet reads a few rows, not the whole
    child table (~1 s per 10 million rows). Filled from the child tables."""
    db.execute("""
        create table sor_list_value_counts (
            list_column text not null,
            value text not null,
            statements integer not null,
            primary key (list_column, value)
        ) without rowid""")
    dsa_summary.add_list_value_counts(db)
