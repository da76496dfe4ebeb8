"""`kill -9` at random moments during an escalation: nothing is lost, little is repeated.

Each life of the hub is a real process (`crash_child.py`) on the same store; the parent kills
it with SIGKILL a random number of progress lines in, plus a random few milliseconds, five
times, then lets the last one finish. Every message the escalation owes reaches its contact
at least once, and the duplicates are at most one per kill.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
TIMEOUT = 20.0
KILLS = 5

# (contact, kind, escalation step) of every message the child's escalation owes.
EXPECTED = Counter(
    [
        ("anna", "raised", 0),
        ("ben", "raised", 1),
        ("carla", "raised", 1),
        ("ben", "repeat", 2),
        ("carla", "repeat", 2),
        ("ben", "repeat", 3),
        ("carla", "repeat", 3),
        ("anna", "acknowledged_by_other", None),
        ("carla", "acknowledged_by_other", None),
        ("anna", "all_clear", None),
        ("ben", "all_clear", None),
        ("carla", "all_clear", None),
    ]
)


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str | None]:
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _life(workdir: Path, rng: random.Random | None) -> bool:
    """Run one hub; with `rng`, kill it at a random moment. True if it was killed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.alerts.crash_child", str(workdir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = _lines(proc)
        kill_after = rng.randint(1, 8) if rng else None
        seen = 0
        deadline = time.monotonic() + TIMEOUT
        while True:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            if line is None or line == "done":
                break
            seen += 1
            if rng is not None and kill_after is not None and seen >= kill_after:
                time.sleep(rng.uniform(0, 0.008))  # real time: somewhere inside the next step
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=TIMEOUT)
                return True
        code = proc.wait(timeout=TIMEOUT)
        assert proc.stderr is not None
        assert code == 0, proc.stderr.read()
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_9_during_an_escalation_loses_nothing(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    kills = sum(_life(tmp_path, rng) for _ in range(KILLS))
    assert not _life(tmp_path, None), "the last life runs to the end"

    sends = [line.split()[0] for line in (tmp_path / "sent.log").read_text().splitlines()]
    with sqlite3.connect(f"file:{tmp_path / 'obhut.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT id, contact, json_extract(body, '$.kind'), "
            "json_extract(body, '$.step') FROM deliveries"
        ).fetchall()
        alert = db.execute("SELECT state, acknowledged_by FROM alerts").fetchall()
    what = {str(id_): (contact, kind, step) for id_, contact, kind, step in rows}
    got = Counter(what[d] for d in sends)

    missing = EXPECTED - got
    assert not missing, f"never sent: {missing}"
    duplicates = sum((got - EXPECTED).values())
    assert duplicates <= kills, f"{duplicates} duplicates after {kills} kills: {got - EXPECTED}"
    assert set(got) == set(EXPECTED), "nothing unexpected was sent"
    assert alert == [("resolved", "ben")]
    assert kills >= 3, "the kills must land during the escalation, not after it"
