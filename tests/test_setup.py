"""The Makefile's Python finder: candidates are run, not trusted by name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIND = ROOT / "scripts" / "find-python"
TOOLS = ("sh", "find", "basename", "sort", "cat", "dirname")

SHIM = """#!/bin/sh
echo "pyenv: $(basename "$0"): command not found" >&2
exit 127
"""
OLD = """#!/bin/sh
# a Python 3.11 that passes no check of ours
exit 1
"""


def sandbox(tmp_path: Path) -> Path:
    """A PATH with the shell tools and nothing else, so no real Python is found by accident."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    for name, text in (("python3.13", SHIM), ("python3.12", SHIM), ("python3", OLD)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return bin_dir


def find(bin_dir: Path, pyenv_root: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(bin_dir), "HOME": str(bin_dir.parent), "PYENV_ROOT": str(pyenv_root)}
    return subprocess.run(["sh", str(FIND)], env=env, capture_output=True, text=True, check=False)


def test_broken_shims_and_an_old_python_give_a_clear_message(tmp_path: Path) -> None:
    result = find(sandbox(tmp_path), tmp_path / "no-pyenv")
    assert result.returncode == 1 and result.stdout == ""
    assert "Obhut needs Python 3.12 or newer" in result.stderr
    assert "apt-get install python3 python3-venv" in result.stderr


def test_a_pyenv_version_is_found_after_the_shims_fail(tmp_path: Path) -> None:
    root = tmp_path / "pyenv"
    for version in ("3.9.18", "3.13.0"):
        (root / "versions" / version / "bin").mkdir(parents=True)
    (root / "versions" / "3.9.18" / "bin" / "python3").write_text(OLD)
    (root / "versions" / "3.9.18" / "bin" / "python3").chmod(0o755)
    good = root / "versions" / "3.13.0" / "bin" / "python3"
    good.symlink_to(os.path.realpath(sys.executable))
    result = find(sandbox(tmp_path), root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(good)
