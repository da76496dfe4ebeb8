"""The live page: sign-in, audit, live updates, and calm answers to bad requests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.web.app import build_app
from hub.web.auth import MAX_FAILURES, Gate

CODE = "ABCD-EFGH"
NOW = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


@pytest.fixture
async def hub(write_config: Callable[[str], Path]) -> AsyncIterator[Hub]:
    path = write_config("rules:\n  - kind: panic\n")
    clock = SimulatedClock(NOW)
    async with Hub.running(load_config(path), path, clock) as hub:
        yield hub


@pytest.fixture
async def client(hub: Hub) -> AsyncIterator[TestClient[object, object]]:
    server = TestServer(build_app(hub, Gate(CODE)), host="127.0.0.1")
    async with TestClient(server) as client:
        yield client


async def sign_in(client: TestClient[object, object], code: str = CODE) -> int:
    resp = await client.post("/login", data={"code": code}, allow_redirects=False)
    return resp.status


async def test_every_page_but_login_needs_a_session(client: TestClient[object, object]) -> None:
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/login"
    assert (await client.get("/api/state")).status == 401
    assert (await client.get("/events")).status == 401
    login = await client.get("/login")
    assert login.status == 200 and "Zugangscode" in await login.text()


async def test_sign_in_shows_the_home_and_is_audited(
    client: TestClient[object, object], hub: Hub
) -> None:
    assert await sign_in(client, "abcd efgh") == 302  # typed loosely, as people do
    hub.ingest(Observation(NOW, "motion.bad", True))
    page = await client.get("/")
    html = await page.text()
    assert page.status == 200
    assert "Wohnung Test" in html and "Bewegung Bad" in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    await hub.store.flush()
    actions = [(e.action, e.target) for e in await hub.store.audit_entries()]
    assert ("view", "/") in actions and ("login", "/login") in actions


async def test_wrong_codes_are_refused_then_throttled(
    client: TestClient[object, object], hub: Hub
) -> None:
    for _ in range(MAX_FAILURES):
        resp = await client.post("/login", data={"code": "WXYZ-2345"})
        assert resp.status == 401
        assert "Dieser Code stimmt nicht" in await resp.text()
    assert await sign_in(client) == 429  # even the right code waits now
    await hub.store.flush()
    failed = [e for e in await hub.store.audit_entries() if e.action == "login.failed"]
    assert len(failed) == MAX_FAILURES


async def test_observations_arrive_live_on_the_event_stream(
    client: TestClient[object, object], hub: Hub
) -> None:
    await sign_in(client)
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
    await sign_in(client)
    missing = await client.get("/does/not/exist")
    assert missing.status == 404 and "Diese Seite gibt es nicht" in await missing.text()
    huge = await client.post("/login", data={"code": "x" * 200_000})
    assert huge.status == 413
    raw = await client.post("/login", data=b"\xff\xfe\x00garbage", headers={"Content-Type": "x/y"})
    assert raw.status in (401, 400)
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
        serve(hub, Gate(CODE), "127.0.0.1", port),
        ClientSession() as s,
        s.get(f"http://127.0.0.1:{port}/health") as resp,
    ):
        assert resp.status == 200 and await resp.json() == {"status": "ok"}


async def test_a_carer_acknowledges_and_resolves_an_alert_on_the_web(
    client: TestClient[object, object], hub: Hub
) -> None:
    await sign_in(client)
    hub.ingest(Observation(NOW, "sos_button.bad", True))
    await hub.alerts.stop()  # the finding has become an alert in the store

    async def open_alerts() -> list[dict[str, object]]:
        resp = await client.get("/api/alerts")
        alerts: list[dict[str, object]] = (await resp.json())["alerts"]
        return alerts

    alerts = await open_alerts()
    assert [(a["rule"], a["severity"]) for a in alerts] == [("panic", "emergency")]
    alert_id = alerts[0]["id"]
    resp = await client.post(f"/api/alerts/{alert_id}/acknowledge")
    assert resp.status == 200
    assert (await resp.json())["alert"]["acknowledged_by"].startswith("web:installer")
    assert (await client.post(f"/api/alerts/{alert_id}/resolve")).status == 200
    assert await open_alerts() == []
    assert (await client.post(f"/api/alerts/{alert_id}/resolve")).status == 409
    assert (await client.post("/api/alerts/999/acknowledge")).status == 409
    await hub.store.flush()
    actions = [e.action for e in await hub.store.audit_entries()]
    assert "alert.acknowledge" in actions and "alert.resolve" in actions


async def test_alert_actions_need_a_session(client: TestClient[object, object]) -> None:
    assert (await client.post("/api/alerts/1/acknowledge")).status == 401
    assert (await client.get("/api/alerts")).status == 401
