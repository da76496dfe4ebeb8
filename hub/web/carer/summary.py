"""The daily summary: one calm sentence about a day, and its numbers.

Computed from the store's observations in the home's time zone: when the resident got up,
kitchen visits, time out of the flat, bathroom visits at night (the night before the day's
morning, 22:00–06:00), and the day's alerts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiohttp import web

from hub.config.model import RoomKind
from hub.i18n import translator
from hub.model import Observation
from hub.store.retention import local_midnight
from hub.web.auth import require

if TYPE_CHECKING:
    from hub.app import Hub

ROLES = ("carer", "installer")
GOT_UP_AFTER = time(5, 0)
NIGHT_FROM = time(22, 0)
NIGHT_UNTIL = time(6, 0)
VISIT_GAP = timedelta(minutes=10)  # motion this far apart starts a new visit
OUT_MIN = timedelta(minutes=10)  # a quiet stretch between door events this long is "out"
ALERTS_SCAN = 200


@dataclass
class Summary:
    got_up: datetime | None = None
    kitchen: int = 0
    out: list[tuple[datetime, datetime]] = field(default_factory=list)
    night_bathroom: int = 0
    alerts: int = 0

    @property
    def out_minutes(self) -> int:
        return round(sum((b - a).total_seconds() for a, b in self.out) / 60)


def visits(times: Iterable[datetime], gap: timedelta = VISIT_GAP) -> int:
    """Motion times counted as visits: a new visit after `gap` without motion."""
    count = 0
    last: datetime | None = None
    for ts in sorted(times):
        if last is None or ts - last >= gap:
            count += 1
        last = ts
    return count


def summarize(
    observations: Iterable[Observation],
    room_of: dict[str, str],
    kinds: dict[str, RoomKind],
    day: date,
    tz: ZoneInfo,
) -> Summary:
    """The numbers of `day` from observations covering the night before and the day."""
    start = local_midnight(day, tz)
    end = local_midnight(day + timedelta(days=1), tz)
    up_from = datetime.combine(day, GOT_UP_AFTER, tzinfo=tz)
    night = (
        datetime.combine(day - timedelta(days=1), NIGHT_FROM, tzinfo=tz),
        datetime.combine(day, NIGHT_UNTIL, tzinfo=tz),
    )
    out = Summary()
    kitchen: list[datetime] = []
    bathroom: list[datetime] = []
    motion: list[datetime] = []
    doors: list[datetime] = []
    for obs in sorted(observations, key=lambda o: o.ts):
        capability = obs.entity.partition(".")[0]
        kind = kinds.get(room_of.get(obs.entity, ""))
        if capability == "motion" and obs.value is True:
            if night[0] <= obs.ts < night[1] and kind is RoomKind.BATHROOM:
                bathroom.append(obs.ts)
            if start <= obs.ts < end:
                motion.append(obs.ts)
                if kind is RoomKind.KITCHEN:
                    kitchen.append(obs.ts)
        up_sign = (capability == "motion" and obs.value is True) or (
            capability == "bed_occupancy" and obs.value is False
        )
        if up_sign and out.got_up is None and up_from <= obs.ts < end:
            out.got_up = obs.ts
        if obs.entity == "contact.front_door" and start <= obs.ts < end:
            doors.append(obs.ts)
    out.kitchen = visits(kitchen)
    out.night_bathroom = visits(bathroom)
    for a, b in itertools.pairwise(doors):
        if b - a >= OUT_MIN and not any(a < m < b for m in motion):
            if out.out and out.out[-1][1] == a:
                out.out[-1] = (out.out[-1][0], b)
            else:
                out.out.append((a, b))
    return out


def sentence(s: Summary, t: Callable[[str], str], tz: ZoneInfo) -> str:
    """ "Aufgestanden 07:10, Küche 3×, draußen 10:40–11:50, nachts 1× im Bad, keine Meldungen"."""

    def hm(ts: datetime) -> str:
        return ts.astimezone(tz).strftime("%H:%M")

    parts = [
        t("carer_sum_up").replace("{t}", hm(s.got_up)) if s.got_up else t("carer_sum_not_up"),
        t("carer_sum_kitchen").replace("{n}", str(s.kitchen)),
        t("carer_sum_out").replace(
            "{spans}", t("carer_sum_and").join(f"{hm(a)}–{hm(b)}" for a, b in s.out)
        )
        if s.out
        else t("carer_sum_not_out"),
        t("carer_sum_night").replace("{n}", str(s.night_bathroom))
        if s.night_bathroom
        else t("carer_sum_no_night"),
        t("carer_sum_alerts").replace("{n}", str(s.alerts))
        if s.alerts > 1
        else t("carer_sum_one_alert")
        if s.alerts == 1
        else t("carer_sum_no_alerts"),
    ]
    return ", ".join(parts)


def setup(app: web.Application) -> None:
    app.router.add_get("/carer/summary", summary_page)


def _day(raw: str | None, today: date) -> date | None:
    if not raw:
        return today
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


async def summary_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    from hub.web.app import _lang
    from hub.web.carer import _hub, _page

    hub: Hub = _hub(request)
    tz = hub.config.home.tz
    now = hub.clock.now()
    today = now.astimezone(tz).date()
    day = _day(request.query.get("day"), today)
    if day is None or day > today or len(request.query.get("day", "")) > 10:
        raise web.HTTPBadRequest(text="day must be a date YYYY-MM-DD, not in the future")
    start = local_midnight(day, tz)
    end = min(local_midnight(day + timedelta(days=1), tz), now + timedelta(seconds=1))
    night_start = datetime.combine(day - timedelta(days=1), NIGHT_FROM, tzinfo=tz)
    room_of = {e.id: e.room for e in hub.entities if e.room}
    wanted = {e for e in room_of if e.partition(".")[0] in ("motion", "bed_occupancy")}
    wanted.add("contact.front_door")
    observations = await hub.store.observations(min(night_start, start), end, wanted)
    kinds = {rid: room.kind for rid, room in hub.config.rooms.items()}
    s = summarize(observations, room_of, kinds, day, tz)
    alerts = await hub.alerts.recent_alerts(ALERTS_SCAN)
    s.alerts = sum(1 for a in alerts if start <= a.opened < end and not a.system)
    t = translator(_lang(request))
    return _page(
        request,
        "summary.html",
        day=day.strftime("%d.%m.%Y"),
        day_iso=day.isoformat(),
        previous=(day - timedelta(days=1)).isoformat(),
        next=(day + timedelta(days=1)).isoformat() if day < today else "",
        sentence=sentence(s, t, tz),
        got_up=s.got_up.astimezone(tz).strftime("%H:%M") if s.got_up else "–",
        kitchen=s.kitchen,
        out_minutes=s.out_minutes,
        night_bathroom=s.night_bathroom,
        alerts=s.alerts,
    )
