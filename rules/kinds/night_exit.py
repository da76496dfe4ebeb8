"""night_exit: the front door opens at night (and, if asked, nobody comes back soon).

    - kind: night_exit
      id: nachts_raus
      door: contact.front_door                  # the default
      window: {start: "23:00", end: "06:00"}    # the default
      unless_back_within: 15m   # optional: alert only if nobody is back inside by then
      severity: urgent          # the default; no pre-alert: she may not be at the tablet

Without `unless_back_within` the opening itself is the finding. With it, the rule waits that
long from the first opening and alerts only if there was no sign of life inside since: motion
or presence in a room, a bed occupied, a check-in on the tablet. Just after the door opens or
closes, motion in the door's own room is the resident walking out, not coming back; it counts
from `SETTLE` after the door's last change. After an alert, the first sign of life inside
clears it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal

from hub.config.units import Duration
from hub.model import Capability, Deadline, Entity, Observation, Severity
from rules.base import BaseRule
from rules.config import RuleConfig, TimeWindow
from rules.context import RuleContext
from rules.kinds.door_open import Contact, door_name
from rules.windows import active_at, contains, occurrence

C = Capability
DUE = "due"
# A motion sensor by the door still reports the resident on her way out for this long.
SETTLE = timedelta(seconds=60)

OPENED = {
    "de": "{door} um {time} geöffnet",
    "en": "{door} opened at {time}",
}
NOT_BACK = {
    "de": "{door} um {time} geöffnet, seitdem keine Rückkehr ({span})",
    "en": "{door} opened at {time}, no return since ({span})",
}
BACK = {
    "de": "Wieder Bewegung in der Wohnung um {time} ({where})",
    "en": "Movement in the flat again at {time} ({where})",
}

_INSIDE = frozenset({C.MOTION, C.PRESENCE, C.BED_OCCUPANCY, C.CHECK_IN})


class Config(RuleConfig):
    kind: Literal["night_exit"] = "night_exit"
    door: Contact = "contact.front_door"
    window: TimeWindow = TimeWindow(start=time(23, 0), end=time(6, 0))
    unless_back_within: Duration | None = None
    severity: Severity = Severity.URGENT


class Rule(BaseRule):
    """Watches the door, and signs of life inside while someone may be out."""

    listens_to = _INSIDE
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._opened: datetime | None = None  # the opening being watched
        self._door_changed: datetime | None = None
        self._alerted = False

    def wants(self, entity: Entity) -> bool:
        return entity.id == self.config.door or entity.capability in _INSIDE

    def start(self, ctx: RuleContext, now: datetime) -> None:
        pending = ctx.pending(DUE)
        if pending is not None:  # a restart while someone may be out
            self._opened = datetime.fromisoformat(pending.data["opened"])
            self._door_changed = self._opened

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if obs.entity == self.config.door:
            self._door_changed = obs.ts
            if obs.value and (self._opened is None or self._another_night(obs.ts, ctx)):
                self._on_open(obs.ts, ctx)
            return
        if self._opened is None or not obs.value or not self._is_inside(obs, ctx):
            return
        ctx.cancel(DUE)
        self._opened = None
        if not self._alerted:
            return
        self._alerted = False
        room = ctx.entity_room(obs.entity)
        entity = ctx.entities.get(obs.entity)
        where = ctx.room_name(room) if room else entity.name if entity else obs.entity
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"back inside after a night exit ({obs.entity})",
                explanation=ctx.say(BACK, time=ctx.clock(obs.ts), where=where),
                entity=self.config.door,
                room=ctx.entity_room(self.config.door),
                cleared=True,
                evidence=(f"{obs.entity} = {obs.value}",),
            )
        )

    def _on_open(self, ts: datetime, ctx: RuleContext) -> None:
        if not contains(ts, self.config.window, ctx.tz):
            return
        self._opened = ts
        wait = self.config.unless_back_within
        if wait is None:
            self._raise(ts, ts, ctx)
        else:
            ctx.at(DUE, ts + wait, {"opened": ts.isoformat()})

    def _another_night(self, ts: datetime, ctx: RuleContext) -> bool:
        """An opening in a later window than the one watched: a new exit, whatever came before."""
        assert self._opened is not None
        return self._opened < occurrence(ts, self.config.window, ctx.tz)[0]

    def _is_inside(self, obs: Observation, ctx: RuleContext) -> bool:
        """Whether this sign of life is someone inside, not the resident going out."""
        assert self._opened is not None
        if obs.ts <= self._opened:
            return False
        room = ctx.entity_room(obs.entity)
        by_door = room is not None and room == ctx.entity_room(self.config.door)
        changed = self._door_changed or self._opened
        return not by_door or obs.ts - changed >= SETTLE

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        opened = datetime.fromisoformat(deadline.data["opened"])
        self._opened = opened
        self._raise(opened, deadline.due, ctx)

    def _raise(self, opened: datetime, now: datetime, ctx: RuleContext) -> None:
        if not active_at(self.config.active, now, ctx.tz):
            self._opened = None  # not watched now (`active`): the exit is let go
            return
        self._alerted = True
        door = door_name(self.config.door, ctx)
        if now > opened:
            text = ctx.say(
                NOT_BACK, door=door, time=ctx.clock(opened), span=ctx.duration(now - opened)
            )
            summary = f"{self.config.door} opened at night, nobody back since"
        else:
            text = ctx.say(OPENED, door=door, time=ctx.clock(opened))
            summary = f"{self.config.door} opened at night"
        ctx.emit(
            self.finding(
                ctx,
                now,
                summary=summary,
                explanation=text,
                entity=self.config.door,
                room=ctx.entity_room(self.config.door),
                evidence=(f"{self.config.door} opened {opened.isoformat()}",),
                data={"opened": opened.isoformat()},
            )
        )
