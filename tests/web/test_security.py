"""Accounts, sessions, tablets and the guards around them: what is refused, and what is kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.store import accounts as db
from hub.web.app import build_app
from hub.web.auth import (
    CSRF_HEADER,
    MAX_FAILURES,
    MAX_FAILURES_OVERALL,
    PAIRING_SECONDS,
    SESSION_SECONDS,
    Gate,
    Throttle,
)
from hub.web.openapi import build

from .conftest import NOW
from .signin import (
    PASSWORD,
    SETUP_CODE,
    FakeTime,
    as_carer,
    as_installer,
    as_resident,
    csrf,
    delete,
    login,
    post,
    setup_installer,
    submit,
)

Client = TestClient[object, object]


async def actions(hub: Hub) -> list[tuple[str, str, str]]:
    await hub.store.flush()
    return [(e.actor, e.action, e.target) for e in reversed(await hub.store.audit_entries(500))]


async def test_only_the_sign_in_pages_are_open(client: Client) -> None:
    for path in ("/setup", "/pair", "/health"):
        assert (await client.get(path)).status == 200, path
    # While no installer exists, the login page sends people to the setup.
    resp = await client.get("/login", allow_redirects=False)
    assert resp.headers["Location"] == "/setup"
    for path in ("/api/openapi.json", "/api/session", "/api/accounts", "/api/alerts", "/events"):
        assert (await client.get(path)).status == 401, path
    for path in ("/", "/tablet", "/installer", "/carer/alerts"):
        resp = await client.get(path, allow_redirects=False)
        assert (resp.status, resp.headers["Location"]) == (302, "/login"), path


async def test_the_setup_code_makes_one_installer_once(client: Client, hub: Hub) -> None:
    assert (await setup_installer(client, code="WXYZ-2345")).status == 401
    mismatch = await submit(
        client, "/setup", code=SETUP_CODE, username="ina", password=PASSWORD, password2="other"
    )
    assert mismatch.status == 400 and "nicht gleich" in await mismatch.text()
    short = await setup_installer(client, password="kurz")
    assert short.status == 400 and "mindestens 10 Zeichen" in await short.text()
    # Wrong tries do not spend the code; typed loosely, it still works.
    resp = await setup_installer(client, code=" abcd efgh ")
    assert (resp.status, resp.headers["Location"]) == (302, "/")
    assert (await client.get("/")).status == 200
    # Spent: the page is gone, and the same code buys nothing more.
    assert (await client.get("/setup", allow_redirects=False)).headers["Location"] == "/login"
    client.session.cookie_jar.clear()
    again = await submit(
        client, "/setup", code=SETUP_CODE, username="eve", password=PASSWORD, password2=PASSWORD
    )
    assert (again.status, again.headers["Location"]) == (302, "/login")
    assert [a.username for a in await db.list_accounts(hub.store)] == ["ina"]
    stored = await db.find_account(hub.store, "INA")
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    trail = await actions(hub)
    assert ("anonymous@127.0.0.1", "setup.failed", "/setup") in trail
    assert ("installer:ina", "login", "/setup") in trail


async def test_no_setup_code_once_an_installer_exists(hub: Hub) -> None:
    gate = Gate()
    await gate.start(hub.store)
    assert gate.setup_code is not None
    await db.create_account(hub.store, "ina", "installer", "x", NOW, "test")
    gate = Gate()
    await gate.start(hub.store)
    assert gate.setup_code is None


async def test_a_wrong_password_is_refused_and_audited(client: Client, hub: Hub) -> None:
    await as_installer(client)
    client.session.cookie_jar.clear()
    resp = await login(client, "ina", "falsches-Passwort")
    assert resp.status == 401
    assert (await client.get("/api/session")).status == 401
    assert (await login(client, "nobody", PASSWORD)).status == 401
    resp = await login(client, "Ina", PASSWORD)  # usernames ignore case
    assert (resp.status, resp.headers["Location"]) == (302, "/")
    trail = await actions(hub)
    assert [a for a in trail if a[1] == "login.failed"] == 2 * [
        ("anonymous@127.0.0.1", "login.failed", "/login")
    ]
    assert ("installer:ina", "login", "/login") in trail


async def test_cookies_are_http_only_and_strict_but_the_csrf_token_is_readable(
    client: Client,
) -> None:
    await as_installer(client)
    client.session.cookie_jar.clear()
    resp = await login(client, "ina")
    cookies = resp.cookies
    assert cookies["obhut_session"]["httponly"] and cookies["obhut_session"]["samesite"] == "Strict"
    assert not cookies["obhut_csrf"]["httponly"] and cookies["obhut_csrf"]["samesite"] == "Strict"
    page = await client.get("/")
    assert f'<meta name="csrf-token" content="{csrf(client)}">' in await page.text()
    me = await (await client.get("/api/session")).json()
    assert me == {"user": "ina", "role": "installer", "csrf": csrf(client), "tablet": False}


async def test_a_missing_or_wrong_csrf_token_is_refused(client: Client, hub: Hub) -> None:
    await as_installer(client)
    # No token, a wrong one, a token in the wrong place: all refused, nothing changed.
    assert (await client.post("/api/pairing")).status == 403
    assert (await client.post("/api/pairing", headers={CSRF_HEADER: "nope"})).status == 403
    resp = await client.post("/api/accounts", json={"csrf": csrf(client)})
    assert resp.status == 403 and (await resp.json())["error"] == "missing or wrong CSRF token"
    assert (await client.post("/logout", data={})).status == 403
    assert (await client.get("/api/session")).status == 200  # still signed in
    # With the token in the header or the form field it goes through.
    assert (await post(client, "/api/pairing")).status == 201
    resp = await client.post("/logout", data={"csrf": csrf(client)}, allow_redirects=False)
    assert (resp.status, resp.headers["Location"]) == (302, "/login")
    assert (await client.get("/api/session")).status == 401
    # The sign-in forms carry a token too, before anyone has a session.
    resp = await client.post("/login", data={"username": "ina", "password": PASSWORD})
    assert resp.status == 403
    assert ("installer:ina", "refused.csrf", "/api/pairing") in await actions(hub)


async def test_pairing_a_tablet_is_one_time_and_gives_a_long_lived_resident_token(
    client: Client, tablet: Client, hub: Hub
) -> None:
    await as_installer(client)
    resp = await post(client, "/api/pairing", json={"name": "Tablet Wohnzimmer"})
    assert resp.status == 201
    pairing = await resp.json()
    assert pairing["url"] == f"/pair?code={pairing['code']}"
    page = await tablet.get(pairing["url"])
    assert f'value="{pairing["code"]}"' in await page.text()  # prefilled, one tap to confirm
    resp = await submit(tablet, "/pair", code=pairing["code"].lower())
    assert (resp.status, resp.headers["Location"]) == (302, "/tablet")
    cookie = resp.cookies["obhut_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    me = await (await tablet.get("/api/session")).json()
    assert me["role"] == "resident" and me["tablet"] is True
    # The code is spent: a second tablet cannot use it.
    tablet.session.cookie_jar.clear()
    again = await submit(tablet, "/pair", code=pairing["code"])
    assert again.status == 401 and "gilt nicht" in await again.text()
    [listed] = (await (await client.get("/api/tablets")).json())["tablets"]
    assert listed["name"] == "Tablet Wohnzimmer" and listed["created_by"] == "installer:ina"
    trail = await actions(hub)
    assert ("installer:ina", "pairing.create", "Tablet Wohnzimmer") in trail
    assert (f"resident:tablet-{listed['id']}", "tablet.pair", "Tablet Wohnzimmer") in trail


async def test_a_pairing_code_expires(
    client: Client, tablet: Client, time_passes: FakeTime
) -> None:
    await as_installer(client)
    code = (await (await post(client, "/api/pairing")).json())["code"]
    time_passes.advance(PAIRING_SECONDS + 1)
    assert (await submit(tablet, "/pair", code=code)).status == 401
    assert (await tablet.get("/api/session")).status == 401


async def test_a_resident_token_is_refused_on_installer_and_carer_things(
    client: Client, hub: Hub
) -> None:
    await as_resident(client)
    for path in ("/installer", "/installer/devices", "/carer", "/api/accounts", "/api/tablets"):
        resp = await client.get(path, allow_redirects=False)
        assert resp.status == 403, path
    assert "nicht freigegeben" in await (await client.get("/installer")).text()
    assert (await client.get("/api/state")).status == 403
    for path in ("/api/pairing", "/api/accounts", "/api/alerts/1/acknowledge"):
        assert (await post(client, path, json={})).status == 403, path
    assert (await delete(client, "/api/tablets/1")).status == 403
    resp = await client.get("/", allow_redirects=False)
    assert resp.headers["Location"] == "/tablet"  # the live page is for carers
    # What a resident may: see alerts, answer a pre-alert.
    assert (await client.get("/api/alerts")).status == 200
    assert (await post(client, "/api/alerts/999/dismiss")).status == 409
    assert ("resident:tablet-1", "refused", "/installer") in await actions(hub)


async def test_a_carer_acknowledges_but_does_not_administer(client: Client, hub: Hub) -> None:
    await as_carer(client)
    hub.ingest(Observation(NOW, "sos_button.bad", True))
    await hub.alerts.stop()
    [alert] = (await (await client.get("/api/alerts")).json())["alerts"]
    assert (await post(client, f"/api/alerts/{alert['id']}/dismiss")).status == 403
    resp = await post(client, f"/api/alerts/{alert['id']}/acknowledge")
    assert resp.status == 200
    assert (await resp.json())["alert"]["acknowledged_by"] == "web:carer:carla"
    assert (await client.get("/")).status == 200
    assert (await client.get("/installer", allow_redirects=False)).status == 403
    assert (await client.get("/api/accounts")).status == 403
    assert (await post(client, "/api/pairing")).status == 403


async def test_an_installer_manages_accounts_and_revokes_a_tablet(
    client: Client, tablet: Client, hub: Hub
) -> None:
    await as_installer(client)
    body = {"username": "carla", "password": PASSWORD, "role": "carer"}
    resp = await post(client, "/api/accounts", json=body)
    assert resp.status == 201
    carla = (await resp.json())["account"]
    assert (await post(client, "/api/accounts", json=body)).status == 409
    bad = {"username": "x y", "password": "short", "role": "boss"}
    assert (await post(client, "/api/accounts", json=bad)).status == 400
    assert (await post(client, "/api/accounts", json={**body, "role": "boss"})).status == 400
    # The new carer signs in elsewhere; deleting the account ends that session.
    assert (await login(tablet, "carla")).status == 302
    assert (await tablet.get("/api/session")).status == 200
    assert (await delete(client, f"/api/accounts/{carla['id']}")).status == 200
    assert (await tablet.get("/api/session")).status == 401
    [ina] = (await (await client.get("/api/accounts")).json())["accounts"]
    resp = await delete(client, f"/api/accounts/{ina['id']}")
    assert resp.status == 409  # the last installer stays
    # A tablet paired, then revoked: it is asked to pair again.
    tablet.session.cookie_jar.clear()
    await as_resident(tablet)
    [listed] = (await (await client.get("/api/tablets")).json())["tablets"]
    assert (await delete(client, f"/api/tablets/{listed['id']}")).status == 200
    assert (await delete(client, f"/api/tablets/{listed['id']}")).status == 404
    assert (await tablet.get("/api/alerts")).status == 401
    resp = await tablet.get("/tablet", allow_redirects=False)
    assert (resp.status, resp.headers["Location"]) == (302, "/pair")
    trail = {(a, b) for a, b, _ in await actions(hub)}
    for action in ("account.create", "account.delete", "tablet.revoke"):
        assert ("installer:ina", action) in trail


async def test_after_a_restart_tablets_stay_paired_and_sessions_end(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config("")
    clock = SimulatedClock(NOW)
    cookies = {}
    async with Hub.running(load_config(path), path, clock) as hub:
        async with TestClient(TestServer(build_app(hub, Gate(SETUP_CODE)))) as c:
            await as_installer(c)
            session_cookie = {k.key: k.value for k in c.session.cookie_jar}["obhut_session"]
        async with TestClient(TestServer(build_app(hub, Gate()))) as c:
            await as_resident(c)
            cookies = {k.key: k.value for k in c.session.cookie_jar}
    async with Hub.running(load_config(path), path, clock) as hub:
        gate = Gate()
        async with TestClient(TestServer(build_app(hub, gate))) as c:
            assert gate.setup_code is None
            c.session.cookie_jar.update_cookies(cookies)
            me = await (await c.get("/api/session")).json()
            assert me["role"] == "resident"
            assert me["csrf"] == cookies["obhut_csrf"]  # the page's token still works
            assert (await post(c, "/api/alerts/1/dismiss")).status == 409
            c.session.cookie_jar.clear()
            c.session.cookie_jar.update_cookies({"obhut_session": session_cookie})
            assert (await c.get("/api/session")).status == 401


async def test_sessions_expire(client: Client, time_passes: FakeTime) -> None:
    await as_installer(client)
    time_passes.advance(SESSION_SECONDS + 1)
    assert (await client.get("/api/session")).status == 401


async def test_failures_are_throttled_per_address_then_forgiven(
    client: Client, time_passes: FakeTime
) -> None:
    await as_installer(client)
    client.session.cookie_jar.clear()
    for _ in range(MAX_FAILURES):
        assert (await submit(client, "/pair", code="WXYZ-2345")).status == 401
    # Pairing, setup and login failures share one count.
    assert (await login(client, "ina")).status == 429
    time_passes.advance(60)
    assert (await login(client, "ina")).status == 302


def test_the_throttle_counts_every_address_and_all_together() -> None:
    now = FakeTime()
    throttle = Throttle(now)
    for _ in range(MAX_FAILURES):
        throttle.failed("10.0.0.1")
    assert throttle.blocked("10.0.0.1") and not throttle.blocked("10.0.0.2")
    for i in range(MAX_FAILURES_OVERALL - MAX_FAILURES):
        throttle.failed(f"10.0.1.{i}")  # one guess each from many addresses
    assert throttle.blocked("10.0.0.2")
    now.advance(60)
    assert not throttle.blocked("10.0.0.1") and not throttle.blocked("10.0.0.2")


async def test_security_headers_forbid_inline_script(client: Client) -> None:
    for path in ("/setup", "/health"):
        headers = (await client.get(path)).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    redirect = await client.get("/", allow_redirects=False)
    assert "Content-Security-Policy" in redirect.headers


async def test_every_api_route_is_in_the_openapi_document(client: Client) -> None:
    await as_installer(client)
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routes = {
        (route.resource.canonical, route.method)
        for route in client.server.app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith("/api/")
        and route.method != "HEAD"
    }
    assert routes, "no /api routes found"
    assert routes - documented == set()
    assert documented - routes == set()  # nothing documented that is not served
    assert doc == build(client.server.app)
