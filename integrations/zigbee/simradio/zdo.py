"""ZDO answers of a simulated node: the interview (descriptors), binds, leave.

Every request gets a response frame; an unanswered one would stall zigpy's interview
until its timeout, which no real device does.
"""

# zigpy's types are only partly annotated (constructors of its int/enum types are untyped,
# packet fields are Optional); these error codes are zigpy's, not this module's.
# mypy: disable-error-code="no-untyped-call,arg-type,union-attr,attr-defined,call-overload"

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import zigpy.types as t
import zigpy.zdo.types as zdo_t

if TYPE_CHECKING:
    from .node import SimNode

_LOGGER = logging.getLogger(__name__)
ZDOCmd = zdo_t.ZDOCmd
Status = zdo_t.Status


def zdo_frame(tsn: int, command: Any, *args: Any) -> bytes:
    """Serialize a ZDO frame from its declared schema."""
    _, schema = zdo_t.CLUSTERS[command]
    return bytes(t.uint8_t(tsn).serialize() + t.serialize(list(args), schema))


def device_announce(node: SimNode) -> bytes:
    capability = node.spec.node_descriptor.get("mac_capability_flags", 0x80)
    return zdo_frame(
        node.next_tsn(),
        ZDOCmd.Device_annce,
        t.NWK(node.nwk),
        t.EUI64.convert(node.ieee),
        capability,
    )


def handle_zdo(node: SimNode, cluster_id: int, data: bytes) -> tuple[int, bytes] | None:
    """Answer one ZDO request: (response cluster, frame), or None for notifications."""
    tsn, payload = t.uint8_t.deserialize(data)
    node.zdo_received.append(cluster_id)
    try:
        command = ZDOCmd(cluster_id)
    except ValueError:
        return None
    if command not in zdo_t.CLUSTERS or cluster_id & 0x8000:
        return None  # a response or an announcement: nothing to answer
    _, schema = zdo_t.CLUSTERS[command]
    args, _ = t.deserialize(payload, schema)
    response = ZDOCmd(cluster_id | 0x8000)
    nwk = t.NWK(node.nwk)

    if command == ZDOCmd.Node_Desc_req:
        return response, zdo_frame(tsn, response, Status.SUCCESS, nwk, node.node_descriptor())
    if command == ZDOCmd.Active_EP_req:
        endpoints = t.LVList[t.uint8_t, t.uint8_t]([ep.id for ep in node.spec.endpoints])
        return response, zdo_frame(tsn, response, Status.SUCCESS, nwk, endpoints)
    if command == ZDOCmd.Simple_Desc_req:
        wanted = args[1]
        for ep in node.spec.endpoints:
            if ep.id == wanted:
                descriptor = zdo_t.SizePrefixedSimpleDescriptor(
                    endpoint=ep.id,
                    profile=ep.profile_id,
                    device_type=ep.device_type,
                    device_version=1,
                    input_clusters=list(ep.in_clusters),
                    output_clusters=list(ep.out_clusters),
                )
                return response, zdo_frame(tsn, response, Status.SUCCESS, nwk, descriptor)
        return response, zdo_frame(tsn, response, Status.NOT_ACTIVE, nwk, None)
    if command in (ZDOCmd.Bind_req, ZDOCmd.Unbind_req):
        _, src_ep, cluster, _dst = args
        key = f"{int(src_ep)}/{int(cluster)}"
        if command == ZDOCmd.Bind_req and key not in node.state.bindings:
            node.state.bindings.append(key)
        elif command == ZDOCmd.Unbind_req and key in node.state.bindings:
            node.state.bindings.remove(key)
        return response, zdo_frame(tsn, response, Status.SUCCESS)
    if command in (ZDOCmd.IEEE_addr_req, ZDOCmd.NWK_addr_req):
        return response, zdo_frame(
            tsn, response, Status.SUCCESS, t.EUI64.convert(node.ieee), nwk, None, None, None
        )
    if command == ZDOCmd.Mgmt_Leave_req:
        node.state.joined = False
        return response, zdo_frame(tsn, response, Status.SUCCESS)
    if command in (ZDOCmd.Mgmt_Permit_Joining_req,):
        return response, zdo_frame(tsn, response, Status.SUCCESS)
    if command in (ZDOCmd.Mgmt_Lqi_req, ZDOCmd.Mgmt_Rtg_req):
        # Sleepy sensors have no neighbour or routing tables.
        return response, zdo_frame(tsn, response, Status.NOT_SUPPORTED, None)
    _LOGGER.debug("%s: ZDO %s not supported", node.name, command.name)
    rsp_schema: tuple[Any, ...] = tuple(zdo_t.CLUSTERS.get(response, ((), ()))[1])
    if len(rsp_schema) == 1:  # status-only responses can always say "not supported"
        return response, zdo_frame(tsn, response, Status.NOT_SUPPORTED)
    return None
