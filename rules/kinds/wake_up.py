"""wake_up: no sign of getting up in the morning by a set time, per weekday.

    - kind: wake_up
      id: aufstehen
      by: "10:00"                  # or per weekday: {mon: "09:00", sat: "10:30"}
      weekdays: [mon, tue, wed, thu, fri]   # default: every day (not with a per-weekday `by`)
      rooms: [kueche, bad]         # default: the whole flat
      since: "05:00"               # default; a sign of life before it is the night, not getting up
      pre_alert: 5m                # default: the tablet asks for 5 minutes before anyone is called
      suspend_when_away: true      # default

Getting up is: motion, a presence sensor turning on, a door, window or fridge opening or
closing, an appliance switched on (power rising to 5 W or more) in the watched rooms; and,
wherever they are, leaving the bed, "I'm OK" and a confirmed reminder on the tablet. A trip to
the bathroom in the night, before `since`, does not count. If the bedroom's motion sensor sees
the bed (turning over sets it off), leave the bedroom out of `rooms`: leaving the bed still counts.

Suspended while the resident is away: "Away" pressed on the tablet (until "Back" or a sign of
life at home a while after leaving), or the front door closed and nobody moving inside for 10
minutes after it, since the evening or whenever. The first sign of getting up clears the alert.

What the rule knows between mornings (woken up, alert open, away) travels in the data of its
calendar deadlines, so a restart does not forget that she was up at 07:00.
The helpers it shares with check_in and reminder (daily deadlines with that memo, the away
tracker, "gestern 22:10") are in rules/daily.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any, Literal

from hub.config.units import Duration, Slug, TimeOfDay
from hub.model import Deadline, Entity, Observation, Severity
from rules.base import BaseRule
from rules.context import RuleContext
from rules.daily import (
    AWAY_CHECK,
    FRONT_DOOR,
    Away,
    C,
    Daily,
    DailyConfig,
    SignsOfLife,
    daily_times,
    day_start,
    iso,
    parse,
    when,
)

log = logging.getLogger(__name__)

RAISED = {
    "de": "Bis {by} keine Bewegung heute früh{last}",
    "en": "No movement this morning by {by}{last}",
}
LAST = {"de": " (zuletzt {when}{where})", "en": " (last {when}{where})"}
CLEARED = {"de": "Lebenszeichen um {time} ({where})", "en": "Sign of life at {time} ({where})"}


class Config(DailyConfig):
    kind: Literal["wake_up"] = "wake_up"
    rooms: tuple[Slug, ...] = ()  # empty: the whole flat
    since: TimeOfDay = time(5, 0)
    pre_alert: Duration | None = timedelta(minutes=5)
    severity: Severity = Severity.URGENT


# -- helpers shared with check_in and reminder ------------------------------------------------


class Rule(BaseRule):
    """A calendar deadline per time of day; when it comes, was there a sign of getting up?"""

    listens_to = SignsOfLife.capabilities | {C.AWAY}
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._daily = Daily("by", daily_times(config.by, config.weekdays))
        self._signs = SignsOfLife()
        self._away = Away(by_door=True)
        self._woke: datetime | None = None
        self._alerted: datetime | None = None
        self._last: tuple[datetime, str | None] | None = None

    def wants(self, entity: Entity) -> bool:
        return entity.capability in self.listens_to  # every room: coming home ends "away"

    def start(self, ctx: RuleContext, now: datetime) -> None:
        memo = self._daily.start(ctx)
        self._signs.load(ctx.state)
        self._woke = parse(memo.get("woke"))
        self._alerted = parse(memo.get("alerted"))
        if self.config.suspend_when_away:
            self._away.load(memo, ctx.state)
        seen = [o for o in ctx.state.values() if self._in_scope(o, ctx) and self._seen(o)]
        if seen:
            last = max(seen, key=lambda o: o.ts)
            self._last = (last.ts, ctx.entity_room(last.entity))

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        sign = self._signs(obs)
        changed = False
        if self.config.suspend_when_away:
            changed = self._away.observe(obs, sign and obs.entity != FRONT_DOOR, ctx)
        if self._in_scope(obs, ctx) and (sign or self._seen(obs)):
            self._last = (obs.ts, ctx.entity_room(obs.entity))
        if sign and self._gets_up(obs, ctx):
            if self._alerted is not None:
                self._clear(obs, ctx)
                changed = True
            morning = day_start(obs.ts, self.config.since, ctx.tz)
            if self._woke is None or self._woke < morning:
                self._woke = obs.ts
                changed = True
        if changed:
            self._save(ctx)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        name = deadline.data["name"]
        if name == AWAY_CHECK:
            if self._away.door_quiet(deadline):
                self._save(ctx)
            return
        if name not in self._daily.calendars:
            return
        due = deadline.due
        if self._woke is not None and self._woke >= day_start(due, self.config.since, ctx.tz):
            return
        if self._away.since is not None:
            log.info("%s: away since %s, not checked", self.config.rule_id, self._away.since)
            return
        if self._alerted is not None:
            return  # yesterday's alert is still open: the carer knows
        by = f"{self._daily.calendars[name].time:%H:%M}"
        last = ""
        if self._last is not None:
            ts, room = self._last
            where = f", {ctx.room_name(room)}" if room else ""
            last = ctx.say(LAST, when=when(ts, due, ctx), where=where)
        self._alerted = due
        ctx.emit(
            self.finding(
                ctx,
                due,
                summary=f"no sign of getting up by {by} in {self._where()}",
                explanation=ctx.say(RAISED, by=by, last=last),
                subject=self.config.rule_id,
                room=self.config.rooms[0] if len(self.config.rooms) == 1 else None,
                evidence=tuple(
                    [f"since {day_start(due, self.config.since, ctx.tz).isoformat()}"]
                    + ([f"last activity {self._last[0].isoformat()}"] if self._last else [])
                ),
            )
        )
        self._save(ctx)

    def _clear(self, obs: Observation, ctx: RuleContext) -> None:
        room = ctx.entity_room(obs.entity)
        entity = ctx.entities.get(obs.entity)
        where = ctx.room_name(room) if room else (entity.name if entity else obs.entity)
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"up: {obs.entity} at {obs.ts.isoformat()}",
                explanation=ctx.say(CLEARED, time=ctx.clock(obs.ts), where=where),
                subject=self.config.rule_id,
                entity=obs.entity,
                room=room,
                cleared=True,
            )
        )
        self._alerted = None

    def _in_scope(self, obs: Observation, ctx: RuleContext) -> bool:
        return not self.config.rooms or ctx.entity_room(obs.entity) in self.config.rooms

    @staticmethod
    def _seen(obs: Observation) -> bool:
        """Someone was there (a sensor going quiet marks the last moment someone moved)."""
        return obs.capability in (C.MOTION, C.PRESENCE) or (
            obs.capability is C.BED_OCCUPANCY and obs.value is True
        )

    def _gets_up(self, obs: Observation, ctx: RuleContext) -> bool:
        cap = obs.capability
        if cap is C.BED_OCCUPANCY:
            return obs.value is False  # leaving the bed, in whatever room
        if cap is C.CHECK_IN or cap is C.REMINDER:
            return True  # she touched the tablet or pressed her button
        return self._in_scope(obs, ctx)

    def _save(self, ctx: RuleContext) -> None:
        memo: dict[str, Any] = {"woke": iso(self._woke), "alerted": iso(self._alerted)}
        self._away.dump(memo)
        self._daily.save(ctx, memo)

    def _where(self) -> str:
        return ", ".join(self.config.rooms) if self.config.rooms else "flat"
