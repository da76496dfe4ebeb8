"""The provider's answer page /r/<token>: no sign-in, the link is the authority; it refuses
unknown and expired links with a clear page, and forms that do not carry their CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from hub.services.requests import RequestState
from hub.web.app import build_app
from hub.web.auth import Gate

from .conftest import ALI, PETRA, Flat, until

Client = TestClient[Any, Any]
ESCORT = {"destination": "friseur", "date": "2026-12-03", "time": "14:00"}


@pytest.fixture
async def client(flat: Flat) -> AsyncIterator[Client]:
    server = TestServer(build_app(flat.hub, Gate()), host="127.0.0.1")
    async with TestClient(server) as client:
        yield client


async def ask(flat: Flat, service: str, choice: dict[str, str], number: str) -> tuple[int, str]:
    request = await flat.hub.requests.ask(service, choice, by="resident:t")
    sms = (await until(lambda: flat.sms_to(number), "the request"))[-1]
    link = re.search(r"https://obhut\.example\.org(/r/[\w-]+)", sms)
    assert link, sms
    return request.id, link.group(1)


def csrf_field(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def test_the_page_shows_the_request_and_a_confirmation_with_a_time_reaches_it(
    flat: Flat, client: Client
) -> None:
    number, path = await ask(flat, "begleitung", ESCORT, PETRA)
    page = await client.get(path)
    html = await page.text()
    assert page.status == 200
    assert f"Anfrage {number}: Begleitung" in html
    assert "bittet um Begleitung zum Friseur am Donnerstag, 3.12., 14:00." in html
    assert "Noch nicht beantwortet." in html
    assert "frame-src" not in page.headers["Content-Security-Policy"]

    answered = await client.post(
        path,
        data={"csrf": csrf_field(html), "decision": "confirm", "note": "  Do 14:30 Uhr "},
        allow_redirects=False,
    )
    assert (answered.status, answered.headers["Location"]) == (303, path)
    request = (await flat.hub.requests.recent())[0]
    assert (request.state, request.answer) == (RequestState.CONFIRMED, "Do 14:30 Uhr")
    assert request.answered_by == "tochter"
    after = await (await client.get(path)).text()
    assert "Bestätigt. Danke!" in after and "Do 14:30 Uhr" in after
    entries = [(e.actor, e.action) for e in await flat.hub.store.audit_entries(50)]
    assert ("link:tochter", "request.view") in entries
    assert ("tochter", "request.confirm") in entries


async def test_an_english_provider_reads_the_page_in_english_and_may_decline(
    flat: Flat, client: Client
) -> None:
    _, path = await ask(flat, "einkauf", {}, ALI)
    html = await (await client.get(path)).text()
    assert '<html lang="en">' in html and "asks for some shopping: Milch, Brot, Äpfel." in html
    await client.post(path, data={"csrf": csrf_field(html), "decision": "decline"})
    assert (await flat.hub.requests.recent())[0].state is RequestState.DECLINED


async def test_a_form_without_its_csrf_token_or_with_garbage_changes_nothing(
    flat: Flat, client: Client
) -> None:
    _, path = await ask(flat, "begleitung", ESCORT, PETRA)
    html = await (await client.get(path)).text()
    refused = await client.post(path, data={"decision": "confirm"})
    assert refused.status == 403
    garbage = await client.post(path, data={"csrf": csrf_field(html), "decision": "vielleicht"})
    assert garbage.status == 400
    assert (await flat.hub.requests.recent())[0].answered is None


async def test_unknown_and_expired_links_get_a_clear_page(flat: Flat, client: Client) -> None:
    _, path = await ask(flat, "begleitung", ESCORT, PETRA)
    unknown = await client.get("/r/AAAAAAAAAAAAAAAAAAAAAA")
    assert unknown.status == 404
    assert "Dieser Link ist unbekannt oder abgelaufen" in await unknown.text()
    assert (await client.get(path)).status == 200

    # a fortnight later (moved, not stepped through: nothing else matters here)
    flat.clock.set(flat.clock.now() + timedelta(days=14, seconds=1))
    expired = await client.get(path)
    assert expired.status == 404
    assert "Bitte antworten Sie per SMS oder rufen Sie an." in await expired.text()
    html_token = await client.get("/login")  # any form page gives the double-submit cookie
    token = csrf_field(await html_token.text())
    late = await client.post(path, data={"csrf": token, "decision": "confirm"})
    assert late.status == 404
    assert (await flat.hub.requests.recent())[0].answered is None


async def test_guessing_links_is_throttled(flat: Flat, client: Client) -> None:
    for i in range(5):
        assert (await client.get(f"/r/guess{i:02d}-AAAAAAAAAAAAAA")).status == 404
    assert (await client.get("/r/guess99-AAAAAAAAAAAAAA")).status == 429


async def test_a_withdrawn_request_says_so_and_offers_no_buttons(
    flat: Flat, client: Client
) -> None:
    number, path = await ask(flat, "begleitung", ESCORT, PETRA)
    await flat.hub.requests.cancel(number, "web:carer:carla")
    html = await (await client.get(path)).text()
    assert "Diese Anfrage wurde zurückgenommen. Sie müssen nichts tun." in html
    assert "Bestätigen" not in html
