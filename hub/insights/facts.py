"""What a daily summary tells, as data: the day's facts and the routine's verdict on them.

JSON-able, so the outbox can keep them with the recorded message and render them in each
contact's language when it sends (hub/alerts/messages.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Usual:
    """The learned routine's verdict on a day: which features lay outside the usual range.

    `unusual` maps a feature to its direction as rules/routine_baseline.py says them
    ("wake": "later"); `ranges` keeps the usual ranges (low, high) for the record.
    """

    known: bool = False  # a routine has been learned; only then is anything "as usual"
    unusual: Mapping[str, str] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertNote:
    """One alert of the day as the family hears of it."""

    state: str  # an AlertState value
    by: str | None = None  # who took care of it (a name); None: it cleared by itself


@dataclass(frozen=True)
class DayFacts:
    """What a summary tells; JSON-able, so the outbox can render it per language later."""

    day: date  # whose kitchen visits and time out are told
    morning: bool  # told the next morning: the night after `day`, getting up the day after
    tz: str
    told_at: datetime
    night_in_bed: bool | None = None  # None: no bed sensor
    night_up: int = 0
    night_up_minutes: int = 0
    night_bathroom: int = 0
    got_up: datetime | None = None  # after the night told
    in_bed: bool = False
    kitchen: int | None = None  # None: the kitchen is not watched
    out: tuple[tuple[datetime, datetime], ...] = ()
    out_since: datetime | None = None
    alerts: tuple[AlertNote, ...] = ()
    silent_since: datetime | None = None
    silent_devices: tuple[str, ...] = ()  # the devices that fell silent; none: all of them
    usual: Usual = Usual()

    def to_json(self) -> dict[str, Any]:
        def iso(ts: datetime | None) -> str | None:
            return ts.isoformat() if ts else None

        return {
            **{k: getattr(self, k) for k in _PLAIN_FIELDS},
            "day": self.day.isoformat(),
            "told_at": self.told_at.isoformat(),
            "got_up": iso(self.got_up),
            "out": [[a.isoformat(), b.isoformat()] for a, b in self.out],
            "out_since": iso(self.out_since),
            "silent_since": iso(self.silent_since),
            "silent_devices": list(self.silent_devices),
            "alerts": [[a.state, a.by] for a in self.alerts],
            "usual": {
                "known": self.usual.known,
                "unusual": dict(self.usual.unusual),
                "ranges": {k: list(v) for k, v in self.usual.ranges.items()},
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DayFacts:
        def ts(text: str | None) -> datetime | None:
            return _ts(text) if text else None

        usual = data.get("usual") or {}
        return cls(
            **{k: data[k] for k in _PLAIN_FIELDS if k in data},
            day=date.fromisoformat(data["day"]),
            told_at=datetime.fromisoformat(data["told_at"]),
            got_up=ts(data.get("got_up")),
            out=tuple((_ts(a), _ts(b)) for a, b in data.get("out", [])),
            out_since=ts(data.get("out_since")),
            silent_since=ts(data.get("silent_since")),
            silent_devices=tuple(data.get("silent_devices", ())),
            alerts=tuple(AlertNote(s, by) for s, by in data.get("alerts", [])),
            usual=Usual(
                bool(usual.get("known")),
                dict(usual.get("unusual", {})),
                {k: (float(v[0]), float(v[1])) for k, v in usual.get("ranges", {}).items()},
            ),
        )


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


_PLAIN_FIELDS = (
    "morning",
    "tz",
    "night_in_bed",
    "night_up",
    "night_up_minutes",
    "night_bathroom",
    "in_bed",
    "kitchen",
)
