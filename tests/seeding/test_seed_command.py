"""`cms seed` and `cms export`: validate first, write once, change nothing twice, round-trip."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.content.models import Event, Person
from server.database import Database
from tests.seeding.conftest import (
    CONTENT_MODELS,
    CmsRunner,
    edit,
    row_counts,
    seed_files,
)

IMPUNITY = "events/impunity-an-unchanging-rule-in-turkey.md"


async def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every content table, timestamps included, in a stable order."""
    return {model.__name__: await model.all().order_by("id").values() for model in CONTENT_MODELS}


async def test_seeding_loads_everything_and_reports_what_it_created(
    cms: CmsRunner, seeds_dir: Path
) -> None:
    result = await cms("seed", str(seeds_dir))

    assert result.exit_code == 0, result.output
    assert "events: 10 created, 0 updated, 0 unchanged" in result.output
    assert "people: 20 created, 0 updated, 0 unchanged" in result.output
    assert (await row_counts())["Event"] == 10


async def test_seeding_twice_changes_nothing(cms: CmsRunner, seeds_dir: Path) -> None:
    await cms("seed", str(seeds_dir))
    before = await database_snapshot()

    result = await cms("seed", str(seeds_dir))

    assert result.exit_code == 0, result.output
    assert "events: 0 created, 0 updated, 10 unchanged" in result.output
    assert await database_snapshot() == before


async def test_editing_one_file_updates_exactly_that_content(
    cms: CmsRunner, seed_copy: Path
) -> None:
    await cms("seed", str(seed_copy))
    before = await database_snapshot()
    edit(seed_copy / IMPUNITY, "title: 'Impunity", "title: 'Impunity (revised)")

    result = await cms("seed", str(seed_copy))

    assert result.exit_code == 0, result.output
    assert "events: 0 created, 1 updated, 9 unchanged" in result.output
    after = await database_snapshot()
    changed_events = [
        (old["slug"], old["title"], new["title"])
        for old, new in zip(before["Event"], after["Event"], strict=True)
        if old != new
    ]
    assert changed_events == [
        (
            "impunity-an-unchanging-rule-in-turkey",
            "Impunity: An Unchanging Rule in Turkey",
            "Impunity (revised): An Unchanging Rule in Turkey",
        )
    ]
    assert {k: v for k, v in after.items() if k != "Event"} == {
        k: v for k, v in before.items() if k != "Event"
    }


async def _roles(slug: str) -> list[tuple[str, str]]:
    event = await Event.get(slug=slug)
    return [
        (p.person.slug, p.role.value)
        for p in await event.participations.all().order_by("position").prefetch_related("person")
    ]


async def test_a_participant_left_out_of_a_file_is_kept_until_a_prune(
    cms: CmsRunner, seed_copy: Path
) -> None:
    await cms("seed", str(seed_copy))
    edit(
        seed_copy / IMPUNITY,
        "  - person: gonzalo-boye\n    role: panellist\n",
        "  - person: gonzalo-boye\n    role: guest\n",
    )

    kept = await cms("seed", str(seed_copy))

    assert "events: 0 created, 1 updated, 9 unchanged" in kept.output
    assert "kept 1 participant not in the files; `cms seed --prune` removes them" in kept.output
    roles = await _roles("impunity-an-unchanging-rule-in-turkey")
    assert ("gonzalo-boye", "guest") in roles
    assert roles[-1] == ("gonzalo-boye", "panellist")  # kept, after the file's own

    pruned = await cms("seed", "--prune", str(seed_copy))

    assert pruned.output.splitlines()[-2:] == [
        "removed 1 thing the files do not state:",
        "  event 'impunity-an-unchanging-rule-in-turkey': participant 'gonzalo-boye' as panellist",
    ]
    roles = await _roles("impunity-an-unchanging-rule-in-turkey")
    assert ("gonzalo-boye", "guest") in roles
    assert [role for _, role in roles].count("panellist") == 3


