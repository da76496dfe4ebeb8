"""zha entities in, Obhut observations out: the Zigbee network as an observation source."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hub.clock import Clock
from hub.entities import EntityRegistry
from hub.model import Capability, Observation, Value
from integrations.base import Publish
from integrations.zigbee.health import silence_allowed
from integrations.zigbee.mapping import ZhaEntityInfo, map_device, read_value

log = logging.getLogger(__name__)

STATE_CHANGED = "state_changed"  # zha.const.STATE_CHANGED; zha is imported only when used
DEVICE_FULL_INIT = "device_fully_initialized"
CONNECTION_LOST = "connection_lost"
RADIO_ENTITY = "radio.zigbee"
RETRY_FIRST = 5  # seconds until a radio that would not start is tried again, doubling
RETRY_MAX = 300

# A press is an event, not a state: the value a button shows when it (re)joins says nothing,
# and a second press may leave zha's entity as it was. Presses come from the entity turning
# on or from the device's zha events (quirks turn button frames into those), whichever is
# first; the other one within PRESS_DEBOUNCE is the same press.
MOMENTARY = frozenset({Capability.SOS_BUTTON, Capability.CHECK_IN})
PRESS_DEBOUNCE = timedelta(seconds=2)
ZHA_EVENT = "zha_event"

GatewayFactory = Callable[[], AbstractAsyncContextManager[Any]]


@dataclass
class Binding:
    """One Obhut entity and the zha entity it is read from."""

    entity_id: str
    reads: str
    zha_entity: Any
    last: Value | None = None
    unsubscribe: Callable[[], None] | None = None
    momentary: bool = False
    pressed_at: datetime | None = None
    toggles: bool = False  # a visit button: each press checks in, or out


@dataclass
class DeviceView:
    ieee: str
    model: str
    manufacturer: str
    zha_device: Any
    bindings: list[Binding] = field(default_factory=list)
    available: bool | None = None
    unsubscribe: Callable[[], None] | None = None


class ZigbeeSource:
    """Runs the zha gateway and publishes every care-relevant change as an observation."""

    name = "zigbee"

    def __init__(self, gateway: GatewayFactory, registry: EntityRegistry, clock: Clock) -> None:
        self._open_gateway = gateway
        self._registry = registry
        self._clock = clock
        self._publish: Publish | None = None
        self.zigbee: Any = None  # the ZigbeeGateway while running
        self.gateway: Any = None  # zha's Gateway while running
        self.devices: dict[str, DeviceView] = {}
        self.by_entity: dict[str, Binding] = {}
        self.ready = asyncio.Event()
        # Whether a carer's visit is open now: the hub's visit log answers (a press then
        # checks out); without one, every press checks in.
        self.visit_open: Callable[[], bool] = lambda: False

    async def run(self, publish: Publish) -> None:
        """Run the gateway; a radio that cannot be opened is reported and tried again."""
        self._publish = publish
        delay = RETRY_FIRST
        while True:
            try:
                await self._serve()
                return
            except asyncio.CancelledError:
                raise
            except Exception as e:  # a missing stick, a busy port, a radio that does not answer
                log.error("the Zigbee radio cannot be started (%s); trying again in %d s", e, delay)
                self._emit(RADIO_ENTITY, False)
                await self._clock.sleep_until(self._clock.now() + timedelta(seconds=delay))
                delay = min(delay * 2, RETRY_MAX)

    async def _serve(self) -> None:
        async with self._open_gateway() as zigbee:
            self.zigbee = zigbee
            self.gateway = gateway = zigbee.gateway
            for device in list(gateway.devices.values()):
                self._attach(device)
            unsubs = [
                gateway.on_event(DEVICE_FULL_INIT, self._on_device_initialized),
                gateway.on_event(CONNECTION_LOST, self._on_connection_lost),
            ]
            self._emit(RADIO_ENTITY, True)
            self.ready.set()
            log.info(
                "Zigbee ready: %d devices, %d entities for rules",
                len(self.devices),
                len(self.by_entity),
            )
            try:
                while True:  # the gateway reconnects a lost radio by itself; say when it is back
                    await zigbee.reconnected.wait()
                    zigbee.reconnected.clear()
                    self._emit(RADIO_ENTITY, True)
            finally:
                for unsub in unsubs:
                    unsub()
                for view in self.devices.values():
                    self._detach(view)

    def use_registry(self, registry: EntityRegistry) -> None:
        """After a configuration reload: map every device again (rooms and roles may differ)."""
        self._registry = registry
        if self.gateway is not None:
            for view in list(self.devices.values()):
                self._attach(view.zha_device)

    def _on_device_initialized(self, event: Any) -> None:
        device = self.gateway.devices.get(event.device_info.ieee)
        if device is not None:
            self._attach(device)

    def _on_connection_lost(self, event: Any) -> None:
        log.warning("the Zigbee radio was lost: %s", getattr(event, "exception", event))
        self._emit(RADIO_ENTITY, False)

    def _attach(self, device: Any) -> None:
        if getattr(device, "is_coordinator", False):
            return
        ieee = str(device.ieee)
        old = self.devices.pop(ieee, None)
        if old is not None:
            self._detach(old)
        view = DeviceView(ieee, str(device.model), str(device.manufacturer), device)
        self.devices[ieee] = view
        allowed = silence_allowed(device)
        if allowed is not None:
            device.consider_unavailable_time = allowed
        entities = {
            ZhaEntityInfo.from_entity(e).unique_id: e for e in device.platform_entities.values()
        }
        infos = [ZhaEntityInfo.from_entity(e) for e in entities.values()]
        mapped = map_device(infos, view.model)
        if self._registry.for_device(ieee, Capability.AVAILABLE) is None and mapped:
            log.info("unassigned device %s (%s %s) joined", ieee, view.manufacturer, view.model)
        for capability, (info, row) in mapped.items():
            target = self._registry.for_device(ieee, capability)
            if target is None:
                continue
            binding = Binding(target.id, row.reads, entities[info.unique_id])
            if capability in MOMENTARY:
                binding.momentary = True
                binding.toggles = target.capability is Capability.VISIT
                binding.last = read_value(row.reads, binding.zha_entity)
            binding.unsubscribe = binding.zha_entity.on_event(
                STATE_CHANGED, lambda _e, b=binding: self._changed(b)
            )
            view.bindings.append(binding)
            self.by_entity[target.id] = binding
            self._changed(binding)
        presses = [b for b in view.bindings if b.momentary]
        if presses:

            def pressed(_event: Any, presses: list[Binding] = presses) -> None:
                for binding in presses:
                    self._press(binding)

            view.unsubscribe = device.on_event(ZHA_EVENT, pressed)
        self._availability(view)

    def _press(self, binding: Binding) -> None:
        now = self._clock.now()
        if binding.pressed_at is not None and now - binding.pressed_at < PRESS_DEBOUNCE:
            return
        binding.pressed_at = now
        binding.last = True  # the zha entity's value; a toggle's meaning is the visit's
        self._emit(binding.entity_id, not self.visit_open() if binding.toggles else True)

    def _detach(self, view: DeviceView) -> None:
        if view.unsubscribe is not None:
            view.unsubscribe()
            view.unsubscribe = None
        for binding in view.bindings:
            if binding.unsubscribe is not None:
                binding.unsubscribe()
            self.by_entity.pop(binding.entity_id, None)
        view.bindings.clear()

    def _changed(self, binding: Binding) -> None:
        entity = binding.zha_entity
        view = self.devices.get(str(entity.device.ieee))
        if view is not None:
            self._availability(view)
        if not getattr(entity, "available", True):
            return
        value = read_value(binding.reads, entity)
        if binding.momentary and value is True and binding.last is not True:
            self._press(binding)
            return
        if value is None or value == binding.last:
            return
        binding.last = value
        self._emit(binding.entity_id, value)

    def _availability(self, view: DeviceView) -> None:
        available = bool(view.zha_device.available)
        if available == view.available:
            return
        view.available = available
        target = self._registry.for_device(view.ieee, Capability.AVAILABLE)
        if target is not None:
            self._emit(target.id, available)

    def _emit(self, entity_id: str, value: Value) -> None:
        if self._publish is not None:
            self._publish(Observation(self._clock.now(), entity_id, value, self.name))
