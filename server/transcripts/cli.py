"""`cms transcripts`: importing a recording's transcript from a WebVTT or SRT file."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from server.auth.viewer import SYSTEM
from server.cli import require_schema
from server.content.choosing_cli import TARGET_HELP, exit_unchosen
from server.content.errors import ContentError, RecordingNotChosen
from server.database import Database
from server.settings import Settings
from server.transcripts.errors import TranscriptFileError
from server.transcripts.importing import TranscriptImport, import_transcript


@click.group()
def transcripts() -> None:
    """Manage the transcripts of event recordings."""


async def _import(
    settings: Settings,
    event: str,
    file: Path,
    recording: str | None,
    recording_url: str | None,
    language: str,
) -> TranscriptImport:
    async with Database.from_settings(settings) as database:
        await require_schema(database)
        imported = await import_transcript(
            SYSTEM, event, file, recording=recording, recording_url=recording_url, language=language
        )
        await database.refresh_statistics()
        return imported


@transcripts.command("import")
@click.option("--event", "event", required=True, metavar="SLUG", help="The event's slug.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--recording", default=None, metavar="URL|TITLE|ID", help=TARGET_HELP)
@click.option(
    "--recording-url",
    default=None,
    metavar="URL",
    help="The event's recording at this URL, added when the event has none there.",
)
@click.option(
    "--language", default="en", show_default=True, help="The language tag of the transcript."
)
def import_(
    event: str, file: Path, recording: str | None, recording_url: str | None, language: str
) -> None:
    """Replace the transcript of an event's recording with FILE (.vtt or .srt).

    The recording is the one --recording names, the one at --recording-url (added
    when there is none), or else the event's only recording (a new one when it has
    none); when that is not one recording, the error lists the event's recordings.
    Speakers come from WebVTT voice tags (<v Name>) or a leading "Name:" in SRT
    cues, and are linked to the person of that name when there is one. A file with
    any problem writes nothing; every problem is named with its line.
    """
    try:
        result = asyncio.run(_import(Settings(), event, file, recording, recording_url, language))
    except RecordingNotChosen as error:
        exit_unchosen(error)
    except TranscriptFileError as error:
        for line in error.lines():
            click.echo(line, err=True)
        click.echo(f"{error}; nothing was written.", err=True)
        sys.exit(1)
    except ContentError as error:
        raise click.ClickException(f"{error}; nothing was written.") from error
    for line in result.summary():
        click.echo(line)
