"""wake_up: no sign of getting up in the morning by a set time, per weekday.

    - kind: wake_up
      id: aufstehen
      by: "10:00"                  # or per weekday: {mon: "09:00", sat: "10:30"}
      weekdays: [mon, tue, wed, thu, fri]   # default: every day (not with a per-weekday `by`)
      rooms: [kueche, bad]         # default: the whole flat
      since: "05:00"               # default; a sign of life before it is the night, not getting up
      pre_alert: 5m                # default: the tablet asks for 5 minutes before anyone is called
      suspend_when_away: true      # default

Getting up is: motion, a presence sensor turning on, a door, window or fridge opening or
closing, an appliance switched on (power rising to 5 W or more) in the watched rooms; and,
wherever they are, leaving the bed, "I'm OK" and a confirmed reminder on the tablet. A trip to
the bathroom in the night, before `since`, does not count. If the bedroom's motion sensor sees
the bed (turning over sets it off), leave the bedroom out of `rooms`: leaving the bed still counts.

Suspended while the resident is away: "Away" pressed on the tablet (until "Back" or a sign of
life at home a while after leaving), or the front door closed and nobody moving inside for 10
minutes after it, since the evening or whenever. The first sign of getting up clears the alert.

What the rule knows between mornings (woken up, alert open, away) travels in the data of its
calendar deadlines, so a restart does not forget that she was up at 07:00.
The helpers below (daily deadlines with that memo, the away tracker, "gestern 22:10") are used
by check_in and reminder as well.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Discriminator, Tag, model_validator

from hub.config.problems import ConfigValueError
from hub.config.units import Bool, Duration, Slug, TimeOfDay
from hub.model import Capability, Deadline, Entity, Observation, Severity
from hub.scheduler import Calendar
from rules.base import BaseRule
from rules.config import WEEKDAYS, RuleConfig, Weekday
from rules.engine import RuleContext

log = logging.getLogger(__name__)
C = Capability

FRONT_DOOR = "contact.front_door"
AWAY_CHECK = "away_check"
# The front door closed and nobody moved inside for this long: the resident went out.
AWAY_AFTER = timedelta(minutes=10)
# After "Away" on the tablet she is still putting on her coat: movement then is her leaving.
AWAY_GRACE = timedelta(minutes=15)
# After the front door closes behind her, a motion sensor may still report for a moment.
DOOR_GRACE = timedelta(minutes=2)
# An appliance drawing this much was switched on by someone (a fridge's standby is less).
POWER_ON = 5.0

# `by: "10:00"` or `by: {mon: "09:00", sat: "10:30"}`; only the matching form's errors are shown.
DailyTime = Annotated[
    Annotated[TimeOfDay, Tag("time")] | Annotated[dict[Weekday, TimeOfDay], Tag("days")],
    Discriminator(lambda v: "days" if isinstance(v, dict) else "time"),
]

RAISED = {
    "de": "Bis {by} keine Bewegung heute früh{last}",
    "en": "No movement this morning by {by}{last}",
}
LAST = {"de": " (zuletzt {when}{where})", "en": " (last {when}{where})"}
CLEARED = {"de": "Lebenszeichen um {time} ({where})", "en": "Sign of life at {time} ({where})"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Config(RuleConfig):
    kind: Literal["wake_up"] = "wake_up"
    by: DailyTime
    weekdays: tuple[Weekday, ...] = ()  # empty: every day
    rooms: tuple[Slug, ...] = ()  # empty: the whole flat
    since: TimeOfDay = time(5, 0)
    pre_alert: Duration | None = timedelta(minutes=5)
    severity: Severity = Severity.URGENT
    suspend_when_away: Bool = True

    @model_validator(mode="after")
    def _times_make_sense(self) -> Config:
        check_daily(self.by, self.weekdays, self.since)
        return self


# -- helpers shared with check_in and reminder ------------------------------------------------


def check_daily(by: time | dict[Weekday, time], weekdays: tuple[Weekday, ...], since: time) -> None:
    """`by` and `weekdays` not both per weekday, and every `by` after `since`."""
    if isinstance(by, dict) and not by:
        raise ConfigValueError(
            "no weekday is given", expected='a time, or weekdays with times: {mon: "09:00"}'
        )
    if isinstance(by, dict) and weekdays:
        raise ConfigValueError(
            "the weekdays are given twice, in `by` and in `weekdays`",
            hint="drop `weekdays`: only the days listed under `by` are checked",
        )
    for t in by.values() if isinstance(by, dict) else (by,):
        if t <= since:
            raise ConfigValueError(
                f"the deadline {t:%H:%M} is not after `since` ({since:%H:%M})",
                expected="a time later in the day than `since`",
                hint=f'set `since` earlier, e.g. since: "{min(t, time(4)):%H:%M}"',
            )


def daily_times(
    by: time | dict[Weekday, time], weekdays: tuple[Weekday, ...]
) -> dict[time, frozenset[int] | None]:
    """Each distinct time with the weekdays (0 = Monday) it applies on; None for every day."""
    if not isinstance(by, dict):
        return {by: frozenset(WEEKDAYS.index(d) for d in weekdays) if weekdays else None}
    grouped: dict[time, set[int]] = {}
    for day, t in by.items():
        grouped.setdefault(t, set()).add(WEEKDAYS.index(day))
    return {t: frozenset(days) for t, days in sorted(grouped.items())}


class Daily:
    """A rule's calendar deadlines, one per time of day, each carrying the rule's memo.

    The memo is the little a rule must not forget over a restart (she was up at 07:00, an alert
    is open, she is away); the scheduler persists it with the deadline.
    """

    def __init__(self, prefix: str, times: Mapping[time, frozenset[int] | None]) -> None:
        self.prefix = prefix
        self.calendars = {f"{prefix}_{t:%H%M}": Calendar(t, days) for t, days in times.items()}

    def start(self, ctx: RuleContext) -> dict[str, Any]:
        """Arm the deadlines; return the memo left by the last run (also of changed times)."""
        memo: dict[str, Any] | None = None
        stale_prefix = ctx.key(self.prefix + "_")
        for deadline in ctx.scheduler.pending():
            if not deadline.key.startswith(stale_prefix):
                continue
            name = str(deadline.data.get("name"))
            if memo is None:
                memo = {k: v for k, v in deadline.data.items() if k not in ("rule", "name")}
            if name not in self.calendars:
                ctx.cancel(name)  # a time the installer has since changed
        memo = memo or {}
        self.save(ctx, memo)
        return memo

    def save(self, ctx: RuleContext, memo: dict[str, Any]) -> None:
        for name, calendar in self.calendars.items():
            ctx.every(name, calendar, memo)


def day_start(ts: datetime, since: time, tz: ZoneInfo) -> datetime:
    """The latest `since` wall time at or before `ts`, as UTC (a skipped one moves forward)."""
    local = ts.astimezone(tz)
    for back in range(3):
        day = local.date() - timedelta(days=back)
        start = datetime.combine(day, since, tzinfo=tz).astimezone(UTC)
        if start <= ts:
            return start
    raise AssertionError("a time of day comes round within two days")  # pragma: no cover


def when(ts: datetime, ref: datetime, ctx: RuleContext) -> str:
    """`heute 03:10`, `gestern 22:10`, `am 2.5. 18:00` relative to `ref`, in the home's zone."""
    day, today = ts.astimezone(ctx.tz).date(), ref.astimezone(ctx.tz).date()
    de = ctx.lang == "de"
    if day == today:
        word = "heute" if de else "today"
    elif day == today - timedelta(days=1):
        word = "gestern" if de else "yesterday"
    else:
        word = f"am {day.day}.{day.month}." if de else f"on {day.day} {_MONTHS[day.month - 1]}"
    return f"{word} {ctx.clock(ts)}"


