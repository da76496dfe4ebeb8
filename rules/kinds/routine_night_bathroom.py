"""routine_night_bathroom: more bathroom visits at night than usual, several nights running.

    - kind: routine_night_bathroom
      id: nachts_oft_im_bad
      nights: 3             # default: this many nights in a row, the last one ending today
      min_visits: 2         # default: a night counts with at least this many visits
      learn_days: 28        # default
      min_days: 7           # default
      severity: warning     # default; info or warning

A night (22:00–06:00) counts when its visits to the bathroom or toilet (a new visit after
ten minutes without motion there) are above the usual range and at least `min_visits`.
Going more often night after night can be an early sign of a urinary infection, so the
carer reads at 06:00: "Heute Nacht 3 Badbesuche, die Nächte davor 4 und 3; üblich sind 0–1".
The usual is learned from the days before those nights. Said once per run of nights; a night
away or not watched (the hub off, a sensor silent) breaks the run.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Literal

from pydantic import Field

from hub.model import Deadline, Severity
from hub.scheduler import Calendar
from rules.context import RuleContext
from rules.routine import counts
from rules.routine_day import NIGHT_UNTIL
from rules.routine_rule import CHECK, RoutineConfig, RoutineRule

RAISED = {
    "de": "Heute Nacht {n} Badbesuche{before}; üblich {usual}",
    "en": "Last night {n} bathroom visits{before}; usually {usual}",
}
BEFORE = {"de": ", die Nächte davor {nights}", "en": ", the nights before {nights}"}
AND = {"de": " und ", "en": " and "}


class Config(RoutineConfig):
    kind: Literal["routine_night_bathroom"] = "routine_night_bathroom"
    severity: Severity = Severity.WARNING
    nights: int = Field(3, ge=1, le=14)
    min_visits: int = Field(2, ge=1, le=20)


class Rule(RoutineRule):
    """Looks every morning at 06:00 at the last `nights` nights."""

    config: Config

    @property
    def runs(self) -> int:
        return self.config.nights

    def plan(self, ctx: RuleContext) -> None:
        ctx.every(CHECK, Calendar(time(NIGHT_UNTIL // 60, NIGHT_UNTIL % 60)))

    def check(self, name: str, deadline: Deadline, ctx: RuleContext) -> None:
        if name != CHECK:
            return
        today = self.builder.day.day
        if self.silent or not self.builder.night_watched(deadline.due):
            return
        nights = [self.builder.day.night_bathroom]
        for back in range(1, self.config.nights):
            night = self.learned(today - timedelta(days=back))
            if night is None or not night.night_watched or not night.has_data:
                return
            nights.append(night.night_bathroom)
        first = today - timedelta(days=self.config.nights - 1)
        usual = self.baseline(first).night_bathroom
        if not self.ready(self.baseline(first)) or usual is None:
            return
        if any(n <= usual.high or n < self.config.min_visits for n in nights):
            return
        yesterday = (today - timedelta(days=1)).isoformat()
        running = self.memo.get("raised") == yesterday
        self.memo["raised"] = today.isoformat()
        self.save(ctx, deadline.due)
        if running:
            return  # the same run of nights goes on: said already
        earlier = [str(n) for n in nights[1:]]
        before = ""
        if earlier:
            listed = ", ".join(earlier[:-1]) + ctx.say(AND) if len(earlier) > 1 else ""
            before = ctx.say(BEFORE, nights=listed + earlier[-1])
        usual_text = counts(usual, ctx.lang)
        if ctx.lang == "de":
            usual_text = ("sind " if usual.low != usual.high else "ist ") + usual_text
        ctx.emit(
            self.finding(
                ctx,
                deadline.due,
                summary=f"bathroom at night {nights} (newest first), usually {counts(usual, 'en')}",
                explanation=ctx.say(RAISED, n=nights[0], before=before, usual=usual_text),
                subject=f"{self.rule_id}:{today.isoformat()}",
                evidence=tuple(
                    f"night to {today - timedelta(days=i)}: {n} visits"
                    for i, n in enumerate(nights)
                ),
                data={"nights": nights, "usual": [usual.low, usual.high], "days": usual.days},
            )
        )
