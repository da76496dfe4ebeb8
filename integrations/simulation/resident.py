"""Play a day of a simulated resident from a script, faster than real time, in a loop."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path

from hub.clock import Clock
from hub.model import EntityId, Observation, Value, parse_value
from integrations.base import Publish

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Step:
    at: time
    entity: str
    value: Value


def read_script(path: Path) -> list[Step]:
    """Rows `HH:MM[:SS],entity,value`, in order of time; a bad row stops with its line number."""
    steps: list[Step] = []
    with path.open(newline="", encoding="utf-8") as f:
        for lineno, row in enumerate(csv.reader(f), start=1):
            if not row or row[0].startswith("#") or row[0] == "time":
                continue
            try:
                at = time.fromisoformat(row[0])
                entity = EntityId.parse(row[1].strip())
                steps.append(Step(at, str(entity), parse_value(entity.capability, row[2])))
            except (ValueError, IndexError) as e:
                raise ValueError(f"{path}:{lineno}: {e}") from None
    return sorted(steps, key=lambda s: s.at)


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second


class SimulatedResident:
    """Replays the script with `speed` simulated seconds per real second, stamped with now."""

    name = "simulation"

    def __init__(
        self, script: list[Step], clock: Clock, speed: float = 60.0, max_gap: float = 10.0
    ) -> None:
        if not script:
            raise ValueError("the simulated day has no steps")
        self._script = script
        self._clock = clock
        self._speed = speed
        # A quiet night would leave the demo page still for minutes: no pause is longer.
        self._max_gap = max_gap

    async def run(self, publish: Publish) -> None:
        day = 0
        previous = _seconds(self._script[0].at)
        while True:
            for step in self._script:
                await self._pause((_seconds(step.at) - previous) % 86400)
                previous = _seconds(step.at)
                publish(Observation(self._clock.now(), step.entity, step.value, self.name))
            day += 1
            log.info("simulated day %d over; starting again", day)

    async def _pause(self, simulated: float) -> None:
        real = min(simulated / self._speed, self._max_gap)
        await self._clock.sleep_until(self._clock.now() + timedelta(seconds=real))
