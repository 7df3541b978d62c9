"""History migrations: earlier versions of articles, URL re-checks, takedowns.

Tables
------
``article_versions``
    One row per *earlier* text of an article: when an UPDATE of ``articles`` changes its
    ``content_sha256`` (hash of title + body, :func:`db.articles.content_sha256`), the trigger
    ``articles_history_au`` copies the old row here before it is lost. The current text stays
    in ``articles``; versions are numbered 1, 2, ... per article in the order they were
    replaced. Columns: ``article_id`` -> articles.id, ``version``, ``title``, ``body``,
    ``published_at``, ``modified_at``, ``content_sha256``, ``body_sha256``, ``fetched_url``,
    ``fetched_at`` (UTC ISO 8601 fetch of that version), ``crawl_run_id`` (run that stored
    it), ``warc_record_id`` / ``warc_filename`` (its archived response), ``superseded_at``
    (``fetched_at`` of the fetch that replaced it), ``superseded_by_crawl_run_id``,
    ``changed_fields`` (JSON array of the columns that differ in the new version, among
    title, body, published_at, modified_at, section, image_url), ``diff_summary`` (one line:
    which fields changed and the body length before -> after, in characters).

    A trigger, not Python code, so every writer (the pipeline, the sqlite-utils CLI, a
    Datasette write) keeps history. ``transform()`` of ``articles`` drops its triggers: the
    module's :func:`ensure` (run by every :func:`db.connect`) re-creates it.

``url_checks``
    One row per re-check of a stored article URL by the ``url_check`` spider
    (:mod:`modwatch.takedown`): ``checked_at`` (UTC ISO 8601), ``article_id``, ``url``,
    ``http_status`` (NULL when no HTTP answer), ``location`` (the ``Location`` header of a
    redirect, as sent), ``final_url`` (where the redirects ended), ``gone`` (1 = taken down),
    ``reason``, ``crawl_run_id``, ``warc_record_id``, ``warc_filename``.

    Trigger ``url_checks_gone_ai``: a ``gone = 1`` check sets ``articles.gone_at`` to its
    ``checked_at`` unless already set (gone *from* the first check that found it gone); a
    ``gone = 0`` check with an HTTP 2xx answer clears it (the page is back). Other answers
    (5xx, network errors) leave it.

``articles.gone_at``
    Added column: UTC ISO 8601 time from which the article is gone, NULL while it is online.

Views
-----
``takedowns``
    Gone articles with the check that found them gone (status, reason, final URL) and the
    archived copy: the stored text (``title``, ``body``) and its WARC record
    (``warc_filename``, ``warc_record_id``; ``python -m modwatch warc-get RECORD_ID`` prints
    the archived payload).
``article_history``
    Every known text of every article, oldest first: the rows of ``article_versions`` and the
    current row of ``articles`` (``version`` = number of earlier versions + 1, ``is_current``).
"""

from sqlite_utils.migrations import Migrations

migrations = Migrations("modwatch-history")

#: Columns compared to fill ``article_versions.changed_fields``.
TRACKED_FIELDS = ("title", "body", "published_at", "modified_at", "section", "image_url")

TRIGGERS = ("articles_history_au", "url_checks_gone_ai")


def _changed_fields_sql() -> str:
    parts = " UNION ALL ".join(
        f"SELECT '{name}' AS f WHERE old.[{name}] IS NOT new.[{name}]" for name in TRACKED_FIELDS
    )
    return f"(SELECT json_group_array(f) FROM ({parts}))"


def _diff_summary_sql() -> str:
    fields = " UNION ALL ".join(
        f"SELECT '{name}' AS f WHERE old.[{name}] IS NOT new.[{name}]" for name in TRACKED_FIELDS
    )
    return (
        f"coalesce((SELECT group_concat(f, ', ') FROM ({fields})), 'no tracked field') || ' changed; body ' "
        "|| length(coalesce(old.body, '')) || ' -> ' || length(coalesce(new.body, '')) || ' chars'"
    )


