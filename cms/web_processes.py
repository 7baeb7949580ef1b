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
"""

from __future__ import annotations

from server.settings import Settings


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
