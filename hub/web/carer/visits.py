"""The visit log on the carer page: who came when, how long they stayed, and how it was recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.store.retention import local_midnight
from hub.web.auth import require
from hub.web.carer import daily_words  # noqa: F401 - registers the pages' words
from hub.web.carer.reminder_form import say
from rules.config import WEEKDAYS

if TYPE_CHECKING:
    from collections.abc import Callable

    from hub.app import Hub
    from hub.visits import Visit

ROLES = ("carer", "installer")
RANGES = {"week": 7, "month": 30}


def setup(app: web.Application) -> None:
    app.router.add_get("/carer/visits", visits_page)


def duration(t: Callable[[str], str], length: timedelta) -> str:
    minutes = round(length.total_seconds() / 60)
    if minutes < 60:
        return say(t, "vis_minutes", n=str(minutes))
    return say(t, "vis_hours", h=str(minutes // 60), m=str(minutes % 60))


def _via(hub: Hub, t: Callable[[str], str], entity: str | None) -> str:
    if entity is None:
        return ""
    if entity == "visit.tablet":
        return t("vis_tablet")
    known = hub.entities.get(entity)
    return say(t, "vis_button", name=known.name if known else entity.partition(".")[2])


def _row(hub: Hub, t: Callable[[str], str], visit: Visit, latest: bool) -> dict[str, Any]:
    tz = hub.config.home.tz
    arrived = visit.arrived.astimezone(tz)
    if visit.left is not None:
        left = visit.left.astimezone(tz)
        left_text = (
            left.strftime("%H:%M") if left.date() == arrived.date() else f"{left:%d.%m. %H:%M}"
        )
        status = None
    else:
        left_text = ""
        still_here = latest and hub.visits.is_open()
        status = t("vis_open") if still_here else t("vis_left_open")
    via = _via(hub, t, visit.arrived_via)
    if visit.left_via is not None and visit.left_via != visit.arrived_via:
        via += " / " + _via(hub, t, visit.left_via)
    names = [n for n in (visit.carer, visit.left_carer) if n]
    return {
        "day": f"{t('wd_' + WEEKDAYS[arrived.weekday()])}, {arrived:%d.%m.%Y}",
        "arrived": arrived.strftime("%H:%M"),
        "left": left_text,
        "status": status,
        "duration": duration(t, visit.duration) if visit.duration is not None else "",
        "carer": " / ".join(dict.fromkeys(names)) or t("vis_unknown"),
        "via": via,
    }


async def visits_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    from hub.i18n import translator
    from hub.web.app import HUB, _lang, _render
    from hub.web.carer import NAV

    hub = request.app[HUB]
    t = translator(_lang(request))
    chosen = request.query.get("range", "week")
    days = RANGES.get(chosen, RANGES["week"])
    tz = hub.config.home.tz
    now = hub.clock.now()
    start = local_midnight(now.astimezone(tz).date() - timedelta(days=days - 1), tz)
    visits = await hub.visits.between(start, now + timedelta(seconds=1))
    rows = [_row(hub, t, v, i == 0) for i, v in enumerate(visits)]
    total = sum((v.duration for v in visits if v.duration is not None), timedelta())
    return _render(
        request,
        "carer/visits.html",
        home=hub.config.home.name,
        nav=NAV,
        here="/carer/visits",
        rows=rows,
        chosen=chosen,
        total=say(
            t,
            "vis_total_one" if len(visits) == 1 else "vis_total",
            n=str(len(visits)),
            duration=duration(t, total),
        ),
    )
