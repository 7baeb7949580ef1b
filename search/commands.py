"""The `cms` commands for search: worker, reindex, search and sync-status."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Sequence

import click

from search.backend import SearchUnavailable
from search.engines import backend_from_settings
from search.guard import index_problem
from search.query import DocumentKind, Hit, SearchFilter, SearchRequest
from search.reindex import reindex as rebuild
from search.runtime import SearchRuntime, search_runtime
from search.service import FieldProblem
from server.content.models import Event, Person
from server.content.scheduling import run_due, scheduled_publishing
from server.database import Database
from server.indexing import outbox
from server.settings import Settings


@contextlib.asynccontextmanager
async def _search_side(settings: Settings) -> AsyncIterator[SearchRuntime]:
    """The database and the search backend the settings name, open for one command
    (without the background worker)."""
    async with (
        Database.from_settings(settings),
        search_runtime(settings, run_worker=False) as runtime,
    ):
        yield runtime


async def _status(settings: Settings) -> None:
    backend = backend_from_settings(settings)
    async with Database.from_settings(settings):
        backlog = await outbox.backlog()
        try:
            await backend.health()
            engine = "ok"
            problem = await index_problem(backend)
            index = "whole" if problem is None else f"not whole: {problem}"
        except Exception as error:  # noqa: BLE001 - any failure is the status to print
            engine = f"unavailable ({error})"
            index = "unknown"
        finally:
            await backend.close()
    click.echo(f"backend: {backend.name} ({engine})")
    click.echo(f"index: {index}")
    click.echo(f"backlog: {backlog.size} pending")
    age = backlog.oldest_age_seconds
    click.echo(f"oldest pending: {'-' if age is None else f'{age:.1f} s'}")
    click.echo(
        f"failing: {backlog.failing}"
        + (f" (last error: {backlog.last_error})" if backlog.last_error else "")
    )


@click.command("sync-status")
def sync_status() -> None:
    """Show the search backlog: its size and the age of its oldest entry."""
    asyncio.run(_status(Settings()))


async def _worker(settings: Settings, once: bool) -> None:
    if once:
        async with _search_side(settings) as rt:
            scheduled = await run_due()
            report = await rt.worker.drain()
        click.echo(
            f"published {scheduled.published}, unpublished {scheduled.unpublished} on schedule"
        )
        click.echo(f"synced {report.synced}, failed {report.failed}")
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # The worker drains the outbox, and its guard rebuilds an index that is not whole.
    async with (
        Database.from_settings(settings),
        search_runtime(settings, run_worker=True) as rt,
        scheduled_publishing(settings),
    ):
        click.echo(
            f"draining the search outbox into {rt.backend.name} and publishing on schedule; "
            "Ctrl-C stops",
            err=True,
        )
        await stop.wait()


@click.command()
@click.option("--once", is_flag=True, help="Drain what is due, then exit.")
def worker(once: bool) -> None:
    """Drain the search outbox into the search engine, and publish and unpublish events on
    schedule (run with SEARCH_WORKER=false on the app)."""
    asyncio.run(_worker(Settings(), once))


async def _reindex(settings: Settings) -> None:
    def progress(done: int) -> None:
        click.echo(f"\rindexed {done} documents", nl=False, err=True)

    async with _search_side(settings) as rt:
        count, replayed = await rebuild(rt.backend, progress)
    click.echo("", err=True)
    click.echo(
        f"Rebuilt the {rt.backend.name} index: {count} documents; "
        f"{replayed} object(s) changed meanwhile were queued again."
    )


@click.command()
def reindex() -> None:
    """Rebuild the search index from the database into a new index, then swap it in."""
    asyncio.run(_reindex(Settings()))


def _clock(ms: int) -> str:
    return f"{ms // 60000}:{ms // 1000 % 60:02d}"


async def _hit_labels(hits: Sequence[Hit]) -> list[str]:
    """What each hit is, in words: titles, names and slugs, never internal document ids."""
    event_ids = {hit.event_id for hit in hits if hit.event_id is not None}
    person_ids = {hit.person_id for hit in hits if hit.person_id is not None}
    events = {
        row["id"]: f"{row['title']} ({row['slug']})"
        for row in await Event.filter(id__in=event_ids).values("id", "slug", "title")
    }
    people = {
        row["id"]: f"{row['name']} ({row['slug']})"
        for row in await Person.filter(id__in=person_ids).values("id", "slug", "name")
    }
    labels = []
    for hit in hits:
        event = _named(events, hit.event_id, "an event no longer in the database")
        if hit.kind is DocumentKind.PERSON:
            labels.append(_named(people, hit.person_id, "a person no longer in the database"))
        elif hit.kind is DocumentKind.TRANSCRIPT:
            speaker = hit.speaker_name or "an unnamed speaker"
            at = f" at {_clock(hit.start_ms)}" if hit.start_ms is not None else ""
            labels.append(f"{event}: {speaker}{at}")
        else:
            labels.append(event)
    return labels


def _named(names: dict[int, str], row_id: int | None, missing: str) -> str:
    return names.get(row_id, missing) if row_id is not None else missing


def _backlog_note(backlog: outbox.Backlog) -> str | None:
    """A warning that some changes are not searchable yet, or None when the index is current."""
    if backlog.size == 0:
        return None
    changes = "1 change is" if backlog.size == 1 else f"{backlog.size} changes are"
    age = backlog.oldest_age_seconds
    oldest = f" (oldest {age:.0f} s)" if age is not None else ""
    return f"note: {changes} not yet in the index{oldest}; run `cms worker` or wait"


async def _search(settings: Settings, text: str, limit: int, kinds: tuple[str, ...]) -> int:
    request = SearchRequest(
        text, SearchFilter(kinds=tuple(DocumentKind(k) for k in kinds)), limit=limit
    )
    async with _search_side(settings) as rt:
        try:
            result = await rt.service.search(request)
        except FieldProblem as problem:
            raise click.UsageError(str(problem)) from problem
        except SearchUnavailable as error:
            raise click.ClickException(f"search is unavailable: {error}") from error
        labels = await _hit_labels(result.hits)
        note = _backlog_note(await outbox.backlog())
    noun = "hit" if result.total_hits == 1 else "hits"
    click.echo(f"{result.total_hits} {noun} in {result.processing_time_ms:.1f} ms")
    for number, (hit, label) in enumerate(zip(result.hits, labels, strict=True), start=1):
        click.echo(f"{number:>3}. [{hit.kind.value}] {label}  score {hit.score:.2f}")
        for highlight in hit.highlights[:2]:
            plain = highlight.snippet.replace("<mark>", "\033[1m").replace("</mark>", "\033[0m")
            click.echo(f"       {highlight.field}: {plain}")
    if note is not None:
        click.echo(note, err=True)
    return 0


@click.command("search")
@click.argument("text")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(["event", "person", "transcript"])
)
def search_command(text: str, limit: int, kinds: tuple[str, ...]) -> None:
    """Search from the terminal and print the hits."""
    sys.exit(asyncio.run(_search(Settings(), text, limit, kinds)))


COMMANDS = (sync_status, worker, reindex, search_command)
