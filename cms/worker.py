"""`cms worker`: the background work of the app, in a process of its own.

It drains the search outbox into the search engine (and rebuilds an index that is
not whole), delivers webhooks, and publishes and unpublishes events on schedule. Run it beside web processes that do neither
(SEARCH_WORKER=false), as docker-compose.yml does.
"""

from __future__ import annotations

import asyncio
import signal

import click

from search.runtime import search_runtime
from server.content.scheduling import run_due, scheduled_publishing
from server.database import Database
from server.settings import Settings
from server.webhooks.worker import webhook_worker


async def _drain(settings: Settings) -> None:
    async with (
        Database.from_settings(settings),
        search_runtime(settings, run_worker=False) as search,
        webhook_worker(settings, run=False) as webhooks,
    ):
        scheduled = await run_due()  # first: what it publishes is then synced and sent
        synced = await search.worker.drain()
        sent = await webhooks.drain()
    click.echo(f"published {scheduled.published}, unpublished {scheduled.unpublished} on schedule")
    click.echo(f"synced {synced.synced}, failed {synced.failed}")
    click.echo(f"webhooks: delivered {sent.delivered}, failed {sent.failed}")


async def _run(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with (
        Database.from_settings(settings),
        search_runtime(settings, run_worker=True) as search,
        webhook_worker(settings, run=True),
        scheduled_publishing(settings),
    ):
        click.echo(
            f"draining the search outbox into {search.backend.name}, delivering webhooks "
            "and publishing on schedule; Ctrl-C stops",
            err=True,
        )
        await stop.wait()


@click.command()
@click.option("--once", is_flag=True, help="Do what is due, then exit.")
def worker(once: bool) -> None:
    """Drain the search outbox, deliver webhooks and publish on schedule (run with
    SEARCH_WORKER=false on the app)."""
    asyncio.run(_drain(Settings()) if once else _run(Settings()))
