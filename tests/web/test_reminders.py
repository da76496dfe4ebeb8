"""Reminders on the carer page: made, checked in the carer's words, run beside obhut.yaml's, shown
on the tablet with their picture, changed and deleted with an audit trail; pictures refused."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from PIL import Image

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.reminders.pictures import MAX_BYTES

from ..conftest import BASE_CONFIG
from .signin import as_carer, as_resident, csrf, post

Client = TestClient[Any, Any]
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 5, 4, 7, 0, tzinfo=BERLIN)  # a Monday morning
YAML_REMINDER = "  - {kind: reminder, id: blutdruck, text: Blutdruck messen, at: '18:00'}\n"


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Hub]:
    text = BASE_CONFIG.replace("- contacts: [anna]", "- {contacts: [anna], channels: [console]}")
    text += "rules:\n  - kind: panic\n" + YAML_REMINDER
    text += f"storage:\n  data_dir: {tmp_path / 'data'}\n"
    path = tmp_path / "obhut.yaml"
    path.write_text(text, encoding="utf-8")
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        yield hub


def photo(fmt: str = "PNG", size: tuple[int, int] = (640, 480)) -> bytes:
    """A real picture, as a phone would send one."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt)
    return out.getvalue()


FIELDS = [
    ("text", "Blutdrucktablette nehmen"),
    ("at", "08:00"),
    ("at", "20:00"),
    ("at", ""),
    ("at", ""),
    ("confirm_within", "30"),
    ("notify", "policy:default"),
    ("medication", "on"),
]


async def send(
    client: Client,
    path: str,
    fields: list[tuple[str, str]],
    picture: tuple[str, bytes, str] | None = None,
    header: bool = True,
) -> Any:
    """The reminder form as the page's script sends it (multipart, CSRF header)."""
    form = FormData()
    for name, value in fields:
        form.add_field(name, value)
    if not header:
        form.add_field("csrf", csrf(client))
    if picture is not None:
        filename, data, content_type = picture
        form.add_field("picture", data, filename=filename, content_type=content_type)
    headers = {"X-CSRF-Token": csrf(client)} if header else {}
    return await client.post(path, data=form, headers=headers, allow_redirects=False)


async def advance(hub: Hub, when: datetime) -> None:
    assert isinstance(hub.clock, SimulatedClock)
    await hub.clock.advance_to(when)


async def settled(hub: Hub) -> None:
    """Alerting has applied every finding and sent what it had to."""
    await hub.alerts.idle()


def rows_with(html: str, text: str) -> list[str]:
    return [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if text in row]


def audit_of(entries: list[Any], action: str) -> list[Any]:
    return [e for e in entries if e.action == action]


async def test_a_reminder_made_on_the_carer_page_runs_and_shows_its_picture_on_the_tablet(
    hub: Hub, client: Client, tablet: Client
) -> None:
    await as_carer(client)
    resp = await send(client, "/carer/reminders", FIELDS, ("box.png", photo(), "image/png"))
    assert resp.status == 303, await resp.text()
    assert resp.headers["Location"] == "/carer/reminders?done=saved"
    rule = next(r for r in hub.config.rules if r.rule_id == "carer-reminder-1")
    assert getattr(rule, "text", None) == "Blutdrucktablette nehmen"
    assert "carer-reminder-1" in hub.engine.rule_ids and "blutdruck" in hub.engine.rule_ids
    listing = await (await client.get("/carer/reminders?done=saved")).text()
    assert "Die Erinnerung ist gespeichert" in listing
    assert "08:00, 20:00" in listing and "Medikament" in listing

    await advance(hub, datetime(2026, 5, 4, 8, 0, 1, tzinfo=BERLIN))
    await settled(hub)
    await as_resident(tablet)
    status = await (await tablet.get("/api/resident/status")).json()
    [shown] = status["reminders"]
    assert shown["text"] == "Blutdrucktablette nehmen" and shown["at"] == "08:00"
    assert shown["medication"] is True
    image = await tablet.get(shown["picture"])
    assert image.status == 200 and image.headers["Content-Type"] == "image/jpeg"
    stored = Image.open(io.BytesIO(await image.read()))
    assert (stored.format, stored.size) == ("JPEG", (640, 480))  # re-encoded, not the PNG

    resp = await post(tablet, "/api/resident/reminder/carer-reminder-1/confirm")
    assert resp.status == 200
    await settled(hub)
    assert (await (await tablet.get("/api/resident/status")).json())["reminders"] == []
    [made] = audit_of(await hub.store.audit_entries(200), "reminder.create")
    assert (made.actor, made.target) == ("carer:carla", "carer-reminder-1")
    assert "'Blutdrucktablette nehmen' at 08:00,20:00" in made.detail


