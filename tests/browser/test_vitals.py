"""Measured values in a real browser: a blood pressure entered on the tablet reaches the carer
page and the family's phone; a carer's weight through the form; accessibility of both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ANNA, ARTIFACTS, LiveHub, pair_tablet, wait_for
from .test_carer import sign_in_as_carer

ERIKA = (
    "residents: {erika: {name: Erika, measures: [blood_pressure, body_weight], "
    "vitals: {bp_systolic: {max: 150}, body_weight: {min: 50, max: 80}}}}"
)
AAA = {"resultTypes": ["violations"], "rules": {"color-contrast-enhanced": {"enabled": True}}}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveHub]:
    """The browser tests' flat, where Erika enters her blood pressure and weight."""
    hub = LiveHub(tmp_path, rules="  - {kind: vital_entry, resident: erika}\n").start()
    path = tmp_path / "obhut.yaml"
    text = path.read_text(encoding="utf-8")
    assert "residents: {erika: {name: Erika}}" in text
    path.write_text(text.replace("residents: {erika: {name: Erika}}", ERIKA), encoding="utf-8")
    assert hub.run(hub.hub.reload())  # as the installer's configuration page applies it
    yield hub
    hub.stop()


def problems(page: Any, options: dict[str, Any] | None = None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=options or {"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def stored(live: LiveHub, entity: str) -> list[Any]:
    return live.call(lambda: [o for o in live.hub.recent if o.entity == entity])


def test_a_blood_pressure_entered_on_the_tablet_reaches_the_carer_page(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    context = new_context()
    pair_tablet(context, live)
    tablet = context.new_page()
    errors: list[str] = []
    tablet.on("pageerror", lambda e: errors.append(str(e)))
    tablet.goto(f"{live.base_url}/tablet")
    ARTIFACTS.mkdir(exist_ok=True)

    tablet.get_by_role("button", name="Messwerte").click()
    choose = tablet.locator("#measure-choose")
    choose.wait_for(state="visible")
    assert problems(tablet, AAA) == []
    tablet.screenshot(path=ARTIFACTS / "tablet-measurements-choose-1280x800.png")
    choose.get_by_role("button", name="Blutdruck").click()
    screen = tablet.locator("#measure-blood_pressure")
    screen.wait_for(state="visible")

    upper = screen.get_by_role("textbox", name="Oberer Wert (SYS)")
    lower = screen.get_by_role("textbox", name="Unterer Wert (DIA)")
    upper.fill("400")
    screen.get_by_role("button", name="Speichern").click()
    note = screen.locator(".measure-note")
    assert note.inner_text() == "Der Wert 400 kann nicht stimmen. Bitte noch einmal messen."
    assert stored(live, "bp_systolic.erika") == []

    upper.fill("162")
    assert lower.input_value() == "80"  # where the steppers start without an earlier value
    plus = screen.get_by_role("button", name="Unterer Wert (DIA): mehr")
    for _ in range(5):
        plus.click()
    assert lower.input_value() == "85"
    screen.get_by_role("button", name="Speichern").click()
    yes = screen.get_by_role("button", name="Ja, speichern")
    yes.wait_for()
    assert note.inner_text() == (
        "Der Wert 162 ist höher als sonst. Bitte prüfen – trotzdem speichern?"
    )
    assert problems(tablet, AAA) == []
    tablet.screenshot(path=ARTIFACTS / "tablet-measurements-check-1280x800.png")
    assert stored(live, "bp_systolic.erika") == []  # nothing kept before she says yes

    yes.click()
    tablet.get_by_text("Danke! Der Wert ist gespeichert.").wait_for()
    tablet.screenshot(path=ARTIFACTS / "tablet-measurements-saved-1280x800.png")
    (systolic,) = wait_for(lambda: stored(live, "bp_systolic.erika"), what="the reading")
    (diastolic,) = stored(live, "bp_diastolic.erika")
    assert (systolic.value, diastolic.value) == (162.0, 85.0)
    assert systolic.ts == diastolic.ts and systolic.source.startswith("manual:resident:")
    screen.wait_for(state="hidden")  # back home by itself
    assert choose.is_hidden()

    # The escalation's first tier hears of it, in words a daughter reads.
    (sms,) = wait_for(lambda: live.sms_to(ANNA), what="an SMS to Anna")
    assert "Blutdruck 162/85 mmHg" in sms and "am Tablet eingetragen" in sms

    carer = new_context()
    sign_in_as_carer(carer, live)
    page = carer.new_page()
    page.goto(f"{live.base_url}/carer/vitals")
    card = page.locator("#measure-blood_pressure-erika")
    assert "162/85 mmHg" in card.locator(".latest").inner_text()
    assert "am Tablet eingetragen" in card.inner_text()
    assert "außerhalb des Bereichs" in card.inner_text()
    assert card.locator("svg .bar").count() == 1
    assert problems(page) == []
    page.screenshot(path=ARTIFACTS / "carer-vitals-entered-1280x800.png", full_page=True)
    assert errors == []


def test_a_carer_enters_a_weight_through_the_form(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    context = new_context()
    sign_in_as_carer(context, live)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live.base_url}/carer/vitals")
    page.get_by_role("link", name="Messwert eintragen", exact=True).click()
    page.get_by_role("link", name="Gewicht").click()
    field = page.get_by_label("Gewicht (kg)")
    field.fill("1200")
    page.get_by_label("Notiz (freiwillig)").fill("vor dem Frühstück")
    page.get_by_role("button", name="Speichern").click()
    alert = page.locator("#problems")
    alert.wait_for()
    assert "1200 ist nicht möglich (möglich sind 20 bis 300 kg)" in alert.inner_text()
    assert field.input_value() == "1200"  # nothing typed is lost
    assert page.get_by_label("Notiz (freiwillig)").input_value() == "vor dem Frühstück"
    assert problems(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "carer-vitals-new-refused-1280x800.png", full_page=True)

    field.fill("72,5")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Gespeichert: Gewicht 72,5 kg.").wait_for()
    assert page.url.startswith(f"{live.base_url}/carer/vitals?saved=body_weight.erika")
    card = page.locator("#measure-body_weight-erika")
    assert "72,5 kg" in card.locator(".latest").inner_text()
    assert "eingetragen von carla" in card.inner_text()
    entries = live.run(live.hub.store.audit_entries(50))
    (entry,) = [e for e in entries if e.action == "vitals.entry"]
    assert entry.actor == "carer:carla" and "vor dem Frühstück" in entry.detail
    assert errors == []
