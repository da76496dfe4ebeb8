"""What the routine rules (rules/kinds/routine_*.py) share: the keys, learning as they go,
and a memory that survives a restart.

Each rule builds the resident's days from the observations it sees (rules/routine.py) and
keeps the last `learn_days` of them in the data of a deadline (written when a day ends);
today's unfinished day and the rule's memo (a finding raised, to be cleared) ride in a
second one, written a quarter of an hour after a change (a small deadline waits for that).
A restart or a power cut thus loses at most a quarter of an hour of observations; when the
hub was off longer than an hour, the hole is marked unobserved, and a day with a large hole
neither teaches the routine nor is judged.

A rule added to a hub with history learns the days it lacks from the store (rules/
routine_learn.py), in the background. Findings are advice (info or warning), never asked on
the tablet first, and a rule says nothing while an activity sensor is reported silent (that
is device_health's alert) or before it has learned `min_days` days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator, model_validator

from hub.config.model import DeviceRole
from hub.config.problems import ConfigValueError
from hub.config.units import Duration
from hub.entities import EntityRegistry
from hub.model import Capability, Deadline, Entity, Observation, Severity, slugify
from hub.scheduler import Calendar
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.routine import Baseline, Day, DayBuilder, Layout
from rules.routine_day import ACTIVITY

if TYPE_CHECKING:
    from rules.engine import RuleContext

log = logging.getLogger(__name__)

C = Capability
DAYS = "days"  # the days learned, in a deadline that waits
MIDNIGHT = "midnight"  # closes the day
SAVE = "save"  # a quarter of an hour after a change: TODAY is written again
TODAY = "today"  # today's unfinished day and the memo
CHECK = "check"  # the rule's own moment to look
SAVE_AFTER = timedelta(minutes=15)
IDLE = timedelta(days=1)  # TODAY only carries the data: it comes round once a day
GAP = timedelta(hours=1)  # off this long: the hole is marked unobserved
BLIND = 30  # minutes unobserved in what a rule judges: it does not judge
KEEP = timedelta(days=400)  # how far off the deadlines that only carry data are due
SENSORS = frozenset(
    {
        DeviceRole.MOTION,
        DeviceRole.PRESENCE,
        DeviceRole.DOOR,
        DeviceRole.FRONT_DOOR,
        DeviceRole.FRIDGE_DOOR,
        DeviceRole.BED,
        DeviceRole.CHAIR,
        DeviceRole.PLUG,
    }
)


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


def sensor_availability(entities: EntityRegistry) -> frozenset[str] | None:
    """The `available.*` entities of the activity sensors; None: any device counts."""
    if entities.config is None:
        return None
    return frozenset(
        f"available.{slugify(d.name)}"
        for d in entities.config.devices.values()
        if d.role in SENSORS
    )


class RoutineRule(BaseRule):
    """Learns the days as they pass; a kind adds `plan`, `on_day`, `check` and `observed`."""

    listens_to = ACTIVITY | {C.AVAILABLE, C.RADIO}
    config: RoutineConfig

    def __init__(self, config: RoutineConfig) -> None:
        super().__init__(config)
        self.days: list[Day] = []
        self.builder: DayBuilder
        self.memo: dict[str, Any] = {}
        self._armed = False  # SAVE is pending
        self._silent: set[str] = set()
        self._sensors: frozenset[str] | None = None
        self._baseline: Baseline | None = None

    @property
    def runs(self) -> int:
        """Days kept beyond the window: a rule about runs of days learns from before them."""
        return 1

    def wants(self, entity: Entity) -> bool:
        return entity.capability in self.listens_to  # the whole flat

    # -- the life of the rule ------------------------------------------------------------------

    def start(self, ctx: RuleContext, now: datetime) -> None:
        layout = Layout.from_registry(ctx.entities)
        self._sensors = sensor_availability(ctx.entities)
        learned = ctx.pending(DAYS)
        try:
            self.days = (
                [Day.from_json(d) for d in (learned.data.get("days") or [])] if learned else []
            )
        except (KeyError, TypeError, ValueError):
            log.exception("%s: the days learned could not be read; learning anew", self.rule_id)
            self.days = []
        saved = ctx.pending(TODAY)
        closed: list[Day] = []
        today = saved.data.get("today") if saved is not None else None
        try:
            builder = (
                DayBuilder.from_json(today, layout, ctx.tz) if isinstance(today, dict) else None
            )
        except (KeyError, TypeError, ValueError):
            log.exception("%s: today's counts could not be read; today starts anew", self.rule_id)
            builder = None
        if saved is not None and builder is not None:
            self.builder = builder
            self.memo = dict(saved.data.get("memo") or {})
            heard = max([self.builder.now, *(o.ts for o in ctx.state.values() if o.ts <= now)])
            if now - heard >= GAP:
                closed = self.builder.pause(heard, now)
            else:
                closed = self.builder.advance(now)
        else:
            self.builder = DayBuilder(layout, ctx.tz, now)
        for obs in ctx.state.values():
            self._availability(obs)
        self._keep(closed)
        self._save_days(ctx)
        ctx.every(MIDNIGHT, Calendar(time(0)))
        self.plan(ctx)
        self.on_day(ctx, now)
        self.save(ctx, now)

    def stop(self, ctx: RuleContext) -> None:
        """The rule is replaced (a reload): today's counts go to the store now."""
        self.save(ctx, self.builder.now)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if obs.entity.startswith(("available.", "radio.")):
            self._availability(obs)
            return
        closed = self.builder.observe(obs)
        if closed:
            self._adopt(closed, ctx, obs.ts)
        self.observed(obs, ctx)
        if not self._armed:  # a small deadline: the day is written once, when it comes
            ctx.at(SAVE, obs.ts + SAVE_AFTER)
            self._armed = True

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        due = deadline.due
        closed = self.builder.advance(due)
        if closed:
            self._adopt(closed, ctx, due)
        name = deadline.data.get("name")
        if name in (SAVE, TODAY):
            self.save(ctx, due)
        elif name == DAYS:
            self._save_days(ctx)  # a year without a new day: carry the data on
        elif name != MIDNIGHT:
            self.check(str(name), deadline, ctx)

    # -- what a kind adds ----------------------------------------------------------------------

    def plan(self, ctx: RuleContext) -> None:
        """The rule starts: arm its calendar deadlines, if it has any."""

    def on_day(self, ctx: RuleContext, now: datetime) -> None:
        """A day has begun (or the rule started, or learned): plan today's look."""

    def check(self, name: str, deadline: Deadline, ctx: RuleContext) -> None:
        """The rule's own deadline has come."""

    def observed(self, obs: Observation, ctx: RuleContext) -> None:
        """An observation went into today's day (to clear a finding, say)."""

    # -- learning ------------------------------------------------------------------------------

    def history_wanted(self) -> list[date]:
        """The past days of the window this rule has not seen, to be read from the store."""
        today = self.builder.day.day
        known = {d.day for d in self.days}
        back = self.config.learn_days + self.runs - 1
        wanted = (today - timedelta(days=n) for n in range(1, back + 1))
        return sorted(d for d in wanted if d not in known)

    def learn(self, history: Iterable[object], ctx: RuleContext) -> None:
        """Past days read from the store: added where the rule had none."""
        known = {d.day for d in self.days}
        today = self.builder.day.day
        new = [d for d in history if isinstance(d, Day) and d.day < today and d.day not in known]
        if not new:
            return
        self._keep(new)
        self._save_days(ctx)
        log.info("%s: learned %d days from the store", self.rule_id, len(new))
        self.on_day(ctx, self.builder.now)
        self.save(ctx, self.builder.now)

    def baseline(self, today: date | None = None) -> Baseline:
        """The usual day, from the days before `today` (default: the builder's day)."""
        if today is not None:
            return Baseline(self.days, today, self.config.learn_days)
        if self._baseline is None:
            self._baseline = Baseline(self.days, self.builder.day.day, self.config.learn_days)
        return self._baseline

    def learned(self, day: date) -> Day | None:
        for d in self.days:
            if d.day == day:
                return d
        return None

    # -- judging ------------------------------------------------------------------------------

    @property
    def rule_id(self) -> str:
        return self.config.rule_id

    def ready(self, baseline: Baseline) -> bool:
        return baseline.days >= self.config.min_days

    def blind(self, since: datetime, until: datetime) -> str | None:
        """Why the rule cannot judge this span of today, or None if it can."""
        why = None
        if self._silent:
            why = f"sensors silent: {', '.join(sorted(self._silent))}"
        elif (missing := self.builder.unobserved(since, until)) > BLIND:
            why = f"{missing} minutes not watched since {since.isoformat()}"
        if why is not None:
            log.info("%s: today is not judged (%s)", self.rule_id, why)
        return why

    def today_at(self, minutes: int) -> datetime:
        return self.builder.at(minutes)

    # -- memory --------------------------------------------------------------------------------

    def save(self, ctx: RuleContext, now: datetime) -> None:
        """Today's unfinished day and the memo, into the store with a deadline that waits."""
        ctx.at(TODAY, now + IDLE, {"today": self.builder.to_json(), "memo": self.memo})
        if self._armed:
            ctx.cancel(SAVE)
            self._armed = False

    def _adopt(self, closed: list[Day], ctx: RuleContext, now: datetime) -> None:
        self._keep(closed)
        self._save_days(ctx)
        self.on_day(ctx, now)
        self.save(ctx, now)

    def _keep(self, days: Iterable[Day]) -> None:
        by_day = {d.day: d for d in self.days}
        by_day.update((d.day, d) for d in days)
        first = self.builder.day.day - timedelta(days=self.config.learn_days + self.runs)
        self.days = [by_day[k] for k in sorted(by_day) if k >= first]
        self._baseline = None

    def _save_days(self, ctx: RuleContext) -> None:
        ctx.at(DAYS, self.builder.now + KEEP, {"days": [d.to_json() for d in self.days]})

    def _availability(self, obs: Observation) -> None:
        entity = obs.entity
        if entity.startswith("available."):
            if self._sensors is not None and entity not in self._sensors:
                return
        elif not entity.startswith("radio."):
            return
        if obs.value is False:
            self._silent.add(entity)
        else:
            self._silent.discard(entity)
