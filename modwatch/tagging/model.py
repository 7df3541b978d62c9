"""What a loaded vocabulary is: :class:`Vocabulary` of :class:`Entry` objects (platform, law, country,
topic), each with its :class:`Alias` regexes; :class:`VocabularyError` for a file that cannot be used.
Loading and checking the YAML files is :mod:`modwatch.tagging.vocabulary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from modwatch.tagging.phrases import name_key


class VocabularyError(ValueError):
    """A vocabulary file is invalid; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Alias:
    """One compiled alias: ``pattern`` finds it (whole words only); ``requires``, when set, must
    also match somewhere in the same text for a match to count. ``source`` is the alias as
    written in the file (or generated), for error messages and documentation."""

    pattern: re.Pattern
    source: str
    requires: re.Pattern | None = None
    #: casefolded strings, one of which every match contains: the matcher runs the regex only
    #: if one is in the (casefolded) text. None: always run it.
    anchors: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Entry:
    """One vocabulary entry: a tag that articles can get.

    ``kind`` is one of :data:`KINDS`; ``key`` is the stable id (countries: ISO 3166-1 alpha-2).
    Platforms carry ``report_platforms`` (their ``removal_requests.platform`` names); laws carry
    ``jurisdiction``, ``countries`` (alpha-2 codes for the figure joins) and ``in_force``
    (ISO date or None). Countries carry ``names``: every name of the country as a whole
    (pycountry's names, the label, the plain-text aliases and ``report_names``), for
    :meth:`Vocabulary.country_code`.
    """

    kind: str
    key: str
    label: str
    aliases: tuple[Alias, ...]
    description: str | None = None
    report_platforms: tuple[str, ...] = ()
    jurisdiction: str | None = None
    countries: tuple[str, ...] = ()
    in_force: str | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """All entries of the four files, compiled; ``sha256`` identifies this exact vocabulary."""

    entries: tuple[Entry, ...]
    sha256: str
    directory: str = ""
    _by_kind: dict = field(default_factory=dict, compare=False, repr=False)
    _country_names: dict = field(default_factory=dict, compare=False, repr=False)

    def of_kind(self, kind: str) -> tuple[Entry, ...]:
        """The entries of one kind, in file order."""
        if kind not in self._by_kind:
            self._by_kind[kind] = tuple(e for e in self.entries if e.kind == kind)
        return self._by_kind[kind]

    def get(self, kind: str, key: str) -> Entry:
        """The entry ``kind``/``key``; raises ``KeyError`` if there is none."""
        for entry in self.of_kind(kind):
            if entry.key == key:
                return entry
        raise KeyError(f"{kind}:{key}")

    def country_code(self, name: str) -> str | None:
        """ISO 3166-1 alpha-2 key of the country called exactly ``name`` (a whole cell of a
        transparency report, not running text), or ``None``.

        Compared by :func:`name_key` (case, accents, curly apostrophes, ``&`` for ``and``
        and spacing do not matter) against the ``names`` of the country entries. A name
        two countries share resolves to neither.
        """
        table = self._country_names
        if not table:
            for entry in self.of_kind("country"):
                for country_name in entry.names:
                    key = name_key(country_name)
                    table[key] = entry.key if table.get(key, entry.key) == entry.key else None
        return table.get(name_key(name))
