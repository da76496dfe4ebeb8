"""What cluster commands do to a simulated device: a bulb told "on" is on and says so."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import zigpy.zcl.clusters.general as general
from zigpy.zcl import foundation

from .dumps import JsonValue

if TYPE_CHECKING:
    from .node import Frame, SimNode

ON_OFF = general.OnOff.cluster_id
LEVEL = general.LevelControl.cluster_id
GROUPS = general.Groups.cluster_id
COLOR = 0x0300
THERMOSTAT = 0x0201


def _on_off(node: SimNode, endpoint: int, name: str) -> dict[int, JsonValue]:
    current = bool(node.get(endpoint, ON_OFF, 0x0000))
    new = {
        "off": False,
        "off_with_effect": False,
        "on": True,
        "on_with_recall_global_scene": True,
        "on_with_timed_off": True,
        "toggle": not current,
    }.get(name, current)
    return {0x0000: int(new)}


def _level(node: SimNode, endpoint: int, name: str, args: dict[str, Any]) -> dict[int, JsonValue]:
    changed: dict[int, JsonValue] = {}
    if name in ("move_to_level", "move_to_level_with_on_off"):
        changed[0x0000] = int(args["level"])
    return changed


Reports = list[tuple[int, dict[int, JsonValue]]]


def apply(
    node: SimNode, endpoint: int, cluster_id: int, name: str, args: dict[str, Any], tsn: int
) -> tuple[Reports, list[Frame]]:
    """Change the node's state; return the reports it sends and any specific reply."""
    from .node import Frame

    if cluster_id == ON_OFF:
        return [(ON_OFF, _on_off(node, endpoint, name))], []
    if cluster_id == LEVEL:
        reports: Reports = [(LEVEL, _level(node, endpoint, name, args))]
        if name.endswith("with_on_off") and "level" in args:
            # A bulb dimmed to zero is off, and reports that on the On/Off cluster.
            reports.insert(0, (ON_OFF, {0x0000: int(int(args["level"]) > 0)}))
        return reports, []
    if cluster_id == COLOR and name == "move_to_color_temp":
        return [(COLOR, {0x0007: int(args["color_temp_mireds"])})], []
    if cluster_id == COLOR and name == "move_to_color":
        return [(COLOR, {0x0003: int(args["color_x"]), 0x0004: int(args["color_y"])})], []
    if cluster_id == THERMOSTAT and name == "setpoint_raise_lower":
        current = node.get(endpoint, THERMOSTAT, 0x0012)
        new = int(current if isinstance(current, int) else 2000) + int(args["amount"]) * 10
        return [(THERMOSTAT, {0x0012: new})], []
    if cluster_id == GROUPS and name == "get_membership":
        hdr = foundation.ZCLHeader.cluster(tsn, 0x02, None, foundation.Direction.Server_to_Client)
        body = general.Groups.client_commands[0x02].schema(capacity=0xFF, groups=[])
        return [], [
            Frame(
                endpoint,
                1,
                node.profile_of(endpoint),
                cluster_id,
                hdr.serialize() + body.serialize(),
            )
        ]
    return [], []
