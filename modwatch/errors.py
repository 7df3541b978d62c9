"""Configuration errors of a crawl, reported as one log line instead of an asyncio traceback.

A spider or middleware that finds its configuration unusable (an invalid sites file, a spider
argument of the wrong shape, a replay archive that cannot be read) raises a
:class:`ConfigurationError` while Scrapy builds the crawler. Scrapy (2.13+, asyncio) leaves
that exception in its crawl task, and asyncio reports it as "Task exception was never
retrieved" with the whole traceback; ``scrapy crawl`` still exits 1. :func:`install` (called by
``settings.py``) adds :class:`StartupErrorFilter` to the ``asyncio`` logger, which turns that
report into ``crawl not started: <message>`` for configuration errors only; every other
exception keeps its traceback.
"""

from __future__ import annotations

import logging


class ConfigurationError(ValueError):
    """A crawl's configuration is unusable; the message names the file/argument and the problem."""


class StartupErrorFilter(logging.Filter):
    """Log filter: an unretrieved :class:`ConfigurationError` of a task becomes one line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ConfigurationError) and "never retrieved" in str(record.msg):
            record.msg, record.args = "crawl not started: %s", (error,)
            record.exc_info = record.exc_text = None
        return True


def install() -> None:
    """Add :class:`StartupErrorFilter` to the ``asyncio`` logger (once)."""
    logger = logging.getLogger("asyncio")
    if not any(isinstance(f, StartupErrorFilter) for f in logger.filters):
        logger.addFilter(StartupErrorFilter())
