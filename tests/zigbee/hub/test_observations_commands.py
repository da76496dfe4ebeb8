"""The hub on the simulated radio: reports become stored observations, commands reach devices."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from integrations.zigbee.commands import Result
from integrations.zigbee.simradio.stimuli import Stimuli

from .conftest import T0, arrival, flat_hub


async def test_a_motion_report_becomes_a_stored_observation(
    tmp_path: Path, quirk_index: Path
) -> None:
    async with flat_hub(tmp_path, quirk_index, ["bad-motion"]) as (hub, gw, seen):
        await arrival(seen, "available.bad_motion", True)
        Stimuli(gw.radio).set("bad-motion", motion=True)
        obs = await arrival(seen, "motion.bad", True)
        assert obs.source == "zigbee" and obs.ts == T0
        await hub.store.flush()
        assert (await hub.store.current_state())["motion.bad"].value is True


async def test_a_role_keeps_misleading_entities_out(tmp_path: Path, quirk_index: Path) -> None:
    # The VALLHORN's On/Off client cluster looks like a door to zha; as a motion sensor it is not.
    async with flat_hub(tmp_path, quirk_index, ["flur-motion"]) as (hub, gw, seen):
        Stimuli(gw.radio).set("flur-motion", motion=True)
        await arrival(seen, "motion.flur", True)
        assert not [o for o in seen if o.entity.startswith("contact.")]
        assert hub.zigbee.by_entity.keys() >= {"motion.flur", "battery.flur_motion"}


async def test_a_light_command_reaches_the_bulb_as_its_zcl_frame(
    tmp_path: Path, quirk_index: Path
) -> None:
    async with flat_hub(tmp_path, quirk_index, ["wohnzimmer-licht"]) as (hub, gw, seen):
        node = gw.world.node("wohnzimmer-licht")
        node.received.clear()
        result = await hub.commands.light("light.wohnzimmer", on=True, brightness=50, transition=2)
        assert result is Result.DONE
        sent = [
            (c.command, c.args["level"], c.args["transition_time"])
            for c in node.received
            if c.cluster_id == 0x0008
        ]
        assert sent == [("move_to_level_with_on_off", 128, 20)]
        await arrival(seen, "light.wohnzimmer", 50.2)
        assert await hub.commands.light("light.wohnzimmer", on=False) is Result.DONE
        await arrival(seen, "light.wohnzimmer", 0.0)


async def test_a_setpoint_reaches_the_trv(tmp_path: Path, quirk_index: Path) -> None:
    async with flat_hub(tmp_path, quirk_index, ["wohnzimmer-heizung"]) as (hub, gw, seen):
        result = await hub.commands.thermostat("climate.wohnzimmer", setpoint=21.5)
        assert result is Result.DONE
        node = gw.world.node("wohnzimmer-heizung")
        assert node.get(1, 0x0201, 0x0012) == 2150  # occupied_heating_setpoint, 0.01 °C
        await arrival(seen, "climate.wohnzimmer", 21.5)


async def test_a_setpoint_for_a_thermostat_that_is_off_switches_it_to_heat(
    tmp_path: Path, quirk_index: Path
) -> None:
    async with flat_hub(tmp_path, quirk_index, ["schlafzimmer-heizung"]) as (hub, gw, seen):
        node = gw.world.node("schlafzimmer-heizung")
        assert node.get(1, 0x0201, 0x001C) == 0  # off, as it was dumped
        result = await hub.commands.thermostat("climate.schlafzimmer", setpoint=21.5)
        assert result is Result.DONE
        assert (node.get(1, 0x0201, 0x001C), node.get(1, 0x0201, 0x0012)) == (4, 2150)
        await arrival(seen, "climate.schlafzimmer", 21.5)


async def test_commands_say_clearly_what_went_wrong(tmp_path: Path, quirk_index: Path) -> None:
    async with flat_hub(tmp_path, quirk_index, ["wohnzimmer-licht"]) as (hub, gw, _):
        assert await hub.commands.light("light.keller", on=True) is Result.UNKNOWN
        assert await hub.commands.switch("light.wohnzimmer", on=True) is Result.UNSUPPORTED
        Stimuli(gw.radio).silence("wohnzimmer-licht")
        assert await hub.commands.light("light.wohnzimmer", on=True) is Result.UNREACHABLE


async def test_the_radio_lost_and_back_is_reported(tmp_path: Path, quirk_index: Path) -> None:
    async with flat_hub(tmp_path, quirk_index, ["bad-motion"]) as (_, gw, seen):
        await arrival(seen, "radio.zigbee", True)
        Stimuli(gw.radio).radio_lost()
        await arrival(seen, "radio.zigbee", False)
        seen.clear()
        Stimuli(gw.radio).radio_back()
        await arrival(seen, "radio.zigbee", True)
        Stimuli(gw.radio).set("bad-motion", motion=True)
        await arrival(seen, "motion.bad", True)


async def test_a_silent_sensor_is_reported_unavailable_and_back(
    tmp_path: Path, quirk_index: Path
) -> None:
    import time

    import zigpy.types as t

    from integrations.zigbee.gateway import CONSIDER_UNAVAILABLE_BATTERY_S

    async with flat_hub(tmp_path, quirk_index, ["bad-motion"]) as (_, gw, seen):
        await arrival(seen, "available.bad_motion", True)
        device = gw.gateway.devices[t.EUI64.convert(gw.world.node("bad-motion").ieee)]
        Stimuli(gw.radio).silence("bad-motion")  # a flat battery
        device.device.last_seen = time.time() - CONSIDER_UNAVAILABLE_BATTERY_S - 60
        for _ in range(3):  # zha pings twice before it gives up on a device
            await device._check_available()
        await arrival(seen, "available.bad_motion", False)
        Stimuli(gw.radio).silence("bad-motion", silent=False)
        Stimuli(gw.radio).set("bad-motion", motion=True)
        await arrival(seen, "available.bad_motion", True)
        await arrival(seen, "motion.bad", True)


async def test_an_sos_button_joining_in_its_alarm_state_is_no_call_for_help(
    tmp_path: Path, quirk_index: Path
) -> None:
    from hub.model import Finding

    rules = (
        'contacts: {anna: {name: Anna, role: family, phone: "+4917612345678"}}\n'
        "escalation: {default: {tiers: [{contacts: [anna]}]}}\n"
        "rules:\n  - {kind: panic}\n"
    )
    async with flat_hub(tmp_path, quirk_index, ["schlafzimmer-sos"], extra=rules) as (
        hub,
        gw,
        seen,
    ):
        findings: list[Finding] = []
        hub.subscribe(Finding, findings.append)
        stimuli = Stimuli(gw.radio)
        # The button joined showing an alarm (its dump's last state): that was no press.
        assert not [o for o in seen if o.entity == "sos_button.schlafzimmer"]
        # Its quirk turns each press into a zha event; zha's entity does not change.
        stimuli.set("schlafzimmer-sos", sos=True)
        await arrival(seen, "sos_button.schlafzimmer", True)
        seen.clear()
        await hub.clock.advance(timedelta(seconds=30))
        stimuli.set("schlafzimmer-sos", sos=True)
        await arrival(seen, "sos_button.schlafzimmer", True)
        assert len([f for f in findings if not f.cleared]) == 2  # two presses, two calls
        # Mapped again (a restart, a reload) the button still shows its last alarm: that
        # is no new press and no new call for help.
        seen.clear()
        hub.zigbee.use_registry(hub.entities)
        await hub.store.flush()
        assert not [o for o in seen if o.entity == "sos_button.schlafzimmer"]
        assert len(findings) == 2


async def test_each_battery_device_may_be_silent_as_long_as_its_reports_allow(
    tmp_path: Path, quirk_index: Path
) -> None:
    import zigpy.types as t

    from integrations.zigbee.health import BATTERY_FALLBACK_S, longest_report_interval

    names = ["bad-motion", "flur-motion", "wohnzimmer-licht"]
    async with flat_hub(tmp_path, quirk_index, names) as (_, gw, _seen):

        def device(name: str) -> Any:
            return gw.gateway.devices[t.EUI64.convert(gw.world.node(name).ieee)]

        for name in ("bad-motion", "flur-motion"):
            longest = longest_report_interval(device(name))
            expected = (
                BATTERY_FALLBACK_S
                if longest is None
                else min(2 * longest + 600, BATTERY_FALLBACK_S)
            )
            assert device(name).consider_unavailable_time == expected
        assert any(longest_report_interval(device(n)) for n in names)
        assert device("wohnzimmer-licht").consider_unavailable_time == 2 * 3600  # mains: zha's


async def test_a_missing_stick_is_reported_calmly_and_tried_again(
    tmp_path: Path, caplog: Any
) -> None:
    from datetime import UTC, datetime

    from hub.app import Hub
    from hub.clock import SimulatedClock
    from hub.config import load_config
    from hub.model import Observation

    path = tmp_path / "obhut.yaml"
    path.write_text(
        "home: {name: Test}\n"
        "zigbee: {radio: {type: ezsp, path: /dev/no-such-zigbee-stick}}\n"
        f"storage: {{data_dir: {tmp_path / 'data'}}}\n"
    )
    seen: list[Observation] = []
    clock = SimulatedClock(datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
    async with Hub.running(load_config(path), path, clock) as hub:
        hub.subscribe(Observation, seen.append)
        await arrival(seen, "radio.zigbee", False)
        assert hub.zigbee is not None and not hub.zigbee.ready.is_set()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(
        "the Zigbee radio cannot be started" in m and "trying again in 5 s" in m for m in errors
    )
    assert not any(r.exc_info for r in caplog.records if r.levelname == "ERROR")  # no traceback
