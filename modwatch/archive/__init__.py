"""Evidence archive: WARC files of what a crawl fetched, and offline replay from them.

- :mod:`modwatch.archive.warc`: :class:`middlewares.warc.WarcWriterMiddleware` writes one
  WARC file per crawl run; :func:`~modwatch.archive.warc.write_warc` builds a WARC from
  ``(url, body, headers)`` records (tests, demo snapshot).
- :mod:`middlewares.replay`: :class:`~middlewares.replay.WarcReplayMiddleware` answers
  requests from WARC files (setting ``MODWATCH_REPLAY``).

WARC is ISO 28500 (https://iipc.github.io/warc-specifications/); files are read and
written with warcio.
"""
