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
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pycountry

from db.export import (
    FIGURES_VIEW,
    KNOWN_VALUES_SQL,
    analyst_tables,
    count_rows,
    country_in_requests,
    filter_matches,
    known_values,
    select_rows,
    where_clause,
)
from db.export import columns as _columns
from db.export import foreign_keys as _foreign_keys
from db.export import table_names as _table_names
from modwatch.export_figures import citation, neutralise
from modwatch.export_package import FILTERS, TableExport, datapackage, load_metadata, readme, sha256_of, table_metadata
from modwatch.progress import progress
from modwatch.publish import METADATA


class ExportError(RuntimeError):
    """The export cannot be written (missing database, unknown table, bad filter value)."""


def exportable_tables(conn: sqlite3.Connection, metadata: dict) -> list[str]:
    """Base tables an analyst sees (:func:`db.export.analyst_tables`) not hidden in metadata; then the
    per-country, per-half-year figures view (:data:`db.export.FIGURES_VIEW`)."""
    return [
        name
        for name in analyst_tables(conn)
        if name == FIGURES_VIEW or not table_metadata(metadata, name).get("hidden")
    ]


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


def _resource_schema(
    conn, table: str, columns, field_types: dict[str, str], metadata: dict, exported: set[str]
) -> dict:
    column_docs = table_metadata(metadata, table).get("columns") or {}
    fields = [
        {"name": name, "type": field_types[name], "description": column_docs.get(name, "")} for name, _, _ in columns
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


def _write_table(conn, table: str, path: Path, filters: dict) -> tuple[int, list[str], list, dict]:
    """Write ``table``'s kept rows to ``path``; returns (rows, filters applied, columns, field types)."""
    columns = _columns(conn, table)
    names = [name for name, _, _ in columns]
    where, applied = where_clause(conn, table, filters)
    params = {k: v for k, v in filters.items() if v is not None}
    total = count_rows(conn, table, where, params)
    field_types = {name: _field_type(declared) for name, declared, _ in columns}
    cursor = select_rows(conn, table, columns, where, params)
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
    if (
        country
        and pycountry.countries.get(alpha_2=country.upper()) is None
        and not ("removal_requests" in names and country_in_requests(conn, country))
    ):
        try:
            hint = f" ({country} is {pycountry.countries.lookup(country).alpha_2})"
        except LookupError:
            hint = ""
        raise ExportError(f"--country must be an ISO 3166-1 alpha-2 code such as VN, not {country!r}{hint}")
    if filters.get("since") and filters.get("until") and filters["since"] > filters["until"]:
        raise ExportError(f"--since {filters['since']} is later than --until {filters['until']}")
    for name in KNOWN_VALUES_SQL:
        value = filters.get(name)
        if value and not filter_matches(conn, name, value):
            known = known_values(conn, name)
            raise ExportError(
                f"--{name} {value!r} matches no row of the database; "
                f"known values: {', '.join(sorted(known, key=str.lower)) or 'none'}"
            )


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
            try:  # written as stored (YYYY-MM-DD): 20190101 or 2019-W01-2 compared as text would cut wrongly
                filters[name] = dt.date.fromisoformat(filters[name]).isoformat()
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
        if not available:
            raise ExportError(
                f"database {db_path} holds no modwatch table (empty: crawl into it first, e.g. make demo)"
            )
        chosen = tables or available
        missing = set(chosen) - set(available)
        if missing:
            raise ExportError(f"no such table(s) to export: {sorted(missing)}; available: {available}")
        written = [(table, *_write_table(conn, table, work / f"{table}.csv", filters)) for table in chosen]
        exported = {w[0] for w in written}
        results = [
            TableExport(
                table,
                f"{table}.csv",
                rows,
                applied,
                _resource_schema(conn, table, columns, field_types, metadata, exported),
            )
            for table, rows, applied, columns, field_types in written
        ]
        conn.execute("COMMIT")
    finally:
        conn.close()

    package = datapackage(name, now, results, metadata, filters, work)
    (work / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        cite = citation(conn, name)
    finally:
        conn.close()
    (work / "README.md").write_text(readme(name, now, db_path, results, metadata, filters, cite), encoding="utf-8")
    sums = [f"{sha256_of(path)}  {path.name}\n" for path in sorted(work.iterdir()) if path.name != "SHA256SUMS"]
    (work / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
    return results
