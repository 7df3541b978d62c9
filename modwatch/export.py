"""Dated export bundles for reports: CSV per table + Frictionless ``datapackage.json`` + README + SHA256SUMS.

:func:`export_bundle` writes ``<out>/modwatch-YYYY-MM-DD/`` (UTC date of the export; with filters
their names and values follow, ``modwatch-YYYY-MM-DD-country-vn-platform-google``, so that exports
of the same day with other filters sit side by side)::

    articles.csv, removal_requests.csv, ...   one UTF-8 CSV per table (RFC 4180, header row,
                                              every column of the table even when the first rows
                                              leave it empty; NULL is an empty cell)
    datapackage.json                          Frictionless Data Package v1: a tabular resource per
                                              CSV with its schema (field types, descriptions,
                                              primary and foreign keys), licences and sources
    README.md                                 provenance (database, filters, counts), licences and
                                              the citations the sources require
    SHA256SUMS                                ``sha256sum -c`` format, every other file

The titles, descriptions, column descriptions, licences and sources come from
``datasette/metadata.yml``, the same text the Datasette site shows (one source of truth).
The bundle validates with ``frictionless validate <bundle>/datapackage.json``
(Frictionless Framework 5, https://specs.frictionlessdata.io/data-package/).

Filters (all optional) narrow the tables that have the matching column; tables whose foreign
keys point to a filtered table (``article_authors`` to ``articles``, ``notice_urls`` to
``notices`` ...) follow it, so every foreign key in the bundle resolves; the others are exported
whole. The README and each resource's ``filters`` say what
was applied where.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import yaml

from modwatch.export_figures import FIGURES_VIEW, citation, how_to_count, neutralise
from modwatch.progress import progress
from modwatch.publish import METADATA

DATABASE_NAME = "modwatch"

#: The citation the EU requires for DSA Transparency Database data (CC BY 4.0).
DSA_CITATION = (
    "European Commission-DG CONNECT, 'Digital Services Act Transparency Database', 2023, "
    "https://doi.org/10.2906/134353607485211"
)

#: Filter name -> human label (for README and CLI help)
FILTERS = {
    "country": "country (ISO 3166-1 alpha-2)",
    "platform": "platform",
    "source": "news source key",
    "since": "from date (YYYY-MM-DD, inclusive)",
    "until": "to date (YYYY-MM-DD, inclusive)",
}

# table -> filter -> (columns that must exist, SQL condition using :param)
_PERIOD = {
    "since": (("period_end",), "period_end >= :since"),
    "until": (("period_start",), "period_start <= :until"),
}
_TAGGED = (
    "id in (select ae.article_id from article_entities ae join entities e on e.id = ae.entity_id "
    "where e.kind = '{kind}' and lower(e.key) = lower(:{param}))"
)
DIRECT_FILTERS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "articles": {
        "source": (("source",), "source = :source"),
        "since": (("published_at",), "substr(published_at, 1, 10) >= :since"),
        "until": (("published_at",), "substr(published_at, 1, 10) <= :until"),
        "country": ((), _TAGGED.format(kind="country", param="country")),
        # a platform key (facebook) or a report platform (Meta -> facebook, instagram)
        "platform": ((), _TAGGED.format(kind="platform", param="platform").replace(
            "lower(e.key) = lower(:platform))",
            "(lower(e.key) = lower(:platform) or e.id in (select entity_id from entity_report_platforms "
            "where lower(report_platform) = lower(:platform))))")),
    },
    "sources": {"source": (("key",), "key = :source")},
    "removal_requests": {
        "country": (("country",), "country = upper(:country)"),
        "platform": (("platform",), "lower(platform) = lower(:platform)"),
        **_PERIOD,
    },
    FIGURES_VIEW: {
        "country": (("country",), "country = upper(:country)"),
        "platform": (("platform",), "lower(platform) = lower(:platform)"),
        **_PERIOD,
    },
    "meta_global_geoblocks": {
        "platform": ((), "lower(:platform) in ('meta', 'facebook', 'instagram')"),
        **_PERIOD,
    },
    "notices": {
        "country": (
            ("jurisdictions",),
            "exists (select 1 from json_each(case when json_valid(jurisdictions) then jurisdictions "
            "else '[]' end) where upper(value) = upper(:country))",
        ),
        "platform": (("recipient_name",), "recipient_name like '%' || :platform || '%'"),
        "since": (("date_received",), "substr(coalesce(date_received, date_sent), 1, 10) >= :since"),
        "until": (("date_received",), "substr(coalesce(date_received, date_sent), 1, 10) <= :until"),
    },
    "statements_of_reasons": {
        "country": (
            ("territorial_scope",),
            "exists (select 1 from json_each(case when json_valid(territorial_scope) then "
            "territorial_scope else '[]' end) where upper(value) = upper(:country))",
        ),
        "platform": (("platform_name",), "platform_name like '%' || :platform || '%'"),
        "since": (("created_at",), "substr(created_at, 1, 10) >= :since"),
        "until": (("created_at",), "substr(created_at, 1, 10) <= :until"),
    },
}

#: Tables kept only for the rows that reference them: table -> (its column, referencing table,
#: that table's column). E.g. only the authors of the exported articles.
REFERENCED_BY: dict[str, tuple[str, str, str]] = {
    "authors": ("id", "article_authors", "author_id"),
    "tags": ("id", "article_tags", "tag_id"),
}


class ExportError(RuntimeError):
    """The export cannot be written (missing database, unknown table, bad filter value)."""


@dataclass
class TableExport:
    """What was written for one table."""

    name: str
    path: str
    rows: int
    filters: list[str] = field(default_factory=list)
    schema: dict = field(default_factory=dict)


def load_metadata(path: str | Path = METADATA) -> dict:
    """The Datasette metadata (``datasette/metadata.yml``) as a dict."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def table_metadata(metadata: dict, table: str) -> dict:
    """Metadata of ``table`` in the ``modwatch`` database ({} if none)."""
    return metadata.get("databases", {}).get(DATABASE_NAME, {}).get("tables", {}).get(table) or {}


