"""temperature: a room too cold or too hot for a while; optionally turn up the heating first.

    - kind: temperature
      id: wohnzimmer_kalt
      room: wohnzimmer
      below: 17            # °C; and/or `above: 30` for heat
      duration: 30m        # out of range this long before anything happens
      raise_setpoint_to: 21  # first set climate.wohnzimmer to 21 °C ...
      action_grace: 45m    # ... and alert only if the room is still cold this much later
      hysteresis: 0.5      # back in range means at least 17.5 °C (or at most above - 0.5)

The room's temperature is the median of the latest reading of each of its thermometers
(a thermostat's own sensor, a climate sensor, a motion sensor's thermometer), leaving out
readings older than STALE unless none are newer: one sensor stuck on the radiator or on a
sunny windowsill cannot decide alone when there are three, and with two the room is their
mean. Missing readings never end a cold spell; a silent sensor is device_health's business.
"""

from __future__ import annotations

import logging
import statistics
from datetime import datetime, timedelta
from typing import Literal, Self

from pydantic import field_validator, model_validator

from hub.config.problems import ConfigValueError
from hub.config.units import Duration, Slug
from hub.model import Action, Capability, Deadline, Entity, EntityId, Observation, Severity
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.context import RuleContext
from rules.explain import Texts, number

log = logging.getLogger(__name__)

TICK = "due"
# A reading older than this only counts while the room has no newer one.
STALE = timedelta(hours=3)

COLD: Texts = {
    "de": "{room} seit {since} unter {limit} °C (jetzt {now} °C)",
    "en": "{room} below {limit} °C since {since} (now {now} °C)",
}
HOT: Texts = {
    "de": "{room} seit {since} über {limit} °C (jetzt {now} °C)",
    "en": "{room} above {limit} °C since {since} (now {now} °C)",
}
ACTED: Texts = {
    "de": "; Heizung auf {setpoint} °C gestellt, ohne Wirkung",
    "en": "; heating set to {setpoint} °C, to no effect",
}
ALREADY: Texts = {
    "de": "; Heizung steht schon auf {setpoint} °C",
    "en": "; heating is already set to {setpoint} °C",
}
CLEARED: Texts = {
    "de": "{room} wieder bei {now} °C (um {time})",
    "en": "{room} back at {now} °C (at {time})",
}

Side = Literal["below", "above"]


