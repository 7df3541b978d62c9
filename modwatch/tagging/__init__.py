"""Tag articles with the platforms, laws, countries and topics they mention (issue 8).

- :mod:`modwatch.tagging.vocabulary`: the data files in ``modwatch/vocab/`` (analysts extend
  them without code) -> compiled :class:`Vocabulary`.
- :mod:`modwatch.tagging.matcher`: pure ``text -> [Tag]`` with evidence.
- :mod:`modwatch.tagging.relevance`: ``relevance(tags, rule) -> (bool, reason)`` for the
  ``relevance:`` option of a site in ``sites.yaml``.

Storage is in ``db/tagging.py``; the Scrapy side in ``pipelines/tagging.py``; re-tagging stored
articles is ``python -m modwatch tag``.
"""

from modwatch.tagging.matcher import Tag, article_text, summarize, tag_article, tag_text
from modwatch.tagging.relevance import RelevanceRuleError, parse_rule, relevance
from modwatch.tagging.model import Entry, Vocabulary, VocabularyError
from modwatch.tagging.vocabulary import KINDS, load_vocabulary

__all__ = [
    "KINDS",
    "Entry",
    "RelevanceRuleError",
    "Tag",
    "Vocabulary",
    "VocabularyError",
    "article_text",
    "load_vocabulary",
    "parse_rule",
    "relevance",
    "summarize",
    "tag_article",
    "tag_text",
]
