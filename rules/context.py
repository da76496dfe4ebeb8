"""What a rule may touch (RuleContext), and what the engine asks of a rule and of the state
rules share (Rule, Shared): the rules' side of rules/engine.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from hub.entities import EntityRegistry
from hub.model import Action, Deadline, Entity, Finding, Observation
from hub.scheduler import Calendar, Scheduler
from rules import explain
from rules.config import RuleConfig

DEADLINE_KIND = "rule"
SHARED_KIND = "shared"  # the deadlines of state the rules share


class Rule(Protocol):
    config: RuleConfig

    def wants(self, entity: Entity) -> bool: ...

    def start(self, ctx: RuleContext, now: datetime) -> None: ...

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None: ...

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None: ...


class Shared(Protocol):
    """State the rules of one engine share: fed like a rule, before the rules, and finds nothing."""

    def wants(self, entity: Entity) -> bool: ...

    def start(self, ctx: RuleContext, now: datetime) -> None: ...

    def stop(self, ctx: RuleContext) -> None: ...

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None: ...

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None: ...


@dataclass
class RuleContext:
    """What a rule may touch: its deadlines, what the flat looks like now, and its outlets."""

    rule_id: str
    scheduler: Scheduler
    entities: EntityRegistry
    tz: ZoneInfo
    lang: str
    rooms: dict[str, str]  # id → the name people use
    state: dict[str, Observation]  # the latest observation of every entity
    emit: Callable[[Finding], None]
    act: Callable[[Action], None]
    share: Callable[[str, Callable[[], Shared], datetime], Shared] | None = None

    @property
    def label(self) -> str:
        """Who this is, for the log."""
        return f"rule {self.rule_id}"

    def key(self, name: str) -> str:
        return f"rule:{self.rule_id}:{name}"

    def shared(self, key: str, factory: Callable[[], Shared], now: datetime) -> Shared:
        """The engine's state under `key`, made by `factory` and started at `now` if no rule of
        this configuration has asked for it yet; the same object for every rule that asks."""
        if self.share is None:
            raise RuntimeError(f"{self.label} has no engine to share state with")
        return self.share(key, factory, now)

    def at(self, name: str, due: datetime, data: dict[str, Any] | None = None) -> None:
        payload = {"rule": self.rule_id, "name": name, **(data or {})}
        self.scheduler.at(self.key(name), due, DEADLINE_KIND, payload)

    def every(self, name: str, calendar: Calendar, data: dict[str, Any] | None = None) -> None:
        payload = {"rule": self.rule_id, "name": name, **(data or {})}
        self.scheduler.every(self.key(name), calendar, DEADLINE_KIND, payload)

    def cancel(self, name: str) -> None:
        self.scheduler.cancel(self.key(name))

    def pending(self, name: str) -> Deadline | None:
        return self.scheduler.get(self.key(name))

    def pending_named(self, prefix: str) -> list[Deadline]:
        """The pending deadlines whose names begin with `prefix` (one per day, say)."""
        start = self.key(prefix)
        return [d for d in self.scheduler.pending() if d.key.startswith(start)]

    def room_name(self, room: str | None) -> str:
        if room is None:
            return "?"
        return self.rooms.get(room, room)

    def entity_room(self, entity_id: str) -> str | None:
        entity = self.entities.get(entity_id)
        if entity is not None:
            return entity.room
        return None

    def say(self, texts: explain.Texts, **fields: object) -> str:
        return explain.say(texts, self.lang, **fields)

    def clock(self, ts: datetime) -> str:
        return explain.clock(ts, self.tz)

    def duration(self, span: timedelta) -> str:
        return explain.duration(span, self.lang)


class SharedContext(RuleContext):
    """A shared state's context: deadlines `shared:<key>:<name>` of their own kind."""

    @property
    def label(self) -> str:
        return f"shared state {self.rule_id}"

    def key(self, name: str) -> str:
        return f"shared:{self.rule_id}:{name}"

    def at(self, name: str, due: datetime, data: dict[str, Any] | None = None) -> None:
        payload = {"shared": self.rule_id, "name": name, **(data or {})}
        self.scheduler.at(self.key(name), due, SHARED_KIND, payload)

    def every(self, name: str, calendar: Calendar, data: dict[str, Any] | None = None) -> None:
        payload = {"shared": self.rule_id, "name": name, **(data or {})}
        self.scheduler.every(self.key(name), calendar, SHARED_KIND, payload)
