"""routine_lunch: no one in the kitchen by well after her usual lunchtime (advice).

    - kind: routine_lunch
      id: kein_mittagessen
      later_by: 60m         # default: this long after the latest usual start of lunch
      learn_days: 28        # default
      min_days: 7           # default
      severity: info        # default; info or warning

Lunch starts with the first sign of life in the kitchen between 11:00 and 15:00 (motion,
the fridge, the kettle). If she usually has it at home (on at least half the days learned)
and nothing has happened in the kitchen by the latest usual start plus `later_by` (15:00 at
the latest), the carer reads "Heute bis 13:40 nicht in der Küche; mittags sonst meist
zwischen 12:00 und 12:40"; the next visit to the kitchen clears it. Nothing is said when
she is or was out at lunchtime (half an hour or more), nor while a sensor is silent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from hub.config.units import Duration
from hub.model import Deadline, Observation
from rules.context import RuleContext
from rules.routine import Usual, clock
from rules.routine_day import ACTIVITY, LUNCH_FROM, LUNCH_UNTIL
from rules.routine_rule import CHECK, RoutineConfig, RoutineRule

RAISED = {
    "de": "Heute bis {by} nicht in der Küche; mittags sonst meist {usual}",
    "en": "Not in the kitchen today by {by}; at lunchtime usually {usual}",
}
BETWEEN = {"de": "zwischen {low} und {high}", "en": "between {low} and {high}"}
AT = {"de": "um {low}", "en": "at {low}"}
CLEARED = {"de": "Um {time} in der Küche", "en": "In the kitchen at {time}"}
OUT_AT_LUNCH = 30  # minutes out between 11:00 and the look: she may have eaten out


class Config(RoutineConfig):
    kind: Literal["routine_lunch"] = "routine_lunch"
    later_by: Duration = timedelta(minutes=60)


class Rule(RoutineRule):
    """A look at the latest usual lunch plus `later_by`; the kitchen clears what it raised."""

    listens_to = ACTIVITY  # what clears its finding
    config: Config

    def on_day(self, ctx: RuleContext, now: datetime) -> None:
        today = self.builder.day.day.isoformat()
        if self.memo.get("alerted") not in (None, today):
            self.memo.pop("alerted")
        baseline = self.baseline()
        lunch = baseline.lunch
        if (
            not self.ready(baseline)
            or lunch is None
            or baseline.days_with_lunch * 2 < baseline.days
        ):
            ctx.cancel(CHECK)
            return
        minutes = min(LUNCH_UNTIL, round(lunch.high + self.config.later_by.total_seconds() / 60))
        due = self.today_at(minutes)
        if due > now:
            ctx.at(CHECK, due, {"day": today})

    def check(self, name: str, deadline: Deadline, ctx: RuleContext) -> None:
        today = self.builder.day.day.isoformat()
        if name != CHECK or deadline.data.get("day") != today or "alerted" in self.memo:
            return
        day = self.builder.day
        if day.lunch is not None or self.builder.out_since(deadline.due) is not None:
            return
        until = self.builder.minute(deadline.due)
        out = self.builder.out_by_hour(deadline.due)
        if sum(out[LUNCH_FROM // 60 : until // 60 + 1]) >= OUT_AT_LUNCH:
            return
        lunch = self.baseline().lunch
        if lunch is None or self.blind(self.today_at(LUNCH_FROM), deadline.due) is not None:
            return
        by = clock(until)
        self.memo["alerted"] = today
        self.memo["kitchen"] = day.kitchen_visits
        ctx.emit(
            self.finding(
                ctx,
                deadline.due,
                summary=f"no kitchen activity by {by}, lunch usually {clock(lunch.low)}–"
                f"{clock(lunch.high)}",
                explanation=ctx.say(RAISED, by=by, usual=_usual(lunch, ctx)),
                subject=self.rule_id,
                data={"usual": [lunch.low, lunch.high], "days": lunch.days},
            )
        )
        self.save(ctx, deadline.due)

    def observed(self, obs: Observation, ctx: RuleContext) -> None:
        alerted = self.memo.get("alerted")
        if alerted is None or alerted != self.builder.day.day.isoformat():
            return
        if self.builder.day.kitchen_visits <= int(self.memo.get("kitchen", 0)):
            return
        del self.memo["alerted"]
        at = clock(self.builder.minute(obs.ts))
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"kitchen at {at}",
                explanation=ctx.say(CLEARED, time=at),
                subject=self.rule_id,
                cleared=True,
            )
        )
        self.save(ctx, obs.ts)


def _usual(lunch: Usual, ctx: RuleContext) -> str:
    if lunch.low == lunch.high:
        return ctx.say(AT, low=clock(lunch.low))
    return ctx.say(BETWEEN, low=clock(lunch.low), high=clock(lunch.high))
