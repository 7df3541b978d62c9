"""A database of the layout released before the compact statements and the hourly summary (``db.migrations_dsa_scale``
up to m004, no ``db.migrations_dsa_compact``), loaded the way that version's loader did: one INSERT per statement into
the ``statements_of_reasons`` table, the child tables, the day-grain summary (the frozen copy its migration m003 keeps)
and the search index. Tests migrate it with ``db.connect`` and compare."""

import io

import sqlite_utils

import db
from db import fts
from db import migrations_dsa_compact as compact
from db import migrations_dsa_scale as scale
from modwatch.transparency import dsa


def previous_database(path, dumps) -> sqlite_utils.Database:
    """``dumps``: ``(name, bytes)`` of DSA dump files, each loaded as one dataset (ids 1, 2, ...)."""
    old = sqlite_utils.Database(path)
    for module in db.migration_modules():
        if module is scale:
            module.migrations.apply(old, stop_before="m005_summary_hour")
        elif module is not compact:
            module.migrations.apply(old)
    columns = ", ".join(compact.COLUMNS)
    for dataset_id, (name, data) in enumerate(dumps, start=1):
        old["datasets"].insert(
            {"id": dataset_id, "source": "dsa_sor/global", "url": f"https://example.org/{name}", "status": "loaded"}
        )
        for member, text in dsa.iter_csv_members(io.BytesIO(data), name):
            values = ", ".join(["NULLIF(?, '')"] * len(compact.COLUMNS) + ["?", str(dataset_id)])
            rows = [row for row in dsa.iter_statements(text, member) if not isinstance(row, dsa.Reject)]
            old.conn.executemany(
                f"insert or ignore into statements_of_reasons ({columns}, location, dataset_id) values ({values})", rows
            )
        for column in compact.CHILD_COLUMNS:
            old.execute(
                f"insert or ignore into sor_{column}(statement_id, value) select s.id, j.value "
                f"from statements_of_reasons s, json_each(s.{column}) j where s.dataset_id = ? and j.value is not null",
                [dataset_id],
            )
        scale._add_dataset_to_summary(old, dataset_id)
    old.conn.commit()
    fts.fill_new(old, fts.STATEMENTS)
    return old
