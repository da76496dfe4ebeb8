"""Scenario files: parsed with every error at once, played at their exact local times."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.clock import SimulatedClock
from integrations.zigbee.simradio.scenario import ScenarioError, load_scenario, run_scenario
from integrations.zigbee.simradio.world import World

from ..conftest import DUMPS, entity_of, join

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 3, 28)  # the day before the switch to summer time


class Recorder:
    """Stands in for Stimuli: notes what happened when."""

    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self.log: list[tuple[str, str, Any]] = []

    def _note(self, what: str, arg: Any) -> None:
        local = self.clock.now().astimezone(BERLIN).strftime("%d %H:%M:%S")
        self.log.append((local, what, arg))

    def set(self, device: str, **values: Any) -> None:
        self._note(f"set {device}", values)

    def frame(self, device: str, **values: Any) -> None:
        self._note(f"frame {device}", values)

    def join(self, device: str) -> None:
        self._note("join", device)

    def leave(self, device: str) -> None:
        self._note("leave", device)

    def silence(self, device: str, silent: bool = True) -> None:
        self._note("silence" if silent else "wake", device)

    def radio_lost(self) -> None:
        self._note("radio_lost", None)

    def radio_back(self) -> None:
        self._note("radio_back", None)


def world(tmp_path: Path) -> World:
    w = World(tmp_path / "simworld.json")
    w.add("bathroom-motion", DUMPS / "lumi-lumi-sensor-motion-aq2.json")
    w.add("front-door", DUMPS / "lumi-lumi-sensor-magnet-aq2.json")
    return w


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
name: morning
steps:
  - {at: "07:02", device: bathroom-motion, set: {motion: true}}
  - {at: "07:02:30", device: bathroom-motion, frame: {cluster: 0x0406, attribute: 0x0000, value: 0}}
  - {at: "07:05", device: front-door, do: silence}
  - {at: "23:50", every: 10m, until: "00:10", device: bathroom-motion, set: {motion: [true, false]}}
  - {at: "00:05", do: radio_lost}
  - {at: "00:06", do: radio_back}
"""


async def test_steps_happen_at_their_local_times(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD), world(tmp_path).nodes)
    clock = SimulatedClock(datetime(2026, 3, 27, 23, 0, tzinfo=UTC))
    recorder = Recorder(clock)
    task = asyncio.create_task(
        run_scenario(scenario, recorder, clock, day=DAY, tz=BERLIN)  # type: ignore[arg-type]
    )
    await clock.advance_to(datetime(2026, 3, 30, tzinfo=UTC))
    assert await task == 8
    assert recorder.log == [
        ("28 07:02:00", "set bathroom-motion", {"motion": True}),
        ("28 07:02:30", "frame bathroom-motion", {"cluster": 0x0406, "attribute": 0, "value": 0}),
        ("28 07:05:00", "silence", "front-door"),
        ("28 23:50:00", "set bathroom-motion", {"motion": True}),
        ("29 00:00:00", "set bathroom-motion", {"motion": False}),
        ("29 00:05:00", "radio_lost", None),
        ("29 00:06:00", "radio_back", None),
        ("29 00:10:00", "set bathroom-motion", {"motion": True}),
    ]


async def test_speed_shrinks_the_waits_and_skips_the_past(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD), world(tmp_path).nodes)
    start = datetime(2026, 3, 28, 7, 0, 30, tzinfo=BERLIN)  # 07:02 is 90 s of scenario ahead
    clock = SimulatedClock(start)
    recorder = Recorder(clock)
    task = asyncio.create_task(
        run_scenario(scenario, recorder, clock, day=DAY, speed=60)  # type: ignore[arg-type]
    )
    await clock.advance(timedelta(seconds=1.5))
    assert [entry[0] for entry in recorder.log] == ["28 07:00:31"]
    await clock.advance(timedelta(hours=1))
    assert await task == 8


async def test_a_bad_scenario_gets_every_error_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
steps:
  - {at: "07:02", device: bathrom-motion, set: {motion: true}}
  - {at: "25:00", device: front-door, set: {contact: true}}
  - {at: "07:10", device: front-door, set: {moton: true}}
  - {at: "07:11", device: front-door, do: silense}
  - {at: "07:12", device: front-door, frame: {cluster: 0x0406, atribute: 0}}
  - {at: "07:13", device: bathroom-motion, set: {motion: true}, evry: 5m}
""",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, world(tmp_path).nodes)
    text = str(caught.value)
    assert "scenario.yaml:2:27: error: unknown device 'bathrom-motion'" in text
    assert "did you mean 'bathroom-motion'?" in text
    assert "scenario.yaml:3:" in text and "'25:00' is not a time of day" in text
    assert "unknown capability 'moton'" in text and "did you mean 'motion'?" in text
    assert "unknown action 'silense'" in text and "did you mean 'silence'?" in text
    assert "unknown key 'atribute'" in text and "frame needs 'attribute'" in text
    assert "unknown key 'evry'" in text and "did you mean 'every'?" in text
    assert text.endswith("8 errors in the scenario")


async def test_a_scenario_moves_zha(sim_gateway: Any, tmp_path: Path) -> None:
    from integrations.zigbee.simradio.stimuli import Stimuli

    path = write(tmp_path, 'steps:\n  - {at: "07:02", device: m, set: {motion: true}}\n')
    async with sim_gateway({"m": "lumi-lumi-sensor-motion-aq2.json"}) as gw:
        device = await join(gw, "m")
        scenario = load_scenario(path, gw.world.nodes)
        clock = SimulatedClock(datetime(2026, 3, 28, 7, 0, tzinfo=BERLIN))
        task = asyncio.create_task(run_scenario(scenario, Stimuli(gw.radio), clock, day=DAY))
        await clock.advance(timedelta(minutes=5))
        assert await task == 1
        assert entity_of(device, "binary_sensor", "IASZone").state.is_on is True


async def test_steps_at_the_same_instant_all_run(tmp_path: Path) -> None:
    path = tmp_path / "same.yaml"
    path.write_text(
        "steps:\n"
        '  - {at: "07:00", device: a, set: {motion: true}}\n'
        '  - {at: "07:00", device: b, set: {motion: true}}\n',
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    calls: list[tuple[str, dict[str, object]]] = []

    class Recorder:
        def set(self, device: str, **values: object) -> None:
            calls.append((device, values))

    clock = SimulatedClock(datetime(2026, 5, 4, 4, 0, tzinfo=UTC))
    ran = await asyncio.wait_for(
        asyncio.gather(
            run_scenario(scenario, Recorder(), clock, day=date(2026, 5, 4)),  # type: ignore[arg-type]
            clock.advance(timedelta(hours=4)),
        ),
        5,
    )
    assert ran[0] == 2 and [d for d, _ in calls] == ["a", "b"]
