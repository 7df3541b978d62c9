"""Print the archived payload of a WARC record: the evidence behind a stored row.

``python -m modwatch warc-get RECORD_ID [--headers] [--warc-dir DIR] [--db PATH]``

``RECORD_ID`` is a ``warc_record_id`` as stored in ``articles``, ``article_versions``,
``url_checks`` or ``rejects`` (``<urn:uuid:...>``; the angle brackets may be left out). The
WARC file is the one the database names for that record (``warc_filename``), looked up in
``--warc-dir`` folders (repeatable), then ``MODWATCH_WARC_DIR`` (default ``data/warc``), then
``demo/`` (the demo snapshot); if the database does not name it, every ``*.warc.gz`` there
is searched. The payload is written to stdout as archived, with its content coding (gzip,
br) removed; ``--headers`` first prints the HTTP status line and headers.

Exit status 0 when found, 1 when no WARC file holds the record.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from db import default_path

ROOT = Path(__file__).resolve().parents[1]


def add_arguments(parser) -> None:
    parser.add_argument("record_id", help="WARC-Record-ID, e.g. '<urn:uuid:...>'")
    parser.add_argument("--headers", action="store_true", help="print the HTTP status line and headers first")
    parser.add_argument("--warc-dir", action="append", default=[], type=Path, help="folder of WARC files (repeatable)")
    parser.add_argument(
        "--db", default=default_path(), help="SQLite database (default $MODWATCH_DB or data/modwatch.db)"
    )


def normalise_id(record_id: str) -> str:
    """``urn:uuid:x`` or ``<urn:uuid:x>`` -> ``<urn:uuid:x>`` (the form written in WARC headers)."""
    record_id = record_id.strip()
    return record_id if record_id.startswith("<") else f"<{record_id}>"


def find_record(paths, record_id: str):
    """``(path, headers: str, payload: bytes)`` of the record ``record_id`` in ``paths``, or None."""
    for path in paths:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_headers.get_header("WARC-Record-ID") == record_id:
                    headers = record.http_headers.to_str() if record.http_headers else ""
                    return path, headers, record.content_stream().read()
    return None


def candidate_files(folders, filename: str | None) -> list[Path]:
    """WARC files to search, in folder order: ``filename`` in each folder, else every ``*.warc.gz``."""
    files = []
    for folder in folders:
        if filename:
            files += [folder / filename] if (folder / filename).is_file() else []
        else:
            files += sorted(folder.glob("*.warc.gz"))
    return files


def run(args) -> int:
    record_id = normalise_id(args.record_id)
    filename = None
    if Path(args.db).exists():
        import db
        from db.history import warc_filename_of

        database = db.connect(args.db)
        filename = warc_filename_of(database, record_id)
        database.close()
    folders = [*args.warc_dir, Path(os.environ.get("MODWATCH_WARC_DIR", "data/warc")), ROOT / "demo"]
    found = find_record(candidate_files(folders, filename), record_id)
    if found is None:
        where = filename or "any *.warc.gz"
        print(f"error: record {record_id} not found ({where} in {', '.join(map(str, folders))})", file=sys.stderr)
        return 1
    path, headers, payload = found
    print(f"{record_id} in {path}", file=sys.stderr)
    out = sys.stdout.buffer
    if args.headers:
        out.write(headers.encode("latin-1", errors="replace"))
    out.write(payload)
    out.flush()
    return 0
