"""A simulated Zigbee node: its state, its attributes, and the frames it sends on its own.

Its answers to the coordinator's ZCL requests are in `zcl.py`; frames both ways are built
from zigpy's declared types, so the real zigpy/zha/quirks stack does all the interpreting.
"""

# zigpy's types are only partly annotated (constructors of its int/enum types are untyped,
# packet fields are Optional); these error codes are zigpy's, not this module's.
# mypy: disable-error-code="no-untyped-call,arg-type,union-attr,attr-defined,call-overload"

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import zigpy.zdo.types as zdo_t
from zigpy.zcl import foundation

from .dumps import DeviceSpec, JsonValue
from .values import attribute_type, type_value

_LOGGER = logging.getLogger(__name__)
Cmd = foundation.GeneralCommand


@dataclass
class NodeState:
    """What persists of a node in the world file."""

    attributes: dict[str, JsonValue] = field(default_factory=dict)  # "ep/cluster/attr" -> value
    bindings: list[str] = field(default_factory=list)  # "ep/cluster"
    joined: bool = False
    silent: bool = False


@dataclass(frozen=True)
class Frame:
    """A ZCL or ZDO frame from a node: what goes into `packet_received`."""

    src_ep: int
    dst_ep: int
    profile_id: int
    cluster_id: int
    data: bytes


@dataclass(frozen=True)
class ReceivedCommand:
    """A cluster command the node received (tests and the demo look at these)."""

    endpoint: int
    cluster_id: int
    command: str
    args: dict[str, Any]


def attr_key(endpoint: int, cluster_id: int, attr_id: int) -> str:
    return f"{endpoint}/{cluster_id}/{attr_id}"


class SimNode:
    def __init__(self, name: str, spec: DeviceSpec, state: NodeState | None = None) -> None:
        self.name = name
        self.spec = spec
        self.ieee = spec.ieee
        self.nwk = spec.nwk
        self.state = (
            state if state is not None else NodeState(attributes=self._initial_attributes())
        )
        self.received: list[ReceivedCommand] = []
        self.zdo_received: list[int] = []  # ZDO request clusters, to tell an interview from none
        self._tsn = 0

    def _initial_attributes(self) -> dict[str, JsonValue]:
        values: dict[str, JsonValue] = {}
        for (ep, cluster), attrs in self.spec.attributes.items():
            for attr in attrs.values():
                if not attr.unsupported and attr.value is not None:
                    values[attr_key(ep, cluster, attr.id)] = attr.value
        for ep_id, cluster, attr_id in self.spec.entity_attributes:
            known = self.spec.attributes.get((ep_id, cluster), {}).get(attr_id)
            if known is None or (known.value is None and not known.unsupported):
                values.setdefault(attr_key(ep_id, cluster, attr_id), 0)
        for endpoint in self.spec.endpoints:
            if 0x0000 in endpoint.in_clusters:
                values.setdefault(attr_key(endpoint.id, 0, 0x0004), self.spec.manufacturer)
                values.setdefault(attr_key(endpoint.id, 0, 0x0005), self.spec.model)
        return values

    def next_tsn(self) -> int:
        self._tsn = (self._tsn + 1) & 0xFF
        return self._tsn

    def node_descriptor(self) -> zdo_t.NodeDescriptor:
        return zdo_t.NodeDescriptor(**self.spec.node_descriptor)

    def profile_of(self, endpoint: int) -> int:
        for ep in self.spec.endpoints:
            if ep.id == endpoint:
                return ep.profile_id
        return 0x0104

    # Attribute store

    def get(self, endpoint: int, cluster_id: int, attr_id: int) -> JsonValue:
        return self.state.attributes.get(attr_key(endpoint, cluster_id, attr_id))

    def set(self, endpoint: int, cluster_id: int, attr_id: int, value: JsonValue) -> None:
        self.state.attributes[attr_key(endpoint, cluster_id, attr_id)] = value

    def typed(
        self, endpoint: int, cluster_id: int, attr_id: int, value: JsonValue
    ) -> foundation.TypeValue:
        spec = self.spec.attributes.get((endpoint, cluster_id), {}).get(attr_id)
        data_type = attribute_type(cluster_id, attr_id, spec.type_name if spec else None, value)
        return type_value(data_type, value)

    # Frames the node sends on its own

    def report(
        self,
        endpoint: int,
        cluster_id: int,
        values: dict[int, Any],
        *,
        manufacturer: int | None = None,
    ) -> Frame:
        """An attribute report; `values` are JSON values or already typed `TypeValue`s."""
        records = []
        for attr_id, value in values.items():
            if not isinstance(value, foundation.TypeValue):
                self.set(endpoint, cluster_id, attr_id, value)
                value = self.typed(endpoint, cluster_id, attr_id, value)
            records.append(foundation.Attribute(attrid=attr_id, value=value))
        hdr = foundation.ZCLHeader.general(
            self.next_tsn(),
            Cmd.Report_Attributes,
            manufacturer,
            foundation.Direction.Server_to_Client,
        )
        schema = foundation.GENERAL_COMMANDS[Cmd.Report_Attributes].schema
        return self.frame(endpoint, cluster_id, hdr, schema(attribute_reports=records))

    def command(
        self,
        endpoint: int,
        cluster_id: int,
        command_id: int,
        payload: bytes,
        *,
        manufacturer: int | None = None,
    ) -> Frame:
        """A cluster-specific command sent by the device (IAS zone status, Tuya datapoints)."""
        hdr = foundation.ZCLHeader.cluster(
            self.next_tsn(), command_id, manufacturer, foundation.Direction.Server_to_Client
        )
        return Frame(endpoint, 1, self.profile_of(endpoint), cluster_id, hdr.serialize() + payload)

    def frame(self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, body: Any) -> Frame:
        """A frame from this node with a ZCL header and a declared body."""
        return Frame(
            endpoint, 1, self.profile_of(endpoint), cluster_id, hdr.serialize() + body.serialize()
        )

    # Requests from the coordinator

    def handle_zcl(self, endpoint: int, cluster_id: int, data: bytes) -> list[Frame]:
        """Answer one ZCL frame addressed to this node."""
        from . import zcl  # zcl builds on this module's types

        return zcl.handle_zcl(self, endpoint, cluster_id, data)
