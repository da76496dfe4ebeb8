"""The facts of a daily summary, gathered from a running hub: its store, alerts and health.

Told before noon, a summary is about the night just ended, getting up today, and yesterday;
told later, about today so far. The day's numbers are the routine's (rules/routine.py: the
same getting up, kitchen visits and outings its rules judge), "usual" is its `Baseline` of
the 28 days before, and the bed sensor tells how the night went (hub/insights/day.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hub.alerts.messages import name_of
from hub.alerts.model import Alert
from hub.config.model import Config, RoomKind
from hub.insights.day import beds, night_before, reads_from
from hub.insights.facts import AlertNote, DayFacts, Usual
from hub.model import Severity, slugify
from hub.store.retention import local_midnight
from rules.routine import Baseline, Day, DayBuilder, Layout, Unusual
from rules.routine_baseline import ACTIVE_FROM, LOW_ACTIVITY, WAKE_SLACK
from rules.routine_learn import activity_entities, read_days
from rules.routine_rule import SENSORS

if TYPE_CHECKING:
    from hub.app import Hub

MORNING_UNTIL = time(12, 0)  # a summary told before this is about yesterday and the night
LEARN_DAYS = 28
MIN_DAYS = 7  # the routine's: fewer days learned, nothing is called usual
NIGHT_SIDE = frozenset({"wake", "bedtime", "night_bathroom"})  # known once she is up
LUNCH_OVER = time(15, 0)
MIN_HOME = 120  # minutes at home since 06:00 before the day so far can be compared
# Nothing at all from the flat this long, with nobody out or in bed: the data is missing.
SILENT_AFTER = timedelta(hours=4)
ALERTS_SCAN = 200
WET_ROOMS = (RoomKind.BATHROOM, RoomKind.TOILET)  # a shower radar there is no chair


def is_morning(at: time) -> bool:
    return at < MORNING_UNTIL


async def facts_at(hub: Hub, now: datetime) -> DayFacts:
    """The summary told at `now`, as the scheduled message tells it."""
    tz = hub.config.home.tz
    today = now.astimezone(tz).date()
    morning = is_morning(now.astimezone(tz).time())
    day = today - timedelta(days=1) if morning else today
    return await day_facts(hub, day, now, morning=morning, alerts_since=now - timedelta(days=1))


async def day_facts(
    hub: Hub,
    day: date,
    now: datetime,
    *,
    morning: bool = False,
    alerts_since: datetime | None = None,
) -> DayFacts:
    """The facts of `day` (and, `morning`, of the night and morning after it) as of `now`.

    Alerts count from `alerts_since` (default the start of `day`) until `now`.
    """
    config, tz = hub.config, hub.config.home.tz
    told = day + timedelta(days=1) if morning else day  # whose night and getting up
    until = min(now, local_midnight(told + timedelta(days=1), tz))

    def finished(d: date) -> bool:
        return local_midnight(d + timedelta(days=1), tz) <= until

    learning = [day - timedelta(days=n) for n in range(LEARN_DAYS, 0, -1)]
    wanted = learning + [d for d in {day, told} if finished(d)]
    days = {d.day: d for d in await read_days(hub.store.observations, hub.entities, tz, wanted)}
    builder = None
    if finished(told):
        current = days.get(told) or Day(told)
    else:
        builder = await _today(hub, told, until)
        current = builder.day
    daytime = (days.get(day) or Day(day)) if morning else current
    baseline = Baseline(list(days.values()), today=day, window=LEARN_DAYS)
    now_local = until.astimezone(tz).time()
    found = [u for u in baseline.unusual(current) if u.feature in NIGHT_SIDE]
    if builder is not None:
        found += _not_up(baseline, now_local, builder)
    if finished(day):
        found += [u for u in baseline.unusual(daytime) if u.feature not in NIGHT_SIDE]
    else:
        found += _so_far(baseline, current, now_local)
    verdict = {u.feature: u.direction for u in found}
    usual = Usual(baseline.days >= MIN_DAYS, verdict, _ranges(baseline))
    layout = Layout.from_registry(hub.entities)
    bed = beds(layout.room_of, layout.kinds)
    watched = bed | {e for e in layout.room_of if e.startswith("motion.")}
    night = night_before(
        await hub.store.observations(reads_from(told, tz), until, watched), bed, told, tz
    )
    alerts = await hub.alerts.recent_alerts(ALERTS_SCAN)
    since = alerts_since or local_midnight(day, tz)
    notes = [_note(config, a) for a in reversed(alerts) if _counts(a, since, until)]
    got_up = _at(told, current.wake, tz)
    if got_up is None and builder is not None:
        got_up = builder.awake_since()
    out_since = builder.out_since(until) if builder is not None and not morning else None
    silent_since: datetime | None = None
    devices: tuple[str, ...] = ()
    if until >= now:  # what is missing is known only of now, not of a day gone by
        explained = out_since is not None or night.in_bed_now
        silent_since, devices = await _silence(hub, until, explained, alerts)
    return DayFacts(
        day=day,
        morning=morning,
        tz=config.home.timezone,
        told_at=now,
        night_in_bed=night.in_bed,
        night_up=night.up,
        night_up_minutes=night.up_minutes,
        night_bathroom=current.night_bathroom,
        got_up=got_up,
        in_bed=night.in_bed_now,
        kitchen=daytime.kitchen_visits if _sees_kitchen(layout) else None,
        out=tuple(_span(day, a, b, tz) for a, b in daytime.outings),
        out_since=out_since,
        alerts=tuple(notes),
        silent_since=silent_since,
        silent_devices=devices,
        usual=usual,
    )


async def _today(hub: Hub, day: date, until: datetime) -> DayBuilder:
    """The routine's day so far, from 18:00 the evening before (for the night)."""
    tz = hub.config.home.tz
    start = datetime.combine(day - timedelta(days=1), time(18), tzinfo=tz)
    builder = DayBuilder(Layout.from_registry(hub.entities), tz, start)
    for obs in await hub.store.observations(start, until, activity_entities(hub.entities)):
        builder.observe(obs)
    builder.advance(max(until, local_midnight(day, tz)))
    return builder


