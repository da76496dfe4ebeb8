"""Reminders on the carer page: the list, a form to make or change one, and their history.

Reminders written in obhut.yaml are listed read-only; those made here are stored (see
hub.reminders) and run beside them from the moment they are saved (`Hub.apply_rules`). Every
change is audited. Pictures are served at /pictures/<name> to the tablet and the carers, and
only while a reminder shows them.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.i18n import translator
from hub.reminders import Draft, StoredReminder
from hub.reminders import pictures as pics
from hub.web.auth import require
from hub.web.carer import (
    daily_words,  # noqa: F401 - registers the pages' words
    reminder_history,
)
from hub.web.carer.reminder_form import (
    TIME_SLOTS,
    WITHIN_MINUTES,
    Posted,
    Problem,
    check,
    notify_choices,
    read_posted,
    say,
    span,
    values_of,
)
from rules.config import WEEKDAYS

if TYPE_CHECKING:
    from hub.app import Hub
    from rules.config import RuleConfig

ROLES = ("carer", "installer")
VIEWERS = ("resident", "carer", "installer")


def setup(app: web.Application) -> None:
    app.router.add_get("/carer/reminders", list_page)
    app.router.add_get("/carer/reminders/new", new_page)
    app.router.add_post("/carer/reminders", create)
    app.router.add_get("/carer/reminders/history", reminder_history.history_page)
    app.router.add_get("/carer/reminders/{id:\\d+}", edit_page)
    app.router.add_post("/carer/reminders/{id:\\d+}", update)
    app.router.add_post("/carer/reminders/{id:\\d+}/delete", delete)
    app.router.add_get("/pictures/{name}", picture)


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB

    return request.app[HUB]


def _t(request: web.Request) -> Any:
    from hub.web.app import _lang

    return translator(_lang(request))


def _page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    from hub.web.app import _render
    from hub.web.carer import NAV

    hub = _hub(request)
    return _render(
        request,
        f"carer/{template}",
        status=status,
        home=hub.config.home.name,
        nav=NAV,
        here="/carer/reminders",
        **context,
    )


# The list


def _who(hub: Hub, notify: str | tuple[str, ...], t: Any) -> str:
    if isinstance(notify, str):
        return say(t, "rem_policy", name=notify)
    return ", ".join(hub.config.contacts[c].name if c in hub.config.contacts else c for c in notify)


def _row(hub: Hub, config: RuleConfig, t: Any, stored: StoredReminder | None) -> dict[str, Any]:
    days = getattr(config, "weekdays", ())
    within = getattr(config, "confirm_within", timedelta(minutes=30))
    picture = getattr(config, "picture", None)
    missing = [
        c
        for c in ((config.notify,) if isinstance(config.notify, str) else config.notify)
        if c not in hub.file_config.contacts and c not in hub.file_config.escalation
    ]
    return {
        "id": stored.id if stored else None,
        "text": getattr(config, "text", ""),
        "times": ", ".join(f"{a:%H:%M}" for a in getattr(config, "at", ())),
        "days": ", ".join(t(f"wd_{d}") for d in days) if days else t("rem_every_day"),
        "within": span(t, int(within.total_seconds() // 60)),
        "who": _who(hub, config.notify, t),
        "missing": ", ".join(missing),
        "medication": bool(getattr(config, "medication", False)),
        "picture": f"/pictures/{picture}" if picture else None,
    }


async def list_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    t = _t(request)
    from_file = [
        _row(hub, r, t, None) for r in hub.file_config.rules if r.kind == "reminder" and r.enabled
    ]
    made_here = [_row(hub, s.rule_config(), t, s) for s in hub.reminders.active]
    done = request.query.get("done")
    return _page(
        request,
        "reminders.html",
        from_file=from_file,
        made_here=made_here,
        done=done if done in ("saved", "deleted") else None,
    )


# The form


def _form(
    request: web.Request,
    stored: StoredReminder | None,
    posted: Posted | None = None,
    problems: list[Problem] | None = None,
) -> web.Response:
    hub = _hub(request)
    t = _t(request)
    options = [(key, say(t, "rem_policy", name=key[7:])) for key in notify_choices(hub.config)]
    options = [
        (key, label if key.startswith("policy:") else hub.config.contacts[key[8:]].name)
        for key, label in options
    ]
    picture = stored.draft.picture if stored else None
    return _page(
        request,
        "reminder_form.html",
        status=422 if problems else 200,
        stored=stored,
        values=values_of(posted, stored.draft if stored else None),
        problems=problems or [],
        wrong={p.field for p in problems or []},
        slots=range(TIME_SLOTS),
        weekdays=WEEKDAYS,
        within=[(str(m), span(t, m)) for m in WITHIN_MINUTES],
        notify=options,
        picture=f"/pictures/{picture}" if picture else None,
    )


async def new_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    return _form(request, None)


async def edit_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    stored = await _hub(request).reminders.get(int(request.match_info["id"]))
    if stored is None:
        raise web.HTTPNotFound()
    return _form(request, stored)


async def _submitted(
    request: web.Request, stored: StoredReminder | None
) -> tuple[Draft | None, Posted, list[Problem], bytes | None]:
    """The form checked, with its picture prepared: a draft, or the problems."""
    hub = _hub(request)
    t = _t(request)
    posted = await read_posted(request)
    if posted.broken:
        return None, posted, [Problem("form", t("rem_form_broken"))], None
    draft, problems = check(posted, hub.config, t)
    jpeg = None
    if posted.too_big:
        problems.append(Problem("picture", t("rem_picture_too_big")))
    elif posted.picture is not None:
        try:
            jpeg = await asyncio.to_thread(pics.prepare, posted.picture)
        except pics.PictureRefused as refused:
            problems.append(Problem("picture", t(f"rem_picture_{refused.reason}")))
    return (None if problems else draft), posted, problems, jpeg


def _describe(draft: Draft) -> str:
    times = ",".join(f"{a:%H:%M}" for a in draft.times)
    days = ",".join(draft.weekdays) or "every day"
    who = draft.notify if isinstance(draft.notify, str) else ",".join(draft.notify)
    minutes = int(draft.confirm_within.total_seconds() // 60)
    extra = (" medication" if draft.medication else "") + (" picture" if draft.picture else "")
    return f"{draft.text!r} at {times} ({days}), confirm within {minutes} min, notify {who}{extra}"


async def create(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    hub = _hub(request)
    draft, posted, problems, jpeg = await _submitted(request, None)
    if draft is None:
        return _form(request, None, posted, problems)
    data_dir = hub.config.storage.data_dir
    if jpeg is not None:
        draft = _with_picture(draft, await asyncio.to_thread(pics.save, data_dir, jpeg))
    added = await hub.reminders.add(draft, session.actor, hub.clock.now())
    hub.apply_rules()
    hub.store.audit(session.actor, "reminder.create", added.rule_id, _describe(draft))
    raise web.HTTPSeeOther("/carer/reminders?done=saved")


def _with_picture(draft: Draft, picture: str | None) -> Draft:
    from dataclasses import replace

    return replace(draft, picture=picture)


async def update(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    hub = _hub(request)
    stored = await hub.reminders.get(int(request.match_info["id"]))
    if stored is None:
        raise web.HTTPNotFound()
    draft, posted, problems, jpeg = await _submitted(request, stored)
    if draft is None:
        return _form(request, stored, posted, problems)
    data_dir = hub.config.storage.data_dir
    old = stored.draft.picture
    if jpeg is not None:
        draft = _with_picture(draft, await asyncio.to_thread(pics.save, data_dir, jpeg))
    elif posted.one("remove_picture") != "on":
        draft = _with_picture(draft, old)
    await hub.reminders.change(stored.id, draft, session.actor, hub.clock.now())
    if old and old != draft.picture:
        await asyncio.to_thread(pics.remove, data_dir, old)
    hub.apply_rules()
    hub.store.audit(session.actor, "reminder.change", stored.rule_id, _describe(draft))
    raise web.HTTPSeeOther("/carer/reminders?done=saved")


async def delete(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    hub = _hub(request)
    stored = await hub.reminders.get(int(request.match_info["id"]))
    if stored is None:
        raise web.HTTPNotFound()
    await hub.reminders.delete(stored.id, session.actor, hub.clock.now())
    await asyncio.to_thread(pics.remove, hub.config.storage.data_dir, stored.draft.picture)
    hub.apply_rules()
    # Off the tablet too: a reminder that no longer exists cannot be confirmed.
    for alert in await hub.alerts.open_alerts():
        if alert.rule == stored.rule_id:
            await hub.alerts.resolve(alert.id, f"web:{session.actor}")
    hub.store.audit(session.actor, "reminder.delete", stored.rule_id, _describe(stored.draft))
    raise web.HTTPSeeOther("/carer/reminders?done=deleted")


# Pictures


async def picture(request: web.Request) -> web.StreamResponse:
    """A reminder's picture, for the tablet and the carers; only while a reminder shows it."""
    require(request, *VIEWERS)
    hub = _hub(request)
    name = request.match_info["name"]
    shown = {getattr(r, "picture", None) for r in hub.config.rules if r.kind == "reminder"}
    path = pics.path_of(hub.config.storage.data_dir, name) if name in shown else None
    if path is None:
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Content-Type": pics.content_type(name)})
