"""The flat's entities, derived from the configured devices and the tablet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hub.config.model import Config, DeviceRole
from hub.model import Capability, Entity, EntityId

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
    DeviceRole.SMOKE: (C.SMOKE, C.BATTERY),
    DeviceRole.WATER_LEAK: (C.WATER_LEAK, C.BATTERY),
    DeviceRole.VITAL_SIGNS: (C.HEART_RATE, C.RESPIRATORY_RATE, C.BED_OCCUPANCY),
    DeviceRole.FALL: (C.FALL, C.PRESENCE),
    DeviceRole.OTHER: (),
}
# Roles whose entity is named after the role rather than the room: there is one front door.
_NAMED_BY_ROLE = {DeviceRole.FRONT_DOOR: "front_door", DeviceRole.FRIDGE_DOOR: "fridge"}
# What the resident does on the tablet arrives as these entities.
TABLET = (
    Entity("check_in.tablet", C.CHECK_IN, "Tablet: Mir geht es gut"),
    Entity("help.tablet", C.HELP, "Tablet: Hilfe"),
    Entity("away.tablet", C.AWAY, "Tablet: Ich bin unterwegs"),
)


@dataclass(frozen=True)
class EntityRegistry:
    by_id: dict[str, Entity]

    @classmethod
    def from_config(cls, config: Config) -> EntityRegistry:
        entities: dict[str, Entity] = {e.id: e for e in TABLET}
        for ieee, device in config.devices.items():
            base = _NAMED_BY_ROLE.get(device.role, device.room)
            for cap in ROLE_CAPABILITIES[device.role]:
                eid = str(EntityId(cap, base))
                n = 2
                while eid in entities:
                    eid = str(EntityId(cap, f"{base}_{n}"))
                    n += 1
                entities[eid] = Entity(eid, cap, device.name, device.room, ieee)
        return cls(entities)

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
