"""The carer's vital-sign page over a month of minute readings: how long it takes to render.

A store file is filled with 30 days of a bed sensor's heart and breathing rate, one reading
a minute each (with the nightly dip and dropouts of zeros), motion every five minutes, and
blood pressure twice a day and weight once a day entered by hand: 95,000 observations. A
carer signed in asks for /carer/vitals through the real web app on 127.0.0.1 (aiohttp's test
server), after /carer (which compiles the templates all carer pages share): the first render
(nothing cached: the vitals templates compiled, 60 nights' resting rates computed from minute
bins) and the median of the ones after it (finished nights' resting rates are kept).
Set BENCH_VITALS_HTML=<file> to keep the page for looking at.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TARGETS: dict[str, tuple[str, float]] = {
    "vitals.first_render_ms": ("<=", 300.0),
    "vitals.render_ms_median": ("<=", 300.0),
}
DAYS = 30
RENDERS = 9
NOW = datetime(2026, 5, 31, 10, 0, tzinfo=UTC)
CONFIG = """\
home: {{name: Bench, timezone: Europe/Berlin, language: de}}
residents:
  erna:
    name: Erna
    vitals: {{heart_rate: {{min: 45, max: 95}}}}
    measures: [blood_pressure, body_weight]
rooms:
  schlafzimmer: {{name: Schlafzimmer, kind: bedroom}}
devices:
  "00:15:8d:00:01:00:00:01": {{name: Vitalsensor, room: schlafzimmer, role: vital_signs}}
  "00:15:8d:00:01:00:00:02": {{name: Bewegung, room: schlafzimmer, role: motion}}
contacts:
  anna: {{name: Anna, role: family, phone: "+4917612345678"}}
escalation:
  default: {{tiers: [{{contacts: [anna], channels: [console]}}]}}
rules:
  - {{kind: vital_entry, resident: erna}}
storage: {{data_dir: {data}}}
"""


def run() -> dict[str, float]:
    figures, html = asyncio.run(_measure())
    keep = os.environ.get("BENCH_VITALS_HTML")
    if keep:
        Path(keep).write_text(html, encoding="utf-8")
    return figures


def _fill(hub: Any) -> int:
    from hub.model import Observation

    start = NOW - timedelta(days=DAYS)
    tz = hub.config.home.tz
    n = 0
    for minute in range(DAYS * 24 * 60):
        ts = start + timedelta(minutes=minute)
        hour = ts.astimezone(tz).hour + ts.minute / 60
        asleep = hour >= 22.5 or hour < 6.5
        dropout = minute % 397 < 6  # a lead off now and then: zeros
        pulse = (56 if asleep else 72) + 6 * math.sin(minute / 47) + (minute % 5)
        breath = (12 if asleep else 16) + 2 * math.sin(minute / 31)
        hub.store.add_observation(
            Observation(ts, "heart_rate.schlafzimmer", 0 if dropout else round(pulse, 1))
        )
        hub.store.add_observation(
            Observation(ts, "respiratory_rate.schlafzimmer", 0 if dropout else round(breath, 1))
        )
        n += 2
        if minute % 5 == 0:
            hub.store.add_observation(Observation(ts, "motion.schlafzimmer", not asleep))
            n += 1
    for day in range(DAYS):
        for hour, systolic in ((8, 138), (19, 146)):
            ts = start + timedelta(days=day, hours=hour)
            source = "manual:carer:carla"
            hub.store.add_observation(
                Observation(ts, "bp_systolic.erna", systolic + day % 9, source)
            )
            hub.store.add_observation(Observation(ts, "bp_diastolic.erna", 84 + day % 5, source))
        ts = start + timedelta(days=day, hours=7)
        hub.store.add_observation(
            Observation(ts, "body_weight.erna", 71.0 - day / 20, "manual:resident:tablet-1")
        )
        n += 5
    return n


async def _measure() -> tuple[dict[str, float], str]:
    from aiohttp.test_utils import TestClient, TestServer

    from hub.app import Hub
    from hub.clock import SimulatedClock
    from hub.config import load_config
    from hub.store import accounts
    from hub.web.accounts import hash_password
    from hub.web.app import build_app
    from hub.web.auth import Gate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "obhut.yaml"
        path.write_text(CONFIG.format(data=Path(tmp) / "data"), encoding="utf-8")
        async with Hub.running(load_config(path), path, SimulatedClock(NOW)) as hub:
            began = time.perf_counter()
            written = _fill(hub)
            await hub.store.flush()
            hub.state = await hub.store.current_state()
            fill_s = time.perf_counter() - began
            hashed = await hash_password("ein langes Passwort 42")
            await accounts.create_account(hub.store, "carla", "carer", hashed, NOW, "bench")
            server = TestServer(build_app(hub, Gate()), host="127.0.0.1")
            async with TestClient(server) as client:
                page = await (await client.get("/login")).text()
                found = re.search(r'name="csrf" value="([^"]*)"', page)
                assert found, "no CSRF field on /login"
                login = {"username": "carla", "password": "ein langes Passwort 42"}
                resp = await client.post(
                    "/login", data={**login, "csrf": found.group(1)}, allow_redirects=False
                )
                assert resp.status == 302, await resp.text()
                # The templates shared by every carer page are compiled by the first one.
                assert (await client.get("/carer")).status == 200
                times, html = [], ""
                for _ in range(RENDERS):
                    began = time.perf_counter()
                    resp = await client.get("/carer/vitals")
                    html = await resp.text()
                    times.append((time.perf_counter() - began) * 1000)
                    assert resp.status == 200 and "month-heart_rate.schlafzimmer" in html
    figures = {
        "vitals.observations": float(written),
        "vitals.fill_s": fill_s,
        "vitals.first_render_ms": times[0],
        "vitals.render_ms_median": statistics.median(times[1:]),
        "vitals.page_kb": len(html.encode()) / 1024,
    }
    return figures, html


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.6g}")
