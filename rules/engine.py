"""The rules engine: observations and deadlines in, findings and actions out.

It never sends a message or touches a device: findings go to alerting, actions to whoever
drives the devices, both over the bus. Rules are a pure function of their configuration,
the observations and the clock.

Rules of one engine may share state that is costly to keep once per rule (the routine rules
share the resident's days): `ctx.shared(key, factory, now)` gives every rule that asks the
same `Shared` object. The engine feeds it each observation it wants once, before the rules;
its deadlines are its own (`shared:<key>:<name>`), it saves itself before a reload as rules
do, and its deadlines are dropped when no rule of the new configuration asks for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.bus import Bus
from hub.entities import EntityRegistry
from hub.model import Deadline, Entity, EntityId, Finding, Observation
from hub.scheduler import Scheduler
from rules.config import RuleConfig
from rules.context import (
    DEADLINE_KIND,
    SHARED_KIND,
    Rule,
    RuleContext,
    Shared,
    SharedContext,
)
from rules.windows import active_at

log = logging.getLogger(__name__)


def _no_findings(finding: Finding) -> None:
    raise TypeError(f"shared state finds nothing; a rule does ({finding.summary})")


RuleFactory = Callable[[RuleConfig], Rule]
# What an observation of an entity is handed to: shared state first, then the rules
Watcher = tuple[Callable[[Observation, RuleContext], None], RuleContext]


@dataclass
class _Running:
    rule: Rule
    ctx: RuleContext
    quiet_until: dict[str, datetime] = field(default_factory=dict)


@dataclass
class _Sharing:
    state: Shared
    ctx: RuleContext


class Engine:
    """Routes each observation to the rules that watch its entity, through an index."""

    def __init__(
        self,
        bus: Bus,
        scheduler: Scheduler,
        entities: EntityRegistry,
        tz: ZoneInfo,
        factories: dict[str, RuleFactory],
        lang: str = "de",
        rooms: dict[str, str] | None = None,
    ) -> None:
        self._bus = bus
        self._scheduler = scheduler
        self._entities = entities
        self._tz = tz
        self._lang = lang
        self._rooms = rooms or {}
        self._factories = factories
        self._rules: dict[str, _Running] = {}
        self._shared: dict[str, _Sharing] = {}
        # entity id → the shared state and rules that watch it; filled as entities are first seen
        self._index: dict[str, tuple[Watcher, ...]] = {}
        self.state: dict[str, Observation] = {}
        self.findings = 0
        scheduler.on(DEADLINE_KIND, self._on_deadline)
        scheduler.on(SHARED_KIND, self._on_shared_deadline)
        bus.subscribe(Observation, self._on_observation)

    def load(
        self,
        configs: Sequence[RuleConfig],
        now: datetime,
        entities: EntityRegistry | None = None,
        rooms: dict[str, str] | None = None,
        lang: str | None = None,
    ) -> None:
        """Replace the running rules; deadlines of rules that no longer exist are dropped."""
        if entities is not None:
            self._entities = entities
        if rooms is not None:
            self._rooms = rooms
        if lang is not None:
            self._lang = lang
        keep = {c.rule_id for c in configs if c.enabled}
        stopping: list[tuple[object, RuleContext]] = [(r.rule, r.ctx) for r in self._rules.values()]
        stopping += [(s.state, s.ctx) for s in self._shared.values()]
        for rule, ctx in stopping:
            stop = getattr(rule, "stop", None)
            if stop is None:
                continue
            try:  # what saves its memory now and then saves it now, for its successor
                stop(ctx)
            except Exception:
                log.exception("%s failed to save its state", ctx.label)
        for deadline in self._scheduler.pending():
            if deadline.kind == DEADLINE_KIND and deadline.data.get("rule") not in keep:
                self._scheduler.cancel(deadline.key)
        self._rules.clear()
        self._shared.clear()  # made again, from what it saved, by the first rule that asks
        self._index.clear()
        for config in configs:
            if not config.enabled:
                continue
            rule = self._factories[config.kind](config)
            running = _Running(rule, self._context(config))
            self._rules[config.rule_id] = running
            rule.start(running.ctx, now)
        for deadline in self._scheduler.pending():  # shared state no rule asked for any more
            if deadline.kind == SHARED_KIND and deadline.data.get("shared") not in self._shared:
                self._scheduler.cancel(deadline.key)

    def _context(self, config: RuleConfig) -> RuleContext:
        rid = config.rule_id

        def emit(finding: Finding) -> None:
            self._emit(rid, finding)

        return RuleContext(
            rid,
            self._scheduler,
            self._entities,
            self._tz,
            self._lang,
            self._rooms,
            self.state,
            emit,
            self._bus.publish,
            self._share,
        )

    def _share(self, key: str, factory: Callable[[], Shared], now: datetime) -> Shared:
        sharing = self._shared.get(key)
        if sharing is None:
            ctx = SharedContext(
                key,
                self._scheduler,
                self._entities,
                self._tz,
                self._lang,
                self._rooms,
                self.state,
                _no_findings,
                self._bus.publish,
            )
            sharing = _Sharing(factory(), ctx)
            sharing.state.start(ctx, now)
            self._shared[key] = sharing
            self._index.clear()  # it watches entities too
        return sharing.state

    def shared(self, key: str) -> Shared | None:
        """The state the rules share under `key` (for learning, and pages that show it)."""
        sharing = self._shared.get(key)
        return None if sharing is None else sharing.state

    @property
    def rule_ids(self) -> list[str]:
        return list(self._rules)

    def rule(self, rule_id: str) -> Rule | None:
        """The running rule with this id (for pages that show what a rule has learned)."""
        running = self._rules.get(rule_id)
        return None if running is None else running.rule

    def learn(self, key: str, history: object) -> bool:
        """Hand shared state that learns (the routine's days) history it did not see; False if
        there is none under `key` now (a reload while the history was read) or it failed."""
        sharing = self._shared.get(key)
        learn = getattr(sharing.state, "learn", None) if sharing is not None else None
        if sharing is None or learn is None:
            return False
        try:
            learn(history, sharing.ctx)
        except Exception:
            log.exception("%s failed to learn from history", sharing.ctx.label)
            return False
        return True

    def _watchers(self, entity_id: str) -> tuple[Watcher, ...]:
        entity = self._entities.get(entity_id)
        if entity is None:  # not from this flat's devices (a replay of another home's log)
            try:
                parsed = EntityId.parse(entity_id)
            except ValueError:
                return ()
            entity = Entity(entity_id, parsed.capability, entity_id)
        shared = [
            (s.state.on_observation, s.ctx) for s in self._shared.values() if s.state.wants(entity)
        ]
        rules = [
            (r.rule.on_observation, r.ctx) for r in self._rules.values() if r.rule.wants(entity)
        ]
        watchers: tuple[Watcher, ...] = (*shared, *rules)
        self._index[entity_id] = watchers
        return watchers

    def _on_observation(self, obs: Observation) -> None:
        self.state[obs.entity] = obs
        watchers = self._index.get(obs.entity)
        if watchers is None:
            watchers = self._watchers(obs.entity)
        for feed, ctx in watchers:
            try:
                feed(obs, ctx)
            except Exception:
                log.exception("%s failed on %s", ctx.label, obs.entity)

    def _on_deadline(self, deadline: Deadline) -> None:
        running = self._rules.get(str(deadline.data.get("rule")))
        if running is None:
            return
        try:
            running.rule.on_deadline(deadline, running.ctx)
        except Exception:
            log.exception("rule %s failed at its deadline %s", running.ctx.rule_id, deadline.key)

    def _on_shared_deadline(self, deadline: Deadline) -> None:
        sharing = self._shared.get(str(deadline.data.get("shared")))
        if sharing is None:
            return
        try:
            sharing.state.on_deadline(deadline, sharing.ctx)
        except Exception:
            log.exception("%s failed at its deadline %s", sharing.ctx.label, deadline.key)

    def _emit(self, rule_id: str, finding: Finding) -> None:
        running = self._rules.get(rule_id)
        if running is not None and not finding.cleared:
            config = running.rule.config
            if not active_at(config.active, finding.ts, self._tz):
                log.debug("%s: outside its active time, not raised: %s", rule_id, finding.summary)
                return
            if config.cooldown is not None:
                quiet = running.quiet_until.get(finding.subject)
                if quiet is not None and finding.ts < quiet:
                    log.debug("%s: cooling down, not raised: %s", rule_id, finding.summary)
                    return
                running.quiet_until[finding.subject] = finding.ts + config.cooldown
        self.findings += 1
        self._bus.publish(finding)
