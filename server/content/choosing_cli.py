"""How the `cms` commands print an error that did not pin down one recording."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from server.content.errors import RecordingNotChosen

TARGET_HELP = (
    "The recording, by its URL, its title or its global ID "
    "(not needed when the event has one recording)."
)


def exit_unchosen(error: RecordingNotChosen) -> NoReturn:
    """Prints why no single recording was chosen and the event's recordings, then exits 1."""
    click.echo(f"Error: {error}; nothing was written.", err=True)
    if error.recordings:
        click.echo(f"The recordings of event '{error.event}':", err=True)
    for line in error.lines():
        click.echo(line, err=True)
    sys.exit(1)
