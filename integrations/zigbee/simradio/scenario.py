"""Scenario files: what happens to the simulated flat over a day, step by step.

```yaml
steps:
  - {at: "07:02", device: bathroom-motion, set: {motion: true}}
  - {at: "07:03", device: bathroom-motion, frame: {cluster: 0x0406, attribute: 0x0000, value: 1}}
  - {at: "22:30", every: 5m, until: "07:10", device: vitals, set: {heart_rate: [58, 61, 64]}}
  - {at: "10:00", device: hall-smoke, do: silence}     # join, leave, silence, wake
  - {at: "12:00", do: radio_lost}                      # radio_lost, radio_back
```

`at` is local wall time; a time earlier than the step before it is on the next day.
A list as a `set` value is cycled through by a repeating step.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.clock import Clock
from hub.config.problems import ConfigError, ConfigValueError, Problem, did_you_mean, one_of
from hub.config.source import DataPath, Document, read_document
from hub.config.units import parse_duration, parse_time

from .node import SimNode
from .stimuli import CAPABILITIES, Stimuli, capabilities

_LOGGER = logging.getLogger(__name__)
DEVICE_ACTIONS = ("join", "leave", "silence", "wake")
RADIO_ACTIONS = ("radio_lost", "radio_back")
STEP_KEYS = ("at", "device", "set", "frame", "do", "every", "until")
FRAME_KEYS = ("cluster", "attribute", "value", "endpoint", "manufacturer")
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Step:
    at: time
    day: int  # days after the scenario's first day
    action: str  # "set", "frame", or one of DEVICE_ACTIONS / RADIO_ACTIONS
    device: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    repeat: tuple[timedelta, time, int] | None = None  # every, until, until's day offset
    line: int = 0


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]


class ScenarioError(ConfigError):
    """A scenario file that cannot be run, with every problem found in it."""

    def format(self) -> str:
        body = "\n".join(p.format() for p in self.problems)
        n = len(self.problems)
        return f"{body}\n{n} error{'s' if n != 1 else ''} in the scenario"


class _Parser:
    def __init__(self, doc: Document, devices: Mapping[str, SimNode] | None) -> None:
        self.doc = doc
        self.devices = devices
        self.problems: list[Problem] = list(doc.problems)

    def problem(self, path: DataPath, message: str, *, key: bool = False, **kw: Any) -> None:
        self.problems.append(Problem(message, self.doc.mark(path, key=key), **kw))

    def parse(self) -> list[Step]:
        data = self.doc.data
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            if not self.problems:
                self.problem((), "a scenario needs a list of steps", expected="steps: [...]")
            return []
        for key in data:
            if key not in ("name", "steps"):
                self.problem((key,), f"unknown key '{key}'", key=True, expected="name, steps")
        steps: list[Step] = []
        day, last = 0, time(0)
        for i, raw in enumerate(data["steps"]):
            step = self.step(("steps", i), raw)
            if step is None:
                continue
            if step.at < last:
                day += 1
            last = step.at
            repeat = step.repeat
            if repeat is not None:  # `until` at or before `at` is on the following day
                repeat = (repeat[0], repeat[1], day + (1 if repeat[1] <= step.at else 0))
            steps.append(replace(step, day=day, repeat=repeat))
        return steps

    def step(self, path: DataPath, raw: Any) -> Step | None:
        if not isinstance(raw, dict):
            self.problem(path, "a step must be a mapping", expected='{at: "07:02", ...}')
            return None
        ok = True
        for key in raw:
            if key not in STEP_KEYS:
                self.problem(
                    (*path, key), f"unknown key '{key}'", key=True,
                    expected=one_of(STEP_KEYS), hint=did_you_mean(key, STEP_KEYS),
                )  # fmt: skip
                ok = False
        at = self.time_of(path, raw, "at")
        actions = [k for k in ("set", "frame", "do") if k in raw]
        if len(actions) != 1:
            self.problem(path, "a step needs exactly one of set, frame, do")
            return None
        action = actions[0]
        device = raw.get("device")
        values: dict[str, Any] = {}
        if action == "do":
            action = str(raw["do"])
            if action not in DEVICE_ACTIONS + RADIO_ACTIONS:
                choices = DEVICE_ACTIONS + RADIO_ACTIONS
                self.problem(
                    (*path, "do"), f"unknown action '{action}'",
                    expected=one_of(choices), hint=did_you_mean(action, choices),
                )  # fmt: skip
                ok = False
        if action in RADIO_ACTIONS:
            if device is not None:
                self.problem((*path, "device"), f"{action} is the radio's, not a device's")
                ok = False
        elif not self.check_device(path, device):
            ok = False
        elif action == "set":
            ok = self.check_set(path, str(device), raw["set"], values) and ok
        elif action == "frame":
            ok = self.check_frame(path, raw["frame"], values) and ok
        repeat = None
        if "every" in raw or "until" in raw:
            repeat = self.repeat(path, raw)
            ok = ok and repeat is not None
        if not ok or at is None:
            return None
        mark = self.doc.mark(path)
        return Step(at, 0, action, device, values, repeat, mark.line if mark else 0)

    def time_of(self, path: DataPath, raw: dict[str, Any], key: str) -> time | None:
        if key not in raw:
            self.problem(path, f"a step needs '{key}'", expected='"HH:MM", e.g. "07:02"')
            return None
        try:
            return parse_time(raw[key])
        except ConfigValueError as e:
            self.problem((*path, key), e.message, expected=e.expected, hint=e.hint)
            return None

    def repeat(self, path: DataPath, raw: dict[str, Any]) -> tuple[timedelta, time, int] | None:
        if "every" not in raw or "until" not in raw:
            self.problem(path, "a repeating step needs both 'every' and 'until'")
            return None
        until = self.time_of(path, raw, "until")
        try:
            every = parse_duration(raw["every"])
        except ConfigValueError as e:
            self.problem((*path, "every"), e.message, expected=e.expected, hint=e.hint)
            return None
        return (every, until, 0) if until is not None else None

    def check_device(self, path: DataPath, device: Any) -> bool:
        if not isinstance(device, str):
            self.problem(path, "this step needs a 'device'", expected="a device name")
            return False
        if self.devices is not None and device not in self.devices:
            self.problem(
                (*path, "device"), f"unknown device '{device}'",
                expected=one_of(self.devices), hint=did_you_mean(device, self.devices),
            )  # fmt: skip
            return False
        return True

    def check_set(self, path: DataPath, device: str, raw: Any, out: dict[str, Any]) -> bool:
        if not isinstance(raw, dict) or not raw:
            self.problem((*path, "set"), "set needs capability: value", expected="{motion: true}")
            return False
        node = self.devices.get(device) if self.devices is not None else None
        can = capabilities(node) if node is not None else list(CAPABILITIES)
        ok = True
        for capability, value in raw.items():
            if capability not in can:
                what = f"{device} has no" if capability in CAPABILITIES else "unknown capability"
                self.problem(
                    (*path, "set", capability), f"{what} '{capability}'", key=True,
                    expected=one_of(can, limit=20),
                    hint=did_you_mean(capability, can) or did_you_mean(capability, CAPABILITIES),
                )  # fmt: skip
                ok = False
            out[capability] = value
        return ok

    def check_frame(self, path: DataPath, raw: Any, out: dict[str, Any]) -> bool:
        if not isinstance(raw, dict):
            self.problem((*path, "frame"), "frame needs cluster, attribute, value")
            return False
        ok = True
        for key in raw:
            if key not in FRAME_KEYS:
                self.problem(
                    (*path, "frame", key), f"unknown key '{key}'", key=True,
                    expected=one_of(FRAME_KEYS), hint=did_you_mean(key, FRAME_KEYS),
                )  # fmt: skip
                ok = False
        for key in ("cluster", "attribute", "value"):
            if key not in raw:
                self.problem((*path, "frame"), f"frame needs '{key}'")
                ok = False
        for key in ("cluster", "attribute", "endpoint", "manufacturer"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, int) or not 0 <= value <= 0xFFFF):
                self.problem((*path, "frame", key), f"{key} must be a number 0x0000..0xFFFF")
                ok = False
        out.update(raw)
        return ok


def load_scenario(path: Path, devices: Mapping[str, SimNode] | None = None) -> Scenario:
    """Read and check a scenario file; every problem at once in a ScenarioError."""
    doc = read_document(path)
    parser = _Parser(doc, devices)
    steps = parser.parse()
    if parser.problems:
        raise ScenarioError(parser.problems)
    name = doc.data.get("name") if isinstance(doc.data, dict) else None
    return Scenario(str(name or path.stem), tuple(steps))


def _instant(day: date, offset: int, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=offset), at, tzinfo=tz)


def occurrences(scenario: Scenario, day: date, tz: ZoneInfo) -> list[tuple[datetime, Step, int]]:
    """Every (when, step, repetition) of one run of the scenario, in time order."""
    out: list[tuple[datetime, Step, int]] = []
    for step in scenario.steps:
        when = _instant(day, step.day, step.at, tz)
        if step.repeat is None:
            out.append((when, step, 0))
            continue
        every, until, until_day = step.repeat
        end = _instant(day, until_day, until, tz)
        n = 0
        while when <= end:
            out.append((when, step, n))
            when, n = when + every, n + 1
    out.sort(key=lambda item: item[0])
    return out


def apply(step: Step, stimuli: Stimuli, repetition: int = 0) -> None:
    """Do one step now."""
    device = step.device or ""
    if step.action == "set":
        values = {
            k: (v[repetition % len(v)] if isinstance(v, list) and v else v)
            for k, v in step.values.items()
        }
        stimuli.set(device, **values)
    elif step.action == "frame":
        stimuli.frame(device, **step.values)
    elif step.action == "join":
        stimuli.join(device)
    elif step.action == "leave":
        stimuli.leave(device)
    elif step.action in ("silence", "wake"):
        stimuli.silence(device, step.action == "silence")
    elif step.action == "radio_lost":
        stimuli.radio_lost()
    elif step.action == "radio_back":
        stimuli.radio_back()


async def run_scenario(
    scenario: Scenario,
    stimuli: Stimuli,
    clock: Clock,
    *,
    day: date,
    tz: ZoneInfo = BERLIN,
    speed: float = 1.0,
    loop: bool = False,
) -> int:
    """Play the scenario on `day` (local wall time in `tz`); returns how many steps ran.

    With `speed` > 1 the scenario's time runs that much faster than the clock, from the
    clock's now; steps whose time is already past are skipped. With `loop`, the next
    day follows when the last step is done.
    """
    if speed <= 0:
        raise ValueError("speed must be positive")
    origin = clock.now()
    not_before, done = origin, 0
    while True:
        for when, step, n in occurrences(scenario, day, tz):
            if when < not_before:
                continue
            await clock.sleep_until(origin + (when - origin) / speed)
            try:
                apply(step, stimuli, n)
            except Exception:  # one bad step must not end a day's simulation
                _LOGGER.exception("scenario %s: line %d failed", scenario.name, step.line)
            not_before, done = when, done + 1  # steps at the same instant all run
        if not loop:
            return done
        day += timedelta(days=1)
