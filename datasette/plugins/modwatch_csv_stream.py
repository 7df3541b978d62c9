"""Datasette plugin: a table's full CSV streamed by one SQL cursor, at tens of thousands of rows/s.

Datasette 0.65 streams a table CSV (``?_stream=1``) page by page: a query, permission checks and a
Python loop over every cell per page, one ASGI message per row (~4,000 rows/s for the DSA statements).
This ASGI wrapper answers the common case itself: ``/<database>/<table>.csv`` (every row: no numeric
``_size``, as ``modwatch_guards`` serves any table CSV) of a **table**, or of a **view** whose
metadata names its unique key (``unique_key: id``: ``statements_of_reasons``, a view since
``db/migrations_dsa_compact.py``; the key breaks ties as a table's primary key does), whose
arguments are only column filters (``column=value``, ``column__gte=...``: Datasette's own
``Filters`` build the WHERE clause), ``_sort`` / ``_sort_desc`` (else the metadata sort),
``_stream``, ``_size=max``, ``_dl``, ``_header``, ``_nofacet``, ``_nocount``.

The rows come from **one** ``SELECT`` ordered by the sort column, then the key ascending (the
order of Datasette's own pages), read with ``fetchmany`` in chunks of :data:`CHUNK_ROWS` on a
read-only connection (``Database.connect()``) in a worker thread, the next chunk read while the
last is sent. SQLite writes each row's CSV line as UTF-8 bytes (:func:`line_sql`: ``csv.writer``'s
minimal quoting as SQL, the cells joined by one ``printf``: one bytes object per row for Python).
A view whose metadata names its stored table (``csv_stored``, :func:`_stored_plan`) is read from
that table, each looked-up text quoted once per stream (:func:`_lookup_lines`). A row holding a
REAL or BLOB (written differently by SQLite and Python; a BLOB is its download URL) or a text with
a NUL (where ``printf`` stops) is written by ``csv.writer`` from the row itself. The same bytes and
headers as Datasette's CSV. With an index for the filter and the sort
(``db/migrations_dsa_scale.py``) nothing is sorted; the time to the **first** row is bounded by
``sql_time_limit_ms`` (a progress handler; past it HTTP 400, before any row). Anything else
(``_search``, ``_labels``, ``_where``, ``_col``, ``_next``, a view without ``unique_key``, an
unknown column, a table the actor may not view) is left to Datasette. CPU per row: README, "DSA at
1 and 10 million statements: figures".
"""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import time
from urllib.parse import parse_qsl

from datasette import hookimpl
from datasette.filters import Filters
from datasette.utils import escape_sqlite, path_from_row_pks, tilde_decode
from datasette.utils.asgi import Request

#: rows per chunk written to the client
CHUNK_ROWS = 2000
#: arguments starting with "_" that this fast path understands
ALLOWED = {"_stream", "_size", "_sort", "_sort_desc", "_dl", "_header", "_nofacet", "_nocount"}


class _TooSlow(Exception):
    pass


def _cell_sql(column: str) -> str:
    """One cell as ``csv.writer`` writes it (QUOTE_MINIMAL): quoted, its quotes doubled, when it
    holds a quote, a comma or a line end. ``instr`` is the cheapest test SQLite has (a ``glob``
    character class costs 40 % more CPU)."""
    c = escape_sqlite(column)
    return (
        f"case when instr({c}, '\"') then '\"' || replace({c}, '\"', '\"\"') || '\"' "
        f"when instr({c}, ',') or instr({c}, char(10)) or instr({c}, char(13)) then '\"' || {c} || '\"' "
        f"else coalesce({c}, '') end"
    )


def _text_affinity(declared: str) -> bool:
    """SQLite's rule for a column's affinity (https://sqlite.org/datatype3.html, 3.1): TEXT when the
    declared type holds CHAR, CLOB or TEXT and not INT. A TEXT column stores a number as text: no REAL."""
    declared = (declared or "").upper()
    return "INT" not in declared and any(word in declared for word in ("CHAR", "CLOB", "TEXT"))


