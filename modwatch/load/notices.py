"""Store Lumen notices: one search page (or single-notice JSON) = one ``datasets`` row.

Parsing is :mod:`modwatch.transparency.lumen` (pure); this module only writes
``notices``, ``notice_works``, ``notice_urls``, ``notice_revisions`` and ``rejects``
(tables: ``db/migrations_notices.py``).

A notice is upserted by its Lumen id: its works and URLs are replaced, ``first_seen_at`` is
kept, and when the JSON differs from the stored one the earlier JSON is kept in
``notice_revisions``. Each problem found in a notice (an impossible date ...) becomes a
``rejects`` row pointing at the dataset and the JSON path (``$.notices[3].date_sent``) while the
rest of the notice is stored. A notice that cannot be stored at all (no id) is a ``rejects``
row with its JSON.
"""

from __future__ import annotations

import hashlib
import json

import sqlite_utils

from db.datasets import loading, unchanged_dataset
from db.rejects import insert_reject
from db.timestamps import parse_iso
from modwatch.transparency import lumen

NOTICE_COLUMNS = (
    "id",
    "type",
    "type_root",
    "title",
    "body",
    "date_sent",
    "date_sent_raw",
    "date_received",
    "date_received_raw",
    "date_submitted",
    "date_submitted_raw",
    "sender_name",
    "principal_name",
    "recipient_name",
    "recipient_product",
    "submitter_name",
    "topics",
    "tags",
    "jurisdictions",
    "action_taken",
    "language",
    "case_id_number",
    "rescinded",
    "works_count",
    "urls_count",
    "original_json",
)


def store_notice_page(
    db: sqlite_utils.Database,
    body: bytes,
    *,
    url: str,
    fetched_at: str,
    crawl_run_id: int | None = None,
    warc_record_id: str | None = None,
    spider: str | None = None,
) -> dict:
    """Parse and store one Lumen JSON document (search page or single notice) in one transaction
    (inside :func:`db.datasets.loading`: an exception leaves only a ``failed`` dataset row).

    ``fetched_at``: UTC ISO 8601 of the download (also the upper bound for plausible dates).
    Returns ``{"dataset_id", "status", "rows_read", "rows_stored", "rows_rejected", "problems"}`` where
    ``rows_*`` count notices and ``problems`` counts partial rejects (e.g. a dropped date).
    ``status`` is ``"loaded"``, or ``"unchanged"`` when a ``lumen`` dataset with the same URL and
    sha256 was loaded before (:func:`db.datasets.unchanged_dataset`): then nothing is written and
    ``dataset_id`` is that dataset's. A document that is not valid JSON is stored as a
    failed-to-parse dataset with one reject.
    """
    sha256 = hashlib.sha256(body).hexdigest()
    earlier = unchanged_dataset(db, source="lumen", url=url, sha256=sha256)
    if earlier is not None:
        return {
            "dataset_id": earlier["id"],
            "status": "unchanged",
            "rows_read": earlier["rows_read"],
            "rows_stored": 0,
            "rows_rejected": 0,
            "problems": 0,
        }
    reject_fields = dict(
        url=url, spider=spider, crawl_run_id=crawl_run_id, fetched_at=fetched_at, warc_record_id=warc_record_id
    )
    fetched = parse_iso(fetched_at)
    problems = 0
    with (
        loading(
            db,
            source="lumen",
            url=url,
            fetched_at=fetched_at,
            sha256=sha256,
            byte_size=len(body),
            schema_version="lumen-notices-json",
            crawl_run_id=crawl_run_id,
            warc_record_id=warc_record_id,
        ) as load,
        db.atomic(),
    ):
        reject_fields["dataset_id"] = load.dataset_id
        try:
            notices, _meta = lumen.parse_search_page(body)
        except ValueError as exc:
            insert_reject(
                db, reason=f"not a Lumen notices document: {exc}", excerpt=body, location="$", **reject_fields
            )
            notices = []
            load.rows_rejected += 1
        for path, raw in notices:
            load.rows_read += 1
            try:
                parsed = lumen.parse_notice(raw, fetched_at=fetched)
            except lumen.NoticeError as exc:
                insert_reject(
                    db, reason=str(exc), excerpt=json.dumps(raw, ensure_ascii=False), location=path, **reject_fields
                )
                load.rows_rejected += 1
                continue
            upsert_notice(
                db, parsed, dataset_id=load.dataset_id, location=path, crawl_run_id=crawl_run_id, fetched_at=fetched_at
            )
            load.rows_stored += 1
            for problem in parsed.problems:
                field = problem.split(":", 1)[0]
                insert_reject(
                    db,
                    reason=f"notice {parsed.notice['id']}: {problem}; rest of the notice stored",
                    excerpt=parsed.notice["original_json"],
                    location=f"{path}.{field}",
                    **reject_fields,
                )
                problems += 1
    return {
        "dataset_id": load.dataset_id,
        "status": "loaded",
        "rows_read": load.rows_read,
        "rows_stored": load.rows_stored,
        "rows_rejected": load.rows_rejected,
        "problems": problems,
    }


def upsert_notice(
    db: sqlite_utils.Database,
    parsed: lumen.ParsedNotice,
    *,
    dataset_id: int | None,
    location: str | None,
    crawl_run_id: int | None,
    fetched_at: str,
) -> int:
    """Insert or update one parsed notice with its works and URLs; returns the notice id."""
    notice = parsed.notice
    notice_id = notice["id"]
    row = {name: notice.get(name) for name in NOTICE_COLUMNS}
    for name in lumen.LIST_KEYS:
        row[name] = json.dumps(row[name], ensure_ascii=False)
    row["rescinded"] = int(bool(row["rescinded"]))
    row.update(
        dataset_id=dataset_id,
        location=location,
        crawl_run_id=crawl_run_id,
        fetched_at=fetched_at,
        last_seen_at=fetched_at,
    )
    previous = db.execute(
        "select original_json, dataset_id, first_seen_at from notices where id = ?", [notice_id]
    ).fetchone()
    with db.atomic():
        if previous is None:
            row["first_seen_at"] = fetched_at
            db["notices"].insert(row)
        else:
            if previous[0] != row["original_json"]:
                db["notice_revisions"].insert(
                    {
                        "notice_id": notice_id,
                        "original_json": previous[0],
                        "dataset_id": previous[1],
                        "replaced_at": fetched_at,
                    }
                )
            row["first_seen_at"] = previous[2]
            db["notices"].update(notice_id, row)
        db.execute("delete from notice_urls where notice_id = ?", [notice_id])
        db.execute("delete from notice_works where notice_id = ?", [notice_id])
        db["notice_works"].insert_all(
            {
                "notice_id": notice_id,
                "position": w["position"],
                "kind": w["kind"],
                "description": w["description"],
                "description_key": w["description_key"],
                "extra": json.dumps(w["extra"], ensure_ascii=False) if w["extra"] else None,
            }
            for w in parsed.works
        )
        db["notice_urls"].insert_all(
            {
                "notice_id": notice_id,
                "work_position": u["work_position"],
                "position": u["position"],
                "role": u["role"],
                "list_key": u["list_key"],
                "url": u["url"],
                "fqdn": u["fqdn"],
                "url_count": u["url_count"],
                "redacted": int(u["redacted"]),
                "raw": u["raw"],
            }
            for u in parsed.urls
        )
    return notice_id
