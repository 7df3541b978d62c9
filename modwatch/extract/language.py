"""Language of an article: ISO 639-1 code detected from its text with py3langid.

``detect_language(text, hint=None) -> str | None``. The classifier is restricted to the
model's languages that have an ISO 639-1 code, minus ``EXCLUDED`` (constructed, classical and
small regional languages), which keeps look-alikes from winning on short or mixed text. ``hint`` is what the page declares (``<html lang>``, ``og:locale``) or the source's
language: it decides when the text is too short to judge, and wins a close call.
"""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: model languages never returned: constructed, classical and small regional languages that
#: otherwise win on short or mixed text from their big neighbours (``la``/``oc``/``an`` for
#: Spanish or Italian, ``lb``/``fy`` for German or Dutch, ``nn``/``fo`` for Norwegian ...)
EXCLUDED = frozenset("an br eo fo fy gd ht la lb nn oc qu sa se vo wa".split())
#: below this many letters the text is not judged; the hint (if any) is returned
MIN_LETTERS = 40
#: a hinted language within this probability of the best one wins
HINT_MARGIN = 0.15
#: the text judged: its first this many characters (plenty for a stable answer, and fast)
SAMPLE_CHARS = 4000
_LETTERS_RE = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(languages(identifier))
    return identifier


def languages(identifier=None) -> list[str]:
    """The ISO 639-1 codes the detector may return: the model's two-letter codes minus ``EXCLUDED``."""
    identifier = identifier or _identifier()
    return sorted({code for code in identifier.nb_classes if len(code) == 2} - EXCLUDED)


def normalise_language(tag: str | None) -> str | None:
    """``"vi-VN"``, ``"en_US"``, ``"EN"`` -> ``"vi"``, ``"en"``; None for empty or non-alphabetic tags."""
    if not tag:
        return None
    code = re.split(r"[-_]", tag.strip())[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def detect_language(text: str | None, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text`` (e.g. ``"vi"``, ``"en"``), or the normalised ``hint`` when the text
    is too short to judge (``MIN_LETTERS``); None when neither gives one."""
    hint = normalise_language(hint)
    text = (text or "")[:SAMPLE_CHARS]
    if len(_LETTERS_RE.findall(text[:2000])) < MIN_LETTERS:
        return hint
    ranked = _identifier().rank(text)
    best, best_p = ranked[0]
    if hint and hint != best:
        hinted = dict(ranked).get(hint)
        if hinted is not None and best_p - hinted <= HINT_MARGIN:
            return hint
    return best
