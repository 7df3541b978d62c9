"""``python -m modwatch tag``: re-tags changed articles only, or all with ``--all``."""

import shutil

import db
from db.articles import upsert_article
from cli.main import main
from modwatch.tagging.vocabulary import VOCAB_DIR
from tests.tagging.helpers import real_item

IDS = ("wikimedia-turkey", "zdnet-facebook-netzdg", "vi-pet-food")


def make_db(path):
    database = db.connect(path)
    for fixture_id in IDS:
        upsert_article(database, real_item(fixture_id))
    return database


def test_tag_changed_articles_only(tmp_path, capsys):
    path = tmp_path / "modwatch.db"
    make_db(path).close()
    assert main(["tag", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tagged 3 of 3 articles")
    assert "  law      1 articles" in out  # NetzDG
    assert "  topic    2 articles" in out

    assert main(["tag", "--db", str(path)]) == 0
    assert capsys.readouterr().out.startswith("tagged 0 of 3 articles (0 tags)")

    database = db.connect(path)
    item = real_item("vi-pet-food")
    upsert_article(database, {**item, "title": item["title"] + " (Việt Nam)"})
    database.close()
    assert main(["tag", "--db", str(path)]) == 0
    assert capsys.readouterr().out.startswith("tagged 1 of 3 articles (1 tags)")

    assert main(["tag", "--db", str(path), "--all"]) == 0
    assert capsys.readouterr().out.startswith("tagged 3 of 3 articles")
    database = db.connect(path)
    keys = [r["key"] for r in database.query("select key from article_entity_tags where url = ?", [item["url"]])]
    assert keys == ["VN"]


def test_a_vocabulary_change_retags_everything(tmp_path, capsys):
    path = tmp_path / "modwatch.db"
    make_db(path).close()
    vocab = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, vocab)
    assert main(["tag", "--db", str(path), "--vocab", str(vocab)]) == 0
    capsys.readouterr()
    topics = vocab / "topics.yaml"
    topics.write_text(
        topics.read_text(encoding="utf-8").replace("      - {regex: 'censor\\w*'}\n", ""), encoding="utf-8"
    )
    assert main(["tag", "--db", str(path), "--vocab", str(vocab)]) == 0
    assert capsys.readouterr().out.startswith("tagged 3 of 3 articles")


def test_invalid_vocabulary_exits_2_with_the_reason(tmp_path, capsys):
    vocab = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, vocab)
    (vocab / "laws.yaml").write_text("entries: [{key: x}]\n", encoding="utf-8")
    assert main(["tag", "--db", str(tmp_path / "modwatch.db"), "--vocab", str(vocab)]) == 2
    assert "laws.yaml: entry 'x': 'label' is required" in capsys.readouterr().err


def test_missing_database_exits_2_and_creates_nothing(tmp_path, capsys, monkeypatch):
    """A mistyped MODWATCH_DB or --db is refused, not created empty (new-user finding 11)."""
    mistyped = tmp_path / "modwatc.db"
    assert main(["tag", "--db", str(mistyped)]) == 2
    assert capsys.readouterr().err.startswith(f"error: database {mistyped} does not exist")
    monkeypatch.setenv("MODWATCH_DB", str(tmp_path / "data" / "modwatch.db"))
    assert main(["tag"]) == 2
    assert list(tmp_path.iterdir()) == []
