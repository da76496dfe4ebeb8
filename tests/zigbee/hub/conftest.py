"""A hub on the simulated radio with a small flat, for the hub-level Zigbee tests."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from integrations.zigbee.simradio.dumps import load_dump
from integrations.zigbee.simradio.world import close_world, open_world

from ..conftest import dump_path, join

T0 = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
BOUND = 10.0  # a safety bound on waiting for real asyncio events, not a sleep

FLAT = {
    "schlafzimmer-heizung": ("aqara-lumi-airrtc-aeu001.json", "schlafzimmer", "thermostat"),
    "schlafzimmer-sos": ("samjin-button.json", "schlafzimmer", "sos_button"),
    # the same button by the door, for the care service's visits or the daily check-in
    "flur-besuch": ("samjin-button.json", "flur", "visit_button"),
    "flur-ok": ("samjin-button.json", "flur", "check_in_button"),
    # name: (dump, room, role)
    "bad-motion": ("lumi-lumi-sensor-motion-aq2.json", "bad", "motion"),
    "flur-motion": ("ikea-of-sweden-vallhorn-wireless-motion-sensor.json", "flur", "motion"),
    "wohnzimmer-licht": (
        "ikea-of-sweden-tradfri-bulb-e26-w-opal-1000lm.json",
        "wohnzimmer",
        "light",
    ),
    "wohnzimmer-heizung": ("bosch-rbsh-trv0-zb-eu.json", "wohnzimmer", "thermostat"),
    # Obhut's custom-quirk devices (their files are in tests/zigbee/devices)
    "bad-sturz": ("owon-fds315.json", "bad", "fall"),
    "schlafzimmer-bett": ("owon-spm915.json", "schlafzimmer", "bed"),
    "wohnzimmer-vital": ("obhut-vital-sign.json", "wohnzimmer", "vital_signs"),
}


@pytest.fixture(scope="session")
def quirk_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lazy-quirk index, built once for the session as the hub builds it on a first start."""
    from integrations.zigbee import quirks_index

    path = tmp_path_factory.mktemp("index") / "quirk-index.json"
    quirks_index.load_index(path)
    return path


@asynccontextmanager
async def flat_hub(
    tmp_path: Path,
    quirk_index: Path,
    names: list[str],
    unassigned: tuple[str, ...] = (),
    extra: str = "",
) -> AsyncIterator[Any]:
    """A hub whose flat has `names` configured and `unassigned` joined but not configured."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(quirk_index, data / "quirk-index.json")
    world = open_world(data)
    lines = []
    for name in names:
        dump, room, role = FLAT[name]
        world.add(name, dump_path(dump))
        ieee = load_dump(dump_path(dump)).ieee
        lines.append(f'  "{ieee}": {{name: {name}, room: {room}, role: {role}}}')
    for name in unassigned:
        world.add(name, dump_path(FLAT[name][0]))
    path = tmp_path / "obhut.yaml"
    path.write_text(
        "home: {name: Test}\n"
        "rooms: {bad: {name: Bad}, flur: {name: Flur}, wohnzimmer: {name: Wohnzimmer},"
        " schlafzimmer: {name: Schlafzimmer}}\n"
        "devices:\n" + "\n".join(lines) + "\n"
        "zigbee: {radio: {type: simulated}}\n"
        f"storage: {{data_dir: {data}}}\n" + extra,
        encoding="utf-8",
    )
    seen: list[Observation] = []
    try:
        async with Hub.running(load_config(path), path, SimulatedClock(T0)) as hub:
            hub.subscribe(Observation, seen.append)
            assert hub.zigbee is not None
            await asyncio.wait_for(hub.zigbee.ready.wait(), BOUND)
            for name in (*names, *unassigned):
                await join(hub.zigbee.zigbee, name)
            yield hub, hub.zigbee.zigbee, seen
    finally:
        close_world(data)


async def arrival(seen: list[Observation], entity: str, value: Any) -> Observation:
    async def wait() -> Observation:
        while True:
            for obs in seen:
                if obs.entity == entity and obs.value == value:
                    return obs
            await asyncio.sleep(0)

    return await asyncio.wait_for(wait(), BOUND)
