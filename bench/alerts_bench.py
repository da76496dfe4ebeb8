"""From a finding to the SMS request at the Twilio stand-in, through the real hub.

A `Hub.running` on a real store file with the real SystemClock (latency is real time), SMS
pointed at a TwilioStandin on 127.0.0.1; `gc.collect(); gc.freeze()` after start, as
`obhut run` does.

- latency: each sample presses the SOS button (`panic`: an emergency, no pre-alert, to every
  tier at once). It STARTS at the Finding on the hub's bus: our subscriber runs after the
  hub's own two (the log line; AlertService.on_finding, which only spawns its task), in the
  same synchronous publish, so nothing of the alert's work has run yet. It ENDS at the
  stand-in's `RecordedRequest.arrived` (perf_counter as its middleware first sees the
  request) of the first POST to Messages.json for Anna after that. Between samples the alert
  is resolved (alerts are deduplicated per rule and subject while open) and we wait until its
  all-clear SMS has gone too, so each sample starts from an idle outbox.
- idle: SAMPLES such samples GAP_S apart; burst: as many while another task ingests
  BURST_RATE observations/s of motion and temperature in other rooms (store, engine, rules),
  the presses at random gaps of up to BURST_GAP_S, and every PAUSE_EVERY-th after a pause of
  PAUSE_S: the alert then finds ~PAUSE_S × BURST_RATE observations in the store's queue, which
  its deadline flush commits before the SMS goes (alerts are rare: most find a full queue).
- outbox: a smoke finding whose policy names CROWD contacts: CROWD messages enqueued in one
  transaction; messages/s from the finding until the stand-in has received the last one.

The stand-in runs its own event loop in a thread: the arrival is stamped when the request
reaches the "provider", not when the hub's busy loop gets round to running a handler of the
stand-in's. Set BENCH_STANDIN_LOOP=same to run it on the hub's loop instead.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

TARGETS: dict[str, tuple[str, float]] = {
    "alerts.idle_latency_ms_p99": ("<=", 10.0),
    "alerts.burst_latency_ms_p99": ("<=", 30.0),
    "alerts.burst_latency_ms_max": ("<=", 60.0),
}

SAMPLES = 200
GAP_S = 0.005  # between one sample's all-clear and the next press
BURST_GAP_S = 0.06
PAUSE_EVERY = 50
PAUSE_S = 1.5
BURST_RATE = 500.0  # observations per second during the burst
CROWD = 500  # contacts of the throughput alert, one SMS each
SENDER = "+4915712345678"
ANNA = "+4917600000001"
ROOMS = ("flur", "bad", "kueche", "wohnzimmer", "schlafzimmer")
SAME_LOOP = os.environ.get("BENCH_STANDIN_LOOP", "") == "same"
BOUND_S = 5.0  # safety bound on waiting for one real event, never a sleep for time
CROWD_BOUND_S = 60.0


def _config(data: Path, api_url: str, account_sid: str) -> str:
    devices = ['  "00:15:8d:00:02:00:00:01": {name: Notruf, room: flur, role: sos_button}']
    n = 2
    for room in ROOMS:
        for role in ("motion", "climate_sensor"):
            ieee = f"00:15:8d:00:02:00:00:{n:02x}"
            devices.append(f'  "{ieee}": {{name: {role} {room}, room: {room}, role: {role}}}')
            n += 1
    devices.append('  "00:15:8d:00:02:00:00:ff": {name: Rauch, room: kueche, role: smoke}')
    crowd = [f"c{i:03d}" for i in range(CROWD)]
    contacts = [f'  anna: {{name: Anna, role: family, phone: "{ANNA}"}}'] + [
        f'  {c}: {{name: C {c}, role: carer, phone: "+49176100{i:05d}"}}'
        for i, c in enumerate(crowd)
    ]
    rooms = ", ".join(f"{r}: {{name: {r.capitalize()}}}" for r in ROOMS)
    temperature_rules = "".join(
        f"  - {{kind: temperature, id: kalt_{r}, room: {r}, below: 17, duration: 30m}}\n"
        for r in ROOMS
    )
    return (
        "home: {name: Bench, timezone: Europe/Berlin}\n"
        f"rooms: {{{rooms}}}\n"
        "devices:\n" + "\n".join(devices) + "\n"
        "contacts:\n" + "\n".join(contacts) + "\n"
        "escalation:\n"
        "  default: {tiers: [{contacts: [anna], wait: 10m}]}\n"
        f"  crowd: {{tiers: [{{contacts: [{', '.join(crowd)}]}}]}}\n"
        "rules:\n"
        "  - {kind: panic, id: notruf}\n"
        "  - {kind: smoke, id: rauch, notify: crowd}\n"
        "  - {kind: inactivity, id: keine_bewegung, duration: 3h}\n"
        "  - {kind: dwell, id: bad_lange, room: bad, duration: 45m}\n"
        + temperature_rules
        + "sms:\n"
        f"  account_sid: {account_sid}\n"
        "  auth_token: !secret twilio_token\n"
        f'  sender: "{SENDER}"\n'
        f"  api_url: {api_url}\n"
        f"storage: {{data_dir: {data}}}\n"
    )


class _Collect(logging.Handler):
    """The hub's warnings (one per finding), counted and summarised after the figures."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.levelname} {record.name}: {record.getMessage()[:120]}"
        self.seen[key] = self.seen.get(key, 0) + 1


