"""Full `zhaquirks.setup()` against the lazy setup for the 17 dump models, in fresh processes."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# the shared test data lies beside the project
DUMPS = Path(__file__).resolve().parents[2] / "shared" / "data" / "zigbee-devices"
TARGETS: dict[str, tuple[str, float]] = {
    "quirks.lazy_setup_s": ("<=", 0.5),
    "quirks.lazy_rss_mib": ("<=", 15.0),
}

# zha itself is imported first: both setups pay for it, the figures are what quirks add
_MEASURE = """
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
import zha.application.gateway
import zhaquirks
base, began = rss(), time.perf_counter()
if sys.argv[1] == "full":
    zhaquirks.setup()
else:
    from integrations.zigbee.quirks_index import QuirkIndex, make_setup
    index = QuirkIndex.from_json(json.load(open(sys.argv[2])))
    models = {tuple(m) for m in json.loads(sys.argv[3])}
    make_setup(index, lambda: models, hook_resolver=False)(None)
took = time.perf_counter() - began
print(json.dumps({"s": took, "rss": rss() - base, "total_rss": rss(),
                  "modules": sum(1 for m in sys.modules if m.startswith("zhaquirks."))}))
"""


def _models() -> list[tuple[str, str]]:
    models = []
    for path in sorted(DUMPS.glob("*.json")):
        dump = json.loads(path.read_text(encoding="utf-8"))
        models.append((dump["manufacturer"], dump["model"]))
    return models


def _measure(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def run() -> dict[str, float]:
    from integrations.zigbee.quirks_index import build_index

    began = time.perf_counter()
    index = build_index()
    index_s = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "quirk-index.json"
        path.write_text(json.dumps(index.to_json()), encoding="utf-8")
        full = _measure("full")
        lazy = _measure("lazy", str(path), json.dumps(_models()))
    return {
        "quirks.index_build_s": index_s,
        "quirks.full_setup_s": full["s"],
        "quirks.full_rss_mib": full["rss"],
        "quirks.full_total_rss_mib": full["total_rss"],
        "quirks.full_modules": full["modules"],
        "quirks.lazy_setup_s": lazy["s"],
        "quirks.lazy_rss_mib": lazy["rss"],
        "quirks.lazy_total_rss_mib": lazy["total_rss"],
        "quirks.lazy_modules": lazy["modules"],
        "quirks.models": float(len(set(_models()))),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.4g}")
