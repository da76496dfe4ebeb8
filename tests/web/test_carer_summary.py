"""The carer's daily summary: one calm sentence and its numbers from known observations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.model import Observation
from hub.web.carer.summary import visits

from .signin import as_carer, as_installer, as_resident

Client = TestClient[Any, Any]
BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2026, 5, day, hh, mm, ss, tzinfo=BERLIN)


def sunday() -> list[Observation]:
    """Sunday 3 May 2026 (Berlin) and the night before it."""
    motion = [
        ("bad", at(2, 23, 30)),  # at night in the bathroom: one visit...
        ("bad", at(2, 23, 35)),  # ...still the same one
        ("bad", at(3, 7, 10)),  # up
        ("kueche", at(3, 7, 30)),
        ("kueche", at(3, 7, 35)),  # the same visit
        ("kueche", at(3, 10, 30)),
        ("bad", at(3, 11, 52)),  # back in
        ("kueche", at(3, 18, 0)),
    ]
    out = []
    for room, ts in motion:
        out.append(Observation(ts, f"motion.{room}", True, "zigbee"))
        out.append(Observation(ts + timedelta(seconds=30), f"motion.{room}", False, "zigbee"))
    for ts, value in (
        (at(3, 10, 40), True),
        (at(3, 10, 40, 10), False),
        (at(3, 11, 50), True),
        (at(3, 11, 50, 10), False),
    ):
        out.append(Observation(ts, "contact.front_door", value, "zigbee"))
    return out


async def seed(hub: Hub) -> None:
    for obs in sunday():
        hub.store.add_observation(obs)
    await hub.store.flush()


async def test_the_summary_of_a_known_day(client: Client, hub: Hub) -> None:
    await seed(hub)
    await as_installer(client)
    await as_carer(client)
    page = await client.get("/carer")
    assert 'href="/carer/summary"' in await page.text()
    resp = await client.get("/carer/summary?day=2026-05-03")
    assert resp.status == 200
    html = await resp.text()
    assert (
        "Aufgestanden 07:10, Küche 3×, draußen 10:40–11:50, nachts 1× im Bad, keine Meldungen"
    ) in html
    assert '<dd id="kitchen">3</dd>' in html
    assert '<dd id="out">70</dd>' in html
    assert '<dd id="night-bathroom">1</dd>' in html
    assert '<dd id="got-up">07:10</dd>' in html
    assert 'aria-current="page"' in html


async def test_the_summary_in_english_and_today(client: Client, hub: Hub) -> None:
    await seed(hub)
    await as_installer(client)
    client.session.cookie_jar.update_cookies({"lang": "en"})
    html = await (await client.get("/carer/summary?day=2026-05-03")).text()
    assert "Up at 07:10, kitchen 3×, out 10:40–11:50, bathroom at night 1×, no alerts" in html
    today = await client.get("/carer/summary")  # Monday morning: nothing yet
    assert today.status == 200
    assert "getting up not seen" in await today.text()
    assert (await client.get("/carer/summary?day=2026-05-09")).status == 400
    assert (await client.get("/carer/summary?day=yesterday")).status == 400


async def test_residents_may_not_see_it(client: Client, tablet: Client) -> None:
    await as_installer(client)
    await as_resident(tablet)
    resp = await tablet.get("/carer/summary", allow_redirects=False)
    assert resp.status == 403


def test_visits_are_separated_by_ten_minutes() -> None:
    t0 = at(3, 12, 0)
    times = [t0, t0 + timedelta(minutes=9), t0 + timedelta(minutes=19), t0 + timedelta(hours=1)]
    assert visits(times) == 3
    assert visits([]) == 0
