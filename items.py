"""Items that spiders yield and pipelines store.

These classes are the contract between spiders (which fill them) and pipelines
(which normalise and store them). Every field is documented with its shape.
"""

import scrapy


class ArticleItem(scrapy.Item):
    """One news article about censorship or takedowns.

    Filled by the news spiders from ``modwatch.extract.article.parse_article`` plus the
    provenance of the response it came from. Stored in the ``articles`` table (one row per
    canonical URL) and its child tables ``article_authors`` and ``article_tags``.
    """

    # --- what the page says -------------------------------------------------------------
    url = scrapy.Field()  # str: canonical URL (rel=canonical / og:url / JSON-LD, else the fetched URL)
    source = scrapy.Field()  # str: site key from sites.yaml, e.g. "thevietnamese"
    title = scrapy.Field()  # str
    authors = scrapy.Field()  # list[str], display names, in page order, may be []
    published_at = scrapy.Field()  # str | None: UTC ISO 8601, e.g. "2021-06-17T03:00:00Z"
    published_at_raw = scrapy.Field()  # str | None: the original string as it stood on the page
    published_at_offset = scrapy.Field()  # str | None: the UTC offset of the original, e.g. "+07:00"
    published_at_precision = scrapy.Field()  # "day" | "month" | "year" | "second" | None
    published_local = scrapy.Field()  # str | None: as the page shows it, with its offset: "2015-08-03T12:45:00-04:00"
    modified_at = scrapy.Field()  # same four for the last-modified date
    modified_at_raw = scrapy.Field()
    modified_at_offset = scrapy.Field()
    section = scrapy.Field()  # str | None: section / category label as shown, e.g. "Internet Freedom"
    tags = scrapy.Field()  # list[str]: tag / keyword labels, may be []
    image_url = scrapy.Field()  # str | None: absolute URL of the lead image
    body = scrapy.Field()  # str: article text, one paragraph per line
    language = scrapy.Field()  # str | None: ISO 639-1, e.g. "vi", "en"

    # --- provenance -------------------------------------------------------------------
    fetched_url = scrapy.Field()  # str: URL actually fetched (may differ from canonical)
    fetched_at = scrapy.Field()  # str: UTC ISO 8601 time of the fetch
    http_status = scrapy.Field()  # int
    body_sha256 = scrapy.Field()  # str: hex sha256 of the raw response body bytes
    warc_record_id = scrapy.Field()  # str | None: WARC-Record-ID of the archived response
    warc_filename = scrapy.Field()  # str | None: WARC file holding that record
    discovered_via = scrapy.Field()  # "wp-rest" | "rss" | "sitemap" | "listing" | "start-url"


class RejectItem(scrapy.Item):
    """Input that could not be parsed. Stored in ``rejects``; the crawl goes on.

    ``excerpt`` keeps the first few KiB of the raw input so that nothing is lost silently.
    """

    url = scrapy.Field()  # str: URL (or file + line) of the bad input
    reason = scrapy.Field()  # str: a clear, human-readable reason
    excerpt = scrapy.Field()  # str: start of the raw input (decoded with errors="replace")
    fetched_at = scrapy.Field()  # str: UTC ISO 8601
    warc_record_id = scrapy.Field()  # str | None


class _BodyItem(scrapy.Item):
    """An item carrying a downloaded body (``bytes``): its repr (Scrapy's DEBUG "Scraped from"
    log line) shows the body's size, never the bytes."""

    def __repr__(self) -> str:
        shown = dict(self)
        if isinstance(shown.get("body"), (bytes, bytearray)):
            shown["body"] = f"<{len(shown['body'])} bytes>"
        return f"{type(self).__name__}({shown!r})"


