"""A running hub with its web app, and ways to sign in as each role (see `signin.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.web.app import build_app
from hub.web.auth import Gate

from .signin import SETUP_CODE, FakeTime

NOW = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


@pytest.fixture
async def hub(write_config: Callable[[str], Path]) -> AsyncIterator[Hub]:
    path = write_config("rules:\n  - kind: panic\n")
    clock = SimulatedClock(NOW)
    async with Hub.running(load_config(path), path, clock) as hub:
        yield hub


@pytest.fixture
def time_passes() -> FakeTime:
    """The gate's clock: sessions, codes and the throttle age when a test says so."""
    return FakeTime()


@pytest.fixture
def gate(time_passes: FakeTime) -> Gate:
    return Gate(SETUP_CODE, clock=time_passes)


@pytest.fixture
async def client(hub: Hub, gate: Gate) -> AsyncIterator[TestClient[object, object]]:
    server = TestServer(build_app(hub, gate), host="127.0.0.1")
    async with TestClient(server) as client:
        yield client


@pytest.fixture
async def tablet(client: TestClient[object, object]) -> AsyncIterator[TestClient[object, object]]:
    """A second browser on the same hub (the tablet), with cookies of its own."""
    async with TestClient(client.server) as other:
        yield other
