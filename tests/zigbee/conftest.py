"""Shared Zigbee fixtures: quirks loaded once per session, and a gateway on the simulated radio."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

DUMPS = Path(__file__).resolve().parents[3] / "shared" / "data" / "zigbee-devices"
if not DUMPS.exists():
    DUMPS = Path("/work/shared/data/zigbee-devices")


@pytest.fixture(scope="session")
def quirks_setup() -> Callable[[str | None], None]:
    """zhaquirks.setup, run once per session (importing all quirks takes seconds)."""
    import zhaquirks

    zhaquirks.setup(None)
    return lambda _custom_path: None


@pytest.fixture
def sim_gateway(
    quirks_setup: Callable[[str | None], None], tmp_path: Path
) -> Callable[..., contextlib.AbstractAsyncContextManager[Any]]:
    """`async with sim_gateway(devices={"name": "dump.json"}) as gw`: zha on the simulated radio."""
    from integrations.zigbee.gateway import RadioSettings, zigbee_gateway
    from integrations.zigbee.simradio.world import open_world

    @contextlib.asynccontextmanager
    async def start(devices: dict[str, str] | None = None, data_dir: Path | None = None) -> AsyncIterator[Any]:
        folder = data_dir or tmp_path
        world = open_world(folder)
        for name, dump in (devices or {}).items():
            world.add(name, DUMPS / dump)
        async with zigbee_gateway(
            RadioSettings(type="simulated"), folder, quirks_setup=quirks_setup, reconnect_delays=(0.01,)
        ) as gw:
            yield gw

    return start
