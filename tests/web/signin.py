"""Signing in from tests, as a browser would: forms with their CSRF token, cookies kept.

`as_installer(client)` goes through /setup (the first installer) or /login, `as_carer(client)`
makes an account in the store and signs in, `as_resident(client)` pairs the client as a tablet;
each returns the CSRF token. `post(client, path, json=…)` sends a change with X-CSRF-Token.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from hub.store import accounts as db
from hub.web.accounts import hash_password
from hub.web.app import GATE, HUB
from hub.web.auth import CSRF_COOKIE, CSRF_HEADER

SETUP_CODE = "ABCD-EFGH"
PASSWORD = "ein-langes-Passwort"
Client = TestClient[Any, Any]


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def csrf(client: Client) -> str:
    """The CSRF token our pages' scripts read from the `obhut_csrf` cookie."""
    for cookie in client.session.cookie_jar:
        if cookie.key == CSRF_COOKIE:
            return cookie.value
    return ""


async def form_token(client: Client, page: str) -> str:
    """Open a form page and read its hidden CSRF field, as a browser submits it."""
    resp = await client.get(page)
    html = await resp.text()
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, html
    return found.group(1)


async def submit(client: Client, page: str, **fields: str) -> ClientResponse:
    token = await form_token(client, page.split("?")[0])
    return await client.post(page, data={"csrf": token, **fields}, allow_redirects=False)


async def setup_installer(
    client: Client, username: str = "ina", password: str = PASSWORD, code: str = SETUP_CODE
) -> ClientResponse:
    return await submit(
        client, "/setup", code=code, username=username, password=password, password2=password
    )


async def login(client: Client, username: str, password: str = PASSWORD) -> ClientResponse:
    return await submit(client, "/login", username=username, password=password)


async def add_account(client: Client, username: str, role: str, password: str = PASSWORD) -> None:
    hub = client.server.app[HUB]
    await db.create_account(
        hub.store, username, role, await hash_password(password), hub.clock.now(), "test"
    )


async def as_installer(client: Client, username: str = "ina") -> str:
    """Sign in as an installer (creating the first one if there is none); the CSRF token."""
    if client.server.app[GATE].setup_code is not None:
        resp = await setup_installer(client, username)
    else:
        await add_account(client, username, "installer")
        resp = await login(client, username)
    assert resp.status == 302, await resp.text()
    return csrf(client)


async def as_carer(client: Client, username: str = "carla") -> str:
    await add_account(client, username, "carer")
    resp = await login(client, username)
    assert resp.status == 302, await resp.text()
    return csrf(client)


async def as_resident(client: Client, name: str = "Tablet Flur") -> str:
    """Pair this client as a tablet (a code straight from the gate); the CSRF token."""
    pairing = client.server.app[GATE].new_pairing(name, "installer:test")
    resp = await submit(client, "/pair", code=pairing.code)
    assert resp.status == 302, await resp.text()
    return csrf(client)


async def post(client: Client, path: str, json: Any = None) -> ClientResponse:
    return await client.post(path, json=json, headers={CSRF_HEADER: csrf(client)})


async def delete(client: Client, path: str) -> ClientResponse:
    return await client.delete(path, headers={CSRF_HEADER: csrf(client)})
