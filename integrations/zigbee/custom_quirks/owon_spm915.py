"""OWON SPM915 sleeping pad: its IAS Zone says "contact"; zha must show it as bed occupancy.

The pad reports an IAS zone of type contact (Zigbee2MQTT: `iasZoneAlarm` contact,
alarm_1 = someone lies on the pad). zha's default entity for a contact zone is an
"opening" binary sensor, which would read "open" for "in bed". Changing that entity's
metadata does not hold: zha's `IASZone.recompute_capabilities` sets the device class and
translation key from the zone type again (and no zone type maps to occupancy). So the
quirk prevents zha's default zone entity and adds its own binary sensor on the zone
status instead: device class occupancy, translation key `in_bed`, name "In bed". zha's
IAS enrollment (a virtual entity) and the zone's binding and startup read stay.
"""

from __future__ import annotations

from typing import Any, Final

from zha.application import EntityType
from zha.application.platforms.binary_sensor import IASZone
from zhaquirks.builder import BinarySensorDeviceClass, QuirkBuilder
from zigpy.zcl.clusters.security import IasZone

ENDPOINT: Final = 1
# zone status bits alarm_1 and alarm_2: someone lies on the pad (zha's IASZone reads the same)
_ALARM_BITS: Final = 0b11


def is_default_zone_entity(entity: Any) -> bool:
    """zha's generic IAS zone binary sensor, not the quirk's own entities."""
    return isinstance(entity, IASZone)


def is_in_bed(zone_status: int) -> bool:
    """Someone lies on the pad: an alarm bit of the zone status is set."""
    return bool(int(zone_status) & _ALARM_BITS)


(
    QuirkBuilder("OWON", "SPM915")
    .prevent_default_entity_creation(
        endpoint_id=ENDPOINT,
        cluster_id=IasZone.cluster_id,
        function=is_default_zone_entity,
    )
    .binary_sensor(
        IasZone.AttributeDefs.zone_status.name,
        IasZone.cluster_id,
        endpoint_id=ENDPOINT,
        entity_type=EntityType.STANDARD,
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        attribute_converter=is_in_bed,
        unique_id_suffix="in_bed",
        translation_key="in_bed",
        fallback_name="In bed",
        primary=True,
    )
    .add_to_registry()
)
