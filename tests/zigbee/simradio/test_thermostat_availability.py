"""A TRV takes its setpoint from zha and reports it back; a silent device becomes unavailable."""

from __future__ import annotations

import time
from typing import Any

import pytest
import zigpy.types as t

from integrations.zigbee.gateway import CONSIDER_UNAVAILABLE_BATTERY_S
from integrations.zigbee.simradio.stimuli import Stimuli

from ..conftest import entity_of, join, next_state


@pytest.mark.parametrize(
    "dump",
    [
        "bosch-rbsh-trv0-zb-eu.json",
        "aqara-lumi-airrtc-aeu001.json",  # dumped switched off: heat first
    ],
)
async def test_setpoint_reaches_the_trv(sim_gateway: Any, dump: str) -> None:
    async with sim_gateway({"trv": dump}) as gw:
        device = await join(gw, "trv")
        climate = next(e for e in device.platform_entities.values() if str(e.PLATFORM) == "climate")
        node = gw.world.node("trv")
        if climate.hvac_mode == "off":  # zha writes no setpoint to a thermostat that is off
            await climate.async_set_hvac_mode("heat")
            assert node.get(node.spec.endpoint_with(0x0201), 0x0201, 0x001C) == 4  # system mode
        await climate.async_set_temperature(temperature=21.5)
        ep = node.spec.endpoint_with(0x0201)
        assert node.get(ep, 0x0201, 0x0012) == 2150
        assert climate.state.target_temperature == 21.5


async def test_silent_device_becomes_unavailable(sim_gateway: Any) -> None:
    async with sim_gateway({"sensor": "sonoff-snzb-02d.json"}) as gw:
        device = await join(gw, "sensor")
        assert device.consider_unavailable_time == CONSIDER_UNAVAILABLE_BATTERY_S
        stimuli = Stimuli(gw.radio)
        stimuli.silence("sensor")
        device.device.last_seen = time.time() - CONSIDER_UNAVAILABLE_BATTERY_S - 60
        for _ in range(3):  # zha pings twice (missed check-ins) before giving up
            await device._check_available()
        assert device.available is False
        stimuli.silence("sensor", False)
        temperature = entity_of(device, "sensor", "Temperature")
        await next_state(temperature, lambda: stimuli.set("sensor", temperature=20.0))
        assert device.available is True
        assert gw.gateway.devices[t.EUI64.convert(gw.world.node("sensor").ieee)].available
