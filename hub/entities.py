"""The flat's entities, derived from the configured devices and the tablet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hub.config.model import Config, DeviceRole
from hub.model import Capability, Entity, EntityId, slugify

C = Capability
# The capabilities a device in a role gives the flat, the first one being its main reading.
ROLE_CAPABILITIES: dict[DeviceRole, tuple[Capability, ...]] = {
    DeviceRole.MOTION: (C.MOTION, C.BATTERY),
    DeviceRole.PRESENCE: (C.PRESENCE,),
    DeviceRole.DOOR: (C.CONTACT, C.BATTERY),
    DeviceRole.FRONT_DOOR: (C.CONTACT, C.BATTERY),
    DeviceRole.WINDOW: (C.CONTACT, C.BATTERY),
    DeviceRole.FRIDGE_DOOR: (C.CONTACT, C.BATTERY),
    DeviceRole.BED: (C.BED_OCCUPANCY, C.BATTERY),
    DeviceRole.CHAIR: (C.PRESENCE, C.BATTERY),
    DeviceRole.LIGHT: (C.LIGHT,),
    DeviceRole.PLUG: (C.POWER, C.SWITCH),
    DeviceRole.THERMOSTAT: (C.CLIMATE, C.TEMPERATURE, C.BATTERY),
    DeviceRole.CLIMATE_SENSOR: (C.TEMPERATURE, C.HUMIDITY, C.BATTERY),
    DeviceRole.SOS_BUTTON: (C.SOS_BUTTON, C.BATTERY),
    DeviceRole.CHECK_IN_BUTTON: (C.CHECK_IN, C.BATTERY),
    DeviceRole.VISIT_BUTTON: (C.VISIT, C.BATTERY),
    DeviceRole.SMOKE: (C.SMOKE, C.BATTERY),
    DeviceRole.WATER_LEAK: (C.WATER_LEAK, C.BATTERY),
    DeviceRole.VITAL_SIGNS: (C.HEART_RATE, C.RESPIRATORY_RATE),
    DeviceRole.FALL: (C.FALL, C.PRESENCE, C.BED_OCCUPANCY, C.RESPIRATORY_RATE),
    DeviceRole.OTHER: (),
}
# Readings worth keeping from any device, whatever its role: a motion sensor's thermometer
# tells the room's temperature too.
ALWAYS_USEFUL = frozenset({C.TEMPERATURE, C.HUMIDITY, C.ILLUMINANCE, C.BATTERY, C.AVAILABLE})
# Readings about the device itself, not the room: named after the device ("battery.haustuer").
PER_DEVICE = frozenset({C.BATTERY, C.AVAILABLE})
# Roles whose entity is named after the role rather than the room: there is one front door.
_NAMED_BY_ROLE = {DeviceRole.FRONT_DOOR: "front_door", DeviceRole.FRIDGE_DOOR: "fridge"}
# A Zigbee button's press reads as an SOS button's (an IAS zone); the role the installer gave
# the button says what the press means.
BUTTON_PRESS = {DeviceRole.CHECK_IN_BUTTON: C.CHECK_IN, DeviceRole.VISIT_BUTTON: C.VISIT}
# What the resident does on the tablet arrives as these entities.
TABLET = (
    Entity("check_in.tablet", C.CHECK_IN, "Tablet: Mir geht es gut"),
    Entity("help.tablet", C.HELP, "Tablet: Hilfe"),
    Entity("away.tablet", C.AWAY, "Tablet: Ich bin unterwegs"),
    Entity("reminder.tablet", C.REMINDER, "Tablet: Erinnerung bestätigt"),
    Entity("visit.tablet", C.VISIT, "Tablet: Pflegedienst da"),
    Entity("radio.zigbee", C.RADIO, "Zigbee-Funk"),
)


@dataclass(frozen=True)
class EntityRegistry:
    by_id: dict[str, Entity]
    config: Config | None = None

    @classmethod
    def from_config(cls, config: Config) -> EntityRegistry:
        registry = cls({e.id: e for e in TABLET}, config)
        for ieee, device in config.devices.items():
            for cap in ROLE_CAPABILITIES[device.role]:
                registry._add(ieee, cap)
        return registry

    def _add(self, ieee: str, cap: Capability) -> Entity:
        assert self.config is not None
        device = self.config.devices[ieee]
        if cap in PER_DEVICE:
            base = slugify(device.name) or device.room
        else:
            base = _NAMED_BY_ROLE.get(device.role, device.room)
        eid = str(EntityId(cap, base))
        n = 2
        while eid in self.by_id:
            eid = str(EntityId(cap, f"{base}_{n}"))
            n += 1
        entity = Entity(eid, cap, device.name, device.room, ieee)
        self.by_id[eid] = entity
        return entity

    def for_device(self, ieee: str, cap: Capability) -> Entity | None:
        """The entity a configured device's reading becomes; None if its role has no use for it.

        A device not (yet) in the configuration is unassigned: its readings feed no rule.
        """
        if self.config is None or ieee not in self.config.devices:
            return None
        role = self.config.devices[ieee].role
        if cap is C.SOS_BUTTON and role in BUTTON_PRESS:
            cap = BUTTON_PRESS[role]
        for entity in self.by_id.values():
            if entity.device == ieee and entity.capability is cap:
                return entity
        if cap in ALWAYS_USEFUL or role is DeviceRole.OTHER:
            return self._add(ieee, cap)
        return None

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, entity_id: str) -> Entity | None:
        return self.by_id.get(entity_id)

    def room_of(self, entity_id: str) -> str | None:
        entity = self.by_id.get(entity_id)
        return entity.room if entity else None

    def with_capability(self, caps: Iterable[Capability]) -> list[Entity]:
        wanted = set(caps)
        return [e for e in self.by_id.values() if e.capability in wanted]
