"""The content write services: business rules as plain async functions taking a viewer and input.

Each kind has `validate_<kind>(input, lookup=...) -> list[FieldError]`, which reports every
rule the input breaks without writing, and `upsert_<kind>(viewer, input) -> (row, Change)`,
which creates or updates the row with the input's slug (and its child lists), as seeding
does. The API uses `create_<kind>` (the slug must be free), `update_<kind>(viewer, slug,
patch, version=...)` (a partial change to the version the client saw) and `delete_<kind>`.
All of them raise a `server.content.errors.ContentError` for what they refuse.
"""

from server.content.services.committees import (
    create_committee,
    delete_committee,
    update_committee,
    upsert_committee,
    validate_committee,
)
from server.content.services.event_workflow import (
    publish_event,
    restore_event_revision,
    unpublish_event,
)
from server.content.services.events import (
    create_event,
    delete_event,
    update_event,
    upsert_event,
    validate_event,
)
from server.content.services.inputs import (
    UNSET,
    AffiliationInput,
    CommitteeInput,
    CommitteeMemberInput,
    CommitteePatch,
    EventInput,
    EventOrganisationInput,
    EventPatch,
    ImageInput,
    LinkInput,
    OrganisationInput,
    OrganisationPatch,
    ParticipantInput,
    PersonInput,
    PersonPatch,
    RecordingInput,
    RecordingPatch,
    TopicInput,
    TopicPatch,
)
from server.content.services.organisations import (
    create_organisation,
    delete_organisation,
    update_organisation,
    upsert_organisation,
    validate_organisation,
)
from server.content.services.participations import (
    add_participant,
    remove_participant,
    reorder_participants,
)
from server.content.services.people import (
    create_person,
    delete_person,
    update_person,
    upsert_person,
    validate_person,
)
from server.content.services.recordings import (
    create_recording,
    delete_recording,
    update_recording,
)
from server.content.services.topics import (
    create_topic,
    delete_topic,
    update_topic,
    upsert_topic,
    validate_topic,
)
from server.content.services.validation import DatabaseLookup, PendingLookup, SlugLookup
from server.content.services.writes import Change

__all__ = [
    "UNSET",
    "AffiliationInput",
    "Change",
    "CommitteeInput",
    "CommitteeMemberInput",
    "CommitteePatch",
    "DatabaseLookup",
    "EventInput",
    "EventOrganisationInput",
    "EventPatch",
    "ImageInput",
    "LinkInput",
    "OrganisationInput",
    "OrganisationPatch",
    "ParticipantInput",
    "PendingLookup",
    "PersonInput",
    "PersonPatch",
    "RecordingInput",
    "RecordingPatch",
    "SlugLookup",
    "TopicInput",
    "TopicPatch",
    "add_participant",
    "create_committee",
    "create_event",
    "create_organisation",
    "create_person",
    "create_recording",
    "create_topic",
    "delete_committee",
    "delete_event",
    "delete_organisation",
    "delete_person",
    "delete_recording",
    "delete_topic",
    "publish_event",
    "remove_participant",
    "reorder_participants",
    "restore_event_revision",
    "unpublish_event",
    "update_committee",
    "update_event",
    "update_organisation",
    "update_person",
    "update_recording",
    "update_topic",
    "upsert_committee",
    "upsert_event",
    "upsert_organisation",
    "upsert_person",
    "upsert_topic",
    "validate_committee",
    "validate_event",
    "validate_organisation",
    "validate_person",
    "validate_topic",
]
