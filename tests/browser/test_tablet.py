"""The resident's tablet in a real browser: help, the pre-alert, check-in, reminders, a lost
connection, accessibility, and screenshots for people to look at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hub.alerts.model import AlertState
from hub.model import Finding, Observation, Severity

from .conftest import ANNA, ARTIFACTS, PFLEGE, LiveHub, sign_in, wait_for

HOLD_S = 1.8  # a little longer than the tablet's 1.5 s


def hold(page: Any, selector: str, seconds: float) -> None:
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(seconds * 1000)
    page.mouse.up()


def ask_the_resident(live: LiveHub, seconds: float) -> None:
    """A rule's finding with a pre-alert, as inactivity or dwell raise them."""
    finding = Finding(
        ts=datetime.now(UTC),
        rule="inactivity",
        kind="inactivity",
        severity=Severity.URGENT,
        subject="wohnung",
        summary="no movement for 3 h",
        explanation="Seit 3 Stunden keine Bewegung in der Wohnung",
        pre_alert_s=seconds,
    )
    live.call(lambda: live.hub.bus.publish(finding))


class FakeCommands:
    """The Zigbee commands, answered at once; the device reports its new state back."""

    def __init__(self, live: LiveHub) -> None:
        self.live = live
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    async def light(
        self, entity_id: str, *, on: bool, brightness: float | None = None, transition: float = 0
    ) -> str:
        self.calls.append(("light", entity_id, {"on": on, "brightness": brightness}))
        level = 0.0 if not on else brightness or 100.0
        self.live.hub.ingest(Observation(datetime.now(UTC), entity_id, level, "zigbee"))
        return "done"

    async def thermostat(
        self, entity_id: str, *, setpoint: float | None = None, mode: str | None = None
    ) -> str:
        self.calls.append(("thermostat", entity_id, {"setpoint": setpoint}))
        if setpoint is not None:
            self.live.hub.ingest(Observation(datetime.now(UTC), entity_id, setpoint, "zigbee"))
        return "done"


def furnish(live: LiveHub) -> FakeCommands:
    """A radio (stand-in commands), a lamp, a thermostat and a reminder due."""
    commands = FakeCommands(live)
    now = datetime.now(UTC)

    def setup() -> None:
        live.hub.commands = commands  # type: ignore[assignment]
        live.hub.ingest(Observation(now, "light.wohnzimmer", 0.0, "zigbee"))
        live.hub.ingest(Observation(now, "climate.wohnzimmer", 20.0, "zigbee"))
        live.hub.ingest(Observation(now, "temperature.wohnzimmer", 21.34, "zigbee"))
        live.hub.bus.publish(reminder_due(now))

    live.call(setup)
    return commands


def reminder_due(now: datetime) -> Finding:
    return Finding(
        ts=now,
        rule="tabletten",
        kind="reminder",
        severity=Severity.INFO,
        subject="reminder 08:00",
        summary="reminder due: Tabletten nehmen",
        explanation="Erinnerung: Tabletten nehmen (08:00)",
        data={"reminder": True, "text": "Tabletten nehmen", "at": "08:00"},
    )


def test_holding_help_raises_an_emergency_and_anna_gets_an_sms(tablet: Any, live: LiveHub) -> None:
    page = tablet
    page.click("#help")  # a tap is not enough
    page.wait_for_timeout(300)
    assert page.locator("#help-screen").is_hidden()
    assert "help.tablet" not in live.call(lambda: dict(live.hub.state))

    hold(page, "#help", HOLD_S)
    screen = page.locator("#help-screen")
    screen.wait_for(state="visible")
    assert "Anna wird benachrichtigt" in screen.inner_text()

    sms = wait_for(lambda: live.sms_to(ANNA), what="an SMS to Anna")
    assert "Notruf" in sms[0]
    alerts = live.run(live.hub.alerts.open_alerts())
    assert [(a.rule, a.severity) for a in alerts] == [("panic", Severity.EMERGENCY)]
    assert live.sms_to(PFLEGE)  # an emergency goes to every tier at once
    # the next status keeps saying that help is coming, also after "Zurück"
    page.click("#help-back")
    page.locator("#help-hint").filter(has_text="Hilfe ist unterwegs").wait_for()
    assert page.js_errors == []


def test_a_pre_alert_is_answered_on_the_tablet_and_nobody_is_told(
    tablet: Any, live: LiveHub
) -> None:
    page = tablet
    ask_the_resident(live, 20)
    question = page.locator("#pre-alert")
    question.wait_for(state="visible")
    assert "Ist alles in Ordnung?" in question.inner_text()
    left = page.locator("#pre-alert-left").inner_text()
    assert "Sekunden" in left and 10 <= int("".join(c for c in left if c.isdigit())) <= 20

    page.click("#pre-alert-ok")
    question.wait_for(state="hidden")
    assert "Es wird niemand gerufen" in page.locator("#check-in-done").inner_text()

    def cancelled() -> Any:
        alerts = live.run(live.hub.alerts.recent_alerts())
        return [a for a in alerts if a.state is AlertState.RESOLVED]

    alert = wait_for(cancelled, what="the alert cancelled")[0]
    assert alert.data["cancelled_by"] == "resident"
    assert live.run(live.hub.alerts.deliveries(alert.id)) == []
    assert live.call(lambda: list(live.twilio.outbound)) == []
    page.wait_for_timeout(2500)  # a poll later, the question stays away
    assert question.is_hidden()
    assert page.js_errors == []


