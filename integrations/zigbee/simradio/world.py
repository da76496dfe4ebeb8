"""The simulated world: which devices exist, their state, who has joined, and the network.

It lives in one JSON file beside zigbee.db, so stopping and starting the hub finds the
same flat: the coordinator's network settings (what a real radio keeps in its NVRAM)
and every simulated device as it was.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .dumps import DeviceSpec, load_dump
from .node import NodeState, SimNode

_LOGGER = logging.getLogger(__name__)
WORLD_FILE = "simworld.json"
DEFAULT_COORDINATOR_IEEE = "00:0b:57:ff:fe:0b:4e:01"


def world_path(path: str | Path) -> Path:
    """A world file, given the file itself or the folder it lives in."""
    p = Path(path)
    return p / WORLD_FILE if p.is_dir() or not p.suffix else p


class World:
    """Simulated devices addressed by friendly name or IEEE, and the radio's own memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.nodes: dict[str, SimNode] = {}
        self.network: dict[str, Any] | None = None  # zigpy's open coordinator backup format
        self.coordinator_ieee = DEFAULT_COORDINATOR_IEEE
        # Entries whose device file is gone (a moved checkout): kept as they were, so a save
        # loses nothing and adding the device again under its name restores its state.
        self.unresolved: dict[str, dict[str, Any]] = {}
        # Not persisted: whether the radio is plugged in (a lost radio is a moment, not a state).
        self.radio_up = True

    # Devices

    def add(self, name: str, spec: DeviceSpec | Path, *, state: NodeState | None = None) -> SimNode:
        """Put a device in the flat; its dump gives its identity and first state.

        Without `state` it is not yet joined, unless the world remembers a device of that
        name and IEEE whose file had gone missing: that one comes back as it was.
        """
        if isinstance(spec, Path):
            spec = load_dump(spec.resolve())
        if name in self.nodes:
            raise ValueError(f"a simulated device named {name!r} already exists")
        if any(n.ieee == spec.ieee for n in self.nodes.values()):
            raise ValueError(f"a simulated device with IEEE {spec.ieee} already exists")
        lost = self.unresolved.pop(name, None)
        if state is None and lost is not None and lost.get("ieee", spec.ieee) == spec.ieee:
            state = NodeState(**lost["state"])
        node = SimNode(name, spec, state)
        self.nodes[name] = node
        return node

    def remove(self, name: str) -> SimNode:
        """Take a device out of the world (it is gone, not merely left the network)."""
        self.unresolved.pop(name, None)
        return self.nodes.pop(name)

    def node(self, key: str) -> SimNode:
        """A node by friendly name or IEEE address."""
        if key in self.nodes:
            return self.nodes[key]
        for node in self.nodes.values():
            if node.ieee.lower() == key.lower():
                return node
        known = ", ".join(sorted(self.nodes)) or "none"
        raise KeyError(f"no simulated device {key!r}; known: {known}")

    def by_nwk(self, nwk: int) -> SimNode | None:
        for node in self.nodes.values():
            if node.nwk == nwk and node.state.joined:
                return node
        return None

    # Persistence

    def _portable(self, source: str) -> str:
        """A device file's path as stored: relative to the world file when they share a
        folder below the root, so moving a checkout with its data folder keeps them together."""
        file = Path(source).resolve()
        base = self.path.resolve().parent
        try:
            common = Path(os.path.commonpath([file, base]))
        except ValueError:  # different drives
            return str(file)
        if common.parent == common:
            return str(file)
        return Path(os.path.relpath(file, base)).as_posix()

    def _resolve(self, stored: str) -> Path:
        path = Path(stored)
        return path if path.is_absolute() else self.path.resolve().parent / path

    def to_json(self) -> dict[str, Any]:
        nodes = dict(self.unresolved)
        for name, node in self.nodes.items():
            nodes[name] = {
                "dump": self._portable(node.spec.source),
                "ieee": node.ieee,
                "state": asdict(node.state),
            }
        return {
            "version": 1,
            "coordinator_ieee": self.coordinator_ieee,
            "network": self.network,
            "nodes": nodes,
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)

    @classmethod
    def load(cls, path: Path) -> World:
        world = cls(path)
        if not path.exists():
            return world
        raw = json.loads(path.read_text(encoding="utf-8"))
        world.coordinator_ieee = raw.get("coordinator_ieee", DEFAULT_COORDINATOR_IEEE)
        world.network = raw.get("network")
        for name, entry in raw.get("nodes", {}).items():
            dump = world._resolve(entry["dump"])
            if not dump.is_file():
                _LOGGER.warning(
                    "simulated device %r: its file %s is missing; kept aside until it is "
                    "added again",
                    name,
                    dump,
                )
                world.unresolved[name] = entry
                continue
            spec = load_dump(dump)
            world.nodes[name] = SimNode(name, spec, NodeState(**entry["state"]))
        return world


# Worlds open in this process, by file: the test or demo that prepares a world and the
# radio that zha starts must share one object.
_OPEN: dict[Path, World] = {}


def open_world(path: str | Path) -> World:
    """The world at `path` (a file, or the folder holding simworld.json), loaded once."""
    file = world_path(path).resolve()
    if file not in _OPEN:
        _OPEN[file] = World.load(file)
    return _OPEN[file]


def close_world(path: str | Path) -> None:
    """Save and forget the world, so the next open reads it from disk (a process restart)."""
    file = world_path(path).resolve()
    world = _OPEN.pop(file, None)
    if world is not None:
        world.save()