def _not_up(baseline: Baseline, now: time, builder: DayBuilder) -> list[Unusual]:
    """Not up long after her latest usual time (and not out): said, never "as usual"."""
    wake = baseline.wake
    if baseline.days < MIN_DAYS or wake is None or builder.awake_since() is not None:
        return []
    if now.hour * 60 + now.minute <= wake.high + WAKE_SLACK or builder.out_since(builder.now):
        return []
    return [Unusual("wake", None, wake, "missing")]


def _so_far(baseline: Baseline, today: Day, now: time) -> list[Unusual]:
    """What is unusual about a day still going: lunch missed once it is over, little movement
    so far (as the routine rules judge it). A day without any sign of her counts too."""
    if baseline.days < MIN_DAYS or today.away:
        return []
    found: list[Unusual] = []
    if now >= LUNCH_OVER:
        found += [u for u in baseline.unusual(today) if u.feature == "lunch"]
    if now.hour > ACTIVE_FROM + 1:
        counted = today.hourly()[ACTIVE_FROM : now.hour]
        home = 60 * len(counted) - sum(today.out[ACTIVE_FROM : now.hour])
        usual = baseline.activity_until(now.hour, home) if home >= MIN_HOME else None
        if usual is not None and sum(counted) < LOW_ACTIVITY * usual.median:
            found.append(Unusual("activity", sum(counted), usual, "less"))
    return found


def _ranges(baseline: Baseline) -> dict[str, tuple[float, float]]:
    named = {
        "wake": baseline.wake,
        "bedtime": baseline.bedtime,
        "night_bathroom": baseline.night_bathroom,
        "kitchen_visits": baseline.kitchen_visits,
        "out_minutes": baseline.out_minutes,
        "lunch": baseline.lunch,
    }
    return {k: (u.low, u.high) for k, u in named.items() if u is not None}


def _at(day: date, minutes: int | None, tz: ZoneInfo) -> datetime | None:
    """The routine's minutes after `day`'s midnight as a time (1440: the next midnight)."""
    if minutes is None:
        return None
    if minutes >= 24 * 60:
        return local_midnight(day + timedelta(days=1), tz)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)


def _span(day: date, a: int, b: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start, end = _at(day, a, tz), _at(day, b, tz)
    assert start is not None and end is not None
    return start, end


def _sees_kitchen(layout: Layout) -> bool:
    kitchens = {r for r, k in layout.kinds.items() if k is RoomKind.KITCHEN}
    return any(
        room in kitchens and layout.place(e) is not None for e, room in layout.room_of.items()
    )


def _counts(alert: Alert, since: datetime, until: datetime) -> bool:
    """An alert the family hears of: about her, not the technology or a reminder for her."""
    return (
        not alert.system and alert.severity is not Severity.INFO and since <= alert.opened < until
    )


def _note(config: Config, alert: Alert) -> AlertNote:
    by = alert.data.get("resolved_by") or alert.acknowledged_by
    return AlertNote(alert.state.value, name_of(config, by))


async def _silence(
    hub: Hub, until: datetime, explained: bool, alerts: Iterable[Alert]
) -> tuple[datetime | None, tuple[str, ...]]:
    """Since when data is missing, and from which devices (none named: from all of them).

    Quiet is no missing data while she is out, in bed or on a chair (a mat reports nothing
    while she sits still), nor once an alert was raised about her (a still person).
    """
    layout = Layout.from_registry(hub.entities)
    wet = {e for e, r in layout.room_of.items() if layout.kinds.get(r) in WET_ROOMS}
    state = await hub.store.current_state()
    radio = state.get("radio.zigbee")
    if radio is not None and radio.value is False:
        return radio.ts, ()
    # available.<device> is named after the device (hub/entities.py); the sensors that see
    # her day count, as for the routine rules
    devices = {
        f"available.{slugify(d.name)}": d.name
        for d in hub.config.devices.values()
        if d.role in SENSORS
    }
    dead = sorted(
        (obs.ts, devices[eid])
        for eid, obs in state.items()
        if eid in devices and obs.value is False
    )
    if dead:
        return dead[0][0], tuple(name for _, name in dead)
    newest = max((obs.ts for obs in state.values() if obs.ts <= until), default=None)
    if newest is None or until - newest < SILENT_AFTER:
        return None, ()
    seated = any(
        obs.value is True and e.startswith("presence.") and e not in wet for e, obs in state.items()
    )
    raised = any(a.opened >= newest and not a.system for a in alerts)  # a still person
    return (None, ()) if explained or seated or raised else (newest, ())
