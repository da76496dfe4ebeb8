"""Obhut's custom quirks: they match their devices and declare the entities care rules need."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.zigbee.quirks_index import QuirkIndex, make_setup
from tests.zigbee.quirks.resolve_dumps import build_device

CUSTOM = Path(__file__).resolve().parents[3] / "integrations/zigbee/custom_quirks"
DEVICES = Path(__file__).resolve().parents[2] / "zigbee/devices"


def _dump(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEVICES / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def registry(quirk_index: QuirkIndex) -> Iterator[Any]:
    """zha's registry with the custom quirks loaded as zha loads them, restored afterwards."""
    from zha.quirks import DEVICE_REGISTRY

    with DEVICE_REGISTRY.preserve_state():
        setup = make_setup(quirk_index, set, hook_resolver=False)
        setup(str(CUSTOM))
        # a second setup (zha reloading) purges and reloads instead of doubling up
        setup(str(CUSTOM))
        yield DEVICE_REGISTRY


def _resolve(registry: Any, dump: dict[str, Any]) -> tuple[Any, Any]:
    from zha.quirks import QUIRK_REGISTRY_ENTRY_ATTR

    async def resolve() -> Any:
        return registry.resolve(build_device(dump))

    device = asyncio.run(resolve())
    return device, getattr(device, QUIRK_REGISTRY_ENTRY_ATTR, None)


def _entities(entry: Any) -> dict[str, tuple[str, str, Any, str]]:
    """unique id suffix -> (platform, attribute, device class, entity type)."""
    definition = entry.zha_device_factory.quirk_definition
    return {
        meta.resolved_unique_id_suffix: (
            str(meta.entity_platform.value),
            meta.attribute_name,
            getattr(meta, "device_class", None),
            str(meta.entity_type.value),
        )
        for meta in definition.entity_metadata
    }


def test_custom_quirks_are_registered_once(registry: Any) -> None:
    ours = [e for e in registry if e.source and str(CUSTOM) in (e.source.file or "")]
    assert sorted(e.source.label for e in ours) == [
        "(OWON / FDS315)",
        "(OWON / SPM915)",
        "(Obhut / vital-sign-radar)",
    ]


def test_fds315_gets_the_fall_detection_cluster(registry: Any) -> None:
    from owon_fds315 import OWON_MANUFACTURER_CODE, FallDetectionStatus  # loaded by zha's way

    device, entry = _resolve(registry, _dump("owon-fds315.json"))
    assert entry is not None and entry.source.file.startswith(str(CUSTOM))
    cluster = device.endpoints[1].in_clusters[0xFD00]
    assert type(cluster).__name__ == "OwonFallDetectionCluster"
    assert cluster.manufacturer_id_override == OWON_MANUFACTURER_CODE == 0x113C
    defs = {a.name: (a.id, a.type.__name__) for a in cluster.AttributeDefs}
    # OWON's reports carry its code; zigpy maps them only to attributes declared with it
    assert {(a.is_manufacturer_specific, a.manufacturer_code) for a in cluster.AttributeDefs} == {
        (True, OWON_MANUFACTURER_CODE)
    }
    assert cluster.find_attribute(0x0000, manufacturer_code=OWON_MANUFACTURER_CODE).name == (
        "status"
    )
    assert defs["status"] == (0x0000, "FallDetectionStatus")
    assert defs["breathing_rate"] == (0x0002, "uint8_t")
    assert defs["location_x"] == (0x0003, "int16s")
    assert defs["bed_upper_left_x"] == (0x0100, "int16s")
    assert defs["door_center_y"] == (0x0109, "int16s")
    assert defs["front_fall_detection_range"] == (0x010E, "uint16_t")
    assert [s.name for s in FallDetectionStatus] == [
        "unoccupied",
        "occupied",
        "sitting",
        "on_the_bed",
        "low_posture",
        "falling",
    ]
    # a report of status 5 decodes to "falling" and the IAS zone stays
    cluster.update_attribute(0x0000, FallDetectionStatus(5))
    assert cluster.get("status") == FallDetectionStatus.falling
    assert 0x0500 in device.endpoints[1].in_clusters


