"""Migrations of Lumen takedown notices: ``notices``, ``notice_works``, ``notice_urls``, ``notice_revisions``.

Tables
------
``notices``
    One row per Lumen notice (``id`` = Lumen's notice id), normalised from every notice type
    (``modwatch.transparency.lumen.parse_notice``): ``type`` (``Dmca``, ``Other``, ``CourtOrder``
    ...), ``body`` (``body`` or ``explanation``), dates as UTC ISO 8601 with the original string in
    ``*_raw`` (an impossible date such as ``2911-06-28T04:00:00Z`` is NULL here, kept in ``*_raw``
    and explained by a ``rejects`` row), ``recipient_product`` (``Blogger`` from
    ``Google, Inc. [Blogger]``), ``topics``/``tags``/``jurisdictions`` as JSON lists (Datasette
    ``_facet_array``), ``rescinded`` 1 for notices reduced to id/title/"Notice Rescinded",
    ``original_json`` = the notice exactly as received (re-serialised compactly).
    ``dataset_id`` -> ``datasets`` (the search page it last came from), ``location`` its JSON path.
``notice_works``
    The notice's works (``kind`` ``work``) or trademarks (``kind`` ``mark``), in order;
    ``description`` from ``description``/``complaint``/``subject_of_court_order``/...
    (``description_key`` says which), ``extra`` = the work's other keys as JSON.
``notice_urls``
    URLs of a work: ``role`` ``target`` (infringing/problematic/targetted/defamatory ... URLs),
    ``original`` (copyrighted/original work URLs) or ``other``; ``list_key`` the key they were
    under; ``url`` NULL and ``redacted`` = 1 for ``[REDACTED]``; ``fqdn`` + ``url_count`` for
    aggregated lists (``{"fqdn": ..., "count": ...}``); ``raw`` keeps an unrecognised item.
``notice_revisions``
    When a notice comes back with a different JSON, the earlier ``original_json`` is moved here
    (with its dataset), so a revised notice can be compared with what was seen before.
``notices_fts``
    Full-text index on ``title`` and ``body`` (:data:`db.fts.NOTICES`: accents and ``đ`` folded,
    kept in sync by triggers).
"""

from sqlite_utils.migrations import Migrations

from db import fts

migrations = Migrations("modwatch-notices")


def ensure(db):
    """Run by :func:`db.connect`: re-creates the ``notices_fts`` triggers a ``transform()`` dropped."""
    fts.ensure(db, fts.NOTICES)


@migrations()
def m001_notices(db):
    db.execute(
        """
        create table notices (
            id integer primary key,
            type text,
            type_root text,
            title text,
            body text,
            date_sent text, date_sent_raw text,
            date_received text, date_received_raw text,
            date_submitted text, date_submitted_raw text,
            sender_name text,
            principal_name text,
            recipient_name text,
            recipient_product text,
            submitter_name text,
            topics text,
            tags text,
            jurisdictions text,
            action_taken text,
            language text,
            case_id_number text,
            rescinded integer not null default 0,
            works_count integer,
            urls_count integer,
            original_json text not null,
            dataset_id integer references datasets(id),
            location text,
            crawl_run_id integer,
            fetched_at text,
            first_seen_at text,
            last_seen_at text
        )
        """
    )
    db.execute("create index idx_notices_date_received on notices (date_received)")
    db.execute("create index idx_notices_sender on notices (sender_name)")
    db.execute("create index idx_notices_dataset on notices (dataset_id)")
    db.execute(
        """
        create table notice_works (
            notice_id integer not null references notices(id) on delete cascade,
            position integer not null,
            kind text not null,
            description text,
            description_key text,
            extra text,
            primary key (notice_id, position)
        )
        """
    )
    db.execute(
        """
        create table notice_urls (
            id integer primary key,
            notice_id integer not null references notices(id) on delete cascade,
            work_position integer not null,
            position integer not null,
            role text not null check (role in ('target', 'original', 'other')),
            list_key text,
            url text,
            fqdn text,
            url_count integer,
            redacted integer not null default 0,
            raw text
        )
        """
    )
    db.execute("create index idx_notice_urls_notice on notice_urls (notice_id, work_position)")
    db.execute("create index idx_notice_urls_fqdn on notice_urls (fqdn)")
    db.execute(
        """
        create table notice_revisions (
            id integer primary key,
            notice_id integer not null,
            original_json text not null,
            dataset_id integer,
            replaced_at text not null
        )
        """
    )
    db["notices"].enable_fts(["title", "body"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")


@migrations()
def m002_notices_fts_folded(db):
    """``notices_fts`` made by :mod:`db.fts` like the article index: đ-folded shadow, so ``duong``
    finds ``đường`` (sqlite-utils' ``enable_fts`` of m001 indexed the raw text)."""
    db["notices"].disable_fts()
    fts.create(db, fts.NOTICES)
