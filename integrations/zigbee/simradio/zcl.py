"""A simulated node's answers to ZCL requests from the coordinator, as raw frames.

Reads, writes, reporting setup, discovery and cluster commands: zigpy's declared types
build every answer, so the real zigpy/zha/quirks stack does all the interpreting.
"""

# zigpy's types are only partly annotated (constructors of its int/enum types are untyped,
# packet fields are Optional); these error codes are zigpy's, not this module's.
# mypy: disable-error-code="no-untyped-call,arg-type,union-attr,attr-defined,call-overload"

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import zigpy.zcl
from zigpy.zcl import foundation

from . import behaviours
from .node import Frame, ReceivedCommand
from .values import to_json

if TYPE_CHECKING:
    from .node import SimNode

Cmd = foundation.GeneralCommand
_WRITES = (Cmd.Write_Attributes, Cmd.Write_Attributes_Undivided, Cmd.Write_Attributes_No_Response)


def handle_zcl(node: SimNode, endpoint: int, cluster_id: int, data: bytes) -> list[Frame]:
    """Answer one ZCL frame addressed to `node`."""
    hdr, payload = foundation.ZCLHeader.deserialize(data)
    to_client = hdr.frame_control.direction == foundation.Direction.Server_to_Client
    if hdr.frame_control.is_general:
        if to_client:
            # To one of the device's client clusters (OTA): no attributes we know.
            return _client_general(node, endpoint, cluster_id, hdr, payload)
        return _general(node, endpoint, cluster_id, hdr, payload)
    if to_client:
        return []  # answers to commands the device sent (OTA, Tuya): nothing to say back
    return _cluster_command(node, endpoint, cluster_id, hdr, payload)


def reply(
    node: SimNode,
    endpoint: int,
    cluster_id: int,
    hdr: foundation.ZCLHeader,
    command: Any,
    body: Any,
) -> Frame:
    """A general command answering the request `hdr`."""
    rsp = foundation.ZCLHeader.general(
        hdr.tsn, command, hdr.manufacturer, hdr.frame_control.direction.flip()
    )
    return node.frame(endpoint, cluster_id, rsp, body)


def default_response(
    node: SimNode,
    endpoint: int,
    cluster_id: int,
    hdr: foundation.ZCLHeader,
    status: foundation.Status,
) -> list[Frame]:
    if hdr.frame_control.disable_default_response and status == foundation.Status.SUCCESS:
        return []
    body = foundation.DefaultResponse(command_id=hdr.command_id, status=status)
    return [reply(node, endpoint, cluster_id, hdr, Cmd.Default_Response, body)]


def _client_general(
    node: SimNode, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, payload: bytes
) -> list[Frame]:
    if hdr.command_id != Cmd.Read_Attributes:
        return default_response(
            node, endpoint, cluster_id, hdr, foundation.Status.UNSUP_GENERAL_COMMAND
        )
    request, _ = foundation.GENERAL_COMMANDS[Cmd.Read_Attributes].schema.deserialize(payload)
    records = [
        foundation.ReadAttributeRecord(attrid=a, status=foundation.Status.UNSUPPORTED_ATTRIBUTE)
        for a in request.attribute_ids
    ]
    body = foundation.ReadAttributesResponse(status_records=records)
    return [reply(node, endpoint, cluster_id, hdr, Cmd.Read_Attributes_rsp, body)]


def _general(
    node: SimNode, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, payload: bytes
) -> list[Frame]:
    command_def = foundation.GENERAL_COMMANDS.get(hdr.command_id)
    if command_def is None:
        return default_response(
            node, endpoint, cluster_id, hdr, foundation.Status.UNSUP_GENERAL_COMMAND
        )
    request, _ = command_def.schema.deserialize(payload)
    command = hdr.command_id
    if command == Cmd.Read_Attributes:
        records = [_read(node, endpoint, cluster_id, int(a)) for a in request.attribute_ids]
        body = foundation.ReadAttributesResponse(status_records=records)
        return [reply(node, endpoint, cluster_id, hdr, Cmd.Read_Attributes_rsp, body)]
    if command in _WRITES:
        return _write(node, endpoint, cluster_id, hdr, request)
    if command == Cmd.Configure_Reporting:
        ok = foundation.ConfigureReportingResponse(
            [foundation.ConfigureReportingResponseRecord(status=foundation.Status.SUCCESS)]
        )
        rsp_schema = foundation.GENERAL_COMMANDS[Cmd.Configure_Reporting_rsp].schema
        return [
            reply(
                node,
                endpoint,
                cluster_id,
                hdr,
                Cmd.Configure_Reporting_rsp,
                rsp_schema(status_records=ok),
            )
        ]
    if command in (Cmd.Discover_Attributes, Cmd.Discover_Attribute_Extended):
        return _discover(node, endpoint, cluster_id, hdr, command)
    if command in (Cmd.Discover_Commands_Received, Cmd.Discover_Commands_Generated):
        rsp_cmd = Cmd(command + 1)
        rsp_schema = foundation.GENERAL_COMMANDS[rsp_cmd].schema
        return [
            reply(
                node,
                endpoint,
                cluster_id,
                hdr,
                rsp_cmd,
                rsp_schema(discovery_complete=True, command_ids=[]),
            )
        ]
    if command == Cmd.Default_Response:
        return []
    return default_response(
        node, endpoint, cluster_id, hdr, foundation.Status.UNSUP_GENERAL_COMMAND
    )


