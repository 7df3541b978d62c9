"""``modwatch serve`` of a database written by an earlier version migrates it first: the site's plugins read tables
that version did not have (here ``sor_list_value_counts``, the child-table pages' facet counts)."""

from __future__ import annotations

import db
from tests.helpers import free_port, served_rows, start_serve, stop_process


def test_serve_brings_an_earlier_database_to_this_schema(tmp_path):
    path = tmp_path / "modwatch.db"
    earlier = db.connect(path)
    earlier.execute("drop table sor_list_value_counts")
    earlier.execute("delete from _sqlite_migrations where name = 'm006_list_value_counts'")
    earlier.conn.commit()
    earlier.close()
    port = free_port()
    process = start_serve(path, port)
    try:
        rows = served_rows(f"http://127.0.0.1:{port}", "select count(*) as n from sor_list_value_counts")
        pages = served_rows(f"http://127.0.0.1:{port}", "select count(*) as n from sor_decision_visibility")
    finally:
        stop_process(process)
    assert rows == [[0]] and pages == [[0]]
    migrated = db.connect(path)
    assert migrated.execute(
        "select count(*) from _sqlite_migrations where name = 'm006_list_value_counts'"
    ).fetchone() == (1,)
