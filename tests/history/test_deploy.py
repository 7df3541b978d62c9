"""The scheduling recipes: the GitHub Actions workflow is valid (YAML, GitHub's workflow schema)
and runs the commands the README documents; the crontab and systemd units run the crawl command.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from check_jsonschema.cli.main_command import main as check_jsonschema

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "crawl.yml"
#: the default Meta, X and TikTok downloads are archived copies that stopped advancing: reported stale, not failing
ALLOW_STALE = "--allow-stale meta_restrictions --allow-stale tiktok_removals --allow-stale x_removals"
DEPLOY = ROOT / "deploy"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def run_commands() -> list[str]:
    return [step["run"].strip() for job in workflow()["jobs"].values() for step in job["steps"] if "run" in step]


def scheduling_section(readme: Path) -> str:
    """Text of the README section whose heading mentions scheduling (up to the next heading of its level)."""
    text = readme.read_text(encoding="utf-8")
    match = re.search(r"^(#+)[^\n]*[Ss]chedul[^\n]*\n(.*?)(?=^\1 |\Z)", text, re.S | re.M)
    assert match, f"{readme} has no section about scheduled crawls"
    return match.group(2)


def test_workflow_is_valid_yaml_and_a_valid_github_workflow():
    data = workflow()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"] == [{"cron": "17 3 * * *"}] and "workflow_dispatch" in triggers
    with pytest.raises(SystemExit) as exit_info:
        check_jsonschema(["--builtin-schema", "vendor.github-workflows", str(WORKFLOW)])
    assert exit_info.value.code == 0


def test_workflow_restores_and_saves_the_database_and_http_cache():
    steps = workflow()["jobs"]["crawl"]["steps"]
    caches = {s["uses"]: s["with"]["path"].split() for s in steps if s.get("uses", "").startswith("actions/cache/")}
    assert caches == {
        "actions/cache/restore@v4": ["data/modwatch.db", "data/httpcache", "data/jobs"],
        "actions/cache/save@v4": ["data/modwatch.db", "data/httpcache", "data/jobs"],
    }
    order = [s.get("run") or s.get("uses") for s in steps]
    assert (
        order.index("actions/cache/restore@v4")
        < order.index(f".venv/bin/python -m modwatch crawl {ALLOW_STALE}")
        < order.index("actions/cache/save@v4")
    )
    save = next(s for s in steps if s.get("uses") == "actions/cache/save@v4")
    assert save["if"] == "always()"  # the next run resumes an unhealthy or interrupted crawl


@pytest.mark.parametrize("readme", [DEPLOY / "README.md", ROOT / "README.md"], ids=["deploy/README.md", "README.md"])
def test_workflow_runs_the_commands_the_readme_documents(readme):
    section = scheduling_section(readme)
    commands = run_commands()
    assert len(commands) == 3  # install, crawl, publish
    assert [command for command in commands if command not in section] == [], readme.name


def crawl_argv(line: str) -> list[str]:
    argv = shlex.split(line)
    start = argv.index("modwatch") - 2
    return argv[start:]


def test_crontab_and_systemd_run_the_crawl_command():
    from cli import crawl
    from cli.main import COMMANDS

    assert COMMANDS["crawl"][0] is crawl
    cron = [line for line in (DEPLOY / "crontab").read_text().splitlines() if line and line[0].isdigit()]
    assert [crawl_argv(line.split("&&", 1)[1].split(">>")[0]) for line in cron] == [
        [".venv/bin/python", "-m", "modwatch", "crawl", "--exclude", "url_check", *ALLOW_STALE.split()],
        [
            ".venv/bin/python",
            "-m",
            "modwatch",
            "crawl",
            "url_check",
            "-a",
            "url_check:older_than=7d",
            "-a",
            "url_check:limit=2000",
        ],
    ]
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").iterdir()}
    starts = {
        name: re.search(r"^ExecStart=(.*)$", text, re.M).group(1)
        for name, text in units.items()
        if name.endswith(".service")
    }
    assert starts == {
        "modwatch-crawl.service": f"/srv/modwatch/.venv/bin/python -m modwatch crawl --exclude url_check {ALLOW_STALE}",
        "modwatch-url-check.service": "/srv/modwatch/.venv/bin/python -m modwatch crawl url_check "
        "-a url_check:older_than=7d -a url_check:limit=2000",
    }
    assert all("KillMode=mixed" in units[name] for name in starts)
    assert "OnCalendar=*-*-* 03:17:00 UTC" in units["modwatch-crawl.timer"]


def test_crawl_command_parses_the_scheduled_arguments():
    import argparse

    from cli import crawl

    parser = argparse.ArgumentParser()
    crawl.add_arguments(parser)
    args = parser.parse_args(["url_check", "-a", "url_check:older_than=7d", "-a", "url_check:limit=2000"])
    assert args.spiders == ["url_check"]
    assert crawl.spider_arguments(args.spider_args, "url_check") == ["-a", "older_than=7d", "-a", "limit=2000"]
