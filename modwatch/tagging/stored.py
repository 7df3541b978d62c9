"""Tagging stored articles, one way for the crawl (``pipelines.tagging.TaggingPipeline``) and the
``modwatch tag`` command: :func:`tag_stored_article`; and the sites' relevance rules (:func:`load_rules`).
"""

from __future__ import annotations

import logging

from db import tagging as store
from modwatch.tagging.matcher import Tag, tag_article
from modwatch.tagging.model import Vocabulary
from modwatch.tagging.relevance import parse_rule, relevance

logger = logging.getLogger(__name__)


def load_rules(sites_file: str | None) -> dict:
    """``{site key: parsed rule}`` for the sites of ``sites_file`` that have ``relevance:``.

    A missing or invalid sites file gives ``{}`` (logged: the spiders that need it fail on their
    own); a bad rule raises :class:`modwatch.tagging.RelevanceRuleError`.
    """
    from modwatch.sites import SitesConfigError, load_sites

    try:
        sites = load_sites(sites_file or None)
    except (SitesConfigError, OSError) as error:
        logger.warning("relevance rules not loaded: %s", error)
        return {}
    return {site.key: parse_rule(site.relevance) for site in sites if site.relevance is not None}


def tag_stored_article(
    database, row, vocabulary: Vocabulary, *, entity_ids: dict, rules: dict, tags: list[Tag] | None = None
) -> tuple[list[Tag], int]:
    """Tag one ``articles`` row (``id``, ``title``, ``body``, ``source``, ``content_sha256``) and replace its
    ``article_entities`` rows, with its relevance reason when its site has a rule (``rules``:
    :func:`load_rules`). ``tags``: the tags already found for this very text (the relevance check of
    the crawl), so it is tagged once. Returns the tags and the number of rows stored."""
    if tags is None:
        tags = tag_article(row["title"], row["body"], vocabulary)
    rule = rules.get(row["source"])
    reason = relevance(tags, rule)[1] if rule is not None else None
    count = store.store_article_tags(
        database,
        row["id"],
        tags,
        entity_ids=entity_ids,
        content_sha256=row["content_sha256"],
        vocabulary_sha256=vocabulary.sha256,
        relevance_reason=reason,
    )
    return tags, count
