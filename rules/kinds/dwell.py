"""dwell: the last activity is in one room for too long, with nothing anywhere else.

    - kind: dwell
      id: bad_sturz
      room: bad            # the room to watch (required)
      duration: 45m        # how long a stay there may last (required)
      pre_alert: 5m        # the default: ask on the tablet first
      severity: urgent     # the default

The pattern of a fall: someone went into the bathroom and nothing has moved anywhere else
since. The stay counts from entering the room (its first activity after activity elsewhere),
not from the latest movement there, because a person who fell may still move an arm. It ends
with a sign of life anywhere else: motion, presence or a bed in another room, any door or
window contact (the front door too), a check-in on the tablet. A sensor going quiet is no
sign of anything: a still person looks exactly like that. With `active`, a stay that is
still going when the active time begins is reported then.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from hub.config.units import Duration, Slug, format_duration
from hub.model import Capability, Deadline, Entity, Observation, Severity
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.context import RuleContext
from rules.windows import next_active

C = Capability
DUE = "due"

RAISED = {
    "de": "Seit {since} ({span}) im Raum {room}, sonst keine Bewegung in der Wohnung",
    "en": "In {room} since {since} ({span}), no movement anywhere else in the flat",
}
LEFT = {
    "de": "Raum {room} verlassen: Bewegung um {time} ({where})",
    "en": "Left {room}: movement at {time} ({where})",
}


class Config(RuleConfig):
    kind: Literal["dwell"] = "dwell"
    room: Slug
    duration: Duration
    pre_alert: Duration | None = timedelta(minutes=5)
    severity: Severity = Severity.URGENT


# Readings that mean a person is there when they turn on; contacts count on any change.
_ON = frozenset({C.MOTION, C.PRESENCE, C.BED_OCCUPANCY, C.CHECK_IN})
_ANY_CHANGE = frozenset({C.CONTACT})


class Rule(BaseRule):
    """Arms one deadline on entering the room; any activity elsewhere takes it back."""

    listens_to = _ON | _ANY_CHANGE
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._entered: datetime | None = None  # when the current stay in the room began
        self._last_here: datetime | None = None
        self._alerted = False

    def wants(self, entity: Entity) -> bool:
        # The whole flat matters: activity elsewhere is what ends a stay (BaseRule would
        # narrow the index to `room`).
        return entity.capability in self.listens_to

    def start(self, ctx: RuleContext, now: datetime) -> None:
        # After a restart the stay lives on in its deadline; without one, nobody is known
        # to be in the room, and the next activity there starts a stay.
        pending = ctx.pending(DUE)
        if pending is not None:
            self._entered = datetime.fromisoformat(pending.data["since"])

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if obs.capability in _ON and not obs.value:
            return
        room = ctx.entity_room(obs.entity)
        if room == self.config.room:
            self._last_here = obs.ts
            if self._entered is None:
                self._entered = obs.ts
                self._alerted = False
                ctx.at(DUE, obs.ts + self.config.duration, {"since": obs.ts.isoformat()})
            return
        if self._entered is None:
            return
        ctx.cancel(DUE)
        if self._alerted:
            ctx.emit(
                self.finding(
                    ctx,
                    obs.ts,
                    summary=f"activity outside {self.config.room} again ({obs.entity})",
                    explanation=ctx.say(
                        LEFT,
                        room=ctx.room_name(self.config.room),
                        time=ctx.clock(obs.ts),
                        where=self._where(obs.entity, room, ctx),
                    ),
                    room=self.config.room,
                    entity=obs.entity,
                    cleared=True,
                )
            )
        self._entered = None
        self._last_here = None
        self._alerted = False

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        since = datetime.fromisoformat(deadline.data["since"])
        self._entered = since
        later = next_active(self.config.active, deadline.due, ctx.tz)
        if later is not None:  # not watched now: if she is still there, say so when it begins
            ctx.at(DUE, later, {"since": since.isoformat()})
            return
        self._alerted = True
        span = deadline.due - since
        evidence = [f"entered {self.config.room} {since.isoformat()}"]
        if self._last_here is not None:
            evidence.append(f"last activity there {self._last_here.isoformat()}")
        ctx.emit(
            self.finding(
                ctx,
                deadline.due,
                summary=f"only in {self.config.room} for {format_duration(span)}",
                explanation=ctx.say(
                    RAISED,
                    since=ctx.clock(since),
                    span=ctx.duration(span),
                    room=ctx.room_name(self.config.room),
                ),
                room=self.config.room,
                evidence=tuple(evidence),
                data={"since": since.isoformat()},
            )
        )

    @staticmethod
    def _where(entity_id: str, room: str | None, ctx: RuleContext) -> str:
        if room is not None:
            return ctx.room_name(room)
        entity = ctx.entities.get(entity_id)
        return entity.name if entity is not None else entity_id
