"""automation: Home Assistant's trigger/condition/action, with `for` that survives a restart."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from hub.bus import Bus
from hub.clock import SimulatedClock
from hub.config import ConfigError, load_config
from hub.entities import EntityRegistry
from hub.model import Action, Finding, Observation, Severity
from hub.scheduler import Scheduler
from hub.store import Store
from rules.engine import Engine
from rules.registry import rule_factories
from tests.rules.scenario import FLAT, at, config, findings, local, run

NIGHT_LIGHT = """\
rules:
  - kind: automation
    id: flur_licht_nachts
    triggers:
      - {trigger: state, entity_id: motion.flur, to: "on"}
    conditions:
      - {condition: time, after: "22:00", before: "06:00", weekday: [mon, tue]}
      - {condition: state, entity_id: away.tablet, state: "off"}
    actions:
      - {action: light, entity_id: light.flur, brightness: 30}
"""


def actions(items: list[Finding | Action]) -> list[tuple[str, str, str, dict[str, object]]]:
    return [(local(i.ts), i.kind, i.entity, i.params) for i in items if isinstance(i, Action)]


def test_motion_at_night_turns_the_light_on_but_only_in_the_window_and_on_a_change() -> None:
    out = run(
        NIGHT_LIGHT,
        [
            ("2026-05-04 21:30", "motion.flur", True),  # Monday, before the window
            ("2026-05-04 21:31", "motion.flur", False),
            ("2026-05-04 23:40", "motion.flur", True),
            ("2026-05-04 23:40:30", "motion.flur", True),  # the same state again: no change
            ("2026-05-04 23:41", "motion.flur", False),
            ("2026-05-05 02:15", "motion.flur", True),  # Tuesday, over midnight
            ("2026-05-05 02:16", "motion.flur", False),
            ("2026-05-05 06:30", "motion.flur", True),  # after the window
            ("2026-05-05 06:31", "motion.flur", False),
            ("2026-05-06 01:00", "motion.flur", True),  # Wednesday: not a listed weekday
        ],
    )
    assert actions(out) == [
        ("2026-05-04 23:40", "light", "light.flur", {"on": True, "brightness": 30}),
        ("2026-05-05 02:15", "light", "light.flur", {"on": True, "brightness": 30}),
    ]
    assert findings(out) == []  # an action, no alert


def test_away_on_the_tablet_fails_the_state_condition() -> None:
    out = run(
        NIGHT_LIGHT,
        [
            ("2026-05-04 22:30", "away.tablet", True),
            ("2026-05-04 23:00", "motion.flur", True),
            ("2026-05-04 23:01", "motion.flur", False),
            ("2026-05-04 23:30", "away.tablet", False),
            ("2026-05-04 23:45", "motion.flur", True),
        ],
    )
    assert [a[0] for a in actions(out)] == ["2026-05-04 23:45"]


def test_the_common_active_window_gates_the_actions_as_well() -> None:
    rules = """\
    rules:
      - kind: automation
        id: bad_licht
        active: {start: "22:00", end: "06:00"}
        triggers:
          - {trigger: state, entity_id: motion.bad, to: "on"}
        actions:
          - {action: light, entity_id: light.flur, brightness: 20}
    """
    out = run(
        rules,
        [
            ("2026-05-04 14:00", "motion.bad", True),
            ("2026-05-04 14:01", "motion.bad", False),
            ("2026-05-05 03:00", "motion.bad", True),
        ],
    )
    assert [a[0] for a in actions(out)] == ["2026-05-05 03:00"]


COLD = """\
rules:
  - kind: automation
    id: wohnzimmer_heizen
    triggers:
      - {trigger: numeric_state, entity_id: temperature.wohnzimmer, below: 17, for: 30m}
    actions:
      - {action: climate, entity_id: climate.wohnzimmer, temperature: 21}
      - {action: notify, message: "{name}: {value} seit 30 Min, Heizung auf 21 °C"}
