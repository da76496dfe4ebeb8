"""Start zha's Gateway on a radio (real or simulated) and own its lifecycle.

zha 2.x leaves reconnecting after a lost radio to its host (Home Assistant reloads the
whole integration). Obhut reconnects the zigpy application in place instead, so zha's
devices and entities, and whoever subscribed to them, survive a radio hiccup.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import zigpy.config as zconf
from zha.application import const as zha_const
from zha.application.gateway import Gateway
from zha.application.helpers import (
    CoordinatorConfiguration,
    DeviceOptions,
    QuirksConfiguration,
    ZHAConfiguration,
    ZHAData,
)

from .simradio.controller import RADIO_TYPE as SIMULATED
from .simradio.controller import SimulatedController
from .simradio.world import World, world_path

_LOGGER = logging.getLogger(__name__)
HARDWARE_RADIOS = ("ezsp", "znp", "deconz", "zigate", "xbee")
# A fixed channel makes forming skip the energy scan (simulated radio and tests).
SIMULATED_CHANNEL = 15
RECONNECT_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
# Battery devices may report only every few hours; a day and an hour of silence means gone.
# Mains devices keep zha's default (2 h). zha has one value per power source, not per device.
CONSIDER_UNAVAILABLE_BATTERY_S = 25 * 3600


@dataclass(frozen=True)
class RadioSettings:
    type: str
    path: str | None = None
    baudrate: int | None = None
    flow_control: str | None = None


class _SimulatedRadioType:
    """Stands in for zha's RadioType enum member, which has no simulated radio."""

    name = SIMULATED
    description = "Simulated = Obhut's simulated Zigbee radio"
    pretty_name = "Simulated"
    controller = SimulatedController


class ObhutGateway(Gateway):  # type: ignore[misc]
    """zha's Gateway, taught one more radio type."""

    @property
    def radio_type(self) -> Any:
        if self.config.config.coordinator_configuration.radio_type == SIMULATED:
            return _SimulatedRadioType
        return super().radio_type


class ZigbeeGateway:
    """A running zha Gateway with the few operations the hub needs."""

    def __init__(self, gateway: ObhutGateway, reconnect_delays: Sequence[float]) -> None:
        self.gateway = gateway
        self._reconnect_delays = tuple(reconnect_delays)
        self._reconnect_task: asyncio.Task[None] | None = None
        self.reconnected = asyncio.Event()
        self.application.add_listener(self)

    @property
    def application(self) -> Any:
        """The zigpy ControllerApplication."""
        return self.gateway.application_controller

    @property
    def radio(self) -> SimulatedController:
        """The simulated radio (only when the radio type is "simulated")."""
        app = self.application
        if not isinstance(app, SimulatedController):
            raise TypeError("not a simulated radio")
        return app

    @property
    def world(self) -> World:
        world = self.radio.world
        assert world is not None
        return world

    async def permit(self, seconds: int = 60) -> None:
        """Open the network for joining for `seconds`."""
        await self.application.permit(time_s=seconds)

    async def backup(self) -> dict[str, Any]:
        """A fresh network backup in zigpy's open coordinator backup JSON format."""
        backup = await self.application.backups.create_backup(load_devices=True)
        return cast(dict[str, Any], backup.as_open_coordinator_json())

    async def restore(self, backup: dict[str, Any]) -> None:
        """Write a backup (open coordinator JSON) to the radio."""
        import zigpy.backups

        await self.application.backups.restore_backup(
            zigpy.backups.NetworkBackup.from_open_coordinator_json(backup)
        )

    # zigpy application listener

    def connection_lost(self, exc: Exception) -> None:
        if self.gateway.shutting_down or (self._reconnect_task and not self._reconnect_task.done()):
            return
        _LOGGER.warning("Zigbee radio connection lost (%r); reconnecting", exc)
        self.reconnected.clear()
        self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        app = self.application
        if app._watchdog_task is not None:
            app._watchdog_task.cancel()
        attempt = 0
        while not self.gateway.shutting_down:
            try:
                await app.disconnect()
                await app.connect()
                await app.initialize(auto_form=False)
            except Exception as exc:
                delay = self._reconnect_delays[min(attempt, len(self._reconnect_delays) - 1)]
                _LOGGER.info("Zigbee radio not back yet (%r); next try in %.1f s", exc, delay)
                attempt += 1
                await asyncio.sleep(delay)
                continue
            _LOGGER.warning("Zigbee radio reconnected")
            self.reconnected.set()
            return

    async def close(self) -> None:
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect_task
        await self.gateway.shutdown()


def build_config(
    radio: RadioSettings,
    data_dir: Path,
    *,
    quirks_setup: Callable[[str | None], None] | None,
    custom_quirks: Path | None,
    channel: int | None = None,
) -> ZHAData:
    if radio.type != SIMULATED and radio.type not in HARDWARE_RADIOS:
        raise ValueError(
            f"unknown radio type {radio.type!r}; "
            f"expected one of {', '.join((*HARDWARE_RADIOS, SIMULATED))}"
        )
    if radio.type == SIMULATED:
        path = str(world_path(radio.path or data_dir))
        channel = channel or SIMULATED_CHANNEL
    elif radio.path is None:
        raise ValueError(f"radio type {radio.type!r} needs a serial port path")
    else:
        path = radio.path
        zha_const.RadioType[radio.type]  # fail early on a radio zha does not know
    coordinator = CoordinatorConfiguration(path=path, radio_type=radio.type)
    if radio.baudrate is not None:
        coordinator.baudrate = radio.baudrate
    if radio.flow_control is not None:
        coordinator.flow_control = radio.flow_control
    network: dict[str, Any] = {}
    if channel is not None:
        network[zconf.CONF_NWK_CHANNEL] = channel
    zigpy_config: dict[str, Any] = {
        zconf.CONF_DATABASE: str(data_dir / "zigbee.db"),
        zconf.CONF_NWK: network,
        zconf.CONF_OTA: {zconf.CONF_OTA_ENABLED: False},
        zconf.CONF_TOPO_SCAN_ENABLED: False,
    }
    return ZHAData(
        config=ZHAConfiguration(
            coordinator_configuration=coordinator,
            quirks_configuration=QuirksConfiguration(
                enabled=quirks_setup is not None,
                custom_quirks_path=str(custom_quirks) if custom_quirks else None,
                setup_function=quirks_setup,
            ),
            device_options=DeviceOptions(
                consider_unavailable_battery=CONSIDER_UNAVAILABLE_BATTERY_S
            ),
        ),
        zigpy_config=zigpy_config,
    )


@contextlib.asynccontextmanager
async def zigbee_gateway(
    radio: RadioSettings,
    data_dir: Path,
    *,
    quirks_setup: Callable[[str | None], None] | None,
    custom_quirks: Path | None = None,
    channel: int | None = None,
    reconnect_delays: Sequence[float] = RECONNECT_DELAYS,
) -> AsyncIterator[ZigbeeGateway]:
    """A started zha Gateway on `radio`, with its database in `data_dir`; shut down on exit."""
    data_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, at start
    config = build_config(
        radio, data_dir, quirks_setup=quirks_setup, custom_quirks=custom_quirks, channel=channel
    )
    gateway = await ObhutGateway.async_from_config(config)
    await gateway.async_initialize()
    await gateway.async_initialize_devices_and_entities()
    gw = ZigbeeGateway(gateway, reconnect_delays)
    try:
        yield gw
    finally:
        await gw.close()
