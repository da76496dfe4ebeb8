"""The resident's days, kept once per engine for all its routine rules (rules/kinds/routine_*).

The routine rules all watch the same flat, so they share one `RoutineTracker` (the engine's
shared state `routine`, rules/engine.py): one `DayBuilder` fed each activity observation once,
one window of learned days (as long as the rule that looks back furthest needs), written once.
Every rule of an engine sees the flat through the engine's registry, so one Layout serves all.

Each day learned rides in the data of a deadline of its own, `shared:routine:day:<date>`,
written once when the day ends (or is learned) and dropped when it leaves the window. Today's
unfinished day rides in `shared:routine:today`, written a quarter of an hour after a change (a
small deadline waits for that): a restart or a power cut loses at most a quarter of an hour of
observations, and when the hub was off longer than an hour the hole is marked unobserved.
Hubs in the field keep no routine state of the rules' first version (it was never released),
so nothing is migrated from it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from hub.config.model import DeviceRole
from hub.entities import EntityRegistry
from hub.model import Capability, Deadline, Entity, Observation, slugify
from hub.scheduler import Calendar
from rules.routine import Baseline, Day, DayBuilder, Layout
from rules.routine_day import ACTIVITY

if TYPE_CHECKING:
    from rules.context import RuleContext

log = logging.getLogger(__name__)

ROUTINE = "routine"  # the key of the shared state
DAY = "day:"  # a day learned, in a deadline that waits: `day:2026-04-27`
MIDNIGHT = "midnight"  # closes the day
SAVE = "save"  # a quarter of an hour after a change: TODAY is written again
TODAY = "today"  # today's unfinished day
SAVE_AFTER = timedelta(minutes=15)
IDLE = timedelta(days=1)  # TODAY only carries the data: it comes round once a day
GAP = timedelta(hours=1)  # off this long: the hole is marked unobserved
KEEP = timedelta(days=400)  # how far off the deadlines that only carry data are due
WATCHED = ACTIVITY | {Capability.AVAILABLE, Capability.RADIO}
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

NewDay = Callable[[datetime], None]  # a rule hears that a day has begun (or days were learned)


def sensor_availability(entities: EntityRegistry) -> frozenset[str] | None:
    """The `available.*` entities of the activity sensors; None: any device counts."""
    if entities.config is None:
        return None
    return frozenset(
        f"available.{slugify(d.name)}"
        for d in entities.config.devices.values()
        if d.role in SENSORS
    )


class RoutineTracker:
    """Today so far, the days before it, and which activity sensors are silent."""

    def __init__(self) -> None:
        self.days: list[Day] = []
        self.builder: DayBuilder
        self.silent: set[str] = set()
        self._sensors: frozenset[str] | None = None
        self._armed = False  # SAVE is pending
        self._back = 1  # days kept before today: the most any rule looks back
        self._followers: list[tuple[str, NewDay]] = []
        self._baselines: dict[tuple[date, int], Baseline] = {}
        self._ctx: RuleContext

    def wants(self, entity: Entity) -> bool:
        return entity.capability in WATCHED

    def follow(self, rule_id: str, back: int, new_day: NewDay) -> None:
        """A rule that looks `back` days into the past hears of each day begun or learned."""
        self._back = max(self._back, back)
        self._followers.append((rule_id, new_day))

    # -- the life of the shared state ---------------------------------------------------------

    def start(self, ctx: RuleContext, now: datetime) -> None:
        self._ctx = ctx
        layout = Layout.from_registry(ctx.entities)
        self._sensors = sensor_availability(ctx.entities)
        self.days = sorted(self._stored(ctx), key=lambda d: d.day)
        saved = ctx.pending(TODAY)
        closed: list[Day] = []
        today = saved.data.get("today") if saved is not None else None
        try:
            builder = (
                DayBuilder.from_json(today, layout, ctx.tz) if isinstance(today, dict) else None
            )
        except (KeyError, TypeError, ValueError):
            log.exception("routine: today's counts could not be read; today starts anew")
            builder = None
        if builder is not None:
            self.builder = builder
            heard = max([builder.now, *(o.ts for o in ctx.state.values() if o.ts <= now)])
            closed = builder.pause(heard, now) if now - heard >= GAP else builder.advance(now)
        else:
            self.builder = DayBuilder(layout, ctx.tz, now)
        for obs in ctx.state.values():
            self._availability(obs)
        # Not trimmed yet: the rules that say how far they look back follow after this start
        self._keep(closed, trim=False)
        ctx.every(MIDNIGHT, Calendar(time(0)))
        self.save(now)

    def stop(self, ctx: RuleContext) -> None:
        """A reload replaces the tracker: today's counts go to the store now."""
        self.save(self.builder.now)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if obs.entity.startswith(("available.", "radio.")):
            self._availability(obs)
            return
        closed = self.builder.observe(obs)
        if closed:
            self._adopt(closed, obs.ts)
        if not self._armed:  # a small deadline: the day is written once, when it comes
            ctx.at(SAVE, obs.ts + SAVE_AFTER)
            self._armed = True

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        self.advance(deadline.due)
        name = deadline.data.get("name")
        if name in (SAVE, TODAY):
            self.save(deadline.due)
        elif isinstance(name, str) and name.startswith(DAY):  # kept 400 days: carry it on
            day = self.learned(date.fromisoformat(name.removeprefix(DAY)))
            if day is not None:
                self._save_day(day)

    def advance(self, now: datetime) -> None:
        """Move on to `now` (a rule's deadline has come): the days that ended are adopted."""
        closed = self.builder.advance(now)
        if closed:
            self._adopt(closed, now)

    # -- learning ------------------------------------------------------------------------------

    def history_wanted(self) -> list[date]:
        """The past days the rules look back on that are not known, to be read from the store."""
        today = self.builder.day.day
        known = {d.day for d in self.days}
        wanted = (today - timedelta(days=n) for n in range(1, self._back))
        return sorted(d for d in wanted if d not in known)

    def learn(self, history: Iterable[object], ctx: RuleContext) -> None:
        """Past days read from the store: added where there were none."""
        known = {d.day for d in self.days}
        today = self.builder.day.day
        new = [d for d in history if isinstance(d, Day) and d.day < today and d.day not in known]
        if not new:
            return
        self._keep(new)
        log.info("routine: learned %d days from the store", len(new))
        self._tell(self.builder.now)

    def baseline(self, today: date, window: int) -> Baseline:
        """The usual day from the `window` days before `today`."""
        found = self._baselines.get((today, window))
        if found is None:
            found = self._baselines[(today, window)] = Baseline(self.days, today, window)
        return found

    def learned(self, day: date) -> Day | None:
        for d in self.days:
            if d.day == day:
                return d
        return None

    # -- memory --------------------------------------------------------------------------------

    def save(self, now: datetime) -> None:
        """Today's unfinished day, into the store with a deadline that waits."""
        self._ctx.at(TODAY, now + IDLE, {"today": self.builder.to_json()})
        if self._armed:
            self._ctx.cancel(SAVE)
            self._armed = False

    def _adopt(self, closed: list[Day], now: datetime) -> None:
        self._keep(closed)
        self.save(now)
        self._tell(now)

    def _tell(self, now: datetime) -> None:
        """Every rule plans its new day; one that fails does not keep it from the others."""
        for rule_id, new_day in self._followers:
            try:
                new_day(now)
            except Exception:
                log.exception("rule %s failed to plan its day", rule_id)

    def _keep(self, days: Iterable[Day], trim: bool = True) -> None:
        """Add (or replace) `days`, each written to the store; drop those out of the window."""
        by_day = {d.day: d for d in self.days}
        for day in days:
            by_day[day.day] = day
            self._save_day(day)
        first = self.builder.day.day - timedelta(days=self._back) if trim else date.min
        for old in [k for k in by_day if k < first]:
            del by_day[old]
            self._ctx.cancel(f"{DAY}{old.isoformat()}")
        self.days = [by_day[k] for k in sorted(by_day)]
        self._baselines.clear()

    def _save_day(self, day: Day) -> None:
        self._ctx.at(f"{DAY}{day.day.isoformat()}", self.builder.now + KEEP, {"day": day.to_json()})

    def _stored(self, ctx: RuleContext) -> Iterable[Day]:
        """The days learned before, from their deadlines; one that cannot be read is dropped."""
        for deadline in ctx.pending_named(DAY):
            try:
                yield Day.from_json(deadline.data["day"])
            except (KeyError, TypeError, ValueError):
                log.exception("routine: %s could not be read; it is learned anew", deadline.key)
                ctx.scheduler.cancel(deadline.key)

    def _availability(self, obs: Observation) -> None:
        entity = obs.entity
        if entity.startswith("available."):
            if self._sensors is not None and entity not in self._sensors:
                return
        elif not entity.startswith("radio."):
            return
        if obs.value is False:
            self.silent.add(entity)
        else:
            self.silent.discard(entity)
