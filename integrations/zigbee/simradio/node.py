"""A simulated Zigbee node: its state, and its answers to ZCL requests from the coordinator.

Requests arrive as raw frames and answers leave as raw frames, both built from zigpy's
declared types, so the real zigpy/zha/quirks stack does all the interpreting.
"""

# zigpy's types are only partly annotated (constructors of its int/enum types are untyped,
# packet fields are Optional); these error codes are zigpy's, not this module's.
# mypy: disable-error-code="no-untyped-call,arg-type,union-attr,attr-defined,call-overload"

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import zigpy.zcl
import zigpy.zdo.types as zdo_t
from zigpy.zcl import foundation

from . import behaviours
from .dumps import DeviceSpec, JsonValue
from .values import attribute_type, to_json, type_value

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
        return self._frame(endpoint, cluster_id, hdr, schema(attribute_reports=records))

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

    def _frame(self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, body: Any) -> Frame:
        return Frame(
            endpoint, 1, self.profile_of(endpoint), cluster_id, hdr.serialize() + body.serialize()
        )

    # Requests from the coordinator

    def handle_zcl(self, endpoint: int, cluster_id: int, data: bytes) -> list[Frame]:
        """Answer one ZCL frame addressed to this node."""
        hdr, payload = foundation.ZCLHeader.deserialize(data)
        to_client = hdr.frame_control.direction == foundation.Direction.Server_to_Client
        if hdr.frame_control.is_general:
            if to_client:
                # To one of the device's client clusters (OTA): no attributes we know.
                return self._client_general(endpoint, cluster_id, hdr, payload)
            return self._general(endpoint, cluster_id, hdr, payload)
        if to_client:
            return []  # answers to commands the device sent (OTA, Tuya): nothing to say back
        return self._cluster_command(endpoint, cluster_id, hdr, payload)

    def _client_general(
        self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, payload: bytes
    ) -> list[Frame]:
        if hdr.command_id != Cmd.Read_Attributes:
            return self.default_response(
                endpoint, cluster_id, hdr, foundation.Status.UNSUP_GENERAL_COMMAND
            )
        request, _ = foundation.GENERAL_COMMANDS[Cmd.Read_Attributes].schema.deserialize(payload)
        records = [
            foundation.ReadAttributeRecord(attrid=a, status=foundation.Status.UNSUPPORTED_ATTRIBUTE)
            for a in request.attribute_ids
        ]
        body = foundation.ReadAttributesResponse(status_records=records)
        return [self._reply(endpoint, cluster_id, hdr, Cmd.Read_Attributes_rsp, body)]

    def _reply(
        self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, command: Any, body: Any
    ) -> Frame:
        rsp = foundation.ZCLHeader.general(
            hdr.tsn, command, hdr.manufacturer, hdr.frame_control.direction.flip()
        )
        return self._frame(endpoint, cluster_id, rsp, body)

    def default_response(
        self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, status: foundation.Status
    ) -> list[Frame]:
        if hdr.frame_control.disable_default_response and status == foundation.Status.SUCCESS:
            return []
        body = foundation.DefaultResponse(command_id=hdr.command_id, status=status)
        return [self._reply(endpoint, cluster_id, hdr, Cmd.Default_Response, body)]

    def _general(
        self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, payload: bytes
    ) -> list[Frame]:
        command_def = foundation.GENERAL_COMMANDS.get(hdr.command_id)
        if command_def is None:
            return self.default_response(
                endpoint, cluster_id, hdr, foundation.Status.UNSUP_GENERAL_COMMAND
            )
        request, _ = command_def.schema.deserialize(payload)
        command = hdr.command_id
        if command == Cmd.Read_Attributes:
            records = [self._read(endpoint, cluster_id, int(a)) for a in request.attribute_ids]
            body = foundation.ReadAttributesResponse(status_records=records)
            return [self._reply(endpoint, cluster_id, hdr, Cmd.Read_Attributes_rsp, body)]
        if command in (
            Cmd.Write_Attributes,
            Cmd.Write_Attributes_Undivided,
            Cmd.Write_Attributes_No_Response,
        ):
            for record in request.attributes:
                self.set(endpoint, cluster_id, int(record.attrid), to_json(record.value.value))
            # A device reports a written setting back (a TRV its new setpoint).
            echo = {
                int(r.attrid): self.get(endpoint, cluster_id, int(r.attrid))
                for r in request.attributes
            }
            report = [self.report(endpoint, cluster_id, echo, manufacturer=hdr.manufacturer)]
            if command == Cmd.Write_Attributes_No_Response:
                return report
            ok = [foundation.WriteAttributesStatusRecord(status=foundation.Status.SUCCESS)]
            written = foundation.WriteAttributesResponseSchema(status_records=ok)
            return [
                self._reply(endpoint, cluster_id, hdr, Cmd.Write_Attributes_rsp, written),
                *report,
            ]
        if command == Cmd.Configure_Reporting:
            ok = foundation.ConfigureReportingResponse(
                [foundation.ConfigureReportingResponseRecord(status=foundation.Status.SUCCESS)]
            )
            rsp_schema = foundation.GENERAL_COMMANDS[Cmd.Configure_Reporting_rsp].schema
            return [
                self._reply(
                    endpoint,
                    cluster_id,
                    hdr,
                    Cmd.Configure_Reporting_rsp,
                    rsp_schema(status_records=ok),
                )
            ]
        if command in (Cmd.Discover_Attributes, Cmd.Discover_Attribute_Extended):
            return self._discover(endpoint, cluster_id, hdr, command)
        if command in (Cmd.Discover_Commands_Received, Cmd.Discover_Commands_Generated):
            rsp_cmd = Cmd(command + 1)
            rsp_schema = foundation.GENERAL_COMMANDS[rsp_cmd].schema
            return [
                self._reply(
                    endpoint,
                    cluster_id,
                    hdr,
                    rsp_cmd,
                    rsp_schema(discovery_complete=True, command_ids=[]),
                )
            ]
        if command == Cmd.Default_Response:
            return []
        return self.default_response(
            endpoint, cluster_id, hdr, foundation.Status.UNSUP_GENERAL_COMMAND
        )

    def _read(self, endpoint: int, cluster_id: int, attr_id: int) -> foundation.ReadAttributeRecord:
        value = self.get(endpoint, cluster_id, attr_id)
        if value is None:
            return foundation.ReadAttributeRecord(
                attrid=attr_id, status=foundation.Status.UNSUPPORTED_ATTRIBUTE
            )
        typed = self.typed(endpoint, cluster_id, attr_id, value)
        return foundation.ReadAttributeRecord(
            attrid=attr_id, status=foundation.Status.SUCCESS, value=typed
        )

    def _discover(
        self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, command: Any
    ) -> list[Frame]:
        prefix = f"{endpoint}/{cluster_id}/"
        ids = sorted(
            int(k.rsplit("/", 1)[1]) for k in self.state.attributes if k.startswith(prefix)
        )
        rsp_cmd = (
            Cmd.Discover_Attributes_rsp
            if command == Cmd.Discover_Attributes
            else Cmd.Discover_Attribute_Extended_rsp
        )
        rsp_schema = foundation.GENERAL_COMMANDS[rsp_cmd].schema
        if rsp_cmd == Cmd.Discover_Attributes_rsp:
            info = [
                foundation.DiscoverAttributesResponseRecord(
                    attrid=i,
                    datatype=self.typed(
                        endpoint, cluster_id, i, self.get(endpoint, cluster_id, i)
                    ).type,
                )
                for i in ids
            ]
            return [
                self._reply(
                    endpoint,
                    cluster_id,
                    hdr,
                    rsp_cmd,
                    rsp_schema(discovery_complete=True, attribute_info=info),
                )
            ]
        return [
            self._reply(
                endpoint,
                cluster_id,
                hdr,
                rsp_cmd,
                rsp_schema(discovery_complete=True, extended_attr_info=[]),
            )
        ]

    def _cluster_command(
        self, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, payload: bytes
    ) -> list[Frame]:
        cluster_cls = zigpy.zcl.Cluster._registry.get(cluster_id)
        command_def = cluster_cls.server_commands.get(hdr.command_id) if cluster_cls else None
        if command_def is None:
            # A manufacturer command zigpy does not declare: accept it as the device would.
            self.received.append(
                ReceivedCommand(
                    endpoint, cluster_id, f"0x{hdr.command_id:02x}", {"raw": payload.hex()}
                )
            )
            return self.default_response(endpoint, cluster_id, hdr, foundation.Status.SUCCESS)
        args, _ = command_def.schema.deserialize(payload)
        kwargs = {name: getattr(args, name) for name in args.as_dict()}
        self.received.append(ReceivedCommand(endpoint, cluster_id, command_def.name, kwargs))
        reports, reply = behaviours.apply(
            self, endpoint, cluster_id, command_def.name, kwargs, hdr.tsn
        )
        frames = list(reply)
        if not reply:
            frames += self.default_response(endpoint, cluster_id, hdr, foundation.Status.SUCCESS)
        frames += [self.report(endpoint, cid, changed) for cid, changed in reports if changed]
        return frames
