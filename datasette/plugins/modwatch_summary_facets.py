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
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args


class SummaryFacet(ColumnFacet):
    type = "summary"

    async def suggest(self):
        return []

    def _unfiltered(self) -> bool:
        return bool(self.table) and self.sql.rstrip().endswith(f"from {escape_sqlite(self.table)}") and not self.params

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
            sql = (f"select {escape_sqlite(summary_column)} as value, sum({escape_sqlite(config['count'])}) as count "
                   f"from {escape_sqlite(config['summary_table'])} {where} group by 1 "
                   f"having value is not null and value != '' order by count desc, value limit {size + 1}")
            try:
                rows = (await self.ds.execute(self.database, sql, truncate=False,
                                              custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows[:size]:
                selected = (column, str(row["value"])) in qs_pairs
                toggle = (path_with_removed_args(self.request, {column: str(row["value"])}) if selected
                          else path_with_added_args(self.request, {column: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                               "selected": selected})
            results.append({"name": column, "type": self.type, "hideable": source != "metadata",
                            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                            "results": values, "truncated": len(rows) > size})
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [SummaryFacet]
