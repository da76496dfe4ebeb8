"""The carer's summary page shows the same calm sentence the family gets by SMS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.model import Observation

from .signin import as_carer, as_installer
from .test_carer_summary import at, sunday

Client = TestClient[Any, Any]


async def test_the_day_in_the_family_s_words(client: Client, hub: Hub) -> None:
    for obs in sunday():
        hub.store.add_observation(obs)
    await hub.store.flush()
    await as_installer(client)
    await as_carer(client)
    html = await (await client.get("/carer/summary?day=2026-05-03")).text()
    # no bed sensor in this flat, no routine learned yet: nothing is called "as usual"
    assert (
        '<p id="summary-message" class="summary">Ruhige Nacht, 7:10 aufgestanden, Küche 3×, '
        "draußen 10:40–11:50, keine Meldungen.</p>"
    ) in html
    client.session.cookie_jar.update_cookies({"lang": "en"})
    html = await (await client.get("/carer/summary?day=2026-05-03")).text()
    assert "Quiet night, up at 7:10, kitchen 3×, out 10:40–11:50, no alerts." in html


async def test_after_two_weeks_the_page_knows_what_is_usual(client: Client, hub: Hub) -> None:
    for days_ago in range(1, 15):
        for obs in sunday():
            earlier = obs.ts - timedelta(days=days_ago)
            hub.store.add_observation(Observation(earlier, obs.entity, obs.value, obs.source))
    for obs in sunday():
        hub.store.add_observation(obs)
    await hub.store.flush()
    await as_installer(client)
    html = await (await client.get("/carer/summary?day=2026-05-03")).text()
    assert (
        "Ruhige Nacht, 7:10 aufgestanden, Küche 3×, draußen 10:40–11:50, alles wie gewohnt."
    ) in html
    # the day before the two weeks began: too little is known yet
    html = await (await client.get("/carer/summary?day=2026-04-20")).text()
    assert "keine Meldungen." in html and "gewohnt" not in html


async def test_a_late_morning_on_the_page(client: Client, hub: Hub) -> None:
    for days_ago in range(1, 15):
        for obs in sunday():
            earlier = obs.ts - timedelta(days=days_ago)
            hub.store.add_observation(Observation(earlier, obs.entity, obs.value, obs.source))
    early = {(7, 10), (7, 30), (7, 35)}  # this Sunday she slept in
    for obs in sunday():
        if (obs.ts.hour, obs.ts.minute) not in early:
            hub.store.add_observation(obs)
    hub.store.add_observation(Observation(at(3, 9, 30), "motion.kueche", True, "zigbee"))
    await hub.store.flush()
    await as_installer(client)
    html = await (await client.get("/carer/summary?day=2026-05-03")).text()
    assert (
        "Ruhige Nacht, 9:30 aufgestanden (später als üblich), Küche 3×, draußen 10:40–11:50, "
        "sonst alles wie gewohnt."
    ) in html