def iso(ts: datetime | None) -> str | None:
    return None if ts is None else ts.isoformat()


def parse(text: object) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) else None


class SignsOfLife:
    """Which observations show someone moving about; power counts when it is switched on."""

    capabilities = frozenset(
        {C.MOTION, C.PRESENCE, C.CONTACT, C.BED_OCCUPANCY, C.POWER, C.CHECK_IN, C.REMINDER}
    )

    def __init__(self) -> None:
        self._on: dict[str, bool] = {}  # presence and power: a steady report is no news

    def load(self, state: Mapping[str, Observation]) -> None:
        for obs in state.values():
            if obs.capability is C.PRESENCE or obs.capability is C.POWER:
                self(obs)

    def __call__(self, obs: Observation) -> bool:
        cap = obs.capability
        if cap is C.MOTION or cap is C.CHECK_IN:
            return obs.value is True
        if cap is C.PRESENCE or cap is C.POWER:
            on = obs.value is True if cap is C.PRESENCE else _watts(obs.value) >= POWER_ON
            was = self._on.get(obs.entity, False)
            self._on[obs.entity] = on
            return on and not was
        return cap in (C.CONTACT, C.BED_OCCUPANCY, C.REMINDER)


def _watts(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


class Away:
    """Whether the resident is out: "Away" on the tablet, or (by_door) the door then stillness."""

    def __init__(self, by_door: bool) -> None:
        self.by_door = by_door
        self.since: datetime | None = None
        self._grace_until: datetime | None = None

    def load(self, memo: Mapping[str, Any], state: Mapping[str, Observation]) -> None:
        self.since = parse(memo.get("away_since"))
        self._grace_until = parse(memo.get("away_grace"))
        pressed = state.get("away.tablet")
        if "away_since" not in memo and pressed is not None and pressed.value is True:
            self.since = pressed.ts  # the store knew before any memo did

    def dump(self, memo: dict[str, Any]) -> None:
        memo["away_since"] = iso(self.since)
        memo["away_grace"] = iso(self._grace_until)

    def observe(self, obs: Observation, sign_of_life: bool, ctx: RuleContext) -> bool:
        """Follow the resident out and in; True when the memo changed."""
        if obs.capability is C.AWAY:
            if obs.value is True:
                self.since = self.since or obs.ts
                self._grace_until = obs.ts + AWAY_GRACE
            else:
                self.since = self._grace_until = None
            return True
        if obs.entity == FRONT_DOOR:
            if obs.value is False:
                grace = self._grace_until
                if self.since is not None and grace is not None and obs.ts <= grace:
                    self._grace_until = obs.ts + DOOR_GRACE  # she has just left
                    return True
                if self.by_door and self.since is None:
                    ctx.at(AWAY_CHECK, obs.ts + AWAY_AFTER, {"door": obs.ts.isoformat()})
            return False
        if not sign_of_life:
            return False
        if self.by_door:
            ctx.cancel(AWAY_CHECK)  # someone is inside
        grace = self._grace_until
        if self.since is not None and (grace is None or obs.ts > grace):
            self.since = self._grace_until = None
            return True
        return False

    def door_quiet(self, deadline: Deadline) -> bool:
        """The front door closed and nobody moved inside: out since then."""
        if self.since is not None:
            return False
        self.since = parse(deadline.data.get("door")) or deadline.due
        return True


# -- the rule ----------------------------------------------------------------------------------


class Rule(BaseRule):
    """A calendar deadline per time of day; when it comes, was there a sign of getting up?"""

    listens_to = SignsOfLife.capabilities | {C.AWAY}
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._daily = Daily("by", daily_times(config.by, config.weekdays))
        self._signs = SignsOfLife()
        self._away = Away(by_door=True)
        self._woke: datetime | None = None
        self._alerted: datetime | None = None
        self._last: tuple[datetime, str | None] | None = None

    def wants(self, entity: Entity) -> bool:
        return entity.capability in self.listens_to  # every room: coming home ends "away"

    def start(self, ctx: RuleContext, now: datetime) -> None:
        memo = self._daily.start(ctx)
        self._signs.load(ctx.state)
        self._woke = parse(memo.get("woke"))
        self._alerted = parse(memo.get("alerted"))
        if self.config.suspend_when_away:
            self._away.load(memo, ctx.state)
        seen = [o for o in ctx.state.values() if self._in_scope(o, ctx) and self._seen(o)]
        if seen:
            last = max(seen, key=lambda o: o.ts)
            self._last = (last.ts, ctx.entity_room(last.entity))

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        sign = self._signs(obs)
        changed = False
        if self.config.suspend_when_away:
            changed = self._away.observe(obs, sign and obs.entity != FRONT_DOOR, ctx)
        if self._in_scope(obs, ctx) and (sign or self._seen(obs)):
            self._last = (obs.ts, ctx.entity_room(obs.entity))
        if sign and self._gets_up(obs, ctx):
            if self._alerted is not None:
                self._clear(obs, ctx)
                changed = True
            morning = day_start(obs.ts, self.config.since, ctx.tz)
            if self._woke is None or self._woke < morning:
                self._woke = obs.ts
                changed = True
        if changed:
            self._save(ctx)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        name = deadline.data["name"]
        if name == AWAY_CHECK:
            if self._away.door_quiet(deadline):
                self._save(ctx)
            return
        if name not in self._daily.calendars:
            return
        due = deadline.due
        if self._woke is not None and self._woke >= day_start(due, self.config.since, ctx.tz):
            return
        if self._away.since is not None:
            log.info("%s: away since %s, not checked", self.config.rule_id, self._away.since)
            return
        if self._alerted is not None:
            return  # yesterday's alert is still open: the carer knows
        by = f"{self._daily.calendars[name].time:%H:%M}"
        last = ""
        if self._last is not None:
            ts, room = self._last
            where = f", {ctx.room_name(room)}" if room else ""
            last = ctx.say(LAST, when=when(ts, due, ctx), where=where)
        self._alerted = due
        ctx.emit(
            self.finding(
                ctx,
                due,
                summary=f"no sign of getting up by {by} in {self._where()}",
                explanation=ctx.say(RAISED, by=by, last=last),
                subject=self.config.rule_id,
                room=self.config.rooms[0] if len(self.config.rooms) == 1 else None,
                evidence=tuple(
                    [f"since {day_start(due, self.config.since, ctx.tz).isoformat()}"]
                    + ([f"last activity {self._last[0].isoformat()}"] if self._last else [])
                ),
            )
        )
        self._save(ctx)

    def _clear(self, obs: Observation, ctx: RuleContext) -> None:
        room = ctx.entity_room(obs.entity)
        entity = ctx.entities.get(obs.entity)
        where = ctx.room_name(room) if room else (entity.name if entity else obs.entity)
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"up: {obs.entity} at {obs.ts.isoformat()}",
                explanation=ctx.say(CLEARED, time=ctx.clock(obs.ts), where=where),
                subject=self.config.rule_id,
                entity=obs.entity,
                room=room,
                cleared=True,
            )
        )
        self._alerted = None

    def _in_scope(self, obs: Observation, ctx: RuleContext) -> bool:
        return not self.config.rooms or ctx.entity_room(obs.entity) in self.config.rooms

    @staticmethod
    def _seen(obs: Observation) -> bool:
        """Someone was there (a sensor going quiet marks the last moment someone moved)."""
        return obs.capability in (C.MOTION, C.PRESENCE) or (
            obs.capability is C.BED_OCCUPANCY and obs.value is True
        )

    def _gets_up(self, obs: Observation, ctx: RuleContext) -> bool:
        cap = obs.capability
        if cap is C.BED_OCCUPANCY:
            return obs.value is False  # leaving the bed, in whatever room
        if cap is C.CHECK_IN or cap is C.REMINDER:
            return True  # she touched the tablet or pressed her button
        return self._in_scope(obs, ctx)

    def _save(self, ctx: RuleContext) -> None:
        memo: dict[str, Any] = {"woke": iso(self._woke), "alerted": iso(self._alerted)}
        self._away.dump(memo)
        self._daily.save(ctx, memo)

    def _where(self) -> str:
        return ", ".join(self.config.rooms) if self.config.rooms else "flat"
