"""Drive simulated devices: capability-level changes become the frames that model really sends.

A motion on an Aqara sensor is an Occupancy report (its quirk turns that into IAS motion),
on a Hue sensor an Occupancy report on endpoint 2, on an IAS-only device a zone status
change notification; a Tuya TS0601 speaks datapoints on cluster 0xEF00. zha must do the
interpreting, as with the real devices.
"""

# zigpy's types are only partly annotated (constructors of its int/enum types are untyped,
# packet fields are Optional); these error codes are zigpy's, not this module's.
# mypy: disable-error-code="no-untyped-call,arg-type,union-attr,attr-defined,call-overload"

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import zigpy.types as t
import zigpy.zcl.clusters.security as security

from .node import Frame, SimNode

if TYPE_CHECKING:
    from .controller import SimulatedController

BASIC, POWER, ON_OFF, LEVEL = 0x0000, 0x0001, 0x0006, 0x0008
THERMOSTAT, ILLUMINANCE, TEMPERATURE, HUMIDITY, OCCUPANCY = 0x0201, 0x0400, 0x0402, 0x0405, 0x0406
IAS_ZONE, ELECTRICAL, AQARA, TUYA = 0x0500, 0x0B04, 0xFCC0, 0xEF00
ANALOG_INPUT, OWON_FALL = 0x000C, 0xFD00
AQARA_MANUFACTURER, OWON_MANUFACTURER = 0x115F, 0x113C
# OWON FDS315 status (0xFD00/0x0000): what the radar sees.
UNOCCUPIED, OCCUPIED, IN_BED, FALLING = 0, 1, 3, 5
_OWON_MFR_HEADER = True

CAPABILITIES = (
    "motion", "presence", "contact", "water_leak", "smoke", "temperature", "humidity",
    "illuminance", "battery", "on", "brightness", "power", "setpoint", "fall", "heart_rate",
    "respiratory_rate", "in_bed", "sos",
)  # fmt: skip


class UnsupportedCapability(ValueError):
    """The device cannot express that capability."""


def _ias_zone(node: SimNode, alarm: bool) -> Frame:
    ep = node.spec.endpoint_with(IAS_ZONE)
    assert ep is not None
    status = int(alarm)  # bit 0: alarm1 (motion, open, leak, smoke depending on the zone type)
    node.set(ep, IAS_ZONE, 0x0002, status)
    schema = security.IasZone.client_commands[0x00].schema
    payload = schema(zone_status=status, extended_status=0, zone_id=0, delay=0).serialize()
    return node.command(ep, IAS_ZONE, 0x00, payload)


def _report(
    cluster: int, attr: int, convert: Callable[[Any], Any]
) -> Callable[[SimNode, Any], list[Frame]]:
    def make(node: SimNode, value: Any) -> list[Frame]:
        ep = node.spec.endpoint_with(cluster)
        assert ep is not None
        return [node.report(ep, cluster, {attr: convert(value)})]

    return make


def _tuya(dp: int, scale: float) -> Callable[[SimNode, Any], list[Frame]]:
    def make(node: SimNode, value: Any) -> list[Frame]:
        from zhaquirks.tuya import TuyaCommand, TuyaData, TuyaDatapointData

        raw = round(float(value) / scale)
        command = TuyaCommand(
            status=0,
            tsn=node.next_tsn(),
            datapoints=[TuyaDatapointData(dp=dp, data=TuyaData(t.int32s_be(raw)))],
        )
        # 0x02: the MCU reports a datapoint (get_data / set_data_response).
        return [node.command(1, TUYA, 0x02, command.serialize())]

    return make


def _lux(value: Any) -> int:
    return round(10000 * math.log10(float(value)) + 1) if float(value) > 0 else 0


def _has(node: SimNode, cluster: int) -> bool:
    return node.spec.endpoint_with(cluster) is not None


