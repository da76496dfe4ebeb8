"""routine_stayed_in: she has not left the flat for days, though she usually goes out.

    - kind: routine_stayed_in
      id: nicht_draussen
      days: 3                   # default: today and the days before without going out
      usually_out_percent: 50   # default: only if she went out on this share of days learned
      at: "18:00"               # default: when today is looked at
      learn_days: 28            # default
      min_days: 7               # default
      severity: info            # default; info or warning

Going out is the front door, then nobody inside for ten minutes (or "Away" on the tablet).
The carer reads "Seit 3 Tagen nicht aus der Wohnung gegangen; sonst an 20 von 21 Tagen
draußen"; her next outing clears it ("Heute 10:40–11:50 außer Haus"). Said once per run of
days in; a day without data (sensors silent, the hub off) breaks the run.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Literal

from pydantic import Field

from hub.config.units import TimeOfDay
from hub.model import Deadline, Observation
from hub.scheduler import Calendar
from rules.context import RuleContext
from rules.routine import clock
from rules.routine_day import ACTIVITY, MAX_UNOBSERVED
from rules.routine_rule import CHECK, RoutineConfig, RoutineRule

RAISED = {
    "de": "Seit {n} Tagen nicht aus der Wohnung gegangen; sonst an {out} von {of} Tagen draußen",
    "en": "Has not left the flat for {n} days; usually out on {out} of {of} days",
}
TODAY = {
    "de": "Heute noch nicht aus der Wohnung gegangen; sonst an {out} von {of} Tagen draußen",
    "en": "Has not left the flat today; usually out on {out} of {of} days",
}
CLEARED = {"de": "Heute {since}–{until} außer Haus", "en": "Out today {since}–{until}"}


class Config(RoutineConfig):
    kind: Literal["routine_stayed_in"] = "routine_stayed_in"
    days: int = Field(3, ge=1, le=30)
    usually_out_percent: int = Field(50, ge=10, le=100)
    at: TimeOfDay = time(18, 0)


class Rule(RoutineRule):
    """Looks each day at `at`: today and the `days` - 1 before, all at home?"""

    listens_to = ACTIVITY  # what clears its finding
    config: Config

    @property
    def runs(self) -> int:
        return self.config.days

    def plan(self, ctx: RuleContext) -> None:
        ctx.every(CHECK, Calendar(self.config.at))

    def check(self, name: str, deadline: Deadline, ctx: RuleContext) -> None:
        if name != CHECK:
            return
        today = self.builder.day.day
        if self.builder.day.left or self.builder.out_since(deadline.due) is not None:
            return
        if self.blind(self.today_at(0), deadline.due) is not None:
            return
        for back in range(1, self.config.days):
            before = self.learned(today - timedelta(days=back))
            if before is None or not before.has_data or before.left:
                return
            if before.unobserved > MAX_UNOBSERVED:
                return
        first = today - timedelta(days=self.config.days - 1)
        usual = self.baseline(first)
        if not self.ready(usual) or usual.went_out * 100 < self.config.usually_out_percent:
            return
        yesterday = (today - timedelta(days=1)).isoformat()
        running = self.memo.get("raised") == yesterday
        self.memo["raised"] = today.isoformat()
        if not running:
            self.memo["alerted"] = True
            texts = RAISED if self.config.days > 1 else TODAY
            ctx.emit(
                self.finding(
                    ctx,
                    deadline.due,
                    summary=f"not out for {self.config.days} days, usually out "
                    f"{usual.days_out} of {usual.days} days",
                    explanation=ctx.say(
                        texts, n=self.config.days, out=usual.days_out, of=usual.days
                    ),
                    subject=self.rule_id,
                    data={"days": self.config.days, "out": usual.days_out, "of": usual.days},
                )
            )
        self.save(ctx, deadline.due)

    def observed(self, obs: Observation, ctx: RuleContext) -> None:
        if not self.memo.get("alerted") or not self.builder.day.outings:
            return
        since, until = self.builder.day.outings[-1]
        del self.memo["alerted"]
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"out {clock(since)}–{clock(until)}",
                explanation=ctx.say(CLEARED, since=clock(since), until=clock(until)),
                subject=self.rule_id,
                cleared=True,
            )
        )
        self.save(ctx, obs.ts)
