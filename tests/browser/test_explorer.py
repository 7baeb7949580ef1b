"""The explorer at `/`, in Chromium: search as you type, facets in the address, the event,
person and committee pages, and transcript moments that open the recording and the cue."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Route, expect

from tests.browser.conftest import PHONE, Visit

DESERTIFICATION = "World Day to Combat Desertification 2021"


def _search_box(visit: Visit) -> Locator:
    return visit.page.get_by_label("Search events, people and what was said")


async def test_typing_a_misspelt_word_shows_the_event_first_with_its_words_marked(
    visit: Visit,
) -> None:
    await visit.open("/")
    await _search_box(visit).press_sequentially("desertifcation", delay=40)

    first = visit.page.locator(".event-hit").first
    await expect(first.get_by_role("heading", level=3)).to_have_text(DESERTIFICATION)
    await expect(first.locator(".snippet mark").first).to_have_text(
        re.compile("desertification", re.IGNORECASE)
    )
    await expect(visit.page).to_have_url(re.compile(r"/\?q=desertifcation$"))
    await visit.screenshot("search-in-progress")


async def test_a_committee_filter_narrows_the_results_and_the_back_button_undoes_it(
    visit: Visit,
) -> None:
    await visit.open("/?q=rights")
    status = visit.page.get_by_role("status")
    await expect(status).to_have_text(re.compile(r"^\d+ results for “rights”$"))
    before = int((await status.inner_text()).split()[0])
    committees = visit.page.get_by_role("group", name="Committee")
    defenders = committees.get_by_label(re.compile("Human Rights Defenders"))
    label_before = await committees.locator("label", has_text="Human Rights Defenders").inner_text()
    expected = int(re.search(r"\((\d+)\)", label_before).group(1))  # type: ignore[union-attr]

    await defenders.check()

    await expect(visit.page).to_have_url(re.compile(r"committee=human-rights-defenders"))
    await expect(status).to_have_text(
        f"{expected} result{'s' if expected != 1 else ''} for “rights”"
    )
    assert expected < before
    await expect(defenders).to_be_checked()
    await expect(defenders).to_be_focused()  # the keyboard stays where it was

    await visit.page.go_back()

    await expect(visit.page).to_have_url(re.compile(r"/\?q=rights$"))
    await expect(status).to_have_text(f"{before} results for “rights”")
    await expect(defenders).not_to_be_checked()
    await expect(_search_box(visit)).to_have_value("rights")


async def test_an_event_page_lists_its_participants_who_link_to_their_pages(visit: Visit) -> None:
    await visit.open("/events/world-day-to-combat-desertification-2021")
    await expect(visit.page.get_by_role("heading", level=1)).to_have_text(DESERTIFICATION)
    participants = visit.page.get_by_role("region", name="Participants")
    await expect(participants.get_by_role("listitem")).to_have_count(2)
    await expect(participants).to_contain_text("Nomhle Senene — Guest")
    await expect(
        visit.page.get_by_role("link", name="Environmental Rights Committee")
    ).to_be_visible()
    await visit.screenshot("event")

    await participants.get_by_role("link", name="Nomhle Senene").click()

    await expect(visit.page).to_have_url(re.compile("/people/nomhle-senene$"))
    await expect(visit.page.get_by_role("heading", level=1)).to_have_text("Nomhle Senene")
    events = visit.page.get_by_role("region", name="Events")
    await expect(events.get_by_role("link", name=DESERTIFICATION)).to_be_visible()
    await expect(events).to_contain_text("Guest")
    await visit.screenshot("person")


async def test_an_event_page_says_when_its_date_is_in_doubt_and_why(visit: Visit) -> None:
    await visit.open("/events/impunity-an-unchanging-rule-in-turkey")
    date = visit.page.locator(".facts dd").first

    await expect(date).to_contain_text("26 June 2021 (disputed)")
    await expect(date.locator(".date-note")).to_contain_text("its text says “On 26 June 2020”")

    await visit.open("/events/magnitsky-sanctions-workshops")  # dates as stated: no note
    await expect(visit.page.locator(".facts dd").first).not_to_contain_text("(")


async def test_a_committee_page_lists_its_members_and_events(visit: Visit) -> None:
    await visit.open("/committees/human-rights-defenders")
    await expect(visit.page.get_by_role("heading", level=1)).to_have_text(
        "Human Rights Defenders Committee"
    )
    members = visit.page.get_by_role("region", name="Members")
    await expect(members).to_contain_text("Esra Kalkan — co-chair")
    events = visit.page.get_by_role("region", name="Events")
    await expect(
        events.get_by_role("link", name="Impunity: An Unchanging Rule in Turkey")
    ).to_be_visible()


async def test_a_transcript_moment_opens_the_recording_there_and_lands_on_its_cue(
    visit: Visit,
) -> None:
    await visit.open("/?q=lighthouse%20logbooks")
    moment = visit.page.locator(".transcript-hit").first
    await expect(moment.locator(".speaker")).to_have_text("Wren Halloway")
    await expect(moment.locator(".snippet mark").first).to_have_text(
        re.compile("lighthouse", re.IGNORECASE)
    )
    play = moment.get_by_role("link", name="Play the recording from 12:34")
    await expect(play).to_have_text("▶ 12:34")
    await expect(play).to_have_attribute("href", re.compile(r"[?&]t=754s?$"))

    await moment.get_by_role("link", name="Read in the transcript").click()

    await expect(visit.page).to_have_url(
        re.compile(r"/events/tidewater-archive-evening#cue-.+-754000$")
    )
    cue = visit.page.locator(".cue.is-target")
    await expect(cue).to_have_count(1)
    await expect(cue).to_contain_text("12:34")
    await expect(cue).to_contain_text("lighthouse keeper")
    await expect(cue).to_be_focused()
    await expect(cue).to_be_in_viewport()
    # The cue's own address lands on it too, on a fresh load.
    await visit.page.reload()
    await expect(visit.page.locator(".cue.is-target")).to_contain_text("lighthouse keeper")


async def test_nothing_found_and_a_failing_api_say_so(visit: Visit) -> None:
    await visit.open("/?q=zzxqqv")
    await expect(visit.page.locator(".empty")).to_contain_text("Nothing found for “zzxqqv”")

    async def bad_gateway(route: Route) -> None:
        await route.fulfill(status=502, body="bad gateway")

    await visit.page.route("**/graphql", bad_gateway)
    await _search_box(visit).fill("desertification")
    await expect(visit.page.get_by_role("alert")).to_contain_text("The search failed")
    await expect(visit.page.get_by_role("button", name="Try again")).to_be_visible()
    # The browser logs the 502 it was given; that is the only error there may be.
    assert all("502" in error for error in visit.errors), visit.errors
    visit.errors.clear()


async def test_markup_in_the_content_is_shown_as_text_and_only_marks_are_kept(
    visit: Visit,
) -> None:
    # The fictional archivist's biography holds `<img src=x onerror=alert(1)>`.
    await visit.open("/?q=archivist")
    hit = visit.page.locator(".person-hit").first
    await expect(hit.locator("mark").first).to_have_text(re.compile("archivist", re.IGNORECASE))
    await expect(hit).to_contain_text("<img src=x onerror=alert(1)>")
    assert await visit.page.locator("main img").count() == 0

    await hit.get_by_role("link", name="Wren Halloway").click()
    await expect(visit.page.locator(".bio")).to_contain_text("<img src=x onerror=alert(1)>")
    assert await visit.page.locator("main img").count() == 0


async def test_screenshots_at_desktop_and_phone_width(visit: Visit) -> None:
    for size in ({"width": 1280, "height": 860}, PHONE):
        await visit.page.set_viewport_size(size)
        await visit.open("/?q=rights")
        await expect(visit.page.locator(".event-hit").first).to_be_visible()
        await visit.screenshot("search")
        await visit.open("/events/tidewater-archive-evening")
        await expect(visit.page.locator(".cue").first).to_be_visible()
        await visit.screenshot("event-with-transcript")
        assert "null" not in await visit.page.locator("main").inner_text()  # no empty field shown
        # Nothing is wider than the screen.
        assert await visit.page.evaluate("document.documentElement.scrollWidth") <= size["width"]
