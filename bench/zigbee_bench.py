"""Zigbee through the whole stack, on the simulated radio.

- join: per device, from its announcement at the radio to zha's `device_fully_initialized`
  (ZDO interview, quirk resolution with its lazily imported modules, zha's cluster
  configuration and initial reads), for the 17 shared dumps and the 3 in tests/zigbee/devices;
- latency: an attribute report handed to zigpy's `packet_received` by the radio's delivery
  path, to the Observation on the hub's bus (after the store's add, which subscribes first);
- rate: reports per second through radio → zigpy → quirks → zha entity → ZigbeeSource →
  bus → store add, and with the store's commit of them;
- ready_50: a real `obhut run` subprocess on a data folder whose simulated flat has 50
  joined devices: time from spawn to the "Zigbee ready: 50 devices" log line, VmRSS then.

Set BENCH_VERBOSE=1 for one line per device joined.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DUMP_DIRS = (
    ROOT.parent / "shared" / "data" / "zigbee-devices",
    ROOT / "tests" / "zigbee" / "devices",
)
VERBOSE = os.environ.get("BENCH_VERBOSE", "") not in ("", "0")

TARGETS: dict[str, tuple[str, float]] = {
    "zigbee.report_latency_ms_p99": ("<=", 5.0),
    "zigbee.reports_per_s": (">=", 1000.0),
    "zigbee.ready_50_s_median": ("<=", 1.5),
    "zigbee.rss_50_mib_median": ("<=", 90.0),
}

LATENCY_REPORTS = 2_000
RATE_REPORTS = 5_000
RATE_BURST = 100  # reports delivered between two turns of the event loop
FLAT_SIZE = 50
RUNS = 5
JOIN_BOUND_S = 30.0  # safety bounds on waiting for real events, never sleeps
REPORT_BOUND_S = 1.0
PHASE_BOUND_S = 60.0
READY_BOUND_S = 30.0

# dump file stem -> (role in the flat, room kind used for its name)
ROLES = {
    "aqara-lumi-airrtc-aeu001": "thermostat",
    "aqara-lumi-motion-ac01": "presence",
    "bosch-rbsh-trv0-zb-eu": "thermostat",
    "ikea-of-sweden-parasoll-door-window-sensor": "window",
    "ikea-of-sweden-tradfri-bulb-e26-w-opal-1000lm": "light",
    "ikea-of-sweden-vallhorn-wireless-motion-sensor": "motion",
    "innr-sp-234": "plug",
    "lumi-lumi-sen-ill-mgl01": "other",
    "lumi-lumi-sensor-magnet-aq2": "door",
    "lumi-lumi-sensor-motion-aq2": "motion",
    "lumi-lumi-sensor-smoke-acn03": "smoke",
    "philips-sml001": "motion",
    "samjin-button": "sos_button",
    "signify-netherlands-b-v-lca005": "light",
    "sonoff-snzb-02d": "climate_sensor",
    "third-reality-inc-3rws18bz": "water_leak",
    "tze200-myd45weu-ts0601": "other",
    "obhut-vital-sign": "vital_signs",
    "owon-fds315": "fall",
    "owon-spm915": "bed",
}
ROOMS = ("flur", "bad", "kueche", "wohnzimmer", "schlafzimmer")
LATENCY_DEVICE = "sonoff-snzb-02d"  # a temperature report: one attribute, one entity
TEMPERATURE, MEASURED_VALUE = 0x0402, 0x0000


class _Collect(logging.Handler):
    """Warnings of the in-process hub, summarised after the figures instead of tracebacks."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        key = f"{record.levelname} {record.name}: {text[:160]}"
        self.seen[key] = self.seen.get(key, 0) + 1


def _dumps() -> list[Path]:
    return [p for folder in DUMP_DIRS for p in sorted(folder.glob("*.json"))]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _quiet_loop_errors(found: list[str]) -> None:
    """Collect event-loop callback errors (zigpy's fast-polling reset at shutdown) to summarise."""

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        found.append(str(context.get("exception") or context.get("message")))

    asyncio.get_running_loop().set_exception_handler(handler)


