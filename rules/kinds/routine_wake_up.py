"""routine_wake_up: she has not got up long after her usual time (advice, learned).

    - kind: routine_wake_up
      id: spaet_aufgestanden
      later_by: 90m        # default: this long after the latest usual wake-up
      learn_days: 28       # default: the usual is learned from these days
      min_days: 7          # default: no finding before this many days are learned
      severity: warning    # default; info or warning

The usual wake-up is the 10th–90th percentile of the days learned ("7:15–8:05"); if she is
not up by the latest of it plus `later_by`, the carer reads "Heute bis 9:35 nicht
aufgestanden, üblich 7:15–8:05"; when she gets up, "Heute erst um 10:40 aufgestanden, üblich
7:15–8:05" clears it. Nothing is said while she is out, while a sensor is silent, or when
the hub was off that morning. For a fixed deadline with an urgent alert use `wake_up`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from hub.config.units import Duration
from hub.model import Deadline, Observation, Severity
from rules.context import RuleContext
from rules.routine import clock, times
from rules.routine_day import ACTIVITY, WAKE_FROM
from rules.routine_rule import CHECK, RoutineConfig, RoutineRule

RAISED = {
    "de": "Heute bis {by} nicht aufgestanden, üblich {usual}",
    "en": "Not up by {by} today, usually up {usual}",
}
CLEARED = {
    "de": "Heute erst um {time} aufgestanden, üblich {usual}",
    "en": "Up only at {time} today, usually up {usual}",
}


class Config(RoutineConfig):
    kind: Literal["routine_wake_up"] = "routine_wake_up"
    severity: Severity = Severity.WARNING
    later_by: Duration = timedelta(minutes=90)


class Rule(RoutineRule):
    """A look at the latest usual wake-up plus `later_by`; getting up clears what it raised."""

    listens_to = ACTIVITY  # what clears its finding
    config: Config

    def on_day(self, ctx: RuleContext, now: datetime) -> None:
        today = self.builder.day.day.isoformat()
        if self.memo.get("alerted") not in (None, today):
            self.memo.pop("alerted")  # yesterday's: the carer has it, today is new
        wake = self.baseline().wake
        if not self.ready(self.baseline()) or wake is None:
            ctx.cancel(CHECK)
            return
        minutes = round(wake.high + self.config.later_by.total_seconds() / 60)
        if minutes >= 24 * 60:
            return
        due = self.today_at(minutes)
        if due > now:
            ctx.at(CHECK, due, {"day": today})

    def check(self, name: str, deadline: Deadline, ctx: RuleContext) -> None:
        today = self.builder.day.day.isoformat()
        if name != CHECK or deadline.data.get("day") != today or "alerted" in self.memo:
            return
        if self.builder.awake_since() is not None or self.builder.out_since(deadline.due):
            return
        why = self.blind(self.today_at(WAKE_FROM), deadline.due)
        wake = self.baseline().wake
        if why is not None or wake is None:
            return
        by = clock(self.builder.minute(deadline.due))
        self.memo["alerted"] = today
        ctx.emit(
            self.finding(
                ctx,
                deadline.due,
                summary=f"not up by {by}, usually up {times(wake)}",
                explanation=ctx.say(RAISED, by=by, usual=times(wake)),
                subject=self.rule_id,
                evidence=(f"usual wake-up {times(wake)} over {wake.days} days",),
                data={"usual": [wake.low, wake.high], "days": wake.days},
            )
        )
        self.save(ctx, deadline.due)

    def observed(self, obs: Observation, ctx: RuleContext) -> None:
        alerted = self.memo.get("alerted")
        if alerted is None or alerted != self.builder.day.day.isoformat():
            return
        up = self.builder.awake_since()
        wake = self.baseline().wake
        if up is None or wake is None:
            return
        del self.memo["alerted"]
        at = clock(self.builder.minute(up))
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"up at {at}, usually up {times(wake)}",
                explanation=ctx.say(CLEARED, time=at, usual=times(wake)),
                subject=self.rule_id,
                cleared=True,
            )
        )
        self.save(ctx, obs.ts)
