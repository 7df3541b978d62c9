"""Relevance rules over the tags of real articles."""

import pytest

from modwatch.tagging import RelevanceRuleError, parse_rule, relevance, tag_article, tag_text
from tests.tagging.helpers import THESTAR, articles, seed_text

REAL = articles()


def tags(fixture_id, vocabulary):
    return tag_article(REAL[fixture_id]["title"], REAL[fixture_id]["body"], vocabulary)


@pytest.mark.parametrize(
    ("fixture_id", "rule", "expected"),
    [
        ("wikimedia-turkey", "[platform|law] and [topic]", True),
        ("zdnet-facebook-netzdg", "[platform|law] and [topic]", True),
        ("kulu-meta-outage", "[platform|law] and [topic]", False),  # an outage, no censorship topic
        ("vi-pet-food", "[platform|law] and [topic]", False),
        ("chron-esper-vietnam", "[country:VN]", True),
        ("chron-esper-vietnam", "[country:VN] and [topic]", False),
        ("planetarypress-forestlands", "[law] or [topic:censorship]", False),
        ("wolfgangmichal-sorgfaltspflicht", "[law:eu-dsa] or [law:de-netzdg] and [topic:censorship]", True),
        ("wolfgangmichal-sorgfaltspflicht", [["platform", "law"], ["topic"]], True),
        ("vi-pet-food", {"require": "[country:VN]"}, False),
    ],
)
def test_relevance_of_real_articles(fixture_id, rule, expected, vocabulary):
    ok, reason = relevance(tags(fixture_id, vocabulary), rule)
    assert ok is expected, reason


def test_reason_names_the_tags_and_their_evidence(vocabulary):
    ok, reason = relevance(tag_text(seed_text(THESTAR), vocabulary), "[platform|law] and [topic:censorship]")
    assert ok
    assert reason.startswith("[platform|law] and [topic:censorship]: [platform|law] platform:facebook (")
    assert "topic:censorship ('censor')" in reason


def test_reason_when_not_relevant(vocabulary):
    ok, reason = relevance(tags("kulu-meta-outage", vocabulary), "[platform|law] and [topic]")
    assert not ok
    assert reason == "[platform|law] and [topic]: nothing matched [topic]"


def test_no_rule_keeps_everything():
    assert relevance([], None) == (True, "no relevance rule")


def test_and_binds_tighter_than_or():
    rule = parse_rule("[law] or [platform] and [topic]")
    assert [[str(g) for g in alt] for alt in rule.alternatives] == [["[law]"], ["[platform]", "[topic]"]]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("[platform|laws] and [topic]", "bad atom 'laws'"),
        ("[platform] and", "ends with an operator"),
        ("[platform] [topic]", "expected and/or"),
        ("platform and topic", "unexpected 'platform'"),
        ({"requires": "[topic]"}, "exactly the key 'require'"),
        (42, "expected a string"),
        ("[topic:]", "bad atom"),
    ],
)
def test_bad_rules_give_clear_errors(rule, message):
    with pytest.raises(RelevanceRuleError) as error:
        relevance([], rule)
    assert message in str(error.value)
