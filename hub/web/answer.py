"""The provider's answer page, /r/<token>: the request, and big Confirm and Decline buttons.

No sign-in: the token in the link is the authority (128 random bits, one request, valid for
14 days; only its hash is stored). The form is protected like the other forms sent before
signing in, by the double-submitted CSRF cookie the page sets. Unknown links count as
failures for the sign-in throttle. Every view and answer goes into the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.services import messages
from hub.services.requests import Request, RequestState

if TYPE_CHECKING:
    from hub.app import Hub

PREFIX = "/r/"
LINK_PATH = r"{token:[A-Za-z0-9_-]{16,64}}"


def setup(app: web.Application) -> None:
    app.router.add_get(PREFIX + LINK_PATH, answer_page)
    app.router.add_post(PREFIX + LINK_PATH, answer_form)


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB

    return request.app[HUB]


def _peer(request: web.Request) -> str:
    return request.remote or "?"


def _page(request: web.Request, found: Request | None, status: int = 200) -> web.Response:
    from hub.web.accounts import _form_csrf
    from hub.web.app import TEMPLATES
    from hub.web.resident.services import service_name

    hub = _hub(request)
    config = hub.config
    lang = config.home.language.value
    context: dict[str, Any] = {"found": found}
    if found is not None:
        contact = config.contacts.get(found.provider)
        if contact is not None and contact.language is not None:
            lang = contact.language.value
        facts = found.details
        context.update(
            number=found.id,
            sentence=messages.explain(facts, lang),
            service=facts.get("name")
            or service_name(config, found.service, config.services.get(found.service), lang),
            state=found.state.value,
            answer=found.answer,
            open=found.state in (RequestState.REQUESTED, RequestState.SENT),
            closed=found.state in (RequestState.CANCELLED, RequestState.FAILED),
        )
    from hub.i18n import translator

    html = request.app[TEMPLATES].render(
        "answer.html",
        t=translator(lang),
        lang=lang,
        home=config.home.name,
        csrf=_form_csrf(request),
        lang_switch=False,
        **context,
    )
    return web.Response(text=html, content_type="text/html", status=status)


def _refused(request: web.Request) -> web.Response:
    from hub.web.app import GATE

    request.app[GATE].throttle.failed(_peer(request))
    _hub(request).store.audit(f"link:{_peer(request)}", "request.link_refused", request.path[:12])
    return _page(request, None, status=404)


async def answer_page(request: web.Request) -> web.Response:
    from hub.web.app import GATE

    if request.app[GATE].throttle.blocked(_peer(request)):
        raise web.HTTPTooManyRequests(text="too many tries; wait a minute")
    hub = _hub(request)
    found = await hub.requests.by_token(request.match_info["token"])
    if found is None:
        return _refused(request)
    hub.store.audit(f"link:{found.provider}", "request.view", f"request {found.id}")
    return _page(request, found)


async def answer_form(request: web.Request) -> web.Response:
    from hub.web.app import GATE

    if request.app[GATE].throttle.blocked(_peer(request)):
        raise web.HTTPTooManyRequests(text="too many tries; wait a minute")
    hub = _hub(request)
    form = await request.post()
    decision, note = form.get("decision"), form.get("note", "")
    if decision not in ("confirm", "decline") or not isinstance(note, str):
        raise web.HTTPBadRequest(text="decision must be confirm or decline")
    token = request.match_info["token"]
    answered = await hub.requests.answer_link(token, decision == "confirm", note)
    if answered is None:
        return _refused(request)
    raise web.HTTPSeeOther(request.path)
