"""The carer's export page: a range of days, downloads of the readings and alerts (CSV) and of
the vital signs (FHIR), each in the audit log; bad days get a message on the page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Finding, Severity

from ..export.conftest import config_text, manual, night
from ..export.fhir_r4 import problems
from .conftest import NOW
from .signin import as_carer, as_resident, form_token

Client = TestClient[Any, Any]
START = NOW - timedelta(hours=9)  # 00:00 in Berlin, 4 May 2026


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Hub]:
    path = tmp_path / "obhut.yaml"
    path.write_text(config_text(tmp_path / "data", "rules:\n  - kind: panic\n"), encoding="utf-8")
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        for obs in night(START, 300) + manual(START + timedelta(hours=8)):
            hub.ingest(obs)  # not flushed yet: the export must still hold them
        yield hub


async def download(client: Client, **fields: str) -> Any:
    token = await form_token(client, "/carer/export")
    data = {"csrf": token, "first": "2026-05-04", "last": "2026-05-04", **fields}
    return await client.post("/carer/export", data=data, allow_redirects=False)


async def test_the_page_offers_the_last_four_weeks_and_three_downloads(client: Client) -> None:
    await as_carer(client)
    resp = await client.get("/carer/export")
    assert resp.status == 200
    html = await resp.text()
    assert 'href="/carer/export" aria-current="page"' in html
    assert 'name="first" type="date" value="2026-04-07"' in html
    assert 'name="last" type="date" value="2026-05-04"' in html
    for what in ("observations", "alerts", "fhir"):
        assert f'name="what" value="{what}"' in html
    assert "Vitalwerte für die Praxis (FHIR)" in html
    assert 'name="resident"' not in html  # one resident: nothing to choose


async def test_the_readings_download_is_a_csv_of_the_days_and_it_is_audited(
    client: Client, hub: Hub
) -> None:
    await as_carer(client, "carla")
    resp = await download(client, what="observations")
    assert resp.status == 200, await resp.text()
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == (
        'attachment; filename="obhut-observations_2026-05-04_2026-05-04.csv"'
    )
    assert resp.headers["Cache-Control"] == "no-store"
    body = await resp.read()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
    assert len(rows) == 2 * 300 + 6
    assert rows[0]["timestamp"] == "2026-05-04T00:00:00+02:00"
    assert rows[0]["room"] == "Schlafzimmer" and rows[0]["unit"] == "/min"
    entries = await hub.store.audit_entries(10)
    assert any(
        (e.actor, e.action, e.target, e.detail)
        == ("carer:carla", "export.csv", "observations", "2026-05-04..2026-05-04")
        for e in entries
    )


async def test_the_alerts_download_lists_the_days_alerts(client: Client, hub: Hub) -> None:
    hub.bus.publish(
        Finding(NOW, "panic", "panic", Severity.EMERGENCY, "bad", "SOS pressed",
                explanation="Der Notrufknopf im Bad wurde gedrückt")
    )  # fmt: skip
    await hub.alerts.idle()
    await as_carer(client)
    resp = await download(client, what="alerts")
    assert resp.status == 200
    (alert,) = list(csv.DictReader(io.StringIO((await resp.read()).decode(), newline="")))
    assert alert["rule"] == "panic" and alert["severity"] == "emergency"
    assert alert["explanation"] == "Der Notrufknopf im Bad wurde gedrückt"


async def test_the_vital_signs_download_is_a_valid_fhir_bundle(client: Client, hub: Hub) -> None:
    await as_carer(client)
    resp = await download(client, what="fhir")
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert resp.headers["Content-Disposition"].endswith('_2026-05-04_2026-05-04.fhir.json"')
    bundle = json.loads(await resp.read())
    assert problems(bundle) == []
    assert bundle["entry"][0]["resource"]["name"] == [{"text": "Erna Beispiel"}]
    assert len(bundle["entry"]) == 1 + 2 + 5  # patient, the night's resting rates, manual ones
    entries = await hub.store.audit_entries(10)
    assert any(e.action == "export.fhir" and e.target == "erna" for e in entries)


@pytest.mark.parametrize(
    ("first", "last", "what", "message"),
    [
        ("31.02.2026", "2026-05-04", "observations", "Das ist kein Datum"),
        ("2026-05-04", "", "fhir", "Bitte beide Tage angeben"),
        ("2026-05-04", "2026-05-01", "alerts", "Der Bis-Tag liegt vor dem Vom-Tag"),
        ("0001-01-01", "2026-05-01", "alerts", "zu weit in der Vergangenheit"),
        ("2026-05-01", "2026-05-04", "everything", "einen der Knöpfe"),
    ],
)
async def test_bad_days_get_a_message_on_the_page_and_nothing_is_exported(
    client: Client, hub: Hub, first: str, last: str, what: str, message: str
) -> None:
    await as_carer(client)
    resp = await download(client, first=first, last=last, what=what)
    assert resp.status == 400
    assert resp.headers["Content-Type"].startswith("text/html")
    html = await resp.text()
    assert message in html and 'role="alert"' in html
    assert "Traceback" not in html
    assert f'value="{first}"' in html  # what was typed stays in the form
    assert not any(e.action.startswith("export.") for e in await hub.store.audit_entries(20))


async def test_only_carers_and_installers_may_export(client: Client) -> None:
    resp = await client.get("/carer/export", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/login"
    await as_resident(client)
    assert (await client.get("/carer/export", allow_redirects=False)).status == 403


async def test_a_download_without_the_forms_token_is_refused(client: Client, hub: Hub) -> None:
    await as_carer(client)
    data = {"first": "2026-05-04", "last": "2026-05-04", "what": "observations"}
    resp = await client.post("/carer/export", data=data, allow_redirects=False)
    assert resp.status == 403
    assert not any(e.action == "export.csv" for e in await hub.store.audit_entries(20))
