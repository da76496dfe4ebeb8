"""The routine rules share the resident's days (rules/routine_tracker.py): each still says what
it would say alone, with its own window of days, and what they share survives a reload of the
configuration in the night, what each rule raised survives a restart, and a stored day that
cannot be read back is learned again.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Finding
from hub.store import Store
from rules.routine import times
from tests.rules.routine_days import day, observations, weeks
from tests.rules.scenario import at, findings, local, run
from tests.rules.test_routine_restart import RULES, after, before, live, rule, write_flat

FIRST = date(2026, 4, 6)
THREE = ("01:00", "03:00", "04:30")
OWN_WINDOWS = [
    "{kind: routine_wake_up, learn_days: 10}",
    "{kind: routine_activity}",
    "{kind: routine_night_bathroom, nights: 1}",
    "{kind: routine_stayed_in, learn_days: 14}",
    "{kind: routine_lunch, learn_days: 21}",
]


def d(n: int) -> date:
    return FIRST + timedelta(days=n)


def test_rules_with_their_own_windows_say_together_what_each_says_alone() -> None:
    # Three weeks, then a late and quiet morning after three visits in the night, three days
    # in, and no lunch on the second of them
    events = weeks(FIRST, 21) + day(d(21), wake="10:30", night=THREE, outing=None, every=60)
    events += day(d(22), outing=None, lunch=None) + day(d(23), outing=None)
    until = "2026-04-30 00:00"
    together = findings(run("rules:\n" + "".join(f"  - {r}\n" for r in OWN_WINDOWS), events, until))
    alone = [f for r in OWN_WINDOWS for f in findings(run(f"rules:\n  - {r}\n", events, until))]
    assert sorted(together, key=lambda f: (f.ts, f.rule)) == sorted(
        alone, key=lambda f: (f.ts, f.rule)
    )
    # Each judges by its own window: the last 10 days' wake-ups, 14 days' outings
    assert [(local(f.ts), f.rule, f.explanation) for f in together] == [
        ("2026-04-27 06:00", "routine_night_bathroom", "Heute Nacht 3 Badbesuche; üblich sind 0–1"),
        (
            "2026-04-27 09:25",
            "routine_wake_up",
            "Heute bis 9:25 nicht aufgestanden, üblich 7:02–7:55",
        ),
        (
            "2026-04-27 10:30",
            "routine_wake_up",
            "Heute erst um 10:30 aufgestanden, üblich 7:02–7:55",
        ),
        (
            "2026-04-27 11:00",
            "routine_activity",
            "Heute bis 11:00 wenig Bewegung in der Wohnung: 7 Meldungen, üblich bis dahin 24–30",
        ),
        (
            "2026-04-28 13:36",
            "routine_lunch",
            "Heute bis 13:36 nicht in der Küche; mittags sonst meist zwischen 12:03 und 12:36",
        ),
        ("2026-04-28 18:00", "routine_lunch", "Um 18:00 in der Küche"),
        (
            "2026-04-29 18:00",
            "routine_stayed_in",
            "Seit 3 Tagen nicht aus der Wohnung gegangen; sonst an 12 von 14 Tagen draußen",
        ),
    ]


def test_a_reload_in_the_night_keeps_her_days_and_taking_the_rules_out_forgets_them(
    tmp_path: Path,
) -> None:
    # Three weeks, then three nights with three visits; at 03:10 of the third, just after two of
    # them, the installer changes a rule and the configuration is applied again.
    events = weeks(FIRST, 21) + day(d(21), night=THREE) + day(d(22), night=THREE)
    events += day(d(23), night=THREE)
    path = write_flat(tmp_path)
    changed = RULES.replace("- kind: routine_wake_up", "- {kind: routine_wake_up, later_by: 2h}")

    async def main() -> tuple[list[Finding], tuple[int, int], list[str]]:
        found: list[Finding] = []
        clock = SimulatedClock(at(events[0][0]))
        async with Hub.running(load_config(path), None, clock) as hub:
            hub.subscribe(Finding, found.append)
            await live(hub, clock, observations(before(events, "2026-04-29 03:10")))
            await clock.advance_to(at("2026-04-29 03:10"))
            hub.apply_rules(load_config(write_flat(tmp_path / "changed", changed)))
            night = rule(hub, "routine_night_bathroom")
            known = (night.builder.day.night_bathroom, sum(1 for x in night.days if x.usable))
            await live(hub, clock, observations(after(events, "2026-04-29 03:10")))
            await clock.advance_to(at("2026-04-29 12:00"))
            hub.apply_rules(load_config(write_flat(tmp_path / "none", "rules: []\n")))
            kept = [x.key for x in hub.scheduler.pending() if "routine" in x.key]
        return found, known, kept

    (tmp_path / "changed").mkdir()
    (tmp_path / "none").mkdir()
    found, known, kept = asyncio.run(main())
    assert known == (2, 23)  # tonight's two visits so far, and the days learned
    assert [(local(f.ts), f.explanation) for f in found] == [
        ("2026-04-29 06:00", "Heute Nacht 3 Badbesuche, die Nächte davor 3 und 3; üblich sind 0–1")
    ]
    assert kept == []  # no rule needs her days: they are not kept in the store


def test_a_finding_raised_before_a_restart_is_cleared_after_it(tmp_path: Path) -> None:
    # Not up by 9:18; the hub restarts at 10:00; she gets up at 10:30
    events = weeks(FIRST, 21) + day(d(21), wake="10:30", outing=None)
    path = write_flat(tmp_path, "rules:\n  - kind: routine_wake_up\n")

    async def main() -> list[Finding]:
        found: list[Finding] = []
        clock = SimulatedClock(at(events[0][0]))
        async with Hub.running(load_config(path), None, clock) as hub:
            hub.subscribe(Finding, found.append)
            await live(hub, clock, observations(before(events, "2026-04-27 10:00")))
            await clock.advance_to(at("2026-04-27 10:00"))
        clock = SimulatedClock(at("2026-04-27 10:05"))
        async with Hub.running(load_config(path), None, clock) as hub:
            hub.subscribe(Finding, found.append)
            await live(hub, clock, observations(after(events, "2026-04-27 10:05")))
            await clock.advance_to(at("2026-04-27 12:00"))
        return found

    found = asyncio.run(main())
    assert [(local(f.ts), f.cleared, f.explanation) for f in found] == [
        ("2026-04-27 09:18", False, "Heute bis 9:18 nicht aufgestanden, üblich 7:02–7:48"),
        ("2026-04-27 10:30", True, "Heute erst um 10:30 aufgestanden, üblich 7:02–7:48"),
    ]


def test_a_day_that_cannot_be_read_back_is_learned_again_from_the_history(
    tmp_path: Path,
) -> None:
    path = write_flat(tmp_path, "rules:\n  - kind: routine_wake_up\n")
    db = tmp_path / "data" / "obhut.db"
    db.parent.mkdir()
    history = observations(weeks(FIRST, 21))
    broken = "shared:routine:day:2026-04-20"

    async def main() -> tuple[int, str, str]:
        async with Store.open(db, clock=lambda: history[-1].ts) as store:
            for obs in history:
                store.add_observation(obs)
        clock = SimulatedClock(at("2026-04-27 00:05"))
        async with Hub.running(load_config(path), None, clock) as hub:
            await asyncio.wait_for(learning(), 30)
            stored = hub.scheduler.get(broken)
            assert stored is not None  # each day learned is kept in the store
            # The stored day is damaged (a half-written disk, a hand-edited backup)
            data = {**stored.data, "day": {"day": "2026-04-20", "rooms": {"bad": [1, 2]}}}
            hub.store.put_deadline(replace(stored, data=data))
        async with Hub.running(load_config(path), None, clock) as hub:
            await asyncio.wait_for(learning(), 30)
            wake = rule(hub, "routine_wake_up")
            usual = wake.baseline().wake
            assert usual is not None
            again = hub.scheduler.get(broken)
            assert again is not None
            return wake.baseline().days, times(usual), again.data["day"]["day"]

    assert asyncio.run(main()) == (21, "7:02–7:48", "2026-04-20")


async def learning() -> None:
    """The background task that reads the days the routine lacks from the store."""
    await asyncio.gather(*(t for t in asyncio.all_tasks() if t.get_name() == "routine learning"))