class DatasetFileItem(_BodyItem):
    """One downloaded transparency data file (Google, Meta, X, TikTok reports).

    Yielded by the transparency spiders (``spiders/transparency_base.py``); parsed by
    ``modwatch.transparency.PARSERS[parser]`` and stored by
    ``pipelines/transparency.py:store_dataset_file`` (one ``datasets`` row, ``removal_requests`` rows).
    """

    parser = scrapy.Field()  # str: key of modwatch.transparency.PARSERS, e.g. "google_removals"
    source = scrapy.Field()  # str: replacement scope (datasets.source), e.g. "meta_restrictions/2018-H2"
    url = scrapy.Field()  # str: URL the file was downloaded from
    body = scrapy.Field()  # bytes: the file as downloaded (emptied by the pipeline once stored)
    fetched_at = scrapy.Field()  # str: UTC ISO 8601
    warc_record_id = scrapy.Field()  # str | None: WARC-Record-ID of the response
    dataset_id = scrapy.Field()  # int: set by the pipeline
    rows_stored = scrapy.Field()  # int: set by the pipeline
    rows_rejected = scrapy.Field()  # int: set by the pipeline
    status = scrapy.Field()  # "loaded" | "unchanged" | "quarantined" | "empty": set by the pipeline
    announced_size = scrapy.Field()  # int | None: the response's Content-Length (validate before replacing)
    accept_shrink = scrapy.Field()  # bool: a file far smaller than the current dataset may replace it


class SorDumpItem(scrapy.Item):
    """One downloaded daily dump of DSA statements of reasons, handed by the ``dsa_sor`` spider
    to the pipeline.

    Stored by ``pipelines/notices.py:store_sor_dump`` (streamed into ``statements_of_reasons``).
    Format: ``modwatch.transparency.dsa`` (zip of zipped CSV parts, DSA Transparency Database).
    """

    url = scrapy.Field()  # str: the dump URL (the stable route's URL, never a presigned one)
    path = scrapy.Field()  # str: the dump as downloaded, in a file the pipeline deletes once stored
    sha256 = scrapy.Field()  # str: hex sha256 of the file
    sha1 = scrapy.Field()  # str: hex SHA-1 of the file
    expected_sha1 = scrapy.Field()  # str | None: the SHA-1 published beside it (.zip.sha1); None: unverified
    byte_size = scrapy.Field()  # int: its size in bytes
    fetched_at = scrapy.Field()  # str: UTC ISO 8601
    warc_record_id = scrapy.Field()  # str | None
    slug = scrapy.Field()  # str: "global" or a platform slug
    platforms = scrapy.Field()  # list[str] | None: keep only these platform_name values
    territorial_scope = scrapy.Field()  # list[str] | None: keep statements whose scope has any of these


class LumenPageItem(_BodyItem):
    """One downloaded Lumen JSON document (a page of ``/notices/search.json``), handed by the
    ``lumen`` spider to the pipeline.

    Stored by ``pipelines/notices.py:store_lumen_page`` (one ``datasets`` row per page, its
    notices parsed by ``modwatch.transparency.lumen``).
    """

    url = scrapy.Field()  # str: the search URL (never holds the token)
    body = scrapy.Field()  # bytes: the JSON as received
    fetched_at = scrapy.Field()  # str: UTC ISO 8601
    warc_record_id = scrapy.Field()  # str | None


class UrlCheckItem(scrapy.Item):
    """One re-check of a stored article URL by the ``url_check`` spider.

    Stored in ``url_checks`` by :func:`pipelines.url_checks.store_url_check`; ``gone`` and ``reason`` come
    from :func:`modwatch.takedown.classify` (or ``classify_failure`` when there was no answer).
    """

    checked_at = scrapy.Field()  # str: UTC ISO 8601 time of the (first) answer
    article_id = scrapy.Field()  # int: articles.id
    url = scrapy.Field()  # str: the article URL checked
    http_status = scrapy.Field()  # int | None: status of the first answer; None = no answer
    location = scrapy.Field()  # str | None: its Location header (redirects), as sent
    final_url = scrapy.Field()  # str | None: URL of the last answer after following redirects
    gone = scrapy.Field()  # bool
    reason = scrapy.Field()  # str
    warc_record_id = scrapy.Field()  # str | None: WARC record of the first answer
    warc_filename = scrapy.Field()  # str | None
