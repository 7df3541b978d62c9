"""Scrapy settings for modwatch (the repository root is the Scrapy project).

Environment variables (all optional):

- ``MODWATCH_DB``: SQLite database path (default ``data/modwatch.db``).
- ``MODWATCH_WARC_DIR``: folder for the WARC file of each crawl run (default ``data/warc``).
- ``MODWATCH_REPLAY``: a WARC file (or several, separated by ``:``) to crawl from instead of
  the network; URLs not in the archive answer 404. Used by ``make demo`` and the tests.
  ``-s MODWATCH_REPLAY=...`` works the same (``middlewares.replay.ReplayAddon``).
"""

import os

from db import default_path
from modwatch import errors, redact

BOT_NAME = "modwatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- modwatch ------------------------------------------------------------------------------
MODWATCH_DB = default_path()  # $MODWATCH_DB or db.DEFAULT_PATH; every crawl component reads this setting
MODWATCH_WARC_DIR = os.environ.get("MODWATCH_WARC_DIR", "data/warc")
MODWATCH_REPLAY = os.environ.get("MODWATCH_REPLAY", "")
MODWATCH_SITES_FILE = os.environ.get("MODWATCH_SITES_FILE", "modwatch/sites.yaml")
# Secrets are never recorded (modwatch.redact: URLs, headers, Location, log lines; in the database,
# logs, WARC and HTTP cache): besides the policy's own list (Authorization, cookies,
# X-Authentication-Token, token, authentication_token, X-Amz-*, signature, key...), these
# request/response headers and these URL query parameters (replay drops them too).
MODWATCH_WARC_REDACT_HEADERS = []
MODWATCH_WARC_REDACT_PARAMS = ["token", "api_key", "apikey", "access_token", "X-Amz-*"]

# --- politeness (live crawls) --------------------------------------------------------------
USER_AGENT = "modwatch/0.1 (+https://github.com/modwatch/modwatch; research crawler for censorship transparency)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2

# HTTP cache with the RFC 2616 policy: conditional requests (ETag / Last-Modified) on re-crawls.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = os.environ.get("MODWATCH_HTTPCACHE_DIR", os.path.abspath("data/httpcache"))
# Scrapy's filesystem cache, storing URLs and headers redacted (modwatch.redact)
HTTPCACHE_STORAGE = "middlewares.downloader.RedactingCacheStorage"

FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("MODWATCH_LOG_LEVEL", "INFO")
# a crawl stopped at start by a configuration error logs one line, not an asyncio traceback
errors.install()
# no log line holds a credential (a token in a URL, an Authorization header): modwatch.redact
redact.install_log_redaction()

# --- components (see each module's docstring) ----------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # replay answers from a WARC before anything touches the network
    "middlewares.replay.WarcReplayMiddleware": 50,
    # every response the crawl gets is written to the crawl run's WARC: 890 = just below the HTTP
    # cache (900), so a 304-revalidated or cached page is archived with its body; above
    # HttpCompression (590), so the payload is stored as on the wire (Content-Encoding kept)
    "middlewares.warc.WarcWriterMiddleware": 890,
    # header charset contradicting the page's declared charset: below HttpCompressionMiddleware
    # (590), so it sees the decompressed body and its encoding is not reset by decompression;
    # above MetaRefreshMiddleware (580), which then reads the text with the right charset
    "middlewares.downloader.DeclaredCharsetMiddleware": 585,
    # article pages byte-identical to the stored ones are not parsed again (middlewares.incremental)
    "middlewares.incremental.UnchangedArticleMiddleware": 560,
    # the last to see a response before the spider: its URL loses any credential (a redirect to
    # a URL with authentication_token / X-Amz-Signature), so nothing recorded from it holds one
    "middlewares.downloader.RedactResponseUrlMiddleware": 10,
    # just above RedirectMiddleware (600): a redirect loop ends as a reject with its chain
    "middlewares.fetch_bounds.RedirectLoopMiddleware": 601,
}
# every download, decompressed (Content-Encoding: gzip, deflate, br, zstd: Scrapy stops inflating
# at the limit, a gzip bomb is a reject), is at most 64 MiB unless a spider sets its own limit
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
# file:// downloads obey DOWNLOAD_MAXSIZE like HTTP ones (middlewares.fetch_bounds)
DOWNLOAD_HANDLERS = {"file": "middlewares.fetch_bounds.BoundedFileDownloadHandler"}
SPIDER_MIDDLEWARES = {
    # nothing fetched twice in one run, dont_filter start/discovery pages included; 30 = engine
    # side of the built-in filters (depth, URL length), so a request they drop is not recorded
    "middlewares.incremental.OncePerRunMiddleware": 30,
}
ITEM_PIPELINES = {
    # drop articles failing their site's `relevance:` rule (sites.yaml), before storage
    "pipelines.tagging.RelevancePipeline": 300,
    "pipelines.store.SQLitePipeline": 800,
    # tag stored articles with platforms, laws, countries, topics (modwatch/vocab)
    "pipelines.tagging.TaggingPipeline": 810,
}
# MODWATCH_REPLAY set (environment or -s): no robots.txt, throttling, delays or HTTP cache
ADDONS = {"middlewares.replay.ReplayAddon": 0}
EXTENSIONS = {
    "extensions.crawlrun.CrawlRunExtension": 100,
    # a JOBDIR left by a killed run is discarded instead of resumed with lost requests
    "middlewares.incremental.JobDirGuard": 50,
    # a progress bar on a terminal (responses / requests scheduled, items, rejects)
    "extensions.progress.CrawlProgress": 500,
}
