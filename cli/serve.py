"""Serve the database read-only with Datasette, or print the ``datasette publish`` command.

Examples::

    python -m modwatch serve                          # data/modwatch.db on http://127.0.0.1:8001
    python -m modwatch serve --live                   # watch a crawl that is still writing
    python -m modwatch serve --print                  # show the datasette command line
    python -m modwatch serve --publish cloudrun --print   # the publish recipe (same site)

The options (immutable database, SQL time limit, streamed CSV, plugins) are those of
``modwatch/publish.py``. An immutable database is served with its row counts computed once
(``<snapshot>.inspect.json``, rewritten with each snapshot), so neither the home page nor
an unfiltered table page counts millions of DSA statements. Before serving or publishing, the database gets this
version's schema (``db.connect`` applies the migrations an earlier version did not have) and the bulk-filled search index of the DSA
statements of reasons is brought up to date (``publish.update_search_indexes``).

Serving replaces this process with Datasette (``os.execvp``): stopping ``serve`` (Ctrl-C, SIGTERM)
stops Datasette and frees the port.

The immutable server never reads the database a crawl or a bulk load writes to: ``serve`` first
publishes a consistent snapshot of it (SQLite's backup API) to a new folder
``<db>.published/v<UTC time>-<pid>/<db name>``, e.g.
``data/modwatch.db.published/v20261207T062030123456Z-4242/modwatch.db``, and serves that copy.
Crawls, loads, a demo re-run and other ``serve`` runs may go on meanwhile: a published file is
never modified or replaced, so the site answers every query from the data as it was when ``serve``
started. To show new data, restart ``serve`` (it publishes again). The running server holds a lock
on its snapshot; each publish removes the snapshots no server holds. ``--live`` serves the database
itself and sees every commit at once (WAL mode), a little slower. A snapshot takes as much disk as
the database.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import sys
from pathlib import Path

import db
from db import default_path
from modwatch import publish


def add_arguments(parser) -> None:
    parser.add_argument(
        "db", nargs="?", default=default_path(), help="SQLite database (default: $MODWATCH_DB or data/modwatch.db)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--live",
        action="store_true",
        help="serve the database itself (WAL), not a snapshot: shows what a running crawl or load commits at once",
    )
    parser.add_argument(
        "--publish", choices=("cloudrun", "fly"), help="run `datasette publish` to this target instead of serving"
    )
    parser.add_argument("--service", default="modwatch", help="Cloud Run service / Fly app name")
    parser.add_argument(
        "--print", dest="print_only", action="store_true", help="print the datasette command line and exit"
    )


def _datasette() -> str:
    """The ``datasette`` executable beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("datasette")
    return str(beside) if beside.exists() else (shutil.which("datasette") or "datasette")


def run(args) -> int:
    immutable = not args.publish and not args.live
    if args.publish:
        argv = publish.publish_argv(args.publish, args.db, service=args.service)
    else:  # immutable: the snapshot published below, never the database being written
        # --print shows where: each run publishes a new snapshot folder (publish.publish_snapshot)
        served = publish.snapshots_dir(args.db) / "v<new>" / Path(args.db).name if immutable else args.db
        argv = publish.serve_argv(served, host=args.host, port=args.port, live=args.live)
    if args.print_only:
        print(shlex.join(["datasette", *argv]))
        return 0
    if not Path(args.db).exists():
        print(f"error: database {args.db} does not exist (run `make demo SERVE=0` first)", file=sys.stderr)
        return 2
    try:  # a database written by an earlier version gets this version's schema (the site's plugins read it)
        db.connect(args.db).close()
    except sqlite3.OperationalError as e:  # e.g. a read-only copy: serve it as it is
        print(f"warning: database not migrated ({e})", file=sys.stderr)
    try:
        for index, rows in publish.update_search_indexes(args.db).items():
            if rows:
                print(f"indexed {rows} new rows in {index}", file=sys.stderr)
    except sqlite3.OperationalError as e:  # e.g. a read-only copy: serve what is indexed
        print(f"warning: search indexes not updated ({e})", file=sys.stderr)
    if immutable:
        try:  # a writer never touches the served file (issue 13)
            served = publish.publish_snapshot(args.db)
        except (OSError, sqlite3.Error) as e:
            print(
                f"error: cannot publish a snapshot of {args.db} to serve ({e}); serve the database itself with --live",
                file=sys.stderr,
            )
            return 2
        try:  # row counts computed once per snapshot, not by every page (issue 16)
            inspect_file = publish.write_inspect_file(served)
            argv = publish.serve_argv(served, host=args.host, port=args.port, inspect_file=inspect_file)
        except (OSError, sqlite3.Error) as e:
            print(f"warning: no row counts file ({e}); pages count rows themselves", file=sys.stderr)
    command = [_datasette(), *argv]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(command[0], command)  # Datasette takes this process's place: a signal to it stops Datasette
