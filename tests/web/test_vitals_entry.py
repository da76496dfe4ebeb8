"""Entering a measured value: the API (tablet and carers) and the carer's form; refusals,
the "please check" question, storage as observations, the audit entry and the finding."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.vitals.measures import Measurement
from hub.web.vitals_api import record

from ..conftest import BASE_CONFIG
from .conftest import NOW
from .signin import as_carer, as_resident, csrf, form_token, post

Client = TestClient[Any, Any]
ERNA = """\
residents:
  erna:
    name: Erna Berger
    vitals:
      bp_systolic: {min: 100, max: 150}
      bp_diastolic: {max: 90}
      body_weight: {min: 50, max: 80}
    measures: [blood_pressure, body_weight]
"""
TOLD = "rules:\n  - kind: panic\n  - {kind: vital_entry, resident: erna}\n"


def flat(tmp_path: Path, rules: str = TOLD) -> Path:
    text = BASE_CONFIG.replace("- contacts: [anna]", "- {contacts: [anna], channels: [console]}")
    text += ERNA + rules + f"storage:\n  data_dir: {tmp_path / 'data'}\n"
    path = tmp_path / "obhut.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Hub]:
    path = flat(tmp_path)
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        yield hub


async def stored(hub: Hub, measure: str = "bp_systolic") -> list[Any]:
    entities = [f"{c}.erna" for c in ("bp_systolic", "bp_diastolic", "body_weight")]
    found = await hub.store.observations(NOW - timedelta(days=40), NOW + timedelta(1), entities)
    return [o for o in found if measure == "*" or o.entity == f"{measure}.erna"]


async def audits(hub: Hub) -> list[Any]:
    return [e for e in await hub.store.audit_entries(200) if e.action == "vitals.entry"]


async def settled(hub: Hub) -> None:
    """The alerts the entry raised, applied. AlertService.idle spins without yielding when it
    finds only finished operations whose done callbacks have not run yet: let them run."""
    await asyncio.sleep(0)
    await hub.alerts.idle()


def bp(systolic: object, diastolic: object, **more: Any) -> dict[str, Any]:
    values = {"bp_systolic": systolic, "bp_diastolic": diastolic}
    return {"measurement": "blood_pressure", "values": values, **more}


async def test_a_carer_enters_a_blood_pressure_kept_as_two_observations(
    client: Client, hub: Hub
) -> None:
    await as_carer(client, "carla")
    resp = await post(client, "/api/vitals/entries", bp(128, "82", note="nach dem Frühstück"))
    assert resp.status == 201, await resp.text()
    answer = await resp.json()
    assert answer["status"] == "saved"
    assert answer["message"] == "Gespeichert: Blutdruck 128/82 mmHg."
    assert answer["entry"]["values"] == {"bp_systolic": 128, "bp_diastolic": 82}
    both = await stored(hub, "*")
    assert [(o.entity, o.value, o.source) for o in both] == [
        ("bp_systolic.erna", 128.0, "manual:carer:carla"),
        ("bp_diastolic.erna", 82.0, "manual:carer:carla"),
    ]
    assert both[0].ts == both[1].ts == NOW
    (entry,) = await audits(hub)
    assert entry.actor == "carer:carla" and entry.target == "blood_pressure.erna"
    assert "128/82 mmHg" in entry.detail and "note: nach dem Frühstück" in entry.detail
    await settled(hub)
    assert await hub.alerts.open_alerts() == []  # inside her range: nobody is told


@pytest.mark.parametrize(
    ("values", "field", "code", "says"),
    [
        ((400, 80), "bp_systolic", "impossible", "400 ist nicht möglich (möglich sind 50 bis 260"),
        ((120, 20), "bp_diastolic", "impossible", "20 ist nicht möglich (möglich sind 30 bis 160"),
        ((80, 90), "bp_diastolic", "order", "Der untere Wert (90) muss kleiner sein als der obere"),
        (("12o", 80), "bp_systolic", "not_a_number", "„12o“ ist keine Zahl"),
        (("", 80), "bp_systolic", "missing", "Bitte Blutdruck oben (systolisch) eintragen"),
    ],
)
async def test_impossible_values_are_refused_and_nothing_is_kept(
    client: Client, hub: Hub, values: tuple[object, object], field: str, code: str, says: str
) -> None:
    await as_carer(client)
    resp = await post(client, "/api/vitals/entries", bp(*values))
    assert resp.status == 422
    answer = await resp.json()
    assert answer["status"] == "refused"
    assert [(p["field"], p["code"]) for p in answer["problems"]] == [(field, code)]
    assert says in answer["error"]
    assert await stored(hub, "*") == [] and await audits(hub) == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("not json", "expected JSON"),
        ([1, 2], "expected an object"),
        ({"measurement": "puls", "values": {}}, "measurement: one of"),
        ({"measurement": "body_weight", "values": 72}, "values: an object"),
        ({"measurement": "body_weight", "values": {}, "resident": "otto"}, "unknown resident"),
    ],
)
async def test_a_malformed_request_is_told_what_is_expected(
    client: Client, body: object, says: str
) -> None:
    await as_carer(client)
    if isinstance(body, str):
        headers = {"X-CSRF-Token": csrf(client), "Content-Type": "application/json"}
        resp = await client.post("/api/vitals/entries", data=body, headers=headers)
    else:
        resp = await post(client, "/api/vitals/entries", body)
    assert resp.status == 400
    assert says in (await resp.json())["error"]


async def test_outside_her_range_asks_first_then_keeps_it_and_tells_the_first_tier(
    client: Client, hub: Hub
) -> None:
    await as_carer(client, "carla")
    resp = await post(client, "/api/vitals/entries", bp(182, 95))
    assert resp.status == 200
    answer = await resp.json()
    assert answer["status"] == "check"
    assert "Blutdruck 182/95 mmHg liegt außerhalb des Bereichs von Erna Berger" in answer["message"]
    assert "Erna Berger (100–150 mmHg / 60–90 mmHg)." in answer["message"]
    assert [o["capability"] for o in answer["outside"]] == ["bp_systolic", "bp_diastolic"]
    assert await stored(hub, "*") == []  # nothing kept until it is confirmed

    resp = await post(client, "/api/vitals/entries", bp(182, 95, confirm=True))
    assert resp.status == 201
    assert [o.value for o in await stored(hub, "*")] == [182.0, 95.0]
    await settled(hub)
    (alert,) = await hub.alerts.open_alerts()
    assert alert.rule == "vital_entry" and str(alert.severity) == "warning"
    assert alert.data["explanation"] == (
        "Blutdruck 182/95 mmHg (09:00, eingetragen von carla), Bereich bis 150/90"
    )
    deliveries = await hub.alerts.deliveries(alert.id)
    assert [d.contact for d in deliveries] == ["anna"]  # the escalation's first tier
    (entry,) = await audits(hub)
    assert "outside the range (bp_systolic, bp_diastolic)" in entry.detail


async def test_without_a_vital_entry_rule_nobody_is_told(tmp_path: Path) -> None:
    path = flat(tmp_path, rules="rules:\n  - kind: panic\n")
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        outcome = record(
            hub,
            "carer:carla",
            "erna",
            Measurement.BODY_WEIGHT,
            {"body_weight": "91,5"},
            confirmed=True,
        )
        assert outcome.status == "saved"
        await settled(hub)
        assert await hub.alerts.open_alerts() == []


async def test_the_tablet_hears_calm_sentences(client: Client, hub: Hub) -> None:
    await as_resident(client)
    resp = await post(client, "/api/vitals/entries", bp(400, 80))
    assert resp.status == 422
    assert (await resp.json())["message"] == (
        "Der Wert 400 kann nicht stimmen. Bitte noch einmal messen."
    )
    resp = await post(client, "/api/vitals/entries", bp(165, 85))
    assert (await resp.json())["message"] == (
        "Der Wert 165 ist höher als sonst. Bitte prüfen – trotzdem speichern?"
    )
    resp = await post(client, "/api/vitals/entries", bp(165, 85, confirm=True))
    assert resp.status == 201
    assert (await resp.json())["message"] == "Danke! Der Wert ist gespeichert."
    (systolic,) = await stored(hub)
    assert systolic.source.startswith("manual:resident:tablet-")
    await settled(hub)
    (alert,) = await hub.alerts.open_alerts()
    assert "am Tablet eingetragen" in alert.data["explanation"]
    assert "Bereich bis 150" in alert.data["explanation"]


async def test_the_tablet_enters_for_its_resident_only(client: Client, hub: Hub) -> None:
    await as_resident(client)
    resp = await post(client, "/api/vitals/entries", bp(120, 80, resident="anna"))
    assert resp.status == 400


async def test_the_time_of_a_measurement_is_checked(client: Client, hub: Hub) -> None:
    await as_carer(client)
    weight = {"measurement": "body_weight", "values": {"body_weight": "72,4"}}
    resp = await post(client, "/api/vitals/entries", {**weight, "time": "2026-05-04T11:00"})
    assert (await resp.json())["problems"][0]["code"] == "future"  # 11:00 Berlin is 09:00 UTC
    resp = await post(client, "/api/vitals/entries", {**weight, "time": "2025-12-01T08:00"})
    assert "älter als 90 Tage" in (await resp.json())["error"]
    resp = await post(client, "/api/vitals/entries", {**weight, "time": "gestern"})
    assert (await resp.json())["problems"][0]["code"] == "bad_time"
    resp = await post(client, "/api/vitals/entries", {**weight, "time": "2026-05-04T07:30"})
    assert resp.status == 201
    (kept,) = await stored(hub, "body_weight")
    assert kept.ts == NOW - timedelta(hours=1, minutes=30) and kept.value == 72.4


async def test_the_carer_form_refuses_keeping_what_was_typed(client: Client, hub: Hub) -> None:
    await as_carer(client)
    html = await (await client.get("/carer/vitals/new")).text()
    assert 'name="bp_systolic"' in html and 'name="bp_diastolic"' in html
    assert "Normalbereich 100–150 mmHg" in html
    token = await form_token(client, "/carer/vitals/new")
    fields = {"csrf": token, "measurement": "blood_pressure", "resident": "erna"}
    typed = {**fields, "bp_systolic": "400", "bp_diastolic": "80", "note": "zittrig"}
    resp = await client.post("/carer/vitals/new", data=typed, allow_redirects=False)
    assert resp.status == 422
    html = await resp.text()
    assert "Nicht gespeichert:" in html and "400 ist nicht möglich" in html
    assert 'value="400"' in html and 'value="80"' in html and 'value="zittrig"' in html
    assert await stored(hub, "*") == []


async def test_the_carer_form_asks_then_saves_and_the_page_shows_it(
    client: Client, hub: Hub
) -> None:
    await as_carer(client, "carla")
    token = await form_token(client, "/carer/vitals/new")
    fields = {"csrf": token, "measurement": "blood_pressure", "resident": "erna"}
    typed = {**fields, "bp_systolic": "182", "bp_diastolic": "95", "note": "nach Treppe"}
    resp = await client.post("/carer/vitals/new", data=typed, allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert "Bitte prüfen – trotzdem speichern?" in html
    assert 'name="confirm" value="1"' in html and 'value="182"' in html
    assert await stored(hub, "*") == []

    resp = await client.post(
        "/carer/vitals/new", data={**typed, "confirm": "1"}, allow_redirects=False
    )
    assert resp.status == 303
    assert resp.headers["Location"].startswith("/carer/vitals?saved=blood_pressure.erna")
    (entry,) = await audits(hub)
    assert entry.actor == "carer:carla" and "note: nach Treppe" in entry.detail
    await settled(hub)
    assert len(await hub.alerts.open_alerts()) == 1
    html = await (await client.get(resp.headers["Location"])).text()
    assert "Gespeichert: Blutdruck 182/95 mmHg." in html
    latest = html.split('id="measure-blood_pressure-erna"', 1)[1].split("</section>", 1)[0]
    assert "182/95 mmHg" in latest and "eingetragen von carla" in latest
    assert "außerhalb des Bereichs" in latest


async def test_the_form_without_its_csrf_token_is_refused(client: Client, hub: Hub) -> None:
    await as_carer(client)
    data = {"measurement": "body_weight", "resident": "erna", "body_weight": "70"}
    resp = await client.post("/carer/vitals/new", data=data, allow_redirects=False)
    assert resp.status == 403
    assert await stored(hub, "*") == []


async def test_a_resident_may_not_open_the_carer_form(client: Client) -> None:
    await as_resident(client)
    resp = await client.get("/carer/vitals/new", allow_redirects=False)
    assert resp.status == 403


async def test_the_english_form_speaks_english(client: Client, hub: Hub) -> None:
    await as_carer(client)
    client.session.cookie_jar.update_cookies({"lang": "en"})
    html = await (await client.get("/carer/vitals/new?measurement=body_weight")).text()
    assert "Enter a reading" in html and "Weight (kg)" in html
    resp = await post(
        client,
        "/api/vitals/entries",
        {"measurement": "body_weight", "values": {"body_weight": "1200"}},
    )
    assert "1200 is impossible (possible are 20 to 300 kg)" in (await resp.json())["error"]
    assert re.search(r"Normal range 50–80 kg", html)
