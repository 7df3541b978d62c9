"""How modwatch's database is served and published with Datasette: one place for the options.

``make serve``, ``make demo``, ``python -m modwatch serve``, the tests and the
``datasette publish`` recipe all build their command lines here, so the local site and the
published one are the same read-only site:

- the database is opened **immutable** (``-i``): Datasette cannot write to it, and Datasette
  0.65 has no write API; arbitrary SQL is read-only and stopped after ``sql_time_limit_ms``.
  An immutable server never reads a file a writer can touch: ``serve`` serves a published snapshot
  (:func:`publish_snapshot`, a new file each time, never modified), never the database a crawl or a
  bulk load writes to;
- the configuration is ``datasette/metadata.yml`` and the plugins directory
  ``datasette/plugins`` (``modwatch_guards.py``: a full-table CSV is always streamed whole, a
  truncated query CSV is an error, never a silently short HTTP 200; punctuation in a search
  never gives an error page; ``modwatch_paging.py``: every table and view page is ordered with a
  unique tie-breaker, so paging and streamed CSVs hold each row exactly once;
  ``modwatch_bounds.py``: SQLite limits, a result budget and
  refused functions bound every query in time and memory, bad requests get a 4xx, host pages
  such as ``/-/databases`` are hidden);
- plugins are pinned in :data:`PLUGINS` (the same pins as ``pyproject.toml``).

Article bodies are plain text and Datasette escapes every cell, so a ``<script>`` in a scraped
page is shown as text; no HTML-rendering plugin is installed for article columns.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATASETTE_DIR = REPO / "datasette"
METADATA = DATASETTE_DIR / "metadata.yml"
PLUGINS_DIR = DATASETTE_DIR / "plugins"

#: Datasette settings (``--setting NAME VALUE``), see https://docs.datasette.io/en/0.65/settings.html
SETTINGS: dict[str, object] = {
    "sql_time_limit_ms": 3000,  # stop any query (canned or typed) after 3 s
    "max_returned_rows": 1000,  # rows per JSON/HTML page; CSV streams past it (allow_csv_stream)
    "allow_csv_stream": 1,  # ?_stream=1: every row of a table as CSV
    "max_csv_mb": 0,  # 0 = no size cap, so a streamed CSV is never cut short
    "facet_time_limit_ms": 1000,
    "suggest_facets": 0,  # suggestions cost a query per column on every table page
    "default_cache_ttl": 60,
}

#: Datasette plugins the site needs, pinned (compatible with datasette 0.65.5)
PLUGINS = ("datasette-search-all==1.1.4", "datasette-dashboards==0.8.0")


def setting_args() -> list[str]:
    """``["--setting", name, value, ...]`` for :data:`SETTINGS`."""
    args: list[str] = []
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value)]
    return args


def _path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it (shorter commands)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def config_args() -> list[str]:
    """Metadata and plugins options shared by ``serve`` and ``publish``."""
    return ["-m", _path(METADATA), "--plugins-dir", _path(PLUGINS_DIR)]


def serve_argv(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    live: bool = False,
    inspect_file: str | Path | None = None,
) -> list[str]:
    """Arguments after ``datasette`` to serve ``db_path`` read-only.

    ``live=False`` (default) opens the database immutable (``-i``): fastest and what the
    published site does; use ``live=True`` to watch a crawl that is still writing (WAL mode) —
    still read-only for Datasette, but it re-reads the file. ``inspect_file``
    (:func:`write_inspect_file`, immutable only): the table row counts, so the home page and an
    unfiltered table page never count millions of rows.
    """
    db_args = [str(db_path)] if live else ["-i", str(db_path)]
    inspect_args = ["--inspect-file", str(inspect_file)] if inspect_file and not live else []
    return ["serve", *db_args, "--host", host, "--port", str(port), *inspect_args, *config_args(), *setting_args()]


def keyed_views() -> set[str]:
    """Views of the ``modwatch`` database whose metadata names their ``unique_key`` (read like tables)."""
    import yaml

    tables = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["modwatch"]["tables"]
    return {name for name, meta in tables.items() if (meta or {}).get("unique_key")}


def write_inspect_file(db_path: str | Path) -> Path:
    """Write ``<db>.inspect.json`` (Datasette's ``inspect`` format: hash, size, row count per table)
    unless it is up to date with the database file (same size and mtime); return its path.

    Datasette serving an immutable database with it (``--inspect-file``) takes the unfiltered
    row counts from it instead of ``count(*)`` over each table (seconds at 10 million DSA
    statements). Views whose metadata names a unique key (:func:`keyed_views`: ``statements_of_reasons``, a
    view over ``sor_statements``) are counted too, so their page does not count either. Raises
    ``OSError`` if the file cannot be written.
    """
    import json
    import sqlite3

    from datasette.inspect import inspect_hash

    db_path = Path(db_path)
    target = db_path.with_name(db_path.name + ".inspect.json")
    stat = db_path.stat()
    stamp = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if target.exists():
        try:
            if json.loads(target.read_text()).get(db_path.stem, {}).get("_modwatch_stamp") == stamp:
                return target
        except (ValueError, AttributeError):
            pass
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        views = {r[0] for r in conn.execute("select name from sqlite_master where type = 'view'")}
        names += sorted(views & keyed_views())
        counts = {name: {"count": conn.execute(f"select count(*) from [{name}]").fetchone()[0]} for name in names}
    finally:
        conn.close()
    name = db_path.stem
    data = {
        name: {
            "hash": inspect_hash(db_path),
            "size": stat.st_size,
            "file": str(db_path),
            "tables": counts,
            "_modwatch_stamp": stamp,
        }
    }
    target.write_text(json.dumps(data, indent=1))
    return target


#: the lock file in each snapshot folder: a shared ``flock`` on it while the snapshot is built or served
SNAPSHOT_LOCK = "serving.lock"
#: the held shared locks of this process, by snapshot file (inherited by Datasette through ``exec``)
_HELD: dict[Path, int] = {}


def snapshots_dir(db_path: str | Path) -> Path:
    """The folder of ``db_path``'s published snapshots: ``<db>.published`` (``data/modwatch.db.published``)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".published")


def latest_snapshot(db_path: str | Path) -> Path | None:
    """The newest published snapshot of ``db_path`` (``<db>.published/v<UTC time>-<pid>/<db name>``), or None."""
    name = Path(db_path).name
    folder = snapshots_dir(db_path)
    versions = sorted(p for p in folder.glob("v*") if (p / name).is_file()) if folder.is_dir() else []
    return versions[-1] / name if versions else None


@contextlib.contextmanager
def _publish_lock(folder: Path):
    """An exclusive ``flock`` on ``<folder>/.publish.lock``: a snapshot being created and locked, and the
    removal of unused ones, never interleave."""
    fd = os.open(folder / ".publish.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def publish_snapshot(db_path: str | Path) -> Path:
    """Copy ``db_path`` as it stands in one committed state to a NEW snapshot file; return it.

    SQLite's online backup API copies every page under one read transaction, so the copy is
    consistent even while a crawl or a bulk load writes to ``db_path`` (WAL mode: the writer is
    not blocked). Each publish writes its own folder ``<db>.published/v<UTC time>-<pid>/`` (built
    as a hidden folder, then renamed: never seen half-written) and keeps the database's file name,
    so Datasette names the database as before. A published file is never modified or replaced:
    a running immutable server, whose SQL threads open the file by name one by one, answers from
    its own snapshot until it is restarted, whatever later publishes do.

    This process holds a shared ``flock`` on the snapshot's ``serving.lock`` (kept across
    ``exec``: the Datasette that ``serve`` becomes holds it until it exits; :func:`release_snapshot`
    drops it). Every publish then removes the snapshots nobody holds (:func:`remove_unused_snapshots`).
    Raises ``sqlite3.Error`` or ``OSError`` if the database cannot be read or the copy written.
    """
    import sqlite3
    import tempfile
    from datetime import datetime, timezone

    db_path = Path(db_path)
    folder = snapshots_dir(db_path)
    folder.mkdir(exist_ok=True)
    with _publish_lock(folder):  # no removal between creating the folder and locking it
        building = Path(tempfile.mkdtemp(dir=folder, prefix=".building-"))
        lock = os.open(building / SNAPSHOT_LOCK, os.O_RDONLY | os.O_CREAT, 0o644)
        fcntl.flock(lock, fcntl.LOCK_SH)
    try:
        copy_path = building / db_path.name
        source = sqlite3.connect(db_path)  # only read (mode=ro cannot open a WAL database without its -shm)
        copy = sqlite3.connect(copy_path)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, one committed state
            copy.execute("PRAGMA journal_mode = DELETE")  # no -wal/-shm beside an immutable file
        finally:
            copy.close()
            source.close()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        final = folder / f"v{stamp}-{os.getpid()}"
        os.rename(building, final)  # fails rather than replace a (non-empty) snapshot folder
    except BaseException:
        os.close(lock)
        shutil.rmtree(building, ignore_errors=True)
        raise
    os.set_inheritable(lock, True)  # serve's exec: Datasette keeps the lock
    _HELD[final / db_path.name] = lock
    remove_unused_snapshots(db_path)
    return final / db_path.name


def release_snapshot(snapshot: str | Path) -> None:
    """Drop this process's lock on ``snapshot`` (from :func:`publish_snapshot`): a later publish may remove it."""
    fd = _HELD.pop(Path(snapshot), None)
    if fd is not None:
        os.close(fd)


def remove_unused_snapshots(db_path: str | Path) -> list[Path]:
    """Remove the snapshot folders of ``db_path`` that no process holds (no server, no publish in
    progress: an exclusive ``flock`` on their ``serving.lock`` is granted); return them.
    Snapshots of this process are kept."""
    folder = snapshots_dir(db_path)
    ours = {path.parent for path in _HELD}
    removed = []
    with _publish_lock(folder):
        for entry in sorted(folder.iterdir()):
            if entry in ours or not entry.is_dir() or not entry.name.startswith(("v", ".building-")):
                continue
            try:
                fd = os.open(entry / SNAPSHOT_LOCK, os.O_RDONLY)
            except FileNotFoundError:  # left by a publish that died before locking: nobody can hold it
                fd = None
            try:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # served, or being built
                os.close(fd)
                continue
            try:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
            finally:
                if fd is not None:
                    os.close(fd)
    return removed


def publish_argv(target: str, db_path: str | Path, *, service: str = "modwatch") -> list[str]:
    """Arguments after ``datasette`` for ``datasette publish cloudrun|fly``.

    ``datasette publish`` always serves the database immutable (``-i``) and installs the
    pinned plugins; the settings travel in ``--extra-options``.
    """
    if target not in ("cloudrun", "fly"):
        raise ValueError(f"unknown publish target {target!r}: cloudrun or fly")
    args = ["publish", target, str(db_path), *config_args()]
    for plugin in PLUGINS:
        args += ["--install", plugin]
    args += ["--extra-options", " ".join(setting_args())]
    if target == "cloudrun":
        args += ["--service", service]
    else:
        args += ["--app", service]
    return args


def update_search_indexes(db_path: str | Path) -> dict[str, int]:
    """Bring the bulk-filled search indexes up to date; returns rows newly indexed per index.

    Today that is ``statements_of_reasons_fts`` (:func:`modwatch.load.dsa.index_new_statements`). Raises
    ``sqlite3.OperationalError`` if the database cannot be written.
    """
    import sqlite_utils

    from modwatch.load.dsa import index_new_statements

    database = sqlite_utils.Database(str(db_path))
    try:
        if "statements_of_reasons_fts" not in database.table_names():
            return {}
        return {"statements_of_reasons_fts": index_new_statements(database)}
    finally:
        database.close()
