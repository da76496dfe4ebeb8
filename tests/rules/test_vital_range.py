"""vital_range: heart and breathing rate out of range for a while; dropouts are not values."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.bus import Bus
from hub.clock import SimulatedClock
from hub.entities import EntityRegistry
from hub.model import Action, EntityId, Finding, Observation, parse_value
from hub.scheduler import Scheduler
from hub.store import Store
from integrations.simulation.vitals import Minute, read_numerics
from rules.engine import Engine
from rules.kinds.vital_range import Config, Rule
from rules.registry import rule_factories
from tests.rules.scenario import at, config, findings, local, run

RECORD = Path(__file__).resolve().parents[3] / "shared/data/vitals/mimic2-s00001"
NUMERICS = RECORD / "s00001_numerics.csv"
# The record starts at 00:31 local time (its date is shifted, its time of day is real); put
# it on the night the clocks go back, so its 32 hours run through 2026-10-25 02:00-03:00 twice.
RECORD_START = at("2026-10-24 00:31")

PULS = """\
rules:
  - kind: vital_range
    id: puls
    measure: heart_rate
    room: schlafzimmer
    min: 50
    max: 100
    duration: 10m
"""


def minutes(start: str, entity: str, values: list[float]) -> list[tuple[str, str, float]]:
    """One reading a minute from `start` (exact elapsed minutes, also over a DST switch)."""
    t0 = at(start).astimezone(UTC)
    return [((t0 + timedelta(minutes=i)).isoformat(), entity, v) for i, v in enumerate(values)]


def told(out: Sequence[Finding | Action], cleared: bool | None = None) -> list[tuple[str, str]]:
    return [(local(f.ts), f.explanation) for f in findings(list(out), cleared)]


def de(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0").replace(".", ",")


# --- the real record ------------------------------------------------------------------


def record() -> list[Minute]:
    if not NUMERICS.is_file():
        pytest.skip(f"the MIMIC-II record is not at {NUMERICS}")
    return read_numerics(NUMERICS)


def replay_record(values: list[float], measure: str, low: float, high: float) -> list[Finding]:
    rules = f"""\
    rules:
      - kind: vital_range
        measure: {measure}
        room: schlafzimmer
        min: {low}
        max: {high}
        duration: 10m
    """
    start = RECORD_START.astimezone(UTC)
    events = [
        ((start + timedelta(minutes=i)).isoformat(), f"{measure}.schlafzimmer", v)
        for i, v in enumerate(values)
    ]
    out = findings(run(rules, events))
    print(f"\n{measure} {low}-{high}/min over the record: {len(out)} finding(s)")
    for f in out:
        print(local(f.ts), "cleared" if f.cleared else "RAISED ", f.explanation)
    return out


def minute_of(ts: datetime) -> int:
    return round((ts - RECORD_START).total_seconds() / 60)


def assert_plausible(out: list[Finding], values: list[float]) -> None:
    """What a daughter would check: each alert comes from real readings and quotes them."""
    for f in out:
        if f.cleared:
            continue
        first, raised = minute_of(datetime.fromisoformat(f.data["since"])), minute_of(f.ts)
        assert values[first] > 0, f"raised from a dropout: {f.explanation}"
        real = [v for v in values[first:raised] if v > 0]
        assert f.data["last"] in real and f.data["extreme"] in real
        assert f"zuletzt {de(f.data['last'])}/min" in f.explanation
        assert f"Wert {de(f.data['extreme'])}/min" in f.explanation


def longest_real_run_outside(values: list[float], low: float, high: float) -> int:
    """Minutes from the first to the last non-zero reading of a run outside the range."""
    longest, first = 0, None
    for i, v in enumerate(values):
        if v == 0:
            continue
        if v < low or v > high:
            first = i if first is None else first
            longest = max(longest, i - first + 1)
        else:
            first = None
    return longest


@pytest.mark.parametrize(
    ("measure", "low", "high"),
    [("heart_rate", 50, 100), ("respiratory_rate", 8, 25)],
)
def test_the_real_record_raises_nothing_from_its_dropouts(
    measure: str, low: float, high: float
) -> None:
    values = [getattr(m, measure) for m in record()]
    zeros = [i for i, v in enumerate(values) if v == 0]
    # what makes this record a test: two dropouts of 20 minutes (and for the heart rate a
    # leading one), which a rule reading 0 as a value would take for an arrest
    assert len(zeros) >= 40 and (values[0] == 0 or measure != "heart_rate")
    out = replay_record(values, measure, low, high)
    assert_plausible(out, values)
    # This patient's heart rate (median 56) never stays below 50 for ten minutes, nor her
    # breathing outside 8-25: the truth, counted from the raw minutes, is "nothing to tell".
    assert longest_real_run_outside(values, low, high) < 10
    assert out == []


def test_a_real_record_with_a_slow_spell_added_tells_exactly_that() -> None:
    """The record's own noise and dropouts, plus 25 minutes of 41-46 bpm from 17:11 on."""
    values = [m.heart_rate for m in record()]
    spell = 1000  # minutes after 00:31
    slow = [44.0, 42.5, 41.0, 43.2, 45.1, 0.0, 0.0, 0.0, 42.8, 41.6] + [43.0, 44.4, 46.1] * 5
    values[spell : spell + len(slow)] = slow
    out = replay_record(values, "heart_rate", 50, 100)
    assert_plausible(out, values)
    since = RECORD_START.astimezone(UTC) + timedelta(minutes=spell)
    assert told(out) == [
        (
            "2026-10-24 17:21",
            "Puls (Schlafzimmer) seit 17:11 (10 Min) unter 50/min: "
            "zuletzt 41,6/min, tiefster Wert 41/min",
        ),
        # over once the record's own values come back (54.9: above 50 by the margin of 3)
        ("2026-10-24 17:36", "Puls (Schlafzimmer) wieder im Bereich: 54,9/min um 17:36"),
    ]
    assert local(since) == "2026-10-24 17:11"


