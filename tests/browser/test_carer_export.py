"""The export page in a real browser: the downloads arrive as files, a reversed range is
explained on the page, and the page passes the accessibility scan."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hub.model import Observation

from ..export.fhir_r4 import problems
from .conftest import ARTIFACTS, LiveHub, wait_for
from .test_carer import sign_in_as_carer


def _measure(live: LiveHub) -> None:
    """A blood pressure and a weight entered an hour ago; stored before the page asks."""
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    for obs in (
        Observation(at, "bp_systolic.erika", 138.0, "web"),
        Observation(at, "bp_diastolic.erika", 84.0, "web"),
        Observation(at, "body_weight.erika", 58.5, "web"),
    ):
        live.call(lambda obs=obs: live.hub.ingest(obs))


def test_a_carer_downloads_the_readings_and_the_vital_signs(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _measure(live)
    context = new_context(accept_downloads=True)
    sign_in_as_carer(context, live)
    page = context.new_page()
    page.goto(f"{live.base_url}/carer/export")
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "carer-export-1280x800.png", full_page=True)

    with page.expect_download() as fhir:
        page.click("#export-fhir")
    download = fhir.value
    assert download.suggested_filename.startswith("obhut-vital-signs_")
    assert download.suggested_filename.endswith(".fhir.json")
    bundle = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert problems(bundle) == []
    kinds = sorted(e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"][1:])
    assert kinds == ["29463-7", "85354-9"]

    with page.expect_download() as readings:
        page.click("#export-observations")
    with Path(readings.value.path()).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["entity"] for r in rows} >= {"bp_systolic.erika", "body_weight.erika"}
    actions = wait_for(
        lambda: [e.action for e in live.run(live.hub.store.audit_entries(30))
                 if e.action.startswith("export.")],
        what="the downloads in the audit log",
    )  # fmt: skip
    assert sorted(actions) == ["export.csv", "export.fhir"]


def test_a_reversed_range_is_explained_on_the_page(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    context = new_context(accept_downloads=True)
    sign_in_as_carer(context, live)
    page = context.new_page()
    page.goto(f"{live.base_url}/carer/export")
    page.fill("#export-first", "2026-05-04")
    page.fill("#export-last", "2026-05-01")
    page.click("#export-alerts")
    alert = page.locator("#export-error")
    alert.wait_for()
    assert "Der Bis-Tag liegt vor dem Vom-Tag" in alert.inner_text()
    assert page.input_value("#export-first") == "2026-05-04"
