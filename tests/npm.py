"""npm packages for the tests, installed from the registry with `npm ci` from a pinned lockfile.

A package.json and package-lock.json in the repository say what to install; the first run
installs it into a folder of .cache/, later runs reuse that install until the lockfile
changes. Under CI (CI=true) a missing Node.js or npm fails the test rather than skipping it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
INSTALL_SECONDS = 300


def unavailable(reason: str) -> None:
    """Skips the test, or under CI, where everything must run, fails it."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


def npm_install(source: Path, cache_name: str, files: Iterable[str] = ()) -> Path:
    """The folder under .cache/ where `source`'s lockfile is installed (with `files` beside it)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable("this test needs Node.js and npm on the PATH")
    cache = REPOSITORY / ".cache" / cache_name
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", *files):
        shutil.copyfile(source / name, cache / name)
    lock = hashlib.sha256((source / "package-lock.json").read_bytes()).hexdigest()
    stamp = cache / "node_modules" / ".installed-lock"
    if not stamp.exists() or stamp.read_text() != lock:
        installed = subprocess.run(
            [str(npm), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=cache,
            capture_output=True,
            check=False,
            text=True,
            timeout=INSTALL_SECONDS,
        )
        assert installed.returncode == 0, f"npm ci failed:\n{installed.stdout}{installed.stderr}"
        stamp.write_text(lock)
    return cache
