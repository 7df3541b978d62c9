"""The scorer of benchmarks/article_extraction.py follows the benchmark's definition."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import article_extraction as bench  # noqa: E402


def test_tokens_are_unicode_words():
    assert bench.tokens("Việt Nam's đường—ok, 2021!") == ["Việt", "Nam", "s", "đường", "ok", "2021"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a b c d e", [("a", "b", "c", "d"), ("b", "c", "d", "e")]),
        ("a b", [("a", "b")]),  # fewer than 4 tokens: one shorter shingle
        ("", []),
    ],
)
def test_shingles(text, expected):
    assert sorted(bench.shingles(bench.tokens(text)).elements()) == expected


def test_page_counts_are_multiset_overlaps():
    # truth: abcd bcde cdef; prediction: abcd x2, bcde, cdea, deab, eabc -> TP 2, FP 4, FN 1
    assert bench.page_counts("a b c d e f", "a b c d e a b c d") == (2, 4, 1)


def test_score_averages_precision_and_recall_over_pages():
    truths = {"p1": "one two three four five", "p2": "alpha beta gamma delta"}
    preds = {"p1": "one two three four five", "p2": ""}
    result = bench.score(truths, preds)
    assert result["precision"] == 1.0  # p2 has no predicted shingle: not averaged
    assert result["recall"] == pytest.approx(0.5)  # p1 1.0, p2 0.0
    assert result["f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert result["accuracy"] == 0.5
