"""Rules that alert the moment a detector goes off (SOS, water, smoke); no pre-alert."""

from __future__ import annotations

from datetime import datetime

from hub.model import Capability, Deadline, Finding, Observation
from rules.config import RuleConfig
from rules.engine import RuleContext


class ImmediateRule:
    capabilities: frozenset[Capability] = frozenset()
    what = "alarm"
    clears = True  # a detector going quiet clears the alarm; a released button does not

    def __init__(self, config: RuleConfig, entities: tuple[str, ...]) -> None:
        self.config = config
        self.listens_to = self.capabilities
        self._entities = frozenset(entities)
        self._active: set[str] = set()

    def start(self, ctx: RuleContext, now: datetime) -> None:
        return None

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if self._entities and obs.entity not in self._entities:
            return
        on = bool(obs.value)
        if on and obs.entity not in self._active:
            self._active.add(obs.entity)
            ctx.emit(self._finding(obs, cleared=False))
            if not self.clears:
                self._active.discard(obs.entity)
        elif not on and obs.entity in self._active:
            self._active.discard(obs.entity)
            ctx.emit(self._finding(obs, cleared=True))

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        return None

    def _finding(self, obs: Observation, *, cleared: bool) -> Finding:
        room = obs.entity.partition(".")[2]
        return Finding(
            ts=obs.ts,
            rule=self.config.rule_id,
            kind=self.config.kind,
            severity=self.config.severity,
            subject=obs.entity,
            summary=f"{self.what} {'over' if cleared else ''} in {room}".replace("  ", " "),
            evidence=(f"{obs.entity} = {obs.value} from {obs.source}",),
            cleared=cleared,
        )
