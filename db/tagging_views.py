"""Views over the tagging tables, and the ones joining articles to removal-request figures.

:func:`ensure` creates each view, or re-creates it when its SQL here changed; it is idempotent
and cheap, run by the tagging migration and by :func:`db.tagging.prepare` (pipeline, ``tag``
command). The figure views read ``removal_requests_by_country_period`` (transparency
migrations: one row per platform x country x half-year, current data); they are created only
once that view exists, so that no view ever names a missing table.

Dates: an article is "in" a period when ``substr(published_at, 1, 10)`` (its UTC day) lies
between ``period_start`` and ``period_end`` inclusive. Articles without ``published_at`` never
appear beside figures.
"""

from __future__ import annotations

FIGURES = "removal_requests_by_country_period"

#: view name -> SELECT (always created)
BASE_VIEWS = {
    # one row per article x tag, with the article's headline fields: facet on kind / key
    "article_entity_tags": """
        select ae.article_id, a.title, a.url, a.source, a.published_at, a.language,
               e.kind, e.key, e.label, ae.evidence, ae.count, ae.snippet, ae.entity_id
        from article_entities ae
        join entities e on e.id = ae.entity_id
        join articles a on a.id = ae.article_id
    """,
    # one row per article, tags as JSON arrays (Datasette: ?_facet_array=platforms)
    "articles_tagged": """
        select a.id as article_id, a.title, a.url, a.source, a.published_at, a.language,
               a.relevance_reason,
               (select json_group_array(e.key) from article_entities ae join entities e on e.id = ae.entity_id
                 where ae.article_id = a.id and e.kind = 'platform') as platforms,
               (select json_group_array(e.key) from article_entities ae join entities e on e.id = ae.entity_id
                 where ae.article_id = a.id and e.kind = 'law') as laws,
               (select json_group_array(e.key) from article_entities ae join entities e on e.id = ae.entity_id
                 where ae.article_id = a.id and e.kind = 'country') as countries,
               (select json_group_array(e.key) from article_entities ae join entities e on e.id = ae.entity_id
                 where ae.article_id = a.id and e.kind = 'topic') as topics,
               t.tagged_at
        from articles a
        left join article_tagging t on t.article_id = a.id
    """,
    # stored articles whose title/body changed since they were tagged (or never tagged)
    "articles_needing_tagging": """
        select a.id as article_id, a.url, a.content_sha256, t.content_sha256 as tagged_content_sha256,
               t.tagged_at
        from articles a
        left join article_tagging t on t.article_id = a.id
        where t.article_id is null or t.content_sha256 is not a.content_sha256
    """,
    # how many articles mention each entity
    "entity_article_counts": """
        select e.id as entity_id, e.kind, e.key, e.label, e.in_force,
               count(ae.article_id) as articles, coalesce(sum(ae.count), 0) as mentions
        from entities e
        left join article_entities ae on ae.entity_id = e.id
        group by e.id
    """,
    # articles about each law, and whether they appeared before or after it took effect
    "law_articles": """
        select e.key as law, e.label as law_label, e.jurisdiction, e.in_force,
               a.id as article_id, a.title, a.url, a.source, a.published_at,
               case when a.published_at is null or e.in_force is null then null
                    when substr(a.published_at, 1, 10) >= e.in_force then 'after'
                    else 'before' end as published_relative_to_in_force,
               ae.evidence, ae.count, ae.snippet
        from entities e
        join article_entities ae on ae.entity_id = e.id
        join articles a on a.id = ae.article_id
        where e.kind = 'law'
    """,
}

