"""Datasette plugin: every table and view page is ordered with a unique tie-breaker.

Datasette 0.65 pages tables with keyset pagination: page 2 onwards asks for rows *after* the last
row of the previous page by ``(sort value, primary key)`` and orders by ``sort, primary key``; but
the **first page** is ordered by the sort column alone (``order by period_end desc limit 101``).
Rows tied on the sort value across the first page boundary come in any order there, so the next
page skips some and repeats others: a streamed CSV (``?_stream=1``, which walks the same pages)
of ``removal_requests?country=VN`` had 295 rows, 291 distinct, of 303. Views are paged by
``offset`` and sorted by one column (or not at all), which has the same fault. (Datasette issues
#189, #1653: sort tie-breakers and multi-column default sorts; not fixed in 0.65.)

This plugin completes the ``ORDER BY`` of Datasette's table/view page query (and only that query,
recognised by its exact shape ``select <columns> from <table> [where ...] [order by ...] limit
<n> [offset <m>]`` on a table or view of the database) with the tie-breaker the later pages use:

- a table with a primary key: its primary key columns; a rowid table: ``rowid``;
- a view whose metadata names its unique key (``unique_key: id``, ``statements_of_reasons``): that key;
- another view (no key): every selected column, so the order is total up to identical rows, which
  ``offset`` counts correctly.

The first page then has the order of the following ones, and every page, CSV stream and JSON
``_next`` walk holds each row exactly once. Installed by ``startup`` (patches
``datasette.database.Database.execute`` once per process).
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.database import Database
from datasette.utils import escape_sqlite

_PAGE_QUERY = re.compile(
    r"^select (?P<columns>(?:(?!\bfrom\b|\bselect\b).)+?) from (?P<table>\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_]*) "
    r"(?P<where>where .*? )?(?:order by (?P<order>[^()]+?) )?\s*limit (?P<limit>\d+)(?P<offset> offset \d+)?$",
    re.S,
)


async def tie_broken(database: Database, sql: str) -> str:
    """``sql`` with a unique tie-breaker added to its ORDER BY when it is a table/view page query."""
    match = _PAGE_QUERY.match(sql)
    if match is None:
        return sql
    table = match["table"][1:-1] if match["table"].startswith("[") else match["table"]
    if table in await database.view_names():
        meta = database.ds.table_metadata(database.name, table) or {}
        tie = escape_sqlite(meta["unique_key"]) if meta.get("unique_key") else match["columns"]
    elif table in await database.table_names():
        if match["columns"].startswith("rowid, "):
            tie = "rowid"
        else:
            pks = await database.primary_keys(table)
            tie = ", ".join(escape_sqlite(pk) for pk in pks) if pks else "rowid"
    else:
        return sql
    order = match["order"]
    if order is not None and (order == tie or order.endswith(", " + tie)):
        return sql  # already broken: Datasette's own pages 2+
    order = f"{order}, {tie}" if order else tie
    return (
        f"select {match['columns']} from {match['table']} {match['where'] or ''}order by {order} "
        f"limit {match['limit']}{match['offset'] or ''}"
    )


def _patch() -> None:
    if getattr(Database.execute, "modwatch_tie_breaker", False):
        return
    original = Database.execute

    async def execute(self, sql, *args, **kwargs):
        return await original(self, await tie_broken(self, sql), *args, **kwargs)

    execute.modwatch_tie_breaker = True
    Database.execute = execute


@hookimpl
def startup(datasette):
    _patch()
