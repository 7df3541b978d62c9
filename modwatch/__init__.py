"""modwatch: collect, keep and publish evidence of censorship and platform content moderation.

The Scrapy project lives at the repository root (``spiders/``, ``pipelines/``, ``db/``,
``settings.py``); this package holds everything that is not Scrapy glue: pure parsing
functions (``modwatch.extract``), item definitions, the WARC archive and replay, and the
command-line tools (``python -m modwatch --help``).
"""

__version__ = "0.1.0"
