"""A real fortnight (UCI ADL, user A, Spain 2011) through Obhut's example rules.

The rules are not tuned to this person (she sleeps from about 01:30 to 10:30, and sits for
hours in her chair); the assertions are what anyone reading the findings would check first,
against the hand-made activity labels. `pytest -s` prints the findings.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.config import Config, load_config
from hub.entities import EntityRegistry
from hub.model import Action, Finding, Severity
from hub.replay import replay
from integrations.activity.convert import convert_file, to_utc
from integrations.activity.intervals import read_intervals
from integrations.activity.mapping import load_mapping
from rules.kinds.inactivity import AWAY_AFTER
from rules.windows import contains

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "activity"
DATA = ROOT.parent / "shared" / "data" / "activity" / "ordonez-a"

pytestmark = pytest.mark.skipif(
    not (DATA / "OrdonezA_Sensors.txt").is_file(),
    reason="the shared data folder is not beside the project",
)


@pytest.fixture(scope="module")
def world() -> tuple[Config, list[Finding], list[Action], list[tuple[str, datetime, datetime]]]:
    config = load_config(EXAMPLE / "obhut.yaml")
    mapping = load_mapping(EXAMPLE / "ordonez-a.mapping.yaml")
    converted = convert_file(DATA / "OrdonezA_Sensors.txt", mapping)
    assert converted.errors == []
    events = converted.events
    found: list[Finding] = []
    actions: list[Action] = []
    result = asyncio.run(
        replay(config, events, found.append, events[-1].ts, on_action=actions.append)
    )
    assert result.events == len(events) and not result.unknown_entities
    labels, bad = read_intervals(DATA / "OrdonezA_ADLs.txt", 1)
    # The labels' real defects: three rows end before they start
    assert [line for line, _ in bad] == [72, 81, 83]
    activities = [
        (row.fields[0], to_utc(row.start, mapping.tz), to_utc(row.end, mapping.tz))
        for row in labels
    ]
    _print(config, found, actions)
    return config, found, actions, activities


def _print(config: Config, found: list[Finding], actions: list[Action]) -> None:
    tz = config.home.tz
    items: list[Finding | Action] = sorted([*found, *actions], key=lambda i: i.ts)
    print(f"\n{len(found)} findings, {len(actions)} actions")
    for item in items:
        when = item.ts.astimezone(tz).strftime("%a %d.%m. %H:%M")
        if isinstance(item, Finding):
            mark = "  ok " if item.cleared else f"{item.severity.value[:4]:>5}"
            print(f"{when} {mark} {item.rule}: {item.explanation}")
        else:
            print(f"{when}   act {item.rule}: {item.entity} {item.params}")


def raised(found: list[Finding], kind: str | None = None) -> list[Finding]:
    return [f for f in found if not f.cleared and (kind is None or f.kind == kind)]


def rule_config(config: Config, kind: str) -> Any:
    [rule] = [r for r in config.rules if r.kind == kind]
    return rule


World = tuple[Config, list[Finding], list[Action], list[tuple[str, datetime, datetime]]]


def test_nothing_is_raised_while_she_is_out(world: World) -> None:
    _, found, _, activities = world
    out = [(start, end) for name, start, end in activities if name == "Leaving"]
    assert len(out) == 14
    # Info findings are what the tablet shows her (a reminder); alerts are for others. The flat
    # knows she is out once the door has been shut for AWAY_AFTER with nobody moving inside;
    # before that, an alert that was due anyway (a reminder missed before she left) is fair.
    alerts = [f for f in raised(found) if f.severity is not Severity.INFO]
    during = [f for f in alerts if any(start + AWAY_AFTER < f.ts < end for start, end in out)]
    assert during == []


def test_inactivity_sleeps_with_her_and_every_alert_ends_with_her_moving(world: World) -> None:
    config, found, _, _ = world
    sleep = rule_config(config, "inactivity").sleep
    inactivity = [f for f in found if f.kind == "inactivity"]
    assert raised(inactivity), "a fortnight with a 3 h limit and nothing raised?"
    assert [f.ts for f in raised(inactivity) if contains(f.ts, sleep, config.home.tz)] == []
    # She was well throughout: each alert is followed by its all clear, and alternates with it
    assert [f.cleared for f in inactivity] == [False, True] * (len(inactivity) // 2)


def test_morning_and_daily_deadlines_are_raised_at_their_time(world: World) -> None:
    config, found, _, _ = world
    tz = config.home.tz
    by = rule_config(config, "wake_up").by
    for f in raised(found, "wake_up"):
        assert f.ts.astimezone(tz).time() == by
    for f in raised(found, "check_in"):
        assert f.ts.astimezone(tz).time() == rule_config(config, "check_in").by


def test_night_exits_only_at_night_and_lights_only_in_the_dark(world: World) -> None:
    config, found, actions, activities = world
    tz = config.home.tz
    window = rule_config(config, "night_exit").window
    assert all(contains(f.ts, window, tz) for f in raised(found, "night_exit"))
    # She came home at 00:56 once; coming home is no night exit when she is back inside
    back = [end for name, _, end in activities if name == "Leaving" and contains(end, window, tz)]
    assert len(back) == 1
    assert not [f for f in raised(found, "night_exit") if abs(f.ts - back[0]) < timedelta(hours=1)]
    night_light = rule_config(config, "night_light")
    switched_on = [a for a in actions if a.rule == night_light.rule_id and a.params.get("on")]
    assert switched_on, "she goes to the bathroom at night: the hall light should have come on"
    assert all(contains(a.ts, night_light.window, tz) for a in switched_on)


def test_no_emergency_and_every_finding_reads_well(world: World) -> None:
    config, found, _, _ = world
    entities = EntityRegistry.from_config(config)
    # No SOS button, smoke or water detector, or radar fired in this home
    assert [f for f in found if f.severity is Severity.EMERGENCY] == []
    for f in found:
        assert f.explanation and "{" not in f.explanation
        assert f.room is None or f.room in config.rooms
        assert f.entity is None or entities.get(f.entity) is not None
    assert [f.ts for f in found] == sorted(f.ts for f in found)