def _odd_sql(column: str, text: bool) -> str:
    """True for a cell the line cannot hold: REAL (SQLite and Python write it differently), BLOB
    (a download URL), or text holding a NUL (``printf`` would cut it there)."""
    c = escape_sqlite(column)
    kinds = "= 'blob'" if text else "in ('real', 'blob')"
    return f"typeof({c}) {kinds} or instr({c}, char(0))"


#: cells per ``printf`` call (SQLite's default limit is 127 arguments a function)
PRINTF_CELLS = 100


def line_sql(columns: list[str], types: list[str] | None = None) -> str:
    """The row as one CSV line with its ``\\r\\n``, as a BLOB (UTF-8 bytes, sent as they are), or
    NULL when a cell is odd (:func:`_odd_sql`: such a row is written from its values by
    ``csv.writer``, see :func:`_csv_bytes`). ``types``: the declared types of ``columns``.
    One ``printf`` per 100 cells: ``||`` between 40 cells copies the growing line 40 times
    (~35 % more CPU for the DSA statements)."""
    types = types or [""] * len(columns)
    groups = [columns[i : i + PRINTF_CELLS] for i in range(0, len(columns), PRINTF_CELLS)]
    line = " || ',' || ".join(
        f"printf('{','.join(['%s'] * len(group))}', {', '.join(_cell_sql(column) for column in group)})"
        for group in groups
    )
    odd = " or ".join(_odd_sql(column, _text_affinity(kind)) for column, kind in zip(columns, types))
    return f"cast(case when {odd} then null else {line} || char(13, 10) end as blob)"


async def _stored_plan(database, config, columns, filters, order, pks, sort) -> dict | None:
    """The stream of a view read from its stored table (metadata ``csv_stored``: ``table``, and
    ``lookups``: ``{view column: [stored column holding the id, table, value column]}``), or None to
    read the view: a filter or sort on a looked-up column, an array filter, a column not stored.
    SQLite writes each run of stored cells as one CSV piece (as :func:`line_sql`; the first NULL
    when a cell is odd) and returns each looked-up id, whose cell is read and quoted once per
    stream (:func:`_lookup_lines`), where the view looked up and quoted ~16 texts a row."""
    lookups, stored = (config or {}).get("lookups") or {}, (config or {}).get("table")
    names = dict(await database.execute("select name, type from pragma_table_xinfo(?)", [stored])) if stored else {}
    unstored = [c for c in columns + pks if (lookups[c][0] if c in lookups else c) not in names]
    if not lookups or unstored or columns[0] in lookups or sort in lookups:
        return None
    if any(key.split("__")[0] in lookups or "array" in key for key, _ in filters):
        return None
    pieces = []  # [stored columns] of a run of cells, or (stored id column, table, value column)
    for column in columns:
        if column in lookups:
            pieces.append(tuple(lookups[column]))
        elif pieces and isinstance(pieces[-1], list):
            pieces[-1].append(column)
        else:
            pieces.append([column])
    selected = [
        f"cast(printf('{','.join(['%s'] * len(piece))}', {', '.join(_cell_sql(c) for c in piece)}) as blob)"
        if isinstance(piece, list)
        else escape_sqlite(piece[0])
        for piece in pieces
    ]
    odd = " or ".join(
        _odd_sql(c, _text_affinity(names[c])) for piece in pieces if isinstance(piece, list) for c in piece
    )
    selected[0] = f"case when {odd or '0'} then null else {selected[0]} end"
    where, params = Filters(sorted(filters), {}, None).build_where_clauses(stored)
    sql = (
        f"select {', '.join(selected)}, {', '.join(escape_sqlite(pk) for pk in pks)} from {escape_sqlite(stored)}"
        f"{' where ' + ' and '.join(where) if where else ''} order by {order}"
    )
    return {"sql": sql, "params": params, "lookups": [None if isinstance(p, list) else p[1:] for p in pieces]}