def exportable_tables(conn: sqlite3.Connection, metadata: dict) -> list[str]:
    """Base tables an analyst sees: not FTS (virtual or shadow), not internal, not hidden in metadata;
    then the per-country, per-half-year figures view (:data:`modwatch.export_figures.FIGURES_VIEW`)."""
    rows = conn.execute("select name, sql from sqlite_master where type = 'table' order by name").fetchall()
    virtual = {name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")}
    tables = []
    for name, _sql in rows:
        if name in virtual or name.startswith(("sqlite_", "_")):
            continue
        if any(name.startswith(v + "_") for v in virtual):  # FTS shadow tables
            continue
        if table_metadata(metadata, name).get("hidden"):
            continue
        tables.append(name)
    if conn.execute("select 1 from sqlite_master where type = 'view' and name = ?", [FIGURES_VIEW]).fetchone():
        tables.append(FIGURES_VIEW)
    return tables


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, pk position) of every column, generated ones included."""
    rows = conn.execute(f"pragma table_xinfo([{table}])").fetchall()
    # table_xinfo: cid, name, type, notnull, dflt_value, pk, hidden (2/3 = generated)
    return [(r[1], r[2] or "", r[5]) for r in rows if r[6] in (0, 2, 3)]


def _field_type(declared: str) -> str:
    declared = declared.upper()
    if "INT" in declared:
        return "integer"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB", "NUM", "DEC")):
        return "number"
    return "string"


def _conforms(value, field_type: str) -> bool:
    if value is None or field_type == "string":
        return True
    if field_type == "integer":
        return isinstance(value, int)
    return isinstance(value, (int, float))


def _table_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}


def _foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) of each single-column foreign key."""
    keys = []
    for row in conn.execute(f"pragma foreign_key_list([{table}])").fetchall():
        # id, seq, table, from, to, on_update, on_delete, match
        ref_table, from_col, to_col = row[2], row[3], row[4]
        if to_col is None:  # references the primary key
            to_col = next(name for name, _, position in _columns(conn, ref_table) if position == 1)
        keys.append((from_col, ref_table, to_col))
    return keys


