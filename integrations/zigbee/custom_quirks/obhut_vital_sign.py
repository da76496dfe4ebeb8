"""The Obhut vital-sign profile: heart and respiratory rate as Analog Input clusters.

For DIY sensors (e.g. an ESP32-C6 with a 60 GHz vital-sign radar). The profile is
documented in VITAL_SIGN_PROFILE.md: Basic manufacturer "Obhut", model
"vital-sign-radar", endpoint 2 = heart rate, endpoint 3 = respiratory rate, each an
Analog Input (0x000C) whose present value is the rate per minute and whose description
says `heart_rate` / `respiratory_rate`. zha gets a `heart_rate` and a
`respiratory_rate` sensor instead of two anonymous analog inputs.
"""

from __future__ import annotations

from typing import Final

from zha.application import EntityType
from zhaquirks.builder import QuirkBuilder, ReportingConfig, SensorStateClass
from zigpy.zcl.clusters.general import AnalogInput

MANUFACTURER: Final = "Obhut"
MODEL: Final = "vital-sign-radar"
HEART_RATE_ENDPOINT: Final = 2
RESPIRATORY_RATE_ENDPOINT: Final = 3
# description attribute (0x001C) of each Analog Input, the capability it carries
DESCRIPTIONS: Final = {
    HEART_RATE_ENDPOINT: "heart_rate",
    RESPIRATORY_RATE_ENDPOINT: "respiratory_rate",
}
# BACnet engineering unit "per minute" (attribute 0x0075)
UNITS_PER_MINUTE: Final = 100
# the unique id suffix of zha's generic analog-input sensor (AnalogInputSensor)
DEFAULT_ENTITY_SUFFIX: Final = "-analog_input"

_PRESENT_VALUE = AnalogInput.AttributeDefs.present_value.name
# a vital sign is worth a report every few seconds when it moves, at least every 5 min
_REPORTING = ReportingConfig(min_interval=5, max_interval=300, reportable_change=1)

(
    QuirkBuilder(MANUFACTURER, MODEL)
    # zha's generic AnalogInputSensor (unique id suffix "analog_input") matches any Analog
    # Input with a description and units, so it would duplicate the two sensors below.
    # Prevent only that entity: zha applies a prevent to the quirk's own entities too, so
    # one by endpoint and cluster alone would remove the heart and respiratory rate sensors.
    .prevent_default_entity_creation(
        endpoint_id=HEART_RATE_ENDPOINT,
        cluster_id=AnalogInput.cluster_id,
        unique_id_suffix=DEFAULT_ENTITY_SUFFIX,
    )
    .prevent_default_entity_creation(
        endpoint_id=RESPIRATORY_RATE_ENDPOINT,
        cluster_id=AnalogInput.cluster_id,
        unique_id_suffix=DEFAULT_ENTITY_SUFFIX,
    )
    .sensor(
        _PRESENT_VALUE,
        AnalogInput.cluster_id,
        endpoint_id=HEART_RATE_ENDPOINT,
        entity_type=EntityType.STANDARD,
        state_class=SensorStateClass.MEASUREMENT,
        unit="bpm",
        suggested_display_precision=0,
        reporting_config=_REPORTING,
        unique_id_suffix="heart_rate",
        translation_key="heart_rate",
        fallback_name="Heart rate",
    )
    .sensor(
        _PRESENT_VALUE,
        AnalogInput.cluster_id,
        endpoint_id=RESPIRATORY_RATE_ENDPOINT,
        entity_type=EntityType.STANDARD,
        state_class=SensorStateClass.MEASUREMENT,
        unit="breaths/min",
        suggested_display_precision=0,
        reporting_config=_REPORTING,
        unique_id_suffix="respiratory_rate",
        translation_key="respiratory_rate",
        fallback_name="Respiratory rate",
    )
    .add_to_registry()
)