def test_fds315_entities_derive_presence_bed_and_fall_from_status(registry: Any) -> None:
    import owon_fds315 as fds

    _device, entry = _resolve(registry, _dump("owon-fds315.json"))
    entities = _entities(entry)
    assert entities["status"][:2] == ("sensor", "status")
    assert entities["breathing_rate"][:2] == ("sensor", "breathing_rate")
    assert entities["presence"] == ("binary_sensor", "status", "occupancy", "standard")
    assert entities["in_bed"] == ("binary_sensor", "status", "occupancy", "standard")
    assert entities["fall"] == ("binary_sensor", "status", "safety", "standard")
    assert {"location_x", "location_y"} <= set(entities)
    table = {s: (fds.is_present(s), fds.is_in_bed(s), fds.is_falling(s)) for s in range(6)}
    assert table == {
        0: (False, False, False),
        1: (True, False, False),
        2: (True, False, False),
        3: (True, True, False),
        4: (True, False, False),
        5: (True, False, True),
    }
    breathing = next(
        m
        for m in entry.zha_device_factory.quirk_definition.entity_metadata
        if m.attribute_name == "breathing_rate"
    )
    assert (breathing.unit, breathing.divisor, breathing.multiplier) == ("breaths/min", 1, 1)


def test_spm915_zone_reads_as_bed_occupancy(registry: Any) -> None:
    import owon_spm915 as spm

    _device, entry = _resolve(registry, _dump("owon-spm915.json"))
    assert entry is not None
    definition = entry.zha_device_factory.quirk_definition
    # zha's IASZone entity takes its class from the zone type (contact: "opening") whatever
    # the quirk changes, so the quirk replaces it with its own binary sensor on zone_status
    assert not definition.changed_entity_metadata
    assert _entities(entry) == {"in_bed": ("binary_sensor", "zone_status", "occupancy", "standard")}
    (meta,) = definition.entity_metadata
    assert (meta.endpoint_id, meta.cluster_id, meta.translation_key) == (1, 0x0500, "in_bed")
    assert meta.fallback_name == "In bed"
    (blocked,) = definition.disabled_default_entities
    assert (blocked.endpoint_id, blocked.cluster_id) == (1, 0x0500)
    assert blocked.function is spm.is_default_zone_entity
    # alarm_1 or alarm_2 set: someone on the pad; tamper, battery and other bits are not
    assert [s for s in (0, 1, 2, 3, 4, 5, 8) if spm.is_in_bed(s)] == [1, 2, 3, 5]


def test_spm915_prevents_only_zhas_zone_entity() -> None:
    import owon_spm915 as spm
    from zha.application.platforms.binary_sensor import BinarySensor, IASZone

    zone = object.__new__(IASZone)
    ours = object.__new__(BinarySensor)
    assert spm.is_default_zone_entity(zone)
    assert not spm.is_default_zone_entity(ours)


def test_vital_sign_profile_exposes_heart_and_respiratory_rate(registry: Any) -> None:
    dump = _dump("obhut-vital-sign.json")
    for ep, desc in (("2", "heart_rate"), ("3", "respiratory_rate")):
        (analog,) = dump["endpoints"][ep]["in_clusters"]
        assert {a["name"]: a["value"] for a in analog["attributes"]}["description"] == desc
    _device, entry = _resolve(registry, dump)
    entities = _entities(entry)
    assert entities["heart_rate"][:2] == ("sensor", "present_value")
    assert entities["respiratory_rate"][:2] == ("sensor", "present_value")
    metas = {
        m.resolved_unique_id_suffix: m
        for m in entry.zha_device_factory.quirk_definition.entity_metadata
    }
    assert (metas["heart_rate"].endpoint_id, metas["heart_rate"].unit) == (2, "bpm")
    assert (metas["respiratory_rate"].endpoint_id, metas["respiratory_rate"].unit) == (
        3,
        "breaths/min",
    )
    blocked = entry.zha_device_factory.quirk_definition.disabled_default_entities
    # only zha's generic analog-input sensor: a prevent matching by endpoint and cluster
    # alone would remove the quirk's own sensors too (zha applies it to all entities)
    assert {(b.endpoint_id, b.cluster_id, b.unique_id_suffix) for b in blocked} == {
        (2, 0x000C, "-analog_input"),
        (3, 0x000C, "-analog_input"),
    }
    assert not any(m.resolved_unique_id_suffix.endswith("analog_input") for m in metas.values())


def test_other_devices_do_not_match(registry: Any) -> None:
    dump = _dump("owon-fds315.json")
    dump["model"] = "FDS999"
    _device, entry = _resolve(registry, dump)
    assert entry is None
