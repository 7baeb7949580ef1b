"""Reading transcripts for the API, in batches: by recording, and their segments a page at a time.

Every query skips transcripts of events the viewer may not see, so a loader can
never leak a draft's transcript.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tortoise.functions import Count

from server.auth.viewer import Viewer
from server.content.models import Transcript, TranscriptSegment
from server.content.queries import Page, PageRequest
from server.content.queries.events import visible_event_q


async def transcripts_by_recording_ids(
    viewer: Viewer, recording_ids: Sequence[int]
) -> dict[int, Transcript]:
    """The transcript of each recording that has one and whose event the viewer may see."""
    transcripts = await Transcript.filter(
        visible_event_q(viewer, "recording__event__"), recording_id__in=list(recording_ids)
    )
    return {transcript.recording_id: transcript for transcript in transcripts}


async def segment_pages_by_transcript_ids(
    viewer: Viewer, transcript_ids: Sequence[int], request: PageRequest
) -> dict[int, Page[TranscriptSegment]]:
    """The same page (`first` segments after the `after` offset) of each visible transcript.

    Two queries for any number of transcripts: one counts, one reads. Positions
    count 0, 1, 2, … in every transcript (the write service keeps them so), so a
    page is a range of positions.
    """
    visible = TranscriptSegment.filter(
        visible_event_q(viewer, "transcript__recording__event__"),
        transcript_id__in=list(transcript_ids),
    )
    totals: dict[int, int] = dict(
        await visible.annotate(count=Count("id"))
        .group_by("transcript_id")
        .values_list("transcript_id", "count")
    )
    start = 0 if request.after is None else request.after + 1
    size = request.first if request.first is not None else max(totals.values(), default=0)
    rows: dict[int, list[TranscriptSegment]] = defaultdict(list)
    if totals and size > 0:
        for segment in await visible.filter(
            position__gte=start, position__lt=start + size
        ).order_by("transcript_id", "position"):
            rows[segment.transcript_id].append(segment)
    return {
        transcript_id: Page(rows=rows[transcript_id], start=min(start, total), total=total)
        for transcript_id, total in totals.items()
    }
