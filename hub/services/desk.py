"""The request desk: the one door for asking a provider and for their answers.

Asking writes the request, its note and the note's delivery in one transaction through the
alerting (`AlertService.record`), so the message goes out through the persistent outbox with
its retries and its system alert when a number is refused: a request is never lost. Answers
come back by SMS ("JA 17", "NEIN 17 krank") or from the page the link opens.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from hub.alerts.lifecycle import Lifecycle
from hub.alerts.model import AlertState, DeliveryState
from hub.alerts.routing import preferred
from hub.alerts.service import AlertService
from hub.alerts.texts import MessageKind, parse_answer
from hub.clock import Clock
from hub.config.model import Config
from hub.config.services import Service, ServiceKind, provider_id
from hub.model import Severity
from hub.services.messages import explain, signature
from hub.services.requests import (
    ANSWERABLE,
    Request,
    RequestState,
    RequestTx,
    transact,
)
from hub.store import Store

log = logging.getLogger(__name__)

REQUEST_RULE = "service.request"  # the notes that carry requests' messages
LINK_DAYS = 14  # an answer link works this long
LEAD = timedelta(hours=1)  # an escort is asked for at least this far ahead
HISTORY = 50


class Refused(Exception):
    """A choice the service does not offer (any more): the tablet says so calmly."""


def provider_of(service_id: str, service: Service) -> str:
    """The contact id that receives the service's requests."""
    return service.provider_contact or provider_id(service_id)


def escort_days(service: Service, now: datetime, tz: Any) -> list[tuple[date, list[time]]]:
    """The days an escort can be asked for, each with its times still far enough ahead."""
    local = now.astimezone(tz)
    earliest = now + LEAD
    out = []
    for offset in range(service.days + 1):
        day = local.date() + timedelta(days=offset)
        times = [t for t in service.slots if datetime.combine(day, t, tzinfo=tz) >= earliest]
        if times:
            out.append((day, times))
    return out