async def _plan(datasette, scope) -> dict | None:
    """What to stream for this request, or None to leave it to Datasette."""
    base = datasette.setting("base_url") or "/"
    path = scope.get("path", "")
    if not path.startswith(base) or not path.endswith(".csv"):
        return None
    parts = path[len(base) : -len(".csv")].split("/")
    if len(parts) != 2:
        return None
    database_name, table = tilde_decode(parts[0]), tilde_decode(parts[1])
    if database_name not in datasette.databases or await datasette.get_canned_query(database_name, table, None):
        return None
    database = datasette.get_database(database_name)
    if database.is_memory or await database.fts_table(table) == table:
        return None
    meta = datasette.table_metadata(database_name, table) or {}
    view = table in await database.view_names()
    if view:
        if not meta.get("unique_key"):
            return None  # a view without a declared key has no order that holds each row once
        pks = [meta["unique_key"]]
    elif await database.table_exists(table):
        pks = await database.primary_keys(table) or ["rowid"]
    else:
        return None
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    args = dict(pairs)
    special = {key for key, _ in pairs if key.startswith("_") and "__" not in key}
    if special - ALLOWED or args.get("_size", "max") != "max":
        return None  # a numeric _size asks for one page (modwatch_guards: any other table CSV is every row)
    if not await datasette.permission_allowed(None, "view-table", (database_name, table), default=True):
        return None
    details = await database.table_column_details(table)
    columns, types = [column.name for column in details], [column.type for column in details]
    if any(pk not in columns and pk != "rowid" for pk in pks):
        return None
    sort, sort_desc = args.get("_sort"), args.get("_sort_desc")
    if not sort and not sort_desc:
        sort, sort_desc = meta.get("sort"), meta.get("sort_desc")
    if (sort and sort_desc) or (sort or sort_desc or columns[0]) not in columns:
        return None
    filters = [(key, value) for key, value in pairs if not (key.startswith("_") and "__" not in key)]
    if any(key.split("__")[0] not in columns for key, _ in filters):
        return None
    where, params = Filters(sorted(filters), {}, None).build_where_clauses(table)
    # ties broken by the primary key, ascending, as Datasette's keyset pages break them (``_next``
    # after ``(value, pk)`` is ``sort < value or (sort = value and pk > last pk)`` for a descending
    # sort; modwatch_paging gives the first page the same order): the same rows in the same order
    # as the pages. With an index on the sort column SQLite sorts only within a group of ties.
    order = ", ".join(escape_sqlite(pk) for pk in pks)
    if sort or sort_desc:
        order = f"{escape_sqlite(sort or sort_desc)}{' desc' if sort_desc else ''}, {order}"
    lines = len(columns) > 1  # one cell alone: csv.writer's own rules
    values = ", ".join(escape_sqlite(c) for c in columns)
    keys = ", ".join(escape_sqlite(pk) for pk in pks)
    source = escape_sqlite(table)
    stored = (
        await _stored_plan(database, meta.get("csv_stored"), columns, filters, order, pks, sort or sort_desc)
        if view
        else None
    )
    if stored:
        sql, params, lines = stored["sql"], stored["params"], True
    elif view:
        # a view's column may be an expression (statements_of_reasons: a lookup of the text by its id), which
        # the line's SQL names several times: read each row once from a subquery that SQLite runs as a
        # co-routine, streaming in its order (OFFSET keeps it from being flattened,
        # https://sqlite.org/optoverview.html#subquery_co_routines); ~20 % less CPU for the statements
        source = (
            f"(select {values} from {source}{' where ' + ' and '.join(where) if where else ''} "
            f"order by {order} limit -1 offset 0)"
        )
        where, order = [], ""
    if not stored:
        sql = (
            f"select {line_sql(columns, types) + ', ' + keys if lines else values} from {source}"
            f"{' where ' + ' and '.join(where) if where else ''}{' order by ' + order if order else ''}"
        )
    again = f"select {values} from {escape_sqlite(table)} where " + " and ".join(
        f"{escape_sqlite(pk)} = ?" for pk in pks
    )
    return {
        "database": database,
        "sql": sql,
        "params": params,
        "columns": columns,
        "table": table,
        "lines": lines,
        "lookups": stored["lookups"] if stored else None,
        "again": again,
        "datasette": datasette,
        "request": Request(scope, None),
        "keys": await database.primary_keys(table),
        "header": args.get("_header") != "off",
        "download": bool(args.get("_dl")),
    }


