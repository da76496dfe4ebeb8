"""Daily life from the tablet, in a real browser under a simulated clock: a reminder made on the
carer page with a picture, shown and confirmed on the tablet, in the history; one left
unconfirmed reaches the carer's phone; a carer's visit checked in and out on the tablet; the
care service told when nobody came by 09:30. Accessibility scans and screenshots included."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from hub.alerts.model import AlertState
from hub.clock import SimulatedClock

from .conftest import ARTIFACTS, PFLEGE, LiveHub, pair_tablet, wait_for
from .test_carer import sign_in_as_carer

BERLIN = ZoneInfo("Europe/Berlin")
NINE = datetime(2026, 5, 4, 9, 0, tzinfo=BERLIN)  # a Monday; the YAML reminder's 08:00 is past
VISIT_RULE = '  - {kind: carer_visit, id: pflegedienst, by: "09:30", notify: [pflege]}\n'
SIZES = ((1280, 800), (800, 1280))


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 5, 4, hour, minute, second, tzinfo=BERLIN)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveHub]:
    """The browser tests' flat at 09:00 on a simulated clock; `visits` adds the 09:30 rule."""
    hub = LiveHub(tmp_path, clock=SimulatedClock(NINE)).start()
    yield hub
    hub.stop()


@pytest.fixture
def visits(tmp_path: Path) -> Iterator[LiveHub]:
    hub = LiveHub(tmp_path, clock=SimulatedClock(NINE), rules=VISIT_RULE).start()
    yield hub
    hub.stop()


def pill_box(tmp_path: Path) -> Path:
    """A photo of a pill box, as a carer's phone takes it (a JPEG, 1200×900)."""
    path = tmp_path / "tablettenbox.jpg"
    image = Image.new("RGB", (1200, 900), (245, 245, 240))
    for x in range(100, 1100, 200):  # seven compartments, more or less
        image.paste((30, 90, 160), (x, 300, x + 150, 600))
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def carer_page(live: LiveHub, new_context: Callable[..., Any]) -> Any:
    context = new_context()
    sign_in_as_carer(context, live)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    return page


def tablet_page(live: LiveHub, new_context: Callable[..., Any], **options: Any) -> Any:
    context = new_context(**options)
    pair_tablet(context, live)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    page.goto(f"{live.base_url}/tablet")
    page.wait_for_function("document.getElementById('clock').textContent !== '--:--'")
    return page


def make_reminder(page: Any, live: LiveHub, picture: Path | None, who: str) -> None:
    page.goto(f"{live.base_url}/carer/reminders")
    page.get_by_role("link", name="Neue Erinnerung").click()
    page.get_by_label("Text auf dem Tablet").fill("Blutdrucktablette nehmen")
    page.get_by_label("Uhrzeit 1").fill("09:10")
    page.get_by_label("Medikament").check()
    page.get_by_label("Nicht bestätigt: wer wird benachrichtigt?").select_option(label=who)
    if picture is not None:
        page.set_input_files("#picture", str(picture))
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Die Erinnerung ist gespeichert").wait_for()


def shoot(page: Any, name: str) -> None:
    """The page as a laptop and an upright tablet show it."""
    ARTIFACTS.mkdir(exist_ok=True)
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=ARTIFACTS / f"{name}-{w}x{h}.png", full_page=True)
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})


def axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_reminder_with_a_picture_is_shown_confirmed_and_in_the_history(
    live: LiveHub, new_context: Callable[..., Any], tmp_path: Path
) -> None:
    carer = carer_page(live, new_context)
    # First a mistake: no time. The carer is told in her words, and nothing is saved.
    carer.goto(f"{live.base_url}/carer/reminders/new")
    carer.get_by_label("Text auf dem Tablet").fill("Blutdrucktablette nehmen")
    carer.get_by_role("button", name="Speichern").click()
    carer.get_by_text("Bitte mindestens eine Uhrzeit angeben.").first.wait_for()
    assert live.call(lambda: live.hub.reminders.active) == []
    assert axe_problems(carer) == []
    ARTIFACTS.mkdir(exist_ok=True)
    carer.screenshot(path=ARTIFACTS / "carer-reminder-form-problems-1280x800.png", full_page=True)

    make_reminder(carer, live, pill_box(tmp_path), "Alarmkette „default“")
    listed = carer.locator("#made-here li").filter(has_text="Blutdrucktablette nehmen")
    assert "09:10" in listed.inner_text()
    assert listed.locator("img").evaluate("img => img.naturalWidth") == 1200  # re-encoded whole
    assert axe_problems(carer) == []
    shoot(carer, "carer-reminders")

    tablets = [tablet_page(live, new_context, viewport={"width": w, "height": h}) for w, h in SIZES]
    live.advance_to(at(9, 10, 1))
    for tablet, (w, h) in zip(tablets, SIZES, strict=True):
        item = tablet.locator("#reminder-list li").filter(has_text="Blutdrucktablette nehmen")
        item.wait_for()
        picture = item.locator("img.picture")
        tablet.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
        )
        button = item.get_by_role("button", name="Genommen")
        box = button.bounding_box()
        assert box["height"] >= 110 and box["width"] >= 300  # a very big confirm
        assert axe_problems(tablet) == []
        tablet.screenshot(path=ARTIFACTS / f"tablet-reminder-{w}x{h}.png")

    live.advance_to(at(9, 12))
    tablets[0].locator("#reminder-list li").get_by_role("button", name="Genommen").click()
    confirmed = wait_for(lambda: live.call(lambda: live.hub.state.get("reminder.tablet")))
    assert confirmed is not None and confirmed.value == "carer-reminder-1"
    tablets[1].locator("#reminders").wait_for(state="hidden")  # off the other tablet too

    carer.goto(f"{live.base_url}/carer/reminders/history")
    row = carer.locator("tr").filter(has_text="Blutdrucktablette nehmen")
    assert "um 09:12 am Tablet" in row.inner_text()
    assert axe_problems(carer) == []
    shoot(carer, "carer-reminder-history")
    assert [p.js_errors for p in (carer, *tablets)] == [[], [], []]


