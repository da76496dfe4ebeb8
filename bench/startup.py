"""Time from process start to "ready" and the memory it holds then, for `obhut run`."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
TARGETS = {"startup.ready_s_median": ("<=", 0.5)}

CONFIG = """\
home: {{name: Bench, timezone: Europe/Berlin}}
rooms: {{bad: {{name: Bad, kind: bathroom}}, flur: {{name: Flur, kind: entrance}}}}
devices:
  "00:15:8d:00:01:00:00:01": {{name: Bewegung Bad, room: bad, role: motion}}
  "00:15:8d:00:01:00:00:02": {{name: Haustür, room: flur, role: front_door}}
contacts: {{anna: {{name: Anna, role: family, phone: "+4917600000001"}}}}
escalation: {{default: {{tiers: [{{contacts: [anna]}}]}}}}
rules:
  - {{kind: inactivity, duration: 3h}}
  - {{kind: panic}}
web: {{host: 127.0.0.1, port: {port}}}
storage: {{data_dir: {data}}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_run(workdir: Path) -> tuple[float, float]:
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "obhut.yaml"
    config.write_text(CONFIG.format(port=_free_port(), data=workdir / "data"), encoding="utf-8")
    obhut = Path(sys.executable).with_name("obhut")
    began = time.perf_counter()
    proc = subprocess.Popen(
        [str(obhut), "run", "-c", str(config)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "ready in" in line:
                ready = time.perf_counter() - began
                return ready, _rss_mib(proc.pid)
        raise RuntimeError("the hub exited before it was ready")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def run() -> dict[str, float]:
    readies, rss = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            ready, mib = one_run(Path(tmp) / str(i))
            readies.append(ready)
            rss.append(mib)
    return {
        "startup.ready_s_median": statistics.median(readies),
        "startup.ready_s_min": min(readies),
        "startup.rss_mib_after_ready": statistics.median(rss),
    }


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.4g}")
