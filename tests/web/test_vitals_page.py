"""The carer's vital-sign page: the resident's range shaded, the month with nightly resting
rates, values measured by hand with their trend; and the tablet's "Messwerte" tile."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation

from ..conftest import BASE_CONFIG
from .conftest import NOW
from .signin import as_carer, as_resident

Client = TestClient[Any, Any]
SENSOR = '  "00:15:8d:00:01:00:00:05": {name: Vitalsensor, room: schlafzimmer, role: vital_signs}\n'
ERNA = """\
residents:
  erna:
    name: Erna Berger
    vitals:
      heart_rate: {min: 45, max: 90}
      body_weight: {min: 55, max: 85}
    measures: %s
"""
HR = "heart_rate.schlafzimmer"


def flat(tmp_path: Path, rules: str, measures: str) -> Path:
    text = BASE_CONFIG.replace(
        "devices:\n", "  schlafzimmer: {name: Schlafzimmer, kind: bedroom}\ndevices:\n" + SENSOR
    )
    text += ERNA % measures + rules + f"storage:\n  data_dir: {tmp_path / 'data'}\n"
    path = tmp_path / "obhut.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def rules() -> str:
    return "rules:\n  - {kind: vital_entry, resident: erna}\n"


@pytest.fixture
def measures() -> str:
    return "[body_weight]"


@pytest.fixture
async def hub(tmp_path: Path, rules: str, measures: str) -> AsyncIterator[Hub]:
    path = flat(tmp_path, rules, measures)
    async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
        yield hub


def svg(html: str, element_id: str) -> str:
    found = re.search(rf'<svg id="{re.escape(element_id)}".*?</svg>', html, re.S)
    assert found, f"no svg #{element_id}"
    return found.group(0)


def night(hub: Hub, evening: str, rates: list[tuple[int, float]]) -> None:
    """Minute readings from 22:00 local on `evening`: (minutes, rate) runs one after another."""
    t = datetime.fromisoformat(f"{evening}T22:00").replace(tzinfo=hub.config.home.tz)
    t = t.astimezone(UTC)
    for minutes, rate in rates:
        for _ in range(minutes):
            hub.ingest(Observation(t, HR, rate))
            t += timedelta(minutes=1)


async def test_the_month_shows_daily_means_and_each_nights_resting_rate(
    client: Client, hub: Hub
) -> None:
    # 1 May: 70/min, a calm 40 minutes at 54, a 10-minute artefact at 30, zeros (nobody in bed)
    night(hub, "2026-05-01", [(120, 70), (40, 54), (60, 70), (10, 30), (30, 0), (340, 70)])
    # 2 May: 64 with a calm hour at 58
    night(hub, "2026-05-02", [(200, 64), (60, 58), (340, 64)])
    # 3 May: only two hours of readings
    night(hub, "2026-05-03", [(120, 60)])
    await as_carer(client)
    html = await (await client.get("/carer/vitals")).text()
    table = html.split(f'id="nights-{HR}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>(.*?)</td></tr>", table)
    assert rows[:3] == [
        ("03.05.–04.05.", '<span class="muted">zu wenige Messwerte</span>'),
        ("02.05.–03.05.", "58"),
        ("01.05.–02.05.", "54"),
    ]
    month = svg(html, f"month-{HR}")
    assert len(re.findall(r'class="(?:dot|line) resting"', month)) >= 1
    assert re.findall(r'<polyline class="line" points="([^"]*)"', month)  # the daily means
    assert "Tagesmittel" in html and "Ruhewert der Nacht" in html


async def test_her_range_is_shaded_and_named(client: Client, hub: Hub) -> None:
    for i in range(30):
        hub.ingest(Observation(NOW - timedelta(minutes=60 - i), HR, 60.0 + i))
    await as_carer(client)
    html = await (await client.get("/carer/vitals")).text()
    assert "Normalbereich 45–90 /min" in html
    day = svg(html, f"day-{HR}")
    (band,) = re.findall(
        r'<rect class="band" x="[^"]*" y="([^"]*)" width="[^"]*" height="([^"]*)"', day
    )
    lines = re.findall(r'<line class="grid" [^>]*y1="([\d.]+)"', day)
    labels = re.findall(r'text-anchor="end">(\d+)</text>', day)
    at = {int(label): float(y) for label, y in zip(labels, lines, strict=True)}
    per_unit = (at[40] - at[60]) / 20  # pixels per beat: the axis runs 40, 60, 80 …

    def y(rate: float) -> float:
        return at[40] - (rate - 40) * per_unit

    top, height = float(band[0]), float(band[1])
    assert top == pytest.approx(y(90), abs=0.2)
    assert top + height == pytest.approx(y(45), abs=0.2)


async def test_weight_shows_its_latest_value_and_falling_trend(client: Client, hub: Hub) -> None:
    for days, kg in ((20, 74.0), (15, 73.6), (10, 73.0), (5, 71.2), (2, 70.8)):
        ts = NOW - timedelta(days=days)
        hub.ingest(Observation(ts, "body_weight.erna", kg, "manual:carer:carla"))
    await as_carer(client)
    html = await (await client.get("/carer/vitals")).text()
    card = html.split('id="measure-body_weight-erna"', 1)[1].split("</section>", 1)[0]
    assert "70,8 kg" in card and "eingetragen von carla" in card
    assert "02.05.2026 09:00" in card  # the home's time
    assert "7-Tage-Mittel 71,0, davor 73,5: fallend" in card
    assert "Normalbereich 55–85 kg" in card
    chart = svg(html, "entries-body_weight.erna")
    assert len(re.findall(r"<polyline class=\"line\" points=\"([^\"]*)\"", chart)) == 1
    assert "außerhalb des Bereichs" not in card
    assert "niemandem gemeldet" not in html


@pytest.mark.parametrize("rules", ["rules:\n  - kind: panic\n"])
async def test_the_page_says_when_nobody_would_be_told(client: Client, hub: Hub) -> None:
    await as_carer(client)
    html = await (await client.get("/carer/vitals")).text()
    assert "Werte außerhalb des Bereichs werden niemandem gemeldet" in html
    assert "Noch keine Werte eingetragen." in html  # she enters weight; nothing yet


async def test_the_tablet_has_the_messwerte_tile_with_big_steppers(
    client: Client, hub: Hub
) -> None:
    hub.ingest(Observation(NOW - timedelta(days=1), "body_weight.erna", 68.4, "manual:x"))
    await as_resident(client)
    html = await (await client.get("/tablet")).text()
    assert (
        '<button id="measure-tile" class="tile" type="button" data-open="measure-body_weight">'
        in html
    )
    assert 'id="measure-body_weight_field"' not in html
    assert 'id="measure-body_weight"' in html and 'value="68,4"' in html  # from her last value
    assert 'data-low="20.0" data-high="300.0"' in html
    assert '<script src="/static/measurements.js' in html


@pytest.mark.parametrize("measures", ["[]"])
async def test_no_measures_no_tile(client: Client) -> None:
    await as_resident(client)
    html = await (await client.get("/tablet")).text()
    assert "measure-tile" not in html and "measurements.js" not in html
