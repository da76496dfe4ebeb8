"""Feed a vital-sign twin from a recorded minute-by-minute record (heart and breathing rate).

The demo uses the real MIMIC-II numerics record when it is beside the project
(../shared/data/vitals); a zero in that record is a dropout, and is sent as it is, because
the rules must learn to ignore it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from hub.clock import Clock


@dataclass(frozen=True, slots=True)
class Minute:
    heart_rate: float
    respiratory_rate: float


def read_numerics(path: Path) -> list[Minute]:
    """Rows of a numerics CSV with HR and RESP columns; a row without them is skipped."""
    out = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                out.append(Minute(float(row["HR"]), float(row["RESP"])))
            except (KeyError, TypeError, ValueError):
                continue
    if not out:
        raise ValueError(f"{path}: no HR and RESP values")
    return out


def synthetic(minutes: int = 24 * 60) -> list[Minute]:
    """A calm night and day, for when no record is at hand."""
    return [
        Minute(
            round(62 + 6 * math.sin(i / 90) + (i % 7) / 3, 1),
            round(14 + 2 * math.sin(i / 45), 1),
        )
        for i in range(minutes)
    ]


async def feed(
    minutes: list[Minute],
    send: Callable[[Minute], None],
    clock: Clock,
    speed: float = 60.0,
    loop: bool = True,
) -> None:
    """Send one minute of the record every minute of simulated time."""

    def cycle() -> Iterator[Minute]:
        while True:
            yield from minutes
            if not loop:
                return

    step = timedelta(seconds=60 / speed)
    for minute in cycle():
        send(minute)
        await clock.sleep_until(clock.now() + step)
