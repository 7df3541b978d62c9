"""SQL of the tagging area: vocabulary -> ``entities``, an article's tags -> ``article_entities``.

Schema in :mod:`db.migrations_tagging`; views in :mod:`db.tagging_views`. Callers (the tagging
pipeline, ``python -m modwatch tag``) use:

- :func:`prepare(db, vocabulary) <prepare>` once per run: refreshes ``entities`` (+ platform
  report names, law countries) from the vocabulary and makes sure the views exist;
  returns ``{(kind, key): entity_id}``.
- :func:`store_article_tags` per article: replaces that article's rows in one transaction.
- :func:`articles_to_tag` to find the stored articles whose tags are missing or stale.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping

from db import country_names, tagging_views


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sync_entities(db, vocabulary) -> dict[tuple[str, str], int]:
    """Upsert one ``entities`` row per vocabulary entry; mark entries no longer in the
    vocabulary ``in_vocabulary = 0``; replace ``entity_report_platforms`` and ``law_countries``.
    Returns ``{(kind, key): id}`` for every entity row (old ones included)."""
    with db.conn:
        db.execute("update entities set in_vocabulary = 0")
        for entry in vocabulary.entries:
            db.execute(
                """
                insert into entities (kind, key, label, description, jurisdiction, in_force, in_vocabulary)
                values (?, ?, ?, ?, ?, ?, 1)
                on conflict (kind, key) do update set
                    label = excluded.label, description = excluded.description,
                    jurisdiction = excluded.jurisdiction, in_force = excluded.in_force, in_vocabulary = 1
                """,
                [entry.kind, entry.key, entry.label, entry.description, entry.jurisdiction, entry.in_force],
            )
        ids = {(kind, key): id_ for id_, kind, key in db.execute("select id, kind, key from entities")}
        db.execute("delete from entity_report_platforms")
        db.execute("delete from law_countries")
        for entry in vocabulary.entries:
            entity_id = ids[(entry.kind, entry.key)]
            for name in entry.report_platforms:
                db.execute("insert or ignore into entity_report_platforms values (?, ?)", [entity_id, name])
            for country in entry.countries:
                db.execute("insert or ignore into law_countries values (?, ?)", [entity_id, country])
    return ids


def prepare(db, vocabulary) -> dict[tuple[str, str], int]:
    """:func:`sync_entities`, then create any missing view (see :func:`db.tagging_views.ensure`);
    refreshes ``country_names`` (:mod:`db.country_names`, the dashboard's country input)."""
    ids = sync_entities(db, vocabulary)
    country_names.store(db, vocabulary)
    tagging_views.ensure(db)
    return ids


def store_article_tags(
    db,
    article_id: int,
    tags,
    *,
    entity_ids: Mapping[tuple[str, str], int],
    content_sha256: str | None,
    vocabulary_sha256: str,
    relevance_reason: str | None = None,
) -> int:
    """Replace the tags of article ``article_id`` with ``tags`` (``modwatch.tagging.Tag``) and
    record what they were computed from. ``relevance_reason``, when given, is written to
    ``articles.relevance_reason``. One transaction; returns the number of tags stored.

    Raises ``KeyError`` if a tag's entity is not in ``entity_ids`` (call :func:`prepare` with
    the same vocabulary first).
    """
    rows = [
        [
            article_id,
            entity_ids[(t.kind, t.key)],
            t.evidence,
            json.dumps(list(t.matches), ensure_ascii=False),
            t.count,
            t.first_offset,
            t.snippet,
        ]
        for t in tags
    ]
    with db.conn:
        db.execute("delete from article_entities where article_id = ?", [article_id])
        db.conn.executemany(
            "insert into article_entities (article_id, entity_id, evidence, matches, count, first_offset, snippet)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute(
            """
            insert into article_tagging (article_id, content_sha256, vocabulary_sha256, tagged_at, tag_count)
            values (?, ?, ?, ?, ?)
            on conflict (article_id) do update set content_sha256 = excluded.content_sha256,
                vocabulary_sha256 = excluded.vocabulary_sha256, tagged_at = excluded.tagged_at,
                tag_count = excluded.tag_count
            """,
            [article_id, content_sha256, vocabulary_sha256, _now(), len(rows)],
        )
        if relevance_reason is not None:
            db.execute("update articles set relevance_reason = ? where id = ?", [relevance_reason, article_id])
    return len(rows)


def article_for_url(db, url: str) -> dict | None:
    """``{id, url, source, title, body, content_sha256}`` of the article with canonical ``url``."""
    rows = list(db.query("select id, url, source, title, body, content_sha256 from articles where url = ?", [url]))
    return rows[0] if rows else None


def is_current(db, article_id: int, content_sha256: str | None, vocabulary_sha256: str) -> bool:
    """True if the article's stored tags were computed from this content and vocabulary."""
    row = db.execute(
        "select content_sha256, vocabulary_sha256 from article_tagging where article_id = ?", [article_id]
    ).fetchone()
    return row is not None and row[0] == content_sha256 and row[1] == vocabulary_sha256


def articles_to_tag(db, vocabulary_sha256: str, *, everything: bool = False, batch: int = 500) -> Iterator[dict]:
    """Stored articles to (re-)tag: never tagged, changed since (``content_sha256``), or tagged
    with another vocabulary; every article if ``everything``. Yields
    ``{id, url, source, title, body, content_sha256}`` in id order, reading ``batch`` rows at a
    time so the database can be written between batches."""
    condition = (
        "1"
        if everything
        else ("t.article_id is null or t.content_sha256 is not a.content_sha256 or t.vocabulary_sha256 is not ?")
    )
    last_id = 0
    while True:
        params = [last_id] + ([] if everything else [vocabulary_sha256]) + [batch]
        rows = list(
            db.query(
                f"""
                select a.id, a.url, a.source, a.title, a.body, a.content_sha256
                from articles a left join article_tagging t on t.article_id = a.id
                where a.id > ? and ({condition})
                order by a.id limit ?
                """,
                params,
            )
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1]["id"]


def count_articles(db) -> int:
    """Number of stored articles."""
    return db.execute("select count(*) from articles").fetchone()[0]
