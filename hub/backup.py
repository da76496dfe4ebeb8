"""A whole hub in one file: history, Zigbee network, configuration; and back again.

The databases are copied with SQLite's online backup, so a backup of a running hub is
consistent without stopping it. The archive holds secrets.yaml and the Zigbee network key:
it is written readable by its owner only.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from hub.config.model import Config
from hub.config.source import read_document

DATABASES = ("obhut.db", "zigbee.db")
DATA_FILES = ("simworld.json",)
DATA_FOLDERS = ("pictures",)  # the reminders' pill-box pictures (hub/reminders/pictures.py)
KEEP = 14


class BackupError(Exception):
    pass


def _copy_database(source: Path) -> bytes:
    """A consistent copy of a live SQLite database (WAL included), as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / source.name
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target.read_bytes()


def _config_files(config_path: Path) -> list[Path]:
    """obhut.yaml, every file it includes, and secrets.yaml beside it."""
    files = list(dict.fromkeys(p.resolve() for p in read_document(config_path).files))
    secrets = config_path.parent / "secrets.yaml"
    if secrets.is_file():
        files.append(secrets.resolve())
    return files


def create_backup(config_path: Path, config: Config, now: datetime) -> Path:
    """Write DATA_DIR/backups/obhut-<time>.tar.gz and keep the newest KEEP of them."""
    data = config.storage.data_dir
    folder = data / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"obhut-{now:%Y%m%d-%H%M%S}.tar.gz"
    manifest: dict[str, object] = {"created": now.isoformat(), "config": [], "data": []}
    tmp = path.with_suffix(".part")
    tmp.touch(mode=0o600)
    with tarfile.open(tmp, "w:gz") as tar:

        def add(name: str, payload: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(payload), 0o600, int(now.timestamp())
            tar.addfile(info, io.BytesIO(payload))

        base = config_path.parent.resolve()
        for file in _config_files(config_path):
            relative = file.relative_to(base) if file.is_relative_to(base) else Path(file.name)
            add(f"config/{relative.as_posix()}", file.read_bytes())
            manifest["config"].append(relative.as_posix())  # type: ignore[attr-defined]
        for name in DATABASES:
            if (data / name).is_file():
                add(f"data/{name}", _copy_database(data / name))
                manifest["data"].append(name)  # type: ignore[attr-defined]
        for name in DATA_FILES:
            if (data / name).is_file():
                add(f"data/{name}", (data / name).read_bytes())
                manifest["data"].append(name)  # type: ignore[attr-defined]
        for folder_name in DATA_FOLDERS:
            for file in sorted((data / folder_name).glob("*")):
                if file.is_file():
                    add(f"data/{folder_name}/{file.name}", file.read_bytes())
                    manifest["data"].append(f"{folder_name}/{file.name}")  # type: ignore[attr-defined]
        # the coordinator's newest network backup, for `obhut zigbee restore` on a new stick
        networks = sorted(folder.glob("zigbee-*.json"))
        if networks:
            add(f"data/backups/{networks[-1].name}", networks[-1].read_bytes())
            manifest["data"].append(f"backups/{networks[-1].name}")  # type: ignore[attr-defined]
        add("manifest.json", json.dumps(manifest, indent=2).encode())
    tmp.replace(path)
    for old in sorted(folder.glob("obhut-*.tar.gz"))[:-KEEP]:
        old.unlink()
    return path


def restore_backup(
    archive: Path, config_dir: Path, data_dir: Path, *, force: bool = False
) -> list[str]:
    """Unpack `archive` into `config_dir` and `data_dir`; refuses to overwrite unless `force`."""
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as e:
        raise BackupError(f"{archive} is not an Obhut backup: {e}") from None
    written = []
    with tar:
        names = tar.getnames()
        if "manifest.json" not in names:
            raise BackupError(f"{archive} is not an Obhut backup: it has no manifest")
        plan = []
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if not member.isfile() or ".." in parts or member.name.startswith("/"):
                continue
            if parts[0] == "config":
                target = config_dir.joinpath(*parts[1:])
            elif parts[0] == "data":
                target = data_dir.joinpath(*parts[1:])
            else:
                continue
            plan.append((member, target))
        clashes = [str(t) for _, t in plan if t.exists()]
        if clashes and not force:
            raise BackupError(
                "these files exist and would be overwritten: "
                + ", ".join(clashes)
                + " (stop the hub, move them away, or restore with --force)"
            )
        for member, target in plan:
            source = tar.extractfile(member)
            assert source is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
                stale.unlink(missing_ok=True)
            target.write_bytes(source.read())
            target.chmod(0o600)
            written.append(str(target))
    return written
