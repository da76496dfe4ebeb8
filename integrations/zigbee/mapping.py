"""Which zha entities matter for care, and as what: one declarative table.

zha creates many entities per device (identify buttons, signal strength, firmware, config
numbers). Only those in TABLE become Obhut entities that rules can listen to; the rest stay
visible to the installer. The table is ordered by preference: when two entities of one device
give the same capability (an Aqara motion sensor has both an Occupancy and an IAS motion
entity), the earlier row wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hub.model import Capability

C = Capability
ANY = "*"

# mmWave radars that zha shows as "occupancy" but that sense a still person: presence.
MMWAVE_MODELS = frozenset(
    {"lumi.motion.ac01", "lumi.sensor_occupy.agl1", "lumi.motion.agl04", "TS0225"}
)


@dataclass(frozen=True, slots=True)
class ZhaEntityInfo:
    """What identifies a zha entity for the table, from a live entity or a device dump."""

    platform: str
    class_name: str
    device_class: str | None
    translation_key: str | None
    unique_id: str

    @classmethod
    def from_entity(cls, entity: Any) -> ZhaEntityInfo:
        return cls(
            platform=_text(entity.PLATFORM) or "",
            class_name=type(entity).__name__,
            device_class=_text(getattr(entity, "device_class", None)),
            translation_key=_text(getattr(entity, "translation_key", None)),
            unique_id=str(entity.unique_id),
        )

    @classmethod
    def from_info(cls, platform: str, info: Mapping[str, Any]) -> ZhaEntityInfo:
        return cls(
            platform=platform,
            class_name=str(info["class_name"]),
            device_class=_text(info.get("device_class")),
            translation_key=_text(info.get("translation_key")),
            unique_id=str(info.get("unique_id", "")),
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


@dataclass(frozen=True, slots=True)
class Row:
    """One way a zha entity becomes an Obhut capability, and how its value is read."""

    capability: Capability
    platform: str
    reads: str  # the entity property that holds the value (see read_value)
    device_class: str | None = ANY
    class_names: frozenset[str] = frozenset()
    translation_key: str | None = ANY
    models: frozenset[str] = frozenset()
    # An entity gives the first row it matches, plus every "also" row: a thermostat is both
    # the heating (setpoint) and a thermometer.
    also: bool = False

    def matches(self, info: ZhaEntityInfo, model: str) -> bool:
        return (
            info.platform == self.platform
            and (self.device_class == ANY or info.device_class == self.device_class)
            and (not self.class_names or info.class_name in self.class_names)
            and (self.translation_key == ANY or info.translation_key == self.translation_key)
            and (not self.models or model in self.models)
        )


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


BS, SENSOR = "binary_sensor", "sensor"
TABLE: tuple[Row, ...] = (
    # Falls, vital signs and bed from Obhut's custom quirks (fall radar, sleeping pad, DIY
    # vital-sign sensors); their translation keys are set by those quirks.
    Row(C.FALL, BS, "is_on", translation_key="fall"),
    Row(C.BED_OCCUPANCY, BS, "is_on", translation_key="in_bed"),
    Row(C.HEART_RATE, SENSOR, "native_value", translation_key="heart_rate"),
    Row(C.RESPIRATORY_RATE, SENSOR, "native_value", translation_key="respiratory_rate"),
    Row(C.RESPIRATORY_RATE, SENSOR, "native_value", translation_key="breathing_rate"),
    Row(C.PRESENCE, BS, "is_on", translation_key="presence"),
    # Presence and motion
    Row(C.PRESENCE, BS, "is_on", device_class="occupancy", models=MMWAVE_MODELS),
    Row(C.PRESENCE, BS, "is_on", device_class="presence"),
    Row(C.MOTION, BS, "is_on", device_class="motion"),
    Row(C.MOTION, BS, "is_on", device_class="occupancy"),
    # Doors, water, smoke, the SOS button (an IAS zone that is not one of the others)
    Row(C.CONTACT, BS, "is_on", device_class="opening"),
    Row(C.CONTACT, BS, "is_on", device_class="door"),
    Row(C.CONTACT, BS, "is_on", device_class="window"),
    Row(C.WATER_LEAK, BS, "is_on", device_class="moisture"),
    Row(C.SMOKE, BS, "is_on", device_class="smoke", class_names=_names("IASZone")),
    Row(C.SOS_BUTTON, BS, "is_on", device_class=None, class_names=_names("IASZone")),
    # The room's climate; DeviceTemperature is the chip's own warmth, not the room's
    Row(C.TEMPERATURE, SENSOR, "native_value", class_names=_names("Temperature")),
    Row(C.TEMPERATURE, "climate", "current_temperature", also=True),
    Row(C.HUMIDITY, SENSOR, "native_value", class_names=_names("Humidity")),
    Row(C.ILLUMINANCE, SENSOR, "native_value", device_class="illuminance"),
    Row(C.BATTERY, SENSOR, "native_value", class_names=_names("Battery")),
    Row(C.POWER, SENSOR, "native_value", device_class="power"),
    # Things the hub can switch
    Row(C.LIGHT, "light", "brightness_pct"),
    Row(C.SWITCH, "switch", "is_on", class_names=_names("Switch")),
    Row(C.CLIMATE, "climate", "target_temperature"),
)


def rows_for(info: ZhaEntityInfo, model: str) -> list[Row]:
    """The capabilities this entity gives: its first matching row and any "also" rows."""
    found: list[Row] = []
    main = False
    for row in TABLE:
        if row.matches(info, model) and (row.also or not main):
            found.append(row)
            main = main or not row.also
    return found


def map_device(
    infos: Iterable[ZhaEntityInfo], model: str
) -> dict[Capability, tuple[ZhaEntityInfo, Row]]:
    """For one device: the entity each capability is read from (the table's preference)."""
    best: dict[Capability, tuple[int, ZhaEntityInfo, Row]] = {}
    for info in infos:
        for row in rows_for(info, model):
            rank = TABLE.index(row)
            if row.capability not in best or rank < best[row.capability][0]:
                best[row.capability] = (rank, info, row)
    ranked = sorted(best.items(), key=lambda kv: kv[1][0])
    return {cap: (info, row) for cap, (_, info, row) in ranked}


def read_value(reads: str, entity: Any) -> bool | float | None:
    """The Obhut value of a zha entity now; None while it has none (unknown, unavailable)."""
    if reads == "brightness_pct":
        if not entity.is_on:
            return 0.0
        level = entity.brightness
        return round(level * 100 / 255, 1) if level is not None else 100.0
    value = getattr(entity, reads, None)
    if value is None or isinstance(value, bool):
        return value
    if reads == "is_on":  # zigpy's Bool is an int enum: 1, not True
        return bool(value)
    if isinstance(value, (int, float)):
        # Zigbee carries some readings as single-precision floats: 59.599998474121094 is 59.6
        return round(float(value), 2)
    return None