def where_clause(conn: sqlite3.Connection, table: str, filters: dict[str, str | None],
                 _visited: frozenset = frozenset()) -> tuple[str, list[str]]:
    """SQL condition selecting the rows of ``table`` the filters keep, and the filters it applies.

    A table's own column filters (:data:`DIRECT_FILTERS`) apply first; then a row is kept only if
    each row it references through a foreign key to a filtered table is kept (``notice_urls``
    follow ``notices``, ``article_authors`` follow ``articles`` ...), so every foreign key of the
    bundle resolves; :data:`REFERENCED_BY` tables keep the rows referenced by kept rows.
    ``("1", [])`` when no filter concerns the table.
    """
    visited = _visited | {table}
    columns = {name for name, _, _ in _columns(conn, table)}
    names = _table_names(conn)
    conditions, applied = [], []
    for name, (needed, sql) in DIRECT_FILTERS.get(table, {}).items():
        if filters.get(name) is None or not set(needed) <= columns:
            continue
        if "article_entities" in sql and not {"article_entities", "entities", "entity_report_platforms"} <= names:
            continue
        conditions.append(f"({sql})")
        applied.append(name)
    for column, parent, parent_column in _foreign_keys(conn, table):
        if parent in visited or parent not in names:
            continue
        parent_where, parent_applied = where_clause(conn, parent, filters, visited)
        if parent_applied:
            conditions.append(f"([{column}] is null or [{column}] in "
                              f"(select [{parent_column}] from [{parent}] where {parent_where}))")
            applied.append(f"rows of {parent} kept")
    if table in REFERENCED_BY:
        column, child, child_column = REFERENCED_BY[table]
        if child in names and child not in visited:
            child_where, child_applied = where_clause(conn, child, filters, visited)
            if child_applied:
                conditions.append(f"[{column}] in (select [{child_column}] from [{child}] where {child_where})")
                applied.append(f"referenced by kept rows of {child}")
    return (" and ".join(conditions) or "1"), applied


def _resource_schema(conn, table: str, columns, field_types: dict[str, str], metadata: dict, exported: set[str]) -> dict:
    column_docs = table_metadata(metadata, table).get("columns") or {}
    fields = [
        {"name": name, "type": field_types[name], "description": column_docs.get(name, "")}
        for name, _, _ in columns
    ]
    schema: dict = {"fields": fields, "missingValues": [""]}
    pk = [name for name, _, position in sorted(columns, key=lambda c: c[2]) if position]
    if pk:
        schema["primaryKey"] = pk
    foreign_keys = []
    for column, ref_table, ref_column in _foreign_keys(conn, table):
        if ref_table in exported:
            foreign_keys.append({"fields": [column], "reference": {"resource": ref_table, "fields": [ref_column]}})
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def _licence(meta: dict) -> dict:
    text = str(meta.get("license") or "").strip()
    licence = {"title": text or "See README.md", "path": meta.get("license_url") or "README.md"}
    if "CC BY 4.0" in text:
        licence["name"] = "CC-BY-4.0"
    return licence


