"""Video calls: the appointment reminder at `remind_before` (a deadline that survives a
restart), its end half an hour after the call, the tablet's API, and the tablet page's
headers that let it frame exactly the configured call pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.web.app import build_app
from hub.web.auth import Gate
from integrations.sms_twilio.standin import TwilioStandin

from ..web.signin import as_resident, post
from .conftest import SENDER, T0, Flat, write_flat

Client = TestClient[Any, Any]
REMINDER = datetime(2026, 12, 1, 8, 45, tzinfo=UTC)  # 09:45 in Berlin, 15 min before 10:00
CALL = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def tablet(flat: Flat) -> AsyncIterator[Client]:
    server = TestServer(build_app(flat.hub, Gate()), host="127.0.0.1")
    async with TestClient(server) as client:
        await as_resident(client)
        yield client


async def reminders(client: Client) -> list[dict[str, Any]]:
    resp = await client.get("/api/resident/video")
    assert resp.status == 200
    found: list[dict[str, Any]] = (await resp.json())["reminders"]
    return found


async def test_the_reminder_shows_at_its_time_and_goes_half_an_hour_after_the_call(
    flat: Flat, tablet: Client
) -> None:
    await flat.clock.advance_to(datetime(2026, 12, 1, 8, 44, 59, tzinfo=UTC))
    assert await reminders(tablet) == []
    await flat.clock.advance_to(REMINDER)
    [shown] = await reminders(tablet)
    assert shown["text"] == "Um 10:00 Videosprechstunde mit Dr. Weber"
    assert (shown["call"], shown["due"]) == ("hausarzt", False)
    await flat.clock.advance_to(CALL)
    assert (await reminders(tablet))[0]["due"] is True
    await flat.clock.advance_to(datetime(2026, 12, 1, 9, 29, 59, tzinfo=UTC))
    assert len(await reminders(tablet)) == 1
    await flat.clock.advance_to(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    assert await reminders(tablet) == []


@pytest.mark.parametrize("stop_at", [datetime(2026, 12, 1, 8, 30, tzinfo=UTC), REMINDER])
async def test_a_restart_keeps_the_reminder(tmp_path: Path, stop_at: datetime) -> None:
    clock = SimulatedClock(T0)
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        path = write_flat(tmp_path, twilio, None)
        async with Hub.running(load_config(path), path, clock) as hub:
            await clock.advance_to(stop_at)
            before = [r.key for r in hub.video.showing()]
            await hub.store.flush()
        async with Hub.running(load_config(path), path, clock) as hub:
            assert [r.key for r in hub.video.showing()] == before
            await clock.advance_to(REMINDER)
            [shown] = hub.video.showing()
            assert (shown.call, shown.at) == ("hausarzt", CALL)


async def test_an_appointment_taken_out_of_the_file_is_forgotten(flat: Flat) -> None:
    assert [d.key for d in flat.hub.scheduler.pending() if d.kind == "video-reminder"] == [
        "video:hausarzt:2026-12-01T10:00"
    ]
    text = flat.path.read_text().replace('appointments: [{at: "2026-12-01 10:00"}]', "")
    flat.path.write_text(text, encoding="utf-8")
    assert await flat.hub.reload()
    await flat.clock.advance_to(REMINDER)
    assert flat.hub.video.showing() == []
    assert [d for d in flat.hub.scheduler.pending() if d.kind == "video-reminder"] == []


async def test_an_appointment_added_late_shows_at_once(flat: Flat) -> None:
    await flat.clock.advance_to(datetime(2026, 12, 1, 8, 50, tzinfo=UTC))  # 09:50
    text = flat.path.read_text().replace(
        'url: "https://meet.jit.si/familie-berger"}',
        'url: "https://meet.jit.si/familie-berger", appointments: [{at: "2026-12-01 10:00"}]}',
    )
    flat.path.write_text(text, encoding="utf-8")
    assert await flat.hub.reload()
    assert sorted(r.call for r in flat.hub.video.showing()) == ["familie", "hausarzt"]


async def test_the_tablet_may_frame_exactly_the_configured_call_pages(
    flat: Flat, tablet: Client
) -> None:
    page = await tablet.get("/tablet")
    assert page.status == 200
    csp = page.headers["Content-Security-Policy"]
    assert csp.endswith("; frame-src https://praxis.example.org https://meet.jit.si")
    assert csp.count("frame-src") == 1
    policy = page.headers["Permissions-Policy"]
    origins = '"https://praxis.example.org" "https://meet.jit.si"'
    for feature in ("camera", "microphone", "fullscreen", "display-capture"):
        assert f"{feature}=(self {origins})" in policy
    html = await page.text()
    assert 'data-url="https://praxis.example.org/raum/weber"' in html
    assert 'data-allow="camera; microphone; fullscreen; display-capture"' in html
    other = await tablet.get("/api/resident/video")
    assert "frame-src" not in other.headers["Content-Security-Policy"]
    assert "camera=()" in other.headers["Permissions-Policy"]


async def test_opening_and_hanging_up_are_in_the_audit_log(flat: Flat, tablet: Client) -> None:
    assert (await post(tablet, "/api/resident/video/hausarzt/start")).status == 200
    assert (await post(tablet, "/api/resident/video/hausarzt/end")).status == 200
    assert (await post(tablet, "/api/resident/video/zahnarzt/start")).status == 404
    actions = [e.action for e in await flat.hub.store.audit_entries(20) if e.target == "hausarzt"]
    assert actions[:2] == ["tablet.video_end", "tablet.video_start"]
