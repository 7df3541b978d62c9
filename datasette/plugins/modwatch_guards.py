"""Datasette plugin: complete CSV downloads, and searches that never end on an error page.

CSV — complete, or an error, never a short HTTP 200.

Datasette 0.65 answers ``/db/table.csv`` with one page (``max_returned_rows``) unless the URL
asks for ``_stream=1``, and answers a query's CSV (``/db.csv?sql=...``, a canned query) with at
most ``max_returned_rows`` rows, silently. This ASGI wrapper changes both:

- a **table or view** CSV without ``_stream``, ``_next`` or a numeric ``_size`` (Datasette's
  own export form sends ``_size=max``, which means "one page of max_returned_rows") is served
  as ``_stream=1``: every row, however many (keyset pagination inside Datasette; the
  ``max_csv_mb`` setting must be 0 so the stream has no size cap), in pages of
  ``max_returned_rows`` (``_size=max`` is added: Datasette's own stream would page by 100 rows);
- a **query** CSV whose result Datasette truncated answers **HTTP 400** with a plain-text
  explanation instead of the first ``max_returned_rows`` rows.

An error met after a streamed CSV has started cannot change the status any more: Datasette
then writes the error text at the end of the body (a crash, not a silent cut).

Search — Datasette quotes every word of ``?_search=`` by default, so punctuation, hyphens and
quotes (``"Decree 72"``, ``Nghị-định``, ``'``, ``(``, ``AND``) are searched as words. With
``?_searchmode=raw`` (FTS5 query syntax: ``OR``, ``NEAR``, ``prefix*``) a malformed query would
be an SQL error page; this wrapper checks a raw query against the table's FTS index first and,
if FTS5 rejects it, drops ``_searchmode=raw`` so the words are searched quoted instead. A query
with nothing searchable once quoted (a lone ``"``, which Datasette turns into an empty FTS
query and an error) finds nothing: it is replaced by the filter ``rowid__lt=0`` (no row; a
table with a full-text index always has rowids), so the page shows no rows instead of an error
page or every row unfiltered.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import escape_fts, tilde_decode


async def _csv_kind(datasette, path: str) -> str | None:
    """``"table"``, ``"query"`` or None (not a CSV this plugin handles) for a request path."""
    base = datasette.setting("base_url") or "/"
    if not path.startswith(base) or not path.endswith(".csv"):
        return None
    parts = path[len(base) : -len(".csv")].split("/")
    if len(parts) == 1:
        return "query" if tilde_decode(parts[0]) in datasette.databases else None
    if len(parts) != 2:
        return None  # a row page (/db/table/pk.csv) is one row
    database_name, name = tilde_decode(parts[0]), tilde_decode(parts[1])
    if database_name not in datasette.databases:
        return None
    if await datasette.get_canned_query(database_name, name, None) is not None:
        return "query"
    database = datasette.get_database(database_name)
    if await database.table_exists(name) or name in await database.view_names():
        return "table"
    return None


async def _search_is_valid(datasette, path: str, query: str) -> bool:
    """False if ``query`` is empty or not valid FTS5 syntax for the table at ``path`` (``/db/table[.json]``)."""
    if not query.strip():
        return False
    base = datasette.setting("base_url") or "/"
    parts = path[len(base) :].split("/")
    if len(parts) != 2:
        return True
    table = parts[1]
    for extension in (".json", ".csv"):
        table = table.removesuffix(extension)
    database_name, table = tilde_decode(parts[0]), tilde_decode(table)
    if database_name not in datasette.databases:
        return True
    database = datasette.get_database(database_name)
    table_meta = datasette.table_metadata(database_name, table) or {}
    fts_table = table_meta.get("fts_table") or await database.fts_table(table)
    if not fts_table:
        return True

    def probe(conn) -> bool:
        try:
            conn.execute(f"select rowid from [{fts_table}] where [{fts_table}] match ? limit 1", [query]).fetchall()
        except sqlite3.OperationalError:  # fts5: syntax error near ..., unterminated string
            return False
        return True

    return await database.execute_fn(probe)


def _row_count(body: bytes, header: bool) -> int:
    rows = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8", errors="replace"))))
    return rows - 1 if header and rows else rows


async def _is_truncated(datasette, path: str, query_string: str) -> bool:
    json_path = path[: -len(".csv")] + ".json"
    response = await datasette.client.get(json_path + ("?" + query_string if query_string else ""))
    return response.status_code == 200 and bool(response.json().get("truncated"))


async def _send_text(send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


#: bytes of CSV gathered before one send: Datasette sends every CSV row as its own message
CSV_CHUNK_BYTES = 256 * 1024


def _coalesced(send):
    """``send`` that gathers response body messages into chunks of :data:`CSV_CHUNK_BYTES`."""
    chunks: list[bytes] = []
    size = 0

    async def coalescing_send(message):
        nonlocal size
        if message["type"] != "http.response.body":
            return await send(message)
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
        if size >= CSV_CHUNK_BYTES or not more:
            body = b"".join(chunks)
            chunks.clear()
            size = 0
            await send({"type": "http.response.body", "body": body, "more_body": more})

    return coalescing_send


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def csv_guard(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            query_string = scope.get("query_string", b"").decode("latin-1")
            pairs = parse_qsl(query_string, keep_blank_values=True)
            args = dict(pairs)
            if args.get("_search"):
                drop = set()
                if args.get("_searchmode") == "raw":
                    if not await _search_is_valid(datasette, scope["path"], args["_search"]):
                        drop.add("_searchmode")  # search the words, quoted
                if args.get("_searchmode") != "raw" or drop:
                    if not await _search_is_valid(datasette, scope["path"], escape_fts(args["_search"])):
                        drop.add("_search")  # nothing searchable left, e.g. a lone quote
                if drop:
                    pairs = [(k, v) for k, v in pairs if k not in drop]
                    if "_search" in drop:
                        pairs.append(("rowid__lt", "0"))  # a search for nothing finds nothing
                    query_string = urlencode(pairs)
                    scope = dict(scope, query_string=query_string.encode("latin-1"))
                    args = dict(pairs)
            if not scope.get("path", "").endswith(".csv"):
                return await app(scope, receive, send)
            kind = await _csv_kind(datasette, scope["path"])
            if kind == "table" and "_next" not in args and args.get("_size", "max") == "max":
                # pages of max_returned_rows, not 100: Datasette 0.65 drops its own _size=max between
                # the pages of a stream, and every page costs permission checks (issue 16: 10x the rows/s)
                added = [arg for arg, name in (("_stream=1", "_stream"), ("_size=max", "_size")) if name not in args]
                streamed = "&".join(([query_string] if query_string else []) + added)
                scope = dict(scope, query_string=streamed.encode("latin-1"))
                return await app(scope, receive, _coalesced(send))
            if kind != "query":
                return await app(scope, receive, send)

            messages = []

            async def capture(message):
                messages.append(message)

            await app(scope, receive, capture)
            start = messages[0] if messages else {}
            body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
            limit = datasette.setting("max_returned_rows")
            if (
                start.get("status") == 200
                and _row_count(body, args.get("_header") != "off") >= limit
                and await _is_truncated(datasette, scope["path"], query_string)
            ):
                return await _send_text(
                    send,
                    400,
                    f"This query returns more than {limit} rows, the most a query's CSV can hold, so "
                    "its CSV would be incomplete. Download the table's CSV instead (every row is "
                    "streamed, filters allowed: /DATABASE/TABLE.csv?column=value), or split the "
                    "query with LIMIT and OFFSET.\n",
                )
            for message in messages:
                await send(message)

        return csv_guard

    return wrap
