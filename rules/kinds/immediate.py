"""Rules that alert the moment a detector goes off (SOS, fall, water, smoke)."""

from __future__ import annotations

from hub.model import Capability, Observation
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.context import RuleContext
from rules.explain import Texts


class ImmediateRule(BaseRule):
    """One finding when a detector turns on; one all-clear when it turns off again."""

    capabilities: frozenset[Capability] = frozenset()
    what = "alarm"
    raised: Texts = {"de": "Alarm in {room}", "en": "Alarm in {room}"}
    over: Texts = {"de": "Alarm in {room} vorbei", "en": "Alarm in {room} over"}
    clears = True  # a detector going quiet clears the alarm; a released button does not

    def __init__(self, config: RuleConfig) -> None:
        super().__init__(config)
        self.listens_to = self.capabilities
        self._active: set[str] = set()

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        on = bool(obs.value)
        if on and obs.entity not in self._active:
            self._active.add(obs.entity)
            self._raise(obs, ctx, cleared=False)
            if not self.clears:
                self._active.discard(obs.entity)
        elif not on and obs.entity in self._active:
            self._active.discard(obs.entity)
            self._raise(obs, ctx, cleared=True)

    def _raise(self, obs: Observation, ctx: RuleContext, *, cleared: bool) -> None:
        room = ctx.entity_room(obs.entity)
        where = ctx.room_name(room) if room else obs.entity
        texts = self.over if cleared else self.raised
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"{self.what}{' over' if cleared else ''} in {room or obs.entity}",
                explanation=ctx.say(texts, room=where, time=ctx.clock(obs.ts)),
                entity=obs.entity,
                room=room,
                cleared=cleared,
                evidence=(f"{obs.entity} = {obs.value} from {obs.source}",),
            )
        )
