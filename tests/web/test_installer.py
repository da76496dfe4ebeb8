"""The installer's pages: who may see them, the configuration editor, devices, the system."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from hub.app import Hub
from hub.web.app import build_app
from hub.web.auth import Gate
from hub.web.installer.configfile import add_device, check_text, remove_device

from .signin import SETUP_CODE, as_carer, as_installer, as_resident, form_token, post

Client = TestClient[Any, Any]
PAGES = ("/installer", "/installer/devices", "/installer/config", "/installer/system")
NEW = "00:15:8d:00:01:00:00:09"


async def audit(hub: Hub, action: str) -> list[Any]:
    await hub.store.flush()
    return [e for e in await hub.store.audit_entries() if e.action == action]


# Who may


@pytest.mark.parametrize("role", ["carer", "resident"])
async def test_carers_and_residents_get_403_on_every_installer_page(
    client: Client, role: str
) -> None:
    await (as_carer if role == "carer" else as_resident)(client)
    for path in PAGES:
        resp = await client.get(path, allow_redirects=False)
        assert resp.status == 403, path
    for path in ("/installer/config", "/installer/devices/assign", "/installer/system/test"):
        resp = await post(client, path)
        assert resp.status == 403, path
    resp = await post(client, "/api/zigbee/permit", json={"seconds": 60})
    assert resp.status == 403
    resp = await client.get("/api/installer/devices")
    assert resp.status == 403


async def test_the_installer_sees_the_pages(client: Client) -> None:
    await as_installer(client)
    resp = await client.get("/installer", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/installer/devices"
    for path in PAGES[1:]:
        resp = await client.get(path)
        assert resp.status == 200, path
        html = await resp.text()
        assert 'lang="de"' in html and "/static/installer.js" in html
        assert "<script>" not in html and "style=" not in html  # CSP: files only
    html = await (await client.get("/installer/devices")).text()
    assert "Kein Zigbee-Funk eingerichtet" in html
    for device in ("Bewegung Bad", "Haustür", "Notruf"):
        assert device in html


async def test_a_form_without_the_csrf_token_is_refused(client: Client) -> None:
    await as_installer(client)
    resp = await client.post("/installer/config", data={"text": "x", "action": "apply"})
    assert resp.status == 403


# The configuration file


async def test_a_config_with_an_error_is_refused_with_its_messages(
    client: Client, hub: Hub
) -> None:
    await as_installer(client)
    path = hub.config_path
    assert path is not None
    before, running = path.read_text(), hub.config
    token = await form_token(client, "/installer/config")
    broken = before.replace("kind: panic", "kind: panik")
    resp = await client.post(
        "/installer/config",
        data={"csrf": token, "text": broken, "action": "apply"},
        allow_redirects=False,
    )
    assert resp.status == 400
    html = await resp.text()
    assert "unknown rule kind &#39;panik&#39;" in html
    assert f"{path}:" in html and ".obhut-check-" not in html  # the real file's name
    assert "did you mean &#39;panic&#39;?" in html
    assert 'class="bad"' in html  # the line is marked
    assert "panik" in html  # the posted text stays in the textarea, nothing is lost
    assert path.read_text() == before
    assert hub.config is running
    assert [p for p in path.parent.iterdir() if "check" in p.name] == []
    assert await audit(hub, "config.refused")


async def test_check_only_shows_the_messages_and_writes_nothing(client: Client, hub: Hub) -> None:
    await as_installer(client)
    path = hub.config_path
    assert path is not None
    before = path.read_text()
    token = await form_token(client, "/installer/config")
    resp = await client.post(
        "/installer/config",
        data={"csrf": token, "text": before + "extra: 1\n", "action": "check"},
    )
    assert resp.status == 200
    assert "extra" in await resp.text()
    resp = await client.post(
        "/installer/config", data={"csrf": token, "text": before, "action": "check"}
    )
    assert "Keine Fehler gefunden." in await resp.text()
    assert path.read_text() == before


async def test_a_good_config_is_written_and_applied(client: Client, hub: Hub) -> None:
    await as_installer(client)
    path = hub.config_path
    assert path is not None
    text = path.read_text().replace("name: Wohnung Test", "name: Wohnung Neu")
    token = await form_token(client, "/installer/config")
    resp = await client.post(
        "/installer/config",
        data={"csrf": token, "text": text.replace("\n", "\r\n"), "action": "apply"},
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    assert path.read_text() == text
    assert hub.config.home.name == "Wohnung Neu"
    resp = await client.get(resp.headers["Location"])
    assert "Übernommen" in await resp.text()
    assert await audit(hub, "config.saved")


def test_check_text_names_the_file_and_resolves_secrets(tmp_path: Path) -> None:
    path = tmp_path / "obhut.yaml"
    path.write_text("home: {name: X}\n")
    (tmp_path / "secrets.yaml").write_text("tok: geheim\n")
    sms = (
        "sms: {account_sid: AC1, auth_token: !secret tok, sender: '+4915712345678'}\n"
        "contacts: {a: {name: A, role: family, phone: '+4917612345678'}}\n"
    )
    assert check_text(path, "home: {name: X}\n" + sms).ok
    check = check_text(path, "home: {name: X}\nrooms: {bad: {name: Bad, kind: bathrom}}\n")
    assert not check.ok and check.lines == {2}
    assert check.problems[0].startswith(f"{path}:2:")


# Devices in the file


def test_a_device_is_added_to_the_file_with_its_comments_kept(tmp_path: Path) -> None:
    path = tmp_path / "obhut.yaml"
    path.write_text(
        "# my flat\nhome: {name: X}  # the name\nrooms: {bad: {name: Bad}}\ndevices: {}\n"
    )
    assert add_device(path, NEW, "Bewegungsmelder Bad", "bad", "motion").ok
    text = path.read_text()
    assert "# my flat" in text and "# the name" in text
    assert f'"{NEW}"' in text and "Bewegungsmelder Bad" in text
    assert remove_device(path, NEW).ok
    assert NEW not in path.read_text()


def test_a_device_goes_into_an_included_devices_file(tmp_path: Path) -> None:
    path = tmp_path / "obhut.yaml"
    main = "home: {name: X}\nrooms: {bad: {name: Bad}}\ndevices: !include devices.yaml\n"
    path.write_text(main)
    (tmp_path / "devices.yaml").write_text("# devices of the flat\n")
    assert add_device(path, NEW, "Bewegungsmelder Bad", "bad", "motion").ok
    assert path.read_text() == main
    included = (tmp_path / "devices.yaml").read_text()
    assert "# devices of the flat" in included and NEW in included
    # a room that does not exist: refused, and the included file is as it was
    check = add_device(path, "00:15:8d:00:01:00:00:0a", "Lampe", "keller", "light")
    assert not check.ok and "keller" in "\n".join(check.problems)
    assert (tmp_path / "devices.yaml").read_text() == included


async def test_assigning_a_device_writes_it_and_applies_it(client: Client, hub: Hub) -> None:
    await as_installer(client)
    token = await form_token(client, "/installer/devices")
    fields = {"csrf": token, "ieee": NEW, "name": "Bewegungsmelder Küche"}
    resp = await client.post(
        "/installer/devices/assign",
        data={**fields, "room": "kueche", "role": "motion"},
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    assert hub.config.devices[NEW].name == "Bewegungsmelder Küche"
    assert hub.config_path is not None and NEW in hub.config_path.read_text()
    assert [e.target for e in await audit(hub, "config.device_added")] == [NEW]
    # a room that is not in the flat: the page says so, nothing changes
    resp = await client.post(
        "/installer/devices/assign",
        data={**fields, "ieee": "00:15:8d:00:01:00:00:0a", "room": "keller", "role": "motion"},
    )
    assert resp.status == 400
    assert "keller" in await resp.text()
    resp = await client.post(
        "/installer/devices/remove", data={"csrf": token, "ieee": NEW}, allow_redirects=False
    )
    assert resp.status == 303
    assert NEW not in hub.config.devices


async def test_permit_without_a_radio_is_a_clear_conflict(client: Client) -> None:
    await as_installer(client)
    resp = await post(client, "/api/zigbee/permit", json={"seconds": 60})
    assert resp.status == 409
    assert "radio" in (await resp.json())["error"]
    resp = await post(client, "/api/zigbee/permit", json={"seconds": 999})
    assert resp.status == 400


# The system


async def test_the_system_page_and_a_test_message(client: Client, hub: Hub) -> None:
    await as_installer(client)
    (hub.config.storage.data_dir / "backups").mkdir(exist_ok=True)
    (hub.config.storage.data_dir / "backups" / "zigbee-20260504-031500.json").write_text("{}")
    html = await (await client.get("/installer/system")).text()
    assert "nicht eingerichtet" in html  # no radio, no SMS
    assert "zigbee-20260504-031500.json" in html
    assert "Anna" in html and "Testnachricht senden" in html
    token = await form_token(client, "/installer/system")
    resp = await client.post(
        "/installer/system/test", data={"csrf": token, "contact": "anna"}, allow_redirects=False
    )
    assert resp.status == 303
    alerts = await hub.alerts.recent_alerts()
    assert any(a.rule == "system.test" for a in alerts)
    assert await audit(hub, "alert.test")
    resp = await client.get(resp.headers["Location"])
    assert "Die Testnachricht an Anna ist unterwegs." in await resp.text()


# The whole flow on the simulated radio


@pytest.fixture(scope="session")
def quirk_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from integrations.zigbee import quirks_index

    path = tmp_path_factory.mktemp("index") / "quirk-index.json"
    quirks_index.load_index(path)
    return path


@pytest.fixture
async def radio_client(tmp_path: Path, quirk_index: Path) -> AsyncIterator[tuple[Client, Any]]:
    from tests.zigbee.hub.conftest import flat_hub

    async with flat_hub(tmp_path, quirk_index, ["flur-motion"]) as (hub, zigbee, _seen):
        server = TestServer(build_app(hub, Gate(SETUP_CODE)), host="127.0.0.1")
        async with TestClient(server) as client:
            yield client, zigbee


async def test_an_installer_pairs_a_simulated_device_and_names_it(
    radio_client: tuple[Client, Any],
) -> None:
    from tests.zigbee.conftest import dump_path, join
    from tests.zigbee.hub.conftest import FLAT

    client, zigbee = radio_client
    hub = _hub_of(client)
    await as_installer(client)
    resp = await post(client, "/api/zigbee/permit", json={"seconds": 60})
    assert resp.status == 200 and (await resp.json()) == {"permitted": 60}
    listing = await (await client.get("/api/installer/devices")).json()
    assert 55 <= listing["permit_left"] <= 60
    assert [d["assigned"] for d in listing["devices"]] == [True]

    zigbee.world.add("bad-motion", dump_path(FLAT["bad-motion"][0]))
    device = await join(zigbee, "bad-motion")
    ieee = str(device.ieee)
    listing = await (await client.get("/api/installer/devices")).json()
    new = [d for d in listing["devices"] if not d["assigned"]]
    assert [d["ieee"] for d in new] == [ieee]
    html = await (await client.get("/installer/devices")).text()
    assert f'data-ieee="{ieee}" class="new"' in html

    token = await form_token(client, "/installer/devices")
    resp = await client.post(
        "/installer/devices/assign",
        data={
            "csrf": token,
            "ieee": ieee,
            "name": "Bewegungsmelder Bad",
            "room": "bad",
            "role": "motion",
        },
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    assert hub.config_path is not None
    assert "Bewegungsmelder Bad" in hub.config_path.read_text()
    assert hub.entities.get("motion.bad") is not None
    assert hub.zigbee is not None and "motion.bad" in hub.zigbee.by_entity


def _hub_of(client: Client) -> Hub:
    from hub.web.app import HUB

    return client.server.app[HUB]
