"""Run every benchmark and print `name: value` lines with the targets beside them."""

from __future__ import annotations

import importlib
import sys
import time

# module, then the figures it reports with their targets: (name, op, target, unit)
SUITES = (
    "bench.startup",
    "bench.store_bench",
    "bench.replay_bench",
    "bench.rules_bench",
    "bench.routine_bench",
    "bench.quirks_bench",
    "bench.zigbee_bench",
    "bench.alerts_bench",
    "bench.tablet_bench",
    "bench.vitals_bench",
    "bench.services_bench",
    "bench.summary_bench",
    "bench.insights_eval",
    "bench.export_bench",
    "bench.daily_life_bench",
)


def main(argv: list[str]) -> int:
    chosen = [s for s in SUITES if not argv or any(a in s for a in argv)]
    missed = []
    for name in chosen:
        module = importlib.import_module(name)
        began = time.perf_counter()
        print(f"# {name}", flush=True)
        figures = module.run()
        for key, value in figures.items():
            target = module.TARGETS.get(key) if hasattr(module, "TARGETS") else None
            verdict = ""
            if target is not None:
                op, limit = target
                ok = value <= limit if op == "<=" else value >= limit
                verdict = f"   (target {op} {limit:g}: {'met' if ok else 'MISSED'})"
                if not ok:
                    missed.append(key)
            print(f"{key}: {value:.6g}{verdict}", flush=True)
        print(f"# {name} took {time.perf_counter() - began:.1f} s", flush=True)
    if missed:
        print(f"# targets missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
