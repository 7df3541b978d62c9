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
