"""Readers are never locked out by a bulk load: ``python -m modwatch serve --live`` started while a
real DSA dump is being loaded answers at once, shows the committed statements, and sees the rest
when the load ends; the load keeps the database in WAL mode all along. ``serve`` (immutable)
serves a published snapshot, so a load and WAL checkpoints rewriting the database never reach it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import urllib.request

import db
from modwatch.load.dsa import load_dump
from modwatch import publish
from tests.helpers import ROOT, free_port, modwatch, served_rows, start_serve, stop_process, wait_for
from tests.datasette.dsa_parts import URL, file_rows, load_part
from tests.transparency.samples import V1, fixture


def _journal_mode(path) -> str:
    """The database's journal mode, asked through SQLite (opening and closing the file directly
    would drop the loader's POSIX locks, which belong to the whole process)."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        connection.close()


def _count(base: str) -> int:
    sql = urllib.request.quote("select count(*) from statements_of_reasons")
    with urllib.request.urlopen(f"{base}/modwatch.json?sql={sql}", timeout=10) as response:
        return json.loads(response.read())["rows"][0][0]


def _committed(path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("select count(*) from statements_of_reasons").fetchone()[0]
    finally:
        connection.close()


def test_serve_live_answers_while_a_dsa_load_runs(tmp_path):
    path = tmp_path / "modwatch.db"
    db.connect(path).close()
    lines = fixture(V1).splitlines(keepends=True)  # header + 29 real statements (one duplicate uuid)
    read_end, write_end = os.pipe()
    result = {}

    def load():
        database = db.connect(path)
        with os.fdopen(read_end, "rb") as stream:
            result.update(
                load_dump(
                    database,
                    stream,
                    url=URL,
                    name="sor-global-2024-03-14-full-00000-00000.csv",
                    fetched_at="2026-11-29T12:00:00Z",
                    sha256="0" * 64,
                    byte_size=len(fixture(V1)),
                    batch_size=2,
                    commit_rows=4,
                )
            )
        database.close()

    loader = threading.Thread(target=load)
    loader.start()
    writer = os.fdopen(write_end, "wb")
    writer.writelines(lines[:13])  # header + 12 statements: three commits, then the load waits for more
    writer.flush()
    process = None
    try:
        wait_for(lambda: _committed(path) >= 11, timeout=30, what="the first statements to be committed")
        assert loader.is_alive() and _journal_mode(path) == "wal"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            modwatch("serve", path, "--live", "--port", port),
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

        def answers():
            assert process.poll() is None, process.stderr.read().decode()
            try:
                return _count(base) >= 0
            except OSError:
                return False

        wait_for(answers, timeout=60, what="serve --live to answer during the load")
        assert loader.is_alive()  # still loading
        assert _count(base) == _committed(path) >= 11  # what is committed so far (one duplicate uuid skipped)
        writer.writelines(lines[13:])
        writer.close()
        loader.join(60)
        assert (result["status"], result["rows_read"], result["rows_stored"]) == ("loaded", 29, 28)
        assert _committed(path) == 28
        wait_for(lambda: _count(base) == 28, timeout=10, what="the live site to see the finished load")
        assert _journal_mode(path) == "wal"
    finally:
        if not writer.closed:
            writer.close()
        loader.join(60)
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(10)


#: what the readers ask during the load: counts, and queries that read table and index pages
#: the counts do not (a server reading the written file would meet rewritten pages there)
QUERIES = (
    "select (select count(*) from statements_of_reasons), (select count(*) from churn), "
    "(select coalesce(sum(length(payload)), 0) from churn)",
    "select * from statements_of_reasons order by rowid",
    "select id, length(payload) from churn order by id desc limit 20",
    "select rowid, * from statements_of_reasons_fts order by rowid",
    "select name, type from sqlite_master order by name",
)


def test_immutable_serve_answers_from_a_snapshot_while_a_dsa_load_and_checkpoints_rewrite_the_db(tmp_path):
    path = tmp_path / "modwatch.db"
    lines = fixture(V1).splitlines(keepends=True)  # header + 29 real statements (one duplicate uuid)
    first, rest = b"".join(lines[:13]), b"".join(lines[:1] + lines[13:])

    assert load_part(path, first, 0)["rows_stored"] == 11  # 12 statements, one duplicate uuid
    with sqlite3.connect(path) as conn:  # a table the writer below churns: pages freed, reused, checkpointed
        conn.execute("create table churn (id integer primary key, payload blob)")
        conn.executemany("insert into churn (payload) values (randomblob(3000))", [()] * 200)
    conn.close()
    before = file_rows(path, QUERIES)
    assert before[QUERIES[0]] == [[11, 200, 600_000]]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_serve(path, port)
    writing = threading.Event()
    writer_error = []

    def write_load():
        try:
            assert load_part(path, rest, 1)["rows_stored"] == 17  # the rest of the dump, into the database being served
            conn = sqlite3.connect(path, timeout=30)
            for round in range(60):  # rows added, old rows deleted, the WAL copied into the file and truncated
                with conn:
                    conn.executemany("insert into churn (payload) values (randomblob(3000 + ?))", [(round,)] * 40)
                    conn.execute("delete from churn where id in (select id from churn order by id limit 30)")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            conn.close()
        except BaseException as e:  # reported by the test thread
            writer_error.append(e)
        finally:
            writing.set()

    try:
        served_file = publish.latest_snapshot(path)
        assert served_file.exists() and not served_file.samefile(path) and file_rows(served_file, QUERIES) == before
        answers, wrong, reader_errors = [], [], []

        def read(offset: int):  # concurrent requests: each of Datasette's SQL threads opens its connection meanwhile
            n = offset
            while not writing.is_set():
                sql = QUERIES[n % len(QUERIES)]
                n += 1
                try:
                    rows = served_rows(base, sql)
                except Exception as e:  # an HTTP 500 ("database disk image is malformed") or a refused request
                    reader_errors.append(e)
                    continue
                (answers if rows == before[sql] else wrong).append(sql)

        writer = threading.Thread(target=write_load)
        readers = [threading.Thread(target=read, args=(i,)) for i in range(4)]
        for thread in (*readers, writer):
            thread.start()
        writer.join(60)
        for reader in readers:
            reader.join(30)
        assert not writer_error, writer_error
        assert not reader_errors, [(e, getattr(e, "read", lambda: b"")()[:300]) for e in reader_errors[:3]]
        assert not wrong, f"{len(wrong)} answers not those of the snapshot, e.g. to {wrong[0]!r}"
        assert len(set(answers)) == len(QUERIES) and len(answers) >= 10, len(answers)
        after = file_rows(path, QUERIES)
        assert after[QUERIES[0]][0][:2] == [28, 200 + 60 * 10] and after != before
        assert all(served_rows(base, sql) == before[sql] for sql in QUERIES)  # the running server keeps its snapshot
        stop_process(process)
        process = start_serve(path, port)  # serve again: publishes again
        assert all(served_rows(base, sql) == after[sql] for sql in QUERIES)
    finally:
        stop_process(process)
