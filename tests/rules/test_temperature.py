"""temperature: a room cold or hot for a while; the heating turned up first, then an alert."""

from __future__ import annotations

import pytest

from hub.config import ConfigError
from hub.model import Action
from tests.rules.scenario import config, findings, local, run

COLD = """\
rules:
  - kind: temperature
    id: kalt
    room: wohnzimmer
    below: 17
    duration: 30m
    raise_setpoint_to: 21
    action_grace: 45m
"""


def actions(items: list[object]) -> list[tuple[str, str, dict[str, object]]]:
    return [(local(a.ts), a.entity, a.params) for a in items if isinstance(a, Action)]


def cooling(*tail: tuple[str, str, object]) -> list[tuple[str, str, object]]:
    """The heating fails in the early morning; the setpoint was 19 °C."""
    return [
        ("2026-01-12 05:00", "climate.wohnzimmer", 19),
        ("2026-01-12 06:00", "temperature.wohnzimmer", 17.2),
        ("2026-01-12 06:10", "temperature.wohnzimmer", 16.8),
        ("2026-01-12 06:40", "temperature.wohnzimmer", 16.3),
        ("2026-01-12 07:10", "temperature.wohnzimmer", 15.8),
        *tail,
    ]


def test_turns_up_the_heating_first_and_alerts_when_that_does_not_help() -> None:
    out = run(
        COLD,
        cooling(
            ("2026-01-12 08:00", "temperature.wohnzimmer", 17.3),  # inside the hysteresis
            ("2026-01-12 08:20", "temperature.wohnzimmer", 17.6),
        ),
    )
    # cold from 06:10; after 30 min the heating is turned up ...
    assert actions(out) == [("2026-01-12 06:40", "climate.wohnzimmer", {"setpoint": 21})]
    # ... and 45 min later it is still cold: now someone is told
    raised = findings(out, cleared=False)
    assert [(local(f.ts), f.explanation) for f in raised] == [
        (
            "2026-01-12 07:25",
            "Wohnzimmer seit 06:10 unter 17 °C (jetzt 15,8 °C); "
            "Heizung auf 21 °C gestellt, ohne Wirkung",
        )
    ]
    assert raised[0].room == "wohnzimmer" and raised[0].pre_alert_s == 0
    # 17.3 °C is not yet warm again (hysteresis 0.5); 17.6 °C is
    assert [(local(f.ts), f.explanation) for f in findings(out, cleared=True)] == [
        ("2026-01-12 08:20", "Wohnzimmer wieder bei 17,6 °C (um 08:20)")
    ]


def test_no_alert_when_the_heating_helps() -> None:
    out = run(
        COLD,
        [
            ("2026-01-12 05:00", "climate.wohnzimmer", 19),
            ("2026-01-12 06:10", "temperature.wohnzimmer", 16.8),
            ("2026-01-12 06:40", "temperature.wohnzimmer", 16.5),
            ("2026-01-12 07:05", "temperature.wohnzimmer", 17.1),  # warmer, not enough yet
            ("2026-01-12 07:15", "temperature.wohnzimmer", 17.8),
        ],
        until="2026-01-12 12:00",
    )
    assert actions(out) == [("2026-01-12 06:40", "climate.wohnzimmer", {"setpoint": 21})]
    assert findings(out) == []


def test_airing_the_room_for_ten_minutes_does_nothing() -> None:
    out = run(
        COLD,
        [
            ("2026-01-12 09:00", "temperature.wohnzimmer", 20.5),
            ("2026-01-12 09:05", "temperature.wohnzimmer", 16.0),  # window wide open
            ("2026-01-12 09:15", "temperature.wohnzimmer", 18.2),
        ],
        until="2026-01-12 12:00",
    )
    assert out == []


def test_heating_already_high_alerts_without_waiting_for_it() -> None:
    out = run(
        COLD,
        [
            ("2026-01-12 05:00", "climate.wohnzimmer", 22),
            ("2026-01-12 06:10", "temperature.wohnzimmer", 16.4),
        ],
        until="2026-01-12 09:00",
    )
    assert actions(out) == []
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        (
            "2026-01-12 06:40",
            "Wohnzimmer seit 06:10 unter 17 °C (jetzt 16,4 °C); Heizung steht schon auf 22 °C",
        )
    ]


