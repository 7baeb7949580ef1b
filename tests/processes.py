"""Servers the tests start as subprocesses: a free loopback port, and waiting until one answers."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answers(
    url: str, process: subprocess.Popen[bytes], log: Path, *, name: str, seconds: float
) -> None:
    """Returns once `url` answers 200; raises AssertionError, with the server's log, when
    `process` exits first or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise AssertionError(
                f"{name} exited with {process.returncode} at start-up:\n"
                + log.read_text(encoding="utf-8", errors="replace")
            )
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{name} did not answer in {seconds} s:\n"
                + log.read_text(encoding="utf-8", errors="replace")
            )
        time.sleep(0.1)
