"""What a user notices: sensors move zha's entities, commands reach devices, the network lasts."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import zigpy.types as t

from integrations.zigbee.simradio.stimuli import Stimuli

from ..conftest import entity_of, join, next_state

MOTION = "lumi-lumi-sensor-motion-aq2.json"
BULB = "ikea-of-sweden-tradfri-bulb-e26-w-opal-1000lm.json"
TEMP = "sonoff-snzb-02d.json"


async def test_motion_changes_the_zha_entity(sim_gateway: Any) -> None:
    async with sim_gateway({"bathroom-motion": MOTION}) as gw:
        device = await join(gw, "bathroom-motion")
        motion = entity_of(device, "binary_sensor", "IASZone")
        assert motion.state.is_on is False
        state = await next_state(
            motion, lambda: Stimuli(gw.radio).set("bathroom-motion", motion=True)
        )
        assert state.is_on is True


async def test_light_command_reaches_the_bulb(sim_gateway: Any) -> None:
    async with sim_gateway({"hall-light": BULB}) as gw:
        device = await join(gw, "hall-light")
        light = entity_of(device, "light", "Light")
        node = gw.world.node("hall-light")
        node.received.clear()
        await light.async_turn_on(brightness=128, transition=2)
        sent = [c for c in node.received if c.cluster_id == 0x0008]
        assert [(c.command, c.args["level"], c.args["transition_time"]) for c in sent] == [
            ("move_to_level_with_on_off", 128, 20)
        ]
        assert node.get(1, 0x0006, 0x0000) == 1 and node.get(1, 0x0008, 0x0000) == 128
        assert light.state.on is True and light.state.brightness == 128


async def test_restart_restores_devices_without_reinterview(
    sim_gateway: Any, tmp_path: Path
) -> None:
    async with sim_gateway({"sensor": TEMP}) as gw:
        await join(gw, "sensor")
    async with sim_gateway() as gw:
        ieee = t.EUI64.convert(gw.world.node("sensor").ieee)
        device = gw.gateway.devices[ieee]
        # Known from zigbee.db: initialised, not being interviewed again.
        assert device.model == "SNZB-02D" and gw.application.devices[ieee].is_initialized
        temperature = entity_of(device, "sensor", "Temperature")
        state = await next_state(
            temperature, lambda: Stimuli(gw.radio).set("sensor", temperature=21.5)
        )
        assert state.native_value == 21.5
        assert (
            0x0002 not in gw.world.node("sensor").zdo_received
        )  # no Node_Desc_req: no re-interview
    assert (tmp_path / "zigbee.db").exists() and (tmp_path / "simworld.json").exists()


async def test_malformed_frame_is_dropped(sim_gateway: Any, caplog: Any) -> None:
    async with sim_gateway({"sensor": TEMP}) as gw:
        device = await join(gw, "sensor")
        temperature = entity_of(device, "sensor", "Temperature")
        stimuli = Stimuli(gw.radio)
        caplog.set_level(logging.DEBUG)
        # A report header promising an attribute record that is cut off mid-value.
        stimuli.raw(
            "sensor", cluster=0x0402, data=bytes([0x18, 0x07, 0x0A, 0x00, 0x00, 0x29, 0x01])
        )
        stimuli.raw("sensor", cluster=0x0402, data=b"")
        await asyncio.sleep(0)
        assert any("malformed" in r.getMessage() for r in caplog.records)
        state = await next_state(temperature, lambda: stimuli.set("sensor", temperature=19.0))
        assert state.native_value == 19.0


async def test_radio_lost_and_back(sim_gateway: Any) -> None:
    async with sim_gateway({"sensor": TEMP, "hall-light": BULB}) as gw:
        device = await join(gw, "sensor")
        light_device = await join(gw, "hall-light")
        stimuli = Stimuli(gw.radio)
        stimuli.radio_lost()
        await asyncio.sleep(0)
        assert not gw.reconnected.is_set()
        stimuli.radio_back()
        await asyncio.wait_for(gw.reconnected.wait(), 5)
        temperature = entity_of(device, "sensor", "Temperature")
        state = await next_state(temperature, lambda: stimuli.set("sensor", temperature=23.0))
        assert state.native_value == 23.0
        await entity_of(light_device, "light", "Light").async_turn_on()
        assert gw.world.node("hall-light").get(1, 0x0006, 0x0000) == 1
