"""Obhut's custom-quirk devices join the simulated radio and their stimuli move zha's entities."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.zigbee.simradio.stimuli import Stimuli, UnsupportedCapability

from ..conftest import join, next_state

FDS315, SPM915, VITAL = "owon-fds315.json", "owon-spm915.json", "obhut-vital-sign.json"


def by_suffix(device: Any, platform: str, suffix: str) -> Any:
    for entity in device.platform_entities.values():
        if str(entity.PLATFORM) == platform and entity.unique_id.endswith(f"-{suffix}"):
            return entity
    found = sorted(f"{e.PLATFORM}:{e.unique_id}" for e in device.platform_entities.values())
    raise AssertionError(f"{device.name} has no {platform} *-{suffix}; it has {found}")


async def test_fall_radar(sim_gateway: Any) -> None:
    async with sim_gateway({"bath-radar": FDS315}, custom_quirks=True) as gw:
        device = await join(gw, "bath-radar")
        assert device.quirk_applied and device.model == "FDS315"
        cluster = device.device.endpoints[1].in_clusters[0xFD00]
        if cluster.AttributeDefs.status.manufacturer_code != 0x113C:
            # The radar reports with OWON's code in the header; zigpy only maps that to
            # attributes declared manufacturer-specific, otherwise it drops the value.
            pytest.xfail("owon_fds315.py: attributes need manufacturer_code=0x113C")
        fall = by_suffix(device, "binary_sensor", "fall")
        in_bed = by_suffix(device, "binary_sensor", "in_bed")
        presence = by_suffix(device, "binary_sensor", "presence")
        status = by_suffix(device, "sensor", "status")
        breathing = by_suffix(device, "sensor", "breathing_rate")
        stimuli = Stimuli(gw.radio)

        assert (await next_state(fall, lambda: stimuli.set("bath-radar", fall=True))).is_on
        assert presence.state.is_on and not in_bed.state.is_on
        assert status.state.native_value == "falling"
        assert not (await next_state(fall, lambda: stimuli.set("bath-radar", fall=False))).is_on
        assert (await next_state(in_bed, lambda: stimuli.set("bath-radar", in_bed=True))).is_on
        assert not (
            await next_state(presence, lambda: stimuli.set("bath-radar", presence=False))
        ).is_on
        assert not in_bed.state.is_on
        rate = await next_state(breathing, lambda: stimuli.set("bath-radar", respiratory_rate=13))
        assert rate.native_value == 13


async def test_sleeping_pad(sim_gateway: Any) -> None:
    async with sim_gateway({"bed": SPM915}, custom_quirks=True) as gw:
        device = await join(gw, "bed")
        zone = next(e for e in device.platform_entities.values() if type(e).__name__ == "IASZone")
        stimuli = Stimuli(gw.radio)
        assert zone.state.is_on  # the device file has someone on the pad
        assert not (await next_state(zone, lambda: stimuli.set("bed", in_bed=False))).is_on
        assert (await next_state(zone, lambda: stimuli.set("bed", in_bed=True))).is_on
        with pytest.raises(UnsupportedCapability, match=r"it can: .*in_bed"):
            stimuli.set("bed", fall=True)
        if zone.state.device_class == "opening":
            # zha's IASZone.recompute_capabilities sets the class from the zone type and so
            # overrides change_entity_metadata's new_device_class.
            pytest.xfail("owon_spm915.py: the zone entity still reads 'opening'")
        assert zone.state.device_class == "occupancy"
        assert zone.state.fallback_name == "In bed"


async def test_vital_sign_sensor(sim_gateway: Any) -> None:
    async with sim_gateway({"vitals": VITAL}, custom_quirks=True) as gw:
        device = await join(gw, "vitals")
        if not any(e.unique_id.endswith("-heart_rate") for e in device.platform_entities.values()):
            # zha 2.3: prevent_default_entity_creation(endpoint, cluster) also drops the
            # quirk's own sensors on that cluster.
            pytest.xfail("obhut_vital_sign.py: no heart_rate sensor created")
        heart = by_suffix(device, "sensor", "heart_rate")
        breath = by_suffix(device, "sensor", "respiratory_rate")
        stimuli = Stimuli(gw.radio)
        state = await next_state(heart, lambda: stimuli.set("vitals", heart_rate=61))
        assert state.native_value == 61
        state = await next_state(breath, lambda: stimuli.set("vitals", respiratory_rate=14.5))
        assert state.native_value == 14.5