def _is(node: SimNode, manufacturer: str, *models: str) -> bool:
    return node.spec.manufacturer.lower() == manufacturer.lower() and (
        not models or node.spec.model in models
    )


def _owon_status(node: SimNode, capability: str, value: Any) -> list[Frame]:
    # One status attribute carries presence, bed and fall; "not in bed" leaves someone present.
    current = node.get(1, OWON_FALL, 0x0000)
    status = int(current) if isinstance(current, int) else UNOCCUPIED
    on = bool(value)
    if capability == "presence":
        status = (status or OCCUPIED) if on else UNOCCUPIED
    elif capability == "in_bed":
        status = IN_BED if on else OCCUPIED
    else:
        status = FALLING if on else OCCUPIED
    return [
        node.report(
            1,
            OWON_FALL,
            {0x0000: status},
            manufacturer=OWON_MANUFACTURER if _OWON_MFR_HEADER else None,
        )
    ]


def _owon_fall(node: SimNode, capability: str) -> Callable[[SimNode, Any], list[Frame]] | None:
    if capability in ("presence", "in_bed", "fall", "motion"):
        cap = "presence" if capability == "motion" else capability
        return lambda n, v: _owon_status(n, cap, v)
    if capability == "respiratory_rate":
        return lambda n, v: [
            n.report(
                1,
                OWON_FALL,
                {0x0002: round(float(v))},
                manufacturer=OWON_MANUFACTURER if _OWON_MFR_HEADER else None,
            )
        ]
    return None


def _analog(endpoint: int) -> Callable[[SimNode, Any], list[Frame]]:
    return lambda n, v: [n.report(endpoint, ANALOG_INPUT, {0x0055: float(v)})]


_VITAL_SIGN_ENDPOINTS = {"heart_rate": 2, "respiratory_rate": 3}  # VITAL_SIGN_PROFILE.md


def _zone_type(node: SimNode) -> int | None:
    ep = node.spec.endpoint_with(IAS_ZONE)
    value = node.get(ep, IAS_ZONE, 0x0001) if ep is not None else None
    return int(value) if isinstance(value, int) else None


_TUYA_SOIL = {"temperature": _tuya(5, 1.0), "battery": _tuya(15, 1.0)}
# Zone types of detectors: their alarm is the reading, not a press of a button.
_ALARM_ZONES = frozenset({0x000D, 0x0015, 0x002A, 0x0028})
_ZONE_FOR = {"motion": (0x000D,), "contact": (0x0015,), "water_leak": (0x002A,), "smoke": (0x0028,)}


def encoder(node: SimNode, capability: str) -> Callable[[SimNode, Any], list[Frame]] | None:
    """How this model sends `capability`, or None if it cannot."""
    if _is(node, "OWON", "FDS315", "FDS315-AH"):
        return _owon_fall(node, capability)
    if _is(node, "Obhut", "vital-sign-radar") and capability in _VITAL_SIGN_ENDPOINTS:
        return _analog(_VITAL_SIGN_ENDPOINTS[capability])
    if _is(node, "OWON", "SPM915") and capability == "in_bed":
        return lambda n, v: [_ias_zone(n, bool(v))]  # the pad's contact zone: alarm1 = in bed
    if node.spec.model == "TS0601" and _has(node, TUYA):
        return _TUYA_SOIL.get(capability)
    if _is(node, "aqara", "lumi.motion.ac01") and capability in ("motion", "presence"):
        # The FP1 reports presence as a manufacturer attribute on its Aqara cluster.
        return lambda n, v: [
            n.report(1, AQARA, {0x0142: int(bool(v))}, manufacturer=AQARA_MANUFACTURER)
        ]
    if capability in ("motion", "presence") and _has(node, OCCUPANCY):
        return _report(OCCUPANCY, 0x0000, lambda v: int(bool(v)))
    if capability == "contact" and _is(node, "lumi", "lumi.sensor_magnet.aq2"):
        return _report(ON_OFF, 0x0000, lambda v: int(bool(v)))
    if capability == "sos" and _has(node, IAS_ZONE) and _zone_type(node) not in _ALARM_ZONES:
        return lambda n, v: [_ias_zone(n, bool(v))]  # an SOS or remote button's press
    if capability in _ZONE_FOR and _has(node, IAS_ZONE):
        zone = _zone_type(node)
        if zone is None or zone in _ZONE_FOR[capability]:
            return lambda n, v: [_ias_zone(n, bool(v))]
    simple = {
        "temperature": (TEMPERATURE, 0x0000, lambda v: round(float(v) * 100)),
        "humidity": (HUMIDITY, 0x0000, lambda v: round(float(v) * 100)),
        "illuminance": (ILLUMINANCE, 0x0000, _lux),
        "battery": (POWER, 0x0021, lambda v: round(float(v) * 2)),
        "on": (ON_OFF, 0x0000, lambda v: int(bool(v))),
        "brightness": (LEVEL, 0x0000, lambda v: round(float(v) * 254 / 100)),
        "power": (ELECTRICAL, 0x050B, lambda v: round(float(v))),
        "setpoint": (THERMOSTAT, 0x0012, lambda v: round(float(v) * 100)),
    }
    if capability in simple and _has(node, simple[capability][0]):
        cluster, attr, convert = simple[capability]
        return _report(cluster, attr, convert)
    return None


