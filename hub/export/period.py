"""The days an export covers: `from` and `to` as the home's calendar days, both included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hub.store.retention import local_midnight

FIRST_YEAR, LAST_YEAR = 2000, 2199
EXAMPLE = "2026-11-01"


class PeriodError(ValueError):
    """A range that is no range; `key` names the message in the pages' words."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the days as they were asked for."""

    start: datetime
    end: datetime
    first: date
    last: date

    def describe(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def slug(self) -> str:
        """For file names: 2026-11-01_2026-11-28."""
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def parse_day(text: str | None, what: str) -> date:
    raw = (text or "").strip()
    if not raw:
        raise PeriodError("missing", f"{what} is missing; write a day such as {EXAMPLE}")
    try:
        day = date.fromisoformat(raw) if len(raw) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise PeriodError("not_a_day", f"{what} '{raw[:40]}' is not a day; write e.g. {EXAMPLE}")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PeriodError(
            "out_of_range", f"{what} {raw} is outside {FIRST_YEAR}..{LAST_YEAR}; is it a typo?"
        )
    return day


def period(
    first_text: str | None,
    last_text: str | None,
    tz: ZoneInfo,
    names: tuple[str, str] = ("from", "to"),
) -> Period:
    """The local days first..last, both whole: from first's midnight to the midnight after last.

    A day is the home's: in Berlin the day the clocks go back has 25 hours, and all of them
    are in it.
    """
    first = parse_day(first_text, names[0])
    last = parse_day(last_text, names[1])
    if last < first:
        raise PeriodError(
            "reversed",
            f"{names[1]} ({last.isoformat()}) is before {names[0]} ({first.isoformat()})",
        )
    start = local_midnight(first, tz)
    end = local_midnight(last + timedelta(days=1), tz)
    return Period(start.astimezone(UTC), end.astimezone(UTC), first, last)


def everything(tz: ZoneInfo, now: datetime) -> Period:
    """All that can be stored, up to the end of today: for the privacy export."""
    today = now.astimezone(tz).date()
    first = date(FIRST_YEAR, 1, 1)
    return Period(
        local_midnight(first, tz), local_midnight(today + timedelta(days=1), tz), first, today
    )
