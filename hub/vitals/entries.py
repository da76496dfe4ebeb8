"""A measured value entered by hand: read as typed, refused if impossible, judged by her range.

The pages word the outcome for their reader (the resident calmly, a carer exactly); this
module only says what is wrong, as codes with the numbers involved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hub.model import Observation
from hub.vitals.measures import PARTS, VITALS, Measurement

if TYPE_CHECKING:
    from hub.config.model import Resident

# A clock on the wall and one on the tablet may differ by a few minutes; more is a typing slip.
FUTURE_SLACK = timedelta(minutes=5)
SOURCE = "manual"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an entry cannot be stored: `code` names it, the rest fills in the sentence."""

    field: str  # a capability (`bp_systolic`), or `time`
    code: str  # missing, not_a_number, impossible, order, future, too_old, bad_time
    typed: str = ""
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Outside:
    """A possible value outside the resident's range."""

    capability: str
    value: float
    side: str  # "low" or "high"
    limit: float


@dataclass(frozen=True)
class Checked:
    measurement: Measurement
    values: dict[str, float] = field(default_factory=dict)  # capability → value, in order
    problems: list[Problem] = field(default_factory=list)
    outside: list[Outside] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.problems


def number(typed: object) -> float | None:
    """`72,5`, `72.5`, ` 72 ` or 72.5 as a number; None for anything else."""
    if isinstance(typed, bool):
        return None
    if isinstance(typed, int | float):
        value = float(typed)
    elif isinstance(typed, str):
        text = typed.strip().replace(",", ".")
        if not text or not all(c.isdigit() or c in ".-+" for c in text):
            return None
        try:
            value = float(text)
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def check(measurement: Measurement, typed: Mapping[str, object], resident: Resident) -> Checked:
    """Each value read and checked; if all are possible, those outside her range."""
    values: dict[str, float] = {}
    problems: list[Problem] = []
    for capability in PARTS[measurement]:
        vital = VITALS[capability]
        raw = typed.get(capability)
        shown = "" if raw is None else str(raw).strip()
        if not shown:
            problems.append(Problem(capability, "missing"))
            continue
        value = number(raw)
        if value is None:
            problems.append(Problem(capability, "not_a_number", shown))
            continue
        low, high = vital.possible
        if not low <= value <= high:
            problems.append(Problem(capability, "impossible", shown, low, high))
            continue
        values[capability] = round(value, vital.decimals)
    systolic, diastolic = values.get("bp_systolic"), values.get("bp_diastolic")
    if systolic is not None and diastolic is not None and systolic <= diastolic:
        problems.append(Problem("bp_diastolic", "order", f"{diastolic:g}", high=systolic))
    if problems:
        return Checked(measurement, values, problems)
    outside = []
    for capability, value in values.items():
        floor, ceiling = resident.range(capability)
        if floor is not None and value < floor:
            outside.append(Outside(capability, value, "low", floor))
        elif ceiling is not None and value > ceiling:
            outside.append(Outside(capability, value, "high", ceiling))
    return Checked(measurement, values, [], outside)


def when(typed: object, now: datetime, tz: ZoneInfo, keep: timedelta) -> datetime | Problem:
    """The time of a measurement: empty is now; `2026-05-04T08:10` is the home's wall time."""
    if typed is None or (isinstance(typed, str) and not typed.strip()):
        return now
    if not isinstance(typed, str):
        return Problem("time", "bad_time", str(typed))
    try:
        moment = datetime.fromisoformat(typed.strip())
    except ValueError:
        return Problem("time", "bad_time", typed.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    if moment > now + FUTURE_SLACK:
        return Problem("time", "future", typed.strip())
    if moment < now - keep:
        return Problem("time", "too_old", typed.strip(), low=keep.days)
    return moment


def observations(checked: Checked, resident: str, ts: datetime, actor: str) -> list[Observation]:
    """The entry as the hub keeps it: one observation per number, all at the same time."""
    source = f"{SOURCE}:{actor}"
    return [Observation(ts, f"{c}.{resident}", v, source) for c, v in checked.values.items()]