def test_a_reminder_left_unconfirmed_reaches_the_carers_phone(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    carer = carer_page(live, new_context)
    make_reminder(carer, live, None, "Pflegedienst")
    tablet = tablet_page(live, new_context)
    live.advance_to(at(9, 10, 1))
    tablet.locator("#reminder-list li").filter(has_text="Blutdrucktablette nehmen").wait_for()
    live.run(live.hub.alerts.idle())
    assert live.sms_to(PFLEGE) == []  # shown, not yet late: nobody is told

    live.advance_to(at(9, 40, 1))  # 30 minutes and nobody pressed "Genommen"
    sms = wait_for(lambda: live.sms_to(PFLEGE), what="an SMS to the care service")
    assert "Erinnerung 'Blutdrucktablette nehmen' von 09:10 nicht bestätigt" in sms[0]

    carer.goto(f"{live.base_url}/carer/reminders/history")
    row = carer.locator("tr").filter(has_text="Blutdrucktablette nehmen")
    assert "nicht bestätigt" in row.inner_text()
    assert "Pflegedienst (sms) um 09:40" in row.inner_text()
    assert carer.js_errors == []


def test_a_carer_checks_in_and_out_on_the_tablet_and_the_visit_is_logged(
    visits: LiveHub, new_context: Callable[..., Any]
) -> None:
    live = visits
    tablets = [tablet_page(live, new_context, viewport={"width": w, "height": h}) for w, h in SIZES]
    tablet = tablets[0]
    live.advance_to(at(9, 5))
    tablet.get_by_role("button", name="Pflegedienst").click()
    screen = tablet.locator("#visit-screen")
    screen.wait_for(state="visible")
    screen.get_by_role("button", name="Pflegedienst", exact=True).wait_for()  # the configured carer
    screen.get_by_role("button", name="Ich bin da").click()
    assert "Bitte tippen Sie Ihren Namen an" in tablet.locator("#visit-note").inner_text()
    tablet.get_by_label("Oder Ihren Namen schreiben:").fill("Schwester Maria")
    assert axe_problems(tablet) == []
    tablet.screenshot(path=ARTIFACTS / "tablet-visit-1280x800.png")
    screen.get_by_role("button", name="Ich bin da").click()
    tablet.locator("#visit-note").filter(has_text="Danke, Schwester Maria.").wait_for()
    arrived = wait_for(lambda: live.call(lambda: live.hub.state.get("visit.tablet")))
    assert arrived is not None and arrived.value is True

    live.advance_to(at(9, 31))  # she came before 09:30: the care service hears nothing
    live.run(live.hub.alerts.idle())
    assert live.sms_to(PFLEGE) == []

    upright = tablets[1]
    upright.get_by_role("button", name="Pflegedienst").click()
    upright.locator("#visit-state").filter(has_text="Schwester Maria ist seit 09:05 da").wait_for()
    assert axe_problems(upright) == []
    upright.screenshot(path=ARTIFACTS / "tablet-visit-800x1280.png")
    upright.get_by_role("button", name="Ich gehe").click()
    upright.locator("#visit-note").filter(has_text="Der Besuch ist beendet").wait_for()
    upright.locator("#visit-screen").wait_for(state="hidden", timeout=10_000)  # home by itself

    carer = carer_page(live, new_context)
    carer.goto(f"{live.base_url}/carer/visits")
    row = carer.locator("#visits tbody tr").first
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells == ["Mo, 04.05.2026", "09:05", "09:31", "26 Min.", "Schwester Maria", "am Tablet"]
    assert axe_problems(carer) == []
    shoot(carer, "carer-visits")
    assert [p.js_errors for p in (*tablets, carer)] == [[], [], []]


def test_not_arrived_by_half_past_nine_reaches_the_care_service(
    visits: LiveHub, new_context: Callable[..., Any]
) -> None:
    live = visits
    tablet = tablet_page(live, new_context)
    live.advance_to(at(9, 30, 1))
    sms = wait_for(lambda: live.sms_to(PFLEGE), what="an SMS to the care service")
    assert "Pflegedienst bis 09:30 nicht eingetroffen (noch kein Besuch erfasst)" in sms[0]

    live.advance_to(at(9, 50))
    tablet.get_by_role("button", name="Pflegedienst").click()
    tablet.get_by_label("Oder Ihren Namen schreiben:").fill("Herr Yilmaz")
    tablet.get_by_role("button", name="Ich bin da").click()

    def resolved() -> Any:
        alerts = live.run(live.hub.alerts.recent_alerts())
        return [a for a in alerts if a.rule == "pflegedienst" and a.state is AlertState.RESOLVED]

    wait_for(resolved, what="the alert cleared by the late check-in")
    texts = wait_for(lambda: live.sms_to(PFLEGE)[1:], what="the all-clear")
    assert "Pflegedienst um 09:50 eingetroffen" in texts[0]
    assert tablet.js_errors == []