@asynccontextmanager
async def _standin() -> AsyncIterator[Any]:
    """A TwilioStandin on 127.0.0.1, on its own loop in a thread (or on ours if SAME_LOOP)."""
    from integrations.sms_twilio.standin import TwilioStandin

    if SAME_LOOP:
        async with TwilioStandin(numbers=[SENDER]) as standin:
            yield standin
        return
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="twilio-standin", daemon=True)
    thread.start()

    async def make() -> Any:
        standin = TwilioStandin(numbers=[SENDER])
        await standin.start()
        return standin

    def there[T](coro: Any) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, loop)

    standin = await asyncio.wrap_future(there(make()))
    try:
        yield standin
    finally:
        await asyncio.wrap_future(there(standin.close()))
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


class _Probe:
    """Pairs each SOS finding with the arrival of the first SMS to Anna after it."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.started = 0.0
        self.armed = False
        self.arrived = 0.0
        self.done = asyncio.Event()
        self.crowd_seen = 0
        self.crowd_last = 0.0
        self.crowd_done = asyncio.Event()

    def on_finding(self, finding: Any) -> None:  # on the hub's loop, inside bus.publish
        if finding.rule == "notruf" and not finding.cleared:
            self.started = time.perf_counter()
            self.armed = True

    def on_arrival(self, rec: Any) -> None:  # on the stand-in's loop
        if rec.method != "POST":
            return
        to = rec.form.get("To")
        if to == ANNA:
            if self.armed:
                self.armed = False
                self.arrived = rec.arrived
                self.loop.call_soon_threadsafe(self.done.set)
        elif to is not None and to.startswith("+49176100"):
            self.crowd_seen += 1
            self.crowd_last = rec.arrived
            if self.crowd_seen == CROWD:
                self.loop.call_soon_threadsafe(self.crowd_done.set)


async def _sample(hub: Any, probe: _Probe, gap: float = GAP_S) -> float:
    """After `gap` s, one press → ms from the finding to its SMS at the stand-in; then resolved
    and settled."""
    from hub.model import Observation

    await asyncio.sleep(gap)
    probe.done.clear()
    hub.ingest(Observation(hub.clock.now(), "sos_button.flur", True))
    await asyncio.wait_for(probe.done.wait(), BOUND_S)
    latency = (probe.arrived - probe.started) * 1000
    for alert in await hub.alerts.open_alerts():
        if alert.rule == "notruf":
            await hub.alerts.resolve(alert.id, "anna")
    await asyncio.wait_for(hub.alerts.idle(), BOUND_S)
    return latency


async def _burst(hub: Any, stop: asyncio.Event, counter: list[int]) -> None:
    """BURST_RATE observations/s of other rooms' motion and temperature, paced by perf_counter."""
    from hub.model import Observation

    rng = random.Random(7)
    entities = [f"motion.{r}" for r in ROOMS[1:]] + [f"temperature.{r}" for r in ROOMS[1:]]
    began = time.perf_counter()
    sent = 0
    while not stop.is_set():
        due = int((time.perf_counter() - began) * BURST_RATE)
        while sent < due:
            entity = entities[sent % len(entities)]
            if entity.startswith("motion."):
                value: bool | float = bool(sent // len(entities) % 2)
            else:
                value = round(rng.uniform(19.0, 23.0), 1)
            hub.ingest(Observation(hub.clock.now(), entity, value))
            sent += 1
        await asyncio.sleep(0.001)
    counter.append(sent)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(name: str, values: list[float]) -> dict[str, float]:
    return {
        f"alerts.{name}_latency_ms_p50": _pct(values, 0.5),
        f"alerts.{name}_latency_ms_p99": _pct(values, 0.99),
        f"alerts.{name}_latency_ms_max": max(values),
    }


async def _run(tmp: Path) -> dict[str, float]:
    from hub.app import Hub
    from hub.clock import SystemClock
    from hub.config import load_config
    from hub.model import Finding, Observation

    figures: dict[str, float] = {}
    async with _standin() as standin:
        (tmp / "secrets.yaml").write_text(f"twilio_token: {standin.auth_token}\n")
        path = tmp / "obhut.yaml"
        text = _config(tmp / "data", standin.base_url, standin.account_sid)
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        async with Hub.running(config, path, SystemClock()) as hub:
            probe = _Probe()
            hub.subscribe(Finding, probe.on_finding)
            standin.on_arrival = probe.on_arrival
            gc.collect()
            began = time.perf_counter()
            gc.collect()  # what one full collection of the running hub's heap costs
            figures["alerts.full_gc_ms_unfrozen"] = (time.perf_counter() - began) * 1000
            figures["alerts.gc_tracked_objects"] = len(gc.get_objects())
            gc.freeze()
            collections = [s["collections"] for s in gc.get_stats()]
            for _ in range(10):  # warm up: first imports, prepared statements, connections
                await _sample(hub, probe)

            idle = [await _sample(hub, probe) for _ in range(SAMPLES)]
            figures.update(_summary("idle", idle))

            stop, counter = asyncio.Event(), []
            burst = asyncio.create_task(_burst(hub, stop, counter))
            began = time.perf_counter()
            rng = random.Random(5)
            busy = [
                await _sample(
                    hub, probe, PAUSE_S if i % PAUSE_EVERY == 0 else rng.uniform(0.0, BURST_GAP_S)
                )
                for i in range(SAMPLES)
            ]
            stop.set()
            await burst
            took = time.perf_counter() - began
            figures.update(_summary("burst", busy))
            figures["alerts.burst_observations_per_s"] = counter[0] / took

            await hub.store.flush()
            began = time.perf_counter()
            hub.ingest(Observation(hub.clock.now(), "smoke.kueche", True))
            await asyncio.wait_for(probe.crowd_done.wait(), CROWD_BOUND_S)
            figures["alerts.outbox_messages_per_s"] = CROWD / (probe.crowd_last - began)
            after = [s["collections"] for s in gc.get_stats()]
            for gen, (a, b) in enumerate(zip(collections, after, strict=True)):
                figures[f"alerts.gc_gen{gen}_collections"] = b - a
            standin.on_arrival = None
    return figures


def run() -> dict[str, float]:
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            figures = asyncio.run(_run(Path(tmp)))
    finally:
        root.removeHandler(collect)
        gc.unfreeze()
    for key, count in sorted(collect.seen.items(), key=lambda kv: -kv[1])[:5]:
        print(f"#   {count}× {key}")
    return figures


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.4g}")
