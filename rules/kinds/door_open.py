"""door_open: a door left open for too long; all clear when it closes.

    - kind: door_open
      id: haustuer_offen
      door: contact.front_door   # the default; any contact.* entity (balcony door, window)
      duration: 10m              # the default
      active: {start: "22:00", end: "07:00"}   # optional; without it, at any time
      severity: warning          # the default

A door that is still open when the `active` time begins is reported then, with the time it
has been open: it was left open before the watch began, and still is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from hub.config.problems import ConfigValueError
from hub.config.units import Duration, format_duration
from hub.model import Capability, Deadline, Entity, EntityId, Observation, Severity
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.context import RuleContext
from rules.windows import next_active

DUE = "due"

RAISED = {
    "de": "{door} seit {since} offen ({span})",
    "en": "{door} open since {since} ({span})",
}
CLOSED = {
    "de": "{door} um {time} geschlossen (war {span} offen)",
    "en": "{door} closed at {time} (was open for {span})",
}


def parse_contact(value: Any) -> str:
    """A door or window entity: `contact.front_door`."""
    try:
        entity = EntityId.parse(value) if isinstance(value, str) else None
    except ValueError as e:
        raise ConfigValueError(
            str(e), expected="a door's entity, e.g. contact.front_door"
        ) from None
    if entity is None or entity.capability is not Capability.CONTACT:
        raise ConfigValueError(
            f"'{value}' is not a door",
            expected="a door's entity, e.g. contact.front_door",
            hint="`obhut entities` lists the flat's contact.* entities",
        )
    return str(entity)


Contact = Annotated[str, BeforeValidator(parse_contact)]


class Config(RuleConfig):
    kind: Literal["door_open"] = "door_open"
    door: Contact = "contact.front_door"
    duration: Duration = timedelta(minutes=10)
    severity: Severity = Severity.WARNING


def door_name(door: str, ctx: RuleContext) -> str:
    entity = ctx.entities.get(door)
    return entity.name if entity is not None else door


class Rule(BaseRule):
    """A deadline from the moment the door opens; closing it takes the deadline back."""

    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._open_since: datetime | None = None
        self._alerted = False

    def wants(self, entity: Entity) -> bool:
        return entity.id == self.config.door

    def start(self, ctx: RuleContext, now: datetime) -> None:
        pending = ctx.pending(DUE)
        if pending is not None:  # a restart while the door stood open
            self._open_since = datetime.fromisoformat(pending.data["since"])

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if obs.value:
            if self._open_since is None:  # a repeated "open" report does not restart it
                self._open_since = obs.ts
                self._alerted = False
                ctx.at(DUE, obs.ts + self.config.duration, {"since": obs.ts.isoformat()})
            return
        since, self._open_since = self._open_since, None
        ctx.cancel(DUE)
        if since is None or not self._alerted:
            return
        self._alerted = False
        room = ctx.entity_room(self.config.door)
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"{self.config.door} closed after {format_duration(obs.ts - since)}",
                explanation=ctx.say(
                    CLOSED,
                    door=door_name(self.config.door, ctx),
                    time=ctx.clock(obs.ts),
                    span=ctx.duration(obs.ts - since),
                ),
                entity=self.config.door,
                room=room,
                cleared=True,
            )
        )

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        since = datetime.fromisoformat(deadline.data["since"])
        self._open_since = since
        later = next_active(self.config.active, deadline.due, ctx.tz)
        if later is not None:  # not watched now: report it when the watch begins
            ctx.at(DUE, later, {"since": since.isoformat()})
            return
        self._alerted = True
        span = deadline.due - since
        ctx.emit(
            self.finding(
                ctx,
                deadline.due,
                summary=f"{self.config.door} open for {format_duration(span)}",
                explanation=ctx.say(
                    RAISED,
                    door=door_name(self.config.door, ctx),
                    since=ctx.clock(since),
                    span=ctx.duration(span),
                ),
                entity=self.config.door,
                room=ctx.entity_room(self.config.door),
                evidence=(f"{self.config.door} open since {since.isoformat()}",),
                data={"since": since.isoformat()},
            )
        )
