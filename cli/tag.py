"""Re-run tagging (platforms, laws, countries, topics) over the stored articles.

Only articles that changed since they were tagged (title/body hash), were never tagged, or were
tagged with another version of the vocabulary are processed, unless ``--all``. Prints one line
per kind with the number of articles tagged with it. Exit status 0; 2 for a database that does
not exist (a mistyped ``--db``/``$MODWATCH_DB`` is not created empty), or an invalid vocabulary or
relevance rule (the message says which file and entry).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from db import default_path


def add_arguments(parser) -> None:
    parser.add_argument(
        "--db", default=default_path(), help="SQLite database (default: $MODWATCH_DB or data/modwatch.db)"
    )
    parser.add_argument("--all", action="store_true", help="re-tag every article, changed or not")
    parser.add_argument("--vocab", default=None, help="vocabulary folder (default: modwatch/vocab)")
    parser.add_argument(
        "--sites",
        default=None,
        help="sites file whose relevance rules give articles.relevance_reason "
        "(default: $MODWATCH_SITES_FILE or modwatch/sites.yaml)",
    )


def run(args) -> int:
    import db
    from db import tagging as store
    from modwatch.tagging import RelevanceRuleError, VocabularyError, load_vocabulary
    from modwatch.tagging.stored import load_rules, tag_stored_article

    try:
        vocabulary = load_vocabulary(args.vocab)
        rules = load_rules(args.sites)
    except (VocabularyError, RelevanceRuleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not Path(args.db).is_file():
        print(
            f"error: database {args.db} does not exist (crawl into it first, e.g. `make demo SERVE=0`)", file=sys.stderr
        )
        return 2
    database = db.connect(args.db)
    entity_ids = store.prepare(database, vocabulary)
    started = time.monotonic()
    total = store.count_articles(database)
    kinds: Counter = Counter()
    tagged = tags_stored = 0
    for row in store.articles_to_tag(database, vocabulary.sha256, everything=args.all):
        tags, count = tag_stored_article(database, row, vocabulary, entity_ids=entity_ids, rules=rules)
        tags_stored += count
        kinds.update({tag.kind for tag in tags})
        tagged += 1
    elapsed = time.monotonic() - started
    print(
        f"tagged {tagged} of {total} articles ({tags_stored} tags) in {elapsed:.1f}s; "
        f"{total - tagged} unchanged" + (" (--all)" if args.all else "")
    )
    for kind in ("platform", "law", "country", "topic"):
        print(f"  {kind:8} {kinds[kind]} articles")
    database.close()
    return 0
