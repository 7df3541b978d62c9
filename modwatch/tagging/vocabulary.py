"""Load and compile the tagging vocabularies (``modwatch/vocab/*.yaml``).

Four files, one per kind of tag: ``platforms.yaml``, ``laws.yaml``, ``countries.yaml`` and
``topics.yaml``. Their format is documented at the top of each file (``platforms.yaml`` has the
common part). :func:`load_vocabulary` reads them, validates every entry (unknown keys, missing
fields, bad regular expressions, unknown ``@context`` names, bad dates all raise
:class:`VocabularyError` naming the file and the entry) and compiles each alias into a regular
expression. Countries are built from pycountry's ISO 3166-1 list plus ``countries.yaml``.

The compiled :class:`Vocabulary` carries ``sha256``, a hash of the four files, the pycountry
version and :data:`MATCHER_VERSION`: when it changes, every stored article needs re-tagging.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

import pycountry
import yaml

from modwatch.tagging.model import Alias, Entry, Vocabulary, VocabularyError
from modwatch.tagging.phrases import code_regex, nfc, phrase_regex, required_literals, whole_words

#: bump when the matching rules in code change (forces re-tagging like a vocabulary edit)
MATCHER_VERSION = "1"

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"
KINDS = ("platform", "law", "country", "topic")
FILES = {"platform": "platforms.yaml", "law": "laws.yaml", "country": "countries.yaml", "topic": "topics.yaml"}

_ENTRY_KEYS = {
    "platform": {"key", "label", "description", "aliases", "report_platforms"},
    "law": {"key", "label", "description", "aliases", "jurisdiction", "countries", "in_force", "instrument"},
    "country": {"key", "label", "description", "aliases", "requires", "report_names"},
    "topic": {"key", "label", "description", "aliases"},
}
_FILE_KEYS = {
    "platform": {"contexts", "entries"},
    "law": {"contexts", "entries"},
    "country": {"contexts", "entries", "case_sensitive_names", "exclude_names", "not_preceded_by"},
    "topic": {"contexts", "entries"},
}
_ALIAS_KEYS = {"text", "regex", "case_sensitive", "requires"}
_INSTRUMENT_KEYS = {"type", "number", "year", "code", "cite_year", "bare"}
_KEY_RE = {"country": re.compile(r"^[A-Z]{2}$")}
_DEFAULT_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

#: instrument type -> (English word, Vietnamese word) as regex
_INSTRUMENT_WORDS = {
    "decree": (r"Decree", r"Nghị\s+định"),
    "decision": (r"Decision", r"Quyết\s+định"),
    "law": (r"Law", r"Luật"),
    "circular": (r"Circular", r"Thông\s+tư"),
    "resolution": (r"Resolution", r"Nghị\s+quyết"),
}

#: the context every generated short "Decree 72" form requires (defined in laws.yaml)
VIETNAM_CONTEXT = "@vietnam"


class _Compiler:
    """Compiles the aliases of one file, resolving its ``contexts``."""

    def __init__(self, path: Path, contexts: dict):
        self.path = path
        self.contexts = {}
        if not isinstance(contexts, dict):
            raise VocabularyError(f"{path}: 'contexts' must be a mapping of name -> regex")
        for name, source in contexts.items():
            self.contexts[name] = self._compile(str(source).strip(), re.IGNORECASE, f"context {name!r}")

    def _compile(self, source: str, flags: int, where: str) -> re.Pattern:
        try:
            return re.compile(nfc(source), flags)
        except re.error as error:
            raise VocabularyError(f"{self.path}: {where}: bad regular expression {source!r}: {error}") from None

    def requires(self, value, where: str) -> re.Pattern | None:
        if value is None:
            return None
        value = str(value).strip()
        if value.startswith("@"):
            try:
                return self.contexts[value[1:]]
            except KeyError:
                raise VocabularyError(
                    f"{self.path}: {where}: unknown context {value!r} (defined: {sorted(self.contexts)})"
                ) from None
        return self._compile(value, re.IGNORECASE, f"{where} requires")

    def alias(self, raw, where: str, *, case_sensitive=False, requires=None) -> Alias:
        if isinstance(raw, (str, int, float)):
            raw = {"text": str(raw)}
        if not isinstance(raw, dict):
            raise VocabularyError(f"{self.path}: {where}: an alias must be a phrase or a mapping, not {raw!r}")
        unknown = set(raw) - _ALIAS_KEYS
        if unknown:
            raise VocabularyError(
                f"{self.path}: {where}: unknown alias keys {sorted(unknown)} (allowed: {sorted(_ALIAS_KEYS)})"
            )
        if ("text" in raw) == ("regex" in raw):
            raise VocabularyError(f"{self.path}: {where}: an alias needs exactly one of 'text' or 'regex': {raw!r}")
        if "text" in raw:
            if not str(raw["text"]).strip():
                raise VocabularyError(f"{self.path}: {where}: empty alias")
            source = phrase_regex(str(raw["text"]))
            label = str(raw["text"])
            anchors = (max(re.split(r"[\s\-]+", nfc(label).strip()), key=len).casefold(),)
        else:
            source = str(raw["regex"])
            label = f"/{source}/"
            anchors = None
        flags = 0 if raw.get("case_sensitive", case_sensitive) else re.IGNORECASE
        pattern = self._compile(whole_words(source), flags, f"{where} alias {label!r}")
        if anchors is None:
            anchors = required_literals(pattern.pattern)
        required = self.requires(raw["requires"], where) if "requires" in raw else requires
        return Alias(pattern, label, required, anchors)


def _load_yaml(path: Path, kind: str) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise VocabularyError(f"{path}: cannot read vocabulary: {error}") from None
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: the file must be a mapping with 'entries'")
    unknown = set(data) - _FILE_KEYS[kind]
    if unknown:
        raise VocabularyError(f"{path}: unknown top-level keys {sorted(unknown)} (allowed: {sorted(_FILE_KEYS[kind])})")
    if not isinstance(data.get("entries", []), list):
        raise VocabularyError(f"{path}: 'entries' must be a list")
    return data


def _check_entry(path: Path, kind: str, raw, index: int) -> str:
    if not isinstance(raw, dict):
        raise VocabularyError(f"{path}: entry #{index + 1} must be a mapping, not {raw!r}")
    key = raw.get("key")
    where = f"entry {key!r}" if key else f"entry #{index + 1}"
    unknown = set(raw) - _ENTRY_KEYS[kind]
    if unknown:
        raise VocabularyError(f"{path}: {where}: unknown keys {sorted(unknown)} (allowed: {sorted(_ENTRY_KEYS[kind])})")
    if not isinstance(key, str) or not _KEY_RE.get(kind, _DEFAULT_KEY_RE).match(key):
        expected = "an ISO 3166-1 alpha-2 code" if kind == "country" else "[a-z0-9-]+"
        raise VocabularyError(f"{path}: {where}: 'key' must be {expected}")
    if kind != "country" and not raw.get("label"):
        raise VocabularyError(f"{path}: {where}: 'label' is required")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list):
        raise VocabularyError(f"{path}: {where}: 'aliases' must be a list")
    if kind in ("platform", "topic") and not aliases:
        raise VocabularyError(f"{path}: {where}: at least one alias is required")
    return where


def _iso_date(path: Path, where: str, value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise VocabularyError(f"{path}: {where}: 'in_force' must be YYYY-MM-DD, not {value!r}") from None


def _instrument_aliases(compiler: _Compiler, where: str, raw) -> list[Alias]:
    """The usual spellings of a numbered instrument (see the top of laws.yaml)."""
    path = compiler.path
    if not isinstance(raw, dict):
        raise VocabularyError(f"{path}: {where}: 'instrument' must be a mapping")
    unknown = set(raw) - _INSTRUMENT_KEYS
    if unknown:
        raise VocabularyError(f"{path}: {where}: unknown instrument keys {sorted(unknown)}")
    kind = raw.get("type")
    if kind not in _INSTRUMENT_WORDS:
        raise VocabularyError(f"{path}: {where}: instrument type must be one of {sorted(_INSTRUMENT_WORDS)}")
    if "number" not in raw or "code" not in raw or "year" not in raw:
        raise VocabularyError(f"{path}: {where}: instrument needs number, year and code")
    english, vietnamese = _INSTRUMENT_WORDS[kind]
    number = re.escape(str(raw["number"]))
    year = re.escape(str(raw["year"]))
    code = code_regex(str(raw["code"]))
    cite_year = raw.get("cite_year", True)
    end = r"(?![\w/])"
    citation = f"{number}/{year}/{code}" if cite_year else f"{number}/{code}"
    sources: list[tuple[str, str | None]] = [(rf"(?<![\d/]){citation}", None)]
    numbered = rf"(?:No\.?\s*|Number\s+|số\s+)?{number}"
    if cite_year:
        sources.append((rf"(?:{english}|{vietnamese})\s+{numbered}(?:/{year}(?:/{code})?|\s+of\s+{year}){end}", None))
    else:
        sources.append((rf"(?:{english}|{vietnamese})\s+{numbered}/{code}{end}", None))
    if raw.get("bare", True):
        sources.append((rf"{vietnamese}\s+(?:số\s+)?{number}{end}", None))
        sources.append((rf"{english}\s+(?:No\.?\s*)?{number}{end}", VIETNAM_CONTEXT))
    aliases = []
    for source, requires in sources:
        spec = {"regex": source}
        if requires:
            if requires[1:] not in compiler.contexts:
                raise VocabularyError(f"{path}: {where}: generated short forms need the context {requires!r}")
            spec["requires"] = requires
        aliases.append(compiler.alias(spec, f"{where} instrument"))
    return aliases


def _file_entries(directory: Path, kind: str) -> list[Entry]:
    path = directory / FILES[kind]
    data = _load_yaml(path, kind)
    compiler = _Compiler(path, data.get("contexts") or {})
    entries = []
    for index, raw in enumerate(data.get("entries") or []):
        where = _check_entry(path, kind, raw, index)
        aliases = [compiler.alias(a, where) for a in raw.get("aliases") or []]
        extra = {}
        if kind == "platform":
            extra["report_platforms"] = tuple(str(p) for p in raw.get("report_platforms") or ())
        if kind == "law":
            if raw.get("instrument") is not None:
                aliases = _instrument_aliases(compiler, where, raw["instrument"]) + aliases
            if not aliases:
                raise VocabularyError(f"{path}: {where}: a law needs 'aliases' or an 'instrument'")
            jurisdiction = raw.get("jurisdiction")
            countries = raw.get("countries")
            if countries is None:
                countries = [jurisdiction] if isinstance(jurisdiction, str) and len(jurisdiction) == 2 else []
            bad = [c for c in countries if not isinstance(c, str) or not _KEY_RE["country"].match(c)]
            if bad:
                raise VocabularyError(f"{path}: {where}: 'countries' must be alpha-2 codes, not {bad}")
            extra.update(
                jurisdiction=jurisdiction,
                countries=tuple(countries),
                in_force=_iso_date(path, where, raw.get("in_force")),
            )
        entries.append(
            Entry(
                kind=kind,
                key=raw["key"],
                label=str(raw.get("label") or raw["key"]),
                aliases=tuple(aliases),
                description=raw.get("description"),
                **extra,
            )
        )
    return entries


def _pycountry_names(country) -> list[str]:
    names = []
    for attr in ("name", "common_name", "official_name"):
        value = getattr(country, attr, None)
        if not value:
            continue
        for part in re.split(r"\s*\(([^)]*)\)\s*", value):  # "Holy See (Vatican City State)"
            part = part.strip()
            if not part:
                continue
            if ", " in part:  # "Korea, Republic of" -> "Republic of Korea"
                head, _, tail = part.partition(", ")
                part = f"{tail} {head}"
                part = re.sub(r"^the\s+", "", part, flags=re.IGNORECASE)
            if part not in names:
                names.append(part)
    return names


def _country_name(name: str, not_after: list | None) -> dict:
    """Alias spec of a pycountry name; with ``not_after`` words ("New" for "Mexico"), a regex
    refusing the name right after any of them ("New Mexico" is not MX)."""
    if not not_after:
        return {"text": name}
    lookbehinds = "".join(rf"(?<!\b{re.escape(nfc(str(word)))}\s)" for word in not_after)
    return {"regex": lookbehinds + phrase_regex(name)}


def _country_entries(directory: Path) -> list[Entry]:
    path = directory / FILES["country"]
    data = _load_yaml(path, "country")
    compiler = _Compiler(path, data.get("contexts") or {})
    case_sensitive = set(data.get("case_sensitive_names") or [])
    excluded = set(data.get("exclude_names") or [])
    not_preceded_by = data.get("not_preceded_by") or {}
    if not isinstance(not_preceded_by, dict) or not all(isinstance(v, list) for v in not_preceded_by.values()):
        raise VocabularyError(f"{path}: 'not_preceded_by' must map a name to a list of words")
    extras = {}
    for index, raw in enumerate(data.get("entries") or []):
        where = _check_entry(path, "country", raw, index)
        report_names = raw.get("report_names", [])
        if not isinstance(report_names, list) or not all(isinstance(n, str) and n.strip() for n in report_names):
            raise VocabularyError(f"{path}: {where}: 'report_names' must be a list of names")
        if raw["key"] in extras:
            raise VocabularyError(f"{path}: {where}: duplicate key")
        extras[raw["key"]] = (where, raw)
    entries = []
    for country in pycountry.countries:
        code = country.alpha_2
        where, raw = extras.pop(code, (f"entry {code!r}", {}))
        requires = compiler.requires(raw.get("requires"), where)
        aliases = [
            compiler.alias(
                _country_name(name, not_preceded_by.get(name)),
                where,
                case_sensitive=name in case_sensitive,
                requires=requires,
            )
            for name in _pycountry_names(country)
            if name not in excluded
        ]
        aliases += [compiler.alias(a, where) for a in raw.get("aliases") or []]
        label = raw.get("label") or getattr(country, "common_name", None) or country.name
        names = _country_names(label, _pycountry_names(country), raw)
        entries.append(
            Entry(
                kind="country",
                key=code,
                label=label,
                aliases=tuple(aliases),
                description=raw.get("description"),
                names=names,
            )
        )
    for code, (where, raw) in extras.items():  # codes pycountry lacks (e.g. XK Kosovo)
        if not raw.get("label") or not raw.get("aliases"):
            raise VocabularyError(f"{path}: {where}: not an ISO 3166-1 country: give 'label' and 'aliases'")
        entries.append(
            Entry(
                kind="country",
                key=code,
                label=raw["label"],
                aliases=tuple(compiler.alias(a, where) for a in raw["aliases"]),
                description=raw.get("description"),
                names=_country_names(raw["label"], [], raw),
            )
        )
    return entries


def _country_names(label: str, pycountry_names: list[str], raw: dict) -> tuple[str, ...]:
    """The country's names as a whole: label, pycountry names, plain-text aliases, report_names."""
    aliases = [a.get("text") if isinstance(a, dict) else a for a in raw.get("aliases") or []]
    names = [
        label,
        *pycountry_names,
        *(str(a) for a in aliases if a is not None),
        *(str(n) for n in raw.get("report_names") or []),
    ]
    return tuple(dict.fromkeys(names))


