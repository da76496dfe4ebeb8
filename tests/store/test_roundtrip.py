"""What goes in comes out: values, order, current state, time ranges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.model import Observation, ValueKind
from hub.store import Store
from hub.store.codec import decode_value, encode_value

from .conftest import NEVER, T0, obs

VALUES = [
    obs("motion.hall", True, 0),
    obs("motion.hall", False, 1),
    obs("temperature.bathroom", 21.37, 2),
    obs("temperature.bathroom", 21.0, 3),
    obs("temperature.bathroom", -3.5, 4),
    obs("illuminance.kitchen", 0.0, 5),
    obs("power.kettle", 2200.0, 6),
    obs("heart_rate.resident", 1e-3, 7, source="vitals"),
    obs("humidity.bathroom", 1e300, 8),
]


async def test_each_kind_round_trips_before_and_after_a_restart(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        for o in VALUES:
            store.add_observation(o)
        unflushed = await store.observations(T0, T0 + timedelta(hours=1))
    async with Store.open(db_path) as store:
        stored = await store.observations(T0, T0 + timedelta(hours=1))
    assert unflushed == VALUES
    assert stored == VALUES
    assert [type(o.value) for o in stored] == [type(o.value) for o in VALUES]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (ValueKind.TEXT, "Frühstück ☕"),
        (ValueKind.TEXT, "1"),
        (ValueKind.NUMBER, 5),
        (ValueKind.NUMBER, 2.5),
        (ValueKind.BINARY, True),
    ],
)
def test_codec_keeps_the_value(kind: ValueKind, value: bool | float | str) -> None:
    back = decode_value(kind, encode_value(kind, value, "x.y"))
    assert back == value
    assert type(back) is (float if kind is ValueKind.NUMBER else type(value))


async def test_timestamps_are_kept_to_the_millisecond(store: Store) -> None:
    store.add_observation(Observation(T0.replace(microsecond=123_456), "motion.hall", True))
    await store.flush()
    [back] = await store.observations(T0, T0 + timedelta(seconds=1))
    assert back.ts == T0.replace(microsecond=123_000)
    assert back.ts.tzinfo is UTC


async def test_order_is_time_then_write_order_across_flushes(store: Store) -> None:
    store.add_observation(obs("motion.hall", True, 10))
    store.add_observation(obs("contact.door", True, 10))
    await store.flush()
    store.add_observation(obs("motion.hall", False, 10))  # same millisecond, later write
    store.add_observation(obs("motion.kitchen", True, 20))
    store.add_observation(obs("contact.door", False, 5))  # arrives late
    await store.flush()
    store.add_observation(obs("motion.bed", True, 10))  # late, into a millisecond in use
    pending = await store.observations(T0, T0 + timedelta(minutes=1))
    await store.flush()
    stored = await store.observations(T0, T0 + timedelta(minutes=1))
    expected = [
        ("contact.door", False),
        ("motion.hall", True),
        ("contact.door", True),
        ("motion.hall", False),
        ("motion.bed", True),
        ("motion.kitchen", True),
    ]
    assert [(o.entity, o.value) for o in stored] == expected
    assert pending == stored


async def test_range_is_start_inclusive_end_exclusive_and_filters_entities(
    store: Store,
) -> None:
    for i in range(10):
        store.add_observation(obs("motion.hall", i % 2 == 0, i))
        store.add_observation(obs("temperature.hall", 20.0 + i, i))
    await store.flush()
    start, end = T0 + timedelta(seconds=3), T0 + timedelta(seconds=6)
    both = await store.observations(start, end)
    assert [o.ts for o in both] == [start + timedelta(seconds=i // 2) for i in range(6)]
    temps = await store.observations(start, end, ["temperature.hall"])
    assert [o.value for o in temps] == [23.0, 24.0, 25.0]
    assert await store.observations(start, end, "temperature.hall") == temps
    assert await store.observations(start, end, ["motion.unknown"]) == []
    assert await store.observations(end, start) == []
    # A start between milliseconds excludes the row just before it.
    assert len(await store.observations(start + timedelta(microseconds=1), end)) == 4


async def test_current_state_is_the_latest_value_and_survives_restart(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        store.add_observation(obs("temperature.hall", 20.0, 0))
        store.add_observation(obs("temperature.hall", 21.0, 60))
        store.add_observation(obs("motion.hall", True, 30))
        await store.flush()
        store.add_observation(obs("temperature.hall", 19.0, 10))  # late: not the current state
        store.add_observation(obs("motion.hall", False, 90, source="tablet"))
        pending = await store.current_state()
    async with Store.open(db_path) as store:
        state = await store.current_state()
    assert state == pending
    assert state == {
        "temperature.hall": obs("temperature.hall", 21.0, 60),
        "motion.hall": obs("motion.hall", False, 90, source="tablet"),
    }


@pytest.mark.parametrize(
    "bad",
    [
        Observation(datetime(2024, 5, 1, 8, 0), "motion.hall", True),  # naive
        obs("motion.hall", 1.0),
        obs("motion.hall", "on"),
        obs("temperature.hall", True),
        obs("temperature.hall", float("nan")),
        obs("temperature.hall", float("inf")),
        obs("teleport.hall", True),
        obs("motion", True),
        obs("motion.hall", True, source="\ud800"),
        Observation(datetime(1969, 12, 31, tzinfo=UTC), "motion.hall", True),
    ],
)
async def test_a_bad_observation_is_refused_at_once_and_blocks_nothing(
    store: Store, bad: Observation
) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        store.add_observation(bad)
    store.add_observation(obs("motion.hall", True))
    await store.flush()
    assert await store.observations(T0, T0 + timedelta(seconds=1)) == [obs("motion.hall", True)]
