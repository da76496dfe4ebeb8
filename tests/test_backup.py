"""A backup of a running hub restores onto a new machine with the same devices, rules and
history; a restore never overwrites by accident."""

from __future__ import annotations

import asyncio
import contextlib
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.app import Hub
from hub.backup import BackupError, create_backup, restore_backup
from hub.cli import main
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.store import Store

from .conftest import BASE_CONFIG

T0 = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


def write_home(folder: Path) -> Path:
    folder.mkdir(parents=True)
    devices = BASE_CONFIG[
        BASE_CONFIG.index("devices:\n") + len("devices:\n") : BASE_CONFIG.index("contacts:")
    ]
    (folder / "devices.yaml").write_text(devices.replace("  ", "", 1).replace("\n  ", "\n"))
    (folder / "secrets.yaml").write_text("mail_password: geheim-123\n")
    text = BASE_CONFIG.replace(f"devices:\n{devices}", "devices: !include devices.yaml\n")
    text += "rules:\n  - {kind: inactivity, id: tag, duration: 3h}\n  - {kind: panic}\n"
    text += "email: {host: mail.example.org, sender: obhut@example.org,"
    text += " password: !secret mail_password}\n"
    text += "storage: {data_dir: data}\n"
    path = folder / "obhut.yaml"
    path.write_text(text)
    return path


async def test_a_running_hubs_backup_restores_elsewhere_with_the_same_home(tmp_path: Path) -> None:
    path = write_home(tmp_path / "old")
    config = load_config(path)
    clock = SimulatedClock(T0)
    async with Hub.running(config, path, clock) as hub:
        for minute in range(120):
            hub.ingest(Observation(T0 + timedelta(minutes=minute), "motion.bad", minute % 2 == 0))
        await hub.store.flush()
        pictures = tmp_path / "old" / "data" / "pictures"
        pictures.mkdir()
        (pictures / "a1b2c3.jpg").write_bytes(b"\xff\xd8 the pill box")
        archive = create_backup(path, config, clock.now())  # while it runs
        before = await hub.store.observations(T0, T0 + timedelta(days=1))
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds secrets

    new_config, new_data = tmp_path / "new" / "etc", tmp_path / "new" / "etc" / "data"
    assert (
        main(
            ["restore", str(archive), "--config-dir", str(new_config), "--data-dir", str(new_data)]
        )
        == 0
    )
    restored = load_config(new_config / "obhut.yaml")
    assert restored.devices == config.devices
    assert restored.rules == config.rules
    assert restored.email is not None and restored.email.password.value == "geheim-123"
    async with Store.open(new_data / "obhut.db") as store:
        assert await store.observations(T0, T0 + timedelta(days=1)) == before
        assert len(before) == 120
    # the reminders' pictures come along: the tablet shows the pill box after a restore too
    assert (new_data / "pictures" / "a1b2c3.jpg").read_bytes() == b"\xff\xd8 the pill box"


def test_a_restore_refuses_to_overwrite_and_refuses_garbage(tmp_path: Path) -> None:
    path = write_home(tmp_path / "home")
    config = load_config(path)
    archive = create_backup(path, config, T0)
    with pytest.raises(BackupError, match="would be overwritten"):
        restore_backup(archive, tmp_path / "home", tmp_path / "home" / "data")
    assert restore_backup(archive, tmp_path / "home", tmp_path / "home" / "data", force=True)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(BackupError, match="is not an Obhut backup"):
        restore_backup(junk, tmp_path / "x", tmp_path / "y")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(path, arcname="manifest.json")
        tar.add(path, arcname="config/../../escaped.yaml")
    restore_backup(evil, tmp_path / "c", tmp_path / "d")
    assert not (tmp_path / "escaped.yaml").exists()


def test_backups_are_rotated(tmp_path: Path) -> None:
    path = write_home(tmp_path / "home")
    config = load_config(path)
    for day in range(16):
        create_backup(path, config, T0 + timedelta(days=day))
    kept = sorted((tmp_path / "home" / "data" / "backups").glob("obhut-*.tar.gz"))
    assert len(kept) == 14 and kept[0].name == "obhut-20260506-060000.tar.gz"


def paired_in(zigbee_db: Path) -> int:
    """Devices other than the coordinator in a zigpy database (0 if it is not there yet)."""
    import sqlite3

    if not zigbee_db.is_file():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{zigbee_db}?mode=ro", uri=True)) as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        try:
            (count,) = db.execute(f"SELECT count(*) FROM devices_v{version}").fetchone()  # noqa: S608
        except sqlite3.OperationalError:
            return 0
    return int(count) - 1


async def test_a_running_demo_hubs_backup_restores_with_its_zigbee_network(
    tmp_path: Path,
) -> None:
    import shutil

    from integrations.zigbee.simradio.flat import join_all, prepare_world
    from integrations.zigbee.simradio.world import close_world

    demo = Path(__file__).resolve().parents[1] / "examples"
    home = tmp_path / "home" / "demo"
    shutil.copytree(demo / "demo", home, ignore=shutil.ignore_patterns("data"))
    shutil.copy(demo / "rules.yaml", home.parent / "rules.yaml")
    path = home / "obhut.yaml"
    config = load_config(path)
    data = config.storage.data_dir
    prepare_world(home / "zigbee" / "flat.yaml", data)
    clock = SimulatedClock(T0)
    try:
        async with Hub.running(config, path, clock) as hub:
            assert hub.zigbee is not None
            await hub.zigbee.ready.wait()
            assert await join_all(hub.zigbee.zigbee) == 17
            for minute in range(30):
                hub.ingest(Observation(T0 + timedelta(minutes=minute), "motion.bad", True))
            await hub.store.flush()
            # zigpy writes its database in the background: wait until the joins are in it
            deadline = asyncio.get_running_loop().time() + 20
            while paired_in(data / "zigbee.db") < 17:
                assert asyncio.get_running_loop().time() < deadline, "zigpy never wrote"
                await asyncio.sleep(0.1)
            from hub.control import write_backup

            network = await write_backup(hub.zigbee.zigbee, data, clock.now())
            archive = create_backup(path, config, clock.now())
            before = await hub.store.observations(T0, T0 + timedelta(days=1))
    finally:
        close_world(data)

    new_home = tmp_path / "new" / "demo"
    restore_backup(archive, new_home, new_home / "data")
    shutil.copy(demo / "rules.yaml", new_home.parent / "rules.yaml")  # included from outside
    restored = load_config(new_home / "obhut.yaml")
    assert restored.devices == config.devices and restored.rules == config.rules
    assert (new_home / "data" / "zigbee.db").is_file()
    import json

    world = json.loads((new_home / "data" / "simworld.json").read_text())
    assert sum(node["state"]["joined"] for node in world["nodes"].values()) == 17
    assert paired_in(new_home / "data" / "zigbee.db") >= 17  # the demo's devices, restored
    restored_network = json.loads((new_home / "data" / "backups" / network.name).read_text())
    assert restored_network == json.loads(network.read_text())  # the coordinator's, for a new stick
    async with Store.open(new_home / "data" / "obhut.db") as store:
        assert await store.observations(T0, T0 + timedelta(days=1)) == before
