"""Obhut's custom-quirk devices join the simulated radio and their stimuli move zha's entities."""

from __future__ import annotations

from typing import Any

import pytest

from hub.model import Capability as C
from integrations.zigbee.mapping import ZhaEntityInfo, map_device
from integrations.zigbee.simradio.stimuli import Stimuli, UnsupportedCapability

from ..conftest import join, next_state

FDS315, SPM915, VITAL = "owon-fds315.json", "owon-spm915.json", "obhut-vital-sign.json"


def by_suffix(device: Any, platform: str, suffix: str) -> Any:
    for entity in device.platform_entities.values():
        if str(entity.PLATFORM) == platform and entity.unique_id.endswith(f"-{suffix}"):
            return entity
    found = sorted(f"{e.PLATFORM}:{e.unique_id}" for e in device.platform_entities.values())
    raise AssertionError(f"{device.name} has no {platform} *-{suffix}; it has {found}")


def mapped(device: Any) -> dict[C, str]:
    """Obhut's mapping of the device's live zha entities: capability -> entity unique id."""
    infos = [ZhaEntityInfo.from_entity(e) for e in device.platform_entities.values()]
    return {cap: info.unique_id for cap, (info, _row) in map_device(infos, device.model).items()}


async def test_fall_radar(sim_gateway: Any) -> None:
    async with sim_gateway({"bath-radar": FDS315}, custom_quirks=True) as gw:
        device = await join(gw, "bath-radar")
        assert device.quirk_applied and device.model == "FDS315"
        cluster = device.device.endpoints[1].in_clusters[0xFD00]
        # The radar reports with OWON's code in the header; zigpy maps that only to
        # attributes declared manufacturer-specific with that code.
        for attr in cluster.AttributeDefs:
            assert (attr.is_manufacturer_specific, attr.manufacturer_code) == (True, 0x113C)
        fall = by_suffix(device, "binary_sensor", "fall")
        in_bed = by_suffix(device, "binary_sensor", "in_bed")
        presence = by_suffix(device, "binary_sensor", "presence")
        status = by_suffix(device, "sensor", "status")
        breathing = by_suffix(device, "sensor", "breathing_rate")
        keys = [e.state.translation_key for e in (fall, in_bed, presence, breathing)]
        assert keys == ["fall", "in_bed", "presence", "breathing_rate"]
        caps = mapped(device)
        assert caps[C.FALL] == fall.unique_id
        assert caps[C.BED_OCCUPANCY] == in_bed.unique_id
        assert caps[C.PRESENCE] == presence.unique_id
        assert caps[C.RESPIRATORY_RATE] == breathing.unique_id
        stimuli = Stimuli(gw.radio)

        # a fall: status 5
        assert (await next_state(fall, lambda: stimuli.set("bath-radar", fall=True))).is_on
        assert presence.state.is_on and not in_bed.state.is_on
        assert status.state.native_value == "falling"
        # back up: status occupied, the fall clears, the person is still there
        assert not (await next_state(fall, lambda: stimuli.set("bath-radar", fall=False))).is_on
        assert status.state.native_value == "occupied"
        assert presence.state.is_on and not in_bed.state.is_on
        # lies down in bed: status 3
        assert (await next_state(in_bed, lambda: stimuli.set("bath-radar", in_bed=True))).is_on
        assert status.state.native_value == "on_the_bed"
        assert presence.state.is_on and not fall.state.is_on
        # leaves the room: status 0
        assert not (
            await next_state(presence, lambda: stimuli.set("bath-radar", presence=False))
        ).is_on
        assert status.state.native_value == "unoccupied"
        assert not in_bed.state.is_on and not fall.state.is_on
        rate = await next_state(breathing, lambda: stimuli.set("bath-radar", respiratory_rate=13))
        assert rate.native_value == 13


async def test_sleeping_pad(sim_gateway: Any) -> None:
    async with sim_gateway({"bed": SPM915}, custom_quirks=True) as gw:
        device = await join(gw, "bed")
        assert device.quirk_applied and device.model == "SPM915"
        # zha's generic zone entity (it would read "opening" for a contact zone) is replaced
        assert not [e for e in device.platform_entities.values() if type(e).__name__ == "IASZone"]
        bed = by_suffix(device, "binary_sensor", "in_bed")
        assert bed.state.device_class == "occupancy"
        assert bed.state.translation_key == "in_bed"
        assert bed.state.fallback_name == "In bed"
        caps = mapped(device)
        assert caps[C.BED_OCCUPANCY] == bed.unique_id
        assert C.CONTACT not in caps and C.SOS_BUTTON not in caps
        stimuli = Stimuli(gw.radio)
        assert bed.state.is_on  # the device file has someone on the pad, read at the join
        assert not (await next_state(bed, lambda: stimuli.set("bed", in_bed=False))).is_on
        assert (await next_state(bed, lambda: stimuli.set("bed", in_bed=True))).is_on
        with pytest.raises(UnsupportedCapability, match=r"it can: .*in_bed"):
            stimuli.set("bed", fall=True)


async def test_vital_sign_sensor(sim_gateway: Any) -> None:
    async with sim_gateway({"vitals": VITAL}, custom_quirks=True) as gw:
        device = await join(gw, "vitals")
        assert device.quirk_applied and device.model == "vital-sign-radar"
        heart = by_suffix(device, "sensor", "heart_rate")
        breath = by_suffix(device, "sensor", "respiratory_rate")
        assert (heart.state.translation_key, heart.endpoint.id) == ("heart_rate", 2)
        assert (breath.state.translation_key, breath.endpoint.id) == ("respiratory_rate", 3)
        # zha's generic analog-input sensors (they would duplicate these two) are prevented
        uids = [e.unique_id for e in device.platform_entities.values()]
        assert not [uid for uid in uids if uid.endswith("-analog_input")]
        caps = mapped(device)
        assert caps[C.HEART_RATE] == heart.unique_id
        assert caps[C.RESPIRATORY_RATE] == breath.unique_id
        stimuli = Stimuli(gw.radio)
        state = await next_state(heart, lambda: stimuli.set("vitals", heart_rate=61))
        assert state.native_value == 61
        state = await next_state(breath, lambda: stimuli.set("vitals", respiratory_rate=14.5))
        assert state.native_value == 14.5
        assert heart.state.native_value == 61