async def test_the_form_says_every_problem_in_the_carers_words_and_stores_nothing(
    hub: Hub, client: Client
) -> None:
    await as_carer(client)
    wrong = [
        ("text", ""),
        ("at", "25:00"),
        ("at", "8:00"),
        ("at", "08:00"),
        ("confirm_within", "30"),
        ("notify", "policy:nobody"),
    ]
    resp = await send(client, "/carer/reminders", wrong)
    assert resp.status == 422
    page = await resp.text()
    assert "Bitte einen Text für die Erinnerung angeben." in page
    assert "„25:00“ ist keine Uhrzeit. Bitte so angeben: 08:00." in page
    assert "Die Uhrzeit 08:00 steht zweimal da." in page
    assert "Bitte auswählen, wer benachrichtigt wird." in page
    assert 'value="25:00"' in page  # what was typed stays, to be corrected

    no_time = [("text", "Tabletten"), ("at", ""), ("confirm_within", "30")]
    page = await (
        await send(client, "/carer/reminders", [*no_time, ("notify", "contact:anna")])
    ).text()
    assert "Bitte mindestens eine Uhrzeit angeben." in page
    close = [("text", "Tropfen"), ("at", "08:00"), ("at", "08:20"), ("confirm_within", "30")]
    page = await (
        await send(client, "/carer/reminders", [*close, ("notify", "contact:anna")])
    ).text()
    assert "Zwischen zwei Erinnerungen liegen nur 20 Minuten; bestätigen innerhalb von 30 " in page
    assert hub.reminders.active == []
    assert [r for r in hub.engine.rule_ids if r.startswith("carer-")] == []
    assert audit_of(await hub.store.audit_entries(200), "reminder.create") == []

    client.session.cookie_jar.update_cookies({"lang": "en"})
    page = await (await send(client, "/carer/reminders", [*no_time, ("notify", "x")])).text()
    assert "Please give at least one time." in page and "Please choose who is told." in page