def _write(
    node: SimNode, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, request: Any
) -> list[Frame]:
    for record in request.attributes:
        node.set(endpoint, cluster_id, int(record.attrid), to_json(record.value.value))
    # A device reports a written setting back (a TRV its new setpoint).
    echo = {
        int(r.attrid): node.get(endpoint, cluster_id, int(r.attrid)) for r in request.attributes
    }
    report = [node.report(endpoint, cluster_id, echo, manufacturer=hdr.manufacturer)]
    if hdr.command_id == Cmd.Write_Attributes_No_Response:
        return report
    ok = [foundation.WriteAttributesStatusRecord(status=foundation.Status.SUCCESS)]
    written = foundation.WriteAttributesResponseSchema(status_records=ok)
    return [reply(node, endpoint, cluster_id, hdr, Cmd.Write_Attributes_rsp, written), *report]


def _read(
    node: SimNode, endpoint: int, cluster_id: int, attr_id: int
) -> foundation.ReadAttributeRecord:
    value = node.get(endpoint, cluster_id, attr_id)
    if value is None:
        return foundation.ReadAttributeRecord(
            attrid=attr_id, status=foundation.Status.UNSUPPORTED_ATTRIBUTE
        )
    typed = node.typed(endpoint, cluster_id, attr_id, value)
    return foundation.ReadAttributeRecord(
        attrid=attr_id, status=foundation.Status.SUCCESS, value=typed
    )


def _discover(
    node: SimNode, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, command: Any
) -> list[Frame]:
    prefix = f"{endpoint}/{cluster_id}/"
    ids = sorted(int(k.rsplit("/", 1)[1]) for k in node.state.attributes if k.startswith(prefix))
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
                datatype=node.typed(
                    endpoint, cluster_id, i, node.get(endpoint, cluster_id, i)
                ).type,
            )
            for i in ids
        ]
        body = rsp_schema(discovery_complete=True, attribute_info=info)
    else:
        body = rsp_schema(discovery_complete=True, extended_attr_info=[])
    return [reply(node, endpoint, cluster_id, hdr, rsp_cmd, body)]


def _cluster_command(
    node: SimNode, endpoint: int, cluster_id: int, hdr: foundation.ZCLHeader, payload: bytes
) -> list[Frame]:
    cluster_cls = zigpy.zcl.Cluster._registry.get(cluster_id)
    command_def = cluster_cls.server_commands.get(hdr.command_id) if cluster_cls else None
    if command_def is None:
        # A manufacturer command zigpy does not declare: accept it as the device would.
        node.received.append(
            ReceivedCommand(endpoint, cluster_id, f"0x{hdr.command_id:02x}", {"raw": payload.hex()})
        )
        return default_response(node, endpoint, cluster_id, hdr, foundation.Status.SUCCESS)
    args, _ = command_def.schema.deserialize(payload)
    kwargs = {name: getattr(args, name) for name in args.as_dict()}
    node.received.append(ReceivedCommand(endpoint, cluster_id, command_def.name, kwargs))
    reports, specific = behaviours.apply(
        node, endpoint, cluster_id, command_def.name, kwargs, hdr.tsn
    )
    frames = list(specific)
    if not specific:
        frames += default_response(node, endpoint, cluster_id, hdr, foundation.Status.SUCCESS)
    frames += [node.report(endpoint, cid, changed) for cid, changed in reports if changed]
    return frames