def _first_rows(conn, sql: str, params: dict, limit_ms: int):
    """The cursor and its first chunk; _TooSlow if the first chunk takes more than ``limit_ms``."""
    deadline = time.monotonic() + limit_ms / 1000
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        cursor = conn.execute(sql, params)
        rows = cursor.fetchmany(CHUNK_ROWS)
    except Exception as error:  # sqlite3.OperationalError "interrupted" when the handler stopped it
        if time.monotonic() > deadline:
            raise _TooSlow() from error
        raise
    finally:
        conn.set_progress_handler(None, 0)
    return cursor, rows


def _csv_bytes(conn, plan: dict, rows, header=None) -> bytes:
    """CSV of ``rows``: ``(line, *primary key)`` of :func:`line_sql` (a row without its line is
    read again by its key and written by ``csv.writer``), or plain values."""
    if not plan["lines"]:
        return _writer_bytes(([header] if header else []) + rows)
    parts = [_writer_bytes([header])] if header else []
    lines = _lookup_lines(conn, plan, rows) if plan["lookups"] else [row[0] for row in rows]
    keys = len(plan["lookups"]) if plan["lookups"] else 1  # the primary key follows the line's cells
    if None not in lines:
        parts.extend(lines)
    else:
        for row, line in zip(rows, lines):
            parts.append(
                line
                if line is not None
                else _writer_bytes([_blob_links(plan, conn.execute(plan["again"], row[keys:]).fetchone())])
            )
    return b"".join(parts)


#: distinct looked-up cells kept per table of a stream (emptied when full: memory stays flat)
CACHE_CELLS = 20_000


def _lookup_lines(conn, plan: dict, rows) -> list:
    """The CSV lines of rows of a :func:`_stored_plan` (None for a row with an odd cell): the
    pieces joined by commas, each id replaced by its cell, read once for the stream."""
    lookups, caches = plan["lookups"], plan.setdefault("cells", {})
    cells = [caches.setdefault(source, {None: b""}) if source else None for source in lookups]
    try:
        return [b",".join([v if c is None else c[v] for c, v in zip(cells, row)]) + b"\r\n" for row in rows]
    except KeyError:  # an id not read yet (all are, after _read_cells)
        _read_cells(conn, plan, rows)
        return _lookup_lines(conn, plan, rows)
    except TypeError:  # a row without its first piece, or an odd looked-up cell (None): written from the view
        parts = ([v if c is None else c[v] for c, v in zip(cells, row)] for row in rows)
        return [None if None in part else b",".join(part) + b"\r\n" for part in parts]