def capabilities(node: SimNode) -> list[str]:
    return [c for c in CAPABILITIES if encoder(node, c) is not None]


def frames_for(node: SimNode, capability: str, value: Any) -> list[Frame]:
    """The frames `node` sends when `capability` becomes `value`."""
    if capability not in CAPABILITIES:
        raise UnsupportedCapability(
            f"unknown capability {capability!r}; known: {', '.join(CAPABILITIES)}"
        )
    make = encoder(node, capability)
    if make is None:
        can = ", ".join(capabilities(node)) or "nothing"
        raise UnsupportedCapability(
            f"{node.name} ({node.spec.manufacturer} {node.spec.model}) has no {capability!r}; "
            f"it can: {can}"
        )
    return make(node, value)


class Stimuli:
    """The Python API: what happens to simulated devices, applied through the radio."""

    def __init__(self, radio: SimulatedController) -> None:
        self.radio = radio

    def _node(self, device: str) -> SimNode:
        world = self.radio.world
        if world is None:
            raise RuntimeError("the simulated radio is not connected")
        return world.node(device)

    def set(self, device: str, **values: Any) -> None:
        node = self._node(device)
        for capability, value in values.items():
            for frame in frames_for(node, capability, value):
                self.radio.deliver(node, frame)

    def frame(
        self,
        device: str,
        *,
        cluster: int,
        attribute: int,
        value: Any,
        endpoint: int | None = None,
        manufacturer: int | None = None,
    ) -> None:
        """A raw attribute report, typed as the device's cluster declares it."""
        node = self._node(device)
        ep = endpoint if endpoint is not None else (node.spec.endpoint_with(cluster) or 1)
        report = node.report(ep, cluster, {attribute: value}, manufacturer=manufacturer)
        self.radio.deliver(node, report)

    def raw(
        self, device: str, *, cluster: int, data: bytes, endpoint: int = 1, profile: int = 0x0104
    ) -> None:
        """Bytes exactly as given (malformed frames included)."""
        node = self._node(device)
        self.radio.deliver(node, Frame(endpoint, 1, profile, cluster, data))

    def join(self, device: str) -> None:
        self.radio.announce(self._node(device))

    def leave(self, device: str) -> None:
        self.radio.leave(self._node(device))

    def silence(self, device: str, silent: bool = True) -> None:
        """A flat battery: the device stops answering and reporting."""
        self._node(device).state.silent = silent

    def radio_lost(self) -> None:
        self.radio.radio_lost()

    def radio_back(self) -> None:
        self.radio.radio_back()
