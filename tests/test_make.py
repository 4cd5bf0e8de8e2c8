"""The two commands of the README: what `make run` and `make test` do on a new machine.

Installing a package cannot happen in a test: `apt-get` here is a stand-in on PATH that
writes down how it was called."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="needs GNU make")


def fake_bin(tmp_path: Path, *, chromium: bool) -> Path:
    """A PATH with only what the recipe needs, a recording apt-get, maybe a chromium."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("id", "sh"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    log = tmp_path / "apt.log"
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    (bin_dir / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    if chromium:
        (bin_dir / "chromium").write_text("#!/bin/sh\nexit 0\n")
    for script in bin_dir.iterdir():
        if not script.is_symlink():
            script.chmod(0o755)
    return bin_dir


def run_make(tmp_path, *args, chromium: bool) -> tuple[subprocess.CompletedProcess, str]:
    env = {**os.environ, "PATH": str(fake_bin(tmp_path, chromium=chromium))}
    result = subprocess.run([MAKE, "-C", str(ROOT), *args], env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    log = tmp_path / "apt.log"
    return result, log.read_text() if log.exists() else ""


def test_make_test_installs_debians_chromium_where_it_is_missing(tmp_path):
    result, apt = run_make(tmp_path, "chromium", chromium=False)
    assert result.returncode == 0, result.stderr
    assert "installing Debian's chromium" in result.stdout
    assert apt.splitlines() == ["update -q", "install -y -q chromium fonts-dejavu-core"]


def test_make_test_leaves_an_installed_chromium_alone(tmp_path):
    result, apt = run_make(tmp_path, "chromium", chromium=True)
    assert result.returncode == 0 and apt == ""


def test_the_test_target_sets_up_chromium_first():
    dry = subprocess.run([MAKE, "-C", str(ROOT), "-n", "-W", "requirements-dev.txt", "test"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    commands = dry.stdout
    assert commands.index("command -v chromium") < commands.index("pytest")


def test_make_run_serves_the_port_it_is_given():
    dry = subprocess.run([MAKE, "-C", str(ROOT), "-n", "run", "PORT=8123"], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert "run --host 127.0.0.1 --port 8123" in dry.stdout
    assert "demo logins" in dry.stdout