async def _join(gw: Any, name: str) -> float:
    """Announce simulated device `name`; seconds until zha has fully initialised it."""
    import zigpy.types as t

    node = gw.world.node(name)
    ieee = t.EUI64.convert(node.ieee)
    done = asyncio.Event()
    unsubscribe = gw.gateway.on_event(
        "device_fully_initialized", lambda e: done.set() if e.device_info.ieee == ieee else None
    )
    try:
        began = time.perf_counter()
        gw.radio.announce(node)
        await asyncio.wait_for(done.wait(), JOIN_BOUND_S)
        return time.perf_counter() - began
    finally:
        unsubscribe()


# Join + interview


async def _joins(data: Path, index: Any, errors: list[str]) -> dict[str, float]:
    from integrations.zigbee import quirks_index
    from integrations.zigbee.gateway import RadioSettings, zigbee_gateway
    from integrations.zigbee.runtime import CUSTOM_QUIRKS
    from integrations.zigbee.simradio.world import close_world, open_world

    _quiet_loop_errors(errors)
    world = open_world(data)
    for path in _dumps():
        world.add(path.stem, path)
    # As the hub on a first pairing: nothing in the database, quirk modules imported per model.
    setup = quirks_index.make_setup(index, set)
    took: dict[str, float] = {}
    try:
        async with zigbee_gateway(
            RadioSettings(type="simulated"), data, quirks_setup=setup, custom_quirks=CUSTOM_QUIRKS
        ) as gw:
            for path in _dumps():
                took[path.stem] = await _join(gw, path.stem)
    finally:
        close_world(data)
    return took


# A flat on disk: derived dumps with their own IEEE and NWK, a world and a config