class RequestDesk:
    """Asks providers on the resident's behalf and records what they answer."""

    def __init__(self, alerts: AlertService, store: Store, clock: Clock) -> None:
        self._alerts = alerts
        self._store = store
        self._clock = clock

    @property
    def config(self) -> Config:
        return self._alerts.config  # a reload reaches the alerting and this desk together

    # Asking

    async def ask(
        self, service_id: str, choice: dict[str, Any], *, by: str, key: str | None = None
    ) -> Request:
        """Record the request and hand its message to the outbox; Refused if not on offer."""
        config = self.config
        service = config.services.get(service_id)
        if service is None:
            raise Refused("unknown service")
        facts = self._facts(config, service_id, service, choice)
        token = None if service.kind is ServiceKind.CALL else secrets.token_urlsafe(16)
        base = config.web.public_url
        if token and base:
            facts["link"] = f"{base.rstrip('/')}/r/{token}"
        provider = provider_of(service_id, service)
        lang = config.home.language.value

        def change(lc: Lifecycle) -> Request:
            tx = RequestTx(lc.tx.conn)
            if key is not None and (earlier := tx.by_client_key(key)) is not None:
                return earlier  # the tablet sent it again after a lost answer: asked once
            tx.forget_expired()
            note = lc.tx.insert(
                rule=REQUEST_RULE,
                subject=service_id,
                kind="request",
                severity=Severity.INFO,
                state=AlertState.RESOLVED,
                opened=lc.now,
                summary=f"request {service_id} to {config.contacts[provider].name}",
                # what the carer's alert history shows; the provider's text is made per language
                data={"system": True, "request": facts, "explanation": explain(facts, lang)},
                resolved=lc.now,
            )
            request = tx.insert(
                number=note.id,
                service=service_id,
                kind=service.kind.value,
                provider=provider,
                details=facts,
                created=lc.now,
                asked_by=by,
                client_key=key,
                token=token,
                expires=lc.now + timedelta(days=LINK_DAYS) if token else None,
            )
            contact = config.contacts[provider]
            channels = lc.channels_of(provider, preferred(contact))
            if not channels:
                tx.set_state(request.id, RequestState.FAILED)
                return tx.get(request.id) or request
            kind = MessageKind.CALL_REQUEST if service.kind is ServiceKind.CALL else None
            # Quiet hours hold the message (a call request at night reaches them at 7).
            lc.tell(note, provider, channels[0], kind or MessageKind.REQUEST)
            return request

        request = await self._alerts.record(change)
        self._store.audit(by, "request.ask", f"request {request.id}", service_id)
        log.info("request %d: %s asked of %s", request.id, service_id, provider)
        return request

    def _facts(
        self, config: Config, service_id: str, service: Service, choice: dict[str, Any]
    ) -> dict[str, Any]:
        resident = next(iter(config.residents.values()), None)
        who = signature(
            resident.name if resident else config.home.name,
            resident.formal_name if resident else None,
            resident.address if resident else None,
            service.sign_as,
        )
        facts: dict[str, Any] = {"kind": service.kind.value, "service": service_id, "who": who}
        if service.name:
            facts["name"] = service.name
        if service.kind is ServiceKind.MEAL and service.menu:
            index = choice.get("item")
            if not isinstance(index, int) or isinstance(index, bool):
                raise Refused("pick a menu item")
            if not 0 <= index < len(service.menu):
                raise Refused("no such menu item")
            facts["item"] = service.menu[index]
        elif service.kind in (ServiceKind.MEAL, ServiceKind.SHOPPING) and service.order_text:
            facts["item"] = service.order_text
        elif service.kind is ServiceKind.ESCORT:
            facts.update(self._escort(config, service, choice))
        return facts

    def _escort(self, config: Config, service: Service, choice: dict[str, Any]) -> dict[str, Any]:
        place, day, at = choice.get("destination"), choice.get("date"), choice.get("time")
        if place not in (service.destinations or ()):
            raise Refused("no such destination")
        offered = {
            d.isoformat(): {t.strftime("%H:%M") for t in times}
            for d, times in escort_days(service, self._clock.now(), config.home.tz)
        }
        if day not in offered or at not in offered[str(day)]:
            raise Refused("that day or time is not offered (any more)")
        return {"place": place, "date": day, "time": at}

    # Answers

    async def answer_reply(self, contact_id: str, verb: str, number: int | None, body: str) -> bool:
        """An SMS answer; True if it was about one of this contact's requests."""
        parsed = parse_answer(body)
        note = parsed[2] if parsed else ""

        def pick(tx: RequestTx) -> Request | None:
            if number is not None:
                request = tx.get(number)
                return request if request is not None and request.provider == contact_id else None
            if verb == "ok":
                return None  # a bare OK is for alerts
            awaiting = tx.awaiting(contact_id)
            unanswered = [r for r in awaiting if r.answered is None]
            candidates = unanswered or awaiting
            return candidates[0] if candidates else None

        request = await self._answer(pick, verb != "no", note, contact_id, "sms")
        return request is not None

    async def answer_link(self, token: str, yes: bool, note: str) -> Request | None:
        """An answer from the link's page; None if the link is unknown or expired."""
        now = self._clock.now()

        def pick(tx: RequestTx) -> Request | None:
            request = tx.by_token(token)
            if request is None or (request.expires is not None and request.expires <= now):
                return None
            return request

        request = await transact(self._store, pick)
        if request is None:
            return None
        by = request.provider
        return await self._answer(pick, yes, note.strip()[:160], by, "link") or request

    async def _answer(
        self, pick: Callable[[RequestTx], Request | None], yes: bool, note: str, by: str, how: str
    ) -> Request | None:
        now = self._clock.now()

        def change(tx: RequestTx) -> Request | None:
            tx.refresh()
            request = pick(tx)
            if request is None or request.state not in ANSWERABLE or request.kind == "call":
                return None
            state = RequestState.CONFIRMED if yes else RequestState.DECLINED
            tx.set_answer(request.id, state, at=now, answer=note, by=by)
            return tx.get(request.id)

        request = await transact(self._store, change)
        if request is not None:
            action = "request.confirm" if yes else "request.decline"
            self._store.audit(by, action, f"request {request.id}", f"{how}: {note}".strip(": "))
            log.info("request %d %s by %s (%s)", request.id, request.state, by, how)
        return request

    # Reads and withdrawal

    async def recent(self, limit: int = HISTORY) -> list[Request]:
        """The newest requests, newest first, each in its current state."""

        def read(tx: RequestTx) -> list[Request]:
            tx.refresh()
            return tx.recent(limit)

        return await transact(self._store, read)

    async def by_token(self, token: str) -> Request | None:
        """The request a link names; None if unknown or expired."""
        now = self._clock.now()

        def read(tx: RequestTx) -> Request | None:
            tx.refresh()
            request = tx.by_token(token)
            if request is None or (request.expires is not None and request.expires <= now):
                return None
            return request

        return await transact(self._store, read)

    async def cancel(self, number: int, by: str) -> Request | None:
        """Withdraw a request; a provider who was told hears that it is off."""

        def change(lc: Lifecycle) -> Request | None:
            tx = RequestTx(lc.tx.conn)
            tx.refresh()
            request = tx.get(number)
            if request is None or request.state in (RequestState.CANCELLED, RequestState.FAILED):
                return None
            kinds = (MessageKind.REQUEST.value, MessageKind.CALL_REQUEST.value)
            lc.tx.cancel_pending(number, kinds)
            tx.set_state(number, RequestState.CANCELLED)
            note = lc.tx.get(number)
            told = [
                d
                for d in lc.tx.deliveries(number)
                if d.kind == MessageKind.REQUEST.value and d.state is DeliveryState.SENT
            ]
            if note is not None and told:
                lc.tell(note, told[0].contact, told[0].channel, MessageKind.REQUEST_CANCELLED)
            return tx.get(number)

        request = await self._alerts.record(change)
        if request is not None:
            self._store.audit(by, "request.cancel", f"request {number}")
        return request
