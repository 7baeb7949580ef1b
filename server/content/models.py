"""Tortoise models for the content a civil-society organisation publishes."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class EventStatus(str, Enum):
    """Whether an event is visible to the public."""

    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"


class EventFormat(str, Enum):
    """How people attend an event."""

    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    HYBRID = "HYBRID"


class DateCertainty(str, Enum):
    """How sure an event's dates are, as the public may be told."""

    STATED = "STATED"
    """The source gives the dates."""
    INFERRED = "INFERRED"
    """The source gives no date; the dates were worked out from what it says."""
    DISPUTED = "DISPUTED"
    """The source gives the dates, but something it says contradicts them."""


class Platform(str, Enum):
    """Where an event was streamed or a recording lives."""

    YOUTUBE = "YOUTUBE"
    INSTAGRAM = "INSTAGRAM"
    FACEBOOK = "FACEBOOK"
    ZOOM = "ZOOM"
    OTHER = "OTHER"


class ParticipantRole(str, Enum):
    """The part a person played at an event."""

    SPEAKER = "speaker"
    PANELLIST = "panellist"
    HOST = "host"
    MODERATOR = "moderator"
    INTERVIEWEE = "interviewee"
    INTERVIEWER = "interviewer"
    INSTRUCTOR = "instructor"
    GUEST = "guest"
    PERFORMER = "performer"
    BENEFICIARY = "beneficiary"
    AUTHOR = "author"
    ORGANISER = "organiser"


class Organisation(Model):
    """An organisation people belong to or that partners on events."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=200)
    url = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Bumped by every change; guards against lost updates.
    version = fields.IntField(default=1, db_default=1)

    affiliations: fields.ReverseRelation[PersonAffiliation]
    event_links: fields.ReverseRelation[EventOrganisation]

    class Meta:
        table = "organisation"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Topic(Model):
    """A subject events are tagged with."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Bumped by every change; guards against lost updates.
    version = fields.IntField(default=1, db_default=1)

    event_links: fields.ReverseRelation[EventTopic]

    class Meta:
        table = "topic"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Person(Model):
    """Someone who spoke at, hosted or otherwise took part in events."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=200)
    bio = fields.TextField(default="")
    links: list[dict[str, str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Bumped by every change; guards against lost updates.
    version = fields.IntField(default=1, db_default=1)

    affiliations: fields.ReverseRelation[PersonAffiliation]
    participations: fields.ReverseRelation[Participation]
    memberships: fields.ReverseRelation[CommitteeMember]
    transcript_segments: fields.ReverseRelation[TranscriptSegment]

    class Meta:
        table = "person"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class PersonAffiliation(Model):
    """A title a person holds, optionally at an organisation."""

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="affiliations", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="affiliations", null=True, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=300, null=True)
    position = fields.IntField(default=0)

    person_id: int
    organisation_id: int | None

    class Meta:
        table = "person_affiliation"
        ordering = ("person_id", "position")

    def __str__(self) -> str:
        return self.title or ""


class Committee(Model):
    """A committee of the organisation that runs events."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Bumped by every change; guards against lost updates.
    version = fields.IntField(default=1, db_default=1)

    events: fields.ReverseRelation[Event]
    members: fields.ReverseRelation[CommitteeMember]

    class Meta:
        table = "committee"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class CommitteeMember(Model):
    """A person's seat on a committee, such as co-chair."""

    id = fields.IntField(primary_key=True)
    committee: fields.ForeignKeyRelation[Committee] = fields.ForeignKeyField(
        "models.Committee", related_name="members", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="memberships", on_delete=fields.RESTRICT
    )
    role = fields.CharField(max_length=100)
    position = fields.IntField(default=0)

    committee_id: int
    person_id: int

    class Meta:
        table = "committee_member"
        unique_together = (("committee", "person"),)
        ordering = ("committee_id", "position")

    def __str__(self) -> str:
        return self.role


class Event(Model):
    """An event: a panel, workshop, protest, campaign or broadcast."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, unique=True)
    title = fields.CharField(max_length=300)
    summary = fields.TextField(default="")
    body = fields.TextField(default="")
    outcomes = fields.TextField(null=True)
    editor_note = fields.TextField(null=True)
    status = fields.CharEnumField(EventStatus, max_length=16, default=EventStatus.DRAFT)
    # The first and last session dates, kept in step with `sessions` by the
    # content service so that lists can filter and order without a join.
    start_date = fields.DateField()
    end_date = fields.DateField()
    date_certainty = fields.CharEnumField(
        DateCertainty, max_length=16, default=DateCertainty.STATED
    )
    date_note = fields.CharField(max_length=500, null=True)
    """A short public note on the dates, such as why they are inferred or in doubt."""
    place = fields.CharField(max_length=300, null=True)
    format = fields.CharEnumField(EventFormat, max_length=16, null=True)
    platform = fields.CharEnumField(Platform, max_length=16, null=True)
    committee: fields.ForeignKeyNullableRelation[Committee] = fields.ForeignKeyField(
        "models.Committee", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    image_src = fields.CharField(max_length=500, null=True)
    image_alt = fields.CharField(max_length=300, null=True)
    image_credit = fields.CharField(max_length=300, null=True)
    image_credit_url = fields.CharField(max_length=500, null=True)
    published_at = fields.DatetimeField(null=True)
    # When the scheduler (server/content/scheduling.py) publishes the draft, and when it
    # makes the published event a draft again; each is cleared once done.
    publish_at = fields.DatetimeField(null=True)
    unpublish_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Bumped by every change; guards against lost updates.
    version = fields.IntField(default=1, db_default=1)

    committee_id: int | None
    sessions: fields.ReverseRelation[EventSession]
    participations: fields.ReverseRelation[Participation]
    topic_links: fields.ReverseRelation[EventTopic]
    organisation_links: fields.ReverseRelation[EventOrganisation]
    recordings: fields.ReverseRelation[Recording]

    class Meta:
        table = "event"
        ordering = ("-start_date", "id")
        indexes = (("status", "start_date", "id"), ("publish_at",), ("unpublish_at",))

    def __str__(self) -> str:
        return self.title


class EventSession(Model):
    """One dated session of an event (most events have exactly one)."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="sessions", on_delete=fields.CASCADE
    )
    date = fields.DateField()
    position = fields.IntField(default=0)

    event_id: int

    class Meta:
        table = "event_session"
        unique_together = (("event", "date"),)
        ordering = ("event_id", "position")
        indexes = (("event_id", "position", "date"),)

    def __str__(self) -> str:
        return self.date.isoformat()