"""


def test_a_reading_below_17_for_30_minutes_raises_the_heating_and_tells_someone() -> None:
    out = run(
        COLD,
        [
            ("2026-05-04 10:00", "temperature.wohnzimmer", 18.2),
            ("2026-05-04 10:05", "temperature.wohnzimmer", 16.8),
            ("2026-05-04 10:20", "temperature.wohnzimmer", 16.5),  # still below: keeps counting
        ],
        until="2026-05-04 12:00",
    )
    assert actions(out) == [
        ("2026-05-04 10:35", "climate", "climate.wohnzimmer", {"setpoint": 21.0})
    ]
    [note] = findings(out)
    assert local(note.ts) == "2026-05-04 10:35"
    assert note.explanation == "Thermostat: 16.5 °C seit 30 Min, Heizung auf 21 °C"
    assert (note.rule, note.kind, note.severity, note.system) == (
        "wohnzimmer_heizen",
        "automation",
        Severity.WARNING,
        False,
    )
    assert (note.entity, note.room, note.cleared) == ("temperature.wohnzimmer", "wohnzimmer", False)


def test_back_above_17_before_30_minutes_cancels_and_a_new_drop_counts_afresh() -> None:
    out = run(
        COLD,
        [
            ("2026-05-04 10:00", "temperature.wohnzimmer", 16.8),
            ("2026-05-04 10:20", "temperature.wohnzimmer", 17.4),
            ("2026-05-04 11:00", "temperature.wohnzimmer", 16.9),
        ],
        until="2026-05-04 13:00",
    )
    assert [a[0] for a in actions(out)] == ["2026-05-04 11:30"]


def test_a_door_open_ten_minutes_across_midnight_and_a_door_closed_in_time() -> None:
    rules = """\
    rules:
      - kind: automation
        id: tuer_offen
        severity: urgent
        triggers:
          - {trigger: state, entity_id: contact.front_door, to: "on", for: 10m}
        actions:
          - {action: notify, message: "{name} seit 10 Minuten offen ({time})"}
    """
    out = run(
        rules,
        [
            ("2026-05-04 21:00", "contact.front_door", True),
            ("2026-05-04 21:04", "contact.front_door", False),  # shut in time
            ("2026-05-04 23:57", "contact.front_door", True),
            ("2026-05-05 00:01", "contact.front_door", True),  # reported again, still open
        ],
        until="2026-05-05 01:00",
    )
    assert [(local(f.ts), f.explanation, f.severity) for f in findings(out)] == [
        ("2026-05-05 00:07", "Haustür seit 10 Minuten offen (00:07)", Severity.URGENT)
    ]


def test_no_change_for_four_hours_fires_once_after_the_last_change() -> None:
    rules = """\
    rules:
      - kind: automation
        id: kueche_still
        triggers:
          - {trigger: state, entity_id: motion.kueche, for: 4h}
        actions:
          - {action: notify, message: "Küche seit 4 Stunden unverändert"}
    """
    out = run(
        rules,
        [
            ("2026-05-04 08:00", "motion.kueche", True),
            ("2026-05-04 08:05", "motion.kueche", False),
            ("2026-05-04 11:00", "motion.kueche", False),  # a report, not a change
        ],
        until="2026-05-04 20:00",
    )
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 12:05"]


def test_from_and_to_name_the_old_and_the_new_state() -> None:
    rules = """\
    rules:
      - kind: automation
        id: aufgestanden
        triggers:
          - {trigger: state, entity_id: bed_occupancy.schlafzimmer, from: "on", to: "off"}
        actions:
          - {action: light, entity_id: light.flur, brightness: 0}
    """
    out = run(
        rules,
        [
            ("2026-05-04 06:50", "bed_occupancy.schlafzimmer", False),  # first report: no "from"
            ("2026-05-04 22:00", "bed_occupancy.schlafzimmer", True),
            ("2026-05-05 06:40", "bed_occupancy.schlafzimmer", False),
        ],
    )
    assert actions(out) == [
        ("2026-05-05 06:40", "light", "light.flur", {"on": False, "brightness": None})
    ]


def test_a_time_trigger_follows_the_wall_clock_through_the_spring_forward_night() -> None:
    rules = """\
    rules:
      - kind: automation
        id: morgens
        triggers:
          - {trigger: time, at: ["02:30", "07:00"], weekday: [sun, mon]}
        actions:
          - {action: switch, entity_id: switch.kueche, state: "on"}
    """
    out = run(rules, [("2026-03-28 12:00", "motion.flur", True)], until="2026-03-31 12:00")
    # Sunday 29 March: 02:30 does not exist and becomes 03:30; Tuesday is not listed.
    assert [(a[0], a[3]) for a in actions(out)] == [
        ("2026-03-29 03:30", {"on": True}),
        ("2026-03-29 07:00", {"on": True}),
        ("2026-03-30 02:30", {"on": True}),
        ("2026-03-30 07:00", {"on": True}),
    ]


def test_a_pending_for_survives_a_restart_and_fires_at_its_original_time(tmp_path: Path) -> None:
    cfg = config(
        """\
        rules:
          - kind: automation
            id: tuer_offen
            triggers:
              - {trigger: state, entity_id: contact.front_door, to: "on", for: 10m}
            actions:
              - {action: notify, message: "Haustür offen"}
        """
    )
    db = tmp_path / "obhut.db"
    found: list[Finding] = []

    async def hub(clock: SimulatedClock, feed: list[tuple[str, bool]], until: str) -> None:
        async with Store.open(db, clock=clock.now) as store:
            bus, scheduler = Bus(), Scheduler(clock, store, cfg.home.tz)
            await scheduler.start()
            engine = Engine(
                bus, scheduler, EntityRegistry.from_config(cfg), cfg.home.tz, rule_factories()
            )
            bus.subscribe(Finding, found.append)
            engine.load(cfg.rules, clock.now())
            for when, value in feed:
                clock.set(at(when))
                scheduler.fire_due(clock.now())
                bus.publish(Observation(at(when), "contact.front_door", value))
            while (due := scheduler.next_due()) is not None and due <= at(until):
                clock.set(due)
                scheduler.fire_due(due)
            await store.flush()

    async def main() -> None:
        clock = SimulatedClock(at("2026-05-04 21:00"))
        await hub(clock, [("2026-05-04 21:55", True)], until="2026-05-04 21:58")  # then down
        clock.set(at("2026-05-04 22:01"))
        # Back up: zha reports the door, still open; the hub knew nothing of it before.
        await hub(clock, [("2026-05-04 22:01", True)], until="2026-05-04 23:00")

    asyncio.run(main())
    assert [local(f.ts) for f in found] == ["2026-05-04 22:05"]


def test_notify_uses_the_rules_notify_and_cooldown() -> None:
    rules = """\
    rules:
      - kind: automation
        id: kuehlschrank
        notify: technik
        cooldown: 1h
        triggers:
          - {trigger: state, entity_id: contact.fridge, to: "on"}
        actions:
          - {action: notify, message: "Kühlschrank geöffnet um {time}", severity: info}
    """
    out = run(
        rules,
        [
            ("2026-05-04 08:00", "contact.fridge", True),
            ("2026-05-04 08:01", "contact.fridge", False),
            ("2026-05-04 08:30", "contact.fridge", True),  # within the hour: quiet
            ("2026-05-04 08:31", "contact.fridge", False),
            ("2026-05-04 09:10", "contact.fridge", True),
        ],
    )
    assert [(local(f.ts), f.explanation, f.severity) for f in findings(out)] == [
        ("2026-05-04 08:00", "Kühlschrank geöffnet um 08:00", Severity.INFO),
        ("2026-05-04 09:10", "Kühlschrank geöffnet um 09:10", Severity.INFO),
    ]


# ------------------------------------------------------------------ obhut check's messages


def check(tmp_path: Path, rules: str) -> str:
    path = tmp_path / "obhut.yaml"
    path.write_text(FLAT + textwrap.dedent(rules), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.format()


def test_a_broken_automation_gets_every_problem_with_its_line_and_a_hint(tmp_path: Path) -> None:
    text = check(
        tmp_path,
        """\
        rules:
          - kind: automation
            id: kaputt
            triggers:
              - {trigger: stat, entity_id: motion.flur, to: "on"}
              - {trigger: state, entity_id: motion.flur, to: "an", for: 10 minuten}
              - {trigger: numeric_state, entity_id: motion.flur, below: 17}
              - {trigger: state, entity_id: binary_sensor.flur_motion, to: "on"}
              - {platform: time, at: "07:00"}
              - {entity_id: motion.flur, to: "on"}
            conditions:
              - {condition: time, after: "22:00", weekday: monday}
            actions:
              - {action: light.turn_on, entity_id: light.flur}
              - {action: light, entity_id: climate.wohnzimmer, brightness: 30}
              - {action: notify, message: "{naem} ist offen"}
        """,
    )
    n = FLAT.count("\n")  # the rules start on line n + 1
    expected = [
        (n + 5, 19, "unknown trigger 'stat'", "did you mean 'state'?"),
        (n + 6, 54, "'an' is not a state of motion", 'expected: "on" or "off"'),
        (n + 6, 65, "'10 minuten' is not a duration", "hint: write 10m"),
        (n + 7, 45, "motion.flur is on or off, not a number", "trigger: state"),
        (n + 8, 37, "unknown capability 'binary_sensor'", "names entities by what they sense"),
        (n + 9, 9, "write `trigger: time`", "Home Assistant's older name for `trigger:`"),
        (n + 10, 9, "this trigger has no `trigger:`", "`trigger:` one of numeric_state, state"),
        (n + 12, 52, "'monday' is not a valid weekday", "did you mean 'mon'?"),
        (n + 14, 18, "unknown action 'light.turn_on'", "write `action: light`"),
        (n + 15, 36, "a light action needs a light.* entity, not climate.wohnzimmer", "light.flur"),
        (n + 16, 35, "unknown field {naem} in the message", "did you mean 'name'?"),
    ]
    for line, col, message, hint in expected:
        block = text.split(f"obhut.yaml:{line}:{col}: error: {message}", 1)
        assert len(block) == 2, f"line {line}:{col} {message!r} not in:\n{text}"
        assert hint in block[1].split("error:", 1)[0]
    assert f"{len(expected)} errors in the configuration" in text


def test_a_misspelt_key_in_a_trigger_is_pointed_at(tmp_path: Path) -> None:
    text = check(
        tmp_path,
        """\
        rules:
          - kind: automation
            triggers:
              - {trigger: state, entity: motion.flur, to: "on"}
            actions:
              - {action: notify, message: "x"}
        """,
    )
    n = FLAT.count("\n")
    assert f"obhut.yaml:{n + 4}:26: error: unknown key 'entity' in rules[0].triggers[0]" in text
    assert f'  {n + 4} |       - {{trigger: state, entity: motion.flur, to: "on"}}' in text


def test_a_misspelt_key_in_a_trigger_gets_did_you_mean(tmp_path: Path) -> None:
    text = check(
        tmp_path,
        """\
        rules:
          - kind: automation
            triggers:
              - {trigger: state, entity: motion.flur, fore: 10m}
            actions:
              - {action: notify, message: "x"}
        """,
    )
    assert "hint: did you mean 'entity_id'?" in text
    assert "hint: did you mean 'for'?" in text
    assert "missing required key 'entity_id'" not in text  # said once, with the hint


def test_an_automation_needs_a_trigger_and_an_action(tmp_path: Path) -> None:
    text = check(
        tmp_path,
        """\
        rules:
          - kind: automation
            triggers: []
        """,
    )
    assert "this list is empty" in text
    assert "missing required key 'actions'" in text


def test_home_assistant_spellings_of_durations_are_understood() -> None:
    cfg = config(
        """\
        rules:
          - kind: automation
            triggers:
              - {trigger: state, entity_id: contact.front_door, to: "on", for: "00:10:00"}
              - {trigger: state, entity_id: contact.fridge, to: "on", for: {minutes: 5}}
              - {trigger: numeric_state, entity_id: temperature.bad, above: 28, for: 1h}
            actions:
              - {action: notify, message: "x"}
        """
    )
    triggers = cfg.rules[0].triggers  # type: ignore[attr-defined]
    assert [t.for_.total_seconds() for t in triggers] == [600, 300, 3600]
