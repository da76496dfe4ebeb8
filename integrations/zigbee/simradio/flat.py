"""A simulated flat: which devices hang where, put into a world and joined to the network.

```yaml
name: Demo-Wohnung
devices:
  - {name: bad-motion, file: devices/bad-motion.json, room: bad, role: motion}
```

`file` is a device file (a zha dump, e.g. one made by `reduce.py`), relative to the flat
file. The world keeps each device's state across restarts; preparing it again adds only
what is new.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.config.model import DeviceRole
from hub.config.problems import ConfigError, Problem, did_you_mean, one_of
from hub.config.source import DataPath, Document, read_document

from .dumps import load_dump
from .node import SimNode
from .world import World, open_world

if TYPE_CHECKING:
    from integrations.zigbee.gateway import ZigbeeGateway

_LOGGER = logging.getLogger(__name__)
DEVICE_KEYS = ("name", "file", "room", "role")
ROLES = tuple(role.value for role in DeviceRole)
DEVICE_FULL_INIT = "device_fully_initialized"


@dataclass(frozen=True)
class FlatDevice:
    name: str
    file: Path  # absolute
    room: str
    role: str


@dataclass(frozen=True)
class Flat:
    name: str
    devices: tuple[FlatDevice, ...]


class FlatError(ConfigError):
    """A flat file that cannot be used, with every problem found in it."""

    def format(self) -> str:
        body = "\n".join(p.format() for p in self.problems)
        n = len(self.problems)
        return f"{body}\n{n} error{'s' if n != 1 else ''} in the flat"


def _device(
    doc: Document, path: DataPath, raw: Any, folder: Path, problems: list[Problem]
) -> FlatDevice | None:
    def problem(at: DataPath, message: str, *, key: bool = False, **kw: Any) -> None:
        problems.append(Problem(message, doc.mark(at, key=key), **kw))

    if not isinstance(raw, dict):
        problem(path, "a device must be a mapping", expected="{name: ..., file: ..., ...}")
        return None
    ok = True
    for key in raw:
        if key not in DEVICE_KEYS:
            problem(
                (*path, key), f"unknown key '{key}'", key=True,
                expected=one_of(DEVICE_KEYS), hint=did_you_mean(str(key), DEVICE_KEYS),
            )  # fmt: skip
            ok = False
    for key in DEVICE_KEYS:
        if not isinstance(raw.get(key), str) or not raw[key]:
            problem(path, f"a device needs '{key}'", expected="text")
            return None
    role = raw["role"]
    if role not in ROLES:
        problem(
            (*path, "role"), f"unknown role '{role}'",
            expected=one_of(ROLES, limit=20), hint=did_you_mean(role, ROLES),
        )  # fmt: skip
        ok = False
    file = (folder / raw["file"]).resolve()
    if not file.is_file():
        problem((*path, "file"), f"no device file {file}")
        ok = False
    return FlatDevice(raw["name"], file, raw["room"], role) if ok else None


def load_flat(path: Path) -> Flat:
    """Read and check a flat file; every problem at once in a FlatError."""
    doc = read_document(path)
    problems = list(doc.problems)
    data = doc.data
    devices: list[FlatDevice] = []
    if not isinstance(data, dict) or not isinstance(data.get("devices"), list):
        if not problems:
            problems.append(Problem("a flat needs a list of devices", doc.mark(())))
        raise FlatError(problems)
    for key in data:
        if key not in ("name", "devices"):
            problems.append(Problem(f"unknown key '{key}'", doc.mark((key,), key=True)))
    seen: set[str] = set()
    for i, raw in enumerate(data["devices"]):
        device = _device(doc, ("devices", i), raw, path.parent, problems)
        if device is None:
            continue
        if device.name in seen:
            mark = doc.mark(("devices", i, "name"))
            problems.append(Problem(f"a second device named '{device.name}'", mark))
        seen.add(device.name)
        devices.append(device)
    if problems:
        raise FlatError(problems)
    return Flat(str(data.get("name") or path.stem), tuple(devices))


def prepare_world(flat_file: Path, data_dir: Path) -> World:
    """The world in `data_dir` (folder or world file) with every device of the flat in it.

    New devices are added, not joined; devices already there keep their state (a changed
    device file is taken up, a changed IEEE is a new device); others are left alone.
    The world is saved, and stays open for the radio that zha starts in this process.
    """
    flat = load_flat(flat_file)
    world = open_world(data_dir)
    for device in flat.devices:
        spec = load_dump(device.file)
        current = world.nodes.get(device.name)
        if current is None:
            world.add(device.name, spec)
        elif current.ieee != spec.ieee:
            _LOGGER.info("%s is a new device (IEEE %s)", device.name, spec.ieee)
            world.remove(device.name)
            world.add(device.name, spec)
        elif current.spec != spec:
            world.remove(device.name)
            world.add(device.name, spec, state=current.state)
    world.save()
    return world


async def join_all(gw: ZigbeeGateway, bound_s: float = 30.0) -> int:
    """Let every device of the world that has not joined join; returns how many did.

    Devices new to zha are waited for until zha has fully initialised each (at most
    `bound_s`; those that did not make it are named in a warning). A device zha already
    knows (its world was reset, zigbee.db kept) just rejoins: zha does not interview it again.
    """
    import zigpy.types as t

    known = gw.gateway.devices
    new: dict[Any, SimNode] = {}
    rejoined = 0
    for node in gw.world.nodes.values():
        ieee = t.EUI64.convert(node.ieee)
        if ieee not in known:
            new[ieee] = node
        elif not node.state.joined:
            gw.radio.announce(node)
            rejoined += 1
    waiting = set(new)
    done = asyncio.Event()

    def initialised(event: Any) -> None:
        waiting.discard(event.device_info.ieee)
        if not waiting:
            done.set()

    if new:
        unsubscribe = gw.gateway.on_event(DEVICE_FULL_INIT, initialised)
        try:
            for node in new.values():
                gw.radio.announce(node)
            try:
                await asyncio.wait_for(done.wait(), bound_s)  # a bound, not a sleep
            except TimeoutError:
                names = ", ".join(sorted(new[ieee].name for ieee in waiting))
                _LOGGER.warning("not initialised within %.0f s: %s", bound_s, names)
        finally:
            unsubscribe()
    if new or rejoined:
        gw.world.save()
    return rejoined + len(new) - len(waiting)
