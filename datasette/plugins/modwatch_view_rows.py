"""Datasette plugin: the row page of a view that stands for a table (``/modwatch/statements_of_reasons/17``).

``statements_of_reasons`` is a view over the compact ``sor_statements`` (``db/migrations_dsa_compact.py``);
Datasette 0.65 has no row page for a view, so links saved when it was a table would answer 404. For each
view whose metadata names its ``unique_key`` (``datasette/metadata.yml``), ``/<database>/<view>/<key>``
(and ``.json``) redirects to the view's page filtered on that key, ``/<database>/<view>?id=17``
(``.json?id=17``): the row, with every column, as the table's row page showed it.

Row counts: ``serve``'s inspect file counts these views too (``modwatch.publish.write_inspect_file``), so the
view's unfiltered page reads its count instead of counting millions of rows; but Datasette's database page
takes every name of the inspect file for a table (its foreign keys: a 500). ``startup`` gives each database the
counts of its tables only for that page (the table page still reads the view's count from the inspect data).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response


def keyed_views(datasette) -> dict[tuple[str, str], str]:
    """``{(database, view): unique key}`` from the metadata."""
    found = {}
    for database, meta in (datasette.metadata("databases") or {}).items():
        for table, table_meta in (meta.get("tables") or {}).items():
            if (table_meta or {}).get("unique_key"):
                found[(database, table)] = table_meta["unique_key"]
    return found


@hookimpl
def startup(datasette):
    views = keyed_views(datasette)
    for name, database in datasette.databases.items():
        counts = database.cached_table_counts
        if counts and any((name, table) in views for table in counts):
            database._cached_table_counts = {table: n for table, n in counts.items() if (name, table) not in views}


@hookimpl
def register_routes(datasette):
    views = keyed_views(datasette)
    if not views:
        return []
    names = "|".join(re.escape(tilde_encode(table)) for _, table in views)

    async def row_page(request):
        database, table = tilde_decode(request.url_vars["database"]), tilde_decode(request.url_vars["view"])
        key = views.get((database, table))
        if key is None or database not in datasette.databases:
            return Response.text("Not found", status=404)
        target = datasette.urls.table(database, table, format=request.url_vars.get("format") or None)
        return Response.redirect(f"{target}?{quote(key)}={quote(tilde_decode(request.url_vars['key']), safe='')}")

    return [(rf"^/(?P<database>[^/]+)/(?P<view>{names})/(?P<key>[^/]+?)(?:\.(?P<format>json))?$", row_page)]