def _source(meta: dict) -> dict | None:
    if not meta.get("source"):
        return None
    source = {"title": str(meta["source"]).strip()}
    if meta.get("source_url"):
        source["path"] = meta["source_url"]
    return source


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _write_table(conn, table: str, path: Path, filters: dict) -> tuple[int, list[str], list, dict]:
    """Write ``table``'s kept rows to ``path``; returns (rows, filters applied, columns, field types)."""
    columns = _columns(conn, table)
    names = [name for name, _, _ in columns]
    where, applied = where_clause(conn, table, filters)
    params = {k: v for k, v in filters.items() if v is not None}
    total = conn.execute(f"select count(*) from [{table}] where {where}", params).fetchone()[0]
    field_types = {name: _field_type(declared) for name, declared, _ in columns}
    select = ", ".join(f"[{name}]" for name in names)
    order = ", ".join(f"[{name}]" for name, _, position in sorted(columns, key=lambda c: c[2]) if position) or (
        "rowid" if conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [table]).fetchone()
        else select)  # a view: every column
    cursor = conn.execute(f"select {select} from [{table}] where {where} order by {order}", params)
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(names)
        for row in progress(cursor, total=total, desc=table):
            for name, value in zip(names, row):
                if not _conforms(value, field_types[name]):
                    field_types[name] = "string"  # e.g. an integer >= 2**63 kept as text
            writer.writerow(["" if v is None else (v.hex() if isinstance(v, bytes) else neutralise(v)) for v in row])
            rows += 1
    return rows, applied, columns, field_types


def check_filters(conn: sqlite3.Connection, filters: dict[str, str | None]) -> None:
    """Raise :class:`ExportError` for filter values that cannot select anything by mistake.

    ``country``: an ISO 3166-1 alpha-2 code (``pycountry``) or a code stored in
    ``removal_requests.country``; the message suggests the code of a country name (``Vietnam`` ->
    ``VN``). ``since`` later than ``until``. ``platform`` and ``source``: values that match no row of
    any table they filter (the message lists the values the database has).
    """
    names = _table_names(conn)
    country = filters.get("country")
    if country and pycountry.countries.get(alpha_2=country.upper()) is None and not (
            "removal_requests" in names and conn.execute(
                "select 1 from removal_requests where country = upper(?) limit 1", [country]).fetchone()):
        try:
            hint = f" ({country} is {pycountry.countries.lookup(country).alpha_2})"
        except LookupError:
            hint = ""
        raise ExportError(f"--country must be an ISO 3166-1 alpha-2 code such as VN, not {country!r}{hint}")
    if filters.get("since") and filters.get("until") and filters["since"] > filters["until"]:
        raise ExportError(f"--since {filters['since']} is later than --until {filters['until']}")
    known_sql = {
        "platform": ["select distinct platform from removal_requests",
                     "select distinct report_platform from entity_report_platforms",
                     "select distinct key from entities where kind = 'platform'"],
        "source": ["select key from sources"],
    }
    for name, queries in known_sql.items():
        value = filters.get(name)
        if not value:
            continue
        for table, table_filters in DIRECT_FILTERS.items():
            needed, sql = table_filters.get(name, ((), None))
            if sql is None or table not in names or not set(needed) <= {c for c, _, _ in _columns(conn, table)}:
                continue
            if "article_entities" in sql and not {"article_entities", "entities", "entity_report_platforms"} <= names:
                continue
            if conn.execute(f"select exists (select 1 from [{table}] where {sql})", {name: value}).fetchone()[0]:
                break
        else:
            known = set()
            for query in queries:
                try:
                    known.update(row[0] for row in conn.execute(query) if row[0])
                except sqlite3.OperationalError:  # a table this database lacks
                    pass
            raise ExportError(f"--{name} {value!r} matches no row of the database; "
                              f"known values: {', '.join(sorted(known, key=str.lower)) or 'none'}")


def bundle_name(today: dt.date, filters: dict[str, str | None]) -> str:
    """``modwatch-YYYY-MM-DD`` followed by ``-<filter>-<value>`` for each filter set (lower case,
    characters other than letters, digits and dots as ``-``): a Frictionless package name."""
    parts = [f"modwatch-{today.isoformat()}"]
    for name in FILTERS:
        if filters.get(name):
            parts.append(f"{name}-{re.sub(r'[^a-z0-9.]+', '-', filters[name].lower()).strip('-')}")
    return "-".join(parts)


