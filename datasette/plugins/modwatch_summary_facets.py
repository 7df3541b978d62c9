"""Datasette plugin: default facets of a big table answered from its summary table when unfiltered.

A column facet counts the rows of the page's query: on the unfiltered DSA statements table that
is a scan of millions of index entries per facet on every page view (seconds at 10 million
statements, issue 16). The facet type ``summary`` (``datasette/metadata.yml``)::

    facets:
      - summary: {column: platform_name, summary_table: sor_daily_counts, count: statements,
                  where: "origin = 'statements'"}
      - summary: {column: category_v2, summary_table: sor_daily_counts, summary_column: category, ...}

answers the **unfiltered** table from ``summary_table`` (``sum(count)`` grouped by
``summary_column``, default ``column``, rows restricted by ``where``; ``''`` counts as no value,
as NULL does for a column facet), which the loader keeps equal to a ``count(*)`` over the table
(``db/dsa_summary.py``). A **filtered** page (or a search) is faceted like a column facet, over
the filtered rows. Results have the shape, names and toggle links of column facets.

Array facets (``?_facet_array=territorial_scope``): Datasette's own expands the JSON list of every
row with ``json_each`` (13 s for the territorial scope of 1 million statements: ~30 codes each).
For a column named in the table's ``array_facets`` metadata::

    array_facets:
      territorial_scope: {value_sets: sor_value_sets, items: sor_value_set_items, summary_table: sor_daily_counts,
                          summary_column: territorial_scope_set, count: statements, where: "origin = 'statements'"}

each distinct list is expanded once: its elements are in ``items`` (``set_id``, ``value``), the list
in ``value_sets`` (``id``, ``kind`` = the column, ``value`` = the list as stored). The **unfiltered**
table is counted from ``summary_table`` (``sum(count)`` per ``summary_column``, a set id); a
**filtered** page groups its rows by the list (no JSON parsed per row) and joins the sets. The
answer is Datasette's (a value counts once per row, lists that are not JSON count nothing), with
its ``{column}__arraycontains`` toggle links. Other array facets stay Datasette's
(``startup`` wraps ``ArrayFacet.facet_results`` once per process).
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args


class SummaryFacet(ColumnFacet):
    type = "summary"

    async def suggest(self):
        return []

    def _unfiltered(self) -> bool:
        return _unfiltered(self)

    async def facet_results(self):
        if not self._unfiltered():
            return await super().facet_results()
        results, timed_out = [], []
        qs_pairs = self.get_querystring_pairs()
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config, source = source_and_config["config"], source_and_config["source"]
            column = config.get("column") or config.get("simple")
            summary_column = config.get("summary_column") or column
            where = f"where ({config['where']})" if config.get("where") else ""
            sql = (
                f"select {escape_sqlite(summary_column)} as value, sum({escape_sqlite(config['count'])}) as count "
                f"from {escape_sqlite(config['summary_table'])} {where} group by 1 "
                f"having value is not null and value != '' order by count desc, value limit {size + 1}"
            )
            try:
                rows = (
                    await self.ds.execute(
                        self.database, sql, truncate=False, custom_time_limit=self.ds.setting("facet_time_limit_ms")
                    )
                ).rows
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows[:size]:
                selected = (column, str(row["value"])) in qs_pairs
                toggle = (
                    path_with_removed_args(self.request, {column: str(row["value"])})
                    if selected
                    else path_with_added_args(self.request, {column: row["value"]})
                )
                values.append(
                    {
                        "value": row["value"],
                        "label": row["value"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                    "results": values,
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


def _unfiltered(facet) -> bool:
    return bool(facet.table) and facet.sql.rstrip().endswith(f"from {escape_sqlite(facet.table)}") and not facet.params


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array_facet_sql(facet, column: str, config: dict, limit: int) -> str:
    """Counts per element of the lists in ``column`` from the value sets (see the module docstring)."""
    items = escape_sqlite(config["items"])
    if _unfiltered(facet):
        where = f"where ({config['where']})" if config.get("where") else ""
        counted = (
            f"select {escape_sqlite(config['summary_column'])} as set_id, sum({escape_sqlite(config['count'])}) "
            f"as n from {escape_sqlite(config['summary_table'])} {where} group by 1"
        )
    else:
        counted = (
            f"select s.id as set_id, g.n from (select {escape_sqlite(column)} as v, count(*) as n "
            f"from ({facet.sql}) where {escape_sqlite(column)} is not null group by 1) g "
            f"join {escape_sqlite(config['value_sets'])} s on s.kind = {_literal(column)} and s.value = g.v"
        )
    return (
        f"select i.value as value, sum(c.n) as count from ({counted}) c join {items} i on i.set_id = c.set_id "
        f"group by 1 order by count desc, value limit {limit}"
    )


async def _set_array_facet_results(facet, sets: dict, configs: list) -> tuple[list, list]:
    results, timed_out = [], []
    size = facet.get_facet_size()
    pairs = facet.get_querystring_pairs()
    for source_and_config in configs:
        config, source = source_and_config["config"], source_and_config["source"]
        column = config.get("column") or config["simple"]
        try:
            rows = (
                await facet.ds.execute(
                    facet.database,
                    _array_facet_sql(facet, column, sets[column], size + 1),
                    facet.params,
                    truncate=False,
                    custom_time_limit=facet.ds.setting("facet_time_limit_ms"),
                )
            ).rows
        except QueryInterrupted:
            timed_out.append(column)
            continue
        values = []
        for row in rows[:size]:
            value = str(row["value"])
            selected = (f"{column}__arraycontains", value) in pairs
            toggle = (path_with_removed_args if selected else path_with_added_args)(
                facet.request, {f"{column}__arraycontains": value}
            )
            values.append(
                {
                    "value": value,
                    "label": value,
                    "count": row["count"],
                    "toggle_url": facet.ds.absolute_url(facet.request, toggle),
                    "selected": selected,
                }
            )
        results.append(
            {
                "name": column,
                "type": facet.type,
                "results": values,
                "hideable": source != "metadata",
                "toggle_url": facet.ds.urls.path(path_with_removed_args(facet.request, {"_facet_array": column})),
                "truncated": len(rows) > size,
            }
        )
    return results, timed_out


def _patch_array_facet() -> None:
    if getattr(ArrayFacet.facet_results, "modwatch_value_sets", False):
        return
    original = ArrayFacet.facet_results

    async def facet_results(self):
        sets = (self.metadata or {}).get("array_facets") or {}
        configs = self.get_configs()
        mine = [c for c in configs if (c["config"].get("column") or c["config"].get("simple")) in sets]
        if not mine:
            return await original(self)
        results, timed_out = await _set_array_facet_results(self, sets, mine)
        others = [c for c in configs if c not in mine]
        if others:
            self.get_configs = lambda: others
            more, more_timed_out = await original(self)
            results, timed_out = results + more, timed_out + more_timed_out
        return results, timed_out

    facet_results.modwatch_value_sets = True
    ArrayFacet.facet_results = facet_results


@hookimpl
def register_facet_classes():
    return [SummaryFacet]


@hookimpl
def startup(datasette):
    _patch_array_facet()
