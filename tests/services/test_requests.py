"""A request's life through the whole hub: asked, its SMS through the outbox to the Twilio
stand-in, answered by SMS, refused, retried, withdrawn, and kept across a restart."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest

from hub.alerts.texts import sms_segments
from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.services.desk import Refused
from hub.services.requests import RequestState
from integrations.sms_twilio.standin import TwilioStandin

from .conftest import (
    ALI,
    BOUND,
    PETRA,
    PFLEGE,
    REFUSED,
    SCHMIDT,
    SENDER,
    T0,
    Flat,
    until,
    write_flat,
)

MEAL = {"item": 0}
ESCORT = {"destination": "arzt", "date": "2026-12-02", "time": "11:00"}  # Wednesday


async def state_of(flat: Flat, number: int) -> RequestState:
    return next(r for r in await flat.hub.requests.recent() if r.id == number).state


async def sent(flat: Flat, number: int) -> None:
    """Wait (bounded) until the outbox has handed the request's message to Twilio."""

    async def wait() -> None:
        while True:
            if await state_of(flat, number) is RequestState.SENT:
                return
            await asyncio.sleep(0.005)  # real HTTP on loopback between hub and stand-in

    await asyncio.wait_for(wait(), BOUND)


async def test_a_meal_is_ordered_by_sms_and_a_ja_confirms_it(flat: Flat) -> None:
    request = await flat.hub.requests.ask("essen", MEAL, by="resident:tablet-1")
    assert request.state is RequestState.REQUESTED and request.provider == "provider_essen"
    sms = (await until(lambda: flat.sms_to(SCHMIDT), "the order"))[0]
    n = request.id
    link = re.search(r"https://obhut\.example\.org/r/([\w-]{22})$", sms)
    assert link, sms
    assert sms == (
        f"Obhut - Wohnung Berger: Anfrage {n}. Frau Berger (Musterstr. 1) bestellt: "
        f"Menü 1: Gulasch. Antworten Sie JA {n} zum Bestätigen oder NEIN {n}. "
        f"Oder: https://obhut.example.org/r/{link.group(1)}"
    )
    assert sms_segments(sms) <= 2
    await sent(flat, n)

    await flat.reply(SCHMIDT, f"Ja, {n}")
    confirmed = next(r for r in await flat.hub.requests.recent() if r.id == n)
    assert confirmed.state is RequestState.CONFIRMED
    assert (confirmed.answered_by, confirmed.answer) == ("provider_essen", "")
    assert confirmed.answered == flat.clock.now()
    actions = [(e.actor, e.action) for e in await flat.hub.store.audit_entries(50)]
    assert ("resident:tablet-1", "request.ask") in actions
    assert ("provider_essen", "request.confirm") in actions
    assert flat.sms_to(PFLEGE) == []  # nobody else is bothered


async def test_an_escort_keeps_the_proposed_time_and_a_later_nein_declines(flat: Flat) -> None:
    n = (await flat.hub.requests.ask("begleitung", ESCORT, by="resident:t")).id
    sms = (await until(lambda: flat.sms_to(PETRA), "the escort request"))[0]
    assert (
        "Frau Berger (Musterstr. 1) bittet um Begleitung zum Arzt am Mittwoch, 2.12., 11:00." in sms
    )
    await flat.reply(PETRA, f"JA {n} lieber 11:30 Uhr")
    request = (await flat.hub.requests.recent())[0]
    assert (request.state, request.answer) == (RequestState.CONFIRMED, "lieber 11:30 Uhr")
    await flat.reply(PETRA, f"nein {n} bin krank")  # she changes her mind
    request = (await flat.hub.requests.recent())[0]
    assert (request.state, request.answer) == (RequestState.DECLINED, "bin krank")


async def test_an_english_provider_reads_english(flat: Flat) -> None:
    n = (await flat.hub.requests.ask("einkauf", {}, by="resident:t")).id
    sms = (await until(lambda: flat.sms_to(ALI), "the shopping request"))[0]
    assert sms.startswith(
        f"Obhut - Wohnung Berger: Request {n}. Frau Berger (Musterstr. 1) asks for some "
        f"shopping: Milch, Brot, Äpfel. Reply YES {n} to confirm or NO {n}. Or: https://"
    )
    await flat.reply(ALI, f"YES {n}")
    assert (await flat.hub.requests.recent())[0].state is RequestState.CONFIRMED


