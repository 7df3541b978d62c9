"""Datasette plugin: the published site is bounded, answers bad requests with a 4xx and shows
nothing about the host.

Bounded queries — every SQLite connection Datasette opens gets (``prepare_connection``):

- SQLite's own limits (https://www.sqlite.org/limits.html) through ``Connection.setlimit``:
  no string or blob longer than :data:`MAX_VALUE_BYTES` (``randomblob(1e9)``, ``zeroblob``,
  ``printf('%.*c', n, 'x')``, ``replace(hex(...))``, ``group_concat`` over a recursive CTE all
  stop with "string or blob too big" before allocating), SQL text, expression depth, function
  arguments and LIKE patterns capped;
- ``PRAGMA hard_heap_limit`` / ``soft_heap_limit``: SQLite's memory for sorters, caches and
  temporary results (a large cross join with ORDER BY) is capped process-wide;
- a result budget: a row factory counts the bytes of the rows a query returns and stops it past
  :data:`MAX_RESULT_BYTES` (a thousand rows of 8 MB strings would otherwise be held at once);
- Datasette's own progress handler (``sql_time_limit_ms``) stops every query in time: with
  the limits above no single SQLite step can run long, so the handler is always reached;
- an authorizer: ``ATTACH``/``DETACH``, ``load_extension`` and ``printf``/``format`` denied
  (``printf('%.*c', 1e9, 'x')`` loops a billion times in one step, past every limit); ``pragma_database_list``
  (and the ``PRAGMA`` form) answers no rows, so no file path of the server is shown.

Clean errors — this site is read-only, so any method but GET/HEAD/OPTIONS answers 405 before
Datasette sees it (Datasette 0.65 answers a POST to a table with a 500). Datasette 0.65's
default error handler calls ``rich``'s ``print_exception()`` outside an ``except:`` block when it
answers a 404 (any unknown ``/-/`` path) and, when ``rich`` is installed (it comes with typer),
crashes with ``ValueError: Value for 'trace' required if not called in except: block``: the
handler's optional ``rich`` is switched off here (the traceback still goes to the log). Errors
Datasette reports as 500 although the request is at fault (``_sort`` on a missing column, an
unknown ``/-/static-plugins/`` plugin, a query over the result budget or the memory limit) are
answered 400/404; an unexpected 500 shows a generic message, never the exception text.

Nothing about the host — ``/-/databases`` (file paths), ``/-/threads`` (threads, tasks and
Python paths), ``/-/plugins`` (hooks) and the debugging pages answer 404 (:data:`HIDDEN_PAGES`).
"""

from __future__ import annotations

import json
import sqlite3
import weakref

import datasette.handle_exception as default_error_handler
from datasette import hookimpl
from datasette.utils.asgi import NotFound
from datasette.views.base import DatasetteError

default_error_handler.rich = None  # see the module docstring: rich 13+ raises outside an except block

MiB = 1024 * 1024
#: longest string or blob any query may build or read (SQLITE_LIMIT_LENGTH)
MAX_VALUE_BYTES = 8 * MiB
#: most bytes of values one query may return (all its fetched rows together)
MAX_RESULT_BYTES = 48 * MiB
#: SQLite's process-wide memory: soft limit (caches shrink) and hard limit (allocations fail)
SOFT_HEAP_BYTES = 64 * MiB
HARD_HEAP_BYTES = 256 * MiB

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 2000,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 100,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 10,
}
#: pragmas (statement or table-valued function) that answer no rows: they show server file paths
HIDDEN_PRAGMAS = frozenset({"database_list", "temp_store_directory", "data_store_directory"})
#: functions SQLite cannot stop in time: printf('%.*c', 1e9, 'x') runs 20 s in one step, past the
#: length limit and the progress handler (SQLite 3.40); format() is printf's other name
DENIED_FUNCTIONS = frozenset({"load_extension", "printf", "format"})
#: pages of Datasette an outsider does not need; they answer 404
HIDDEN_PAGES = ("databases", "threads", "plugins", "messages", "allow-debug", "permissions", "patterns", "actor")
READ_METHODS = ("GET", "HEAD", "OPTIONS")


class ResultTooLarge(sqlite3.DatabaseError):
    """A query's rows hold more than :data:`MAX_RESULT_BYTES`."""


def _authorizer(action, arg1, arg2, database, trigger):
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in HIDDEN_PRAGMAS:
        return sqlite3.SQLITE_IGNORE
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _budgeted_row_factory():
    """A ``sqlite3.Row`` factory that raises :class:`ResultTooLarge` once a cursor's rows exceed the budget."""
    spent: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def row_factory(cursor, row):
        size = spent.get(cursor, 0) + 16 * len(row)
        for value in row:
            if isinstance(value, (str, bytes)):
                size += len(value)
        if size > MAX_RESULT_BYTES:
            raise ResultTooLarge(
                f"query result larger than {MAX_RESULT_BYTES // MiB} MB: select fewer rows or columns, "
                "or shorter values"
            )
        spent[cursor] = size
        return sqlite3.Row(cursor, row)

    return row_factory


@hookimpl
def prepare_connection(conn):
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"PRAGMA soft_heap_limit={SOFT_HEAP_BYTES}")
    conn.execute(f"PRAGMA hard_heap_limit={HARD_HEAP_BYTES}")
    conn.row_factory = _budgeted_row_factory()
    conn.set_authorizer(_authorizer)


async def _hidden(request):
    raise NotFound("Not found")


@hookimpl
def register_routes():
    return [(r"^/-/(" + "|".join(HIDDEN_PAGES) + r")(\.json)?$", _hidden)]


def _client_error(request, exception) -> tuple[int, str] | None:
    """``(status, message)`` for an exception Datasette would answer with a 500, else None."""
    if isinstance(exception, (ResultTooLarge, MemoryError)):
        return 400, (
            str(exception)
            if isinstance(exception, ResultTooLarge)
            else "this query needs more memory than the site allows: select fewer rows or columns"
        )
    if isinstance(exception, DatasetteError):
        if exception.status < 500:
            return None
        if str(exception.message).startswith("Cannot sort table by"):
            return 400, str(exception.message)
        return 500, "Internal server error"
    if isinstance(exception, KeyError) and request.path.startswith("/-/static-plugins/"):
        return 404, "Not found"
    if getattr(exception, "status", 500) < 500:  # Base400: Datasette renders it already
        return None
    return 500, "Internal server error"


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    error = _client_error(request, exception)
    if error is None:
        return None
    status, message = error
    title = "Server error" if status >= 500 else ("Not found" if status == 404 else "Bad request")
    # Datasette's own page (template, JSON shape), with the status and message chosen here
    return default_error_handler.handle_exception(
        datasette, request, DatasetteError(message, title=title, status=status)
    )


async def _method_not_allowed(scope, send) -> None:
    wants_json = scope.get("path", "").endswith(".json")
    body = json.dumps({"ok": False, "error": "Method not allowed: this site is read-only", "status": 405})
    await send(
        {
            "type": "http.response.start",
            "status": 405,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8" if wants_json else b"text/plain; charset=utf-8"),
                (b"allow", b"GET, HEAD, OPTIONS"),
            ],
        }
    )
    text = body if wants_json else "405 Method not allowed: this site is read-only (GET only).\n"
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method", "GET").upper() not in READ_METHODS:
                return await _method_not_allowed(scope, send)
            return await app(scope, receive, send)

        return read_only

    return wrap
