"""Whether the resident is out of the flat: the front door, then nobody inside for ten
minutes, until the door or someone inside again; or "Away" pressed on the tablet.

Each call that ends an outing returns it as (left, back); the day builder books it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

OUT_MIN = timedelta(minutes=10)  # the door, then nobody inside this long: she went out
AWAY_GRACE = timedelta(minutes=15)  # after "Away" on the tablet she is still leaving

Span = tuple[datetime, datetime]


class Outings:
    """The state of the front door and the flat behind it, between observations."""

    def __init__(self) -> None:
        self.door_at: datetime | None = None  # the front door moved, nobody inside since
        self.grace: datetime | None = None  # "Away" pressed: she is leaving until then
        self.out_from: datetime | None = None  # out for sure since

    def away(self, ts: datetime, pressed: bool) -> Span | None:
        """ "Away" (pressed) or "Back" on the tablet."""
        if pressed:
            self.door_at = self.door_at or ts
            self.grace = ts + AWAY_GRACE
            return None
        return self.inside(ts, leaving=False)

    def door(self, ts: datetime) -> Span | None:
        """The front door opened or closed: coming home, or maybe going out."""
        span = None
        if self.out_from is not None:
            span = (self.out_from, ts)
            self.out_from = None
        elif self.door_at is not None and ts - self.door_at >= OUT_MIN:
            span = (self.door_at, ts)  # no one inside between two door events
        self.door_at = ts
        return span

    def inside(self, ts: datetime, leaving: bool = True) -> Span | None:
        """A sign of life inside the flat: she is home (or still leaving, after "Away")."""
        if leaving and self.grace is not None and ts <= self.grace:
            return None
        self.grace = None
        start = self.since(ts)
        self.out_from = self.door_at = None
        return None if start is None else (start, ts)

    def since(self, now: datetime) -> datetime | None:
        """When she went out, if she is out at `now`."""
        if self.out_from is not None:
            return self.out_from
        if self.door_at is not None and now - self.door_at >= OUT_MIN:
            return self.door_at
        return None

    def midnight(self, end: datetime) -> Span | None:
        """A day ends: an outing going on is booked until `end` and goes on from there."""
        start = self.since(end)
        if start is None:
            return None
        self.out_from, self.door_at = end, None
        return start, end

    def to_json(self, stamp: Callable[[datetime | None], int | None]) -> dict[str, Any]:
        return {
            "door_at": stamp(self.door_at),
            "grace": stamp(self.grace),
            "out_from": stamp(self.out_from),
        }

    def load(self, data: Mapping[str, Any], read: Callable[[object], datetime | None]) -> None:
        self.door_at = read(data.get("door_at"))
        self.grace = read(data.get("grace"))
        self.out_from = read(data.get("out_from"))
