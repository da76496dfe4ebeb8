"""Old raw observations become daily aggregates, by the home's local day."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.model import Observation
from hub.store import DailyAggregate, Store

from .conftest import NEVER

BERLIN = ZoneInfo("Europe/Berlin")
Row = tuple[Any, ...]  # count, n_on, min, max, mean


def synthetic_days(first: datetime, days: int) -> list[Observation]:
    """Every 20 minutes: motion on and off in a pattern, a temperature that drifts."""
    out = []
    t = first
    i = 0
    while t < first + timedelta(days=days):
        out.append(Observation(t, "motion.hall", i % 3 == 0))
        out.append(Observation(t, "temperature.hall", 18.0 + (i % 17) * 0.25))
        t += timedelta(minutes=20)
        i += 1
    return out


def expected(observations: list[Observation], tz: ZoneInfo | None) -> dict[tuple[str, date], Row]:
    """count, n_on, min, max, mean per entity and day, worked out independently."""
    groups: dict[tuple[str, date], list[float]] = defaultdict(list)
    for o in observations:
        day = o.ts.astimezone(tz).date() if tz else o.ts.date()
        groups[o.entity, day].append(float(o.value))
    return {
        key: (
            len(v),
            sum(1 for x in v if x) if key[0].startswith("motion") else None,
            min(v),
            max(v),
            pytest.approx(sum(v) / len(v)),
        )
        for key, v in groups.items()
    }


def as_tuple(agg: DailyAggregate) -> Row:
    return (agg.count, agg.n_on, agg.min, agg.max, agg.mean)


@pytest.mark.parametrize(
    ("switch", "hours"),
    [(date(2024, 3, 31), 23), (date(2024, 10, 27), 25)],
    ids=["spring-forward", "fall-back"],
)
async def test_old_days_are_folded_by_local_day_across_dst(
    db_path: Path, switch: date, hours: int
) -> None:
    start = datetime(switch.year, switch.month, switch.day - 3, 5, 10, tzinfo=UTC)
    data = synthetic_days(start, 7)
    now = datetime.combine(switch + timedelta(days=3), datetime.min.time(), BERLIN).replace(hour=9)
    cut = datetime.combine(switch + timedelta(days=1), datetime.min.time(), BERLIN)  # keep 2 days
    old = [o for o in data if o.ts < cut]
    want = expected(old, BERLIN)
    # The test can tell: UTC days would give other aggregates, and the DST day is short or long.
    assert want != expected(old, None)
    assert want["motion.hall", switch][0] == hours * 3

    async with Store.open(db_path, flush_interval=NEVER) as store:
        for o in data:
            store.add_observation(o)
        deleted = await store.apply_retention(now, keep_days=2, tz=BERLIN)
        assert deleted == len(old)
        first, last = start.date() - timedelta(days=1), switch + timedelta(days=5)
        got = {}
        for entity in ("motion.hall", "temperature.hall"):
            for agg in await store.daily_aggregates(entity, first, last):
                got[entity, agg.day] = as_tuple(agg)
        assert got == want
        assert await store.observations(start, start + timedelta(days=8)) == data[len(old) :]
        # Once is enough: a second run finds nothing more to fold.
        assert await store.apply_retention(now, keep_days=2, tz=BERLIN) == 0
        again = await store.daily_aggregates("motion.hall", first, last)
        assert {("motion.hall", a.day): as_tuple(a) for a in again} == {
            k: v for k, v in want.items() if k[0] == "motion.hall"
        }


async def test_a_late_observation_adds_to_a_folded_day(store: Store) -> None:
    day = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    store.add_observation(Observation(day, "temperature.hall", 20.0))
    store.add_observation(Observation(day + timedelta(hours=1), "temperature.hall", 22.0))
    now = day + timedelta(days=10)
    assert await store.apply_retention(now, 3, BERLIN) == 2
    store.add_observation(Observation(day + timedelta(hours=2), "temperature.hall", 15.0))
    assert await store.apply_retention(now, 3, BERLIN) == 1
    [agg] = await store.daily_aggregates("temperature.hall", date(2024, 5, 1), date(2024, 5, 1))
    assert as_tuple(agg) == (3, None, 15.0, 22.0, 19.0)


async def test_days_still_raw_are_aggregated_when_asked_with_a_timezone(store: Store) -> None:
    day = datetime(2024, 5, 1, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    store.add_observation(Observation(day, "motion.hall", True))
    store.add_observation(Observation(day + timedelta(hours=1), "motion.hall", False))  # 2 May
    await store.flush()
    assert await store.daily_aggregates("motion.hall", date(2024, 5, 1), date(2024, 5, 2)) == []
    raw = await store.daily_aggregates("motion.hall", date(2024, 5, 1), date(2024, 5, 2), tz=BERLIN)
    assert [(a.day, a.count, a.n_on, a.mean) for a in raw] == [
        (date(2024, 5, 1), 1, 1, 1.0),
        (date(2024, 5, 2), 1, 0, 0.0),
    ]
    assert await store.daily_aggregates("motion.nowhere", date(2024, 5, 1), date(2024, 5, 2)) == []


async def test_the_current_state_outlives_its_raw_rows(store: Store) -> None:
    old = Observation(datetime(2024, 1, 1, 12, tzinfo=UTC), "battery.door", 80.0)
    store.add_observation(old)
    assert await store.apply_retention(datetime(2024, 6, 1, tzinfo=UTC), 30, BERLIN) == 1
    assert await store.current_state() == {"battery.door": old}


async def test_keep_days_must_not_be_negative(store: Store) -> None:
    with pytest.raises(ValueError, match="keep_days"):
        await store.apply_retention(datetime(2024, 6, 1, tzinfo=UTC), -1, BERLIN)
