"""Carers' visits: checked in and out on the tablet (no sign-in of their own, but audited), the
visit log on the carer page, a visit left open, and who may do what."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.web.resident.visits import has_care_service

from ..conftest import BASE_CONFIG
from .signin import as_carer, as_resident, post

Client = TestClient[Any, Any]
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
FLAT = BASE_CONFIG.replace(
    '  anna: {name: Anna, role: family, phone: "+4917612345678"}\n',
    '  anna: {name: Anna, role: family, phone: "+4917612345678"}\n'
    '  maria: {name: Schwester Maria, role: carer, phone: "+4917699999999"}\n',
).replace(
    "devices:\n",
    'devices:\n  "00:15:8d:00:01:00:00:09": {name: Besuchstaste, room: flur, role: visit_button}\n',
)


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Hub]:
    path = tmp_path / "obhut.yaml"
    path.write_text(FLAT + f"storage:\n  data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        yield hub


async def advance(hub: Hub, by: timedelta) -> None:
    assert isinstance(hub.clock, SimulatedClock)
    await hub.clock.advance(by)


def visiting(hub: Hub) -> object:
    """What the tablet's last check-in or -out said (on: arrived)."""
    return hub.state["visit.tablet"].value


def cells(html: str) -> list[list[str]]:
    body = html.split('<table id="visits">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", r)] for r in rows
    ]


async def test_a_carer_checks_in_and_out_on_the_tablet_and_the_visit_is_logged(
    hub: Hub, client: Client, tablet: Client
) -> None:
    await as_resident(tablet)
    state = await (await tablet.get("/api/resident/visit")).json()
    assert state == {"open": None, "carers": ["Schwester Maria"]}  # the configured carer
    resp = await post(
        tablet, "/api/resident/visit", {"action": "arrive", "carer": " Herr  Yilmaz\n"}
    )
    assert resp.status == 200
    assert visiting(hub) is True
    state = await (await tablet.get("/api/resident/visit")).json()
    assert state["open"] == {"since": "08:00", "carer": "Herr Yilmaz"}
    assert state["carers"] == ["Herr Yilmaz", "Schwester Maria"]  # who came lately, first

    await advance(hub, timedelta(minutes=42))
    assert (await post(tablet, "/api/resident/visit", {"action": "leave"})).status == 200
    assert visiting(hub) is False
    assert (await (await tablet.get("/api/resident/visit")).json())["open"] is None

    await as_carer(client)
    page = await (await client.get("/carer/visits")).text()
    assert cells(page) == [
        ["Mo, 04.05.2026", "08:00", "08:42", "42 Min.", "Herr Yilmaz", "am Tablet"]
    ]
    assert "1 Besuch, 42 Min." in page
    entries = [(e.action, e.detail) for e in await hub.store.audit_entries(100)]
    assert ("tablet.visit.arrive", "Herr Yilmaz") in entries
    assert ("tablet.visit.leave", "Herr Yilmaz") in entries


async def test_a_check_in_needs_a_name_and_a_check_out_an_open_visit(
    hub: Hub, tablet: Client
) -> None:
    await as_resident(tablet)
    resp = await post(tablet, "/api/resident/visit", {"action": "arrive", "carer": "  "})
    assert resp.status == 400
    assert (await post(tablet, "/api/resident/visit", {"action": "leave"})).status == 409
    assert (await post(tablet, "/api/resident/visit", {"action": "dance"})).status == 400
    assert (await post(tablet, "/api/resident/visit", ["arrive"])).status == 400
    assert "visit.tablet" not in hub.state
    assert await hub.visits.between(NOW - timedelta(days=1), NOW + timedelta(days=1)) == []


async def test_checking_in_needs_the_tablets_csrf_token_and_the_log_is_for_carers(
    hub: Hub, client: Client, tablet: Client
) -> None:
    await as_resident(tablet)
    resp = await tablet.post("/api/resident/visit", json={"action": "arrive", "carer": "X"})
    assert resp.status == 403
    assert "visit.tablet" not in hub.state
    assert (await tablet.get("/carer/visits", allow_redirects=False)).status == 403
    anonymous = await client.get("/api/resident/visit")
    assert anonymous.status == 401


async def test_a_visit_left_open_and_a_button_visit_are_shown_as_such(
    hub: Hub, client: Client, tablet: Client
) -> None:
    await as_resident(tablet)
    await post(tablet, "/api/resident/visit", {"action": "arrive", "carer": "Schwester Maria"})
    # She forgot to check out; the next morning the visit button is pressed twice.
    await advance(hub, timedelta(hours=24, minutes=5))
    assert not hub.visits.is_open()  # a visit 24 hours old is not going on

    def press() -> None:
        # What the Zigbee source sends for a visit button's press (see test_visit_button).
        arriving = not hub.visits.is_open()
        hub.ingest(Observation(hub.clock.now(), "visit.flur", arriving, "zigbee"))

    press()
    await advance(hub, timedelta(minutes=20))
    press()
    await as_carer(client)
    page = await (await client.get("/carer/visits")).text()
    assert cells(page) == [
        [
            "Di, 05.05.2026",
            "08:05",
            "08:25",
            "20 Min.",
            "nicht angegeben",
            "mit der Taste „Besuchstaste“",
        ],
        ["Mo, 04.05.2026", "08:00", "Gehen nicht erfasst", "", "Schwester Maria", "am Tablet"],
    ]
    assert (await client.get("/carer/visits?range=month")).status == 200


async def test_an_open_visit_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "obhut.yaml"
    path.write_text(FLAT + f"storage:\n  data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    clock = SimulatedClock(NOW)
    async with Hub.running(load_config(path), path, clock) as hub:
        hub.visits.name_next("visit.tablet", "Schwester Maria")
        hub.ingest(Observation(clock.now(), "visit.tablet", True, "tablet"))
    clock.set(NOW + timedelta(minutes=10))
    async with Hub.running(load_config(path), path, clock) as hub:
        assert hub.visits.is_open()
        assert hub.visits.current is not None and hub.visits.current.carer == "Schwester Maria"
        hub.ingest(Observation(clock.now(), "visit.tablet", False, "tablet"))
        [visit] = await hub.visits.between(NOW, NOW + timedelta(hours=1))
        assert visit.duration == timedelta(minutes=10)


async def test_the_visit_log_speaks_english(hub: Hub, client: Client, tablet: Client) -> None:
    await as_resident(tablet)
    await post(tablet, "/api/resident/visit", {"action": "arrive", "carer": "Maria"})
    await as_carer(client)
    client.session.cookie_jar.update_cookies({"lang": "en"})
    page = await (await client.get("/carer/visits")).text()
    assert cells(page) == [["Mon, 04.05.2026", "08:00", "still here", "", "Maria", "on the tablet"]]


async def test_the_tile_is_on_the_tablet_only_where_a_care_service_comes(
    hub: Hub, tablet: Client, tmp_path: Path
) -> None:
    await as_resident(tablet)
    page = await (await tablet.get("/tablet")).text()
    assert 'data-open="visit-screen">Pflegedienst</button>' in page
    assert '<script src="/static/visits.js"></script>' in page
    family_only = tmp_path / "family.yaml"
    family_only.write_text(
        BASE_CONFIG + f"storage:\n  data_dir: {tmp_path / 'other'}\n", encoding="utf-8"
    )
    async with Hub.running(load_config(family_only), family_only, SimulatedClock(NOW)) as other:
        assert not has_care_service(other)
