"""`obhut zigbee …`: pairing, the device list, removal, network backup and restore, inspect."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.config import Config


def add_commands(sub: Any) -> None:
    zigbee = sub.add_parser("zigbee", help="pair devices, back up and restore the network")
    zsub = zigbee.add_subparsers(required=True, metavar="ACTION")
    permit = zsub.add_parser("permit", help="let new devices join for a while")
    permit.add_argument("seconds", type=int, nargs="?", default=60, metavar="SECONDS")
    permit.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    permit.set_defaults(func=_cmd_permit)
    backup = zsub.add_parser("backup", help="write a network backup into the data folder")
    backup.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    backup.set_defaults(func=_cmd_backup)
    restore = zsub.add_parser("restore", help="put a network backup onto the radio")
    restore.add_argument("backup", type=Path, metavar="BACKUP.json")
    restore.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    restore.set_defaults(func=_cmd_restore)
    devices = zsub.add_parser("devices", help="list the devices on the network")
    devices.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    devices.set_defaults(func=_cmd_devices)
    remove = zsub.add_parser("remove", help="remove a device from the network")
    remove.add_argument("ieee", metavar="IEEE")
    remove.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    remove.set_defaults(func=_cmd_remove)
    inspect = zsub.add_parser("inspect", help="which Obhut entities a device dump gives")
    inspect.add_argument("dump", type=Path, metavar="DUMP.json")
    inspect.set_defaults(func=_cmd_inspect)


def _zigbee_config(path: Path) -> Config | None:
    from hub.cli import _load

    config = _load(path)
    if config is not None and config.zigbee is None:
        print(f"{path}: error: there is no zigbee: section with a radio", file=sys.stderr)
        return None
    return config


def _ask_hub(path: Path, route: str, body: dict[str, object]) -> dict[str, object] | None:
    """The running hub's answer, or None after saying why there is none."""
    from hub.control import NotRunning, call

    config = _zigbee_config(path)
    if config is None:
        return None
    try:
        return asyncio.run(call(config.storage.data_dir, route, body))
    except NotRunning:
        print("error: the hub is not running; start it first (obhut run)", file=sys.stderr)
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
    return None


def _cmd_permit(args: argparse.Namespace) -> int:
    if _ask_hub(args.config, "/zigbee/permit", {"seconds": args.seconds}) is None:
        return 1
    print(f"new devices may join for {args.seconds} s")
    return 0


def _cmd_devices(args: argparse.Namespace) -> int:
    answer = _ask_hub(args.config, "/zigbee/devices", {})
    if answer is None:
        return 1
    print(json.dumps(answer["devices"], indent=2, ensure_ascii=False))
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    if _ask_hub(args.config, "/zigbee/remove", {"ieee": args.ieee}) is None:
        return 1
    print(f"removed {args.ieee}; take it out of devices: in the configuration too")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from hub.control import NotRunning, call, write_backup

    config = _zigbee_config(args.config)
    if config is None:
        return 1
    try:
        result = asyncio.run(call(config.storage.data_dir, "/zigbee/backup", {}))
        print(result["file"])
        return 0
    except NotRunning:
        pass  # no hub holds the radio: open it ourselves
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    from integrations.zigbee.runtime import open_gateway

    async def backup() -> Path:
        async with open_gateway(config) as zigbee:
            return await write_backup(zigbee, config.storage.data_dir, datetime.now().astimezone())

    print(asyncio.run(backup()))
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from hub.control import NotRunning, call

    config = _zigbee_config(args.config)
    if config is None:
        return 1
    try:
        backup = json.loads(args.backup.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"{args.backup}: error: cannot read the backup: {e}", file=sys.stderr)
        return 1
    try:
        asyncio.run(call(config.storage.data_dir, "/ping", {}))
        print("error: stop the hub before restoring (systemctl stop obhut)", file=sys.stderr)
        return 1
    except (NotRunning, RuntimeError):
        pass
    from integrations.zigbee.runtime import open_coordinator_backup, open_gateway

    try:
        backup = open_coordinator_backup(backup)
    except ValueError as e:
        print(f"{args.backup}: error: {e}", file=sys.stderr)
        return 1

    async def restore() -> None:
        async with open_gateway(config) as zigbee:
            await zigbee.restore(backup)

    asyncio.run(restore())
    print(f"restored the network from {args.backup}")
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from integrations.zigbee.inspect import InspectError, inspect_dump

    try:
        found = asyncio.run(inspect_dump(args.dump))
    except InspectError as e:
        print(f"{args.dump}: error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(found, indent=2, ensure_ascii=False))
    return 0
