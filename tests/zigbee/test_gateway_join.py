"""Every dumped device joins through the simulated radio and zha creates the entities it lists."""

from __future__ import annotations

import time
from typing import Any

import pytest
from zha.application import Platform

from integrations.zigbee.simradio.dumps import load_dump

from .conftest import DUMPS, join

ALL_DUMPS = sorted(p.name for p in DUMPS.glob("*.json"))

# Where zha 2.3.1 + zha-quirks 2.3.0 differ from the versions that wrote the dumps (Oct 2024
# and Oct 2025): (platform, class_name) created now but not listed, or listed but not created.
_POWER_RENAMED = "zha 2.3 renamed the active power sensor class to ElectricalMeasurementActivePower"
EXTRA_NOW: dict[str, dict[tuple[str, str], str]] = {
    "aqara-lumi-airrtc-aeu001.json": {
        ("sensor", "ElectricalMeasurementActivePower"): _POWER_RENAMED
    },
    "innr-sp-234.json": {("sensor", "ElectricalMeasurementActivePower"): _POWER_RENAMED},
    "ikea-of-sweden-vallhorn-wireless-motion-sensor.json": {
        ("number", "NumberConfigurationEntity"): "zha-quirks 2.3 VALLHORN v2 quirk adds on_time",
        (
            "switch",
            "ConfigurableAttributeSwitch",
        ): "zha-quirks 2.3 VALLHORN v2 quirk adds on_only_when_dark",
    },
    "sonoff-snzb-02d.json": {
        (
            "number",
            "NumberConfigurationEntity",
        ): "zha-quirks 2.3 SNZB-02D v2 quirk adds offsets/comfort limits",
        ("select", "ZCLEnumSelectEntity"): "zha-quirks 2.3 SNZB-02D v2 quirk adds the display unit",
    },
    "third-reality-inc-3rws18bz.json": {
        ("number", "NumberConfigurationEntity"): "zha-quirks 2.3 3RWS18BZ v2 quirk adds siren_time",
        (
            "switch",
            "ConfigurableAttributeSwitch",
        ): "zha-quirks 2.3 3RWS18BZ v2 quirk adds enable_siren",
    },
    "philips-sml001.json": {
        ("binary_sensor", "PhilipsMotion"): "zha 2.3 renamed Motion (On/Off driven) for Philips",
        (
            "binary_sensor",
            "Occupancy",
        ): "zha 2.3 uses the generic Occupancy class instead of HueOccupancy",
    },
}
MISSING_NOW: dict[str, dict[tuple[str, str], str]] = {
    "aqara-lumi-airrtc-aeu001.json": {("sensor", "PolledElectricalMeasurement"): _POWER_RENAMED},
    "innr-sp-234.json": {("sensor", "ElectricalMeasurement"): _POWER_RENAMED},
    "philips-sml001.json": {
        ("binary_sensor", "Motion"): "renamed PhilipsMotion in zha 2.3",
        ("binary_sensor", "HueOccupancy"): "replaced by Occupancy in zha 2.3",
    },
}
# The dump names a v1 quirk class; zha-quirks 2.3 ships that device as a v2 quirk.
QUIRK_NOW = {
    "tze200-myd45weu-ts0601.json": "zhaquirks.tuya.builder.(_TZE200_myd45weu / TS0601)",
    # These had no quirk in Oct 2024; zha-quirks 2.3 added v2 quirks (hence the extra entities).
    "ikea-of-sweden-vallhorn-wireless-motion-sensor.json": (
        "zhaquirks.ikea.vallhorn.(IKEA of Sweden / VALLHORN Wireless Motion Sensor)"
    ),
    "sonoff-snzb-02d.json": "zhaquirks.sonoff.snzb02d.(SONOFF / SNZB-02D)",
    "third-reality-inc-3rws18bz.json": (
        "zhaquirks.thirdreality.water_leak_sensor.(Third Reality, Inc / 3RWS18BZ)"
    ),
}


def _quirk_name(name: str | None) -> str:
    # zha 2.3 writes "module:Class", older dumps "module.Class"; no quirk is a plain zigpy device.
    name = (name or "").replace(":", ".")
    return "" if name in ("zigpy.device.Device", "zigpy.device.ZigbeeDevice") else name


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
    extra = strip(got - expected) - set(EXTRA_NOW.get(dump, {}))
    missing = strip(expected - got) - set(MISSING_NOW.get(dump, {}))
    assert (missing, extra) == (set(), set()), f"{dump}: join took {elapsed:.3f}s"
    # Where the classes agree, so do the unique ids (what Obhut keys its devices' entities by).
    renamed = set(MISSING_NOW.get(dump, {}))
    assert {e[2] for e in expected if e[:2] not in renamed} <= {e[2] for e in got}
    quirk = _quirk_name(device.quirk_class)
    if dump in QUIRK_NOW:
        assert quirk == QUIRK_NOW[dump]
    elif spec.quirk_class == "zigpy.quirks.v2.CustomDeviceV2":
        assert quirk.endswith(f"({spec.manufacturer} / {spec.model})")
    else:
        assert quirk == _quirk_name(spec.quirk_class)
    assert device.model == spec.model
