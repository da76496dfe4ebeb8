"""The installer's pages in a real browser: pairing a simulated Zigbee device and naming it,
a refused configuration, the system page, and accessibility."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.app import Hub
from hub.clock import SystemClock
from hub.config import load_config
from hub.web.app import serve

from .conftest import ARTIFACTS, LiveHub, sign_in, wait_for

RADIO_CONFIG = """\
home: {{name: Wohnung Müller, language: de, timezone: Europe/Berlin}}
residents: {{erika: {{name: Erika}}}}
rooms:
  bad: {{name: Bad, kind: bathroom}}
  flur: {{name: Flur, kind: entrance}}
# devices are paired from the installer's page
devices: {{}}
contacts:
  anna: {{name: Anna, role: family, phone: "+4917612345678", language: de}}
escalation:
  default:
    tiers:
      - {{contacts: [anna], channels: [sms], wait: 10m}}
rules:
  - {{kind: panic}}
zigbee: {{radio: {{type: simulated}}}}
storage: {{data_dir: {data}, commit_interval: 1s}}
"""
DEVICE = "bad-motion"
DUMP = "lumi-lumi-sensor-motion-aq2.json"
JOIN_S = 30.0


class RadioHub(LiveHub):
    """A live hub on the simulated Zigbee radio, with no Twilio stand-in."""

    def __init__(self, tmp_path: Path, quirk_index: Path) -> None:
        super().__init__(tmp_path)
        self.quirk_index = quirk_index

    async def _serve(self) -> None:
        import asyncio

        from integrations.zigbee.simradio.world import close_world, open_world

        self._stop = asyncio.Event()
        data = self.tmp_path / "data"
        data.mkdir()
        shutil.copy(self.quirk_index, data / "quirk-index.json")
        open_world(data)
        path = self.tmp_path / "obhut.yaml"
        path.write_text(RADIO_CONFIG.format(data=data), encoding="utf-8")
        try:
            async with (
                Hub.running(load_config(path), path, SystemClock()) as hub,
                serve(hub, self.gate, "127.0.0.1", self.port),
            ):
                self.hub = hub
                assert hub.zigbee is not None
                await asyncio.wait_for(hub.zigbee.ready.wait(), JOIN_S)
                self._ready.set_result(None)
                await self._stop.wait()
        finally:
            close_world(data)


@pytest.fixture(scope="session")
def quirk_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lazy-quirk index, built once (as the hub builds it on its first start)."""
    from integrations.zigbee import quirks_index

    path = tmp_path_factory.mktemp("index") / "quirk-index.json"
    quirks_index.load_index(path)
    return path


@pytest.fixture
def radio_live(tmp_path: Path, quirk_index: Path) -> Iterator[RadioHub]:
    hub = RadioHub(tmp_path, quirk_index)
    hub.start()
    yield hub
    hub.stop()


def axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def installer_page(live: LiveHub, new_context: Callable[..., Any], path: str) -> Any:
    context = new_context()
    sign_in(context, live)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live.base_url}{path}")
    page.js_errors = errors
    return page


def test_an_installer_pairs_a_simulated_device_and_names_it(
    radio_live: RadioHub, new_context: Callable[..., Any]
) -> None:
    from tests.zigbee.conftest import dump_path, join

    live = radio_live
    page = installer_page(live, new_context, "/installer/devices")
    assert page.locator("h1").inner_text() == "Geräte"
    assert axe_problems(page) == []

    page.get_by_role("button", name="Geräte anlernen").click()
    page.get_by_text("Anlernen läuft").wait_for()

    async def a_device_joins() -> str:
        zigbee = live.hub.zigbee.zigbee if live.hub.zigbee else None
        assert zigbee is not None
        zigbee.world.add(DEVICE, dump_path(DUMP))
        device = await join(zigbee, DEVICE, bound_s=JOIN_S)
        return str(device.ieee)

    ieee = live.run(a_device_joins(), timeout=JOIN_S + 5)
    row = page.locator(f'tr.new[data-ieee="{ieee}"]')
    row.wait_for()  # the page shows it without a reload
    assert "Neu" in row.inner_text()
    assert axe_problems(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "installer-devices-new.png", full_page=True)

    row.get_by_label("Name").fill("Bewegungsmelder Bad")
    row.get_by_label("Raum").select_option("bad")
    row.get_by_label("Aufgabe").select_option("motion")
    row.get_by_role("button", name="Speichern").click()
    page.get_by_text("Das Gerät ist gespeichert").wait_for()

    saved = page.locator(f'tr.assigned[data-ieee="{ieee}"]')
    assert "Bewegungsmelder Bad" in saved.inner_text()
    assert "Bewegungsmelder Bad" in (live.tmp_path / "obhut.yaml").read_text()
    assert "# devices are paired" in (live.tmp_path / "obhut.yaml").read_text()
    assert live.call(lambda: live.hub.entities.get("motion.bad")) is not None
    wait_for(
        lambda: (
            live.call(lambda: "motion.bad" in live.hub.zigbee.by_entity)
            if live.hub.zigbee
            else False
        ),
        what="motion.bad bound to the device",
    )
    assert page.js_errors == []


def test_a_broken_config_is_refused_in_the_browser_and_pages_are_accessible(
    live: LiveHub, new_context: Callable[..., Any]
) -> None:
    page = installer_page(live, new_context, "/installer/config")
    assert axe_problems(page) == []
    before = (live.tmp_path / "obhut.yaml").read_text()
    text = page.locator("#text")
    text.fill(text.input_value().replace("kind: panic", "kind: panik"))
    page.get_by_role("button", name="Übernehmen").click()
    page.locator("#problems").wait_for()
    assert "did you mean 'panic'?" in page.locator("#problems").inner_text()
    assert page.locator("ol.listing li.bad").count() == 1
    assert (live.tmp_path / "obhut.yaml").read_text() == before
    assert axe_problems(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "installer-config-refused.png", full_page=True)

    page.goto(f"{live.base_url}/installer/system")
    assert axe_problems(page) == []
    page.get_by_role("button", name="Testnachricht senden: Anna").click()
    page.get_by_text("Die Testnachricht an Anna ist unterwegs.").wait_for()
    wait_for(lambda: live.sms_to("+4917612345678"), what="the test SMS")
    page.screenshot(path=ARTIFACTS / "installer-system.png", full_page=True)
    assert page.js_errors == []
