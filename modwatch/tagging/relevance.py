"""Relevance rules: keep only the articles of a general-news site that match the vocabulary.

A site in ``sites.yaml`` may carry ``relevance:``, either a rule string or ``{require: RULE}``::

    relevance: "[platform|law] and [topic]"
    relevance: {require: "[law:vn-decree-72-2013|law:vn-decree-147-2024] or [country:VN] and [topic:censorship]"}

Grammar: a *group* is ``[`` atoms separated by ``|`` ``]``; an atom is a kind (``platform``,
``law``, ``country``, ``topic``: any tag of that kind) or ``kind:key`` (that one tag). A group
holds when the article has a tag matching one of its atoms. Groups combine with ``and`` and
``or``; ``and`` binds tighter (``A or B and C`` = ``A or (B and C)``). A YAML list of groups,
e.g. ``[[platform, law], [topic]]``, means all groups (each a list of atoms) are required.

:func:`relevance` returns ``(True, reason)`` naming the tags that satisfied each group (with
their evidence), or ``(False, reason)`` naming the first group nothing matched. The reason is
stored in ``articles.relevance_reason`` and logged when an item is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modwatch.tagging.vocabulary import KINDS


class RelevanceRuleError(ValueError):
    """A relevance rule cannot be parsed; the message quotes the rule and the problem."""


@dataclass(frozen=True)
class Group:
    """``[atom|atom...]``: atoms are ``(kind, key or None)``."""

    atoms: tuple[tuple[str, str | None], ...]

    def __str__(self) -> str:
        return "[" + "|".join(k if key is None else f"{k}:{key}" for k, key in self.atoms) + "]"

    def matches(self, tags) -> list:
        return [t for t in tags if any(t.kind == kind and (key is None or t.key == key) for kind, key in self.atoms)]


@dataclass(frozen=True)
class Rule:
    """Disjunction of conjunctions of groups (``or`` of ``and``-lists)."""

    alternatives: tuple[tuple[Group, ...], ...]
    source: str

    def __str__(self) -> str:
        return self.source


_TOKEN = re.compile(r"\s*(?:(\[[^\]]*\])|(and|or)\b|(\S+))", re.IGNORECASE)


def _group(text: str, rule: str) -> Group:
    atoms = []
    for raw in text.strip("[]").split("|"):
        raw = raw.strip()
        kind, _, key = raw.partition(":")
        if kind not in KINDS or (raw.endswith(":")) or not raw:
            raise RelevanceRuleError(
                f"relevance rule {rule!r}: bad atom {raw!r} (use one of {list(KINDS)} or kind:key)"
            )
        atoms.append((kind, key or None))
    return Group(tuple(atoms))


def parse_rule(rule) -> Rule | None:
    """Parse a rule (string, ``{require: ...}`` mapping or list of lists); ``None`` -> ``None``.

    Raises :class:`RelevanceRuleError` for anything else.
    """
    if rule is None or isinstance(rule, Rule):
        return rule
    if isinstance(rule, dict):
        if set(rule) != {"require"}:
            raise RelevanceRuleError(f"relevance rule {rule!r}: a mapping must have exactly the key 'require'")
        return parse_rule(rule["require"])
    if isinstance(rule, list):
        groups = []
        for item in rule:
            atoms = item if isinstance(item, list) else [item]
            groups.append(_group("|".join(str(a) for a in atoms), repr(rule)))
        if not groups:
            raise RelevanceRuleError("relevance rule []: empty")
        return Rule(alternatives=(tuple(groups),), source=" and ".join(str(g) for g in groups))
    if not isinstance(rule, str) or not rule.strip():
        raise RelevanceRuleError(f"relevance rule {rule!r}: expected a string like '[platform|law] and [topic]'")
    alternatives: list[list[Group]] = [[]]
    expect_group = True
    for match in _TOKEN.finditer(rule.strip()):
        group, operator, junk = match.groups()
        if junk:
            raise RelevanceRuleError(f"relevance rule {rule!r}: unexpected {junk!r}")
        if expect_group != bool(group):
            raise RelevanceRuleError(
                f"relevance rule {rule!r}: expected {'a [group]' if expect_group else 'and/or'} "
                f"at {match.group().strip()!r}"
            )
        if group:
            alternatives[-1].append(_group(group, rule))
        elif operator.lower() == "or":
            alternatives.append([])
        expect_group = not expect_group
    if expect_group:
        raise RelevanceRuleError(f"relevance rule {rule!r}: ends with an operator")
    return Rule(alternatives=tuple(tuple(a) for a in alternatives), source=rule.strip())


def _describe(tags) -> str:
    return ", ".join(f"{t.kind}:{t.key} ({t.evidence!r})" for t in tags)


def relevance(tags, rule) -> tuple[bool, str]:
    """Does an article with ``tags`` (``Tag`` objects) satisfy ``rule``? Returns ``(ok, reason)``.

    ``rule`` is anything :func:`parse_rule` accepts; ``None`` means no rule: ``(True,
    "no relevance rule")``. Raises :class:`RelevanceRuleError` for a bad rule.
    """
    parsed = parse_rule(rule)
    if parsed is None:
        return True, "no relevance rule"
    failures = []
    for groups in parsed.alternatives:
        satisfied = []
        for group in groups:
            found = group.matches(tags)
            if not found:
                failures.append(f"nothing matched {group}")
                break
            satisfied.append(f"{group} {_describe(found)}")
        else:
            return True, f"{parsed}: " + "; ".join(satisfied)
    return False, f"{parsed}: " + "; ".join(failures)
