"""The live page: sign-in, audit, live updates, and calm answers to bad requests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from aiohttp import ClientSession
from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.web.auth import MAX_FAILURES, Gate

from .conftest import NOW
from .signin import PASSWORD, as_installer, as_resident, csrf, login, post


async def test_every_page_but_login_needs_a_session(client: TestClient[object, object]) -> None:
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/login"
    assert (await client.get("/api/state")).status == 401
    assert (await client.get("/events")).status == 401
    setup = await client.get("/setup")
    assert setup.status == 200 and "Einrichtungscode" in await setup.text()


async def test_sign_in_shows_the_home_and_is_audited(
    client: TestClient[object, object], hub: Hub
) -> None:
    await as_installer(client)
    hub.ingest(Observation(NOW, "motion.bad", True))
    page = await client.get("/")
    html = await page.text()
    assert page.status == 200
    assert "Wohnung Test" in html and "Bewegung Bad" in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    await hub.store.flush()
    actions = [(e.action, e.target) for e in await hub.store.audit_entries()]
    assert ("view", "/") in actions and ("login", "/setup") in actions


async def test_wrong_passwords_are_refused_then_throttled(
    client: TestClient[object, object], hub: Hub
) -> None:
    await as_installer(client)
    await client.post("/logout", data={"csrf": csrf(client)})
    for _ in range(MAX_FAILURES):
        resp = await login(client, "ina", "falsches-Passwort")
        assert resp.status == 401
        assert "Benutzername oder Passwort stimmt nicht" in await resp.text()
    assert (await login(client, "ina", PASSWORD)).status == 429  # even the right one waits now
    await hub.store.flush()
    failed = [e for e in await hub.store.audit_entries() if e.action == "login.failed"]
    assert len(failed) == MAX_FAILURES


async def test_observations_arrive_live_on_the_event_stream(
    client: TestClient[object, object], hub: Hub
) -> None:
    await as_installer(client)
    resp = await client.get("/events")
    assert resp.headers["Content-Type"].startswith("text/event-stream")

    async def next_event() -> tuple[str, dict[str, object]]:
        kind = ""
        while True:
            line = (await resp.content.readline()).decode().strip()
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                return kind, json.loads(line[6:])

    await asyncio.sleep(0)  # let the stream subscribe
    hub.ingest(Observation(NOW, "sos_button.bad", True))
    kind, data = await asyncio.wait_for(next_event(), 5)
    assert kind == "observation" and data["name"] == "Notruf" and data["room"] == "Bad"
    assert data["time"] == "09:00:00"  # shown in the home's time zone
    kind, data = await asyncio.wait_for(next_event(), 5)
    assert kind == "finding" and data["severity"] == "emergency"
    resp.close()


async def test_garbage_gets_calm_answers_and_the_hub_keeps_serving(
    client: TestClient[object, object],
) -> None:
    await as_installer(client)
    missing = await client.get("/does/not/exist")
    assert missing.status == 404 and "Diese Seite gibt es nicht" in await missing.text()
    huge = await client.post("/login", data={"csrf": csrf(client), "username": "x" * 200_000})
    assert huge.status == 413
    raw = await client.post("/login", data=b"\xff\xfe\x00garbage", headers={"Content-Type": "x/y"})
    assert raw.status == 403  # no CSRF token in that
    for resp in (missing, huge, raw):
        assert "Traceback" not in await resp.text()
    assert (await client.get("/api/state")).status == 200


async def test_state_survives_a_restart(write_config: Callable[[str], Path]) -> None:
    path = write_config("")
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        hub.ingest(Observation(NOW, "contact.front_door", True))
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        assert hub.state["contact.front_door"].value is True


async def test_the_server_answers_on_loopback(hub: Hub) -> None:
    from hub.web.app import serve

    from ..conftest import free_port

    port = free_port()
    async with (
        serve(hub, Gate(), "127.0.0.1", port),
        ClientSession() as s,
        s.get(f"http://127.0.0.1:{port}/health") as resp,
    ):
        assert resp.status == 200 and await resp.json() == {"status": "ok"}


async def test_a_carer_acknowledges_and_resolves_an_alert_on_the_web(
    client: TestClient[object, object], hub: Hub
) -> None:
    await as_installer(client)
    hub.ingest(Observation(NOW, "sos_button.bad", True))
    await hub.alerts.stop()  # the finding has become an alert in the store

    async def open_alerts() -> list[dict[str, object]]:
        resp = await client.get("/api/alerts")
        alerts: list[dict[str, object]] = (await resp.json())["alerts"]
        return alerts

    alerts = await open_alerts()
    assert [(a["rule"], a["severity"]) for a in alerts] == [("panic", "emergency")]
    alert_id = alerts[0]["id"]
    resp = await post(client, f"/api/alerts/{alert_id}/acknowledge")
    assert resp.status == 200
    assert (await resp.json())["alert"]["acknowledged_by"] == "web:installer:ina"
    assert (await post(client, f"/api/alerts/{alert_id}/resolve")).status == 200
    assert await open_alerts() == []
    assert (await post(client, f"/api/alerts/{alert_id}/resolve")).status == 409
    assert (await post(client, "/api/alerts/999/acknowledge")).status == 409
    await hub.store.flush()
    actions = [e.action for e in await hub.store.audit_entries()]
    assert "alert.acknowledge" in actions and "alert.resolve" in actions


async def test_alert_actions_need_a_session(client: TestClient[object, object]) -> None:
    assert (await client.post("/api/alerts/1/acknowledge")).status == 401
    assert (await client.get("/api/alerts")).status == 401


async def test_a_page_polled_every_two_seconds_is_one_view_per_ten_minutes_in_the_audit(
    tablet: TestClient[object, object], hub: Hub
) -> None:
    await as_resident(tablet)
    clock = hub.clock
    assert isinstance(clock, SimulatedClock)
    for _ in range(300):  # ten minutes of the tablet asking for its status
        assert (await tablet.get("/api/resident/status")).status == 200
        await clock.advance(timedelta(seconds=2))
    assert (await tablet.get("/api/resident/status")).status == 200
    await hub.store.flush()
    views = [e for e in await hub.store.audit_entries(1000) if e.target == "/api/resident/status"]
    assert len(views) == 2  # the first, and one more once ten minutes had passed
