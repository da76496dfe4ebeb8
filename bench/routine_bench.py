"""The routine rules' costs: building days, learning four weeks from a real store, the five
rules through a replay (and one alone: they share one record of her days, so the other four
cost little), and the bytes they keep (rules_bench's synthetic flat and year).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.rules_bench import BERLIN, FLAT, synthetic_year
from hub.config import Config, load_config
from hub.entities import EntityRegistry
from hub.model import Finding, Observation
from hub.replay import replay
from hub.store import Store
from rules.routine import DayBuilder, Layout
from rules.routine_learn import activity_entities, read_days

DAYS = 60
LEARN = 28
ROUTINE = """\
  - {kind: routine_wake_up}
  - {kind: routine_activity}
  - {kind: routine_night_bathroom}
  - {kind: routine_stayed_in}
  - {kind: routine_lunch}
"""
ONE = "  - {kind: routine_wake_up}\n"
TARGETS = {
    "routine.learn_28_days_s": ("<=", 2.0),
    "routine.rules_us_per_obs": ("<=", 40.0),
    "routine.five_vs_one_rule": ("<=", 2.0),  # a builder each, as at first: about 5
}


def _config(rules: str) -> Config:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "obhut.yaml"
        path.write_text(FLAT.format(extra_rooms="", rules=rules), encoding="utf-8")
        return load_config(path)


def _builder(config: Config, events: list[Observation]) -> tuple[float, int, int, int]:
    """Observations a second through one DayBuilder; a day's and a window's JSON bytes."""
    layout = Layout.from_registry(EntityRegistry.from_config(config))
    builder = DayBuilder(layout, BERLIN, events[0].ts)
    began = time.perf_counter()
    days = [d for obs in events for d in builder.observe(obs)]
    elapsed = time.perf_counter() - began
    snapshot = len(json.dumps(builder.to_json(), separators=(",", ":")))
    window = len(json.dumps([d.to_json() for d in days[-LEARN:]], separators=(",", ":")))
    return len(events) / elapsed, len(days), snapshot, window


async def _learn(config: Config, events: list[Observation]) -> tuple[float, int]:
    """Four weeks read back from a real SQLite store, a day at a time, into days."""
    entities = EntityRegistry.from_config(config)
    with tempfile.TemporaryDirectory() as tmp:
        last = events[-1].ts
        async with Store.open(Path(tmp) / "obhut.db", clock=lambda: last) as store:
            for obs in events:
                store.add_observation(obs)
            await store.flush()
            today = last.astimezone(BERLIN).date()
            dates = [today - timedelta(days=n) for n in range(1, LEARN + 1)]
            began = time.perf_counter()
            days = await read_days(store.observations, entities, BERLIN, dates)
            return time.perf_counter() - began, sum(1 for d in days if d.usable)


def _replay(config: Config, events: list[Observation]) -> tuple[float, int]:
    """One replay of `events` through `config`'s rules: seconds, findings."""
    found: list[Finding] = []
    began = time.perf_counter()
    asyncio.run(replay(config, events, found.append, events[-1].ts))
    return time.perf_counter() - began, len(found)


def _rules(events: list[Observation]) -> tuple[float, float, int]:
    """The five routine rules, and one alone (nothing else): µs per observation, the best of
    three replays each, taken in turns so that both see the same load; the five's findings."""
    five, one = _config(ROUTINE), _config(ONE)
    turns = [(_replay(five, events), _replay(one, events)) for _ in range(3)]
    per_obs = 1e6 / len(events)
    best_five = min(f[0] for f, _ in turns) * per_obs
    best_one = min(o[0] for _, o in turns) * per_obs
    return best_five, best_one, turns[0][0][1]


def run() -> dict[str, float]:
    events = synthetic_year(days=DAYS)
    config = _config("  - {kind: panic}\n")
    watched = activity_entities(EntityRegistry.from_config(config))
    activity = [o for o in events if o.entity in watched]
    per_s, days, snapshot, window = _builder(config, activity)
    learn_s, usable = asyncio.run(_learn(config, events))
    us_per_obs, one_us_per_obs, findings = _rules(events)
    return {
        "routine.builder_obs_per_s": per_s,
        "routine.days_built": float(days),
        "routine.learn_28_days_s": learn_s,
        "routine.learn_usable_days": float(usable),
        "routine.rules_us_per_obs": us_per_obs,
        "routine.one_rule_us_per_obs": one_us_per_obs,
        "routine.five_vs_one_rule": us_per_obs / one_us_per_obs,
        "routine.rules_findings_60_days": float(findings),
        "routine.snapshot_bytes": float(snapshot),
        "routine.window_bytes": float(window),
    }


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.6g}")
