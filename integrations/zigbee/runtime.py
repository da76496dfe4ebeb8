"""The hub's way into Zigbee: configuration to gateway, with only the quirks the flat needs.

Importing this module imports zha; the hub does so only when `zigbee:` is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from hub.clock import Clock
from hub.config.model import Config, Radio
from hub.entities import EntityRegistry
from integrations.zigbee import quirks_index
from integrations.zigbee.commands import Commands
from integrations.zigbee.gateway import RadioSettings, ZigbeeGateway, zigbee_gateway
from integrations.zigbee.source import ZigbeeSource

CUSTOM_QUIRKS = Path(__file__).resolve().parent / "custom_quirks"
QUIRK_INDEX = "quirk-index.json"


def radio_settings(radio: Radio) -> RadioSettings:
    return RadioSettings(
        type=radio.type.value,
        path=radio.path,
        baudrate=radio.baudrate,
        flow_control=radio.flow_control,
    )


@contextlib.asynccontextmanager
async def open_gateway(config: Config) -> AsyncIterator[ZigbeeGateway]:
    """The configured radio under zha, its database and quirk index in the data folder."""
    assert config.zigbee is not None
    data_dir = config.storage.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    index = await asyncio.to_thread(quirks_index.load_index, data_dir / QUIRK_INDEX)
    setup = quirks_index.make_setup(
        index, lambda: quirks_index.devices_in_db(data_dir / "zigbee.db")
    )
    async with zigbee_gateway(
        radio_settings(config.zigbee.radio),
        data_dir,
        quirks_setup=setup,
        custom_quirks=CUSTOM_QUIRKS,
        channel=config.zigbee.channel,
    ) as gateway:
        yield gateway


def open_coordinator_backup(data: dict[str, Any]) -> dict[str, Any]:
    """A backup in either zigpy format (open coordinator JSON, or zigpy's own dict, which
    Home Assistant's ZHA also writes) as open coordinator JSON; ValueError if neither."""
    import zigpy.backups

    try:
        if "network_info" in data and "node_info" in data:
            return dict(zigpy.backups.NetworkBackup.from_dict(data).as_open_coordinator_json())
        backup = zigpy.backups.NetworkBackup.from_open_coordinator_json(data)
        return dict(backup.as_open_coordinator_json())
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ValueError(f"not a Zigbee network backup ({type(e).__name__}: {e})") from None


def build(config: Config, registry: EntityRegistry, clock: Clock) -> tuple[ZigbeeSource, Commands]:
    source = ZigbeeSource(lambda: open_gateway(config), registry, clock)
    return source, Commands(source)