def vocabulary_sha256(directory: Path) -> str:
    """Hash of the four files, the pycountry version and :data:`MATCHER_VERSION`."""
    digest = hashlib.sha256(f"matcher {MATCHER_VERSION}\n".encode())
    digest.update(f"pycountry {getattr(pycountry, '__version__', '')} {len(pycountry.countries)}\n".encode())
    for kind in KINDS:
        digest.update(FILES[kind].encode() + b"\n")
        digest.update((directory / FILES[kind]).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _load(directory: str, sha256: str) -> Vocabulary:
    path = Path(directory)
    entries = []
    for kind in KINDS:
        entries += _country_entries(path) if kind == "country" else _file_entries(path, kind)
    seen = set()
    for entry in entries:
        if (entry.kind, entry.key) in seen:
            raise VocabularyError(f"{path / FILES[entry.kind]}: duplicate key {entry.key!r}")
        seen.add((entry.kind, entry.key))
    return Vocabulary(entries=tuple(entries), sha256=sha256, directory=directory)


def load_vocabulary(directory: str | os.PathLike | None = None) -> Vocabulary:
    """Load, validate and compile the vocabulary in ``directory`` (default ``modwatch/vocab``,
    or ``$MODWATCH_VOCAB_DIR``). Cached while the files are unchanged.

    Raises :class:`VocabularyError` for a missing or invalid file.
    """
    path = Path(directory or os.environ.get("MODWATCH_VOCAB_DIR") or VOCAB_DIR).resolve()
    try:
        sha256 = vocabulary_sha256(path)
    except OSError as error:
        raise VocabularyError(f"{path}: cannot read vocabulary: {error}") from None
    return _load(str(path), sha256)
