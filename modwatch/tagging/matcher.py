"""Pure matcher: text -> tags (platform, law, country, topic), each with its evidence.

No I/O besides loading the vocabulary files once (see :mod:`modwatch.tagging.vocabulary`).

Rules, in order:

1. The text is put in Unicode NFC form; offsets refer to that form.
2. Every alias of every entry is searched on whole words (no letter or digit directly before
   or after; Python's Unicode ``\\w``, so Vietnamese letters count as letters). Phrases are
   case-insensitive unless the vocabulary says otherwise.
3. An alias with ``requires`` counts only when its context regex also matches somewhere in the
   same text (e.g. a bare "X" only next to "formerly Twitter"; "Decree 72" only in an article
   that mentions Vietnam).
4. Within one kind, overlapping matches are resolved longest first (leftmost on a tie):
   "Papua New Guinea" is PG, not GN; "Decree No. 72/2013/ND-CP" is one match, not two. Matches of
   different kinds may overlap ("Luật An ninh mạng" is a law; the country is tagged from
   "Việt Nam" elsewhere).
5. An entry with at least one remaining match becomes a :class:`Tag`.
"""

from __future__ import annotations

from dataclasses import dataclass

from modwatch.tagging.model import Vocabulary
from modwatch.tagging.phrases import nfc
from modwatch.tagging.vocabulary import KINDS, load_vocabulary

SNIPPET_CHARS = 80


@dataclass(frozen=True)
class Tag:
    """One entity an article mentions.

    - ``kind``: ``platform`` | ``law`` | ``country`` | ``topic``; ``key``: the entry key
      (countries: ISO 3166-1 alpha-2); ``label``: display name.
    - ``evidence``: the first matched text, exactly as written in the article.
    - ``matches``: every distinct matched text, in order of first appearance.
    - ``count``: number of (non-overlapping) matches.
    - ``first_offset``: character offset of the first match in the NFC text.
    - ``snippet``: up to :data:`SNIPPET_CHARS` characters either side of the first match,
      whitespace collapsed.
    """

    kind: str
    key: str
    label: str
    evidence: str
    count: int
    first_offset: int
    snippet: str
    matches: tuple[str, ...]

    @property
    def ref(self) -> str:
        """``kind:key``, e.g. ``law:vn-decree-72-2013``."""
        return f"{self.kind}:{self.key}"


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def _spans(text: str, entries) -> list[tuple[int, int, int]]:
    """All alias matches as (start, end, entry index), requirements checked."""
    context_hits: dict[int, bool] = {}
    folded = text.casefold()
    spans = []
    for index, entry in enumerate(entries):
        for alias in entry.aliases:
            if alias.anchors is not None and not any(anchor in folded for anchor in alias.anchors):
                continue
            matches = [(m.start(), m.end()) for m in alias.pattern.finditer(text) if m.end() > m.start()]
            if not matches:
                continue
            if alias.requires is not None:
                key = id(alias.requires)
                if key not in context_hits:
                    context_hits[key] = alias.requires.search(text) is not None
                if not context_hits[key]:
                    continue
            spans.extend((start, end, index) for start, end in matches)
    return spans


def _resolve_overlaps(spans):
    """Longest match first, then leftmost; drop any span overlapping a kept one."""
    kept = []
    taken: list[tuple[int, int]] = []
    for start, end, index in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        kept.append((start, end, index))
    return sorted(kept)


def tag_text(text: str | None, vocabulary: Vocabulary | None = None, *, kinds=KINDS) -> list[Tag]:
    """Tags for ``text``, ordered by kind (platform, law, country, topic) then first offset.

    ``vocabulary`` defaults to :func:`load_vocabulary` (``modwatch/vocab``). ``kinds`` limits
    the kinds searched. Empty or ``None`` text gives ``[]``.
    """
    if not text:
        return []
    vocabulary = vocabulary or load_vocabulary()
    text = nfc(text)
    tags = []
    for kind in kinds:
        entries = vocabulary.of_kind(kind)
        found: dict[int, list[tuple[int, int]]] = {}
        for start, end, index in _resolve_overlaps(_spans(text, entries)):
            found.setdefault(index, []).append((start, end))
        kind_tags = []
        for index, positions in found.items():
            entry = entries[index]
            texts = []
            for start, end in positions:
                if text[start:end] not in texts:
                    texts.append(text[start:end])
            first_start, first_end = positions[0]
            kind_tags.append(
                Tag(
                    kind=kind,
                    key=entry.key,
                    label=entry.label,
                    evidence=texts[0],
                    count=len(positions),
                    first_offset=first_start,
                    snippet=_snippet(text, first_start, first_end),
                    matches=tuple(texts),
                )
            )
        tags += sorted(kind_tags, key=lambda t: t.first_offset)
    return tags


def article_text(title: str | None, body: str | None) -> str:
    """The text an article is tagged on: title, a blank line, body."""
    return "\n\n".join(part for part in (title, body) if part)


def tag_article(title: str | None, body: str | None, vocabulary: Vocabulary | None = None) -> list[Tag]:
    """Tags for an article (its title and body, see :func:`article_text`)."""
    return tag_text(article_text(title, body), vocabulary)


def summarize(tags) -> dict[str, list[str]]:
    """``{kind: [key, ...]}`` for every kind (handy in tests and logs)."""
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for tag in tags:
        out[tag.kind].append(tag.key)
    return out
