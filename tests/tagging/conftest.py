"""Fixtures of the tagging tests: the vocabulary and the real articles (``tests/tagging/helpers.py``)."""

import pytest

from modwatch.tagging import load_vocabulary
from tests.tagging.helpers import articles


@pytest.fixture(scope="session")
def vocabulary():
    return load_vocabulary()


@pytest.fixture(scope="session")
def real_articles():
    return articles()