#: view name -> SELECT (created only when FIGURES exists)
FIGURE_VIEWS = {
    # each figure row (platform x country x half-year) with the number of articles published
    # in that period that mention the platform (or one of its products), the country, or both
    "removal_requests_with_articles": f"""
        select f.country, f.platform, f.period_start, f.period_end, f.requests, f.items_requested,
               f.items_actioned, f.compliance_pct,
               (select count(distinct a.id) from articles a
                  join article_entities ae on ae.article_id = a.id
                  join entity_report_platforms rp on rp.entity_id = ae.entity_id
                 where rp.report_platform = f.platform
                   and substr(a.published_at, 1, 10) between f.period_start and f.period_end
               ) as articles_mentioning_platform,
               (select count(distinct a.id) from articles a
                  join article_entities ae on ae.article_id = a.id
                  join entities e on e.id = ae.entity_id
                 where e.kind = 'country' and e.key = f.country
                   and substr(a.published_at, 1, 10) between f.period_start and f.period_end
               ) as articles_mentioning_country,
               (select count(distinct a.id) from articles a
                  join article_entities ae on ae.article_id = a.id
                  join entity_report_platforms rp on rp.entity_id = ae.entity_id
                  join article_entities ac on ac.article_id = a.id
                  join entities c on c.id = ac.entity_id
                 where rp.report_platform = f.platform and c.kind = 'country' and c.key = f.country
                   and substr(a.published_at, 1, 10) between f.period_start and f.period_end
               ) as articles_mentioning_both
        from {FIGURES} f
        where f.country is not null
    """,
    # one row per figure row x article in its period mentioning the platform or the country
    "removal_request_articles": f"""
        select f.country, f.platform, f.period_start, f.period_end, f.requests, f.items_requested,
               f.items_actioned, f.compliance_pct,
               a.id as article_id, a.title, a.url, a.source, a.published_at,
               max(e.kind = 'platform') as mentions_platform,
               max(e.kind = 'country') as mentions_country,
               group_concat(e.kind || ':' || e.key || ' (' || ae.evidence || ')', '; ') as evidence
        from {FIGURES} f
        join articles a on substr(a.published_at, 1, 10) between f.period_start and f.period_end
        join article_entities ae on ae.article_id = a.id
        join entities e on e.id = ae.entity_id
        where f.country is not null
          and ((e.kind = 'country' and e.key = f.country)
               or (e.kind = 'platform' and exists (
                     select 1 from entity_report_platforms rp
                      where rp.entity_id = e.id and rp.report_platform = f.platform)))
        group by f.country, f.platform, f.period_start, f.period_end, a.id
    """,
    # for each law: the figures of its countries for the periods that end after it took effect,
    # with the number of articles about the law published in each period
    "law_period_figures": f"""
        select e.key as law, e.label as law_label, e.in_force, lc.country, f.platform,
               f.period_start, f.period_end, f.requests, f.items_requested, f.items_actioned,
               f.compliance_pct,
               (f.period_start >= e.in_force) as whole_period_in_force,
               (select count(*) from article_entities ae join articles a on a.id = ae.article_id
                 where ae.entity_id = e.id
                   and substr(a.published_at, 1, 10) between f.period_start and f.period_end
               ) as articles_about_law_in_period
        from entities e
        join law_countries lc on lc.entity_id = e.id
        join {FIGURES} f on f.country = lc.country and f.period_end >= e.in_force
        where e.kind = 'law' and e.in_force is not null
    """,
}


def _normalise(sql: str | None) -> str:
    return " ".join((sql or "").split()).lower()  # SQLite upper-cases "CREATE VIEW"


def ensure(db) -> list[str]:
    """Create or refresh the views; returns the names (re-)created. Idempotent."""
    existing = {row[0]: row[1] for row in db.execute("select name, sql from sqlite_master where type = 'view'")}
    views = dict(BASE_VIEWS)
    if FIGURES in existing or FIGURES in db.table_names():
        views.update(FIGURE_VIEWS)
    changed = []
    for name, select in views.items():
        sql = f"create view {name} as {select.strip()}"
        if _normalise(existing.get(name)) == _normalise(sql):
            continue
        db.execute(f"drop view if exists {name}")
        db.execute(sql)
        changed.append(name)
    return changed
