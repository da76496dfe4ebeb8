"""`obhut zigbee inspect DUMP.json`: will this device work? Join it on a throw-away radio."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from integrations.zigbee.mapping import ZhaEntityInfo, map_device

JOIN_TIMEOUT = 30.0


class InspectError(Exception):
    pass


async def inspect_dump(path: Path) -> dict[str, Any]:
    """The zha entities the device gets, and which of them Obhut's rules can use, as what."""
    import zhaquirks
    import zigpy.types as t

    from integrations.zigbee.gateway import RadioSettings, zigbee_gateway
    from integrations.zigbee.runtime import CUSTOM_QUIRKS
    from integrations.zigbee.simradio.dumps import load_dump
    from integrations.zigbee.simradio.world import close_world, open_world

    try:
        spec = load_dump(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InspectError(f"not a zha device dump: {e}") from None
    with tempfile.TemporaryDirectory(prefix="obhut-inspect-") as tmp:
        folder = Path(tmp)
        world = open_world(folder)
        node = world.add("device", spec)
        try:
            async with zigbee_gateway(
                RadioSettings(type="simulated"),
                folder,
                quirks_setup=zhaquirks.setup,
                custom_quirks=CUSTOM_QUIRKS,
            ) as gw:
                ieee = t.EUI64.convert(node.ieee)
                joined = asyncio.Event()
                unsubscribe = gw.gateway.on_event(
                    "device_fully_initialized",
                    lambda e: joined.set() if e.device_info.ieee == ieee else None,
                )
                gw.radio.announce(node)
                try:
                    await asyncio.wait_for(joined.wait(), JOIN_TIMEOUT)
                except TimeoutError:
                    raise InspectError("the device did not finish joining") from None
                finally:
                    unsubscribe()
                return describe(gw.gateway.devices[ieee])
        finally:
            close_world(folder)


def describe(device: Any) -> dict[str, Any]:
    infos = [ZhaEntityInfo.from_entity(e) for e in device.platform_entities.values()]
    gives: dict[str, list[str]] = {}
    for cap, (info, _) in map_device(infos, str(device.model)).items():
        gives.setdefault(info.unique_id, []).append(cap.value)
    entities = [
        {
            "capabilities": gives.get(info.unique_id, []),
            "entities": [f"{cap}.ROOM" for cap in gives.get(info.unique_id, [])],
            "zha_platform": info.platform,
            "zha_class": info.class_name,
            "unique_id": info.unique_id,
        }
        for info in sorted(infos, key=lambda i: (i.unique_id not in gives, i.platform))
        if info.platform != "virtual"
    ]
    return {
        "ieee": str(device.ieee),
        "manufacturer": str(device.manufacturer),
        "model": str(device.model),
        "quirk": str(device.quirk_class),
        "works_with_obhut": bool(gives),
        "entities": entities,
    }
