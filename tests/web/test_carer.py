"""The carer's pages: alerts with their buttons and history, today's timeline, vital-sign
charts, device health, and who may see them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.alerts.model import AlertState
from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Finding, Observation, Severity

from ..conftest import BASE_CONFIG
from .conftest import NOW
from .signin import as_carer, as_installer, as_resident, csrf, form_token, post

Client = TestClient[Any, Any]
VITALS = '  "00:15:8d:00:01:00:00:05": {name: Vitalsensor, room: schlafzimmer, role: vital_signs}\n'


@pytest.fixture
def language() -> str:
    return "de"


@pytest.fixture
async def hub(tmp_path: Path, language: str) -> AsyncIterator[Hub]:
    """The shared test flat plus a bedroom with a vital-sign sensor."""
    text = BASE_CONFIG.replace("  timezone:", f"  language: {language}\n  timezone:", 1)
    # the console channel reaches everyone, so deliveries are made and shown
    text = text.replace("- contacts: [anna]", "- {contacts: [anna], channels: [console]}")
    text = text.replace(
        "devices:\n", "  schlafzimmer: {name: Schlafzimmer, kind: bedroom}\ndevices:\n" + VITALS
    )
    text += f"rules:\n  - kind: panic\nstorage:\n  data_dir: {tmp_path / 'data'}\n"
    path = tmp_path / "obhut.yaml"
    path.write_text(text, encoding="utf-8")
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        yield hub


def sos(hub: Hub) -> None:
    hub.bus.publish(
        Finding(
            ts=hub.clock.now(),
            rule="panic",
            kind="panic",
            severity=Severity.EMERGENCY,
            subject="bad",
            summary="SOS pressed",
            explanation="Der Notrufknopf im Bad wurde gedrückt",
        )
    )


async def open_alert(hub: Hub) -> int:
    sos(hub)
    await hub.alerts.idle()
    alerts = await hub.alerts.open_alerts()
    assert alerts
    return alerts[-1].id


def svg(html: str, element_id: str) -> str:
    found = re.search(rf'<svg id="{re.escape(element_id)}".*?</svg>', html, re.S)
    assert found, f"no svg #{element_id}"
    return found.group(0)


def points_in(chart: str) -> int:
    lines = re.findall(r'<polyline class="line" points="([^"]*)"', chart)
    dots = re.findall(r'<circle class="dot"', chart)
    return sum(len(line.split()) for line in lines) + len(dots)


async def test_open_alert_is_shown_with_its_buttons_and_who_was_told(
    client: Client, hub: Hub
) -> None:
    alert_id = await open_alert(hub)
    await as_carer(client)
    resp = await client.get("/carer")
    assert resp.status == 200
    html = await resp.text()
    assert 'lang="de"' in html
    assert "Der Notrufknopf im Bad wurde gedrückt" in html
    assert "Notfall" in html
    assert f'action="/carer/alerts/{alert_id}/acknowledge"' in html
    assert f'data-api="/api/alerts/{alert_id}/resolve"' in html
    assert "Übernehmen" in html and "Erledigt" in html
    assert f'name="csrf" value="{csrf(client)}"' in html
    assert "Anna" in html  # the escalation's first contact has a delivery
    assert '<script src="/static/carer.js' in html and "<style" not in html


async def test_the_form_acknowledges_then_resolves_and_the_history_says_who(
    client: Client, hub: Hub
) -> None:
    alert_id = await open_alert(hub)
    await as_carer(client, "carla")
    token = await form_token(client, "/carer")
    resp = await client.post(
        f"/carer/alerts/{alert_id}/acknowledge", data={"csrf": token}, allow_redirects=False
    )
    assert resp.status == 303
    alert = await hub.alerts.alert(alert_id)
    assert alert is not None and alert.state is AlertState.ACKNOWLEDGED
    assert alert.acknowledged_by == "web:carer:carla"
    html = await (await client.get("/carer")).text()
    assert "Übernommen von carla" in html

    resp = await post(client, f"/api/alerts/{alert_id}/resolve")  # what the script sends
    assert resp.status == 200
    html = await (await client.get("/carer")).text()
    assert "Keine offenen Alarme" in html
    history = html.split('id="history"', 1)[1]
    assert "Übernommen von carla" in history and "Erledigt von carla" in history
    assert "gesendet" in history or "wartet" in history or "nicht mehr nötig" in history


async def test_the_form_without_its_csrf_token_is_refused(client: Client, hub: Hub) -> None:
    alert_id = await open_alert(hub)
    await as_carer(client)
    resp = await client.post(f"/carer/alerts/{alert_id}/acknowledge", allow_redirects=False)
    assert resp.status == 403
    alert = await hub.alerts.alert(alert_id)
    assert alert is not None and alert.state is AlertState.OPEN


@pytest.mark.parametrize("page", ["/carer", "/carer/today", "/carer/vitals", "/carer/devices"])
async def test_a_resident_may_not_see_the_carer_pages(client: Client, page: str) -> None:
    await as_resident(client)
    resp = await client.get(page, allow_redirects=False)
    assert resp.status == 403


async def test_a_resident_may_not_acknowledge_through_the_form(client: Client, hub: Hub) -> None:
    alert_id = await open_alert(hub)
    await as_resident(client)
    resp = await post(client, f"/carer/alerts/{alert_id}/acknowledge")
    assert resp.status == 403


async def test_an_installer_sees_the_pages_and_the_nav(client: Client) -> None:
    await as_installer(client)
    for page in ("/carer", "/carer/today", "/carer/vitals", "/carer/devices"):
        resp = await client.get(page)
        assert resp.status == 200, page
        html = await resp.text()
        assert f'href="{page}" aria-current="page"' in html
        for other in ("/carer/today", "/carer/vitals", "/carer/devices"):
            assert f'href="{other}"' in html


async def test_vital_charts_leave_out_zeros_as_gaps(client: Client, hub: Hub) -> None:
    start = NOW - timedelta(hours=2)
    values = [62, 64, 0, 66, 68, 70]  # 0: nobody in bed
    for i, value in enumerate(values):
        hub.ingest(Observation(start + timedelta(minutes=i), "heart_rate.schlafzimmer", value))
    for i, value in enumerate([14, 15, 16]):
        hub.ingest(
            Observation(start + timedelta(minutes=i), "respiratory_rate.schlafzimmer", value)
        )
    await as_carer(client)
    html = await (await client.get("/carer/vitals")).text()
    day = svg(html, "day-heart_rate.schlafzimmer")
    assert points_in(day) == 5
    assert len(re.findall(r"<polyline", day)) == 2  # broken where the 0 was
    assert points_in(svg(html, "day-respiratory_rate.schlafzimmer")) == 3
    # the week shows hourly means: all of these fall in one hour
    assert points_in(svg(html, "week-heart_rate.schlafzimmer")) == 1
    assert "Puls" in html and "Atmung" in html and 'role="img"' in html


async def test_the_week_uses_daily_aggregates_when_raw_readings_are_gone(
    client: Client, hub: Hub
) -> None:
    for days in (3, 2):
        for i in range(3):
            ts = NOW - timedelta(days=days, minutes=i)
            hub.ingest(Observation(ts, "heart_rate.schlafzimmer", 60.0 + i))
    await hub.store.flush()
    await hub.store.apply_retention(NOW, 1, hub.config.home.tz)
    assert not await hub.store.observations(
        NOW - timedelta(days=7), NOW, ["heart_rate.schlafzimmer"]
    )
    await as_carer(client)
    html = await (await client.get("/carer/vitals")).text()
    assert points_in(svg(html, "week-heart_rate.schlafzimmer")) == 2  # one per day, at noon
    assert "Keine gültigen Messwerte" in html  # the last 24 h have none


async def test_today_has_one_lane_per_room_with_a_mark_per_movement(
    client: Client, hub: Hub
) -> None:
    # NOW is 09:00 in Berlin; 23:30 UTC yesterday is 01:30 today
    for minutes in (0, 30, 60):
        hub.ingest(Observation(NOW - timedelta(hours=1, minutes=minutes), "motion.bad", True))
    hub.ingest(Observation(NOW - timedelta(hours=7, minutes=30), "motion.kueche", True))
    hub.ingest(
        Observation(NOW - timedelta(hours=9, minutes=30), "motion.kueche", True)
    )  # day before
    hub.ingest(Observation(NOW - timedelta(minutes=20), "contact.front_door", True))
    hub.ingest(Observation(NOW - timedelta(minutes=19), "contact.front_door", False))
    await as_carer(client)
    html = await (await client.get("/carer/today")).text()
    chart = svg(html, "timeline")
    lanes = dict(re.findall(r'<g class="lane" data-room="([^"]*)">(.*?)</g>', chart, re.S))
    assert list(lanes) == ["Bad", "Flur", "Küche"]
    assert lanes["Bad"].count("mark-motion") == 3
    assert lanes["Küche"].count("mark-motion") == 1
    assert lanes["Flur"].count("mark-contact") == 1
    assert "01:30" in html  # the kitchen's first movement in the summary


async def test_devices_list_the_low_battery_first_and_silent_sensors(
    client: Client, hub: Hub
) -> None:
    hub.ingest(Observation(NOW - timedelta(hours=1), "battery.bewegung_bad", 80.0))
    hub.ingest(Observation(NOW - timedelta(hours=1), "battery.haustuer", 9.0))
    hub.ingest(Observation(NOW - timedelta(hours=1), "battery.notruf", 55.0))
    hub.ingest(Observation(NOW - timedelta(minutes=5), "available.bewegung_kueche", False))
    await as_carer(client)
    html = await (await client.get("/carer/devices")).text()
    table = html.split('id="batteries"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*><td>([^<]*)</td>", table)
    assert rows == ["Haustür", "Notruf", "Bewegung Bad"]
    assert "schwach" in table.split("Notruf")[0]
    silent = html.split('id="silent"', 1)[1].split("</ul>", 1)[0]
    assert "Bewegung Küche" in silent
    assert "noch nie" in html  # the vital-sign sensor has not reported


@pytest.mark.parametrize("language", ["en"])
async def test_pages_speak_english_in_an_english_home(client: Client, hub: Hub) -> None:
    alert_id = await open_alert(hub)
    await as_carer(client)
    html = await (await client.get("/carer")).text()
    assert 'lang="en"' in html and "Take over" in html and "Emergency" in html
    assert str(alert_id) in html
