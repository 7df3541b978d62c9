"""Datasette plugin: a table's ``?_search=`` of a common word answers at any size, the count apart.

Datasette 0.65 searches a table with ``rowid in (select rowid from <fts> where <fts> match ...)`` (a view:
``<fts_pk> in ...``, ``fts_pk`` from its metadata)
and sorts **every** hit by the page's sort: 697,000 statements of reasons contain ``account`` in
a million, whose sort alone took 3.8 s (issue 16), so the page was refused by the SQL time limit.

For a table whose metadata sets ``search_bound: N`` (``datasette/metadata.yml``), on its HTML and
JSON pages (not its CSV, which must hold every match):

- the rows and the facets are those of the **N newest matches** (the highest ids: FTS5 reads its
  hits in descending rowid order and stops after N, bounded work however common the word), in
  the page's sort; the page says so in its description;
- the count of a search with no other filter is the full-text index's own count of **every**
  match (``select count(*) from <fts> where <fts> match ...``: no row of the table is read);
  with other filters the count is left to Datasette but limited to :data:`COUNT_TIME_LIMIT_MS`
  (past it the page shows no count rather than waiting).

The canned query ``dsa_search_statements`` ranks the newest 10,000 matches best first (FTS5
rank). ``startup`` wraps ``Database.execute`` once per process; the rewrite only touches the
exact clause Datasette writes for ``?_search=``.
"""

from __future__ import annotations

import contextvars

from datasette import hookimpl
from datasette.database import Database
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, tilde_decode

#: time limit of a count of a search with other filters (ms)
COUNT_TIME_LIMIT_MS = 500

#: {fts table: bound} for the request being answered (HTML and JSON pages only)
_bounds: contextvars.ContextVar[dict | None] = contextvars.ContextVar("modwatch_search_bounds", default=None)


def _clauses(fts: str, pk: str = "rowid") -> list[str]:
    """Datasette's search clauses: ``<fts_pk> in (...)``, ``fts_pk`` being ``rowid`` for a table and the
    metadata's ``fts_pk`` for a view (``statements_of_reasons``: ``id``)."""
    fts, pk = escape_sqlite(fts), escape_sqlite(pk)
    return [
        f"{pk} in (select rowid from {fts} where {fts} match {match})" for match in (":search", "escape_fts(:search)")
    ]


def bounded(sql: str, bounds: dict) -> tuple[str, bool]:
    """``(sql rewritten, is a count)`` for the bounded tables in ``bounds`` ({table: (fts, n[, fts_pk])})."""
    for table, (fts, n, *pk) in bounds.items():
        for clause in _clauses(fts, *pk):
            if clause not in sql:
                continue
            if sql.strip() == f"select count(*) from {escape_sqlite(table)} where {clause}":
                return f"select count(*) from {escape_sqlite(fts)} where {clause.split(' where ', 1)[1][:-1]}", True
            if sql.lstrip().startswith("select count(*) from "):
                return sql, True
            return sql.replace(clause, f"{clause[:-1]} order by rowid desc limit {int(n)})"), False
    return sql, False


def _patch() -> None:
    if getattr(Database.execute, "modwatch_search_bound", False):
        return
    original = Database.execute

    async def execute(self, sql, *args, **kwargs):
        bounds = _bounds.get()
        if bounds and self.name in bounds:
            sql, count = bounded(sql, bounds[self.name])
            if count and "custom_time_limit" not in kwargs and len(args) < 3:
                kwargs["custom_time_limit"] = COUNT_TIME_LIMIT_MS
        return await original(self, sql, *args, **kwargs)

    execute.modwatch_search_bound = True
    Database.execute = execute


async def _request_bounds(datasette, scope) -> dict | None:
    """``{database: {table: (fts table, bound)}}`` for a table page with ``_search``, else None."""
    path = scope.get("path", "")
    if b"_search" not in scope.get("query_string", b"") or path.endswith(".csv"):
        return None
    base = datasette.setting("base_url") or "/"
    parts = path[len(base) :].removesuffix(".json").split("/")
    if len(parts) != 2 or tilde_decode(parts[0]) not in datasette.databases:
        return None
    database_name, table = tilde_decode(parts[0]), tilde_decode(parts[1])
    meta = datasette.table_metadata(database_name, table) or {}
    if not meta.get("search_bound"):
        return None
    database = datasette.get_database(database_name)
    fts = meta.get("fts_table") or await database.fts_table(table)
    bound = (fts, int(meta["search_bound"]), meta.get("fts_pk", "rowid"))
    return {database_name: {table: bound}} if fts else None


@hookimpl
def filters_from_request(request, database, table, datasette):
    meta = datasette.table_metadata(database, table) or {}
    if meta.get("search_bound") and request.args.get("_search") and not request.path.endswith(".csv"):
        return FilterArguments([], human_descriptions=[f"rows from the {int(meta['search_bound']):,} newest matches"])
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def search_bound(scope, receive, send):
            bounds = await _request_bounds(datasette, scope) if scope.get("type") == "http" else None
            if bounds is None:
                return await app(scope, receive, send)
            token = _bounds.set(bounds)
            try:
                return await app(scope, receive, send)
            finally:
                _bounds.reset(token)

        return search_bound

    return wrap


@hookimpl
def startup(datasette):
    _patch()