def test_a_silent_sensor_does_not_end_a_cold_spell() -> None:
    rules = """\
    rules:
      - kind: temperature
        room: schlafzimmer
        below: 16
        duration: 1h
    """
    out = run(
        rules,
        [("2026-01-12 03:00", "temperature.schlafzimmer", 15.1)],  # then nothing more
        until="2026-01-12 08:00",
    )
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        ("2026-01-12 04:00", "Schlafzimmer seit 03:00 unter 16 °C (jetzt 15,1 °C)")
    ]
    assert actions(out) == []


def test_heat_over_midnight() -> None:
    rules = """\
    rules:
      - kind: temperature
        id: hitze
        room: schlafzimmer
        above: 28
        duration: 1h
    """
    out = run(
        rules,
        [
            ("2026-07-20 22:00", "temperature.schlafzimmer", 27.5),
            ("2026-07-20 23:30", "temperature.schlafzimmer", 28.6),
            ("2026-07-21 00:10", "temperature.schlafzimmer", 29.4),
            ("2026-07-21 06:00", "temperature.schlafzimmer", 27.8),  # not 0.5 below yet
            ("2026-07-21 07:00", "temperature.schlafzimmer", 27.4),
        ],
    )
    assert [(local(f.ts), f.explanation) for f in findings(out, cleared=False)] == [
        ("2026-07-21 00:30", "Schlafzimmer seit 23:30 über 28 °C (jetzt 29,4 °C)")
    ]
    assert [local(f.ts) for f in findings(out, cleared=True)] == ["2026-07-21 07:00"]
    assert actions(out) == []  # the setpoint is only ever raised against cold


def test_the_room_is_the_median_of_its_sensors() -> None:
    rules = """\
    rules:
      - kind: temperature
        room: wohnzimmer
        entities: [temperature.wohnzimmer, temperature.wohnzimmer_2, temperature.wohnzimmer_3]
        below: 17
        duration: 30m
    """
    # the thermostat's own sensor sits at the warm radiator; the two on the walls are cold
    cold = run(
        rules,
        [
            ("2026-01-12 06:00", "temperature.wohnzimmer", 23.0),
            ("2026-01-12 06:00", "temperature.wohnzimmer_2", 15.9),
            ("2026-01-12 06:01", "temperature.wohnzimmer_3", 16.1),
        ],
        until="2026-01-12 08:00",
    )
    assert [(local(f.ts), f.explanation) for f in findings(cold)] == [
        ("2026-01-12 06:31", "Wohnzimmer seit 06:01 unter 17 °C (jetzt 16,1 °C)")
    ]
    # one broken wall sensor alone does not make the room cold
    one_off = run(
        rules,
        [
            ("2026-01-12 06:00", "temperature.wohnzimmer", 21.0),
            ("2026-01-12 06:00", "temperature.wohnzimmer_2", 4.0),
            ("2026-01-12 06:01", "temperature.wohnzimmer_3", 20.2),
        ],
        until="2026-01-12 08:00",
    )
    assert findings(one_off) == []


def test_readings_of_other_rooms_do_not_count() -> None:
    rules = """\
    rules:
      - kind: temperature
        room: wohnzimmer
        below: 17
        duration: 30m
    """
    out = run(
        rules,
        [
            ("2026-01-12 06:00", "temperature.wohnzimmer", 20.0),
            ("2026-01-12 06:05", "temperature.schlafzimmer", 14.0),
        ],
        until="2026-01-12 09:00",
    )
    assert out == []


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("duration: 30m", "a temperature rule needs a limit"),
        ("below: 20\n    above: 18", "below (20.0) must be lower than above (18.0)"),
        ("above: 30\n    raise_setpoint_to: 21", "raise_setpoint_to needs below:"),
    ],
)
def test_config_errors_say_what_is_missing(keys: str, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        config(f"rules:\n  - kind: temperature\n    room: wohnzimmer\n    {keys}\n")
    assert message in str(e.value)


def test_a_reload_between_action_and_alert_keeps_the_plan() -> None:
    from tests.rules.test_vital_range import run_reloading

    out = run_reloading(COLD, cooling(), reload_at="2026-01-12 07:00", until="2026-01-12 09:00")
    assert actions(out) == [("2026-01-12 06:40", "climate.wohnzimmer", {"setpoint": 21})]
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        (
            "2026-01-12 07:25",
            "Wohnzimmer seit 06:10 unter 17 °C (jetzt 15,8 °C); "
            "Heizung auf 21 °C gestellt, ohne Wirkung",
        )
    ]
