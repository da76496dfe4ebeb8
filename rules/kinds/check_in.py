"""check_in: the resident presses "I'm OK" by a set time each day (the "Tagestaste").

    - kind: check_in
      id: tagestaste
      by: "10:00"                  # or per weekday: {mon: "09:00", sun: "11:00"}
      weekdays: [mon, tue, wed, thu, fri]   # default: every day (not with a per-weekday `by`)
      since: "04:00"               # default; a press before it belongs to the night before
      entities: [check_in.flur]    # default: every check-in button and "I'm OK" on the tablet
      severity: urgent             # default
      pre_alert: 10m               # default: the tablet asks for 10 minutes before anyone is called
      suspend_when_away: true      # default

A press is "I'm OK" on the tablet (check_in.tablet) or a check-in button (check_in.<room>)
turning on; the release is no press. A press after the deadline clears the alert.

Why a pre-alert by default: a missed Tagestaste is nearly always a forgotten one. A home-
emergency service (Hausnotruf) first calls the resident before it sends anyone; the tablet
asking "Is everything all right?" does the same without waking the daughter, and answering it
is the press she forgot. Ten minutes rather than five, because she may have to walk to it.
Urgent rather than emergency: nothing says she is hurt, only that nobody knows.

Suspended while she has said she is away ("Away" on the tablet, as a Hausnotruf client reports
an absence), until "Back" or a sign of life at home a while after leaving. Going out without
saying so does not suspend it: the Tagestaste is a promise to press before leaving.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Literal

from hub.config.units import Duration
from hub.model import Capability, Deadline, Entity, Observation, Severity
from rules.base import BaseRule
from rules.context import RuleContext
from rules.daily import (
    Away,
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
C = Capability

RAISED = {
    "de": "Die OK-Taste wurde heute bis {by} nicht gedrückt{last}",
    "en": '"I\'m OK" was not pressed today by {by}{last}',
}
LAST = {"de": " (zuletzt {when})", "en": " (last {when})"}
CLEARED = {"de": "OK-Taste um {time} gedrückt", "en": '"I\'m OK" pressed at {time}'}


class Config(DailyConfig):
    kind: Literal["check_in"] = "check_in"
    entities: tuple[str, ...] = ()  # empty: every check_in.* entity
    pre_alert: Duration | None = timedelta(minutes=10)
    severity: Severity = Severity.URGENT


class Rule(BaseRule):
    """A calendar deadline per time of day; when it comes, was there a press since `since`?"""

    listens_to = SignsOfLife.capabilities | {C.AWAY}
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._daily = Daily("by", daily_times(config.by, config.weekdays))
        self._signs = SignsOfLife()
        self._away = Away(by_door=False)
        self._pressed: datetime | None = None
        self._alerted: datetime | None = None

    def wants(self, entity: Entity) -> bool:
        # Signs of life only end "away"; presses come from check_in entities.
        return entity.capability in self.listens_to

    def start(self, ctx: RuleContext, now: datetime) -> None:
        memo = self._daily.start(ctx)
        self._signs.load(ctx.state)
        self._pressed = parse(memo.get("pressed"))
        self._alerted = parse(memo.get("alerted"))
        if self.config.suspend_when_away:
            self._away.load(memo, ctx.state)
        for obs in ctx.state.values():
            if self._is_press(obs) and (self._pressed is None or obs.ts > self._pressed):
                self._pressed = obs.ts

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        sign = self._signs(obs)
        changed = False
        if self.config.suspend_when_away:
            changed = self._away.observe(obs, sign, ctx)
        if self._is_press(obs):
            self._pressed = obs.ts
            changed = True
            if self._alerted is not None:
                ctx.emit(
                    self.finding(
                        ctx,
                        obs.ts,
                        summary=f"check-in pressed at {obs.ts.isoformat()} ({obs.entity})",
                        explanation=ctx.say(CLEARED, time=ctx.clock(obs.ts)),
                        subject=self.config.rule_id,
                        entity=obs.entity,
                        room=ctx.entity_room(obs.entity),
                        cleared=True,
                    )
                )
                self._alerted = None
        if changed:
            self._save(ctx)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        name = deadline.data["name"]
        if name not in self._daily.calendars:
            return
        due = deadline.due
        day = day_start(due, self.config.since, ctx.tz)
        if self._pressed is not None and self._pressed >= day:
            return
        if self._away.since is not None:
            log.info("%s: away since %s, not checked", self.config.rule_id, self._away.since)
            return
        if self._alerted is not None:
            return  # yesterday's alert is still open: the carer knows
        by = f"{self._daily.calendars[name].time:%H:%M}"
        last = "" if self._pressed is None else ctx.say(LAST, when=when(self._pressed, due, ctx))
        self._alerted = due
        ctx.emit(
            self.finding(
                ctx,
                due,
                summary=f"no check-in by {by}",
                explanation=ctx.say(RAISED, by=by, last=last),
                subject=self.config.rule_id,
                evidence=(f"no press since {day.isoformat()}",)
                + ((f"last press {self._pressed.isoformat()}",) if self._pressed else ()),
            )
        )
        self._save(ctx)

    def _is_press(self, obs: Observation) -> bool:
        if obs.capability is not C.CHECK_IN or obs.value is not True:
            return False
        return not self.config.entities or obs.entity in self.config.entities

    def _save(self, ctx: RuleContext) -> None:
        memo: dict[str, Any] = {"pressed": iso(self._pressed), "alerted": iso(self._alerted)}
        self._away.dump(memo)
        self._daily.save(ctx, memo)
