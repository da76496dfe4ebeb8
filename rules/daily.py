"""What the daily rules share (wake_up, check_in, reminder): daily deadlines that carry the
rule's memory across restarts, the resident being away, and what counts as a sign of life."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Discriminator, Tag, model_validator

from hub.config.problems import ConfigValueError
from hub.config.units import Bool, TimeOfDay
from hub.model import Capability, Deadline, Observation
from hub.scheduler import Calendar
from rules.config import WEEKDAYS, RuleConfig, Weekday
from rules.context import RuleContext

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

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


class DailyConfig(RuleConfig):
    """The keys of a rule that looks once a day by a time (wake_up, check_in, carer_visit)."""

    by: DailyTime
    weekdays: tuple[Weekday, ...] = ()  # empty: every day
    since: TimeOfDay = time(4, 0)  # what happens before it belongs to the night before
    suspend_when_away: Bool = True

    @model_validator(mode="after")
    def _times_make_sense(self) -> DailyConfig:
        check_daily(self.by, self.weekdays, self.since)
        return self


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
