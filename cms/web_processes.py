"""Serving from several web processes (`cms serve --workers N`), and who writes search then.

One process serves the API and, by default, runs the search sync worker beside it.
With several web processes the worker runs in none of them: one sync loop per web
process would multiply the polling of the outbox and, on the embedded engine, fight
over its index, which takes one writer process at a time (tantivy's writer lock); the
losers would back their claims off as failures. Search writes belong to `cms worker`,
a process of its own, as in docker-compose.yml.

The rule:
- N > 1 web processes run with `SEARCH_WORKER=false`, whatever the setting says, and
  `cms serve` says on stderr that `cms worker` must run beside them.
- With the embedded engine, `cms serve` refuses to start unless `SEARCH_WORKER=false`
  says the operator runs that worker: on embedded defaults nothing else runs, so a
  silent switch would leave the index unwritten with nobody told. With Meilisearch,
  which takes several writers, the note is enough.

How: `WebProcesses` starts the N processes, each with a socket of its own on the
shared port (`SO_REUSEPORT`), and replaces any that dies (see below for why not
uvicorn's own `--workers`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.context import SpawnProcess
from types import FrameType
from typing import Any

from uvicorn.config import STARTUP_FAILURE

from server.observability.exposition import forget_process
from server.settings import Settings

logger = logging.getLogger("uvicorn.error")


class SeveralWritersRefused(Exception):
    """Several web processes would need to write the embedded index; says what to do."""


def web_process_note(settings: Settings, workers: int) -> str | None:
    """What `cms serve --workers N` tells the operator about the search worker, or None
    for one process; raises SeveralWritersRefused when the settings cannot serve N."""
    if workers == 1:
        return None
    if not settings.meili_url and settings.search_worker:
        raise SeveralWritersRefused(
            f"cms serve --workers {workers} refused: the embedded search engine (tantivy) "
            "takes one writer process at a time, so its sync worker cannot run in each of "
            f"{workers} web processes. Run one `cms worker` beside the server and set "
            "SEARCH_WORKER=false to say so, or use Meilisearch (MEILI_URL), or serve with "
            "--workers 1."
        )
    return (
        f"Serving from {workers} web processes; the search sync worker runs in none of "
        "them: run `cms worker` beside them"
        + ("" if settings.meili_url else " (one, for the embedded engine)")
        + "."
    )


WEB_PROCESS_ENVIRONMENT = {"SEARCH_WORKER": "false"}
"""What every web process of several is started with (they read their settings anew)."""


# Serving: each web process listens on a socket of its own.
#
# uvicorn's own `--workers` binds one listening socket in its parent and hands it to
# every child; whichever child's event loop wakes first accepts. Under a burst of new
# keep-alive connections one process takes most of them (measured: 30 of 32, 29 of
# 32, 26 of 32 in three runs) and keeps them for their whole life, so two processes
# did the work of one and a half at best. With SO_REUSEPORT each process binds a
# socket of its own to the same address and the kernel spreads new connections over
# them by a hash of their addresses, whatever the processes are doing at that moment.
# The price: the connections queued on a process that dies are reset with it.

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_RESTART_PAUSE_SECONDS = 1.0
_GRACE_SECONDS = 30.0


def port_is_free(host: str, port: int) -> bool:
    """Whether nothing listens on host:port, SO_REUSEPORT or not (a bind without the
    option fails on any listener; with it, a bind would silently join theirs)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def shared_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other processes of the same user bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _web_process(host: str, port: int, log_config: dict[str, Any]) -> None:
    """One web process: its own socket on the shared port, and uvicorn serving the app."""
    import uvicorn

    config = uvicorn.Config(
        "cms.app:create_app", factory=True, log_config=log_config, access_log=False
    )
    server = uvicorn.Server(config)
    server.run(sockets=[shared_port_socket(host, port)])


class WebProcesses:
    """Runs N web processes on one port until SIGINT or SIGTERM, replacing any that dies.

    A process that fails before it serves (uvicorn's exit code 3: the app, the database
    or the bind is broken) would fail the same way again, so that stops them all.
    """

    def __init__(self, host: str, port: int, workers: int, log_config: dict[str, Any]) -> None:
        self._target = (host, port, log_config)
        self._workers = workers
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[SpawnProcess] = []
        self._stop = threading.Event()
        self.exit_code = 0

    def _start_one(self) -> SpawnProcess:
        process = self._context.Process(target=_web_process, args=self._target, daemon=False)
        process.start()
        logger.info("Started web process [%s]", process.pid)
        return process

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_stop_signal) for sig in _STOP_SIGNALS}
        try:
            self._processes = [self._start_one() for _ in range(self._workers)]
            while not self._stop.wait(0.5):
                self._replace_the_dead()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.exit_code

    def _on_stop_signal(self, sig: int, frame: FrameType | None) -> None:
        logger.info("Received %s, stopping the web processes", signal.Signals(sig).name)
        self._stop.set()

    def _replace_the_dead(self) -> None:
        for index, process in enumerate(self._processes):
            if process.is_alive():
                continue
            forget_process(process.pid)
            if process.exitcode == STARTUP_FAILURE:
                logger.error("Web process [%s] failed to start; stopping", process.pid)
                self.exit_code = STARTUP_FAILURE
                self._stop.set()
                return
            logger.warning(
                "Web process [%s] ended with %s; starting another", process.pid, process.exitcode
            )
            time.sleep(_RESTART_PAUSE_SECONDS)  # a process that dies at once must not spin
            self._processes[index] = self._start_one()

    def _stop_all(self) -> None:
        for process in self._processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + _GRACE_SECONDS
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                logger.warning("Web process [%s] did not stop in time; killing it", process.pid)
                process.kill()
                process.join()
            forget_process(process.pid)
