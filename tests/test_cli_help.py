"""``python -m modwatch COMMAND --help`` keeps the examples' lines and drops docstring markup (new-user finding 14)."""

import pytest

from cli.main import COMMANDS, help_text, main


def command_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "command, example",
    [
        ("extract", "    python -m modwatch extract page.html.gz --language vi\n"),
        ("export", "    python -m modwatch export --out exports/ --country VN --platform Google --since 2019-01-01\n"),
        ("serve", "    python -m modwatch serve --live                   # watch a crawl that is still writing\n"),
        (
            "dsa-load",
            "    python -m modwatch dsa-load sor-global-2024-03-14-full.zip --platform TikTok --territorial-scope DE\n",
        ),
    ],
)
def test_examples_keep_their_own_lines(capsys, command, example):
    assert example in command_help(capsys, command)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_docstring_markup_in_help(capsys, command):
    out = command_help(capsys, command)
    assert "``" not in out and ":func:`" not in out and ":class:`" not in out
    assert "::\n" not in out


def test_help_text_markup():
    doc = "Title.\n\nExamples::\n\n    cmd --x\n\nReads ``PAGE`` with :func:`modwatch.x.parse` and :class:`~a.B`.\n"
    assert help_text(doc) == "Title.\n\nExamples:\n\n    cmd --x\n\nReads PAGE with modwatch.x.parse and a.B.\n"


def test_the_console_script_runs_the_same_command_line():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "modwatch"  # [project.scripts] in pyproject.toml
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: modwatch [-h] COMMAND ...")
    assert all(name in result.stdout for name in COMMANDS)


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--db", "{db}", "--out", "{tmp}/exports"],
        ["serve", "{db}", "--port", "1"],
        ["dsa-load", "--db", "{db}", "{tmp}/sor-global-2024-03-14-full-00000-00000.csv"],
        ["tag", "--db", "{db}"],
        ["warc-get", "--db", "{db}", "urn:uuid:00000000-0000-0000-0000-000000000000"],
    ],
)
def test_a_file_that_is_no_database_is_a_clear_error(capsys, tmp_path, argv):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a SQLite database, it is a text file of some length\n" * 20)
    (tmp_path / "sor-global-2024-03-14-full-00000-00000.csv").write_bytes(b"uuid\n")
    status = main([arg.format(db=garbage, tmp=tmp_path) for arg in argv])
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip().endswith(f"error: database {garbage}: file is not a database")


def test_an_empty_dump_file_is_refused(capsys, tmp_path):
    empty = tmp_path / "sor-global-2024-03-14-full-00000-00000.csv"
    empty.write_bytes(b"")
    assert main(["dsa-load", "--db", str(tmp_path / "m.db"), str(empty)]) == 2
    assert "an empty file (0 bytes) is no dump: nothing loaded" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"garbage,x\n", "{path}: header without a uuid column: ['garbage', 'x']"),
        (b"PK\x03\x04junk", "{path} is not a zip file: File is not a zip file"),
    ],
)
def test_a_bad_dump_is_named_once_with_its_folder(capsys, tmp_path, content, message):
    bad = tmp_path / ("sor-global-2024-03-14-full." + ("zip" if content.startswith(b"PK") else "csv"))
    bad.write_bytes(content)
    assert main(["dsa-load", "--db", str(tmp_path / "m.db"), str(bad)]) == 2
    assert capsys.readouterr().err.strip() == message.format(path=bad)


def test_export_of_an_empty_database_is_an_error_not_an_empty_bundle(capsys, tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert main(["export", "--db", str(empty), "--out", str(tmp_path / "exports")]) == 2
    assert "holds no modwatch table" in capsys.readouterr().err
    assert not (tmp_path / "exports").exists() or list((tmp_path / "exports").iterdir()) == []
