"""Any valid observation comes back exactly, to the millisecond, in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.model import VALUE_KIND, Capability, Observation, Value, ValueKind
from hub.store import Store
from hub.store.codec import MAX_MS, from_ms

VALUES: dict[ValueKind, st.SearchStrategy[Value]] = {
    ValueKind.BINARY: st.booleans(),
    ValueKind.NUMBER: st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(-(2**53), 2**53).map(float),
    ValueKind.TEXT: st.text(),
}
START = datetime(1970, 1, 1)
END = datetime(2200, 1, 1)
COMMON = [datetime(2024, 5, 1, 8, 0, 0, ms * 1000, tzinfo=UTC) for ms in (0, 1, 999)]


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    capability = draw(st.sampled_from(Capability))
    name = draw(st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True))
    # A few shared instants, so that equal timestamps (and their write order) come up often.
    ts = draw(st.datetimes(START, END, timezones=st.just(UTC)) | st.sampled_from(COMMON))
    ts = ts.replace(microsecond=ts.microsecond // 1000 * 1000)
    value = draw(VALUES[VALUE_KIND[capability]])
    source = draw(st.sampled_from(["zigbee", "tablet", "replay"]) | st.text(max_size=8))
    return Observation(ts, f"{capability.value}.{name}", value, source)


async def round_trip(batches: list[list[Observation]]) -> tuple[list[Observation], ...]:
    async with Store.open(":memory:", flush_interval=3600) as store:
        for batch in batches:
            for o in batch:
                store.add_observation(o)
            await store.flush()
        end = END.replace(tzinfo=UTC) + timedelta(milliseconds=1)
        everything = await store.observations(START.replace(tzinfo=UTC), end)
        state = await store.current_state()
        return everything, list(state.values())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(observations(), max_size=20), max_size=4))
def test_observations_round_trip_exactly(batches: list[list[Observation]]) -> None:
    stored, state = asyncio.run(round_trip(batches))
    written = [o for batch in batches for o in batch]
    # Time order; observations at the same millisecond keep the order they were written in.
    in_order = sorted(written, key=lambda o: o.ts)
    assert stored == in_order
    assert [type(o.value) for o in stored] == [type(o.value) for o in in_order]
    latest: dict[str, Observation] = {}
    for o in written:
        if o.entity not in latest or latest[o.entity].ts <= o.ts:
            latest[o.entity] = o
    assert sorted(state, key=lambda o: o.entity) == sorted(latest.values(), key=lambda o: o.entity)


def test_the_latest_representable_time_is_far_enough() -> None:
    assert from_ms(MAX_MS) > END.replace(tzinfo=UTC) + timedelta(days=365)
