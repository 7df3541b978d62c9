"""Datasette plugin: a big table's count and facets answered from its summary table, unfiltered
or filtered on the summary's dimensions and whole hours.

A column facet counts the rows of the page's query, and the page counts them too: on the DSA
statements table that is a scan of millions of index entries per facet on every page view, and
still 3 s for "TikTok, 6 hours" at 10 million statements (issue 16). The facet type ``summary``
(``datasette/metadata.yml``)::

    facets:
      - summary: {column: platform_name, summary_table: sor_daily_counts, count: statements,
                  where: "origin = 'statements'"}
      - summary: {column: category_v2, summary_table: sor_daily_counts, summary_column: category, ...}

answers from ``summary_table`` (``sum(count)`` grouped by ``summary_column``, default ``column``,
rows restricted by ``where``; ``''`` counts as no value, as NULL does for a column facet), which
the loader keeps equal to a ``count(*)`` over the table (``db/dsa_summary.py``); with ``items``
(a table ``set_id, value``) ``summary_column`` is a set id and each element of the set is counted
(``sor_content_type``'s facet: statements whose content-type list holds the value). Results have
the shape, names and toggle links of column facets.

**Which pages.** The unfiltered table always. A filtered page when the table's ``summary``
metadata expresses every filter clause (:func:`summary_condition`)::

    summary:
      table: sor_daily_counts
      count: statements
      where: "origin = 'statements'"
      columns: {platform_name: platform_name, category_v2: category, ...}   # table column: summary column
      time: {column: created_at, day: day, hour: hour}

equality (``col=v``, ``col__exact=v``) on a mapped column, and ``created_at__gte`` /
``created_at__lt`` a day or a whole hour (``2024-03-14 06:00:00``), which select whole
``(day, hour)`` rows of the summary. ``__gt`` / ``__lte`` fall back (``__lte=... 12:00:00`` holds
the statements of 12:00:00 exactly, in hour 12), as do other bounds (``06:30:00``), other columns
or operators, a search, a value ``''`` and a database that is not immutable (a running load
commits statements before it adds them to the summary). Falling back means Datasette's own
column facet and count over the rows. The rule reads the SQL Datasette wrote (its filter clauses
``"column" <op> :pN``, joined by ``and``; any other clause falls back) and reuses its parameters.

**The page's count** (``select count(*) from <table> where ...``) is rewritten to the summary's
sum for the same condition, only for HTML and JSON pages of a table with ``summary`` metadata:
``asgi_wrapper`` sets the request's tables in a context variable and ``startup`` wraps
``Database.execute`` once per process (the mechanism of ``modwatch_search_bound.py``); nothing
else is rewritten. The unfiltered count of a table comes from the inspect file (``serve``); of a
view, from the summary.

Array facets (``?_facet_array=territorial_scope``): Datasette's own expands the JSON list of every
row with ``json_each`` (13 s for the territorial scope of 1 million statements: ~30 codes each).
For a column named in the table's ``array_facets`` metadata::

    array_facets:
      territorial_scope: {value_sets: sor_value_sets, items: sor_value_set_items, summary_table: sor_daily_counts,
                          summary_column: territorial_scope_set, count: statements, where: "origin = 'statements'"}

each distinct list is expanded once: its elements are in ``items`` (``set_id``, ``value``), the list
in ``value_sets`` (``id``, ``kind`` = the column, ``value`` = the list as stored). The table, and a
filter the summary expresses (above), are counted from ``summary_table`` (``sum(count)`` per
``summary_column``, a set id); another filtered page groups its rows by the list (no JSON parsed
per row) and joins the sets. The answer is Datasette's (a value counts once per row, lists that
are not JSON count nothing), with its ``{column}__arraycontains`` toggle links. Other array
facets stay Datasette's (``startup`` wraps ``ArrayFacet.facet_results`` once per process).
"""

from __future__ import annotations

import contextvars
import re

from datasette import hookimpl
from datasette.database import Database, QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args, tilde_decode

