"""Migrations of the tagging area (issue 8): entities mentioned by articles, and the views that
put articles beside the removal-request figures.

Tables
------
``entities``
    One row per vocabulary entry (``modwatch/vocab/*.yaml``): ``kind`` (``platform`` | ``law`` |
    ``country`` | ``topic``), ``key`` (countries: ISO 3166-1 alpha-2, the same code as
    ``removal_requests.country``), ``label``, ``description``; laws also ``jurisdiction``
    (alpha-2 or ``EU``) and ``in_force`` (ISO date). ``in_vocabulary`` = 0 once an entry has been
    removed from the files (its old tags stay until the articles are re-tagged).
``entity_report_platforms``
    Platform entity -> the ``platform`` name its figures have in ``removal_requests``
    (``facebook`` and ``instagram`` -> ``Meta``; ``google`` and ``youtube`` -> ``Google``).
``law_countries``
    Law entity -> the countries whose figures are shown beside it (``eu-dsa`` -> the 27 member
    states).
``article_entities``
    One row per article x entity: ``evidence`` (first matched text, as written), ``matches``
    (JSON array of every distinct matched text), ``count``, ``first_offset`` (in title + blank
    line + body, NFC) and ``snippet`` (text around the first match).
``article_tagging``
    One row per tagged article: the ``content_sha256`` and ``vocabulary_sha256`` it was tagged
    from, ``tagged_at`` (UTC ISO 8601) and ``tag_count``. An article needs re-tagging when
    either hash differs (view ``articles_needing_tagging`` for the content side).

``articles`` gains ``relevance_reason``: why a site's ``relevance:`` rule kept the article.

Views: see :mod:`db.tagging_views` (created here and re-ensured by :func:`db.tagging.prepare`,
because the figure views need ``removal_requests_by_country_period`` from the transparency
migrations).
"""

from sqlite_utils.migrations import Migrations

from db import tagging_views

migrations = Migrations("modwatch-tagging")


@migrations()
def m001_entities(db):
    db.execute(
        """
        create table if not exists entities (
            id integer primary key,
            kind text not null check (kind in ('platform', 'law', 'country', 'topic')),
            key text not null,
            label text not null,
            description text,
            jurisdiction text,
            in_force text,
            in_vocabulary integer not null default 1,
            unique (kind, key)
        )
        """
    )
    db.execute(
        """
        create table if not exists entity_report_platforms (
            entity_id integer not null references entities(id) on delete cascade,
            report_platform text not null,
            primary key (entity_id, report_platform)
        )
        """
    )
    db.execute(
        """
        create table if not exists law_countries (
            entity_id integer not null references entities(id) on delete cascade,
            country text not null,
            primary key (entity_id, country)
        )
        """
    )
    db.execute(
        "create index if not exists idx_entity_report_platforms_name on entity_report_platforms (report_platform)"
    )
    db.execute("create index if not exists idx_law_countries_country on law_countries (country)")


@migrations()
def m002_article_entities(db):
    db.execute(
        """
        create table if not exists article_entities (
            article_id integer not null references articles(id) on delete cascade,
            entity_id integer not null references entities(id) on delete cascade,
            evidence text not null,
            matches text,
            count integer not null,
            first_offset integer,
            snippet text,
            primary key (article_id, entity_id)
        )
        """
    )
    db.execute("create index if not exists idx_article_entities_entity on article_entities (entity_id)")
    db.execute(
        """
        create table if not exists article_tagging (
            article_id integer primary key references articles(id) on delete cascade,
            content_sha256 text,
            vocabulary_sha256 text not null,
            tagged_at text not null,
            tag_count integer not null
        )
        """
    )


@migrations()
def m003_articles_relevance_reason(db):
    if "articles" in db.table_names() and "relevance_reason" not in db["articles"].columns_dict:
        db["articles"].add_column("relevance_reason", str)


@migrations()
def m004_views(db):
    tagging_views.ensure(db)
