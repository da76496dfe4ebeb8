"""routine_activity: much less movement in the flat today than usual by this hour (advice).

    - kind: routine_activity
      id: wenig_bewegung
      below_percent: 50     # default: fewer signs of life than this share of the usual
      check_from: "11:00"   # default: the first look; then every full hour
      check_until: "20:00"  # default: the last look
      min_usual: 20         # default: a usual count below this is too small to judge
      learn_days: 28        # default
      min_days: 7           # default
      severity: warning     # default; info or warning

Counts the signs of life in the rooms from 06:00 and compares them, each full hour, with the
median of the days learned up to the same hour, scaled to the time she was at home today
(an afternoon at the doctor's is no lack of movement): "Heute bis 15:00 wenig Bewegung in der
Wohnung: 40 Meldungen, üblich bis dahin 95–130". Said at most once a day; nothing while a
sensor is silent or when the hub was off that day.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal

from pydantic import Field, field_validator, model_validator

from hub.config.problems import ConfigValueError
from hub.config.units import TimeOfDay
from hub.model import Deadline, Severity
from rules.context import RuleContext
from rules.routine import Usual, clock, counts
from rules.routine_baseline import ACTIVE_FROM
from rules.routine_rule import CHECK, RoutineConfig, RoutineRule

RAISED = {
    "de": "Heute bis {by} wenig Bewegung in der Wohnung: {n} Meldungen, üblich bis dahin {usual}",
    "en": "Little movement in the flat today by {by}: {n} events, usually {usual} by then",
}
MIN_HOME = 120  # minutes at home since 06:00 before today can be compared


class Config(RoutineConfig):
    kind: Literal["routine_activity"] = "routine_activity"
    severity: Severity = Severity.WARNING
    below_percent: int = Field(50, ge=5, le=95)
    check_from: TimeOfDay = time(11, 0)
    check_until: TimeOfDay = time(20, 0)
    min_usual: int = Field(20, ge=1)

    @field_validator("check_from", "check_until")
    @classmethod
    def _full_hour(cls, value: time) -> time:
        if value.minute or value.second:
            raise ConfigValueError(
                f"{value:%H:%M} is not a full hour: the day is compared hour by hour",
                expected='a full hour, e.g. "11:00"',
                hint=f'write "{value:%H}:00"',
            )
        if value.hour <= ACTIVE_FROM:
            raise ConfigValueError(
                f"{value:%H:%M} is too early: movement is counted from 06:00",
                expected='a full hour from "07:00"',
            )
        return value

    @model_validator(mode="after")
    def _in_order(self) -> Config:
        if self.check_until < self.check_from:
            raise ConfigValueError(
                f"check_until ({self.check_until:%H:%M}) is before check_from "
                f"({self.check_from:%H:%M})",
                expected="check_until at or after check_from",
            )
        return self


class Rule(RoutineRule):
    """A look every full hour from `check_from` to `check_until`, until it has spoken."""

    config: Config

    def on_day(self, ctx: RuleContext, now: datetime) -> None:
        self._plan(ctx, now)

    def _plan(self, ctx: RuleContext, after: datetime) -> None:
        today = self.builder.day.day.isoformat()
        if self.memo.get("raised") == today or not self.ready(self.baseline()):
            ctx.cancel(CHECK)
            return
        for hour in range(self.config.check_from.hour, self.config.check_until.hour + 1):
            due = self.today_at(hour * 60)
            if due > after:
                ctx.at(CHECK, due, {"day": today})
                return
        ctx.cancel(CHECK)

    def check(self, name: str, deadline: Deadline, ctx: RuleContext) -> None:
        today = self.builder.day.day.isoformat()
        if name != CHECK or deadline.data.get("day") != today:
            return
        self._judge(deadline.due, ctx)
        self._plan(ctx, deadline.due)

    def _judge(self, due: datetime, ctx: RuleContext) -> None:
        if self.memo.get("raised") == self.builder.day.day.isoformat():
            return
        hour = self.builder.minute(due) // 60
        since = self.today_at(ACTIVE_FROM * 60)
        if self.blind(since, due) is not None:
            return
        out = self.builder.out_by_hour(due)
        home = 60 * (hour - ACTIVE_FROM) - sum(out[ACTIVE_FROM:hour])
        if home < MIN_HOME:
            return
        expected = self.baseline().activity_until(hour, home)
        if expected is None or expected.median < self.config.min_usual:
            return
        n = sum(self.builder.day.hourly()[ACTIVE_FROM:hour])
        if n >= expected.median * self.config.below_percent / 100:
            return
        shown = Usual(round(expected.low), round(expected.median), round(expected.high), 0)
        by = clock(hour * 60)
        self.memo["raised"] = self.builder.day.day.isoformat()
        ctx.emit(
            self.finding(
                ctx,
                due,
                summary=f"{n} signs of life by {by}, usually {counts(shown, 'en')}",
                explanation=ctx.say(RAISED, by=by, n=n, usual=counts(shown, ctx.lang)),
                subject=f"{self.rule_id}:{self.builder.day.day.isoformat()}",
                evidence=(
                    f"median {expected.median:.0f} over {expected.days} days",
                    f"{home} minutes at home since 06:00",
                ),
                data={"count": n, "usual": [shown.low, shown.high], "median": shown.median},
            )
        )
        self.save(ctx, due)