# --- exact scenarios ------------------------------------------------------------------


def test_hysteresis_raises_after_ten_minutes_and_clears_only_well_inside() -> None:
    out = run(
        PULS,
        minutes(
            "2026-05-04 02:00",
            "heart_rate.schlafzimmer",
            # 02:00 ... 02:09 below 50, with one 51 in between that is no way out
            [
                *(48, 47, 49, 51, 48, 46, 47, 48, 49, 48),
                # 02:10 ... : 48 at the deadline; 51 and 52 are not enough; 53 is
                *(48, 51, 49, 52, 53),
            ],
        ),
    )
    assert told(out) == [
        (
            "2026-05-04 02:10",
            "Puls (Schlafzimmer) seit 02:00 (10 Min) unter 50/min: "
            "zuletzt 48/min, tiefster Wert 46/min",
        ),
        ("2026-05-04 02:14", "Puls (Schlafzimmer) wieder im Bereich: 53/min um 02:14"),
    ]
    assert findings(out)[0].pre_alert_s == 0 and findings(out)[0].entity == (
        "heart_rate.schlafzimmer"
    )


def test_a_dropout_in_the_middle_does_not_end_the_episode() -> None:
    zeros = [0.0] * 4
    out = run(
        PULS,
        minutes("2026-05-04 03:00", "heart_rate.schlafzimmer", [47, 46, 48, 47, *zeros, 45, 44]),
        until="2026-05-04 04:00",
    )
    # the readings stop at 03:09 and nothing says she is fine: raised at 03:10, never cleared
    assert told(out) == [
        (
            "2026-05-04 03:10",
            "Puls (Schlafzimmer) seit 03:00 (10 Min) unter 50/min: "
            "zuletzt 44/min, tiefster Wert 44/min",
        )
    ]


def test_after_a_long_dropout_the_next_reading_decides() -> None:
    silence = [0.0] * 20  # 03:01-03:20: lead off
    still_slow = run(
        PULS,
        minutes("2026-05-04 03:00", "heart_rate.schlafzimmer", [44, *silence, 43]),
        until="2026-05-04 05:00",
    )
    # nothing at 03:10 (the only reading was 10 min old); the next one, out again, tells
    assert told(still_slow) == [
        (
            "2026-05-04 03:21",
            "Puls (Schlafzimmer) seit 03:00 (21 Min) unter 50/min: zuletzt 43/min, "
            "tiefster Wert 43/min (Messung zwischendurch 21 Min ausgefallen)",
        )
    ]
    fine = run(
        PULS,
        minutes("2026-05-04 03:00", "heart_rate.schlafzimmer", [44, *silence, 62]),
        until="2026-05-04 05:00",
    )
    assert fine == []


def test_zeros_after_an_alert_do_not_clear_it() -> None:
    out = run(
        PULS,
        minutes("2026-05-04 03:00", "heart_rate.schlafzimmer", [45] * 12 + [0.0] * 30),
        until="2026-05-04 06:00",
    )
    assert [(local(f.ts), f.cleared) for f in findings(out)] == [("2026-05-04 03:10", False)]


