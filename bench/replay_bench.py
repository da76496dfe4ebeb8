"""Replay throughput: observations through the pipeline under the simulated clock."""

from __future__ import annotations

import asyncio
import csv
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hub.config import load_config
from hub.model import Finding, Observation
from hub.replay import read_events, replay

EVENTS = 300_000
TARGETS = {"replay.events_per_s_no_rules": (">=", 100_000)}

CONFIG = """\
home: {name: Bench}
rooms: {bad: {name: Bad}, flur: {name: Flur}, kueche: {name: Küche}}
devices:
  "00:15:8d:00:01:00:00:01": {name: Bad, room: bad, role: motion}
  "00:15:8d:00:01:00:00:02": {name: Flur, room: flur, role: motion}
  "00:15:8d:00:01:00:00:03": {name: Küche, room: kueche, role: motion}
  "00:15:8d:00:01:00:00:04": {name: Tür, room: flur, role: front_door}
contacts: {anna: {name: Anna, role: family, phone: "+4917600000001"}}
escalation: {default: {tiers: [{contacts: [anna]}]}}
"""
RULES = """\
rules:
  - {kind: inactivity, id: flat, duration: 3h, window: {start: "07:00", end: "22:00"}}
  - {kind: inactivity, id: bath, rooms: [bad], duration: 1h30m}
  - {kind: panic}
  - {kind: water_leak}
"""
ENTITIES = ("motion.bad", "motion.flur", "motion.kueche", "contact.front_door", "temperature.bad")


def _events(n: int) -> list[Observation]:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        entity = ENTITIES[i % len(ENTITIES)]
        value: bool | float = 20.0 + (i % 7) / 10 if entity.startswith("temp") else bool(i % 2)
        out.append(Observation(start + timedelta(seconds=7 * i), entity, value, "bench"))
    return out


def _rate(config_text: str, events: list[Observation]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "obhut.yaml"
        path.write_text(config_text, encoding="utf-8")
        config = load_config(path)
    found: list[Finding] = []
    began = time.perf_counter()
    asyncio.run(replay(config, events, found.append))
    return len(events) / (time.perf_counter() - began), len(found)


def run() -> dict[str, float]:
    events = _events(EVENTS)
    no_rules, _ = _rate(CONFIG, events)
    with_rules, findings = _rate(CONFIG + RULES, events)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "events.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["timestamp", "entity", "value"])
            for o in events:
                w.writerow([o.ts.isoformat(), o.entity, o.value])
        began = time.perf_counter()
        parsed = read_events(csv_path)
        parse_rate = len(parsed) / (time.perf_counter() - began)
    return {
        "replay.events_per_s_no_rules": no_rules,
        "replay.events_per_s_4_rules": with_rules,
        "replay.findings_4_rules": float(findings),
        "replay.csv_rows_parsed_per_s": parse_rate,
    }


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.6g}")
