"""The real DSA dump sample loaded in parts into a database file, and what a file answers to a set of
queries read directly: the readers-during-load and re-publish tests compare these with what a served site
answers."""

from __future__ import annotations

import hashlib
import io
import sqlite3

import db
from modwatch.load.dsa import load_dump

URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip"


def load_part(path, data: bytes, part: int) -> dict:
    """Load ``data`` (CSV lines of the dump) into the database file ``path`` as the dump's part ``part``."""
    database = db.connect(path)
    try:
        return load_dump(
            database,
            io.BytesIO(data),
            url=URL,
            name=f"sor-global-2024-03-14-full-0000{part}.csv",
            fetched_at="2026-11-29T12:00:00Z",
            sha256=hashlib.sha256(data).hexdigest(),
            byte_size=len(data),
        )
    finally:
        database.close()


def file_rows(path, queries) -> dict[str, list]:
    """What each of ``queries`` gives on the database file ``path`` (read directly)."""
    connection = sqlite3.connect(path)
    try:
        return {sql: [list(row) for row in connection.execute(sql)] for sql in queries}
    finally:
        connection.close()
