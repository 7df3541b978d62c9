"""The SQL of the export bundles (``modwatch.export``): which tables an analyst sees, the filters'
conditions, the rows a filter keeps through the foreign keys, the values a filter can take.

Pure SQL on a ``sqlite3`` connection; the bundle itself (CSV, datapackage.json, README) is
:mod:`modwatch.export`.
"""

from __future__ import annotations

import sqlite3

#: the per-country, per-half-year view that counts each figure once (``db/migrations_figures.py``)
FIGURES_VIEW = "removal_requests_by_country_period"
#: views exported as the table they present -> that stored table, whose key and foreign keys on the
#: same column names they keep (``db/migrations_dsa_compact.py``); the stored table is not exported
KEYED_VIEWS = {"statements_of_reasons": "sor_statements"}
#: stored only to be read through a view of :data:`KEYED_VIEWS`
INTERNAL_TABLES = {"sor_statements", "sor_texts"}

# table -> filter -> (columns that must exist, SQL condition using :param)
_PERIOD = {
    "since": (("period_end",), "period_end >= :since"),
    "until": (("period_start",), "period_start <= :until"),
}
_TAGGED = (
    "id in (select ae.article_id from article_entities ae join entities e on e.id = ae.entity_id "
    "where e.kind = '{kind}' and lower(e.key) = lower(:{param}))"
)
DIRECT_FILTERS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "articles": {
        "source": (("source",), "source = :source"),
        "since": (("published_at",), "substr(published_at, 1, 10) >= :since"),
        "until": (("published_at",), "substr(published_at, 1, 10) <= :until"),
        "country": ((), _TAGGED.format(kind="country", param="country")),
        # a platform key (facebook) or a report platform (Meta -> facebook, instagram)
        "platform": (
            (),
            _TAGGED.format(kind="platform", param="platform").replace(
                "lower(e.key) = lower(:platform))",
                "(lower(e.key) = lower(:platform) or e.id in (select entity_id from entity_report_platforms "
                "where lower(report_platform) = lower(:platform))))",
            ),
        ),
    },
    "sources": {"source": (("key",), "key = :source")},
    "removal_requests": {
        "country": (("country",), "country = upper(:country)"),
        "platform": (("platform",), "lower(platform) = lower(:platform)"),
        **_PERIOD,
    },
    FIGURES_VIEW: {
        "country": (("country",), "country = upper(:country)"),
        "platform": (("platform",), "lower(platform) = lower(:platform)"),
        **_PERIOD,
    },
    "meta_global_geoblocks": {
        "platform": ((), "lower(:platform) in ('meta', 'facebook', 'instagram')"),
        **_PERIOD,
    },
    "notices": {
        "country": (
            ("jurisdictions",),
            "exists (select 1 from json_each(case when json_valid(jurisdictions) then jurisdictions "
            "else '[]' end) where upper(value) = upper(:country))",
        ),
        "platform": (("recipient_name",), "recipient_name like '%' || :platform || '%'"),
        "since": (("date_received",), "substr(coalesce(date_received, date_sent), 1, 10) >= :since"),
        "until": (("date_received",), "substr(coalesce(date_received, date_sent), 1, 10) <= :until"),
    },
    "statements_of_reasons": {
        "country": (
            ("territorial_scope",),
            "exists (select 1 from json_each(case when json_valid(territorial_scope) then "
            "territorial_scope else '[]' end) where upper(value) = upper(:country))",
        ),
        "platform": (("platform_name",), "platform_name like '%' || :platform || '%'"),
        "since": (("created_at",), "substr(created_at, 1, 10) >= :since"),
        "until": (("created_at",), "substr(created_at, 1, 10) <= :until"),
    },
}

#: Tables kept only for the rows that reference them: table -> (its column, referencing table,
#: that table's column). E.g. only the authors of the exported articles.
REFERENCED_BY: dict[str, tuple[str, str, str]] = {
    "authors": ("id", "article_authors", "author_id"),
    "tags": ("id", "article_tags", "tag_id"),
}


def analyst_tables(conn: sqlite3.Connection) -> list[str]:
    """Base tables an analyst sees (not FTS, virtual or shadow, not internal), and the views of
    :data:`KEYED_VIEWS` in their place, by name; then :data:`FIGURES_VIEW` when the database has it."""
    rows = conn.execute("select name, sql from sqlite_master where type = 'table' order by name").fetchall()
    virtual = {name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")}
    views = {r[0] for r in conn.execute("select name from sqlite_master where type = 'view'")}
    rows = sorted([*rows, *((name, None) for name in views & KEYED_VIEWS.keys())])
    tables = []
    for name, _sql in rows:
        if name in virtual or name in INTERNAL_TABLES or name.startswith(("sqlite_", "_")):
            continue
        if any(name.startswith(v + "_") for v in virtual):  # FTS shadow tables
            continue
        tables.append(name)
    if conn.execute("select 1 from sqlite_master where type = 'view' and name = ?", [FIGURES_VIEW]).fetchone():
        tables.append(FIGURES_VIEW)
    return tables


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, pk position) of every column, generated ones included."""
    rows = conn.execute(f"pragma table_xinfo([{table}])").fetchall()
    # table_xinfo: cid, name, type, notnull, dflt_value, pk, hidden (2/3 = generated)
    keys = {}
    if table in KEYED_VIEWS:
        keys = {r[1]: r[5] for r in conn.execute(f"pragma table_xinfo([{KEYED_VIEWS[table]}])")}
    return [(r[1], r[2] or "", keys.get(r[1], r[5])) for r in rows if r[6] in (0, 2, 3)]


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}


def foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) of each single-column foreign key."""
    keys = []
    names = {name for name, _, _ in columns(conn, table)}
    for row in conn.execute(f"pragma foreign_key_list([{KEYED_VIEWS.get(table, table)}])").fetchall():
        # id, seq, table, from, to, on_update, on_delete, match
        ref_table, from_col, to_col = row[2], row[3], row[4]
        if from_col not in names:
            continue  # a stored reference the view resolves (sor_texts, sor_value_sets)
        if to_col is None:  # references the primary key
            to_col = next(name for name, _, position in columns(conn, ref_table) if position == 1)
        keys.append((from_col, ref_table, to_col))
    return keys


