"""night_light: movement at night turns a light on, dimmed, and off again a little later.

    - kind: night_light
      id: nachtlicht
      rooms: [schlafzimmer, flur]   # movement here; empty: anywhere
      lights: [light.flur]          # empty: the lights of the room where she moves
      window: {start: "22:00", end: "06:00"}
      brightness: 30                # %
      duration: 5m                  # after the last movement, then off
      transition: 1                 # seconds to fade

An action, never an alert. More movement while the light is on keeps it on (even past the
window's end: nobody is left in the dark on the way back to bed). A light that was already
on before the rule would have switched it is left alone, and so is one that someone turns
up or off while the rule holds it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field, field_validator

from hub.config.problems import ConfigValueError
from hub.config.units import Duration, Slug
from hub.model import Action, Capability, Deadline, Entity, EntityId, Observation, Severity
from rules.base import BaseRule
from rules.config import RuleConfig, TimeWindow
from rules.context import RuleContext
from rules.windows import contains

C = Capability
# A dimmer reports its level in 1/254 steps: 30 % comes back as 29.9 %.
TOLERANCE = 2.0


def _level(value: object) -> float:
    """A light's state as brightness in %; a plain on/off counts as 100 or 0."""
    if isinstance(value, bool):
        return 100.0 if value else 0.0
    return float(value) if isinstance(value, (int, float)) else 0.0


def _night() -> TimeWindow:
    return TimeWindow.model_validate({"start": "22:00", "end": "06:00"})


class Config(RuleConfig):
    kind: Literal["night_light"] = "night_light"
    rooms: tuple[Slug, ...] = ()  # empty: movement anywhere
    lights: tuple[str, ...] = ()  # empty: the light entities of the room with the movement
    window: TimeWindow = Field(default_factory=_night)
    brightness: int = Field(default=30, gt=0, le=100)  # %
    duration: Duration = timedelta(minutes=5)
    transition: float = Field(default=1, ge=0)  # seconds
    severity: Severity = Severity.INFO  # it never raises a finding

    @field_validator("lights")
    @classmethod
    def _lights(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for eid in value:
            try:
                parsed = EntityId.parse(eid)
            except ValueError as e:
                raise ConfigValueError(str(e)) from None
            if parsed.capability is not C.LIGHT:
                raise ConfigValueError(
                    f"{eid} is not a light", expected="light entities, e.g. light.flur"
                )
        return value


class Rule(BaseRule):
    """Each light it switched on has an `off:` deadline; holding a light means having one."""

    listens_to = frozenset({C.MOTION, C.PRESENCE})
    config: Config

    def wants(self, entity: Entity) -> bool:
        if entity.capability is C.LIGHT:
            return not self.config.lights or entity.id in self.config.lights
        return super().wants(entity)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if obs.capability is C.LIGHT:
            self._light_changed(obs, ctx)
            return
        if obs.value is not True:
            return  # the sensor going quiet: the timer already runs from the last movement
        lights = self._lights_for(obs.entity, ctx)
        held = [light for light in lights if self._holding(light, ctx)]
        if not held and not contains(obs.ts, self.config.window, ctx.tz):
            return
        for light in lights:
            if self._holding(light, ctx):
                self._keep_on(light, obs.ts, ctx)
            elif contains(obs.ts, self.config.window, ctx.tz) and not self._is_on(light, ctx):
                self._switch(light, obs.ts, ctx, on=True)
                self._keep_on(light, obs.ts, ctx)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        self._switch(str(deadline.data["light"]), deadline.due, ctx, on=False)

    def _light_changed(self, obs: Observation, ctx: RuleContext) -> None:
        """Someone else turned a held light up or off: it is theirs now."""
        if not self._holding(obs.entity, ctx):
            return
        level = _level(obs.value)
        if level <= 0 or level > self.config.brightness + TOLERANCE:
            ctx.cancel(self._off(obs.entity))

    def _lights_for(self, motion_entity: str, ctx: RuleContext) -> list[str]:
        if self.config.lights:
            return list(self.config.lights)
        room = ctx.entity_room(motion_entity)
        if room is None:
            return []
        return [e.id for e in ctx.entities.with_capability([C.LIGHT]) if e.room == room]

    def _is_on(self, light: str, ctx: RuleContext) -> bool:
        state = ctx.state.get(light)
        return state is not None and _level(state.value) > 0

    def _holding(self, light: str, ctx: RuleContext) -> bool:
        return ctx.pending(self._off(light)) is not None

    def _keep_on(self, light: str, ts: datetime, ctx: RuleContext) -> None:
        ctx.at(self._off(light), ts + self.config.duration, {"light": light})

    def _switch(self, light: str, ts: datetime, ctx: RuleContext, *, on: bool) -> None:
        params: dict[str, object] = {"on": on}
        if on:
            fade = self.config.transition
            params["brightness"] = self.config.brightness
            params["transition"] = int(fade) if fade.is_integer() else fade
        ctx.act(Action(ts=ts, rule=self.config.rule_id, kind="light", entity=light, params=params))

    @staticmethod
    def _off(light: str) -> str:
        return f"off:{light}"
