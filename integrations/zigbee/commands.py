"""Commands to lights, plugs and thermostats through zha's entities, each with a clear result."""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum
from typing import Any

from integrations.zigbee.mapping import ZhaEntityInfo
from integrations.zigbee.source import ZigbeeSource

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0


class Result(StrEnum):
    DONE = "done"
    UNREACHABLE = "unreachable"  # no answer in time, or the device refused
    UNKNOWN = "unknown"  # no such entity in this flat
    UNSUPPORTED = "unsupported"  # the entity cannot do that


class Commands:
    """Turns "light.bad to 30 % over 2 s" into zha entity calls, bounded by a timeout."""

    def __init__(self, source: ZigbeeSource, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._source = source
        self._timeout = timeout

    async def light(
        self, entity_id: str, *, on: bool, brightness: float | None = None, transition: float = 0
    ) -> Result:
        """Brightness in percent (1–100); transition in seconds."""
        if brightness is not None and not 0 < brightness <= 100:
            raise ValueError(f"brightness is a percentage from 1 to 100, got {brightness}")
        if not on:
            return await self._call(entity_id, "light", "async_turn_off", transition=transition)
        level = None if brightness is None else max(1, round(brightness * 255 / 100))
        return await self._call(
            entity_id, "light", "async_turn_on", brightness=level, transition=transition
        )

    async def switch(self, entity_id: str, *, on: bool) -> Result:
        method = "async_turn_on" if on else "async_turn_off"
        return await self._call(entity_id, "switch", method)

    async def thermostat(
        self, entity_id: str, *, setpoint: float | None = None, mode: str | None = None
    ) -> Result:
        """A setpoint for a thermostat that is off switches it to heat: zha (and the device)
        would otherwise take the setpoint and leave the room cold."""
        binding = self._source.by_entity.get(entity_id)
        current = getattr(binding.zha_entity, "hvac_mode", None) if binding else None
        if mode is None and setpoint is not None and str(current) == "off":
            mode = "heat"
        result = Result.DONE
        if mode is not None:
            result = await self._call(entity_id, "climate", "async_set_hvac_mode", hvac_mode=mode)
        if setpoint is not None and result is Result.DONE:
            result = await self._call(
                entity_id, "climate", "async_set_temperature", temperature=setpoint
            )
        return result

    async def _call(self, entity_id: str, platform: str, method: str, **kwargs: Any) -> Result:
        binding = self._source.by_entity.get(entity_id)
        if binding is None:
            return Result.UNKNOWN
        entity = binding.zha_entity
        if ZhaEntityInfo.from_entity(entity).platform != platform or not hasattr(entity, method):
            return Result.UNSUPPORTED
        try:
            async with asyncio.timeout(self._timeout):
                await getattr(entity, method)(**kwargs)
        except TimeoutError:
            log.warning("%s did not answer within %.0f s", entity_id, self._timeout)
            return Result.UNREACHABLE
        except Exception as e:  # zha and zigpy raise several kinds for a device that is away
            log.warning("%s: %s failed: %s", entity_id, method, e)
            return Result.UNREACHABLE
        return Result.DONE
