"""device_health: silent sensors, flat batteries, a lost radio: findings for the installer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hub.bus import Bus
from hub.clock import SimulatedClock
from hub.config import Config
from hub.entities import EntityRegistry
from hub.model import Capability, Entity, Finding, Observation, Severity
from hub.scheduler import Scheduler
from hub.store import Store
from rules.engine import Engine
from rules.registry import rule_factories
from tests.rules.scenario import at, config, findings, local, run

RULES = """\
rules:
  - kind: device_health
    id: technik
    notify: technik
"""


def test_a_silent_sensor_is_a_system_finding_named_after_the_device_and_clears() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 23:50", "motion.bad", False),
            ("2026-05-05 03:10", "available.bewegung_bad", False),
            ("2026-05-05 03:40", "available.bewegung_bad", False),  # said again: no new finding
            ("2026-05-05 07:02", "available.bewegung_bad", True),
        ],
    )
    [raised] = findings(out, cleared=False)
    assert local(raised.ts) == "2026-05-05 03:10"
    assert raised.explanation == "Bewegung Bad antwortet nicht mehr (seit 03:10)"
    assert (raised.system, raised.severity, raised.pre_alert_s) == (True, Severity.WARNING, 0)
    assert (raised.subject, raised.room, raised.kind) == (
        "available.bewegung_bad",
        "bad",
        "device_health",
    )
    [cleared] = findings(out, cleared=True)
    assert (local(cleared.ts), cleared.explanation, cleared.system) == (
        "2026-05-05 07:02",
        "Bewegung Bad meldet sich wieder (07:02)",
        True,
    )


def test_a_low_battery_is_raised_once_and_cleared_only_well_above_the_threshold() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 08:00", "battery.haustuer", 31),
            ("2026-05-04 20:00", "battery.haustuer", 14),
            ("2026-05-05 08:00", "battery.haustuer", 9),  # lower still: the same problem
            ("2026-05-05 14:00", "battery.haustuer", 16),  # warmer, a little higher: not new
            ("2026-05-05 20:00", "battery.haustuer", 12),
            ("2026-05-06 10:00", "battery.haustuer", 255),  # the device's "unknown"
            ("2026-05-06 10:30", "battery.haustuer", 100),  # replaced
        ],
    )
    assert [(local(f.ts), f.explanation, f.cleared) for f in findings(out)] == [
        ("2026-05-04 20:00", "Batterie Haustür bei 14 %", False),
        ("2026-05-06 10:30", "Batterie Haustür gewechselt (100 %)", True),
    ]
    assert all(f.system and f.entity == "battery.haustuer" for f in findings(out))


def test_the_battery_threshold_is_the_installers_choice() -> None:
    rules = RULES + "    battery_below: 25\n"
    out = run(rules, [("2026-05-04 08:00", "battery.bettsensor", 22)])
    assert [f.explanation for f in findings(out)] == ["Batterie Bettsensor bei 22 %"]


def test_the_radio_lost_at_night_and_back() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 23:58", "radio.zigbee", False),
            ("2026-05-05 00:03", "radio.zigbee", True),
        ],
    )
    assert [(local(f.ts), f.explanation, f.cleared) for f in findings(out)] == [
        ("2026-05-04 23:58", "Zigbee-Funkstick getrennt (seit 23:58)", False),
        ("2026-05-05 00:03", "Zigbee-Funkstick wieder verbunden (00:03)", True),
    ]


def test_a_refusing_sms_provider_is_a_service_fault_not_a_device() -> None:
    out = run(RULES, [("2026-05-04 10:00", "available.sms_twilio", False)])
    [raised] = findings(out)
    assert raised.explanation == "sms_twilio gestört (seit 10:00)"
    assert (raised.system, raised.entity, raised.room) == (True, "available.sms_twilio", None)


def test_one_finding_per_device_and_problem() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 03:10", "available.bewegung_bad", False),
            ("2026-05-04 03:11", "available.bewegung_kueche", False),
            ("2026-05-04 03:12", "battery.bewegung_bad", 5),
        ],
    )
    assert [f.explanation for f in findings(out)] == [
        "Bewegung Bad antwortet nicht mehr (seit 03:10)",
        "Bewegung Küche antwortet nicht mehr (seit 03:11)",
        "Batterie Bewegung Bad bei 5 %",
    ]
    assert len({f.subject for f in findings(out)}) == 3


def test_with_a_grace_period_a_short_dropout_is_no_finding() -> None:
    rules = RULES + "    grace: 15m\n"
    out = run(
        rules,
        [
            ("2026-05-04 12:00", "available.bewegung_flur", False),
            ("2026-05-04 12:10", "available.bewegung_flur", True),  # back in time
            ("2026-05-04 13:00", "radio.zigbee", False),
        ],
        until="2026-05-04 14:00",
    )
    [raised] = findings(out)
    assert (local(raised.ts), raised.explanation) == (
        "2026-05-04 13:15",
        "Zigbee-Funkstick getrennt (seit 13:00)",
    )


def test_watch_picks_the_problems_a_rule_reports() -> None:
    rules = """\
    rules:
      - {kind: device_health, id: funk, watch: [radio], severity: urgent}
      - {kind: device_health, id: geraete, watch: [silent, battery]}
    """
    out = run(
        rules,
        [("2026-05-04 12:00", "radio.zigbee", False), ("2026-05-04 12:01", "battery.notruf", 3)],
    )
    assert [(f.rule, f.severity, f.subject) for f in findings(out)] == [
        ("funk", Severity.URGENT, "radio.zigbee"),
        ("geraete", Severity.WARNING, "battery.notruf"),
    ]


def test_a_service_the_registry_names_is_reported_by_that_name() -> None:
    cfg = config(RULES)
    entities = EntityRegistry.from_config(cfg)
    # How the hub should register its notifiers next to the tablet's entities.
    entities.by_id["available.sms_twilio"] = Entity(
        "available.sms_twilio", Capability.AVAILABLE, "SMS-Versand (Twilio)"
    )
    found = replay_by_hand(
        cfg,
        entities,
        [("2026-05-04 10:00", "available.sms_twilio", False)],
    )
    assert [f.explanation for f in found] == ["SMS-Versand (Twilio) gestört (seit 10:00)"]


def test_a_config_reload_raises_what_is_still_wrong_instead_of_going_silent() -> None:
    cfg = config(RULES)
    found = replay_by_hand(
        cfg,
        EntityRegistry.from_config(cfg),
        [
            ("2026-05-04 03:10", "available.bewegung_bad", False),
            ("2026-05-04 09:00", "reload", None),  # the installer saved obhut.yaml
        ],
    )
    assert [(local(f.ts), f.explanation) for f in found] == [
        ("2026-05-04 03:10", "Bewegung Bad antwortet nicht mehr (seit 03:10)"),
        ("2026-05-04 09:00", "Bewegung Bad antwortet nicht mehr (seit 03:10)"),
    ]


def replay_by_hand(
    cfg: Config, entities: EntityRegistry, steps: list[tuple[str, str, bool | None]]
) -> list[Finding]:
    """The engine under a simulated clock, with this registry; a "reload" step reloads rules."""
    found: list[Finding] = []

    async def main() -> None:
        clock = SimulatedClock(at("2026-05-04 00:00"))
        async with Store.open(":memory:", clock=clock.now) as store:
            bus, scheduler = Bus(), Scheduler(clock, store, cfg.home.tz)
            await scheduler.start()
            engine = Engine(
                bus,
                scheduler,
                entities,
                cfg.home.tz,
                rule_factories(),
                rooms={r: room.name for r, room in cfg.rooms.items()},
            )
            bus.subscribe(Finding, found.append)
            engine.load(cfg.rules, clock.now())
            for when, entity, value in steps:
                clock.set(at(when))
                if entity == "reload":
                    engine.load(cfg.rules, at(when))
                else:
                    assert value is not None
                    bus.publish(Observation(at(when), entity, value))

    asyncio.run(main())
    return found


def test_notify_must_name_a_known_policy(tmp_path: Path) -> None:
    from hub.config import ConfigError, load_config
    from tests.rules.scenario import FLAT

    path = tmp_path / "obhut.yaml"
    path.write_text(FLAT + "rules:\n  - {kind: device_health, notify: techink}\n", "utf-8")
    try:
        load_config(path)
    except ConfigError as e:
        text = e.format()
    else:
        raise AssertionError("a notify that names nobody must be refused")
    assert "unknown escalation policy or contact 'techink'" in text
    assert "did you mean 'technik'?" in text
