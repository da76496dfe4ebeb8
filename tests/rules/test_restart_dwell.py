"""A restart in the middle of a 45-minute bathroom dwell still alerts at minute 45.

Not at minute 90 (the stay counted again from the restart), and not never (the stay
forgotten). Each hub is a real process on the same data folder: the first one stops
cleanly or is killed with SIGKILL once its deadline is committed; the second one starts
ten minutes later, as after a power cut.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).parents[2]
TIMEOUT = 30.0
BERLIN = ZoneInfo("Europe/Berlin")
T = datetime(2026, 5, 4, 7, 11, tzinfo=BERLIN)  # into the bathroom

RULE = """\
rules:
  - kind: dwell
    id: bad_sturz
    room: bad
    duration: 45m
"""

# One hub's life, run with `python -c CHILD config start phase [kill]`.
CHILD = """\
import asyncio, json, sys
from datetime import datetime, timedelta
from pathlib import Path

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Finding, Observation

path, start, phase = Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), sys.argv[3]
kill = sys.argv[4:] == ["kill"]


def shown(found):
    return [
        {"ts": f.ts.isoformat(), "rule": f.rule, "kind": f.kind, "room": f.room,
         "cleared": f.cleared, "explanation": f.explanation, "pre_alert_s": f.pre_alert_s}
        for f in found
    ]


async def main():
    clock = SimulatedClock(start)
    async with Hub.running(load_config(path), path, clock) as hub:
        found = []
        hub.subscribe(Finding, found.append)
        if phase == "first":
            hub.ingest(Observation(start, "motion.bad", True, "test"))
            await clock.advance(timedelta(minutes=20))
            await hub.store.flush()
            pending = [d.key for d in hub.scheduler.pending() if d.key.startswith("rule:")]
            print(json.dumps({"committed": pending, "found": shown(found)}), flush=True)
            if kill:
                sys.stdin.readline()  # wait here to be killed; EOF if the test went away
                sys.exit(3)
            return
        await clock.advance(timedelta(minutes=5))
        # still in the bathroom, an arm moving: the same stay, the clock goes on
        hub.ingest(Observation(clock.now(), "motion.bad", True, "test"))
        await clock.advance_to(start + timedelta(minutes=14))
        by_44 = shown(found)
        await clock.advance_to(start + timedelta(minutes=16))
        print(json.dumps({"by_44": by_44, "by_46": shown(found)}), flush=True)


asyncio.run(main())
"""


def start_hub(config: Path, start: datetime, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config), start.isoformat(), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def first_line(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """The child's first line of output, as JSON, waiting at most TIMEOUT."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        lines.put(proc.stdout.readline() or None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        line = lines.get(timeout=TIMEOUT)
    except queue.Empty:
        proc.kill()
        pytest.fail(f"no answer from the hub within {TIMEOUT} s")
    if line is None:
        proc.wait(timeout=TIMEOUT)
        err = proc.stderr.read() if proc.stderr else ""
        pytest.fail(f"the hub exited with {proc.returncode} and said nothing:\n{err}")
    result: dict[str, Any] = json.loads(line)
    return result


def finish(proc: subprocess.Popen[str]) -> str:
    """Wait for a child to end on its own; its stderr, for failure messages."""
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate(timeout=TIMEOUT)
        pytest.fail(f"the hub did not stop within {TIMEOUT} s")
    return err


def local(ts: str) -> str:
    return datetime.fromisoformat(ts).astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("how", ["clean", "kill"])
def test_a_restart_mid_dwell_still_alerts_at_minute_45(
    how: str, write_config: Callable[[str], Path]
) -> None:
    config = write_config(RULE)

    first = start_hub(config, T, "first", *(["kill"] if how == "kill" else []))
    try:
        report = first_line(first)
        assert report == {"committed": ["rule:bad_sturz:due"], "found": []}
        if how == "kill":
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=TIMEOUT)
            assert first.returncode == -signal.SIGKILL
        else:
            err = finish(first)
            assert first.returncode == 0, err
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate(timeout=TIMEOUT)

    # Down for ten minutes; a new process, a new clock, the same data folder.
    second = start_hub(config, T + timedelta(minutes=30), "second")
    try:
        result = first_line(second)
        err = finish(second)
        assert second.returncode == 0, err
    finally:
        if second.poll() is None:
            second.kill()
            second.communicate(timeout=TIMEOUT)

    assert result["by_44"] == [], "alerted before minute 45"
    assert len(result["by_46"]) == 1, f"expected one alert at minute 45, got {result['by_46']}"
    [found] = result["by_46"]
    assert local(found["ts"]) == "2026-05-04 07:56"
    assert (found["rule"], found["kind"], found["room"], found["cleared"]) == (
        "bad_sturz",
        "dwell",
        "bad",
        False,
    )
    assert found["explanation"] == (
        "Seit 07:11 (45 Min) im Raum Bad, sonst keine Bewegung in der Wohnung"
    )
    assert found["pre_alert_s"] == 300
