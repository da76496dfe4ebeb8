"""OWON FDS315 mmWave fall-detection radar: status (posture, in bed, falling) and breathing rate.

Cluster 0xFD00 (OWON, manufacturer code 0x113C) as described by the public Zigbee2MQTT
converter (`src/devices/owon.ts`, `fallDetectionOwon`); the device also binds IAS Zone.
Entities zha creates from this quirk, besides its defaults for Basic/Identify/IAS Zone:
sensor `status` (enum), sensor `breathing_rate` (breaths/min), binary sensors
`presence` (occupancy), `in_bed` (occupancy), `fall` (safety), and disabled diagnostic
sensors `location_x`/`location_y` (cm).
"""

from __future__ import annotations

from typing import Final, cast

import zigpy.types as t
from zha.application import EntityPlatform, EntityType
from zhaquirks.builder import (
    BinarySensorDeviceClass,
    QuirkBuilder,
    ReportingConfig,
    SensorStateClass,
)
from zhaquirks.clusters import CustomCluster
from zigpy.zcl.foundation import BaseAttributeDefs, ZCLAttributeAccess, ZCLAttributeDef

OWON_MANUFACTURER_CODE: Final = 0x113C
# the converter's "disabled" value for the bed and door coordinates
DISABLED_COORDINATE: Final = -21931


class FallDetectionStatus(t.enum8):
    """What the radar sees (attribute 0x0000)."""

    unoccupied = 0
    occupied = 1
    sitting = 2
    on_the_bed = 3
    low_posture = 4
    falling = 5


def is_present(status: int) -> bool:
    """Someone is in the room, whatever their posture."""
    return status != FallDetectionStatus.unoccupied


def is_in_bed(status: int) -> bool:
    """The person is on the bed rectangle."""
    return status == FallDetectionStatus.on_the_bed


def is_falling(status: int) -> bool:
    """The radar reports a fall."""
    return status == FallDetectionStatus.falling


def _attr(attr_id: int, attr_type: type, access: str) -> ZCLAttributeDef:
    # OWON's attributes are manufacturer-specific: the radar's reports carry 0x113C in the
    # ZCL header, and zigpy maps such a report only to an attribute declared with that
    # code (an attribute without it would leave every 0xFD00 report unmatched and dropped).
    return ZCLAttributeDef(
        id=cast(t.uint16_t, attr_id),
        type=attr_type,
        access=ZCLAttributeAccess.from_str(access),
        is_manufacturer_specific=True,
        manufacturer_code=cast(t.uint16_t, OWON_MANUFACTURER_CODE),
    )


class OwonFallDetectionCluster(CustomCluster):  # type: ignore[misc]
    """OWON's manufacturer-specific fall detection cluster."""

    cluster_id: Final = 0xFD00
    name: Final = "OWON fall detection"
    ep_attribute: Final = "owon_fall_detection"
    # reads, writes and reporting configuration carry OWON's code, as Zigbee2MQTT sends them
    manufacturer_id_override: Final = OWON_MANUFACTURER_CODE

    class AttributeDefs(BaseAttributeDefs):
        """Attributes of cluster 0xFD00."""

        status: Final = _attr(0x0000, FallDetectionStatus, "rp")
        breathing_rate: Final = _attr(0x0002, t.uint8_t, "rp")
        location_x: Final = _attr(0x0003, t.int16s, "rp")
        location_y: Final = _attr(0x0004, t.int16s, "rp")
        bed_upper_left_x: Final = _attr(0x0100, t.int16s, "rw")
        bed_upper_left_y: Final = _attr(0x0101, t.int16s, "rw")
        bed_lower_right_x: Final = _attr(0x0102, t.int16s, "rw")
        bed_lower_right_y: Final = _attr(0x0103, t.int16s, "rw")
        door_center_x: Final = _attr(0x0108, t.int16s, "rw")
        door_center_y: Final = _attr(0x0109, t.int16s, "rw")
        left_fall_detection_range: Final = _attr(0x010C, t.uint16_t, "rw")
        right_fall_detection_range: Final = _attr(0x010D, t.uint16_t, "rw")
        front_fall_detection_range: Final = _attr(0x010E, t.uint16_t, "rw")


_CLUSTER = OwonFallDetectionCluster.cluster_id
_ATTRS = OwonFallDetectionCluster.AttributeDefs

(
    QuirkBuilder("OWON", "FDS315")
    .applies_to("OWON", "FDS315-AH")
    # the radar may not list 0xFD00 in its simple descriptor (Zigbee2MQTT adds it too)
    .adds(OwonFallDetectionCluster)
    .enum(
        _ATTRS.status.name,
        FallDetectionStatus,
        _CLUSTER,
        entity_platform=EntityPlatform.SENSOR,
        entity_type=EntityType.STANDARD,
        # reporting makes zha bind the cluster, which the converter's configure does
        reporting_config=ReportingConfig(min_interval=0, max_interval=300, reportable_change=1),
        translation_key="status",
        fallback_name="Status",
    )
    .sensor(
        _ATTRS.breathing_rate.name,
        _CLUSTER,
        state_class=SensorStateClass.MEASUREMENT,
        unit="breaths/min",
        suggested_display_precision=0,
        translation_key="breathing_rate",
        fallback_name="Breathing rate",
    )
    .binary_sensor(
        _ATTRS.status.name,
        _CLUSTER,
        entity_type=EntityType.STANDARD,
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        attribute_converter=is_present,
        unique_id_suffix="presence",
        translation_key="presence",
        fallback_name="Presence",
    )
    .binary_sensor(
        _ATTRS.status.name,
        _CLUSTER,
        entity_type=EntityType.STANDARD,
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        attribute_converter=is_in_bed,
        unique_id_suffix="in_bed",
        translation_key="in_bed",
        fallback_name="In bed",
    )
    .binary_sensor(
        _ATTRS.status.name,
        _CLUSTER,
        entity_type=EntityType.STANDARD,
        device_class=BinarySensorDeviceClass.SAFETY,
        attribute_converter=is_falling,
        unique_id_suffix="fall",
        translation_key="fall",
        fallback_name="Fall",
    )
    .sensor(
        _ATTRS.location_x.name,
        _CLUSTER,
        entity_type=EntityType.DIAGNOSTIC,
        unit="cm",
        suggested_display_precision=0,
        initially_disabled=True,
        translation_key="location_x",
        fallback_name="Location X",
    )
    .sensor(
        _ATTRS.location_y.name,
        _CLUSTER,
        entity_type=EntityType.DIAGNOSTIC,
        unit="cm",
        suggested_display_precision=0,
        initially_disabled=True,
        translation_key="location_y",
        fallback_name="Location Y",
    )
    .add_to_registry()
)