def test_zeros_alone_raise_nothing() -> None:
    out = run(
        PULS,
        minutes("2026-05-04 03:00", "heart_rate.schlafzimmer", [0.0] * 60 + [58, 57]),
        until="2026-05-04 06:00",
    )
    assert out == []


def test_fast_breathing_over_the_dst_night() -> None:
    rules = """\
    rules:
      - kind: vital_range
        measure: respiratory_rate
        entity: respiratory_rate.schlafzimmer
        max: 25
        duration: 10m
    """
    # from 02:55 summer time; ten minutes later the clock reads 02:05 winter time
    values = [26, 28, 29, 27, 31, 30, 28, 29, 27, 28, 29, 20]
    out = run(rules, minutes("2026-10-25 02:55", "respiratory_rate.schlafzimmer", values))
    assert told(out) == [
        (
            "2026-10-25 02:05",
            "Atemfrequenz (Schlafzimmer) seit 02:55 (10 Min) über 25/min: "
            "zuletzt 28/min, höchster Wert 31/min",
        ),
        (
            "2026-10-25 02:06",
            "Atemfrequenz (Schlafzimmer) wieder im Bereich: 20/min um 02:06",
        ),
    ]


def test_other_rooms_and_other_measures_are_not_watched() -> None:
    out = run(
        PULS,
        minutes("2026-05-04 03:00", "respiratory_rate.bad", [40] * 20)
        + minutes("2026-05-04 03:00", "respiratory_rate.schlafzimmer", [40] * 20),
        until="2026-05-04 04:00",
    )
    assert out == []


@pytest.mark.parametrize("value", [0.0, -5.0, math.nan, math.inf, 11.5, 251.0])
def test_impossible_readings_are_dropouts(value: float) -> None:
    rule = Rule(Config(measure="heart_rate", min=50, max=100))
    assert rule.valid(value) is None
    assert rule.valid(38.0) == 38.0


def run_reloading(
    rules_yaml: str, events: list[tuple[str, str, Any]], reload_at: str, until: str
) -> list[Finding | Action]:
    """Like scenario.run, but the rules are loaded afresh at `reload_at` (the installer saved
    the config): every rule object starts empty, only the persisted deadlines carry over."""
    cfg = config(rules_yaml)
    obs = sorted(
        (
            Observation(at(t), e, parse_value(EntityId.parse(e).capability, str(v)), "test")
            for t, e, v in events
        ),
        key=lambda o: o.ts,
    )
    out: list[Finding | Action] = []

    async def main() -> None:
        clock = SimulatedClock(obs[0].ts)
        async with Store.open(":memory:", clock=clock.now) as store:
            bus, scheduler = Bus(), Scheduler(clock, store, cfg.home.tz)
            await scheduler.start()
            rooms = {room_id: room.name for room_id, room in cfg.rooms.items()}
            engine = Engine(
                bus, scheduler, EntityRegistry.from_config(cfg), cfg.home.tz, rule_factories(),
                lang=cfg.home.language.value, rooms=rooms,
            )  # fmt: skip
            bus.subscribe(Finding, out.append)
            bus.subscribe(Action, out.append)
            engine.load(cfg.rules, obs[0].ts)

            def fire_until(when: datetime) -> None:
                while (due := scheduler.next_due()) is not None and due <= when:
                    clock.set(due)
                    scheduler.fire_due(due)

            reload = at(reload_at)
            for o in obs:
                if reload is not None and o.ts >= reload:
                    fire_until(reload)
                    engine.load(cfg.rules, reload)
                    reload = None
                fire_until(o.ts)
                clock.set(o.ts)
                bus.publish(o)
            fire_until(at(until))

    asyncio.run(main())
    return out


def test_a_reload_in_the_middle_of_an_episode_keeps_its_start() -> None:
    out = run_reloading(
        PULS,
        minutes("2026-05-04 03:00", "heart_rate.schlafzimmer", [45, 46, 44, 45, 46, 45, 44] * 2),
        reload_at="2026-05-04 03:05",
        until="2026-05-04 04:00",
    )
    # not 03:15 (counted again from the reload)
    assert [(local(f.ts), f.explanation.split(":")[0]) for f in findings(out)] == [
        ("2026-05-04 03:10", "Puls (Schlafzimmer) seit 03")
    ]
    assert "seit 03:00 (10 Min) unter 50/min" in findings(out)[0].explanation
