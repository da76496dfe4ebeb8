"""The carer's routine page: the usual day learned from three synthetic weeks in the store.

The flat is tests/rules/scenario.py's, the weeks tests/rules/routine_days.py's (up 7:00–8:00,
out 10:00–11:00 but every seventh day, lunch 12:00–12:40, 0 or 1 bathroom visits at night).
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.store import Store
from tests.rules.routine_days import day, observations, weeks
from tests.rules.scenario import BERLIN, FLAT

from .signin import as_carer, as_installer, as_resident

Client = TestClient[Any, Any]
FIRST = date(2026, 4, 6)
NOW = datetime(2026, 4, 28, 8, 0, tzinfo=BERLIN)  # the morning after the day under test
ROUTINE = "rules:\n  - kind: routine_wake_up\n  - kind: routine_night_bathroom\n"


@pytest.fixture
def history_days() -> int:
    return 21


@pytest.fixture
def rules() -> str:
    return ROUTINE


@pytest.fixture
async def hub(tmp_path: Path, history_days: int, rules: str) -> AsyncIterator[Hub]:
    """A hub whose store holds `history_days` ordinary days and then a day with a late morning."""
    path = tmp_path / "obhut.yaml"
    path.write_text(f"{FLAT}{rules}storage:\n  data_dir: {tmp_path / 'data'}\n", "utf-8")
    db = tmp_path / "data" / "obhut.db"
    db.parent.mkdir()
    first = FIRST + timedelta(days=21 - history_days)
    history = weeks(first, history_days) + day(date(2026, 4, 27), wake="10:30", outing=None)
    async with Store.open(db, clock=lambda: NOW) as store:
        for obs in observations(history):
            store.add_observation(obs)
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        learning = [t for t in asyncio.all_tasks() if t.get_name() == "routine learning"]
        await asyncio.gather(*learning)
        yield hub


async def page(client: Client, lang: str = "de") -> str:
    client.session.cookie_jar.update_cookies({"lang": lang})
    resp = await client.get("/carer/routine")
    assert resp.status == 200
    return html.unescape(await resp.text())


def usual(text: str) -> dict[str, str]:
    """The page's list of usual things, as what → usual."""
    block = text.split('id="routine-usual">', 1)[1].split("</dl>", 1)[0]
    pairs = block.replace("</dt><dd>", "\t").replace("</dd>", "").split("<dt>")[1:]
    return dict(p.strip().split("\t") for p in pairs)


def row(text: str, room: str) -> list[str]:
    """A room's average signs per hour from the page's table."""
    cells = text.split(f'<th scope="row">{room}</th>', 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td>([^<]*)</td>", cells)


async def test_the_usual_day_and_yesterday_in_german(client: Client, hub: Hub) -> None:
    await as_installer(client)
    await as_carer(client)
    assert 'href="/carer/routine"' in await (await client.get("/carer")).text()
    text = await page(client)
    # 21 ordinary days and the late one; the usual ranges are nearest ranks 3 and 20 of 22
    assert "Gelernt aus 22 Tagen (von den letzten 28)." in text
    found = usual(text)
    movements = found.pop("Bewegungsmeldungen am Tag")
    assert found == {
        "Aufstehen": "7:02–7:54 Uhr (meist 7:28)",
        "Zu Bett": "21:20 Uhr",  # the living room's last movement, every evening
        "Nachts im Bad (22–6 Uhr)": "0–1-mal (meist 0)",
        "Außer Haus": "an 18 von 22 Tagen, meist 60 Minuten",
        # the late day's breakfast (11:05) is the earliest "lunch"
        "Mittags in der Küche": "12:02–12:36 Uhr (meist 12:18)",
        "Besuche in der Küche": "5",
    }
    shape = re.fullmatch(r"(\d+)–(\d+) \(meist (\d+)\)", movements)
    assert shape is not None, movements
    low, high, median = (int(n) for n in shape.groups())
    assert 50 < low <= median <= high < 150
    # Yesterday against the 21 days before it
    yesterday = text.split('id="routine-yesterday">', 1)[1].split("</ul>", 1)[0]
    assert "spät aufgestanden: 10:30 (üblich 7:02–7:48)" in yesterday
    assert "nicht aus dem Haus" not in yesterday  # she stays in on one day of seven
    # The rooms by hour: the kitchen is busy at breakfast, lunch and supper only
    assert 'id="routine-rooms"' in text
    kitchen = [float(v.replace(",", ".")) for v in row(text, "Küche")]
    assert [h for h, v in enumerate(kitchen) if v >= 0.5] == [7, 8, 12, 18]
    assert len(row(text, "Wohnzimmer")) == 24
    entries = await hub.store.audit_entries(5)
    assert ("carer:carla", "routine.view") in {(e.actor, e.action) for e in entries}


async def test_in_english(client: Client, hub: Hub) -> None:
    await as_installer(client)
    text = await page(client, "en")
    assert "Learned from 22 days (of the last 28)." in text
    assert usual(text)["Getting up"] == "7:02–7:54 (mostly 7:28)"
    assert usual(text)["Out of the flat"] == "on 18 of 22 days, mostly 60 minutes"
    assert "got up late: 10:30 (usually 7:02–7:48)" in text


@pytest.mark.parametrize("history_days", [4])
async def test_too_early_it_says_how_many_days_there_are(client: Client, hub: Hub) -> None:
    await as_installer(client)
    text = await page(client)
    # Four ordinary days and the late one: five days learned, seven needed
    assert "Noch zu wenige Tage gelernt (5 von 7)." in text
    assert 'id="routine-usual"' not in text
    assert "Not enough days yet (5 of 7)." in await page(client, "en")


@pytest.mark.parametrize("rules", ["rules:\n  - kind: panic\n"])
async def test_without_a_routine_rule_the_page_reads_the_history(client: Client, hub: Hub) -> None:
    await as_installer(client)
    text = await page(client)
    assert "Aus dem Verlauf berechnet" in text
    assert usual(text)["Aufstehen"] == "7:02–7:54 Uhr (meist 7:28)"


async def test_residents_may_not_see_it(client: Client, tablet: Client) -> None:
    await as_installer(client)
    await as_resident(tablet)
    resp = await tablet.get("/carer/routine", allow_redirects=False)
    assert resp.status == 403
