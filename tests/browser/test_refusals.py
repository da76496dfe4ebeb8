"""In the browser: a wrong password, a missing CSRF token and a resident's tablet on an
installer page are all refused; the public pages pass an accessibility scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import INSTALLER, LiveHub, pair_tablet, sign_in


def serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_refusals_and_the_public_pages(live: LiveHub, new_context: Callable[..., Any]) -> None:
    # The first visit finds no installer yet: the setup page, which passes the scan.
    visitor = new_context().new_page()
    visitor.goto(f"{live.base_url}/")
    assert visitor.url.endswith("/setup")
    assert serious(visitor) == []

    sign_in(new_context(), live)  # the installer account now exists

    # A wrong password, typed into the login form, is refused with a calm message.
    page = new_context().new_page()
    page.goto(f"{live.base_url}/login")
    assert serious(page) == []
    page.fill("#username", INSTALLER[0])
    page.fill("#password", "falsches Passwort")
    page.click("button[type=submit]")
    assert page.url.endswith("/login")
    assert "Passwort" in page.locator("[role=alert]").inner_text()
    assert "Traceback" not in page.content()

    # A change without its CSRF token is refused, even with a valid session.
    installer = new_context()
    sign_in(installer, live)
    resp = installer.request.post(f"{live.base_url}/api/pairing", data={"name": "x"})
    assert resp.status == 403
    assert installer.request.get(f"{live.base_url}/api/alerts").status == 200

    # The tablet's token opens the tablet, not the installer's pages.
    tablet = new_context()
    pair_tablet(tablet, live)
    assert tablet.request.get(f"{live.base_url}/tablet").status == 200
    assert tablet.request.get(f"{live.base_url}/installer/devices", max_redirects=0).status == 403
    assert tablet.request.get(f"{live.base_url}/carer", max_redirects=0).status == 403

    # The pairing page itself, as a new tablet sees it.
    pairing = new_context().new_page()
    pairing.goto(f"{live.base_url}/pair")
    assert serious(pairing) == []


def test_the_dry_run_and_the_daily_summary_pass_the_scan(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    context = new_context()
    sign_in(context, live)
    page = context.new_page()
    for path in ("/installer/dryrun", "/carer/summary"):
        page.goto(f"{live.base_url}{path}")
        assert "Traceback" not in page.content()
        assert serious(page) == [], path
    page.goto(f"{live.base_url}/installer/dryrun")
    page.fill("input[name=days]", "3")
    page.click("form[action='/installer/dryrun'] button[type=submit]")
    assert serious(page) == []
