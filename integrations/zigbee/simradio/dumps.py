"""Load zha device dumps (both formats) into typed specs a simulated node is built from.

A dump shows a device as zha saw it. A simulated device must present what the real
device presents on the air, so endpoints come from `original_signature` (the raw
signature before a quirk replaced clusters) where the dump has one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zigpy.zcl

JsonValue = int | float | str | bool | None

# Old-format dumps describe attribute types as a repr: "type=<class 'zigpy.types.basic.uint8_t'>".
_TYPE_REPR = re.compile(r"type=<class 'zigpy\.types\.[a-z_.]*\.(\w+)'>")


@dataclass(frozen=True)
class AttributeSpec:
    id: int
    value: JsonValue
    # zigpy type name as dumped ("uint8" from new dumps, "uint8_t" from old ones), or None.
    type_name: str | None = None
    unsupported: bool = False


@dataclass(frozen=True)
class EndpointSpec:
    id: int
    profile_id: int
    device_type: int
    in_clusters: tuple[int, ...]
    out_clusters: tuple[int, ...]


@dataclass(frozen=True)
class EntitySpec:
    platform: str
    class_name: str
    unique_id: str


@dataclass(frozen=True)
class DeviceSpec:
    ieee: str
    nwk: int
    manufacturer: str
    model: str
    node_descriptor: dict[str, int]
    endpoints: tuple[EndpointSpec, ...]
    # (endpoint id, cluster id) -> attribute id -> spec, for server (in) clusters.
    attributes: dict[tuple[int, int], dict[int, AttributeSpec]] = field(default_factory=dict)
    mains_powered: bool = False
    quirk_class: str | None = None
    entities: frozenset[EntitySpec] = frozenset()
    # (endpoint, cluster, attribute) that zha made an entity of: the device did not refuse them.
    entity_attributes: frozenset[tuple[int, int, int]] = frozenset()
    source: str = ""

    def endpoint_with(self, cluster_id: int) -> int | None:
        """The first endpoint that has `cluster_id` as a server cluster."""
        for ep in self.endpoints:
            if cluster_id in ep.in_clusters:
                return ep.id
        return None


def _int(value: Any) -> int:
    if isinstance(value, str):
        return int(value, 0)
    return int(value)


_LOGICAL_TYPES = {"Coordinator": 0, "Router": 1, "EndDevice": 2}


def _node_descriptor(raw: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, value in raw.items():
        if key == "logical_type" and isinstance(value, str):
            out[key] = _LOGICAL_TYPES[value]
        else:
            out[key] = int(value)
    return out


def _entities(raw: dict[str, Any]) -> frozenset[EntitySpec]:
    found = set()
    for platform, items in raw.get("zha_lib_entities", {}).items():
        for item in items:
            info = item["info_object"]
            found.add(EntitySpec(platform, info["class_name"], info["unique_id"]))
    return frozenset(found)


def _unsupported_ids(cluster_id: int, raw: Any) -> list[int]:
    # Dumps list unsupported attributes as ids, names, or {"0xAAAA": {...}} by zha version.
    if isinstance(raw, dict):
        return [_int(k) for k in raw]
    ids = []
    cluster_cls = zigpy.zcl.Cluster._registry.get(cluster_id)
    for item in raw or []:
        if isinstance(item, int):
            ids.append(item)
        elif cluster_cls is not None and item in cluster_cls.attributes_by_name:
            ids.append(int(cluster_cls.attributes_by_name[item].id))
    return ids


def _entity_attributes(raw: dict[str, Any]) -> frozenset[tuple[int, int, int]]:
    found = set()
    for items in raw.get("zha_lib_entities", {}).values():
        for item in items:
            info = item["info_object"]
            parts = str(info.get("unique_id", "")).split("-")
            handlers = info.get("cluster_handlers") or []
            if not handlers or len(parts) < 3:
                continue
            cluster_id = int(handlers[0]["cluster"]["id"])
            name = info.get("attribute_name") or (parts[3] if len(parts) > 3 else None)
            cluster_cls = zigpy.zcl.Cluster._registry.get(cluster_id)
            if name and cluster_cls is not None and name in cluster_cls.attributes_by_name:
                attr_id = int(cluster_cls.attributes_by_name[name].id)
                found.add((int(info.get("endpoint_id") or parts[1]), cluster_id, attr_id))
    return frozenset(found)


def _load_old(
    raw: dict[str, Any],
) -> tuple[tuple[EndpointSpec, ...], dict[tuple[int, int], dict[int, AttributeSpec]]]:
    signature = raw.get("original_signature") or raw["signature"]
    endpoints = tuple(
        EndpointSpec(
            id=int(ep_id),
            profile_id=_int(ep["profile_id"]),
            device_type=_int(ep["device_type"]),
            in_clusters=tuple(_int(c) for c in ep["input_clusters"]),
            out_clusters=tuple(_int(c) for c in ep["output_clusters"]),
        )
        for ep_id, ep in signature["endpoints"].items()
    )
    attributes: dict[tuple[int, int], dict[int, AttributeSpec]] = {}
    for ep_id, ep in raw.get("cluster_details", {}).items():
        for cluster_id, cluster in ep.get("in_clusters", {}).items():
            attrs: dict[int, AttributeSpec] = {}
            for attr_id, attr in cluster.get("attributes", {}).items():
                match = _TYPE_REPR.search(attr.get("attribute", ""))
                attrs[_int(attr_id)] = AttributeSpec(
                    id=_int(attr_id),
                    value=attr.get("value"),
                    type_name=match.group(1) if match else None,
                )
            for aid in _unsupported_ids(_int(cluster_id), cluster.get("unsupported_attributes")):
                attrs[aid] = AttributeSpec(id=aid, value=None, unsupported=True)
            attributes[(int(ep_id), _int(cluster_id))] = attrs
    return endpoints, attributes


def _load_new(
    raw: dict[str, Any],
) -> tuple[tuple[EndpointSpec, ...], dict[tuple[int, int], dict[int, AttributeSpec]]]:
    endpoints = []
    attributes: dict[tuple[int, int], dict[int, AttributeSpec]] = {}
    for ep_id, ep in raw["endpoints"].items():
        device_type = ep["device_type"]
        endpoints.append(
            EndpointSpec(
                id=int(ep_id),
                profile_id=_int(ep["profile_id"]),
                device_type=_int(
                    device_type["id"] if isinstance(device_type, dict) else device_type
                ),
                in_clusters=tuple(_int(c["cluster_id"]) for c in ep["in_clusters"]),
                out_clusters=tuple(_int(c["cluster_id"]) for c in ep["out_clusters"]),
            )
        )
        for cluster in ep["in_clusters"]:
            attributes[(int(ep_id), _int(cluster["cluster_id"]))] = {
                _int(a["id"]): AttributeSpec(
                    id=_int(a["id"]),
                    value=a.get("value"),
                    type_name=a.get("zcl_type"),
                    unsupported=bool(a.get("unsupported", False)),
                )
                for a in cluster["attributes"]
            }
    return tuple(endpoints), attributes


def parse_dump(raw: dict[str, Any], *, source: str = "") -> DeviceSpec:
    """Build a spec from a dump's JSON object, old (`signature`) or new (`version: 1`)."""
    if "version" in raw:
        endpoints, attributes = _load_new(raw)
        node_desc = raw["node_descriptor"]
    else:
        endpoints, attributes = _load_old(raw)
        node_desc = raw["signature"]["node_descriptor"]
    return DeviceSpec(
        ieee=raw["ieee"],
        nwk=_int(raw["nwk"]),
        manufacturer=raw["manufacturer"],
        model=raw["model"],
        node_descriptor=_node_descriptor(node_desc),
        endpoints=endpoints,
        attributes=attributes,
        mains_powered=raw.get("power_source") == "Mains",
        quirk_class=raw.get("quirk_class"),
        entities=_entities(raw),
        entity_attributes=_entity_attributes(raw),
        source=source,
    )


def load_dump(path: Path) -> DeviceSpec:
    """Read one dump file."""
    return parse_dump(json.loads(path.read_text(encoding="utf-8")), source=str(path))