def test_an_unanswered_pre_alert_calls_help(tablet: Any, live: LiveHub) -> None:
    page = tablet
    ask_the_resident(live, 3)
    page.locator("#pre-alert").wait_for(state="visible")
    page.locator("#help-title").filter(has_text="Hilfe ist unterwegs").wait_for()
    assert page.locator("#pre-alert").is_hidden()
    assert "Anna wird benachrichtigt" in page.locator("#help-who").inner_text()
    assert wait_for(lambda: live.sms_to(ANNA), what="an SMS to Anna")


def test_check_in_and_a_reminder(tablet: Any, live: LiveHub) -> None:
    page = tablet
    page.click("#check-in")
    page.locator("#check-in-done").filter(has_text="Danke").wait_for()
    obs = wait_for(lambda: live.call(lambda: live.hub.state.get("check_in.tablet")))
    assert obs.value is True and obs.source == "tablet"

    live.call(lambda: live.hub.bus.publish(reminder_due(datetime.now(UTC))))
    item = page.locator("#reminder-list li").filter(has_text="Tabletten nehmen")
    item.wait_for()
    assert "08:00" in item.inner_text()
    item.get_by_role("button", name="Erledigt").click()
    confirmed = wait_for(lambda: live.call(lambda: live.hub.state.get("reminder.tablet")))
    assert confirmed.value == "tabletten"
    page.locator("#reminders").wait_for(state="hidden")


def test_lights_and_heating(tablet: Any, live: LiveHub) -> None:
    page = tablet
    assert page.locator("#lights").is_hidden()  # no radio, nothing to switch
    commands = furnish(live)
    lamp = page.locator("#light-list li").filter(has_text="Wohnzimmer")
    lamp.get_by_role("button", name="Aus").and_(page.locator("[aria-pressed=true]")).wait_for()
    lamp.get_by_role("button", name="Gedimmt").click()
    lamp.get_by_role("button", name="Gedimmt").and_(page.locator("[aria-pressed=true]")).wait_for()
    assert commands.calls[-1] == ("light", "light.wohnzimmer", {"on": True, "brightness": 30.0})

    heating = page.locator("#heating-list li").filter(has_text="Wohnzimmer")
    assert "Jetzt 21,3 °C" in heating.inner_text() and "Eingestellt 20,0 °C" in heating.inner_text()
    heating.get_by_role("button", name="Wärmer").click()
    heating.filter(has_text="Eingestellt 20,5 °C").wait_for()
    assert commands.calls[-1] == ("thermostat", "climate.wohnzimmer", {"setpoint": 20.5})
    assert page.js_errors == []


def test_a_lost_connection_shows_verbinde_and_recovers(tablet: Any) -> None:
    page = tablet
    banner = page.locator("#connection")
    assert banner.is_hidden()
    page.route("**/api/**", lambda route: route.abort())
    banner.wait_for(state="visible")
    assert banner.inner_text() == "Verbinde…"
    page.unroute("**/api/**")
    banner.wait_for(state="hidden")
    assert page.js_errors == []


def test_the_tablet_has_no_serious_accessibility_problems_and_is_photographed(
    tablet: Any, live: LiveHub, new_context: Callable[..., Any]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    # AAA contrast (7:1) too, which axe leaves off by default
    options = {
        "resultTypes": ["violations"],
        "rules": {"color-contrast-enhanced": {"enabled": True}},
    }

    def problems(page: Any) -> list[str]:
        results = axe.run(page, options=options)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    furnish(live)
    tablet.locator("#reminders").wait_for()
    tablet.locator("#heating").wait_for()
    assert problems(tablet) == []
    ask_the_resident(live, 20)
    tablet.locator("#pre-alert").wait_for(state="visible")
    assert problems(tablet) == []
    ARTIFACTS.mkdir(exist_ok=True)
    tablet.screenshot(path=ARTIFACTS / "tablet-pre-alert-1280x800.png")
    tablet.click("#pre-alert-ok")

    for width, height in ((1280, 800), (800, 1280)):
        tablet.set_viewport_size({"width": width, "height": height})
        tablet.locator("#pre-alert").wait_for(state="hidden")
        tablet.screenshot(path=ARTIFACTS / f"tablet-{width}x{height}.png")

    signed_out = new_context().new_page()
    signed_out.goto(f"{live.base_url}/login")
    assert problems(signed_out) == []
    signed_in = new_context()
    sign_in(signed_in, live)
    page = signed_in.new_page()
    page.goto(f"{live.base_url}/")
    assert problems(page) == []
