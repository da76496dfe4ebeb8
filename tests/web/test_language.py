"""The header's Deutsch / English switch: a `lang` cookie for this browser only."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from .signin import as_carer, as_installer, login

Client = TestClient[Any, Any]


async def test_the_switch_makes_the_carer_pages_english_for_this_browser_only(
    client: Client, tablet: Client
) -> None:
    await as_installer(client)
    await as_carer(client)
    assert (await login(tablet, "carla")).status == 302
    html = await (await client.get("/carer")).text()
    assert '<html lang="de">' in html and "Abmelden" in html
    assert 'action="/language"' in html

    page = await client.get("/carer")
    token = (await page.text()).split('name="csrf" value="')[1].split('"')[0]
    resp = await client.post(
        "/language",
        data={"csrf": token, "lang": "en", "next": "/carer"},
        allow_redirects=False,
    )
    assert resp.status == 303
    assert resp.headers["Location"] == "/carer"
    cookie = resp.headers["Set-Cookie"]
    assert "lang=en" in cookie and "SameSite=Strict" in cookie and "Max-Age=31536000" in cookie

    html = await (await client.get("/carer")).text()
    assert '<html lang="en">' in html and "Sign out" in html
    other = await (await tablet.get("/carer")).text()
    assert '<html lang="de">' in other and "Abmelden" in other


async def test_the_switch_needs_the_token_and_a_known_language(client: Client) -> None:
    await as_installer(client)
    resp = await client.post("/language", data={"lang": "en"}, allow_redirects=False)
    assert resp.status == 403
    page = await client.get("/installer/devices")
    token = (await page.text()).split('name="csrf" value="')[1].split('"')[0]
    resp = await client.post("/language", data={"csrf": token, "lang": "fr"}, allow_redirects=False)
    assert resp.status == 400
    resp = await client.post(
        "/language",
        data={"csrf": token, "lang": "en", "next": "//evil.example/"},
        allow_redirects=False,
    )
    assert resp.status == 303 and resp.headers["Location"] == "/"