@pytest.mark.parametrize("public_url", [None])
async def test_without_a_public_address_the_sms_asks_for_ja_or_nein_only(flat: Flat) -> None:
    n = (await flat.hub.requests.ask("essen", MEAL, by="resident:t")).id
    sms = (await until(lambda: flat.sms_to(SCHMIDT), "the order"))[0]
    assert sms.endswith(f"Antworten Sie JA {n} zum Bestätigen oder NEIN {n}.")
    assert "http" not in sms


async def test_a_call_request_needs_no_answer(flat: Flat) -> None:
    request = await flat.hub.requests.ask("anrufen", {}, by="resident:t")
    sms = (await until(lambda: flat.sms_to(PETRA), "the call request"))[0]
    assert sms == "Obhut - Wohnung Berger: Nachricht vom Tablet. Mama bittet um einen Anruf."
    await sent(flat, request.id)
    await flat.reply(PETRA, f"JA {request.id}")
    assert (await flat.hub.requests.recent())[0].state is RequestState.SENT


async def test_answers_reach_only_the_providers_own_requests(flat: Flat) -> None:
    meal = (await flat.hub.requests.ask("essen", MEAL, by="resident:t")).id
    escort = (await flat.hub.requests.ask("begleitung", ESCORT, by="resident:t")).id
    await until(lambda: flat.sms_to(SCHMIDT) and flat.sms_to(PETRA))
    await sent(flat, meal)
    await flat.reply(PETRA, f"JA {meal}")  # Petra names the meal service's request
    await flat.reply("+4915199999999", f"JA {meal}")  # a stranger
    assert await state_of(flat, meal) is RequestState.SENT
    # "OK" with the number of her request confirms it; a bare "Ja" her newest open one
    await flat.reply(PETRA, f"OK {escort}")
    assert await state_of(flat, escort) is RequestState.CONFIRMED
    await flat.reply(SCHMIDT, "Ja gerne")
    assert await state_of(flat, meal) is RequestState.CONFIRMED
    actions = [(e.actor, e.action) for e in await flat.hub.store.audit_entries(50)]
    assert ("tochter", "reply not understood") in actions
    assert ("+4915199999999", "reply ignored") in actions
    assert await flat.hub.alerts.open_alerts() == []  # no alert acknowledged by mistake


async def test_a_refused_number_fails_the_request_and_tells_the_carers(flat: Flat) -> None:
    n = (await flat.hub.requests.ask("bote", {}, by="resident:t")).id
    alert = (await until(lambda: flat.sms_to(PFLEGE), "the system alert"))[0]
    assert "Die Telefonnummer von Bote ist ungültig (Twilio 21211)" in alert
    assert await state_of(flat, n) is RequestState.FAILED
    assert flat.sms_to(REFUSED) == []
    [system] = await flat.hub.alerts.open_alerts()
    assert system.subject == "sms:provider_bote"


async def test_a_twilio_outage_holds_the_request_until_a_retry_sends_it(flat: Flat) -> None:
    flat.twilio.fail_next(503, on="create")
    n = (await flat.hub.requests.ask("essen", MEAL, by="resident:t")).id
    await until(lambda: flat.twilio.requests, "the first try")

    async def failed_once() -> None:
        # The stand-in's 503 travels back over loopback: wait until the outbox has recorded
        # it (and planned the retry from the present), before time moves on.
        while True:
            if any(d.attempts >= 1 for d in await flat.hub.alerts.deliveries()):
                return
            await asyncio.sleep(0.005)

    await asyncio.wait_for(failed_once(), BOUND)
    assert await state_of(flat, n) is RequestState.REQUESTED  # "Angefragt", not failed
    assert flat.sms_to(SCHMIDT) == []
    await flat.clock.advance(timedelta(minutes=1))  # the outbox's first backoff (5 s ± 20 %)
    await until(lambda: flat.sms_to(SCHMIDT), "the retry")
    await sent(flat, n)


async def test_the_same_key_asks_once(flat: Flat) -> None:
    first = await flat.hub.requests.ask("essen", MEAL, by="resident:t", key="k" * 32)
    again = await flat.hub.requests.ask("essen", MEAL, by="resident:t", key="k" * 32)
    assert again.id == first.id
    await until(lambda: flat.sms_to(SCHMIDT))
    await flat.clock.advance(timedelta(seconds=5))
    assert len(flat.sms_to(SCHMIDT)) == 1
    assert len(await flat.hub.requests.recent()) == 1


