"""The installer's dry run: the rules over the store's own history, shown as a table."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.web.app import build_app
from hub.web.auth import Gate

from .signin import as_carer, as_installer, form_token, submit

Client = TestClient[Any, Any]
NOW = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)  # 09:00 Berlin
RULES = """\
rules:
  - kind: inactivity
    id: tag
    duration: 3h
  - kind: panic
"""
QUIET_FROM = datetime(2026, 5, 3, 11, 0, tzinfo=UTC)  # Sunday 13:00 Berlin
QUIET_UNTIL = QUIET_FROM + timedelta(hours=5)


@pytest.fixture
async def client(write_config: Callable[[str], Path], gate: Gate) -> AsyncIterator[Client]:
    path = write_config(RULES)
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        ts = NOW - timedelta(hours=23, minutes=40)
        while ts < NOW:
            if not QUIET_FROM <= ts < QUIET_UNTIL:
                room = "bad" if ts.minute == 0 else "kueche"
                hub.store.add_observation(Observation(ts, f"motion.{room}", True, "zigbee"))
            ts += timedelta(minutes=20)
        await hub.store.flush()
        server = TestServer(build_app(hub, gate), host="127.0.0.1")
        async with TestClient(server) as client:
            yield client


async def test_the_dry_run_finds_the_quiet_afternoon(client: Client) -> None:
    await as_installer(client)
    page = await client.get("/installer/dryrun")
    assert page.status == 200
    html = await page.text()
    assert 'href="/installer/dryrun" aria-current="page"' in html
    assert 'value="7"' in html
    resp = await submit(client, "/installer/dryrun", days="2")
    assert resp.status == 200
    html = await resp.text()
    assert 'id="findings"' in html
    assert "<td>tag</td>" in html
    # the last motion at 12:40 Berlin, three hours later, in the home's time
    assert "<td>03.05.2026 15:40</td><td>tag</td>" in html
    assert "zuletzt in Küche" in html


async def test_days_out_of_range_and_no_token_are_refused(client: Client) -> None:
    await as_installer(client)
    resp = await submit(client, "/installer/dryrun", days="91")
    assert resp.status == 400
    assert 'aria-invalid="true"' in await resp.text()
    token = await form_token(client, "/installer/dryrun")
    assert token
    resp = await client.post("/installer/dryrun", data={"days": "7"})
    assert resp.status == 403


async def test_a_carer_may_not_run_it(client: Client) -> None:
    await as_installer(client)
    await as_carer(client)
    resp = await client.get("/installer/dryrun", allow_redirects=False)
    assert resp.status == 403
