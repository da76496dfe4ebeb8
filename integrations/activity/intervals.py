"""Interval logs: `start<TAB>end<TAB>field…` rows in local wall time (the UCI ADL sets)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

MAX_REPORTED = 20
_SPLIT = re.compile(r"\t+")
_TIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class Interval:
    """One row: something was active from `start` to `end` (naive local wall times)."""

    line: int
    start: datetime
    end: datetime
    fields: tuple[str, ...]  # Location, Type, Place for sensors; Activity for labels


class IntervalsError(Exception):
    """Rows that cannot be used, each with its line number."""

    def __init__(self, path: Path, errors: list[tuple[int, str]]):
        self.path = path
        self.errors = errors
        lines = [f"{path}:{n}: error: {message}" for n, message in errors[:MAX_REPORTED]]
        if len(errors) > MAX_REPORTED:
            lines.append(f"… and {len(errors) - MAX_REPORTED} more bad lines")
        super().__init__("\n".join(lines))


def read_intervals(path: Path, fields: int) -> tuple[list[Interval], list[tuple[int, str]]]:
    """Rows with `fields` fields after the two times, and (line, problem) for every bad row.

    Columns are separated by one or more TABs; headers (a "Start time" line and a line of
    dashes) and blank lines are skipped. A row ending before it starts is a bad row.
    """
    rows: list[Interval] = []
    errors: list[tuple[int, str]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for n, raw in enumerate(f, start=1):
            text = raw.strip()
            if not text or text.startswith("Start time") or set(text) <= {"-", "\t", " "}:
                continue
            parts = [p.strip() for p in _SPLIT.split(text)]
            if len(parts) != 2 + fields:
                errors.append(
                    (n, f"expected {2 + fields} TAB-separated fields, found {len(parts)}")
                )
                continue
            try:
                start, end = _time(parts[0]), _time(parts[1])
            except ValueError as e:
                errors.append((n, str(e)))
                continue
            if end < start:
                errors.append((n, f"ends ({parts[1]}) before it starts ({parts[0]})"))
                continue
            rows.append(Interval(n, start, end, tuple(parts[2:])))
    return rows, errors


def _time(text: str) -> datetime:
    try:
        return datetime.strptime(text, _TIME)
    except ValueError:
        raise ValueError(f"'{text}' is not a time like 2011-11-28 02:27:59") from None
