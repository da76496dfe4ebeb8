"""carer_visit: the care service has checked in by a set time ("Pflegedienst bis 09:30").

    - kind: carer_visit
      id: pflegedienst_morgens
      by: "09:30"                  # or per weekday: {mon: "09:30", sat: "11:00"}
      weekdays: [mon, tue, wed, thu, fri]   # default: every day (not with a per-weekday `by`)
      since: "04:00"               # default; a check-in before it belongs to the day before
      entities: [visit.tablet]     # default: every visit.* (the tablet and visit buttons)
      notify: pflegedienst         # the care service's office
      severity: warning            # default
      suspend_when_away: true      # default

A visit begins when the carer checks in: "Ich bin da" on the tablet (visit.tablet on) or a
visit button pressed (visit.<room> on). Not checked in by `by`: a finding for the care
service, "Pflegedienst bis 09:30 nicht eingetroffen (letzter Besuch gestern 08:50)"; a later
check-in clears it. A second visit a day (the evening round) is a second rule whose `since`
lies after the morning's visit, e.g. since: "14:00", by: "19:00".

No pre-alert: the resident did nothing wrong and is not asked. Suspended while she has said
she is away ("Away" on the tablet): nobody comes to an empty flat.
"""

from __future__ import annotations

import logging
from datetime import datetime
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
    "de": "Pflegedienst bis {by} nicht eingetroffen{last}",
    "en": "The care service had not arrived by {by}{last}",
}
LAST = {"de": " (letzter Besuch {when})", "en": " (last visit {when})"}
NEVER = {"de": " (noch kein Besuch erfasst)", "en": " (no visit recorded yet)"}
CLEARED = {"de": "Pflegedienst um {time} eingetroffen", "en": "The care service arrived at {time}"}


class Config(DailyConfig):
    kind: Literal["carer_visit"] = "carer_visit"
    entities: tuple[str, ...] = ()  # empty: every visit.* entity
    severity: Severity = Severity.WARNING
    pre_alert: Duration | None = None


class Rule(BaseRule):
    """A calendar deadline per time of day; when it comes, has a visit begun since `since`?"""

    listens_to = SignsOfLife.capabilities | {C.AWAY, C.VISIT}
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._daily = Daily("by", daily_times(config.by, config.weekdays))
        self._signs = SignsOfLife()
        self._away = Away(by_door=False)
        self._arrived: datetime | None = None
        self._alerted: datetime | None = None

    def wants(self, entity: Entity) -> bool:
        # Signs of life only end "away"; arrivals come from visit entities.
        return entity.capability in self.listens_to

    def start(self, ctx: RuleContext, now: datetime) -> None:
        memo = self._daily.start(ctx)
        self._signs.load(ctx.state)
        self._arrived = parse(memo.get("arrived"))
        self._alerted = parse(memo.get("alerted"))
        if self.config.suspend_when_away:
            self._away.load(memo, ctx.state)
        for obs in ctx.state.values():
            if self._is_arrival(obs) and (self._arrived is None or obs.ts > self._arrived):
                self._arrived = obs.ts

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        changed = False
        if self.config.suspend_when_away:
            changed = self._away.observe(obs, self._signs(obs), ctx)
        if self._is_arrival(obs):
            self._arrived = obs.ts
            changed = True
            if self._alerted is not None:
                ctx.emit(
                    self.finding(
                        ctx,
                        obs.ts,
                        summary=f"carer arrived at {obs.ts.isoformat()} ({obs.entity})",
                        explanation=ctx.say(CLEARED, time=ctx.clock(obs.ts)),
                        subject=self.config.rule_id,
                        entity=obs.entity,
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
        if self._arrived is not None and self._arrived >= day:
            return
        if self._away.since is not None:
            log.info("%s: away since %s, not checked", self.config.rule_id, self._away.since)
            return
        by = f"{self._daily.calendars[name].time:%H:%M}"
        if self._arrived is None:
            last = ctx.say(NEVER)
        else:
            last = ctx.say(LAST, when=when(self._arrived, due, ctx))
        # Each day that nobody came is told; while yesterday's alert is still open the alerts
        # keep it as one (a repeat tells nobody again).
        self._alerted = due
        ctx.emit(
            self.finding(
                ctx,
                due,
                summary=f"no carer visit by {by}",
                explanation=ctx.say(RAISED, by=by, last=last),
                subject=self.config.rule_id,
                evidence=(f"no check-in since {day.isoformat()}",)
                + ((f"last check-in {self._arrived.isoformat()}",) if self._arrived else ()),
            )
        )
        self._save(ctx)

    def _is_arrival(self, obs: Observation) -> bool:
        if obs.capability is not C.VISIT or obs.value is not True:
            return False
        return not self.config.entities or obs.entity in self.config.entities

    def _save(self, ctx: RuleContext) -> None:
        memo: dict[str, Any] = {"arrived": iso(self._arrived), "alerted": iso(self._alerted)}
        self._away.dump(memo)
        self._daily.save(ctx, memo)
