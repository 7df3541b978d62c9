"""Quality gate of body text and dates: small real subsets of the three benchmark corpora, scored with
each corpus' own metric, against floors pinned in ``tests/extract/quality_floors.json``.

``tests/extract/test_quality_gate.py`` runs it in ``make test``: a change that makes body F1 or date
accuracy worse than the pinned floor fails the tests. The subsets live in ``tests/fixtures/quality/``
(see its SOURCE.md); the floors file also pins a SHA-256 of every input (pages and labels), so a
changed subset cannot pass silently against old floors.

Corpora and metrics (the same as ``benchmarks/``):

- ``zyte``: Zyte's article-extraction benchmark; F1 of the averaged precision and recall of 4-word
  shingle multisets (``benchmarks/article_extraction.py``);
- ``trafilatura``: trafilatura's evaluation pages; F1 of summed "with"/"without" snippet matches
  (``benchmarks/trafilatura_eval.py``);
- ``dates``: htmldate's evaluation pages; share of pages whose publication day is the label
  (no date where the label is null counts as right).

Re-pin after an improvement (floors never go down without ``--allow-lower``)::

    .venv/bin/python tests/extract/quality_gate.py --pin
    .venv/bin/python tests/extract/quality_gate.py --pin --allow-lower   # an explicit, reviewed decision
    .venv/bin/python tests/extract/quality_gate.py --build ../shared/data # re-copy the subsets (then --pin)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "quality"
FLOORS = Path(__file__).resolve().parent / "quality_floors.json"
#: pages per corpus in the subset, chosen by the SHA-1 of their key among pages of at most MAX_GZ bytes
SIZES = {"zyte": 16, "trafilatura": 40, "dates": 40}
MAX_GZ = 40_000
TOKEN_RE = re.compile(r"\w+")
_WS_RE = re.compile(r"\s+")


# --------------------------------------------------------------------------------------- metrics


def _shingles(text: str) -> Counter:
    tokens = TOKEN_RE.findall(text or "")
    n = min(4, len(tokens))
    return Counter(zip(*[tokens[i:] for i in range(n)])) if n else Counter()


def shingle_f1(truths: dict[str, str], preds: dict[str, str]) -> float:
    """The Zyte benchmark's F1: harmonic mean of per-page precision and recall averages."""
    precisions, recalls = [], []
    for key, truth in truths.items():
        t, p = _shingles(truth), _shingles(preds.get(key) or "")
        tp = sum((t & p).values())
        fp, fn = sum((p - t).values()), sum((t - p).values())
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def snippet_f1(items: dict[str, dict], preds: dict[str, str]) -> float:
    """trafilatura's evaluation F1 over summed snippet counts."""
    tp = fp = fn = 0
    for key, item in items.items():
        text = _WS_RE.sub(" ", preds.get(key) or "").strip()
        found = sum(1 for w in item["with"] if text and _WS_RE.sub(" ", w).strip() in text)
        tp, fn = tp + found, fn + len(item["with"]) - found
        fp += sum(1 for w in item["without"] if text and _WS_RE.sub(" ", w).strip() in text)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


# --------------------------------------------------------------------------------------- the subsets


def labels(corpus: str) -> dict:
    return json.loads((FIXTURES / corpus / "labels.json").read_text(encoding="utf-8"))


def page(corpus: str, key: str) -> bytes:
    return gzip.decompress((FIXTURES / corpus / f"{key}.gz").read_bytes())


