"""`obhut zigbee inspect|permit|backup|restore`: the installer's Zigbee commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hub.control import call, serve_control
from integrations.zigbee.inspect import InspectError, inspect_dump
from integrations.zigbee.simradio.stimuli import Stimuli

from ..conftest import DUMPS
from ..test_mapping import GOLDEN
from .conftest import arrival, flat_hub

CUSTOM = Path(__file__).resolve().parents[1] / "devices"


@pytest.mark.parametrize("name", sorted(GOLDEN))
async def test_inspect_names_the_capabilities_of_every_shared_dump(
    name: str, quirks_setup: object
) -> None:
    found = await inspect_dump(DUMPS / f"{name}.json")
    capabilities = {c for e in found["entities"] for c in e["capabilities"]}
    assert capabilities == {c.value for c in GOLDEN[name]}
    assert found["works_with_obhut"] is True


def test_inspect_on_the_fall_radar_from_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli", "zigbee", "inspect", str(CUSTOM / "owon-fds315.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    capabilities = {c for e in found["entities"] for c in e["capabilities"]}
    assert {"fall", "presence", "bed_occupancy", "respiratory_rate"} <= capabilities
    assert "owon_fds315" in found["quirk"]


async def test_inspect_refuses_what_is_not_a_dump(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"ieee": 5}')
    with pytest.raises(InspectError, match="not a zha device dump"):
        await inspect_dump(bad)


async def test_permit_and_backup_through_the_running_hub_then_restore_elsewhere(
    tmp_path: Path, quirk_index: Path
) -> None:
    async with flat_hub(tmp_path, quirk_index, ["bad-motion"]) as (hub, gw, _):
        data = hub.config.storage.data_dir
        async with serve_control(hub) as sock:
            assert sock.stat().st_mode & 0o777 == 0o600
            assert await call(data, "/zigbee/permit", {"seconds": 30}) == {"permitted": 30}
            written = Path((await call(data, "/zigbee/backup", {}))["file"])
        await hub.store.flush()
        actions = [e.action for e in await hub.store.audit_entries()]
        assert "zigbee.permit" in actions and "zigbee.backup" in actions
        pan_id = gw.application.state.network_info.pan_id
    backup = json.loads(written.read_text())
    assert written.stat().st_mode & 0o777 == 0o600  # it holds the network key
    assert backup["coordinator_ieee"] and backup["network_key"]["key"]

    # Home Assistant's ZHA may hand over zigpy's own format: both are read alike.
    import zigpy.backups

    from integrations.zigbee.runtime import open_coordinator_backup

    as_dict = zigpy.backups.NetworkBackup.from_open_coordinator_json(backup).as_dict()
    for form in (backup, json.loads(json.dumps(as_dict))):
        assert open_coordinator_backup(form)["network_key"]["key"] == backup["network_key"]["key"]
    with pytest.raises(ValueError, match="not a Zigbee network backup"):
        open_coordinator_backup({"pan_id": "what"})

    # A new Pi, a new radio: the restored network has the same PAN and key.
    from integrations.zigbee.gateway import RadioSettings, zigbee_gateway
    from integrations.zigbee.simradio.world import close_world

    fresh = tmp_path / "fresh"
    try:
        async with zigbee_gateway(RadioSettings(type="simulated"), fresh, quirks_setup=None) as new:
            await new.restore(backup)
            info = new.application.state.network_info
            assert info.pan_id == pan_id
            assert (
                str(info.network_key.key).replace(":", "").lower()
                == backup["network_key"]["key"].replace(":", "").lower()
            )
    finally:
        close_world(fresh)


async def test_devices_lists_assigned_and_unassigned_and_remove_takes_one_off(
    tmp_path: Path, quirk_index: Path
) -> None:
    async with flat_hub(tmp_path, quirk_index, ["bad-motion"], unassigned=("flur-motion",)) as (
        hub,
        gw,
        seen,
    ):
        data = hub.config.storage.data_dir
        async with serve_control(hub):
            devices = (await call(data, "/zigbee/devices", {}))["devices"]
            assert [(d["model"], d["room"], d["role"]) for d in devices] == [
                ("lumi.sensor_motion.aq2", "bad", "motion"),
                ("VALLHORN Wireless Motion Sensor", None, None),  # unassigned
            ]
            assert "motion.bad" in devices[0]["entities"] and devices[1]["entities"] == []
            # an unassigned device's readings feed no rule
            Stimuli(gw.radio).set("flur-motion", motion=True)
            Stimuli(gw.radio).set("bad-motion", motion=True)
            await arrival(seen, "motion.bad", True)
            assert not [o for o in seen if o.entity.endswith("flur")]

            gone = devices[1]["ieee"]
            assert await call(data, "/zigbee/remove", {"ieee": gone}) == {"removed": gone}
            left = (await call(data, "/zigbee/devices", {}))["devices"]
            assert [d["ieee"] for d in left] == [devices[0]["ieee"]]
            with pytest.raises(RuntimeError, match="no device"):
                await call(data, "/zigbee/remove", {"ieee": gone})


def test_permit_without_a_running_hub_or_a_radio_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hub.cli import main

    config = tmp_path / "obhut.yaml"
    config.write_text(f"home: {{name: T}}\nstorage: {{data_dir: {tmp_path}}}\n")
    assert main(["zigbee", "permit", "-c", str(config)]) == 1
    assert "there is no zigbee: section with a radio" in capsys.readouterr().err
    config.write_text(config.read_text() + "zigbee: {radio: {type: simulated}}\n")
    assert main(["zigbee", "permit", "30", "-c", str(config)]) == 1
    assert "the hub is not running; start it first" in capsys.readouterr().err
    assert main(["zigbee", "restore", str(tmp_path / "none.json"), "-c", str(config)]) == 1
    assert "cannot read the backup" in capsys.readouterr().err
