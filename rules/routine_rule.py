"""What the routine rules (rules/kinds/routine_*.py) share: the keys, the resident's days, and
a memory that survives a restart.

The days are the engine's, kept once for every routine rule (rules/routine_tracker.py): built
from the observations as they come, the last weeks of them learned, written to the store. A
rule keeps only its own look at them: its deadlines and its memo (a finding raised, to be
cleared), in a deadline of its own, written as it changes. A day with a large hole (the hub
was off) neither teaches the routine nor is judged.

A rule added to a hub with history learns the days it lacks from the store (rules/
routine_learn.py), in the background. Findings are advice (info or warning), never asked on
the tablet first, and a rule says nothing while an activity sensor is reported silent (that
is device_health's alert) or before it has learned `min_days` days.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator, model_validator

from hub.config.problems import ConfigValueError
from hub.config.units import Duration
from hub.model import Capability, Deadline, Observation, Severity
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.routine import Baseline, Day, DayBuilder
from rules.routine_tracker import KEEP, ROUTINE, RoutineTracker
from rules.routine_tracker import SENSORS as SENSORS  # hub/insights reads it here

if TYPE_CHECKING:
    from rules.context import RuleContext

log = logging.getLogger(__name__)

MEMO = "memo"  # the rule's memo, in a deadline that waits
CHECK = "check"  # the rule's own moment to look
BLIND = 30  # minutes unobserved in what a rule judges: it does not judge


class RoutineConfig(RuleConfig):
    """The keys every routine rule has besides the common ones."""

    severity: Severity = Severity.INFO
    learn_days: int = Field(28, ge=7, le=90)  # the days the usual is learned from
    min_days: int = Field(7, ge=3, le=90)  # no finding before this many usable days
    pre_alert: Duration | None = None

    @field_validator("severity")
    @classmethod
    def _advice(cls, value: Severity) -> Severity:
        if value not in (Severity.INFO, Severity.WARNING):
            raise ConfigValueError(
                f"a routine rule gives advice; severity '{value}' is for emergencies",
                expected="info or warning",
                hint="for a morning without getting up use kind: wake_up (urgent)",
            )
        return value

    @field_validator("pre_alert")
    @classmethod
    def _no_pre_alert(cls, value: timedelta | None) -> timedelta | None:
        if value is not None:
            raise ConfigValueError(
                "a routine finding is advice for the carer: the tablet does not ask about it",
                hint="remove pre_alert from this rule",
            )
        return value

    @model_validator(mode="after")
    def _enough_days(self) -> RoutineConfig:
        if self.min_days > self.learn_days:
            raise ConfigValueError(
                f"min_days ({self.min_days}) is more than learn_days ({self.learn_days})",
                expected="min_days at most learn_days",
                hint=f"e.g. min_days: {min(7, self.learn_days)}",
            )
        return self


class RoutineRule(BaseRule):
    """Looks at the engine's days of the resident; a kind adds `plan`, `on_day`, `check` and
    `observed` (and listens to the activity it clears a finding on, if it does)."""

    listens_to: frozenset[Capability] = frozenset()  # the days come from the tracker
    config: RoutineConfig

    def __init__(self, config: RoutineConfig) -> None:
        super().__init__(config)
        self.memo: dict[str, Any] = {}
        self.routine: RoutineTracker

    @property
    def runs(self) -> int:
        """Days kept beyond the window: a rule about runs of days learns from before them."""
        return 1

    @property
    def builder(self) -> DayBuilder:
        """Today so far."""
        return self.routine.builder

    @property
    def days(self) -> list[Day]:
        """The days learned (at least the `learn_days` + `runs` before today)."""
        return self.routine.days

    @property
    def silent(self) -> set[str]:
        """The activity sensors reported silent now."""
        return self.routine.silent

    # -- the life of the rule ------------------------------------------------------------------

    def start(self, ctx: RuleContext, now: datetime) -> None:
        saved = ctx.pending(MEMO)
        memo = saved.data.get("memo") if saved is not None else None
        self.memo = dict(memo) if isinstance(memo, dict) else {}
        routine = ctx.shared(ROUTINE, RoutineTracker, now)
        if not isinstance(routine, RoutineTracker):
            raise TypeError(f"the engine's shared '{ROUTINE}' is no RoutineTracker: {routine!r}")
        self.routine = routine
        routine.follow(self.rule_id, self.config.learn_days + self.runs, self._new_day(ctx))
        self.plan(ctx)
        self.on_day(ctx, now)
        self.save(ctx, now)

    def stop(self, ctx: RuleContext) -> None:
        """The rule is replaced (a reload): its memo goes to the store now."""
        self.save(ctx, self.builder.now)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        self.observed(obs, ctx)  # the tracker, fed first, has it in today's day already

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        self.routine.advance(deadline.due)  # a day that ended by now is closed (for all rules)
        name = deadline.data.get("name")
        if name == MEMO:
            self.save(ctx, deadline.due)
        else:
            self.check(str(name), deadline, ctx)

    def _new_day(self, ctx: RuleContext) -> Callable[[datetime], None]:
        def new_day(now: datetime) -> None:
            self.on_day(ctx, now)
            self.save(ctx, now)

        return new_day

    # -- what a kind adds ----------------------------------------------------------------------

    def plan(self, ctx: RuleContext) -> None:
        """The rule starts: arm its calendar deadlines, if it has any."""

    def on_day(self, ctx: RuleContext, now: datetime) -> None:
        """A day has begun (or the rule started, or learned): plan today's look."""

    def check(self, name: str, deadline: Deadline, ctx: RuleContext) -> None:
        """The rule's own deadline has come."""

    def observed(self, obs: Observation, ctx: RuleContext) -> None:
        """An observation went into today's day (to clear a finding, say)."""

    # -- what it has learned --------------------------------------------------------------------

    def history_wanted(self) -> list[date]:
        """The past days the rules look back on that are not known, to be read from the store."""
        return self.routine.history_wanted()

    def baseline(self, today: date | None = None) -> Baseline:
        """The usual day, from the days before `today` (default: the builder's day)."""
        return self.routine.baseline(today or self.builder.day.day, self.config.learn_days)

    def learned(self, day: date) -> Day | None:
        return self.routine.learned(day)

    # -- judging ------------------------------------------------------------------------------

    @property
    def rule_id(self) -> str:
        return self.config.rule_id

    def ready(self, baseline: Baseline) -> bool:
        return baseline.days >= self.config.min_days

    def blind(self, since: datetime, until: datetime) -> str | None:
        """Why the rule cannot judge this span of today, or None if it can."""
        why = None
        if self.silent:
            why = f"sensors silent: {', '.join(sorted(self.silent))}"
        elif (missing := self.builder.unobserved(since, until)) > BLIND:
            why = f"{missing} minutes not watched since {since.isoformat()}"
        if why is not None:
            log.info("%s: today is not judged (%s)", self.rule_id, why)
        return why

    def today_at(self, minutes: int) -> datetime:
        return self.builder.at(minutes)

    # -- memory --------------------------------------------------------------------------------

    def save(self, ctx: RuleContext, now: datetime) -> None:
        """The memo, into the store with a deadline that waits (it only carries the data)."""
        ctx.at(MEMO, now + KEEP, {"memo": self.memo})
