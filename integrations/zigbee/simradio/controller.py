"""The simulated radio: a zigpy ControllerApplication whose network is a simulated world.

zigpy sees a radio like any other. Requests go out through `send_packet` as raw frames;
simulated nodes answer with raw frames that come back through `packet_received`, so the
interview, quirks and zha's cluster handlers run exactly as with hardware.
"""

# zigpy's types are only partly annotated (constructors of its int/enum types are untyped,
# packet fields are Optional); these error codes are zigpy's, not this module's.
# mypy: disable-error-code="no-untyped-call,arg-type,union-attr,attr-defined,call-overload"

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import zigpy.application
import zigpy.backups
import zigpy.config as conf
import zigpy.device
import zigpy.endpoint
import zigpy.exceptions
import zigpy.state
import zigpy.types as t
import zigpy.zdo.types as zdo_t

from .dumps import DeviceSpec, EndpointSpec
from .node import Frame, SimNode
from .world import World, close_world, open_world
from .zdo import device_announce, handle_zdo

_LOGGER = logging.getLogger(__name__)
RADIO_TYPE = "simulated"
COORDINATOR_NWK = 0x0000


class SimulatedController(zigpy.application.ControllerApplication):
    DISPLAY_NAME = "Simulated radio"
    DESCRIPTION = "Obhut's simulated Zigbee radio (no hardware)"

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.world: World | None = None
        self._connected = False
        self._endpoints: list[zdo_t.SimpleDescriptor] = []
        self._coordinator: SimNode | None = None

    # Radio lifecycle

    def _world(self) -> World:
        if self.world is None:
            raise zigpy.exceptions.ControllerException("the simulated radio is not connected")
        return self.world

    async def connect(self) -> None:
        world = open_world(self._config[conf.CONF_DEVICE][conf.CONF_DEVICE_PATH])
        if not world.radio_up:
            raise ConnectionRefusedError("simulated radio unplugged")
        self.world = world
        self._connected = True

    async def disconnect(self) -> None:
        self._connected = False
        if self.world is not None:
            self.world.save()

    async def shutdown(self, *, db: bool = True) -> None:
        await super().shutdown(db=db)
        if self.world is not None:
            close_world(self.world.path)
            self.world = None

    async def _watchdog_feed(self) -> None:
        if not (self._connected and self._world().radio_up):
            raise ConnectionError("simulated radio does not answer")

    # Network settings (a real radio keeps these in NVRAM; ours in the world file)

    async def load_network_info(self, *, load_devices: bool = False) -> None:
        world = self._world()
        if world.network is None:
            raise zigpy.exceptions.NetworkNotFormed("simulated network not formed")
        backup = zigpy.backups.NetworkBackup.from_dict(world.network)
        self.state.network_info = backup.network_info
        self.state.node_info = backup.node_info

    async def write_network_info(
        self, *, network_info: zigpy.state.NetworkInfo, node_info: zigpy.state.NodeInfo
    ) -> None:
        world = self._world()
        ieee = node_info.ieee
        if ieee == t.EUI64.UNKNOWN:
            ieee = t.EUI64.convert(world.coordinator_ieee)
        # zigpy hands over a plain int NWK when forming; its own backup loader later
        # insists on t.NWK, so the next start would fail to load what we stored.
        node_info = node_info.replace(ieee=ieee, nwk=t.NWK(COORDINATOR_NWK))
        network_info = network_info.replace(stack_specific={}, metadata={})
        backup = zigpy.backups.NetworkBackup(network_info=network_info, node_info=node_info)
        world.network = backup.as_dict()
        world.save()

    async def reset_network_info(self) -> None:
        world = self._world()
        world.network = None
        world.save()

    async def start_network(self) -> None:
        await self.load_network_info(load_devices=False)
        if not self._endpoints:
            await self.register_endpoints()
        self._add_coordinator_device()

    def _add_coordinator_device(self) -> None:
        ieee, nwk = self.state.node_info.ieee, self.state.node_info.nwk
        spec = DeviceSpec(
            ieee=str(ieee),
            nwk=int(nwk),
            manufacturer="Obhut",
            model="Simulated radio",
            node_descriptor={
                "logical_type": 0,
                "mac_capability_flags": 0x8E,
                "manufacturer_code": 0x1234,
                "maximum_buffer_size": 82,
                "maximum_incoming_transfer_size": 128,
                "server_mask": 0x2C41,
                "maximum_outgoing_transfer_size": 128,
                "descriptor_capability_field": 0,
                "complex_descriptor_available": 0,
                "user_descriptor_available": 0,
                "reserved": 0,
                "aps_flags": 0,
                "frequency_band": 8,
            },
            endpoints=tuple(
                EndpointSpec(
                    d.endpoint,
                    d.profile,
                    d.device_type,
                    tuple(d.input_clusters),
                    tuple(d.output_clusters),
                )
                for d in self._endpoints
            ),
        )
        self._coordinator = SimNode("coordinator", spec)
        self._coordinator.state.joined = True
        device = zigpy.device.Device(self, ieee, nwk)
        device.node_desc = self._coordinator.node_descriptor()
        device.manufacturer = spec.manufacturer
        device.model = spec.model
        for desc in self._endpoints:
            ep = device.add_endpoint(desc.endpoint)
            ep.profile_id = desc.profile
            ep.device_type = cast(Any, desc.device_type)
            for cluster in desc.input_clusters:
                ep.add_input_cluster(cluster)
            for cluster in desc.output_clusters:
                ep.add_output_cluster(cluster)
            ep.status = zigpy.endpoint.Status.ZDO_INIT
        self.devices[ieee] = device

    async def add_endpoint(self, descriptor: zdo_t.SimpleDescriptor) -> None:
        self._endpoints.append(descriptor)

    async def permit_ncp(self, time_s: int = 60) -> None:
        """Joining is driven by stimuli; the simulated coordinator lets anyone in."""

    async def permit_with_link_key(
        self, node: t.EUI64, link_key: t.KeyData, time_s: int = 60
    ) -> None:
        """Install codes are irrelevant without real crypto."""

    async def force_remove(self, dev: zigpy.device.Device) -> None:
        node = self._world().by_nwk(int(dev.nwk))
        if node is not None:
            node.state.joined = False

    # Frames

    async def send_packet(self, packet: t.ZigbeePacket) -> None:
        if not (self._connected and self.world is not None and self.world.radio_up):
            raise zigpy.exceptions.DeliveryError("simulated radio not connected")
        dst = packet.dst
        if dst.addr_mode in (t.AddrMode.Broadcast, t.AddrMode.Group):
            return  # broadcasts (permit join, group commands) expect no answer
        if dst.addr_mode == t.AddrMode.IEEE:
            node = next((n for n in self.world.nodes.values() if n.ieee == str(dst.address)), None)
        elif int(dst.address) == COORDINATOR_NWK:
            node = self._coordinator
        else:
            node = self.world.by_nwk(int(dst.address))
        if node is None or not node.state.joined or node.state.silent:
            # What a real radio reports when nothing acknowledges: fast, not a timeout.
            raise zigpy.exceptions.DeliveryError(
                f"no ACK from {dst}", status=t.MACStatus.MAC_NO_ACK
            )
        try:
            frames = self._answer(node, packet)
        except Exception as exc:  # a node bug must not stall zigpy: fail the send loudly
            _LOGGER.exception("simulated node %s failed on %r", node.name, packet)
            raise zigpy.exceptions.DeliveryError(f"simulated node failed: {exc!r}") from exc
        loop = asyncio.get_running_loop()
        for frame in frames:
            # After send_packet returns, as a real radio's answer comes after the send.
            loop.call_soon(self.deliver, node, frame)

    def _answer(self, node: SimNode, packet: t.ZigbeePacket) -> list[Frame]:
        data = packet.data.serialize()
        if packet.dst_ep == 0:
            answer = handle_zdo(node, int(packet.cluster_id), data)
            if answer is None:
                return []
            cluster, frame = answer
            return [Frame(0, 0, 0, cluster, frame)]
        return node.handle_zcl(int(packet.dst_ep), int(packet.cluster_id), data)

    def deliver(self, node: SimNode, frame: Frame) -> None:
        """Hand a frame from a node to zigpy, as a radio does with what it hears."""
        if not (self._connected and self.world is not None and self.world.radio_up):
            return
        if node.state.silent or not node.state.joined:
            return
        packet = t.ZigbeePacket(
            src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=t.NWK(node.nwk)),
            src_ep=frame.src_ep,
            dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=t.NWK(COORDINATOR_NWK)),
            dst_ep=frame.dst_ep,
            profile_id=frame.profile_id,
            cluster_id=frame.cluster_id,
            data=t.SerializableBytes(frame.data),
            lqi=220,
            rssi=-50,
        )
        try:
            self.packet_received(packet)
        except Exception:
            _LOGGER.warning(
                "dropped a malformed frame from %s (cluster 0x%04X): %s",
                node.name,
                frame.cluster_id,
                frame.data.hex(),
                exc_info=True,
            )

    # Stimuli that need the radio

    def announce(self, node: SimNode) -> None:
        """The node joins: the radio passes on its device announcement."""
        node.state.joined = True
        node.state.silent = False
        self.deliver(node, Frame(0, 0, 0, zdo_t.ZDOCmd.Device_annce, device_announce(node)))

    def leave(self, node: SimNode) -> None:
        node.state.joined = False
        self.handle_leave(t.NWK(node.nwk), t.EUI64.convert(node.ieee))

    def radio_lost(self) -> None:
        """Unplug the radio: zigpy is told the connection is gone, sends fail."""
        self._world().radio_up = False
        self._connected = False
        self.connection_lost(ConnectionError("simulated radio unplugged"))

    def radio_back(self) -> None:
        """Plug the radio back in; the gateway reconnects."""
        if self.world is not None:
            self.world.radio_up = True
