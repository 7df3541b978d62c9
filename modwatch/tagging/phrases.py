"""Phrases and regexes of the vocabulary: names in a compare-friendly form, literal phrases as regexes,
and the literal strings every match of a regex must contain (so the matcher runs a regex only on texts
holding one of them).

:func:`required_literals` reads the regex's parse tree. The standard library has no public API for
it: ``re._parser`` (Python 3.11+; ``sre_parse`` before) is used, with ``requires-python >= 3.11`` in
pyproject.toml and tests/tagging/test_vocabulary.py checking its results on real aliases; any
failure to parse only turns the optimisation off (the regex then runs on every text).
"""

from __future__ import annotations

import re
import unicodedata

try:  # the regex parser of the standard library (3.11+: re._parser; before: sre_parse)
    from re import _parser as _regex_parser
    from re._constants import BRANCH, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN
except ImportError:  # pragma: no cover
    import sre_parse as _regex_parser
    from sre_constants import BRANCH, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN


def name_key(name: str) -> str:
    """Compare-friendly form of a name: ``"Côte d’Ivoire"`` -> ``"cote d'ivoire"``,
    ``"Trinidad & Tobago"`` -> ``"trinidad and tobago"``."""
    text = unicodedata.normalize("NFKD", str(name)).translate(_NAME_CHARS)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())


_NAME_CHARS = str.maketrans({"’": "'", "‘": "'", "`": "'", "&": " and "})


def nfc(text: str) -> str:
    """Unicode NFC form (Vietnamese typed with combining accents becomes precomposed)."""
    return unicodedata.normalize("NFC", text)


def phrase_regex(phrase: str) -> str:
    """Regex source for a literal phrase: escaped, any run of spaces/hyphens in the phrase
    matching any run of whitespace or hyphens in the text."""
    parts = re.split(r"[\s\-]+", nfc(phrase).strip())
    return r"[\s\-]+".join(re.escape(part) for part in parts if part)


def _literals(items) -> tuple[str, ...] | None:
    candidates: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, value in items:
        if op is LITERAL:
            run.append(chr(value))
            continue
        if run:
            candidates.append(("".join(run),))
            run = []
        found = None
        if op is SUBPATTERN:
            found = _literals(value[-1])
        elif op is BRANCH:
            branches = [_literals(branch) for branch in value[1]]
            if all(branches):
                found = tuple(text for branch in branches for text in branch)
        elif op in (MAX_REPEAT, MIN_REPEAT) and value[0] >= 1:
            found = _literals(value[2])
        if found:
            candidates.append(found)
    if run:
        candidates.append(("".join(run),))
    return max(candidates, key=lambda texts: min(len(t) for t in texts), default=None)


def required_literals(source: str) -> tuple[str, ...] | None:
    """Casefolded strings one of which every match of regex ``source`` contains, found in its
    parse tree (longest literal run of a sequence; the union over the branches of an
    alternation); None when there is no such string of two or more characters."""
    try:
        found = _literals(_regex_parser.parse(source))
    except Exception:  # noqa: BLE001 - an optimisation only: run the regex on every text
        return None
    if not found or min(len(text) for text in found) < 2:
        return None
    return tuple(dict.fromkeys(text.casefold() for text in found))


def whole_words(source: str) -> str:
    return rf"(?<!\w)(?:{source})(?!\w)"


def code_regex(code: str) -> str:
    out = []
    for char in nfc(code):
        if char in "ĐÐDđd":
            out.append("[ĐÐD]")
        elif char in "-–":
            out.append(r"[\s\-–]?")
        else:
            out.append(re.escape(char))
    return "".join(out)
