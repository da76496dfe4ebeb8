"""The reminders' history on the carer page: each one shown, and what became of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from hub.reminders import history
from hub.store.retention import local_midnight
from hub.web.auth import require
from hub.web.carer.reminder_form import say
from rules.config import WEEKDAYS

ROLES = ("carer", "installer")
RANGES = {"week": 7, "month": 30}


async def history_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    from hub.web.carer.reminders import _hub, _page, _t

    hub = _hub(request)
    t = _t(request)
    chosen = request.query.get("range", "week")
    days = RANGES.get(chosen, RANGES["week"])
    tz = hub.config.home.tz
    now = hub.clock.now()
    start = local_midnight(now.astimezone(tz).date() - timedelta(days=days - 1), tz)
    entities = {e.id for e in hub.entities if e.id.startswith("reminder.")} | {"reminder.tablet"}
    found = await history.occurrences(hub.store, start, now + timedelta(seconds=1), entities)
    texts = {r.rule_id: getattr(r, "text", "") for r in hub.config.rules}
    deleted = {s.rule_id for s in await hub.reminders.all(include_deleted=True) if s.deleted}

    def clock(ts: datetime | None) -> str:
        return "" if ts is None else ts.astimezone(tz).strftime("%H:%M")

    def who(by: str | None) -> str:
        if not by:
            return ""
        contact = hub.config.contacts.get(by)
        return contact.name if contact else by.rsplit(":", 1)[-1]

    rows: dict[str, list[dict[str, Any]]] = {}
    for o in reversed(found):
        day = o.shown.astimezone(tz)
        label = f"{t('wd_' + WEEKDAYS[day.weekday()] + '_long')}, {day:%d.%m.%Y}"
        entity = hub.entities.get(o.confirmed_on) if o.confirmed_on else None
        where = (
            t("rem_confirmed_on_tablet")
            if o.confirmed_on in (None, "reminder.tablet") or entity is None
            else say(t, "rem_confirmed_on", where=entity.name)
        )
        rows.setdefault(label, []).append(
            {
                "at": o.at,
                "shown": clock(o.shown),
                "text": o.text or texts.get(o.rule, ""),  # as it was shown then
                "deleted": o.rule in deleted,
                "confirmed": say(t, "rem_confirmed_at", time=clock(o.confirmed)) + " " + where
                if o.confirmed
                else None,
                "missed": o.missed,
                "open": o.open and not o.missed,
                "told": [
                    say(t, "rem_told_at", who=who(x.contact), channel=x.channel, time=clock(x.when))
                    for x in o.told
                ],
                "acknowledged": say(
                    t, "rem_ack_by", who=who(o.acknowledged_by), time=clock(o.acknowledged)
                )
                if o.acknowledged_by
                else "",
            }
        )
    return _page(request, "reminder_history.html", days=list(rows.items()), chosen=chosen)
