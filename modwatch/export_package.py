"""What an export bundle says about itself: ``datapackage.json`` (Frictionless Data Package: resources,
schemas, licences, sources) and ``README.md`` (filters, how to count, citations), from the Datasette
metadata (``datasette/metadata.yml``). The CSVs themselves are :mod:`modwatch.export`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from modwatch.export_figures import how_to_count
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


def datapackage(name, now, results: list[TableExport], metadata, filters, work: Path) -> dict:
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
            "hash": "sha256:" + sha256_of(path),
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
        "title": f"{metadata.get('title', 'modwatch')} — export {name[len('modwatch-') :]}",
        "description": "Export bundle of the modwatch database. Filters: "
        + (", ".join(f"{k}={v}" for k, v in filters.items() if v) or "none")
        + ". See README.md for provenance and the citations the sources require.",
        "created": now.isoformat().replace("+00:00", "Z"),
        "licenses": licences,
        "sources": sources,
        "resources": resources,
    }


def readme(name, now, db_path, results: list[TableExport], metadata, filters, cite: list[str]) -> str:
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


def sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
