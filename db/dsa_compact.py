"""Writing DSA statements into their compact layout (tables: ``db/migrations_dsa_compact.py``).

A statement as exported (the cells of ``statements_of_reasons``, in :data:`COLUMNS` order) becomes
a row of ``sor_statements`` by :meth:`Compactor.stored_row`: each free text is replaced by its
``sor_texts.id`` and each JSON list by its ``sor_value_sets.id`` (kind = the column), inserted when
new, in the caller's transaction. Known ids are kept in a bounded cache (:data:`CACHE_SIZE` entries,
emptied when full: memory stays flat whatever the number of distinct texts). A text or list
inserted by a load that then fails stays stored, unused (a few rows; harmless to every reader).
"""

from __future__ import annotations

import sqlite_utils

from db.migrations_dsa_compact import COLUMNS, SET_COLUMNS, TEXT_COLUMNS, register_functions, stored_name, text_hash

TABLE = "sor_statements"
#: distinct texts and lists whose id is kept in memory
CACHE_SIZE = 20_000
#: the columns of ``sor_statements`` holding :data:`COLUMNS`, in that order
STORED_COLUMNS = tuple(stored_name(column) for column in COLUMNS)

__all__ = ["COLUMNS", "Compactor", "STORED_COLUMNS", "TABLE", "register_functions", "text_hash"]


class Compactor:
    """Turns exported cells into ``sor_statements`` cells for one connection."""

    def __init__(self, db: sqlite_utils.Database, cache_size: int = CACHE_SIZE):
        self.conn = db.conn
        self.cache_size = cache_size
        self._texts: dict[str, int] = {}
        self._sets: dict[tuple[str, str], int] = {}
        self._kinds = [
            ("text", None) if column in TEXT_COLUMNS else ("set", column) if column in SET_COLUMNS else (None, None)
            for column in COLUMNS
        ]

    def stored_row(self, cells) -> list:
        """The cells of :data:`COLUMNS` (``""`` = empty) as :data:`STORED_COLUMNS` cells (empty -> None)."""
        out = []
        for (kind, column), value in zip(self._kinds, cells):
            if kind is None:
                out.append(value)
            elif value is None or value == "":
                out.append(None)
            elif kind == "text":
                out.append(self.text_id(value))
            else:
                out.append(self.set_id(column, value))
        return out

    def text_id(self, text: str) -> int:
        """The ``sor_texts.id`` of ``text``, inserted if new."""
        found = self._texts.get(text)
        if found is not None:
            return found
        key = text_hash(text)
        for text_id, value in self.conn.execute("select id, value from sor_texts where hash = ?", [key]):
            if value == text:
                found = text_id
                break
        else:
            found = self.conn.execute("insert into sor_texts(hash, value) values (?, ?)", [key, text]).lastrowid
        if len(self._texts) >= self.cache_size:
            self._texts.clear()
        self._texts[text] = found
        return found

    def set_id(self, kind: str, value: str) -> int:
        """The ``sor_value_sets.id`` of the list ``value`` of column ``kind``, inserted with its items if new."""
        found = self._sets.get((kind, value))
        if found is not None:
            return found
        row = self.conn.execute("select id from sor_value_sets where kind = ? and value = ?", [kind, value]).fetchone()
        if row is None:
            found = self.conn.execute("insert into sor_value_sets(kind, value) values (?, ?)", [kind, value]).lastrowid
            self.conn.execute(
                """
                insert or ignore into sor_value_set_items(set_id, value)
                select ?, j.value from json_each(case when json_valid(?) then ? else '[]' end) j
                where j.value is not null""",
                [found, value, value],
            )
        else:
            found = row[0]
        if len(self._sets) >= self.cache_size:
            self._sets.clear()
        self._sets[(kind, value)] = found
        return found