async def test_a_directory_with_errors_writes_nothing_and_names_file_record_and_field(
    cms: CmsRunner, seed_copy: Path
) -> None:
    edit(seed_copy / IMPUNITY, "committee: human-rights-defenders", "committee: no-such-committee")
    edit(
        seed_copy / "events/magnitsky-sanctions-workshops.md",
        "  - 2021-03-29\n",
        "  - 2021-02-30\n",
    )

    result = await cms("seed", str(seed_copy))

    assert result.exit_code == 1
    assert (
        "events/impunity-an-unchanging-rule-in-turkey.md: "
        "event 'impunity-an-unchanging-rule-in-turkey': "
        "committee: unknown committee 'no-such-committee'"
    ) in result.output
    assert (
        "events/magnitsky-sanctions-workshops.md: event 'magnitsky-sanctions-workshops': "
        "dates[0]: 2021-02-30 is not a real date"
    ) in result.output
    assert "2 problems in the seed files; nothing was written." in result.output
    assert set((await row_counts()).values()) == {0}


async def test_a_date_in_doubt_needs_a_note_and_a_known_certainty(
    cms: CmsRunner, seed_copy: Path
) -> None:
    edit(
        seed_copy / "events/magnitsky-sanctions-workshops.md",
        "date_certainty: STATED\n",
        "date_certainty: DISPUTED\n",
    )
    edit(seed_copy / IMPUNITY, "date_certainty: DISPUTED\n", "date_certainty: DOUBTFUL\n")

    result = await cms("seed", str(seed_copy))

    assert result.exit_code == 1
    assert (
        "events/magnitsky-sanctions-workshops.md: event 'magnitsky-sanctions-workshops': "
        "date_note: must say why the dates are disputed"
    ) in result.output
    assert (
        "events/impunity-an-unchanging-rule-in-turkey.md: "
        "event 'impunity-an-unchanging-rule-in-turkey': date_certainty: "
    ) in result.output
    assert "'STATED', 'INFERRED' or 'DISPUTED'" in result.output
    assert set((await row_counts()).values()) == {0}


async def test_a_failed_reseed_leaves_the_earlier_content_untouched(
    cms: CmsRunner, seed_copy: Path
) -> None:
    await cms("seed", str(seed_copy))
    before = await database_snapshot()
    edit(seed_copy / IMPUNITY, "title: 'Impunity", "title: 'Changed")
    edit(seed_copy / "people.yaml", "slug: antonio-stango", "slug: Antonio Stango")

    result = await cms("seed", str(seed_copy))

    assert result.exit_code == 1
    assert "people.yaml: person 'Antonio Stango': slug:" in result.output
    assert await database_snapshot() == before


async def test_a_person_referenced_but_not_defined_and_a_duplicate_slug_are_reported(
    cms: CmsRunner, seed_copy: Path
) -> None:
    edit(seed_copy / IMPUNITY, "person: antonio-stango", "person: antonio-stangoo")
    organisations = seed_copy / "organisations.yaml"
    with organisations.open("a", encoding="utf-8") as file:
        file.write("- slug: redress\n  name: REDRESS again\n  url: null\n")

    result = await cms("seed", str(seed_copy))

    assert result.exit_code == 1
    assert "unknown person 'antonio-stangoo'" in result.output
    assert "duplicate slug 'redress'" in result.output
    assert set((await row_counts()).values()) == {0}


async def test_dry_run_reports_the_changes_and_writes_nothing(
    cms: CmsRunner, seeds_dir: Path
) -> None:
    result = await cms("seed", "--dry-run", str(seeds_dir))

    assert result.exit_code == 0, result.output
    assert "events: 10 created, 0 updated, 0 unchanged" in result.output
    assert "nothing was written" in result.output
    assert set((await row_counts()).values()) == {0}


async def test_seeding_needs_a_migrated_database(
    cms: CmsRunner, tmp_path: Path, seeds_dir: Path
) -> None:
    result = await cms("seed", str(seeds_dir), database_url=f"sqlite://{tmp_path}/new.sqlite3")

    assert result.exit_code == 1
    assert "run `cms migrate` first" in result.output


