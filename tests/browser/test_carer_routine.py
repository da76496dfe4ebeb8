"""The carer's routine page in a real browser: the usual day from a week of history, and its
accessibility (axe) with the rooms-by-hour chart on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.model import Observation

from .conftest import ARTIFACTS, LiveHub
from .test_carer import sign_in_as_carer

BERLIN = ZoneInfo("Europe/Berlin")
VISITS = (time(7, 10), time(7, 25), time(12, 0), time(19, 0), time(21, 30))


def furnish(live: LiveHub) -> None:
    """Eight days of the bathroom's motion sensor, at the same times every day."""
    today = datetime.now(BERLIN).date()

    async def seed() -> None:
        for back in range(1, 9):
            day = today - timedelta(days=back)
            for t in VISITS:
                ts = datetime.combine(day, t, tzinfo=BERLIN)
                live.hub.store.add_observation(Observation(ts, "motion.bad", True))
                live.hub.store.add_observation(
                    Observation(ts + timedelta(minutes=1), "motion.bad", False)
                )
        await live.hub.store.flush()

    live.run(seed())


def test_the_routine_page_reads_well_and_has_no_serious_accessibility_problems(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    furnish(live)
    context = new_context()
    sign_in_as_carer(context, live)
    page = context.new_page()
    page.goto(f"{live.base_url}/carer")
    page.get_by_role("link", name="Gewohnheiten").click()
    page.locator("#routine-usual").wait_for()
    assert "Gelernt aus 8 Tagen" in page.locator("#routine-status").inner_text()
    assert "7:10 Uhr" in page.locator("#routine-usual").inner_text()  # getting up, every day
    assert page.locator("#routine-rooms .cell").count() == 24  # one room, the bathroom
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "carer-routine-1280x800.png", full_page=True)
