"""inactivity: no sign of life in the flat (or given rooms) for a while, within a time window.

Suspended while the resident is away (the front door, then no movement inside; or "Away"
on the tablet) and, if asked, during the sleep window.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from hub.config.units import Bool, Duration, Slug, format_duration
from hub.model import Capability, Deadline, Entity, Observation, Severity
from rules.base import BaseRule
from rules.config import RuleConfig, TimeWindow
from rules.context import RuleContext
from rules.windows import contains, due_within

C = Capability
TICK = "due"
AWAY_CHECK = "away_check"
# After the front door closes with nobody moving inside for this long, the resident is out.
AWAY_AFTER = timedelta(minutes=10)
LEAVING = timedelta(minutes=15)  # from pressing "Away" to the door
DOOR_SHUT = timedelta(minutes=2)  # the hall sensor still sees her as the door shuts

RAISED = {
    "de": "Keine Bewegung seit {since} ({span}), zuletzt in {last}",
    "en": "No movement since {since} ({span}), last in {last}",
}
CLEARED = {
    "de": "Wieder Bewegung um {time} in {room}",
    "en": "Movement again at {time} in {room}",
}


class Config(RuleConfig):
    kind: Literal["inactivity"] = "inactivity"
    rooms: tuple[Slug, ...] = ()  # empty: the whole flat
    duration: Duration
    window: TimeWindow | None = None  # only time inside this window counts
    sleep: TimeWindow | None = None  # not watched while the resident sleeps (if given)
    pre_alert: Duration | None = timedelta(minutes=5)
    severity: Severity = Severity.URGENT
    suspend_when_away: Bool = True


_SIGN_OF_LIFE = frozenset({C.MOTION, C.PRESENCE, C.CHECK_IN, C.BED_OCCUPANCY, C.POWER})
_ANY_CHANGE = frozenset({C.CONTACT})


class Rule(BaseRule):
    """Arms a deadline at each sign of life; when it fires, the flat was still too long."""

    listens_to = _SIGN_OF_LIFE | _ANY_CHANGE | {C.AWAY}
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._alerted_since: datetime | None = None
        self._last_room: str | None = None
        self._away = False
        # After "Away" is pressed she still walks to the door: signs of life until then
        # (and for a moment after the door shuts) are her leaving, not her coming back.
        self._leaving_until: datetime | None = None

    def wants(self, entity: Entity) -> bool:
        if entity.capability is C.AWAY or entity.id == "contact.front_door":
            return True  # being out is about the whole flat, whatever rooms are watched
        return super().wants(entity)

    def start(self, ctx: RuleContext, now: datetime) -> None:
        if ctx.pending(TICK) is None and ctx.pending(AWAY_CHECK) is None:
            self._arm(ctx, now, now)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        cap = obs.capability
        if cap is C.AWAY:
            self._leaving_until = obs.ts + LEAVING if obs.value else None
            self._set_away(bool(obs.value), obs.ts, ctx)
            return
        room = ctx.entity_room(obs.entity)
        in_scope = not self.config.rooms or room in self.config.rooms
        if obs.entity == "contact.front_door" and self.config.suspend_when_away:
            leaving = self._leaving_until is not None and obs.ts <= self._leaving_until
            if obs.value is False and leaving:
                self._leaving_until = obs.ts + DOOR_SHUT  # she has just gone
            elif obs.value is False:  # the door shut: if nobody moves inside now, she went out
                ctx.at(AWAY_CHECK, obs.ts + AWAY_AFTER, {"since": obs.ts.isoformat()})
            if not in_scope:
                return
        if cap in (C.MOTION, C.PRESENCE) and not obs.value:
            # A sensor going quiet marks the last moment someone moved: count from there,
            # but it is no sign of life that could end an alert.
            if in_scope and self._alerted_since is None and not self._away:
                self._arm(ctx, obs.ts, obs.ts)
            return
        if cap in (C.CHECK_IN, C.BED_OCCUPANCY, C.POWER) and not obs.value:
            return
        if cap is C.POWER and isinstance(obs.value, float) and obs.value < 5:
            return  # a fridge's standby is not the resident
        if obs.entity != "contact.front_door":
            ctx.cancel(AWAY_CHECK)  # someone is inside
        if self._away and obs.entity != "contact.front_door":
            if self._leaving_until is not None and obs.ts <= self._leaving_until:
                return  # on her way out
            self._leaving_until = None
            self._set_away(False, obs.ts, ctx)
        if not in_scope:
            return
        self._last_room = room
        if self._alerted_since is not None:
            ctx.emit(
                self.finding(
                    ctx,
                    obs.ts,
                    summary=f"activity again in {self._where()} ({obs.entity})",
                    explanation=ctx.say(CLEARED, time=ctx.clock(obs.ts), room=ctx.room_name(room)),
                    subject=self._where(),
                    entity=obs.entity,
                    room=room,
                    cleared=True,
                )
            )
            self._alerted_since = None
        self._arm(ctx, obs.ts, obs.ts)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        since = datetime.fromisoformat(deadline.data["since"])
        if deadline.data["name"] == AWAY_CHECK:
            self._set_away(True, deadline.due, ctx)
            return
        if self._away:
            return
        if self.config.sleep is not None and contains(deadline.due, self.config.sleep, ctx.tz):
            self._arm(ctx, since, deadline.due)  # asleep: look again when the night is over
            return
        self._alerted_since = since
        span = deadline.due - since
        last = deadline.data.get("room") or self._last_room
        ctx.emit(
            self.finding(
                ctx,
                deadline.due,
                summary=f"no activity in {self._where()} for {format_duration(span)}",
                explanation=ctx.say(
                    RAISED,
                    since=ctx.clock(since),
                    span=ctx.duration(deadline.due - since),
                    last=ctx.room_name(last) if last else "?",
                ),
                subject=self._where(),
                room=self.config.rooms[0] if len(self.config.rooms) == 1 else None,
                evidence=(f"last activity {since.isoformat()}",),
                data={"since": since.isoformat()},
            )
        )

    def _set_away(self, away: bool, ts: datetime, ctx: RuleContext) -> None:
        if away == self._away:
            return
        self._away = away
        if away:
            ctx.cancel(TICK)  # nobody home: nothing to miss
        else:
            self._arm(ctx, ts, ts)

    def _arm(self, ctx: RuleContext, since: datetime, now: datetime) -> None:
        start = since
        if self.config.sleep is not None and contains(now, self.config.sleep, ctx.tz):
            from rules.windows import occurrence

            start = max(since, occurrence(now, self.config.sleep, ctx.tz)[1])
        due = due_within(start, self.config.duration, self.config.window, ctx.tz)
        data = {"since": since.isoformat()}
        if self._last_room:
            data["room"] = self._last_room
        ctx.at(TICK, due, data)

    def _where(self) -> str:
        return ", ".join(self.config.rooms) if self.config.rooms else "flat"
