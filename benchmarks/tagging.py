"""Tagging speed: the matcher over the 181 real news articles of the Zyte article-extraction
benchmark (``$MODWATCH_SHARED`` or ``../shared/data``), beside a reference run of the same
matcher with its literal prefilter switched off (every alias regex run on every text).

Both runs must give identical tags (checked). Prints articles/s, ms per article, MB/s.

    .venv/bin/python benchmarks/tagging.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from benchdata import same_work, shared_data, summary  # noqa: E402  (benchmarks/ is sys.path[0])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modwatch.tagging import load_vocabulary, tag_text  # noqa: E402
from modwatch.tagging.vocabulary import Vocabulary  # noqa: E402


def without_prefilter(vocabulary: Vocabulary) -> Vocabulary:
    entries = tuple(
        dataclasses.replace(e, aliases=tuple(dataclasses.replace(a, anchors=None) for a in e.aliases))
        for e in vocabulary.entries
    )
    return Vocabulary(entries=entries, sha256=vocabulary.sha256 + "-reference", directory=vocabulary.directory)


def run(texts, vocabulary, repeat):
    best, tags = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        tags = [[(t.ref, t.count) for t in tag_text(text, vocabulary)] for text in texts]
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, tags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shared = shared_data()
    truth = shared / "article-extraction-benchmark" / "ground-truth.json"
    texts = [entry["articleBody"] for entry in json.loads(truth.read_text(encoding="utf-8")).values()]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    vocabulary = load_vocabulary()
    aliases = sum(len(e.aliases) for e in vocabulary.entries)
    print(
        f"{len(texts)} articles, {megabytes:.2f} MB; vocabulary: {len(vocabulary.entries)} entries, {aliases} aliases"
    )
    same_work(
        "tag_text with its literal prefilter",
        f"the same matcher with every alias regex run on every text; same {len(texts)} texts, best of {args.repeat}",
    )
    results, rates = {}, {}
    for name, vocab in (("modwatch matcher", vocabulary), ("reference: no prefilter", without_prefilter(vocabulary))):
        seconds, tags = run(texts, vocab, args.repeat)
        results[name] = tags
        rates[name] = len(texts) / seconds
        print(
            f"{name:26} {len(texts) / seconds:8.1f} articles/s {1000 * seconds / len(texts):7.2f} ms/article "
            f"{megabytes / seconds:6.2f} MB/s (best of {args.repeat})"
        )
    same = results["modwatch matcher"] == results["reference: no prefilter"]
    tagged = sum(1 for t in results["modwatch matcher"] if t)
    print(f"identical tags: {same}; articles with at least one tag: {tagged}/{len(texts)}")
    mine, reference = rates["modwatch matcher"], rates["reference: no prefilter"]
    summary(
        f"tagging, {len(texts)} articles",
        f"{mine:.0f} articles/s",
        f"{reference:.0f} articles/s",
        mine / reference,
        f"tag_text vs the same matcher without its prefilter (identical tags: {same})",
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