async def test_export_then_seed_into_an_empty_database_then_export_is_byte_identical(
    cms: CmsRunner, db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    await cms("seed", str(seeds_dir))
    first = tmp_path / "first"
    assert (await cms("export", str(first))).exit_code == 0

    for model in CONTENT_MODELS:
        await model.all().delete()
    assert (await cms("seed", str(first))).exit_code == 0
    second = tmp_path / "second"
    assert (await cms("export", str(second))).exit_code == 0

    assert seed_files(second) == seed_files(first)
    assert seed_files(first) == seed_files(seeds_dir)  # seeds/ is already in canonical form
    assert await Person.all().count() == 20


async def test_a_schedule_survives_export_then_seed_into_an_empty_database_then_export(
    cms: CmsRunner, seed_copy: Path, tmp_path: Path
) -> None:
    edit(seed_copy / IMPUNITY, "status: PUBLISHED", "status: DRAFT")
    edit(
        seed_copy / IMPUNITY,
        "\n---\n",
        "\npublish_at: 2030-05-01T09:00:00+02:00\nunpublish_at: 2030-06-01T00:00:00Z\n---\n",
    )
    seeded = await cms("seed", str(seed_copy))
    assert seeded.exit_code == 0, seeded.output
    first = tmp_path / "first"
    assert (await cms("export", str(first))).exit_code == 0

    for model in CONTENT_MODELS:
        await model.all().delete()
    assert (await cms("seed", str(first))).exit_code == 0
    second = tmp_path / "second"
    assert (await cms("export", str(second))).exit_code == 0

    assert seed_files(second) == seed_files(first)
    event = await Event.get(slug="impunity-an-unchanging-rule-in-turkey")
    assert event.publish_at == datetime(2030, 5, 1, 7, tzinfo=UTC)
    assert event.unpublish_at == datetime(2030, 6, 1, tzinfo=UTC)
    exported = (first / IMPUNITY).read_text(encoding="utf-8")
    assert "\npublish_at: 2030-05-01T07:00:00Z\nunpublish_at: 2030-06-01T00:00:00Z\n---" in exported
    others = [name for name in seed_files(first) if name.startswith("events/") and name != IMPUNITY]
    assert all(b"publish_at" not in seed_files(first)[name] for name in others)


async def test_a_transcript_survives_export_then_seed_into_an_empty_database_then_export(
    cms: CmsRunner, tmp_path: Path
) -> None:
    fixture = Path(__file__).resolve().parent.parent / "data" / "transcript_seeds"
    await cms("seed", str(fixture))
    first = tmp_path / "first"
    assert (await cms("export", str(first))).exit_code == 0

    for model in CONTENT_MODELS:
        await model.all().delete()
    assert (await cms("seed", str(first))).exit_code == 0
    second = tmp_path / "second"
    assert (await cms("export", str(second))).exit_code == 0

    assert seed_files(second) == seed_files(first)
    assert seed_files(first) == seed_files(fixture)  # the fixture is in canonical form
    assert "transcripts/harbour-lights-forum-1.vtt" in seed_files(first)


async def test_a_yaml_syntax_error_names_where_the_problem_is_and_where_it_started(
    cms: CmsRunner, seed_copy: Path
) -> None:
    edit(seed_copy / "topics.yaml", "name: ", "name: [", count=1)
    edit(seed_copy / IMPUNITY, "place: ", 'place: "', count=1)

    result = await cms("seed", str(seed_copy))

    assert result.exit_code == 1
    lines = result.output.splitlines()
    topics = next(line for line in lines if "topics.yaml" in line)
    assert topics.endswith(
        "topics.yaml: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts at line 2, column 9) (line 3, column 7)"
    )
    event = next(line for line in lines if IMPUNITY in line)
    # Front matter lines count from the top of the file, past the opening '---'.
    assert event.endswith(
        f"{IMPUNITY}: invalid YAML: found unexpected end of stream "
        "(while scanning a quoted scalar that starts at line 13, column 8) (line 95, column 1)"
    )
    assert set((await row_counts()).values()) == {0}