def digest() -> str:
    """SHA-256 over every input of the gate: file names and bytes of the pages and labels."""
    sha = hashlib.sha256()
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCE.md"):
        sha.update(str(path.relative_to(FIXTURES)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def scores() -> dict[str, float]:
    """The gate's figures on the in-repo subsets (rounded to 4 decimals)."""
    from modwatch.extract.dates import find_publication_date
    from modwatch.extract.text import extract_body

    zyte = labels("zyte")
    zyte_f1 = shingle_f1(
        {k: v["articleBody"] for k, v in zyte.items()},
        {k: extract_body(page("zyte", k), url=v["url"]) for k, v in zyte.items()},
    )
    traf = labels("trafilatura")
    traf_f1 = snippet_f1(traf, {k: extract_body(page("trafilatura", k)) for k in traf})
    dates = labels("dates")
    right = 0
    for key, item in dates.items():
        found = find_publication_date(page("dates", key), item["url"])
        right += (found.local_day if found else None) == item["date"]
    return {
        "zyte_body_f1": round(zyte_f1, 4),
        "trafilatura_body_f1": round(traf_f1, 4),
        "date_accuracy": round(right / len(dates), 4),
    }


def _choose(keys, size_of) -> list[str]:
    ranked = sorted(keys, key=lambda k: hashlib.sha1(k.encode()).hexdigest())
    return [k for k in ranked if size_of(k) <= MAX_GZ]


def build(shared: Path, avoid: set[str]) -> None:
    """Copy the subsets from the shared benchmark folders (``avoid``: SHA-256s of files already in the
    repository's fixtures, which the tests must not hold twice)."""

    def fresh(path: Path) -> bool:
        return hashlib.sha256(path.read_bytes()).hexdigest() not in avoid

    if FIXTURES.exists():
        for sub in ("zyte", "trafilatura", "dates"):
            shutil.rmtree(FIXTURES / sub, ignore_errors=True)
    zyte_dir = shared / "article-extraction-benchmark"
    truth = json.loads((zyte_dir / "ground-truth.json").read_text(encoding="utf-8"))
    keys = [
        k
        for k in _choose(truth, lambda k: (zyte_dir / "html" / f"{k}.html.gz").stat().st_size)
        if fresh(zyte_dir / "html" / f"{k}.html.gz")
    ][: SIZES["zyte"]]
    _write("zyte", {k: truth[k] for k in keys}, {k: zyte_dir / "html" / f"{k}.html.gz" for k in keys})
    traf_dir = shared / "trafilatura-eval"
    evaldata = {
        item["file"]: {**item, "url": url}
        for url, item in json.loads((traf_dir / "evaldata.json").read_text(encoding="utf-8")).items()
    }
    keys = [
        k
        for k in _choose(evaldata, lambda k: (traf_dir / "html" / f"{k}.gz").stat().st_size)
        if fresh(traf_dir / "html" / f"{k}.gz")
    ][: SIZES["trafilatura"]]
    _write("trafilatura", {k: evaldata[k] for k in keys}, {k: traf_dir / "html" / f"{k}.gz" for k in keys})
    date_dir = shared / "date-benchmark"
    expected = json.loads((date_dir / "expected-dates.json").read_text())
    metadata = json.loads((date_dir / "page-metadata.json").read_text())
    keys = [
        k
        for k in _choose(expected, lambda k: (date_dir / metadata[k]["stored_as"]).stat().st_size)
        if fresh(date_dir / metadata[k]["stored_as"])
    ][: SIZES["dates"]]
    _write(
        "dates",
        {k: {"url": metadata[k]["urls"][0], "date": expected[k]} for k in keys},
        {k: date_dir / metadata[k]["stored_as"] for k in keys},
    )


def _write(corpus: str, chosen: dict, sources: dict[str, Path]) -> None:
    folder = FIXTURES / corpus
    folder.mkdir(parents=True, exist_ok=True)
    for key, source in sources.items():
        shutil.copyfile(source, folder / f"{key}.gz")
    (folder / "labels.json").write_text(
        json.dumps(chosen, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


def pin(allow_lower: bool) -> int:
    """Write the current scores and input digest as the floors; refuse a lower floor unless allowed."""
    now = scores()
    old = json.loads(FLOORS.read_text()) if FLOORS.exists() else {"floors": {}}
    lower = {
        name: (old["floors"][name], value)
        for name, value in now.items()
        if name in old["floors"] and value < old["floors"][name]
    }
    if lower and not allow_lower:
        print(f"refusing to lower floors {lower} (pass --allow-lower to do it on purpose)", file=sys.stderr)
        return 1
    FLOORS.write_text(json.dumps({"inputs_sha256": digest(), "floors": now}, indent=1) + "\n")
    print(f"pinned {now}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, metavar="SHARED_DATA", help="re-copy the subsets from this folder")
    parser.add_argument("--pin", action="store_true", help="pin the current scores and digest as floors")
    parser.add_argument("--allow-lower", action="store_true", help="with --pin: allow a floor to go down")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.build:
        from tests.helpers import DEMO_FILES, FIXTURES as ALL_FIXTURES

        avoid = {
            hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in (ALL_FIXTURES, DEMO_FILES)
            for p in folder.rglob("*")
            if p.is_file() and FIXTURES not in p.parents
        }
        build(args.build, avoid)
    if args.pin:
        return pin(args.allow_lower)
    print(json.dumps({"inputs_sha256": digest(), "scores": scores()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
