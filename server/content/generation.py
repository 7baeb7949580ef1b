"""The content generation: a number every committed write to content advances.

One row, `content_generation (id = 1)`, is bumped by triggers on every table whose
rows a reader can see (all but `api_token`), in the writing transaction itself, so
the new number becomes visible exactly when the write does, to every process on the
database, whatever made the write: the API, `cms seed`, an import, SQL by hand. The
search worker's outbox (`index_marker`) is left out: what it changes is visible only
through search, whose answers come from the engine and are never cached. A reader that reads the
generation before reading content never sees content older than that generation,
which is what lets answers be cached by it (schema/response_cache.py).

On PostgreSQL the bump is a deferred constraint trigger, run once per transaction at
commit: taking the row's lock last means two writers never wait on each other
holding it, so it adds no deadlock. On SQLite, which has one writer at a time, a row
trigger bumps it as each row changes.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import connections

TABLE = "content_generation"

WATCHED_TABLES = (
    "committee",
    "committee_member",
    "event",
    "event_organisation",
    "event_revision",
    "event_session",
    "event_topic",
    "organisation",
    "participation",
    "person",
    "person_affiliation",
    "recording",
    "topic",
    "transcript",
    "transcript_segment",
)
"""Every table of content; not `api_token` (a token's use is no content) nor `index_marker`."""

_CREATE_TABLE = f'CREATE TABLE "{TABLE}" ("id" INT NOT NULL PRIMARY KEY, "value" BIGINT NOT NULL)'
_FIRST_ROW = f'INSERT INTO "{TABLE}" ("id", "value") VALUES (1, 1)'
_BUMP = f'UPDATE "{TABLE}" SET "value" = "value" + 1 WHERE "id" = 1'

_POSTGRES_FUNCTION = f"""
CREATE FUNCTION bump_content_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: the first row's trigger bumps, the rest see the mark.
    IF current_setting('cms.content_generation_bumped', true) IS DISTINCT FROM
       txid_current()::text THEN
        PERFORM set_config('cms.content_generation_bumped', txid_current()::text, true);
        {_BUMP};
    END IF;
    RETURN NULL;
END
$$
"""


def install_statements(dialect: str) -> list[str]:
    """The table, its row and the triggers, in `dialect` ("postgres" or "sqlite")."""
    statements = [_CREATE_TABLE, _FIRST_ROW]
    if dialect == "postgres":
        statements.append(_POSTGRES_FUNCTION)
        statements += [
            f'CREATE CONSTRAINT TRIGGER "{table}_content_generation" '
            f'AFTER INSERT OR UPDATE OR DELETE ON "{table}" DEFERRABLE INITIALLY DEFERRED '
            "FOR EACH ROW EXECUTE FUNCTION bump_content_generation()"
            for table in WATCHED_TABLES
        ]
    else:
        statements += [
            f'CREATE TRIGGER "{table}_{change.lower()}_content_generation" '
            f'AFTER {change} ON "{table}" BEGIN {_BUMP}; END'
            for table in WATCHED_TABLES
            for change in ("INSERT", "UPDATE", "DELETE")
        ]
    return statements


def uninstall_statements(dialect: str) -> list[str]:
    """What undoes `install_statements`."""
    statements = []
    if dialect == "postgres":
        statements += [
            f'DROP TRIGGER "{table}_content_generation" ON "{table}"' for table in WATCHED_TABLES
        ]
        statements.append("DROP FUNCTION bump_content_generation()")
    else:
        statements += [
            f'DROP TRIGGER "{table}_{change.lower()}_content_generation"'
            for table in WATCHED_TABLES
            for change in ("INSERT", "UPDATE", "DELETE")
        ]
    return [*statements, f'DROP TABLE "{TABLE}"']


_READ = f'SELECT "value" FROM "{TABLE}" WHERE "id" = 1'


async def current_generation(connection: BaseDBAsyncClient | None = None) -> int:
    """The generation of the content as committed now: one read of one row by key."""
    client = connection or connections.get("default")
    _, rows = await client.execute_query(_READ)
    return int(rows[0][0])
