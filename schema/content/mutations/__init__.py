"""The content mutations, one per module, merged into the root's `ContentMutation` mixin.

Each resolver converts its input, calls one service in server/content/services and
wraps the row; the services' errors become members of its result union through
`schema.errors.ERROR_HANDLERS`, so no resolver catches them itself.
"""

from __future__ import annotations

import strawberry

from schema.content.mutations import (
    committee_create,
    committee_delete,
    committee_update,
    event_create,
    event_delete,
    event_publish,
    event_revision_restore,
    event_unpublish,
    event_update,
    organisation_create,
    organisation_delete,
    organisation_update,
    participant_add,
    participant_remove,
    participants_reorder,
    person_create,
    person_delete,
    person_update,
    preview_token_create,
    recording_create,
    recording_delete,
    recording_update,
    topic_create,
    topic_delete,
    topic_update,
)


@strawberry.type(
    description="Changes to content, for editors; anyone else gets PermissionDeniedError."
)
class ContentMutation:
    create_event = event_create.create_event
    update_event = event_update.update_event
    publish_event = event_publish.publish_event
    unpublish_event = event_unpublish.unpublish_event
    delete_event = event_delete.delete_event
    restore_event_revision = event_revision_restore.restore_event_revision
    create_preview_token = preview_token_create.create_preview_token

    add_participant = participant_add.add_participant
    remove_participant = participant_remove.remove_participant
    reorder_participants = participants_reorder.reorder_participants

    create_recording = recording_create.create_recording
    update_recording = recording_update.update_recording
    delete_recording = recording_delete.delete_recording

    create_person = person_create.create_person
    update_person = person_update.update_person
    delete_person = person_delete.delete_person

    create_committee = committee_create.create_committee
    update_committee = committee_update.update_committee
    delete_committee = committee_delete.delete_committee

    create_organisation = organisation_create.create_organisation
    update_organisation = organisation_update.update_organisation
    delete_organisation = organisation_delete.delete_organisation

    create_topic = topic_create.create_topic
    update_topic = topic_update.update_topic
    delete_topic = topic_delete.delete_topic