def _read_cells(conn, plan: dict, rows) -> None:
    """Read the cells of the ids of ``rows`` not cached yet (a cache past :data:`CACHE_CELLS` is emptied
    first), quoted by SQLite (:func:`_cell_sql`), a NULL, BLOB or text holding a NUL by Python."""
    for source, cache in plan["cells"].items():
        needed = {row[i] for i, looked_up in enumerate(plan["lookups"]) if looked_up == source for row in rows}
        if len(cache) + len(needed - cache.keys()) > CACHE_CELLS:
            cache.clear()
            cache[None] = b""
        missing = list(needed - cache.keys())
        plan["cells_read"] = plan.get("cells_read", 0) + len(missing)
        table, value = (escape_sqlite(name) for name in source)
        cell = f"case when typeof({value}) = 'text' and not instr({value}, char(0)) then cast({_cell_sql(value)} as blob) end"
        for start in range(0, len(missing), 500):
            ids = missing[start : start + 500]
            found = conn.execute(f"select id, {cell} from {table} where id in ({', '.join('?' * len(ids))})", ids)
            cache.update(found)
            odd = [key for key in ids if cache.get(key) is None]
            if odd:
                found = conn.execute(f"select id, {value} from {table} where id in ({', '.join('?' * len(odd))})", odd)
                cache.update((key, _cell_bytes(text)) for key, text in found)
                cache.update((key, b"") for key in odd if key not in cache)  # as the view's lookup: NULL


def _cell_bytes(value) -> bytes | None:
    """One cell as ``csv.writer`` writes it in a row of several, or None for a REAL or BLOB."""
    if isinstance(value, (bytes, float)):
        return None
    return _writer_bytes([[value, None]])[: -len(",\r\n")]


def _writer_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _blob_links(plan: dict, values) -> list:
    """A BLOB cell as Datasette's CSV writes it: the URL of the row's blob download."""
    if not any(isinstance(value, bytes) for value in values):
        return values
    datasette, request, keys = plan["datasette"], plan["request"], plan["keys"]
    row = dict(zip(plan["columns"], values))
    path = path_from_row_pks({**row, "rowid": row.get("rowid")}, keys, not keys)
    return [
        datasette.absolute_url(request, datasette.urls.row_blob(plan["database"].name, plan["table"], path, column))
        if isinstance(value, bytes)
        else value
        for column, value in zip(plan["columns"], values)
    ]


def _next_chunk(conn, plan: dict, cursor) -> tuple[list, bytes]:
    rows = cursor.fetchmany(CHUNK_ROWS)
    return rows, _csv_bytes(conn, plan, rows)


async def _stream(datasette, plan: dict, send) -> bool:
    """Send the CSV; False, nothing sent, when SQLite refuses the query ("malformed JSON"): Datasette answers."""
    conn = plan["database"].connect()
    try:
        try:
            cursor, rows = await asyncio.to_thread(
                _first_rows, conn, plan["sql"], plan["params"], datasette.setting("sql_time_limit_ms")
            )
        except _TooSlow:
            body = (
                f"The rows of this CSV did not start within the SQL time limit "
                f"({datasette.setting('sql_time_limit_ms')} ms): filter on an indexed column "
                "or sort by one.\n"
            ).encode()
            start = {"type": "http.response.start", "status": 400}
            await send({**start, "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": body})
            return True
        except sqlite3.Error:
            return False
        headers = [(b"content-type", b"text/csv; charset=utf-8" if plan["download"] else b"text/plain; charset=utf-8")]
        if plan["download"]:
            headers.append((b"content-disposition", f'attachment; filename="{plan["table"]}.csv"'.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        chunk = await asyncio.to_thread(_csv_bytes, conn, plan, rows, plan["columns"] if plan["header"] else None)
        while rows:
            # the next chunk is read while this one is sent: SQLite builds the lines without the GIL
            following = asyncio.ensure_future(asyncio.to_thread(_next_chunk, conn, plan, cursor))
            try:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            finally:
                rows, chunk = await following
        await send({"type": "http.response.body", "body": chunk, "more_body": False})  # the header when no row matched
        return True
    finally:
        conn.close()


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def csv_stream(scope, receive, send):
            if scope.get("type") == "http" and scope.get("path", "").endswith(".csv"):
                plan = await _plan(datasette, scope)
                if plan is not None and await _stream(datasette, plan, send):
                    return None
            return await app(scope, receive, send)

        return csv_stream

    return wrap