def export_bundle(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    filters: dict[str, str | None] | None = None,
    tables: list[str] | None = None,
    metadata_path: str | Path = METADATA,
    today: dt.date | None = None,
) -> Path:
    """Write the bundle ``<out_dir>/<bundle_name(today, filters)>/`` from the database at ``db_path``.

    ``filters``: any of :data:`FILTERS` (None or missing = no filter). ``tables``: export only
    these (default: every table an analyst sees). ``today``: the bundle date (default: today,
    UTC). An existing bundle of the same date is replaced only once the new one is complete.
    Returns the bundle directory. Raises :class:`ExportError` for a missing database, an
    unknown table or filter, a malformed date, or a filter value :func:`check_filters` refuses.
    """
    filters = {k: (v if v not in ("", None) else None) for k, v in (filters or {}).items()}
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ExportError(f"unknown filter(s) {sorted(unknown)}; known: {sorted(FILTERS)}")
    for name in ("since", "until"):
        if filters.get(name):
            try:
                dt.date.fromisoformat(filters[name])
            except ValueError as e:
                raise ExportError(f"--{name} must be a date YYYY-MM-DD, not {filters[name]!r}") from e
    if not Path(db_path).exists():
        raise ExportError(f"database {db_path} does not exist")
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        check_filters(conn, filters)
    finally:
        conn.close()
    metadata = load_metadata(metadata_path)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    today = today or now.date()
    name = bundle_name(today, filters)
    final = Path(out_dir) / name
    work = Path(out_dir) / f".{name}.partial"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    try:
        _write_bundle(db_path, work, name, now, metadata, filters, tables)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if final.exists():
        shutil.rmtree(final)
    work.rename(final)
    return final


