"""Sensor intervals → Obhut events: `on` at each start, `off` at each end, in UTC order.

Two sensors mapped to one entity (or a sensor's own overlapping rows) are merged first: an
entity is on while any of its intervals is, so one sensor's end never reads as "nobody
there" while another still sees the resident.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from hub.model import Observation, Value
from integrations.activity.intervals import Interval, read_intervals
from integrations.activity.mapping import Mapping, Target


@dataclass
class Conversion:
    events: list[Observation]
    errors: list[tuple[int, str]]
    merged: int = 0  # intervals folded into an overlapping one of the same entity
    ignored: Counter[str] = field(default_factory=Counter)  # rows of sensors mapped to null


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive wall time in `tz` as UTC; ValueError for a time the clocks skipped."""
    aware = local.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise ValueError(f"{local} does not exist in {tz.key} (the clocks went forward)")
    # In the hour that repeats when the clocks go back, the first of the two is taken.
    return aware.astimezone(UTC)


def convert(intervals: list[Interval], mapping: Mapping) -> Conversion:
    """Events for every mapped row; unmapped sensors and impossible times are errors."""
    out = Conversion([], [])
    spans: dict[str, list[tuple[datetime, datetime, Target]]] = {}
    unmapped: dict[str, int] = {}
    for row in intervals:
        name = f"{row.fields[0]}/{row.fields[1]}"
        if name not in mapping.sensors:
            if name not in unmapped:
                unmapped[name] = row.line
                known = ", ".join(sorted(mapping.sensors))
                out.errors.append(
                    (row.line, f"sensor {name} is not in the mapping (it has: {known})")
                )
            continue
        target = mapping.sensors[name]
        if target is None:
            out.ignored[name] += 1
            continue
        try:
            start, end = to_utc(row.start, mapping.tz), to_utc(row.end, mapping.tz)
        except ValueError as e:
            out.errors.append((row.line, str(e)))
            continue
        spans.setdefault(target.entity, []).append((start, end, target))
    keyed: list[tuple[datetime, int, Observation]] = []
    for entity, items in spans.items():
        items.sort(key=lambda s: (s[0], s[1]))
        merged: list[tuple[datetime, datetime, Target]] = []
        for start, end, target in items:
            if merged and start <= merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], end), last[2])
                out.merged += 1
            else:
                merged.append((start, end, target))
        for start, end, target in merged:
            keyed.append((start, 1, _obs(start, entity, target.on, mapping.source)))
            # At one instant, ends come before starts (the resident moved on), except the end of
            # a zero-length interval, which must follow its own start.
            keyed.append(
                (end, 2 if end == start else 0, _obs(end, entity, target.off, mapping.source))
            )
    keyed.sort(key=lambda k: (k[0], k[1]))
    out.events = [obs for _, _, obs in keyed]
    return out


def _obs(ts: datetime, entity: str, value: Value, source: str) -> Observation:
    return Observation(ts, entity, value, source)


def write_events(f: IO[str], events: list[Observation], tz: ZoneInfo) -> None:
    """The events file `obhut replay` reads, with times in the log's local offset."""
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["timestamp", "entity", "value", "source"])
    for obs in events:
        w.writerow([obs.ts.astimezone(tz).isoformat(), obs.entity, _value(obs.value), obs.source])


def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return value


def convert_file(sensors: Path, mapping: Mapping) -> Conversion:
    """Read a sensors log (Start, End, Location, Type, Place) and convert it; errors by line."""
    rows, errors = read_intervals(sensors, 3)
    result = convert(rows, mapping)
    result.errors = sorted(errors + result.errors)
    return result
