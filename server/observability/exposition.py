"""Writing the metrics out for a scrape, from one process or from all of them.

With several server processes (`cms serve --workers N`), each process writes its
values to files in `PROMETHEUS_MULTIPROC_DIR` and a scrape, answered by any one of
them, adds up every process's files: prometheus-client's multiprocess mode. The
directory must be empty when the server starts (`fresh_multiprocess_directory`).
Values read at scrape time (the search outbox) are added to either.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from server.observability.metrics import Metrics

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_directory() -> Path | None:
    """The directory processes share their values in, when multiprocess mode is on."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


@contextlib.contextmanager
def fresh_multiprocess_directory(workers: int) -> Iterator[Path | None]:
    """Makes multiprocess mode ready for a server of `workers` processes, started inside.

    An operator's `PROMETHEUS_MULTIPROC_DIR` is created if missing and emptied of the
    value files an earlier run left (only prometheus-client's `*.db` files are removed).
    Without one, several workers get a temporary directory, removed when they stop; a
    single process needs none.
    """
    given = multiprocess_directory()
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        for stale in given.glob("*.db"):
            stale.unlink()
        yield given
        return
    if workers == 1:
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="cms-metrics-"))
    os.environ[MULTIPROC_ENV] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


def forget_this_process() -> None:
    """Drops this process's live gauges (pool figures) from the shared directory as it stops."""
    forget_process(os.getpid())


def forget_process(pid: int | None) -> None:
    """Drops a stopped process's live gauges from the shared directory: it stops itself
    (`forget_this_process`), or the process that started it does when it died unasked."""
    directory = multiprocess_directory()
    if pid is not None and directory is not None and directory.is_dir():
        multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]  # prometheus-client leaves it untyped


@dataclass(frozen=True)
class OutboxFigures:
    """The search outbox as a scrape finds it."""

    size: int
    oldest_age_seconds: float | None
    failing: int


class _ScrapeTimeValues(Collector):
    def __init__(self, outbox: OutboxFigures | None) -> None:
        self.outbox = outbox

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.outbox is None:
            return
        yield GaugeMetricFamily(
            "cms_search_outbox_backlog",
            "Objects whose search documents wait to be synced.",
            value=self.outbox.size,
        )
        yield GaugeMetricFamily(
            "cms_search_outbox_oldest_age_seconds",
            "How long the oldest waiting object has waited (0 when none waits).",
            value=self.outbox.oldest_age_seconds or 0.0,
        )
        yield GaugeMetricFamily(
            "cms_search_outbox_failing",
            "Waiting objects whose last sync attempt failed.",
            value=self.outbox.failing,
        )


def render(metrics: Metrics, outbox: OutboxFigures | None) -> bytes:
    """The Prometheus text exposition: every process's values, then the scrape-time ones."""
    if multiprocess_directory() is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus-client leaves it untyped
    else:
        registry = metrics.registry
    scraped = CollectorRegistry()
    scraped.register(_ScrapeTimeValues(outbox))
    return generate_latest(registry) + generate_latest(scraped)
