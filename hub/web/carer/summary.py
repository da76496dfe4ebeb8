"""The daily summary: the family's calm sentence about a day, and its numbers.

The sentence is the one the daily message tells (hub/insights/summary.py); the numbers are
the learned routine's (rules/routine.py): when the resident got up, kitchen visits, time out
of the flat, bathroom visits at night (22:00–06:00 before the day's morning), and the day's
alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiohttp import web

from hub.i18n import translator
from hub.insights.daily import day_facts
from hub.insights.day import visits
from hub.insights.summary import compose
from hub.store.retention import local_midnight
from hub.web.auth import require

if TYPE_CHECKING:
    from hub.app import Hub

ROLES = ("carer", "installer")
ALERTS_SCAN = 200
__all__ = ["Summary", "sentence", "setup", "visits"]


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
    facts = await day_facts(hub, day, now)
    s = Summary(facts.got_up, facts.kitchen or 0, list(facts.out), facts.night_bathroom)
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
        message=compose(facts, _lang(request)),
        sentence=sentence(s, t, tz),
        got_up=s.got_up.astimezone(tz).strftime("%H:%M") if s.got_up else "–",
        kitchen=s.kitchen,
        out_minutes=s.out_minutes,
        night_bathroom=s.night_bathroom,
        alerts=s.alerts,
    )
