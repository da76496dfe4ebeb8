"""The carer's pages in a real browser: acknowledging an alert, and accessibility."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.alerts.model import AlertState
from hub.model import Finding, Observation, Severity
from hub.store import accounts as db
from hub.web.accounts import hash_password

from .conftest import ARTIFACTS, LiveHub, wait_for

CARER = ("carla", "ein langes Passwort 43")


def sign_in_as_carer(context: Any, live: LiveHub) -> None:
    """A carer's account made in the store, then signed in through the login form."""
    username, password = CARER

    async def create() -> None:
        hub = live.hub
        hashed = await hash_password(password)
        await db.create_account(hub.store, username, "carer", hashed, hub.clock.now(), "test")

    live.run(create())
    token = "browser-test-csrf-token"
    context.add_cookies([{"name": "obhut_csrf", "value": token, "url": live.base_url}])
    resp = context.request.post(
        f"{live.base_url}/login",
        form={"username": username, "password": password, "csrf": token},
        max_redirects=0,
    )
    assert resp.status == 302, resp.text()[:300]


def press_sos(live: LiveHub) -> int:
    """The panic rule's finding, as the SOS button raises it; the alert's id."""
    finding = Finding(
        ts=datetime.now(UTC),
        rule="panic",
        kind="panic",
        severity=Severity.EMERGENCY,
        subject="bad",
        summary="SOS pressed",
        explanation="Der Notrufknopf im Bad wurde gedrückt",
    )
    live.call(lambda: live.hub.bus.publish(finding))
    alerts = wait_for(lambda: live.run(live.hub.alerts.open_alerts()), what="an open alert")
    return alerts[-1].id


def test_a_carer_acknowledges_an_alert_in_the_browser(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    alert_id = press_sos(live)
    context = new_context()
    sign_in_as_carer(context, live)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live.base_url}/carer")
    item = page.locator(f"#alert-{alert_id}")
    item.get_by_text("Der Notrufknopf im Bad wurde gedrückt").wait_for()
    assert item.locator(".alert-state .state").inner_text() == "Offen"

    item.get_by_role("button", name="Übernehmen").click()
    page.locator(f"#alert-{alert_id} .state-acknowledged").wait_for()
    assert "Übernommen von carla" in page.locator(f"#alert-{alert_id}").inner_text()
    assert page.locator(f"#alert-{alert_id}").get_by_role("button", name="Übernehmen").count() == 0

    alert = live.run(live.hub.alerts.alert(alert_id))
    assert alert is not None and alert.state is AlertState.ACKNOWLEDGED
    assert alert.acknowledged_by == "web:carer:carla"
    assert errors == []

    page.locator(f"#alert-{alert_id}").get_by_role("button", name="Erledigt").click()
    page.get_by_text("Keine offenen Alarme").wait_for()
    alert = live.run(live.hub.alerts.alert(alert_id))
    assert alert is not None and alert.state is AlertState.RESOLVED


def furnish(live: LiveHub) -> None:
    """A morning's movement, a battery running low, and an alert to look at."""
    now = datetime.now(UTC)

    def ingest() -> None:
        for minutes in (5, 25, 50):
            live.hub.ingest(Observation(now - timedelta(minutes=minutes), "motion.bad", True))
        live.hub.ingest(Observation(now - timedelta(minutes=10), "battery.bewegung_bad", 12.0))

    live.call(ingest)
    press_sos(live)


def test_the_carer_pages_have_no_serious_accessibility_problems(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    furnish(live)
    context = new_context()
    sign_in_as_carer(context, live)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    for path in ("/carer", "/carer/today", "/carer/vitals", "/carer/vitals/new", "/carer/devices"):
        page.goto(f"{live.base_url}{path}")
        results = axe.run(page, options={"resultTypes": ["violations"]})
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert problems == [], path
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=ARTIFACTS / f"{name}-1280x800.png", full_page=True)
