"""The mapping table on the entities zha itself creates for each real device dump."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from hub.model import Capability as C
from integrations.zigbee.mapping import ZhaEntityInfo, map_device, read_value

DUMPS = Path(__file__).resolve().parents[3] / "shared" / "data" / "zigbee-devices"

# dump → the capability each care-relevant entity gives, and the zha class it is read from
GOLDEN: dict[str, dict[C, str]] = {
    "aqara-lumi-airrtc-aeu001": {
        C.TEMPERATURE: "Temperature",
        C.HUMIDITY: "Humidity",
        C.POWER: "PolledElectricalMeasurement",
        C.SWITCH: "Switch",
        C.CLIMATE: "Thermostat",
    },
    "aqara-lumi-motion-ac01": {C.PRESENCE: "Occupancy"},
    "bosch-rbsh-trv0-zb-eu": {
        C.TEMPERATURE: "Thermostat",
        C.BATTERY: "Battery",
        C.CLIMATE: "Thermostat",
    },
    "ikea-of-sweden-parasoll-door-window-sensor": {C.CONTACT: "IASZone", C.BATTERY: "Battery"},
    "ikea-of-sweden-tradfri-bulb-e26-w-opal-1000lm": {C.LIGHT: "Light"},
    "ikea-of-sweden-vallhorn-wireless-motion-sensor": {
        C.MOTION: "Occupancy",
        C.CONTACT: "Opening",  # its On/Off client cluster; the device's role filters it out
        C.ILLUMINANCE: "Illuminance",
        C.BATTERY: "Battery",
    },
    "innr-sp-234": {C.POWER: "ElectricalMeasurement", C.SWITCH: "Switch"},
    "lumi-lumi-sen-ill-mgl01": {C.ILLUMINANCE: "Illuminance", C.BATTERY: "Battery"},
    "lumi-lumi-sensor-magnet-aq2": {C.CONTACT: "Opening", C.BATTERY: "Battery"},
    "lumi-lumi-sensor-motion-aq2": {
        C.MOTION: "IASZone",
        C.ILLUMINANCE: "Illuminance",
        C.BATTERY: "Battery",
    },
    "lumi-lumi-sensor-smoke-acn03": {C.SMOKE: "IASZone", C.BATTERY: "Battery"},
    "philips-sml001": {
        C.MOTION: "Motion",
        C.TEMPERATURE: "Temperature",
        C.ILLUMINANCE: "Illuminance",
        C.BATTERY: "Battery",
    },
    "samjin-button": {C.SOS_BUTTON: "IASZone", C.TEMPERATURE: "Temperature", C.BATTERY: "Battery"},
    "signify-netherlands-b-v-lca005": {C.LIGHT: "HueLight"},
    "sonoff-snzb-02d": {
        C.TEMPERATURE: "Temperature",
        C.HUMIDITY: "Humidity",
        C.BATTERY: "Battery",
    },
    "third-reality-inc-3rws18bz": {
        C.WATER_LEAK: "IASZone",
        C.CONTACT: "Opening",
        C.BATTERY: "Battery",
    },
    "tze200-myd45weu-ts0601": {C.TEMPERATURE: "Temperature", C.BATTERY: "Battery"},
}


def dump_entities(name: str) -> tuple[list[ZhaEntityInfo], str]:
    dump = json.loads((DUMPS / f"{name}.json").read_text(encoding="utf-8"))
    infos = [
        ZhaEntityInfo.from_info(platform, entity["info_object"])
        for platform, entities in dump["zha_lib_entities"].items()
        for entity in entities
    ]
    return infos, str(dump["model"])


def test_every_shared_dump_is_in_the_golden_table() -> None:
    assert sorted(p.stem for p in DUMPS.glob("*.json")) == sorted(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_each_dump_gives_the_expected_capabilities(name: str) -> None:
    infos, model = dump_entities(name)
    mapped = map_device(infos, model)
    assert {cap: info.class_name for cap, (info, _) in mapped.items()} == GOLDEN[name]


def test_values_are_read_the_way_rules_expect() -> None:
    light = SimpleNamespace(is_on=True, brightness=128)
    assert read_value("brightness_pct", light) == 50.2
    assert read_value("brightness_pct", SimpleNamespace(is_on=False, brightness=200)) == 0.0
    assert read_value("is_on", SimpleNamespace(is_on=True)) is True
    assert read_value("is_on", SimpleNamespace(is_on=1)) is True  # a plug's zigpy Bool
    assert read_value("native_value", SimpleNamespace(native_value=21)) == 21.0
    assert read_value("native_value", SimpleNamespace(native_value=None)) is None
    assert read_value("native_value", SimpleNamespace(native_value="open")) is None