@pytest.mark.parametrize(
    ("service", "choice"),
    [
        ("taxi", {}),
        ("essen", {}),
        ("essen", {"item": 2}),
        ("essen", {"item": True}),
        ("begleitung", {**ESCORT, "destination": "kino"}),
        ("begleitung", {**ESCORT, "date": "2026-12-09"}),  # beyond the 7 days offered
        ("begleitung", {**ESCORT, "date": "2026-12-01", "time": "09:00"}),  # now, too late
        ("begleitung", {**ESCORT, "time": "12:00"}),
        ("begleitung", {**ESCORT, "date": "morgen"}),
    ],
)
async def test_choices_not_on_offer_are_refused(
    flat: Flat, service: str, choice: dict[str, object]
) -> None:
    with pytest.raises(Refused):
        await flat.hub.requests.ask(service, choice, by="resident:t")
    assert await flat.hub.requests.recent() == []


async def test_today_offers_only_times_an_hour_ahead(flat: Flat) -> None:
    # 09:00 now: "Heute" offers 11:00 and 14:00, not 09:00
    n = (await flat.hub.requests.ask("begleitung", {**ESCORT, "date": "2026-12-01"}, by="r")).id
    assert await state_of(flat, n) is RequestState.REQUESTED


async def test_withdrawing_tells_a_provider_who_was_told_and_stops_one_who_was_not(
    flat: Flat,
) -> None:
    told = (await flat.hub.requests.ask("essen", MEAL, by="resident:t")).id
    await sent(flat, told)
    withdrawn = await flat.hub.requests.cancel(told, "web:carer:carla")
    assert withdrawn is not None and withdrawn.state is RequestState.CANCELLED
    off = (await until(lambda: flat.sms_to(SCHMIDT)[1:], "the withdrawal"))[0]
    assert off.startswith(f"Obhut - Wohnung Berger: Anfrage {told} zurückgenommen. ")
    assert off.endswith("Sie müssen nichts tun.")
    await flat.reply(SCHMIDT, f"JA {told}")  # too late: it stays withdrawn
    assert await state_of(flat, told) is RequestState.CANCELLED

    flat.twilio.fail_next(503, on="create")
    held = (await flat.hub.requests.ask("einkauf", {}, by="resident:t")).id
    await until(lambda: len(flat.twilio.requests) >= 3, "the failed try")
    await flat.hub.requests.cancel(held, "web:carer:carla")
    await flat.clock.advance(timedelta(minutes=5))
    assert flat.sms_to(ALI) == []  # the retry never went


async def test_a_request_survives_a_restart_and_its_message_goes_out_after(
    tmp_path: Path,
) -> None:
    clock = SimulatedClock(T0)
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        path = write_flat(tmp_path, twilio, None)
        twilio.fail_next(503, on="create")
        async with Hub.running(load_config(path), path, clock) as hub:
            n = (await hub.requests.ask("essen", MEAL, by="resident:t")).id
            await until(lambda: twilio.requests, "the failed try")
            await clock.advance(timedelta(seconds=1))
        assert [m for m in twilio.outbound if m.to == SCHMIDT] == []

        async with Hub.running(load_config(path), path, clock) as hub:
            flat = Flat(hub, twilio, clock, path)
            assert await state_of(flat, n) is RequestState.REQUESTED
            for _ in range(10):  # the outbox's backoff, minute by minute
                if flat.sms_to(SCHMIDT):
                    break
                await clock.advance(timedelta(minutes=1))
                await asyncio.sleep(0.05)  # real HTTP on loopback
            sms = (await until(lambda: flat.sms_to(SCHMIDT), "the order after the restart"))[0]
            assert f"JA {n}" in sms
            await sent(flat, n)


async def test_requests_go_with_their_note_when_the_alerts_retention_removes_it(
    flat: Flat,
) -> None:
    from hub.export.retention import apply

    n = (await flat.hub.requests.ask("essen", MEAL, by="resident:t")).id
    await sent(flat, n)
    keep = flat.hub.config.storage.retention
    later = flat.clock.now() + keep.alerts + timedelta(days=1)
    await apply(flat.hub.store, later, keep.alerts, keep.audit)
    assert await flat.hub.requests.recent() == []
    again = await flat.hub.requests.ask("essen", MEAL, by="resident:t")  # its number is free
    assert again.state is RequestState.REQUESTED
