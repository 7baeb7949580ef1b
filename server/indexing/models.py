"""The index outbox: one row per searchable object whose documents may be out of date."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class IndexKind(str, Enum):
    """What a marker names: an event (its document and its transcript passages) or a person."""

    EVENT = "event"
    PERSON = "person"


class IndexMarker(Model):
    """Says that the search documents of one object must be rebuilt from the database.

    A write bumps `generation` in its own transaction; the worker rebuilds the
    object's documents from what the database holds then, and records the
    generation it saw as `synced_generation`. The object is pending while the two
    differ, so a write that lands while the worker is busy is never lost.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(IndexKind, max_length=16)
    object_id = fields.IntField()
    generation = fields.IntField(default=1)
    synced_generation = fields.IntField(default=0)
    dirtied_at = fields.DatetimeField()
    pending_since = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "index_marker"
        unique_together = (("kind", "object_id"),)
        indexes = (("synced_generation", "generation"),)

    def __str__(self) -> str:
        return f"{self.kind.value} {self.object_id} (generation {self.generation})"