def where_clause(
    conn: sqlite3.Connection, table: str, filters: dict[str, str | None], _visited: frozenset = frozenset()
) -> tuple[str, list[str]]:
    """SQL condition selecting the rows of ``table`` the filters keep, and the filters it applies.

    A table's own column filters (:data:`DIRECT_FILTERS`) apply first; then a row is kept only if
    each row it references through a foreign key to a filtered table is kept (``notice_urls``
    follow ``notices``, ``article_authors`` follow ``articles`` ...), so every foreign key of the
    bundle resolves; :data:`REFERENCED_BY` tables keep the rows referenced by kept rows.
    ``("1", [])`` when no filter concerns the table.
    """
    visited = _visited | {table}
    have = {name for name, _, _ in columns(conn, table)}
    names = table_names(conn)
    conditions, applied = [], []
    for name, (needed, sql) in DIRECT_FILTERS.get(table, {}).items():
        if filters.get(name) is None or not set(needed) <= have:
            continue
        if "article_entities" in sql and not {"article_entities", "entities", "entity_report_platforms"} <= names:
            continue
        conditions.append(f"({sql})")
        applied.append(name)
    for column, parent, parent_column in foreign_keys(conn, table):
        if parent in visited or parent not in names:
            continue
        parent_where, parent_applied = where_clause(conn, parent, filters, visited)
        if parent_applied:
            conditions.append(
                f"([{column}] is null or [{column}] in (select [{parent_column}] from [{parent}] where {parent_where}))"
            )
            applied.append(f"rows of {parent} kept")
    if table in REFERENCED_BY:
        column, child, child_column = REFERENCED_BY[table]
        if child in names and child not in visited:
            child_where, child_applied = where_clause(conn, child, filters, visited)
            if child_applied:
                conditions.append(f"[{column}] in (select [{child_column}] from [{child}] where {child_where})")
                applied.append(f"referenced by kept rows of {child}")
    return (" and ".join(conditions) or "1"), applied


def count_rows(conn: sqlite3.Connection, table: str, where: str, params: dict) -> int:
    return conn.execute(f"select count(*) from [{table}] where {where}", params).fetchone()[0]


def select_rows(conn: sqlite3.Connection, table: str, columns, where: str, params: dict) -> sqlite3.Cursor:
    """The kept rows of ``table`` (``columns`` from :func:`columns`) in primary-key order (rowid, or
    every column for a view)."""
    select = ", ".join(f"[{name}]" for name, _, _ in columns)
    order = ", ".join(f"[{name}]" for name, _, position in sorted(columns, key=lambda c: c[2]) if position) or (
        "rowid"
        if conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [table]).fetchone()
        else select
    )  # a view: every column
    return conn.execute(f"select {select} from [{table}] where {where} order by {order}", params)


def country_in_requests(conn: sqlite3.Connection, country: str) -> bool:
    """Whether ``removal_requests.country`` holds ``country`` (any case)."""
    return (
        conn.execute("select 1 from removal_requests where country = upper(?) limit 1", [country]).fetchone()
        is not None
    )


#: filter -> queries listing the values the database has for it (the message of a filter matching nothing)
KNOWN_VALUES_SQL = {
    "platform": [
        "select distinct platform from removal_requests",
        "select distinct report_platform from entity_report_platforms",
        "select distinct key from entities where kind = 'platform'",
    ],
    "source": ["select key from sources"],
}


def filter_matches(conn: sqlite3.Connection, name: str, value: str) -> bool:
    """Whether filter ``name`` = ``value`` keeps a row of some table it filters."""
    names = table_names(conn)
    for table, table_filters in DIRECT_FILTERS.items():
        needed, sql = table_filters.get(name, ((), None))
        if sql is None or table not in names or not set(needed) <= {c for c, _, _ in columns(conn, table)}:
            continue
        if "article_entities" in sql and not {"article_entities", "entities", "entity_report_platforms"} <= names:
            continue
        if conn.execute(f"select exists (select 1 from [{table}] where {sql})", {name: value}).fetchone()[0]:
            return True
    return False


def known_values(conn: sqlite3.Connection, name: str) -> set[str]:
    """The values of filter ``name`` the database has (:data:`KNOWN_VALUES_SQL`)."""
    known = set()
    for query in KNOWN_VALUES_SQL[name]:
        try:
            known.update(row[0] for row in conn.execute(query) if row[0])
        except sqlite3.OperationalError:  # a table this database lacks
            pass
    return known
