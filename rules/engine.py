"""The rules engine: observations and deadlines in, findings out; it never sends a message."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from hub.bus import Bus
from hub.entities import EntityRegistry
from hub.model import Capability, Deadline, Finding, Observation
from hub.scheduler import Scheduler
from rules.config import RuleConfig

log = logging.getLogger(__name__)

DEADLINE_KIND = "rule"


class Rule(Protocol):
    config: RuleConfig
    # The capabilities whose observations this rule wants to see.
    listens_to: frozenset[Capability]

    def start(self, ctx: RuleContext, now: datetime) -> None: ...

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None: ...

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None: ...


@dataclass
class RuleContext:
    """What a rule may touch: its own deadlines, the entity registry, and the finding outlet."""

    rule_id: str
    scheduler: Scheduler
    entities: EntityRegistry
    tz: ZoneInfo
    emit: Callable[[Finding], None]

    def key(self, name: str) -> str:
        return f"rule:{self.rule_id}:{name}"

    def at(self, name: str, due: datetime, data: dict[str, Any] | None = None) -> None:
        payload = {"rule": self.rule_id, "name": name, **(data or {})}
        self.scheduler.at(self.key(name), due, DEADLINE_KIND, payload)

    def cancel(self, name: str) -> None:
        self.scheduler.cancel(self.key(name))

    def pending(self, name: str) -> Deadline | None:
        return self.scheduler.get(self.key(name))


RuleFactory = Callable[[RuleConfig], Rule]


class Engine:
    """Routes each observation to the rules that listen to its capability."""

    def __init__(
        self,
        bus: Bus,
        scheduler: Scheduler,
        entities: EntityRegistry,
        tz: ZoneInfo,
        factories: dict[str, RuleFactory],
    ) -> None:
        self._bus = bus
        self._scheduler = scheduler
        self._entities = entities
        self._tz = tz
        self._factories = factories
        self._rules: dict[str, tuple[Rule, RuleContext]] = {}
        self._routes: defaultdict[Capability, list[tuple[Rule, RuleContext]]] = defaultdict(list)
        self.findings = 0
        scheduler.on(DEADLINE_KIND, self._on_deadline)
        bus.subscribe(Observation, self._on_observation)

    def load(
        self, configs: Sequence[RuleConfig], now: datetime, entities: EntityRegistry | None = None
    ) -> None:
        """Replace the running rules; deadlines of rules that no longer exist are dropped."""
        if entities is not None:
            self._entities = entities
        keep = {c.rule_id for c in configs if c.enabled}
        for deadline in self._scheduler.pending():
            if deadline.kind == DEADLINE_KIND and deadline.data.get("rule") not in keep:
                self._scheduler.cancel(deadline.key)
        self._rules.clear()
        self._routes.clear()
        for config in configs:
            if not config.enabled:
                continue
            rule = self._factories[config.kind](config)
            ctx = RuleContext(config.rule_id, self._scheduler, self._entities, self._tz, self._emit)
            self._rules[config.rule_id] = (rule, ctx)
            for cap in rule.listens_to:
                self._routes[cap].append((rule, ctx))
            rule.start(ctx, now)

    @property
    def rule_ids(self) -> list[str]:
        return list(self._rules)

    def _emit(self, finding: Finding) -> None:
        self.findings += 1
        self._bus.publish(finding)

    def _on_observation(self, obs: Observation) -> None:
        routes = self._routes.get(obs.capability)
        if not routes:
            return
        for rule, ctx in routes:
            try:
                rule.on_observation(obs, ctx)
            except Exception:
                log.exception("rule %s failed on %s", ctx.rule_id, obs.entity)

    def _on_deadline(self, deadline: Deadline) -> None:
        entry = self._rules.get(str(deadline.data.get("rule")))
        if entry is None:
            return
        rule, ctx = entry
        rule.on_deadline(deadline, ctx)
