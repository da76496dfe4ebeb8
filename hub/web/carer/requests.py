"""The carer's page of service requests: every request, its state, and who answered how.

A request still open can be withdrawn here; a provider who was told hears that it is off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.alerts import wording
from hub.i18n import register
from hub.services import messages
from hub.services.requests import Request, RequestState
from hub.web.auth import require
from hub.web.carer.requests_words import WORDS

if TYPE_CHECKING:
    from hub.app import Hub

ROLES = ("carer", "installer")
SHOWN = 100
WITHDRAWABLE = (RequestState.REQUESTED, RequestState.SENT, RequestState.CONFIRMED)

register(WORDS)


def setup(app: web.Application) -> None:
    app.router.add_get("/carer/requests", requests_page)
    app.router.add_post("/carer/requests/{number:\\d+}/cancel", cancel_form)


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB

    return request.app[HUB]


def _row(hub: Hub, r: Request, lang: str) -> dict[str, Any]:
    from hub.web.resident.services import service_name

    config = hub.config
    now, tz = hub.clock.now(), config.home.tz
    contact = config.contacts.get(r.provider)
    name = r.details.get("name") or service_name(
        config, r.service, config.services.get(r.service), lang
    )
    call, sent = r.kind == "call", r.state is RequestState.SENT
    answered = ""
    if r.answered is not None:
        who = config.contacts[r.answered_by].name if r.answered_by in config.contacts else ""
        answered = wording.when(r.answered, now, tz, lang)
        answered = f"{who}, {answered}" if who else answered
    return {
        "id": r.id,
        "asked": wording.when(r.created, now, tz, lang),
        "service": name,
        "what": messages.what(r.details, lang),
        "to": contact.name if contact else r.provider,
        "state": r.state.value,
        "state_key": f"req_state_{'call_' if call and sent else ''}{r.state.value}",
        "answer": r.answer,
        "answered": answered,
        # a call request that went out cannot be taken back: they know already
        "withdrawable": r.state is RequestState.REQUESTED if call else r.state in WITHDRAWABLE,
    }


async def requests_page(request: web.Request) -> web.Response:
    from hub.web.app import _lang
    from hub.web.carer import _page

    require(request, *ROLES)
    hub = _hub(request)
    lang = _lang(request)
    rows = [_row(hub, r, lang) for r in await hub.requests.recent(SHOWN)]
    return _page(request, "requests.html", rows=rows)


async def cancel_form(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    hub = _hub(request)
    number = int(request.match_info["number"])
    await hub.requests.cancel(number, f"web:{session.actor}")
    raise web.HTTPSeeOther(f"/carer/requests#request-{number}")
