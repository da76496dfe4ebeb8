"""The tablet in a real browser: time to first render, page weight, live-update latency.

Debian's Chromium through Playwright, against a hub on 127.0.0.1 (the browser tests' harness).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.model import Observation
from tests.browser.conftest import BROWSER_ARGS, CHROMIUM, LiveHub, pair_tablet, sign_in

TARGETS = {
    "tablet.first_render_ms_median": ("<=", 300),
    "tablet.weight_kb": ("<=", 100),
    "tablet.live_update_ms_p95": ("<=", 100),
}
LOADS = 7
UPDATES = 30

PAINT = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return paint ? paint.startTime : null;
}"""
WEIGHT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const parts = performance.getEntriesByType('resource');
  return nav.transferSize + parts.reduce((sum, r) => sum + r.transferSize, 0);
}"""
WATCH = """() => {
  window.__seen = [];
  new MutationObserver(() => window.__seen.push(Date.now()))
    .observe(document.getElementById('recent'), {childList: true});
}"""


def run() -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        live = LiveHub(Path(tmp)).start()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        try:
            return _measure(browser, live)
        finally:
            browser.close()
            live.stop()


def _measure(browser: Any, live: LiveHub) -> dict[str, float]:
    # bypass_csp lets the measuring scripts run; the pages' own scripts need no exception
    tablet = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    pair_tablet(tablet, live)
    renders, weights = [], []
    for _ in range(LOADS):
        page = tablet.new_page()
        page.goto(f"{live.base_url}/tablet", wait_until="load")
        page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length")
        renders.append(float(page.evaluate(PAINT)))
        weights.append(float(page.evaluate(WEIGHT)))
        page.close()

    carer = browser.new_context(bypass_csp=True)
    sign_in(carer, live)
    page = carer.new_page()
    page.goto(f"{live.base_url}/", wait_until="load")
    page.wait_for_timeout(500)  # the event stream connects
    page.evaluate(WATCH)
    latencies = []
    for i in range(UPDATES):
        seen = int(page.evaluate("window.__seen.length"))
        sent = time.time() * 1000
        value = bool(i % 2)
        live.call(lambda v=value: live.hub.ingest(Observation(datetime.now(UTC), "motion.bad", v)))
        page.wait_for_function(f"window.__seen.length > {seen}")
        latencies.append(float(page.evaluate(f"window.__seen[{seen}]")) - sent)
        time.sleep(0.05)
    latencies.sort()
    return {
        "tablet.first_render_ms_median": statistics.median(renders),
        "tablet.first_render_ms_max": max(renders),
        "tablet.weight_kb": statistics.median(weights) / 1024,
        "tablet.live_update_ms_p50": latencies[len(latencies) // 2],
        "tablet.live_update_ms_p95": latencies[int(len(latencies) * 0.95) - 1],
        "tablet.live_update_ms_max": latencies[-1],
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.4g}")
