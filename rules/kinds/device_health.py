"""device_health: a silent sensor, a flat battery, a lost radio: a system alert, for the installer.

    - kind: device_health
      id: technik
      notify: technik          # the installer's escalation policy or contact, not the family
      # watch: [silent, battery, radio]   # default: all three
      # battery_below: 15      # percent; cleared again from 20 % (5 points of hysteresis)
      # grace: 10m             # wait this long before raising a silent device (default: at once)
      # entities: [battery.haustuer, available.bewegung_bad]   # default: every device

Findings are `system` findings (severity warning by default): the alerting sends them to the
rule's `notify`, which the installer points at their own contact. A dead sensor is never a
still person: this rule says "Bewegung Bad antwortet nicht mehr", never "no activity".

What it watches:
- `silent`: `available.<device>` turning False (the Zigbee integration does so after the
  device's allowed silence), and any other `available.<service>` entity, e.g. the SMS
  provider's `available.sms_twilio` when it refuses to send; True again clears it.
- `battery`: `battery.<device>` below `battery_below` %; cleared at `battery_below` + 5 %.
- `radio`: `radio.zigbee` False (the coordinator stick is gone); True clears it.

One finding per entity and problem (its subject is the entity id). When the rule starts
(hub start, config reload) it looks at the latest known state and raises what is wrong now,
so a reload never silences a dead device; the alerting deduplicates open alerts by subject.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from hub.config.units import Duration
from hub.model import Capability, Deadline, Entity, EntityId, Observation, Severity, slugify
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.context import RuleContext
from rules.explain import Texts

C = Capability
Problem = Literal["silent", "battery", "radio"]
# A battery counts as replaced only this many points above the threshold: a cell that
# wavers around 15 % with the temperature must not raise and clear all day.
BATTERY_HYSTERESIS = 5.0

SILENT: Texts = {
    "de": "{name} antwortet nicht mehr (seit {since})",
    "en": "{name} is not responding (since {since})",
}
SERVICE_DOWN: Texts = {
    "de": "{name} gestört (seit {since})",
    "en": "{name} is failing (since {since})",
}
BACK: Texts = {
    "de": "{name} meldet sich wieder ({time})",
    "en": "{name} is responding again ({time})",
}
BATTERY_LOW: Texts = {"de": "Batterie {name} bei {level} %", "en": "Battery of {name} at {level} %"}
BATTERY_OK: Texts = {
    "de": "Batterie {name} gewechselt ({level} %)",
    "en": "Battery of {name} replaced ({level} %)",
}
RADIO_LOST: Texts = {
    "de": "{radio}-Funkstick getrennt (seit {since})",
    "en": "{radio} radio stick disconnected (since {since})",
}
RADIO_BACK: Texts = {
    "de": "{radio}-Funkstick wieder verbunden ({time})",
    "en": "{radio} radio stick connected again ({time})",
}

_WATCHED: dict[Capability, Problem] = {
    C.AVAILABLE: "silent",
    C.BATTERY: "battery",
    C.RADIO: "radio",
}


class Config(RuleConfig):
    kind: Literal["device_health"] = "device_health"
    entities: tuple[str, ...] = ()  # empty: every available.*, battery.* and radio.* entity
    watch: tuple[Problem, ...] = ("silent", "battery", "radio")
    battery_below: int = Field(15, ge=1, le=95)
    grace: Duration | None = None  # a device silent this long (or a radio lost) is raised
    severity: Severity = Severity.WARNING


class Rule(BaseRule):
    """Raises each problem once per entity, and clears it when the entity is well again."""

    listens_to = frozenset(_WATCHED)
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._open: dict[str, datetime] = {}  # entity id → since when it is wrong

    def wants(self, entity: Entity) -> bool:
        problem = _WATCHED.get(entity.capability)
        return problem in self.config.watch and super().wants(entity)

    def start(self, ctx: RuleContext, now: datetime) -> None:
        for obs in list(ctx.state.values()):
            if self.wants(_entity(ctx, obs.entity)):
                self._look(obs, ctx, now)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        self._look(obs, ctx, obs.ts)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        entity = str(deadline.data["entity"])
        since = datetime.fromisoformat(deadline.data["since"])
        self._raise(entity, since, deadline.due, ctx)

    def _look(self, obs: Observation, ctx: RuleContext, now: datetime) -> None:
        cap, entity = obs.capability, obs.entity
        if cap is C.BATTERY:
            level = obs.value
            if isinstance(level, bool) or not isinstance(level, float | int):
                return
            if not 0 <= level <= 100:
                return  # a device's "unknown" (255, -1) is no reading
            if level < self.config.battery_below and entity not in self._open:
                self._open[entity] = obs.ts
                self._battery(entity, float(level), now, ctx, cleared=False)
            elif entity in self._open and level >= self.config.battery_below + BATTERY_HYSTERESIS:
                del self._open[entity]
                self._battery(entity, float(level), now, ctx, cleared=True)
            return
        if obs.value is False:
            if entity in self._open or ctx.pending(entity) is not None:
                return
            grace = self.config.grace
            if grace is None or obs.ts + grace <= now:
                self._raise(entity, obs.ts, now, ctx)
            else:
                ctx.at(entity, obs.ts + grace, {"entity": entity, "since": obs.ts.isoformat()})
            return
        ctx.cancel(entity)  # back within its grace: nothing to tell
        since = self._open.pop(entity, None)
        if since is not None:
            self._emit(entity, since, now, ctx, cleared=True)

    def _raise(self, entity: str, since: datetime, now: datetime, ctx: RuleContext) -> None:
        self._open[entity] = since
        self._emit(entity, since, now, ctx, cleared=False)

    def _emit(
        self, entity: str, since: datetime, now: datetime, ctx: RuleContext, *, cleared: bool
    ) -> None:
        radio = entity.startswith("radio.")
        name, room, is_device = _device(ctx, entity)
        if radio:
            label = entity.partition(".")[2].replace("_", " ").title()
            texts = RADIO_BACK if cleared else RADIO_LOST
            explanation = ctx.say(texts, radio=label, since=ctx.clock(since), time=ctx.clock(now))
            what = "radio lost"
        else:
            texts = BACK if cleared else SILENT if is_device else SERVICE_DOWN
            explanation = ctx.say(texts, name=name, since=ctx.clock(since), time=ctx.clock(now))
            what = "not responding" if is_device else "failing"
        ctx.emit(
            self.finding(
                ctx,
                now,
                summary=f"{entity} {'back' if cleared else what}",
                explanation=explanation,
                subject=entity,
                entity=entity,
                room=room,
                cleared=cleared,
                evidence=(f"{entity} unavailable since {since.isoformat()}",),
                system=True,
                data={"since": since.isoformat()},
            )
        )

    def _battery(
        self, entity: str, level: float, now: datetime, ctx: RuleContext, *, cleared: bool
    ) -> None:
        name, room, _ = _device(ctx, entity)
        shown = f"{level:.0f}"
        ctx.emit(
            self.finding(
                ctx,
                now,
                summary=f"battery {entity} {'replaced' if cleared else 'low'} ({shown} %)",
                explanation=ctx.say(BATTERY_OK if cleared else BATTERY_LOW, name=name, level=shown),
                subject=entity,
                entity=entity,
                room=room,
                cleared=cleared,
                evidence=(f"{entity} = {shown} %",),
                system=True,
                data={"level": level},
            )
        )


def _entity(ctx: RuleContext, entity_id: str) -> Entity:
    entity = ctx.entities.get(entity_id)
    if entity is not None:
        return entity
    try:
        cap = EntityId.parse(entity_id).capability
    except ValueError:
        return Entity(entity_id, C.AVAILABLE, entity_id)
    return Entity(entity_id, cap, entity_id)


def _device(ctx: RuleContext, entity_id: str) -> tuple[str, str | None, bool]:
    """The name people gave the device (or service), its room, and whether it is a device.

    `available.*` entities appear in the registry only once the radio reports them, so the
    device is also found through its battery entity or its name in the configuration.
    """
    entity = ctx.entities.get(entity_id)
    if entity is not None and entity.device is not None:
        return entity.name, entity.room, True
    slug = entity_id.partition(".")[2]
    for other in ctx.entities:  # the same device's battery.<slug>
        per_device = other.capability in (C.BATTERY, C.AVAILABLE)
        if per_device and other.device is not None and other.id.partition(".")[2] == slug:
            return other.name, other.room, True
    config = ctx.entities.config
    if config is not None:
        for device in config.devices.values():
            if slugify(device.name) == slug:
                return device.name, device.room, True
    if entity is not None:
        return entity.name, entity.room, False
    return slug, None, False
