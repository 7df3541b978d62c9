"""``country_names``: every name of a country a person may type, for the dashboard's country input.

One row per typed form (``name``, lower case) -> ISO 3166-1 alpha-2 ``country``: the code itself
(``vn``), and each name of the country vocabulary (pycountry's names, the label, the plain-text
aliases and report names: ``vietnam``, ``viet nam``, ``việt nam``), both with its accents
(lower-cased: SQLite's ``lower()`` folds only ASCII, so ``Việt Nam`` typed as is matches) and
without (``viet nam``). A name two countries share is left out. Filled from the vocabulary by
:func:`db.tagging.prepare` (every tagging run); the dashboard resolves its input with
:data:`RESOLVE_SQL`. Table definition: ``db/migrations_figures.py``.
"""

from __future__ import annotations

import unicodedata

#: SQL expression: the country code for the typed ``:country`` (a known name or code), else the
#: input upper-cased (so an unknown name matches nothing and the dashboard says so)
RESOLVE_SQL = "coalesce((select country from country_names where name = lower(trim(:country))), upper(trim(:country)))"


def _forms(name: str) -> set[str]:
    text = " ".join(unicodedata.normalize("NFC", str(name)).split())
    plain = "".join(
        c
        for c in unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(c)
    )
    return {text.lower(), text.casefold(), plain.lower()}


def store(db, vocabulary) -> int:
    """Replace ``country_names`` with the names of the vocabulary's countries; returns the rows."""
    codes: dict[str, str | None] = {}
    for entry in vocabulary.of_kind("country"):
        for name in (entry.key, entry.label, *entry.names):
            for form in _forms(name):
                codes[form] = entry.key if codes.get(form, entry.key) == entry.key else None
    rows = [(form, code) for form, code in codes.items() if code and form]
    with db.atomic():
        db.execute("delete from country_names")
        db.conn.executemany("insert into country_names (name, country) values (?, ?)", rows)
    return len(rows)
