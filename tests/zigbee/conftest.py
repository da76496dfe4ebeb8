"""Shared Zigbee fixtures: quirks loaded once per session, and a gateway on the simulated radio."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

# the shared test data lies beside the project
DUMPS = Path(__file__).resolve().parents[3] / "shared" / "data" / "zigbee-devices"
# Obhut's own device files (custom-quirk devices), and the custom quirks themselves.
DEVICES = Path(__file__).resolve().parent / "devices"
CUSTOM_QUIRKS = Path(__file__).resolve().parents[2] / "integrations" / "zigbee" / "custom_quirks"


def dump_path(name: str) -> Path:
    """A device file by name: Obhut's own first, then the shared zha dumps."""
    return DEVICES / name if (DEVICES / name).exists() else DUMPS / name


@pytest.fixture(scope="session")
def quirks_setup() -> Callable[[str | None], None]:
    """zhaquirks.setup, run once per session (importing all quirks takes seconds).

    Custom quirks are (re)loaded when a gateway asks for them, as zha does at its start;
    zhaquirks purges the folder's previous registrations first, so they never double up.
    """
    import zhaquirks

    zhaquirks.setup(None)

    def setup(custom_path: str | None) -> None:
        if custom_path is not None:
            zhaquirks.setup(custom_path)

    return setup


@pytest.fixture
def sim_gateway(
    quirks_setup: Callable[[str | None], None], tmp_path: Path
) -> Callable[..., contextlib.AbstractAsyncContextManager[Any]]:
    """`async with sim_gateway(devices={"name": "dump.json"}) as gw`: zha on the simulated radio."""
    from integrations.zigbee.gateway import RadioSettings, zigbee_gateway
    from integrations.zigbee.simradio.world import open_world

    @contextlib.asynccontextmanager
    async def start(
        devices: dict[str, str] | None = None,
        data_dir: Path | None = None,
        *,
        custom_quirks: bool = False,
    ) -> AsyncIterator[Any]:
        folder = data_dir or tmp_path
        world = open_world(folder)
        for name, dump in (devices or {}).items():
            world.add(name, dump_path(dump))
        async with zigbee_gateway(
            RadioSettings(type="simulated"),
            folder,
            quirks_setup=quirks_setup,
            custom_quirks=CUSTOM_QUIRKS if custom_quirks else None,
            reconnect_delays=(0.01,),
        ) as gw:
            yield gw

    return start


async def join(gw: Any, name: str, bound_s: float = 10.0) -> Any:
    """Let simulated device `name` join and wait until zha has fully initialised it."""
    import zigpy.types as t

    node = gw.world.node(name)
    done = asyncio.Event()
    ieee = t.EUI64.convert(node.ieee)
    unsubscribe = gw.gateway.on_event(
        "device_fully_initialized", lambda e: done.set() if e.device_info.ieee == ieee else None
    )
    try:
        gw.radio.announce(node)
        await asyncio.wait_for(done.wait(), bound_s)
    finally:
        unsubscribe()
    return gw.gateway.devices[ieee]


async def next_state(entity: Any, trigger: Callable[[], Any], bound_s: float = 5.0) -> Any:
    """Run `trigger` and return the entity's state after its next state_changed event."""
    changed = asyncio.Event()
    unsubscribe = entity.on_event("state_changed", lambda _e: changed.set())
    try:
        result = trigger()
        if asyncio.iscoroutine(result):
            await result
        await asyncio.wait_for(changed.wait(), bound_s)  # a safety bound, not a sleep
    finally:
        unsubscribe()
    return entity.state


def entity_of(device: Any, platform: str, class_name: str) -> Any:
    for entity in device.platform_entities.values():
        if str(entity.PLATFORM) == platform and type(entity).__name__ == class_name:
            return entity
    raise AssertionError(f"{device.name} has no {platform}:{class_name}")
