"""Pure parsing of article pages (HTML + URL -> dict); no Scrapy, no I/O.

- :mod:`modwatch.extract.article`: ``parse_article`` -> the ArticleItem fields the page gives.
- :mod:`modwatch.extract.text`: ``extract_body`` (main text, one paragraph per line), ``html_to_text``.
- :mod:`modwatch.extract.jsonld`: the page's schema.org JSON-LD blocks, parsed and walked.
- :mod:`modwatch.extract.dates`: publication/modification dates with precision, offset and original string.
- :mod:`modwatch.extract.language`: ``detect_language`` (ISO 639-1, py3langid).
- :mod:`modwatch.extract.charset`: header charset vs. the page's declared charset.
"""