def trigger_sql() -> dict[str, str]:
    """``{trigger name: CREATE TRIGGER IF NOT EXISTS ...}`` of this area."""
    return {
        "articles_history_au": (
            "CREATE TRIGGER IF NOT EXISTS articles_history_au AFTER UPDATE OF content_sha256 ON articles "
            "WHEN old.content_sha256 IS NOT NULL AND old.content_sha256 IS NOT new.content_sha256 "
            "BEGIN "
            "INSERT INTO article_versions (article_id, version, title, body, published_at, modified_at, "
            "content_sha256, body_sha256, fetched_url, fetched_at, crawl_run_id, warc_record_id, warc_filename, "
            "superseded_at, superseded_by_crawl_run_id, changed_fields, diff_summary) VALUES ("
            "old.id, (SELECT coalesce(max(version), 0) + 1 FROM article_versions WHERE article_id = old.id), "
            "old.title, old.body, old.published_at, old.modified_at, old.content_sha256, old.body_sha256, "
            "old.fetched_url, old.fetched_at, old.crawl_run_id, old.warc_record_id, old.warc_filename, "
            f"new.fetched_at, new.crawl_run_id, {_changed_fields_sql()}, {_diff_summary_sql()}); "
            "END"
        ),
        "url_checks_gone_ai": (
            "CREATE TRIGGER IF NOT EXISTS url_checks_gone_ai AFTER INSERT ON url_checks "
            "WHEN new.article_id IS NOT NULL "
            "BEGIN "
            "UPDATE articles SET gone_at = coalesce(gone_at, new.checked_at) "
            "WHERE id = new.article_id AND new.gone = 1; "
            "UPDATE articles SET gone_at = NULL "
            "WHERE id = new.article_id AND new.gone = 0 AND new.http_status BETWEEN 200 AND 299; "
            "END"
        ),
    }


def ensure(db) -> None:
    """Re-create this area's triggers if missing (a ``transform()`` drops them). Idempotent."""
    if not db["article_versions"].exists() or not db["url_checks"].exists():
        return
    existing = {t.name for t in db.triggers}
    for name, sql in trigger_sql().items():
        if name not in existing:
            db.execute(sql)


@migrations()
def m001_article_versions(db):
    db.execute(
        """
        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            version INTEGER NOT NULL,
            title TEXT,
            body TEXT,
            published_at TEXT,
            modified_at TEXT,
            content_sha256 TEXT,
            body_sha256 TEXT,
            fetched_url TEXT,
            fetched_at TEXT,
            crawl_run_id INTEGER REFERENCES crawl_runs(id),
            warc_record_id TEXT,
            warc_filename TEXT,
            superseded_at TEXT,
            superseded_by_crawl_run_id INTEGER REFERENCES crawl_runs(id),
            changed_fields TEXT,
            diff_summary TEXT,
            UNIQUE (article_id, version)
        )
        """
    )
    db.execute("CREATE INDEX idx_article_versions_crawl_run ON article_versions (superseded_by_crawl_run_id)")


@migrations()
def m002_url_checks(db):
    db.execute(
        """
        CREATE TABLE url_checks (
            id INTEGER PRIMARY KEY,
            checked_at TEXT NOT NULL,
            article_id INTEGER REFERENCES articles(id),
            url TEXT NOT NULL,
            http_status INTEGER,
            location TEXT,
            final_url TEXT,
            gone INTEGER NOT NULL DEFAULT 0 CHECK (gone IN (0, 1)),
            reason TEXT,
            crawl_run_id INTEGER REFERENCES crawl_runs(id),
            warc_record_id TEXT,
            warc_filename TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_url_checks_article ON url_checks (article_id, checked_at)")
    db.execute("CREATE INDEX idx_url_checks_gone ON url_checks (gone, checked_at)")
    if "gone_at" not in db["articles"].columns_dict:
        db["articles"].add_column("gone_at", str)


@migrations()
def m003_triggers(db):
    for sql in trigger_sql().values():
        db.execute(sql)


@migrations()
def m004_views(db):
    db.execute(
        """
        CREATE VIEW IF NOT EXISTS takedowns AS
        SELECT a.id AS article_id, a.url, a.source, a.title, a.published_at, a.gone_at,
               c.http_status, c.reason, c.location, c.final_url, c.checked_at AS found_gone_by_check_at,
               a.fetched_at AS archived_at, a.warc_filename, a.warc_record_id, a.body AS archived_text
        FROM articles a
        LEFT JOIN url_checks c ON c.id = (
            SELECT id FROM url_checks WHERE article_id = a.id AND gone = 1 AND checked_at >= a.gone_at
            ORDER BY checked_at, id LIMIT 1)
        WHERE a.gone_at IS NOT NULL
        """
    )
    db.execute(
        """
        CREATE VIEW IF NOT EXISTS article_history AS
        SELECT article_id, version, 0 AS is_current, title, body, content_sha256, fetched_at,
               superseded_at, crawl_run_id, warc_filename, warc_record_id, changed_fields, diff_summary
        FROM article_versions
        UNION ALL
        SELECT a.id, (SELECT count(*) FROM article_versions v WHERE v.article_id = a.id) + 1, 1, a.title, a.body,
               a.content_sha256, a.fetched_at, NULL, a.crawl_run_id, a.warc_filename, a.warc_record_id, NULL, NULL
        FROM articles a
        """
    )