def _celsius(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


class Config(RuleConfig):
    kind: Literal["temperature"] = "temperature"
    room: Slug
    entities: tuple[str, ...] = ()  # empty: every temperature.* entity of the room
    below: float | None = None
    above: float | None = None
    duration: Duration = timedelta(minutes=30)
    hysteresis: float = 0.5
    raise_setpoint_to: float | None = None
    climate: str | None = None  # the thermostat to raise; default climate.<room>
    action_grace: Duration = timedelta(minutes=45)
    severity: Severity = Severity.WARNING

    @field_validator("entities", "climate")
    @classmethod
    def _entity_ids(cls, value: tuple[str, ...] | str | None) -> tuple[str, ...] | str | None:
        for eid in (value,) if isinstance(value, str) else value or ():
            try:
                EntityId.parse(eid)
            except ValueError as e:
                raise ConfigValueError(str(e)) from None
        return value

    @model_validator(mode="after")
    def _limits(self) -> Self:
        if self.below is None and self.above is None:
            raise ConfigValueError(
                "a temperature rule needs a limit",
                expected="below: (°C, cold), above: (°C, heat), or both",
            )
        if self.below is not None and self.above is not None and self.below >= self.above:
            raise ConfigValueError(
                f"below ({self.below}) must be lower than above ({self.above})",
                expected="e.g. below: 17 and above: 30",
            )
        if self.hysteresis < 0:
            raise ConfigValueError("hysteresis cannot be negative", expected="e.g. 0.5")
        if self.raise_setpoint_to is not None and self.below is None:
            raise ConfigValueError(
                "raise_setpoint_to needs below:",
                expected="below: the temperature at which to turn up the heating",
            )
        return self

    @property
    def thermostat(self) -> str:
        return self.climate or f"climate.{self.room}"


class Rule(BaseRule):
    """Tracks the room's temperature; a deadline at the end of `duration` (and of the grace)."""

    listens_to = frozenset({Capability.TEMPERATURE})
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._side: Side | None = None
        self._since: datetime | None = None
        self._value: float | None = None
        self._alerted = False

    def wants(self, entity: Entity) -> bool:
        if self.config.entities:
            return entity.id in self.config.entities
        return entity.capability is Capability.TEMPERATURE and entity.room == self.config.room

    def start(self, ctx: RuleContext, now: datetime) -> None:
        pending = ctx.pending(TICK)
        if pending is not None:  # after a restart: the spell goes on
            self._side = pending.data["side"]
            self._since = datetime.fromisoformat(pending.data["since"])
        self._value = self._room_value(ctx, now)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if _celsius(obs.value) is None:
            return
        value = self._room_value(ctx, obs.ts)
        if value is None:
            return
        self._value = value
        cfg = self.config
        if self._side is None:
            if cfg.below is not None and value < cfg.below:
                self._enter("below", obs.ts, ctx)
            elif cfg.above is not None and value > cfg.above:
                self._enter("above", obs.ts, ctx)
        elif self._back_in_range(value):
            self._leave(obs.ts, value, ctx)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        side: Side = deadline.data["side"]
        since = datetime.fromisoformat(deadline.data["since"])
        if self._side is None:  # a restart lost the spell: the deadline still knows it
            self._side, self._since = side, since
        now = deadline.due
        value = self._room_value(ctx, now)
        if value is None:
            value = self._value
        if value is None:
            return
        cfg = self.config
        stage = deadline.data.get("stage", "condition")
        if stage == "condition" and side == "below" and cfg.raise_setpoint_to is not None:
            setpoint = ctx.state.get(cfg.thermostat)
            current = setpoint.value if setpoint is not None else None
            if ctx.entities.get(cfg.thermostat) is None:
                log.warning("%s: no thermostat %s to turn up", cfg.rule_id, cfg.thermostat)
            elif isinstance(current, float) and current >= cfg.raise_setpoint_to:
                self._raise(ctx, now, side, since, value, ALREADY, current)
                return
            else:
                self._act(ctx, now)
                data = dict(deadline.data, stage="action")
                ctx.at(TICK, now + cfg.action_grace, data)
                return
        acted = cfg.raise_setpoint_to if stage == "action" else None
        self._raise(ctx, now, side, since, value, ACTED if acted is not None else None, acted)

    def _act(self, ctx: RuleContext, now: datetime) -> None:
        assert self.config.raise_setpoint_to is not None
        ctx.act(
            Action(
                ts=now,
                rule=self.config.rule_id,
                kind="climate",
                entity=self.config.thermostat,
                params={"setpoint": self.config.raise_setpoint_to},
            )
        )

    def _raise(
        self,
        ctx: RuleContext,
        now: datetime,
        side: Side,
        since: datetime,
        value: float,
        note: Texts | None,
        setpoint: float | None,
    ) -> None:
        cfg = self.config
        limit = cfg.below if side == "below" else cfg.above
        assert limit is not None
        room = ctx.room_name(cfg.room)
        text = ctx.say(
            COLD if side == "below" else HOT,
            room=room,
            since=ctx.clock(since),
            limit=number(limit, ctx.lang),
            now=number(value, ctx.lang),
        )
        if note is not None and setpoint is not None:
            text += ctx.say(note, setpoint=number(setpoint, ctx.lang))
        word = "cold" if side == "below" else "hot"
        self._alerted = True
        ctx.emit(
            self.finding(
                ctx,
                now,
                summary=f"{cfg.room} too {word}: {value:.1f} °C since {since.isoformat()}",
                explanation=text,
                subject=cfg.room,
                room=cfg.room,
                evidence=(f"limit {limit} °C", f"room temperature {value:.1f} °C"),
                data={"since": since.isoformat(), "value": value, "side": side},
            )
        )

    def _enter(self, side: Side, ts: datetime, ctx: RuleContext) -> None:
        self._side, self._since, self._alerted = side, ts, False
        data = {"side": side, "since": ts.isoformat(), "stage": "condition"}
        ctx.at(TICK, ts + self.config.duration, data)

    def _leave(self, ts: datetime, value: float, ctx: RuleContext) -> None:
        ctx.cancel(TICK)
        if self._alerted:
            room = self.config.room
            ctx.emit(
                self.finding(
                    ctx,
                    ts,
                    summary=f"{room} back in range: {value:.1f} °C",
                    explanation=ctx.say(
                        CLEARED,
                        room=ctx.room_name(room),
                        now=number(value, ctx.lang),
                        time=ctx.clock(ts),
                    ),
                    subject=room,
                    room=room,
                    cleared=True,
                )
            )
        self._side, self._since, self._alerted = None, None, False

    def _back_in_range(self, value: float) -> bool:
        cfg, h = self.config, self.config.hysteresis
        if self._side == "below":
            return cfg.below is None or value >= cfg.below + h
        return cfg.above is None or value <= cfg.above - h

    def _room_value(self, ctx: RuleContext, now: datetime) -> float | None:
        """The median of each sensor's latest reading, the stale ones only if all are."""
        mine = [
            (o.ts, value)
            for o in ctx.state.values()
            if self._mine(o.entity, ctx) and (value := _celsius(o.value)) is not None
        ]
        if not mine:
            return None
        fresh = [value for ts, value in mine if now - ts <= STALE]
        return float(statistics.median(fresh or [value for _, value in mine]))

    def _mine(self, entity_id: str, ctx: RuleContext) -> bool:
        if self.config.entities:
            return entity_id in self.config.entities
        return (
            entity_id.startswith("temperature.") and ctx.entity_room(entity_id) == self.config.room
        )
