"""OWON SPM915 sleeping pad: its IAS Zone says "contact"; zha must show it as bed occupancy.

The pad reports an IAS zone of type contact (Zigbee2MQTT: `iasZoneAlarm` contact,
alarm_1 = someone lies on the pad). zha's default entity for a contact zone is an
"opening" binary sensor, which would read "open" for "in bed". The quirk changes that
entity's device class to occupancy and its name to "In bed".
"""

from __future__ import annotations

from typing import Any

from zha.application import Platform
from zhaquirks.builder import BinarySensorDeviceClass, QuirkBuilder
from zigpy.zcl.clusters.security import IasZone


def is_zone_binary_sensor(entity: Any) -> bool:
    """Only the zone's binary sensor, not other entities on the IAS Zone cluster."""
    return bool(entity.PLATFORM == Platform.BINARY_SENSOR)


(
    QuirkBuilder("OWON", "SPM915")
    .change_entity_metadata(
        endpoint_id=1,
        cluster_id=IasZone.cluster_id,
        new_device_class=BinarySensorDeviceClass.OCCUPANCY,
        new_translation_key="in_bed",
        new_fallback_name="In bed",
        function=is_zone_binary_sensor,
    )
    .add_to_registry()
)