class Participation(Model):
    """A person's part in an event, under the affiliation they spoke with."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="participations", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="participations", on_delete=fields.RESTRICT
    )
    role = fields.CharEnumField(ParticipantRole, max_length=32)
    affiliation = fields.CharField(max_length=300, null=True)
    session_date = fields.DateField(null=True)
    position = fields.IntField(default=0)

    event_id: int
    person_id: int

    class Meta:
        table = "participation"
        unique_together = (("event", "person", "role"),)
        ordering = ("event_id", "position")
        indexes = (("event_id", "position"),)

    def __str__(self) -> str:
        return f"{self.role.value} #{self.person_id}"


class EventTopic(Model):
    """An event's topic, in the order editors list them."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="topic_links", on_delete=fields.CASCADE
    )
    topic: fields.ForeignKeyRelation[Topic] = fields.ForeignKeyField(
        "models.Topic", related_name="event_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField(default=0)

    event_id: int
    topic_id: int

    class Meta:
        table = "event_topic"
        unique_together = (("event", "topic"),)
        ordering = ("event_id", "position")
        indexes = (("event_id", "position"),)

    def __str__(self) -> str:
        return f"#{self.event_id} → #{self.topic_id}"


class EventOrganisation(Model):
    """A partner organisation of an event and the part it played."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="organisation_links", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="event_links", on_delete=fields.RESTRICT
    )
    role = fields.CharField(max_length=100, default="partner")
    position = fields.IntField(default=0)

    event_id: int
    organisation_id: int

    class Meta:
        table = "event_organisation"
        unique_together = (("event", "organisation"),)
        ordering = ("event_id", "position")
        indexes = (("event_id", "position"),)

    def __str__(self) -> str:
        return self.role


class Recording(Model):
    """A recording of (part of) an event, whose URL stays empty when unknown."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="recordings", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=300)
    platform = fields.CharEnumField(Platform, max_length=16, null=True)
    url = fields.CharField(max_length=500, null=True)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Bumped by every change; guards against lost updates.
    version = fields.IntField(default=1, db_default=1)

    event_id: int
    transcript: fields.BackwardOneToOneRelation[Transcript]

    class Meta:
        table = "recording"
        ordering = ("event_id", "position")
        indexes = (("event_id", "position"),)

    def __str__(self) -> str:
        return self.title


class Transcript(Model):
    """The timed text of one recording, in one language."""

    id = fields.IntField(primary_key=True)
    recording: fields.OneToOneRelation[Recording] = fields.OneToOneField(
        "models.Recording", related_name="transcript", on_delete=fields.CASCADE
    )
    language = fields.CharField(max_length=35, default="en")
    source_name = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    recording_id: int
    segments: fields.ReverseRelation[TranscriptSegment]

    class Meta:
        table = "transcript"

    def __str__(self) -> str:
        return f"transcript of recording {self.recording_id} ({self.language})"


class TranscriptSegment(Model):
    """One cue of a transcript: what was said between two moments, and by whom."""

    id = fields.IntField(primary_key=True)
    transcript: fields.ForeignKeyRelation[Transcript] = fields.ForeignKeyField(
        "models.Transcript", related_name="segments", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    start_ms = fields.IntField()
    end_ms = fields.IntField()
    text = fields.TextField()
    speaker: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person",
        related_name="transcript_segments",
        null=True,
        on_delete=fields.SET_NULL,
    )
    speaker_label = fields.CharField(max_length=200, null=True)
    cue_id = fields.CharField(max_length=200, null=True)  # a WebVTT cue's identifier, kept

    transcript_id: int
    speaker_id: int | None

    class Meta:
        table = "transcript_segment"
        ordering = ("transcript_id", "position")
        unique_together = (("transcript", "position"),)

    def __str__(self) -> str:
        return f"{self.start_ms}–{self.end_ms} ms: {self.text[:40]}"


class RevisionAction(str, Enum):
    """What a revision of an event records."""

    CREATE = "create"
    UPDATE = "update"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    DELETE = "delete"
    RESTORE = "restore"


class EventRevision(Model):
    """One change to an event: who made it, when, and the event as it was afterwards.

    Kept when the event is deleted (it names the event by id and slug, not by a
    foreign key), so history survives the thing it describes.
    """

    id = fields.IntField(primary_key=True)
    event_id = fields.IntField(db_index=True)
    event_slug = fields.CharField(max_length=100)
    number = fields.IntField()
    action = fields.CharEnumField(RevisionAction, max_length=16)
    actor = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)
    snapshot: dict[str, object] = fields.JSONField()

    class Meta:
        table = "event_revision"
        ordering = ("event_id", "number")
        unique_together = (("event_id", "number"),)

    def __str__(self) -> str:
        return f"{self.event_slug} #{self.number} ({self.action.value} by {self.actor})"
