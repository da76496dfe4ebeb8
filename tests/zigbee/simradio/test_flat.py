"""The simulated demo flat: its device files, its world across restarts and moves, its day."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import zigpy.types as t
from ruamel.yaml import YAML

from hub.clock import SimulatedClock
from hub.config.model import DeviceRole
from hub.entities import ROLE_CAPABILITIES
from hub.model import Capability as C
from integrations.zigbee.mapping import ZhaEntityInfo, map_device
from integrations.zigbee.simradio.dumps import load_dump
from integrations.zigbee.simradio.flat import FlatError, join_all, load_flat, prepare_world
from integrations.zigbee.simradio.node import SimNode
from integrations.zigbee.simradio.reduce import find_source, rederive
from integrations.zigbee.simradio.scenario import load_scenario, occurrences, run_scenario
from integrations.zigbee.simradio.stimuli import Stimuli
from integrations.zigbee.simradio.world import World, close_world, open_world

from ..conftest import DEVICES, DUMPS, entity_of

DEMO = Path(__file__).resolve().parents[3] / "examples" / "demo" / "zigbee"
FLAT = DEMO / "flat.yaml"
REDUCED = sorted((DEMO / "devices").glob("*.json"))
BERLIN = ZoneInfo("Europe/Berlin")

# What each role must give in this flat (the role's capabilities this flat's models have).
EXPECTED: dict[str, set[C]] = {
    "motion": {C.MOTION, C.BATTERY},
    "front_door": {C.CONTACT, C.BATTERY},
    "fridge_door": {C.CONTACT, C.BATTERY},
    "light": {C.LIGHT},
    "thermostat": {C.CLIMATE, C.TEMPERATURE, C.BATTERY},
    "smoke": {C.SMOKE, C.BATTERY},
    "water_leak": {C.WATER_LEAK, C.BATTERY},
    "sos_button": {C.SOS_BUTTON, C.BATTERY},
    "fall": {C.FALL, C.PRESENCE},
    "bed": {C.BED_OCCUPANCY, C.BATTERY},
    "vital_signs": {C.HEART_RATE, C.RESPIRATORY_RATE},
    "climate_sensor": {C.TEMPERATURE, C.HUMIDITY, C.BATTERY},
}


def test_the_expectations_are_the_roles_own() -> None:
    for role, caps in EXPECTED.items():
        assert caps <= set(ROLE_CAPABILITIES[DeviceRole(role)]), role
    assert {d.role for d in load_flat(FLAT).devices} == set(EXPECTED)


def _mapped(device: Any) -> set[C]:
    infos = [ZhaEntityInfo.from_entity(e) for e in device.platform_entities.values()]
    return set(map_device(infos, str(device.model)))


async def test_every_flat_device_joins_and_gives_what_its_role_needs(
    sim_gateway: Callable[..., Any], tmp_path: Path
) -> None:
    flat = load_flat(FLAT)
    prepare_world(FLAT, tmp_path)
    async with sim_gateway(data_dir=tmp_path, custom_quirks=True) as gw:
        assert await join_all(gw, bound_s=20) == len(flat.devices) == 17
        for device in flat.devices:
            node = gw.world.node(device.name)
            zha_device = gw.gateway.devices[t.EUI64.convert(node.ieee)]
            missing = EXPECTED[device.role] - _mapped(zha_device)
            assert not missing, f"{device.name} ({zha_device.model}) lacks {missing}"
        assert await join_all(gw) == 0  # everyone is in


async def test_a_restarted_hub_finds_the_flat_joined(
    sim_gateway: Callable[..., Any], tmp_path: Path
) -> None:
    prepare_world(FLAT, tmp_path)
    async with sim_gateway(data_dir=tmp_path, custom_quirks=True) as gw:
        await join_all(gw, bound_s=20)
    world = prepare_world(FLAT, tmp_path)
    assert all(node.state.joined for node in world.nodes.values())
    async with sim_gateway(data_dir=tmp_path, custom_quirks=True) as gw:
        assert await join_all(gw) == 0
        assert len(gw.gateway.devices) == 18  # and the coordinator


def test_prepare_world_is_idempotent_and_keeps_state(tmp_path: Path) -> None:
    world = prepare_world(FLAT, tmp_path)
    assert sorted(world.nodes) == sorted(d.name for d in load_flat(FLAT).devices)
    node = world.node("kueche-fridge-door")
    node.state.joined = True
    node.set(1, 0x0006, 0x0000, 1)
    world.add("extra", DUMPS / "innr-sp-234.json")  # not in the flat: left alone
    close_world(tmp_path)  # a restart
    again = prepare_world(FLAT, tmp_path)
    assert again is not world and len(again.nodes) == 18
    node = again.node("kueche-fridge-door")
    assert node.state.joined and node.get(1, 0x0006, 0x0000) == 1
    assert prepare_world(FLAT, tmp_path) is again
    close_world(tmp_path)


def _copy_demo(to: Path) -> Path:
    shutil.copytree(DEMO, to / "examples" / "demo" / "zigbee")
    return to / "examples" / "demo" / "zigbee" / "flat.yaml"


def test_a_checkout_moved_to_another_folder_still_loads(tmp_path: Path) -> None:
    flat = _copy_demo(tmp_path / "a")
    world = prepare_world(flat, tmp_path / "a" / "data")
    world.node("bad-motion").state.joined = True
    close_world(tmp_path / "a" / "data")
    stored = json.loads((tmp_path / "a" / "data" / "simworld.json").read_text())
    dump = stored["nodes"]["bad-motion"]["dump"]
    assert dump == "../examples/demo/zigbee/devices/bad-motion.json"

    (tmp_path / "a").rename(tmp_path / "b")
    moved = open_world(tmp_path / "b" / "data")
    assert moved.node("bad-motion").state.joined
    assert moved.node("bad-motion").spec.source.startswith(str(tmp_path / "b"))
    assert not moved.unresolved
    close_world(tmp_path / "b" / "data")


def test_old_absolute_entries_load_and_lost_files_come_back(tmp_path: Path) -> None:
    flat = _copy_demo(tmp_path / "a")
    device = flat.parent / "devices" / "bad-motion.json"
    state = {"attributes": {"1/1030/0": 1}, "bindings": [], "joined": True, "silent": False}
    world_file = tmp_path / "data" / "simworld.json"
    world_file.parent.mkdir()
    entries = {
        "bad-motion": {"dump": str(device), "state": state},  # written before relative paths
        "bad-fall": {"dump": "/gone/checkout/bad-fall.json", "state": state},
    }
    world_file.write_text(json.dumps({"version": 1, "network": None, "nodes": entries}))

    world = World.load(world_file)
    assert world.node("bad-motion").state.joined
    assert list(world.unresolved) == ["bad-fall"]
    world.save()  # nothing lost while the file is missing
    assert "bad-fall" in json.loads(world_file.read_text())["nodes"]

    world = prepare_world(flat, world_file)
    assert world.node("bad-fall").state.joined and not world.unresolved
    assert world.node("bad-fall").get(1, 1030, 0) == 1
    close_world(world_file)


def test_a_broken_flat_file_gets_every_error_at_once(tmp_path: Path) -> None:
    path = tmp_path / "flat.yaml"
    path.write_text(
        "devices:\n"
        "  - {name: a, file: nowhere.json, room: bad, role: motion}\n"
        "  - {name: b, file: nowhere.json, room: bad, role: moton, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(FlatError) as caught:
        load_flat(path)
    text = str(caught.value)
    assert "flat.yaml:2:" in text and "no device file" in text
    assert "unknown role 'moton'" in text and "did you mean 'motion'?" in text
    assert "unknown key 'colour'" in text
    assert text.endswith("4 errors in the flat")


def _flat_world(tmp_path: Path) -> World:
    world = World(tmp_path / "simworld.json")
    for device in load_flat(FLAT).devices:
        world.add(device.name, device.file)
    return world


def test_the_day_loads_against_the_flat(tmp_path: Path) -> None:
    scenario = load_scenario(DEMO / "day.yaml", _flat_world(tmp_path).nodes)
    # every device takes part in the day but the vital-sign sensor, which the demo feeds
    # from a recorded night instead
    played = {d.name for d in load_flat(FLAT).devices} - {"schlafzimmer-vitals"}
    assert {s.device for s in scenario.steps} == played
    assert {s.day for s in scenario.steps} == {0}  # in order: one day, not several
    when = [w for w, _, _ in occurrences(scenario, date(2026, 3, 10), BERLIN)]
    assert len(when) > 200 and when == sorted(when)


async def test_the_day_plays_through_zha(
    sim_gateway: Callable[..., Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    prepare_world(FLAT, tmp_path)
    day = date(2026, 3, 10)
    async with sim_gateway(data_dir=tmp_path, custom_quirks=True) as gw:
        await join_all(gw, bound_s=20)
        scenario = load_scenario(DEMO / "day.yaml", gw.world.nodes)
        clock = SimulatedClock(datetime(2026, 3, 10, 0, 0, tzinfo=BERLIN))
        stimuli = Stimuli(gw.radio)
        with caplog.at_level(logging.ERROR, logger="integrations.zigbee.simradio.scenario"):
            task = asyncio.create_task(run_scenario(scenario, stimuli, clock, day=day))
            await clock.advance(timedelta(hours=23, minutes=59))
            steps = await task
        assert steps == len(occurrences(scenario, day, BERLIN))
        assert not [r for r in caplog.records if r.name.endswith("scenario")]

        def device(name: str) -> Any:
            return gw.gateway.devices[t.EUI64.convert(gw.world.node(name).ieee)]

        bed = entity_of(device("schlafzimmer-bed"), "binary_sensor", "BinarySensor")
        assert bed.is_on is True  # in bed since 22:05
        light = entity_of(device("wohnzimmer-light"), "light", "HueLight")
        assert light.is_on is False
        climate = entity_of(device("wohnzimmer-thermostat"), "climate", "Thermostat")
        assert climate.current_temperature == 19.5
        assert climate.target_temperature == 17
        door = entity_of(device("flur-front-door"), "binary_sensor", "IASZone")
        assert door.is_on is False


@pytest.mark.parametrize("reduced", REDUCED, ids=lambda p: p.stem)
def test_a_device_file_reproduces_from_its_source(reduced: Path) -> None:
    assert rederive(reduced, [DUMPS, DEVICES]) == reduced.read_text(encoding="utf-8")


@pytest.mark.parametrize("reduced", REDUCED, ids=lambda p: p.stem)
def test_a_device_file_starts_a_node_as_its_source_would(reduced: Path) -> None:
    raw = json.loads(reduced.read_text(encoding="utf-8"))
    small, full = load_dump(reduced), load_dump(find_source(raw, [DUMPS, DEVICES]))
    assert small.ieee == raw["ieee"] != full.ieee
    for field in ("manufacturer", "model", "node_descriptor", "endpoints", "mains_powered"):
        assert getattr(small, field) == getattr(full, field), field
    on_air = {f"{ep.id}/{c}/" for ep in full.endpoints for c in ep.in_clusters}
    a, b = SimNode("small", small), SimNode("full", full)
    expected = {k: v for k, v in b.state.attributes.items() if k[: k.rindex("/") + 1] in on_air}
    assert a.state.attributes == expected
    for key, value in expected.items():
        ep, cluster, attr = map(int, key.split("/"))
        assert a.typed(ep, cluster, attr, value) == b.typed(ep, cluster, attr, value), key


def test_the_device_files_have_their_own_addresses() -> None:
    flat = load_flat(FLAT)
    specs = {d.name: load_dump(d.file) for d in flat.devices}
    ieees = [s.ieee for s in specs.values()]
    assert len(set(ieees)) == len(ieees) == len(REDUCED)
    assert all(i.startswith("00:15:8d:00:01:00:00:") for i in ieees)
    assert len({s.nwk for s in specs.values()}) == len(ieees)


def test_the_hub_devices_example_matches_the_flat() -> None:
    config = YAML(typ="safe").load((DEMO / "devices.yaml.example").read_text(encoding="utf-8"))
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    flat = load_flat(FLAT)
    assert len(config) == len(flat.devices)
    for device in flat.devices:
        ieee = load_dump(device.file).ieee
        entry = config[ieee]
        assert (entry["room"], entry["role"]) == (device.room, device.role), device.name
        assert DeviceRole(entry["role"])
        assert f"| {device.name} | {device.room} | {device.role} | `{ieee}` |" in readme