def _derive_dumps(folder: Path, count: int) -> list[tuple[Path, str, str]]:
    """`count` dump copies cycling over the models, each with a distinct IEEE and NWK."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = _dumps()
    made = []
    for i in range(count):
        source = sources[i % len(sources)]
        raw = json.loads(source.read_text(encoding="utf-8"))
        # keep the vendor's OUI (some quirks and zigpy look at it), replace the rest
        oui = raw["ieee"].lower().split(":")[:3]
        raw["ieee"] = ":".join([*oui, "be", "ec", "00", f"{i >> 8:02x}", f"{i & 0xFF:02x}"])
        raw["nwk"] = 0x1000 + i
        path = folder / f"{i:02d}-{source.name}"
        path.write_text(json.dumps(raw), encoding="utf-8")
        made.append((path, raw["ieee"], source.stem))
    return made


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _write_flat(
    folder: Path, devices: list[tuple[Path, str, str]], data: Path, index: Path
) -> Path:
    """A data folder with the quirk index and an unjoined world, and its obhut.yaml."""
    from integrations.zigbee.simradio.world import close_world, open_world

    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(index, data / "quirk-index.json")
    world = open_world(data)
    lines = []
    for i, (path, ieee, model) in enumerate(devices):
        name = f"d{i:02d}-{model}"
        world.add(name, path)
        room = ROOMS[i % len(ROOMS)]
        lines.append(f'  "{ieee}": {{name: {name}, room: {room}, role: {ROLES[model]}}}')
    close_world(data)
    rooms = ", ".join(f"{r}: {{name: {r.capitalize()}}}" for r in ROOMS)
    config = folder / "obhut.yaml"
    config.write_text(
        "home: {name: Bench, timezone: Europe/Berlin}\n"
        f"rooms: {{{rooms}}}\n"
        "devices:\n" + "\n".join(lines) + "\n"
        'contacts: {anna: {name: Anna, role: family, phone: "+4917600000001"}}\n'
        "escalation: {default: {tiers: [{contacts: [anna]}]}}\n"
        "rules:\n  - {kind: inactivity, duration: 3h}\n  - {kind: panic}\n"
        "zigbee: {radio: {type: simulated}}\n"
        f"web: {{host: 127.0.0.1, port: {_free_port()}}}\n"
        f"storage: {{data_dir: {data}}}\n",
        encoding="utf-8",
    )
    return config


@asynccontextmanager
async def _hub(config: Path, errors: list[str]) -> AsyncIterator[Any]:
    """The hub in this process on `config`, its radio ready; the world saved on exit."""
    from hub.app import Hub
    from hub.clock import SystemClock
    from hub.config import load_config
    from integrations.zigbee.simradio.world import close_world

    _quiet_loop_errors(errors)
    cfg = load_config(config)
    try:
        async with Hub.running(cfg, config, SystemClock()) as hub:
            assert hub.zigbee is not None
            await asyncio.wait_for(hub.zigbee.ready.wait(), READY_BOUND_S)
            yield hub
    finally:
        close_world(cfg.storage.data_dir)


async def _join_all(config: Path, errors: list[str]) -> float:
    """Join every device of the flat (the first start after pairing); seconds taken."""
    async with _hub(config, errors) as hub:
        gw = hub.zigbee.zigbee
        began = time.perf_counter()
        for name in list(gw.world.nodes):
            await _join(gw, name)
        took = time.perf_counter() - began
        await hub.store.flush()
    return took


# Report latency and rate


async def _reports(config: Path, errors: list[str]) -> dict[str, float]:
    from hub.model import Observation

    async with _hub(config, errors) as hub:
        gw = hub.zigbee.zigbee
        node = next(n for n in gw.world.nodes.values() if n.name.endswith(LATENCY_DEVICE))
        entity = next(
            b.entity_id
            for b in hub.zigbee.by_entity.values()
            if b.entity_id.startswith("temperature.") and str(b.zha_entity.device.ieee) == node.ieee
        )
        endpoint = node.spec.endpoint_with(TEMPERATURE)
        arrived: list[float] = []
        reached = asyncio.Event()  # set once `arrived` holds `wanted` timestamps
        wanted = 0

        def on_observation(obs: Observation) -> None:
            if obs.entity == entity:
                arrived.append(time.perf_counter())
                if len(arrived) >= wanted:
                    reached.set()

        async def until(count: int, bound_s: float) -> None:
            nonlocal wanted
            wanted = count
            if len(arrived) < count:
                reached.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(reached.wait(), bound_s)

        hub.subscribe(Observation, on_observation)

        # Every report a new value, and never the same (value, TSN) twice in zigpy's 10 s
        # duplicate filter: 1,000 values (-20.0 … 79.9 °C in 0.1 steps) against 256 TSNs.
        step = iter(range(10**6))

        def frame() -> Any:
            value = -2000 + (next(step) % 1000) * 10
            return node.report(endpoint, TEMPERATURE, {MEASURED_VALUE: value})

        latencies, lost = [], 0
        deadline = time.perf_counter() + PHASE_BOUND_S
        for _ in range(LATENCY_REPORTS):
            if time.perf_counter() > deadline:
                break
            report, seen = frame(), len(arrived)
            began = time.perf_counter()
            gw.radio.deliver(node, report)
            await until(seen + 1, REPORT_BOUND_S)
            if len(arrived) == seen:
                lost += 1
                continue
            latencies.append(arrived[seen] - began)
            await asyncio.sleep(0)  # let the loop run between reports, as between radio frames

        frames = [frame() for _ in range(RATE_REPORTS)]
        await hub.store.flush()
        seen = len(arrived)
        began = time.perf_counter()
        for i, report in enumerate(frames):
            gw.radio.deliver(node, report)
            if i % RATE_BURST == RATE_BURST - 1:
                await asyncio.sleep(0)
        await until(seen + RATE_REPORTS, PHASE_BOUND_S)
        done = len(arrived) - seen
        to_bus = time.perf_counter() - began
        await hub.store.flush()
        committed = time.perf_counter() - began
    ms = [x * 1000 for x in latencies]
    return {
        "zigbee.report_latency_ms_p50": _pct(ms, 0.5),
        "zigbee.report_latency_ms_p99": _pct(ms, 0.99),
        "zigbee.report_latency_ms_max": max(ms),
        "zigbee.reports_lost": float(lost + RATE_REPORTS - done),
        "zigbee.reports_per_s": done / to_bus,
        "zigbee.reports_per_s_committed": done / committed,
    }


# Start-up of a real `obhut run` with the 50-device flat


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start_once(config: Path) -> tuple[float, float, float]:
    """Spawn `obhut run`; (seconds to "Zigbee ready: N devices", VmRSS MiB then, to "ready in")."""
    obhut = Path(sys.executable).with_name("obhut")
    lines: queue.Queue[str | None] = queue.Queue()
    began = time.perf_counter()
    proc = subprocess.Popen(
        [str(obhut), "run", "-c", str(config)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    zigbee_ready = rss = hub_ready = float("nan")
    tail: list[str] = []
    try:
        deadline = began + READY_BOUND_S
        while zigbee_ready != zigbee_ready or hub_ready != hub_ready:  # nan until seen
            line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            if line is None:
                raise RuntimeError("obhut run exited early:\n" + "".join(tail[-20:]))
            tail.append(line)
            if "Zigbee ready:" in line:
                zigbee_ready = time.perf_counter() - began
                rss = _rss_mib(proc.pid)
                if f"ready: {FLAT_SIZE} devices" not in line:
                    raise RuntimeError(f"expected {FLAT_SIZE} devices: {line.strip()}")
            elif "ready in" in line:
                hub_ready = time.perf_counter() - began
    except queue.Empty:
        raise RuntimeError("obhut run not ready in time:\n" + "".join(tail[-20:])) from None
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return zigbee_ready, rss, hub_ready


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    errors: list[str] = []
    logs = _Collect()
    logging.getLogger().addHandler(logs)
    try:
        _run(figures, errors)
    finally:
        logging.getLogger().removeHandler(logs)
    for line, count in sorted(logs.seen.items(), key=lambda kv: -kv[1])[:8]:
        print(f"# logged {count}x: {line}", flush=True)
    if errors:
        print(f"# {len(errors)} event-loop callback errors, first: {errors[0][:120]}", flush=True)
    return figures


def _run(figures: dict[str, float], errors: list[str]) -> None:
    from integrations.zigbee import quirks_index

    with tempfile.TemporaryDirectory(prefix="obhut-zigbee-bench-") as tmp_name:
        tmp = Path(tmp_name)
        index_path = tmp / "quirk-index.json"
        began = time.perf_counter()
        index = quirks_index.load_index(index_path)  # what a first start builds
        figures["zigbee.quirk_index_build_s"] = time.perf_counter() - began

        joins = asyncio.run(_joins(tmp / "joins", index, errors))
        ms = {name: s * 1000 for name, s in joins.items()}
        if VERBOSE:
            for name, value in sorted(ms.items(), key=lambda kv: -kv[1]):
                print(f"#   join {name}: {value:.1f} ms", flush=True)
        slowest = max(ms, key=ms.__getitem__)
        print(f"# slowest join: {slowest} ({ms[slowest]:.0f} ms)", flush=True)
        figures["zigbee.join_ms_p50"] = statistics.median(ms.values())
        figures["zigbee.join_ms_max"] = ms[slowest]
        figures["zigbee.join_devices"] = float(len(ms))

        data = tmp / "flat" / "data"
        devices = _derive_dumps(tmp / "flat" / "dumps", FLAT_SIZE)
        config = _write_flat(tmp / "flat", devices, data, index_path)
        figures["zigbee.join_50_s"] = asyncio.run(_join_all(config, errors))
        figures.update(asyncio.run(_reports(config, errors)))

        readies, rss, hub_readies = [], [], []
        for _ in range(RUNS):
            ready, mib, hub_ready = _start_once(config)
            readies.append(ready)
            rss.append(mib)
            hub_readies.append(hub_ready)
        figures["zigbee.ready_50_s_median"] = statistics.median(readies)
        figures["zigbee.ready_50_s_max"] = max(readies)
        figures["zigbee.rss_50_mib_median"] = statistics.median(rss)
        figures["zigbee.hub_ready_50_s_median"] = statistics.median(hub_readies)


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.4g}")
