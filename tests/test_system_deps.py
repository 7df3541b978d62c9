"""The set-up in the two commands: ``make test`` and ``make demo`` first run ``scripts/system-deps``,
which installs the Debian packages the suite needs (apt-get, as root) or names them and stops.

The script runs here with a PATH that holds only stand-ins for ``id`` (the user) and ``apt-get``
(which records its arguments): the real system is never changed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "system-deps"
EVERY_PACKAGE = "chromium chromium-driver redis-server sqlite3"


def listed_packages() -> dict[str, str]:
    """binary -> Debian package, as the script's PACKAGES list says."""
    block = re.search(r"PACKAGES='\n(.*?)'\n", SCRIPT.read_text(encoding="utf-8"), re.S).group(1)
    return dict(line.split() for line in block.splitlines() if line.strip())


def looked_up_binaries() -> set[str]:
    """Executables the tests and benchmarks look up: ``shutil.which("x")`` or ``Path("/usr/bin/x")``."""
    found = set()
    for path in [*(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]:
        if path == Path(__file__):  # this file's own examples
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""which\(\s*["']([\w.+-]+)["']""", text))
        found |= set(re.findall(r"""["']/usr/bin/([\w.+-]+)["']""", text))
    return found


def test_the_install_step_names_every_binary_the_suite_looks_up():
    looked_up = looked_up_binaries()
    assert looked_up == {"chromium", "chromedriver", "redis-server", "sqlite3"}
    assert listed_packages() == {
        "chromium": "chromium",
        "chromedriver": "chromium-driver",
        "redis-server": "redis-server",
        "sqlite3": "sqlite3",
    }


def test_make_test_and_make_demo_run_the_install_step_and_ci_runs_make_test():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^system-deps:\n\t@sh scripts/system-deps$", makefile, re.M)
    assert re.search(r"^test: system-deps install$", makefile, re.M)
    assert re.search(r"^demo: system-deps install$", makefile, re.M)
    commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == ["make test"]


def fake_path(tmp_path: Path, uid: int, present: tuple[str, ...] = ()) -> tuple[str, Path]:
    """A PATH folder with a stand-in ``id`` (prints ``uid``), a recording ``apt-get``, and stand-ins for ``present``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "apt-get.log"
    scripts = {"id": f"echo {uid}", "apt-get": f'echo "$*" >> "{log}"', **{name: "exit 0" for name in present}}
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (folder / name).chmod(0o755)
    return str(folder), log


def run_script(path: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", str(SCRIPT)], env={"PATH": path}, capture_output=True, text=True, timeout=30)


def test_not_root_and_nothing_installed_names_the_packages_in_one_line_and_fails(tmp_path):
    path, log = fake_path(tmp_path, uid=1000)
    result = run_script(path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"missing system packages: {EVERY_PACKAGE} (install them as root: apt-get install {EVERY_PACKAGE})"
    ]
    assert not log.exists()


def test_not_root_names_only_the_missing_packages(tmp_path):
    path, _ = fake_path(tmp_path, uid=1000, present=("redis-server", "sqlite3", "chromedriver"))
    result = run_script(path)
    assert result.returncode == 1
    assert result.stderr.startswith("missing system packages: chromium (install")


def test_root_updates_then_installs_every_missing_package(tmp_path):
    path, log = fake_path(tmp_path, uid=0, present=("sqlite3",))
    result = run_script(path)
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [
        "update -qq",
        "install -y -qq --no-install-recommends chromium chromium-driver redis-server",
    ]


def test_nothing_missing_installs_nothing_and_says_nothing(tmp_path):
    path, log = fake_path(tmp_path, uid=1000, present=tuple(listed_packages()))
    result = run_script(path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert not log.exists()


@pytest.mark.parametrize("target", ["test", "demo"])
def test_make_stops_before_running_when_packages_are_missing(tmp_path, target):
    """``make test``/``make demo`` as a user without the packages: the line, then make fails, nothing runs."""
    path, _ = fake_path(tmp_path, uid=1000)
    (Path(path) / "make").symlink_to(shutil.which("make"))
    (Path(path) / "sh").symlink_to("/bin/sh")  # every machine has a shell; nothing else is on PATH
    result = subprocess.run(
        ["make", "-s", target, "PYTHON=/nonexistent/python"],
        cwd=ROOT,
        env={"PATH": path},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"missing system packages: {EVERY_PACKAGE}" in result.stderr
    assert "nonexistent" not in result.stdout + result.stderr  # the install step never started


def test_each_listed_package_provides_its_binary_on_this_machine():
    """On the Debian machine the suite runs on (make test installed them first): ``dpkg -S`` says
    that the listed package is the one that installed each binary."""
    owners = {}
    for binary, package in listed_packages().items():
        path = shutil.which(binary)
        assert path, f"{binary} not on PATH: make test installs {package}"
        result = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        owners[binary] = result.stdout.split(":")[0]
    assert owners == listed_packages()
