"""axe-core, run inside the explorer's pages, finds nothing serious or critical."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, Visit


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/?q=rights", ".event-hit"),
        ("/?q=lighthouse", ".transcript-hit"),
        ("/events/tidewater-archive-evening", ".cue"),
        ("/events/world-day-to-combat-desertification-2021", "h1"),
        ("/people/nomhle-senene", "h1"),
        ("/committees/environmental-rights", "h1"),
    ],
)
@pytest.mark.parametrize("size", [None, PHONE], ids=["desktop", "phone"])
async def test_no_serious_accessibility_violations(
    visit: Visit, axe_source: str, path: str, ready: str, size: dict[str, int] | None
) -> None:
    if size is not None:
        await visit.page.set_viewport_size(size)
    await visit.open(path)
    await expect(visit.page.locator(ready).first).to_be_visible()
    await expect(visit.page.locator("main")).to_have_attribute("aria-busy", "false")

    assert await visit.axe_violations(axe_source) == []