def _write_bundle(db_path, work: Path, name: str, now, metadata: dict, filters: dict, tables) -> list[TableExport]:
    """Write the CSVs, datapackage.json, README.md and SHA256SUMS of the bundle into ``work``.

    All tables are read in one read transaction: one consistent snapshot even while a crawl
    writes to the (WAL-mode) database.
    """
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("BEGIN")
        available = exportable_tables(conn, metadata)
        chosen = tables or available
        missing = set(chosen) - set(available)
        if missing:
            raise ExportError(f"no such table(s) to export: {sorted(missing)}; available: {available}")
        written = [(table, *_write_table(conn, table, work / f"{table}.csv", filters)) for table in chosen]
        exported = {w[0] for w in written}
        results = [
            TableExport(table, f"{table}.csv", rows, applied,
                        _resource_schema(conn, table, columns, field_types, metadata, exported))
            for table, rows, applied, columns, field_types in written
        ]  # fmt: skip
        conn.execute("COMMIT")
    finally:
        conn.close()

    package = _datapackage(name, now, results, metadata, filters, work)
    (work / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        cite = citation(conn, name)
    finally:
        conn.close()
    (work / "README.md").write_text(_readme(name, now, db_path, results, metadata, filters, cite), encoding="utf-8")
    sums = [f"{_sha256(path)}  {path.name}\n" for path in sorted(work.iterdir()) if path.name != "SHA256SUMS"]
    (work / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
    return results


def _datapackage(name, now, results: list[TableExport], metadata, filters, work: Path) -> dict:
    licences, sources = [], []
    resources = []
    for result in results:
        meta = table_metadata(metadata, result.name)
        licence, source = _licence(meta), _source(meta)
        if licence not in licences:
            licences.append(licence)
        if source and source not in sources:
            sources.append(source)
        path = work / result.path
        resource = {
            "name": result.name,
            "path": result.path,
            "profile": "tabular-data-resource",
            "title": meta.get("title", result.name),
            "description": " ".join(str(meta.get("description", "")).split()),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": path.stat().st_size,
            "hash": "sha256:" + _sha256(path),
            "licenses": [licence],
            "schema": result.schema,
            "filters": result.filters,
            "rows": result.rows,
        }
        if source:
            resource["sources"] = [source]
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": f"{metadata.get('title', 'modwatch')} — export {name[len('modwatch-'):]}",
        "description": "Export bundle of the modwatch database. Filters: "
        + (", ".join(f"{k}={v}" for k, v in filters.items() if v) or "none")
        + ". See README.md for provenance and the citations the sources require.",
        "created": now.isoformat().replace("+00:00", "Z"),
        "licenses": licences,
        "sources": sources,
        "resources": resources,
    }


def _readme(name, now, db_path, results: list[TableExport], metadata, filters, cite: list[str]) -> str:
    used = {r.name for r in results}
    lines = [
        f"# {name}",
        "",
        f"Export of the modwatch database, generated {now.isoformat().replace('+00:00', 'Z')} from `{Path(db_path).name}`",
        "by `python -m modwatch export`. One UTF-8 CSV per table (header row; an empty cell is NULL),",
        "`datapackage.json` (Frictionless Data Package: field types, descriptions, primary and foreign",
        "keys, licences, sources) and `SHA256SUMS` (check with `sha256sum -c SHA256SUMS`).",
        "Validate with `frictionless validate datapackage.json`.",
        "",
        "## Filters",
        "",
    ]
    active = {k: v for k, v in filters.items() if v}
    if active:
        lines += [f"- {FILTERS[k]}: `{v}`" for k, v in active.items()]
    else:
        lines.append("- none: every row of every table")
    lines += ["", "## Tables", "", "| table | rows | filters applied | licence | source |", "|---|---:|---|---|---|"]
    for r in results:
        meta = table_metadata(metadata, r.name)
        licence = " ".join(str(meta.get("license", "")).split())
        source = " ".join(str(meta.get("source", "")).split())
        lines.append(f"| `{r.name}.csv` | {r.rows} | {'; '.join(r.filters) or '—'} | {licence} | {source} |")
    lines += ["", "## Provenance", ""]
    lines += [
        "- Every article row gives the URL it was fetched from (`fetched_url`), when (`fetched_at`), the HTTP",
        "  status, the SHA-256 of the bytes received and the WARC record (`warc_record_id` in `warc_filename`)",
        "  that archives the page as it was, plus the crawl run (`crawl_runs.csv`).",
        "- Every transparency row (`removal_requests`, `notices`, `statements_of_reasons` ...) points to the",
        "  downloaded file it came from (`dataset_id` -> `datasets.csv`: URL, download time, SHA-256) and its",
        "  line or JSON path in that file (`location`). Rows with `is_current = 0` are figures from an earlier",
        "  download that the publisher later revised.",
        "- Inputs that could not be parsed are in `rejects.csv` with the reason and the raw excerpt.",
        "- Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a",
        "  carriage return, and not a plain number) are written with a leading `'` (OWASP CSV injection);",
        "  numbers are written as numbers.",
        "",
        *how_to_count(used),
        "## Licences and required citations",
        "",
        *cite,
    ]
    if used & {"statements_of_reasons"}:
        lines += [
            "- **EU DSA Transparency Database** (statements of reasons): © European Union, CC BY 4.0.",
            f"  Required citation: {DSA_CITATION}.",
        ]
    if used & {"removal_requests", "meta_global_geoblocks"}:
        lines += [
            "- **Platform transparency reports**: figures published by Google (Transparency Report, government",
            "  requests to remove content), Meta (Transparency Center, content restrictions based on local law),",
            "  X/Twitter (Transparency Center, removal requests) and TikTok (Transparency Center, government",
            "  removal requests). Attribute each figure to its platform; no open licence was verified.",
        ]
    if used & {"notices", "notice_works", "notice_urls"}:
        lines += [
            "- **Lumen** (lumendatabase.org, Berkman Klein Center for Internet & Society): notices are third-party",
            "  documents published by Lumen for research. Attribute to Lumen; no open licence was verified.",
        ]
    if used & {"articles"}:
        lines += [
            "- **Articles**: the text belongs to its publishers (third-party copyright). It is kept as evidence",
            "  of what was published; quote with attribution and a link to `url`, do not republish.",
        ]
    lines += [
        "- modwatch's own tables (crawl runs, datasets, sources, tags): CC BY 4.0, cite modwatch.",
        "",
    ]
    return "\n".join(lines)
