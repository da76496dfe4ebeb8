"""Every dumped device joins through the simulated radio and zha creates the entities it lists."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import zigpy.types as t
from zha.application import Platform

from integrations.zigbee.simradio.dumps import load_dump

from .conftest import DUMPS

ALL_DUMPS = sorted(p.name for p in DUMPS.glob("*.json"))

# Entities zha 2.3.1 creates or names differently from the zha that wrote the dump, each
# with the reason. (platform, class_name) pairs.
EXTRA_NOW: dict[str, set[tuple[str, str]]] = {}
MISSING_NOW: dict[str, set[tuple[str, str]]] = {}


def _quirk_name(name: str | None) -> str:
    # zha 2.3 writes "module:Class", older dumps "module.Class"; no quirk is a plain zigpy device.
    name = (name or "").replace(":", ".")
    return "" if name in ("zigpy.device.Device", "zigpy.device.ZigbeeDevice") else name


async def join(gw: Any, name: str, timeout: float = 10.0) -> Any:
    node = gw.world.node(name)
    done = asyncio.Event()
    ieee = t.EUI64.convert(node.ieee)
    unsubscribe = gw.gateway.on_event(
        "device_fully_initialized", lambda e: done.set() if e.device_info.ieee == ieee else None
    )
    try:
        gw.radio.announce(node)
        await asyncio.wait_for(done.wait(), timeout)
    finally:
        unsubscribe()
    return gw.gateway.devices[ieee]


def entities(device: Any) -> set[tuple[str, str, str]]:
    return {
        (str(e.PLATFORM), type(e).__name__, e.unique_id)
        for e in device.platform_entities.values()
        if e.PLATFORM != Platform.VIRTUAL  # zha 2.3's internal helpers; dumps predate them
    }


@pytest.mark.parametrize("dump", ALL_DUMPS)
async def test_golden_join(sim_gateway: Any, dump: str) -> None:
    spec = load_dump(DUMPS / dump)
    async with sim_gateway({"dev": dump}) as gw:
        started = time.perf_counter()
        device = await join(gw, "dev")
        elapsed = time.perf_counter() - started
        got = entities(device)
    expected = {(e.platform, e.class_name, e.unique_id) for e in spec.entities}
    strip = lambda s: {(p, c) for p, c, _ in s}  # noqa: E731
    extra = strip(got - expected) - EXTRA_NOW.get(dump, set())
    missing = strip(expected - got) - MISSING_NOW.get(dump, set())
    assert (missing, extra) == (set(), set()), f"{dump}: join took {elapsed:.3f}s"
    if spec.quirk_class is not None:
        assert _quirk_name(device.quirk_class) == _quirk_name(spec.quirk_class)
    assert device.model == spec.model or device.model
