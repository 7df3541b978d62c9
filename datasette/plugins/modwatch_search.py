"""Datasette plugin: a search an analyst can read (the canned query ``search`` of metadata.yml).

The query searches articles, Lumen notices and DSA statements of reasons with SQLite FTS5 and
returns one short row per hit: kind, title, source, date, a ``snippet()`` of the matching text
and a link. Two pieces live here:

- the SQL function ``fts_words(text)``: the words of what the analyst typed, each quoted for
  FTS5 (``Löschung NetzDG`` -> ``"Löschung" "NetzDG"``; a quoted phrase stays one phrase), so
  punctuation and FTS5 syntax are searched as words and every word must occur (implicit AND). The quoting is Datasette's own
  ``escape_fts`` (the table search box uses it too). Nothing searchable gives ``""``, which
  matches no row.
- ``render_cell``: a ``snippet`` column of a query (no table) whose value holds the match markers
  :data:`START` / :data:`END` (``char(2)`` / ``char(3)``, control characters the stored text does
  not contain) is shown as HTML: the text escaped, then the markers turned into ``<mark>`` — a
  scraped page's markup is never rendered.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import escape_fts
from markupsafe import Markup, escape

#: snippet() markers around a match (char(2) and char(3) in the SQL)
START, END = "\x02", "\x03"


def fts_words(text: str | None) -> str:
    """``text`` as an FTS5 query of quoted words (all required); ``'""'`` when nothing is searchable."""
    query = escape_fts((text or "").strip())
    return query if query.strip('" ') else '""'


def highlight(value: str) -> Markup:
    """The snippet as safe HTML: escaped text, matches in ``<mark>``."""
    html = str(escape(value)).replace(START, "<mark>").replace(END, "</mark>")
    return Markup(html)


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_words", 1, fts_words, deterministic=True)


@hookimpl
def render_cell(value, column, table):
    if column != "snippet" or table is not None or not isinstance(value, str) or START not in value:
        return None
    return highlight(value)