@pytest.mark.parametrize(
    ("picture", "said"),
    [
        (("big.jpg", b"\xff\xd8\xff" + b"\0" * MAX_BYTES, "image/jpeg"), "Das Bild ist zu groß."),
        (("box.jpg", b"#!/bin/sh\necho not a picture\n", "image/jpeg"), "kein Bild"),
        (("box.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50, "image/jpeg"), "nicht öffnen"),
        (("box.gif", b"GIF89a" + photo()[6:], "image/gif"), "kein Bild"),
    ],
)
async def test_a_picture_that_is_too_big_or_no_picture_is_refused(
    hub: Hub, client: Client, picture: tuple[str, bytes, str], said: str
) -> None:
    await as_carer(client)
    resp = await send(client, "/carer/reminders", FIELDS, picture)
    assert resp.status == 422
    assert said in await resp.text()
    assert hub.reminders.active == []
    folder = hub.config.storage.data_dir / "pictures"
    assert not folder.exists() or list(folder.iterdir()) == []


async def test_a_plain_form_post_with_a_small_picture_works_without_the_script(
    hub: Hub, client: Client
) -> None:
    await as_carer(client)
    small = ("box.jpg", photo("JPEG", (200, 150)), "image/jpeg")
    resp = await send(client, "/carer/reminders", FIELDS, small, header=False)
    assert resp.status == 303, await resp.text()
    [stored] = hub.reminders.active
    assert stored.draft.picture is not None
    assert (hub.config.storage.data_dir / "pictures" / stored.draft.picture).is_file()


async def test_changes_need_the_csrf_token_and_a_carer(
    hub: Hub, client: Client, tablet: Client
) -> None:
    await as_carer(client)
    form = FormData()
    for name, value in FIELDS:
        form.add_field(name, value)
    resp = await client.post("/carer/reminders", data=form, allow_redirects=False)
    assert resp.status == 403
    assert hub.reminders.active == []
    assert audit_of(await hub.store.audit_entries(50), "refused.csrf")

    await as_resident(tablet)
    assert (await tablet.get("/carer/reminders", allow_redirects=False)).status == 403
    resp = await send(tablet, "/carer/reminders", FIELDS)
    assert resp.status == 403
    assert hub.reminders.active == []


async def test_changing_and_deleting_a_reminder_reloads_the_rules_and_is_audited(
    hub: Hub, client: Client, tablet: Client
) -> None:
    await as_carer(client)
    await send(client, "/carer/reminders", FIELDS, ("box.png", photo(), "image/png"))
    [stored] = hub.reminders.active
    old_picture = stored.draft.picture
    assert old_picture is not None
    form = await (await client.get("/carer/reminders/1")).text()
    assert 'value="Blutdrucktablette nehmen"' in form and 'value="20:00"' in form

    changed = [(n, v) for n, v in FIELDS if n not in ("at", "text")]
    changed += [("text", "Tropfen nehmen"), ("at", "09:00"), ("remove_picture", "on")]
    resp = await send(client, "/carer/reminders/1", changed)
    assert resp.status == 303
    [stored] = hub.reminders.active
    assert (stored.draft.text, stored.draft.picture) == ("Tropfen nehmen", None)
    assert not (hub.config.storage.data_dir / "pictures" / old_picture).exists()
    rule = next(r for r in hub.config.rules if r.rule_id == "carer-reminder-1")
    assert [f"{a:%H:%M}" for a in getattr(rule, "at", ())] == ["09:00"]
    await as_resident(tablet)
    assert (await tablet.get(f"/pictures/{old_picture}")).status == 404

    await advance(hub, datetime(2026, 5, 4, 9, 0, 1, tzinfo=BERLIN))
    await settled(hub)
    assert [a.rule for a in await hub.alerts.open_alerts()] == ["carer-reminder-1"]
    resp = await client.post(
        "/carer/reminders/1/delete", headers={"X-CSRF-Token": csrf(client)}, allow_redirects=False
    )
    assert resp.status == 303
    await settled(hub)
    assert hub.reminders.active == []
    assert "carer-reminder-1" not in hub.engine.rule_ids
    assert await hub.alerts.open_alerts() == []  # off the tablet too
    actions = [e.action for e in await hub.store.audit_entries(200) if e.action.startswith("rem")]
    assert actions == ["reminder.delete", "reminder.change", "reminder.create"]
    assert (await client.get("/carer/reminders/1")).status == 404


async def test_obhut_yaml_reminders_are_listed_read_only(hub: Hub, client: Client) -> None:
    await as_carer(client)
    page = await (await client.get("/carer/reminders")).text()
    listed = page.split('id="from-file"', 1)[1]
    assert "Blutdruck messen" in listed and "aus der Konfiguration" in listed
    assert "/carer/reminders/" not in listed.split("</ul>", 1)[0]  # no change, no delete
    assert "blutdruck" not in page.split('id="from-file"', 1)[0]


async def test_pictures_are_only_for_signed_in_people_and_only_while_shown(
    hub: Hub, client: Client
) -> None:
    folder = hub.config.storage.data_dir / "pictures"
    folder.mkdir(parents=True)
    (folder / "left-over.jpg").write_bytes(photo("JPEG"))
    anonymous = await client.get("/pictures/left-over.jpg", allow_redirects=False)
    assert anonymous.status == 302 and anonymous.headers["Location"] == "/login"
    await as_carer(client)
    assert (await client.get("/pictures/left-over.jpg")).status == 404
    assert (await client.get("/pictures/..%2Fobhut.db")).status == 404


async def test_the_history_shows_confirmed_and_missed_reminders_with_who_was_told(
    hub: Hub, client: Client, tablet: Client
) -> None:
    await as_carer(client)
    fields = [(n, v) for n, v in FIELDS if n not in ("at", "medication")] + [("at", "08:00")]
    await send(client, "/carer/reminders", fields)
    await as_resident(tablet)
    await advance(hub, datetime(2026, 5, 4, 8, 10, tzinfo=BERLIN))
    await post(tablet, "/api/resident/reminder/carer-reminder-1/confirm")
    await settled(hub)
    await advance(hub, datetime(2026, 5, 5, 8, 30, tzinfo=BERLIN))
    await settled(hub)  # the clock waits here: the message goes out at 08:30
    [missed] = [
        a
        for a in await hub.alerts.open_alerts()
        if a.rule == "carer-reminder-1" and a.subject.endswith("unconfirmed")
    ]
    await advance(hub, datetime(2026, 5, 5, 8, 40, tzinfo=BERLIN))
    await post(client, f"/api/alerts/{missed.id}/acknowledge")
    await settled(hub)

    page = await (await client.get("/carer/reminders/history")).text()
    tuesday, monday = page.split("Dienstag, 05.05.2026")[1].split("Montag, 04.05.2026")
    [missed_row] = rows_with(tuesday, "Blutdrucktablette nehmen")
    assert "nicht bestätigt" in missed_row
    assert "Anna (console) um 08:30" in missed_row and "carla um 08:40" in missed_row
    [confirmed_row] = rows_with(monday, "Blutdrucktablette nehmen")
    assert "um 08:10 am Tablet" in confirmed_row and "nicht bestätigt" not in confirmed_row
    [yaml_row] = rows_with(monday, "Blutdruck messen")  # obhut.yaml's, nobody confirmed it
    assert "nicht bestätigt" in yaml_row
    month = await (await client.get("/carer/reminders/history?range=month")).text()
    assert month.count("Blutdrucktablette nehmen") == 2


async def test_a_reminder_missed_again_is_told_again_while_yesterdays_is_only_acknowledged(
    hub: Hub, client: Client
) -> None:
    await as_carer(client)
    fields = [(n, v) for n, v in FIELDS if n not in ("at", "medication")] + [("at", "08:00")]
    await send(client, "/carer/reminders", fields)

    def missed(alerts: list[Any]) -> list[Any]:
        return [
            a for a in alerts if a.rule == "carer-reminder-1" and a.subject.endswith("unconfirmed")
        ]

    await advance(hub, datetime(2026, 5, 4, 8, 30, tzinfo=BERLIN))
    await settled(hub)
    [monday] = missed(await hub.alerts.open_alerts())
    await post(client, f"/api/alerts/{monday.id}/acknowledge")  # taken on, not yet closed
    await settled(hub)
    await advance(hub, datetime(2026, 5, 5, 8, 30, tzinfo=BERLIN))
    await settled(hub)
    both = missed(await hub.alerts.open_alerts())
    assert len(both) == 2  # Tuesday's miss is an alert of its own, not folded into Monday's
    tuesday = max(both, key=lambda a: a.id)
    assert await hub.alerts.deliveries(tuesday.id)  # and the carer is told again


async def test_a_reload_of_obhut_yaml_keeps_the_carers_reminders_running(
    hub: Hub, client: Client
) -> None:
    await as_carer(client)
    await send(client, "/carer/reminders", FIELDS)
    assert hub.config_path is not None
    text = hub.config_path.read_text(encoding="utf-8")
    hub.config_path.write_text(text.replace("Blutdruck messen", "Blutdruck messen!"), "utf-8")
    assert await hub.reload()
    assert {"carer-reminder-1", "blutdruck"} <= set(hub.engine.rule_ids)
    texts = {r.rule_id: getattr(r, "text", "") for r in hub.config.rules}
    assert texts["blutdruck"] == "Blutdruck messen!"
    assert texts["carer-reminder-1"] == "Blutdrucktablette nehmen"
    assert [r.rule_id for r in hub.file_config.rules if r.kind == "reminder"] == ["blutdruck"]


async def test_an_obhut_yaml_reminder_shows_its_picture_from_the_data_folder(
    tmp_path: Path,
) -> None:
    from hub.config import ConfigError
    from tests.rules.scenario import config

    with pytest.raises(ConfigError) as bad:
        config("rules:\n  - {kind: reminder, text: T, at: '08:00', picture: ../obhut.db}\n")
    assert "'../obhut.db' is not a picture's file name" in bad.value.format()

    text = BASE_CONFIG + "rules:\n  - {kind: reminder, id: box, text: Tropfen, at: '08:00', "
    text += f"picture: tropfen.png}}\nstorage:\n  data_dir: {tmp_path / 'yaml'}\n"
    path = tmp_path / "yaml.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "yaml" / "pictures").mkdir(parents=True)
    (tmp_path / "yaml" / "pictures" / "tropfen.png").write_bytes(photo())
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as other:
        from aiohttp.test_utils import TestServer

        from hub.web.app import build_app

        async with TestClient(TestServer(build_app(other), host="127.0.0.1")) as own:
            await as_resident(own)
            await advance(other, datetime(2026, 5, 4, 8, 0, 1, tzinfo=BERLIN))
            await settled(other)
            [shown] = (await (await own.get("/api/resident/status")).json())["reminders"]
            assert (shown["picture"], shown["medication"]) == ("/pictures/tropfen.png", False)
            image = await own.get("/pictures/tropfen.png")
            assert image.status == 200 and image.headers["Content-Type"] == "image/png"


def test_every_word_of_these_pages_is_in_german_and_english() -> None:
    from hub.web.carer.daily_words import WORDS as CARER
    from hub.web.resident.visit_words import WORDS as TABLET

    for words in (CARER, TABLET):
        assert set(words["de"]) == set(words["en"])
        assert all(words["de"][k] and words["en"][k] for k in words["de"])
    templates = Path(__file__).parents[2] / "hub" / "web" / "templates"
    used: set[str] = set()
    for name in ("reminders", "reminder_form", "reminder_history", "visits"):
        used |= set(
            re.findall(r"t\('([a-z_]+)'\)", (templates / "carer" / f"{name}.html").read_text())
        )
    for name in ("visit_tile", "visit_screen"):
        html = (templates / "resident" / f"{name}.html").read_text()
        used |= set(re.findall(r"""t\(['"]([a-z_]+)['"]\)""", html))
    from hub.i18n import CATALOG

    assert used - set(CATALOG["de"]) == set() and used - set(CATALOG["en"]) == set()