#: a filter clause as Datasette writes it (``datasette.filters``): ``"column" <op> :p<n>``
_CLAUSE = re.compile(r'"(?P<column>\w+)" (?P<op>=|>=|<) :(?P<param>p\d+)')
#: a bound on whole hours: a day, or a day and an hour ``HH:00:00``
_WHOLE_HOURS = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:00:00)?")

#: {database: {table: summary metadata}} of the table page being answered (HTML and JSON)
_summaries: contextvars.ContextVar[dict | None] = contextvars.ContextVar("modwatch_summaries", default=None)


class SummaryFacet(ColumnFacet):
    type = "summary"

    async def suggest(self):
        return []

    async def facet_results(self):
        summary = (self.metadata or {}).get("summary") or {}
        condition = _facet_condition(self, summary)
        other_tables = {c["config"].get("summary_table", summary.get("table")) for c in self.get_configs()}
        if condition is None or (condition and other_tables != {summary.get("table")}):  # a filter holds for its table
            return await super().facet_results()
        results, timed_out = [], []
        qs_pairs = self.get_querystring_pairs()
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config, source = source_and_config["config"], source_and_config["source"]
            column = config.get("column") or config.get("simple")
            summary_column = escape_sqlite(config.get("summary_column") or column)
            table = escape_sqlite(config.get("summary_table") or summary["table"])
            count = escape_sqlite(config.get("count") or summary["count"])
            where = " and ".join(f"({c})" for c in (config.get("where") or summary.get("where"), condition) if c)
            if config.get("items"):  # summary_column is a set id: count each element of the set
                grouped = (
                    f"select i.value as value, sum(c.n) as count from (select {summary_column} as set_id, "
                    f"sum({count}) as n from {table} where {where or 1} group by 1) c "
                    f"join {escape_sqlite(config['items'])} i on i.set_id = c.set_id group by 1"
                )
            else:
                grouped = f"select {summary_column} as value, sum({count}) as count from {table} where {where or 1} group by 1"
            sql = (
                f"select value, count from ({grouped}) where value is not null and value != '' "
                f"order by count desc, value limit {size + 1}"
            )
            try:
                rows = (
                    await self.ds.execute(
                        self.database,
                        sql,
                        self.params,
                        truncate=False,
                        custom_time_limit=self.ds.setting("facet_time_limit_ms"),
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


def _where_of(sql: str, table: str, select: str | None = None) -> str | None:
    """The WHERE clauses (``""``: none) of ``select ... from <table> [where ...]``, or None for another
    shape; ``select``: the select list it must have (the page's count: ``count(*)``)."""
    head, found, rest = (sql.rstrip() + " ").partition(f" from {escape_sqlite(table)} ")
    if not found or not head.startswith("select ") or (select is not None and head != f"select {select}"):
        return None
    rest = rest.strip()
    if not rest:
        return ""
    return rest[len("where ") :] if rest.startswith("where ") else None


def summary_condition(summary: dict, where: str, params: dict) -> str | None:
    """The condition on the summary table that selects exactly the statements of ``where`` (the
    page's filter clauses, Datasette's shape, values in ``params``), or None if it has none.

    ``summary`` (table metadata): ``columns`` maps table columns to summary columns (an equality
    filter on one of them is the same equality on the summary; a filter on ``''`` is not: the summary
    stores no value as ``''``); ``time`` = ``{column, day, hour}``: ``column >= B`` and ``column < B``
    with ``B`` a day or ``YYYY-MM-DD HH:00:00`` are conditions on ``(day, hour)`` (for values
    ``YYYY-MM-DD HH:MM:SS``, as the DSA dumps write them; a range of the summary's primary key).
    ``=``, ``>`` and ``<=`` on the time are not: ``<= 12:00:00`` holds the statements of 12:00:00,
    in hour 12. The condition uses the page's own parameters."""
    if not where:
        return "1"
    columns, time, terms = summary.get("columns") or {}, summary.get("time") or {}, []
    for clause in where.split(" and "):
        match = _CLAUSE.fullmatch(clause.strip())
        value = params.get(match["param"]) if match else None
        if not isinstance(value, str) or not value:
            return None
        column, op, param = match["column"], match["op"], ":" + match["param"]
        if op == "=" and column in columns:
            terms.append(f"{escape_sqlite(columns[column])} = {param}")
        elif op in (">=", "<") and column == time.get("column") and _WHOLE_HOURS.fullmatch(value):
            day, hour = escape_sqlite(time["day"]), escape_sqlite(time["hour"])
            bound = f"(substr({param}, 1, 10), substr({param}, 12, 2))"  # a day alone: hour ''
            terms.append(f"({day}, {hour}) >= {bound}" if op == ">=" else f"{day} != '' and ({day}, {hour}) < {bound}")
        else:
            return None
    return " and ".join(terms)


def _facet_condition(facet, summary: dict) -> str | None:
    """``""`` for the unfiltered table, the summary's condition for a filter it can answer (immutable
    database only: see :func:`count_sql`), else None."""
    if not facet.table:
        return None
    where = _where_of(facet.sql, facet.table)
    if where == "" and not facet.params:
        return ""
    if where is None or not summary or facet.ds.get_database(facet.database).is_mutable:
        return None
    return summary_condition(summary, where, facet.params or {})


def count_sql(sql: str, params, summaries: dict) -> str | None:
    """The summary's answer to Datasette's count of a table page (``select count(*) from <table>
    [where <filters>]``) for a table of ``summaries`` ({table: summary metadata}), or None."""
    if not isinstance(params, dict | None):
        return None
    for table, summary in summaries.items():
        where = _where_of(sql, table, select="count(*)")
        condition = None if where is None else summary_condition(summary, where, params or {})
        if condition is not None:
            restrict = f"({summary['where']}) and " if summary.get("where") else ""
            return (
                f"select coalesce(sum({escape_sqlite(summary['count'])}), 0) from "
                f"{escape_sqlite(summary['table'])} where {restrict}({condition})"
            )
    return None


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array_facet_sql(facet, column: str, config: dict, limit: int) -> str:
    """Counts per element of the lists in ``column`` from the value sets (see the module docstring)."""
    items = escape_sqlite(config["items"])
    summary = (facet.metadata or {}).get("summary") or {}
    condition = _facet_condition(facet, summary if summary.get("table") == config["summary_table"] else {})
    if condition is not None:
        where = " and ".join(f"({c})" for c in (config.get("where"), condition) if c) or "1"
        counted = (
            f"select {escape_sqlite(config['summary_column'])} as set_id, sum({escape_sqlite(config['count'])}) "
            f"as n from {escape_sqlite(config['summary_table'])} where {where} group by 1"
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


def _patch_count() -> None:
    if getattr(Database.execute, "modwatch_summary_count", False):
        return
    original = Database.execute

    async def execute(self, sql, *args, **kwargs):
        summaries = _summaries.get()
        if summaries and self.name in summaries and not self.is_mutable:
            sql = count_sql(sql, args[0] if args else kwargs.get("params"), summaries[self.name]) or sql
        return await original(self, sql, *args, **kwargs)

    execute.modwatch_summary_count = True
    Database.execute = execute


def _request_summaries(datasette, scope) -> dict | None:
    """``{database: {table: summary metadata}}`` for an HTML or JSON page of a table whose metadata
    has a ``summary`` with filter columns, else None."""
    path = scope.get("path", "")
    base = datasette.setting("base_url") or "/"
    parts = path[len(base) :].removesuffix(".json").split("/")
    if len(parts) != 2 or "." in parts[1] or tilde_decode(parts[0]) not in datasette.databases:
        return None
    database, table = tilde_decode(parts[0]), tilde_decode(parts[1])
    summary = (datasette.table_metadata(database, table) or {}).get("summary") or {}
    if not (summary.get("table") and summary.get("count") and (summary.get("columns") or summary.get("time"))):
        return None
    return {database: {table: summary}}


@hookimpl
def register_facet_classes():
    return [SummaryFacet]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def summary_counts(scope, receive, send):
            summaries = _request_summaries(datasette, scope) if scope.get("type") == "http" else None
            if summaries is None:
                return await app(scope, receive, send)
            token = _summaries.set(summaries)
            try:
                return await app(scope, receive, send)
            finally:
                _summaries.reset(token)

        return summary_counts

    return wrap


@hookimpl
def startup(datasette):
    _patch_array_facet()
    _patch_count()
