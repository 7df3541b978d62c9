"""Readers are never locked out by a bulk load: ``python -m modwatch serve --live`` started while a
real DSA dump is being loaded answers at once, shows the committed statements, and sees the rest
when the load ends; the load keeps the database in WAL mode all along."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import urllib.request

import db
from db.dsa import load_dump
from tests.helpers import ROOT, free_port, modwatch, wait_for
from tests.transparency.samples import V1, fixture

URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip"


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
            result.update(load_dump(database, stream, url=URL, name="sor-global-2024-03-14-full-00000-00000.csv",
                                    fetched_at="2026-11-29T12:00:00Z", sha256="0" * 64, byte_size=len(fixture(V1)),
                                    batch_size=2, commit_rows=4))  # fmt: skip
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
        process = subprocess.Popen(modwatch("serve", path, "--live", "--port", port), cwd=ROOT,
                                   start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip

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
