"""`kill -9` at any moment loses no committed write and leaves no corrupt file."""

from __future__ import annotations

import json
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from hub.store import migrations
from hub.store.codec import SEQ_BITS, to_ms

from .crash_writer import T0

CHILD = Path(__file__).with_name("crash_writer.py")
REPO = Path(__file__).parents[2]
TIMEOUT = 20.0


def lines_of(proc: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """The child's stdout, line by line, without blocking the test forever."""
    out: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.put(line.strip())
        out.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return out


def run_and_kill(path: Path, commits: int, delay: float) -> tuple[int, int]:
    """Start a writer, wait for `commits` commits and `delay` s, SIGKILL it.

    Returns the count the writer started from and the last count it reported committed.
    """
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    out = lines_of(proc)
    start = last = -1
    try:
        deadline = time.monotonic() + TIMEOUT
        seen = 0
        while seen < commits:
            line = out.get(timeout=max(0.0, deadline - time.monotonic()))
            assert line is not None, f"writer died: {proc.stderr.read() if proc.stderr else ''}"
            word, n = line.split()
            if word == "start":
                start = int(n)
            else:
                last = int(n)
                seen += 1
        # Somewhere inside the next batch: while encoding, writing or syncing.
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL
    while (line := out.get(timeout=TIMEOUT)) is not None:
        word, n = line.split()
        last = int(n) if word == "committed" else last
        start = int(n) if word == "start" else start
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
    return start, last


def schema_of(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_schema")}


def schema_at(version: int) -> set[str]:
    """The tables and indexes the schema steps up to `version` create."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrations.migrate(conn, target=version)
    return schema_of(conn)


def inspect(path: Path) -> tuple[str, int, int, int, int]:
    """integrity, rows, rows in time order without gaps, progress deadline, audit rows."""
    if not path.exists():
        return "ok", 0, 0, 0, 0
    conn = sqlite3.connect(path)
    try:
        [integrity] = conn.execute("PRAGMA integrity_check").fetchone()
        [version] = conn.execute("PRAGMA user_version").fetchone()
        if version < migrations.LATEST:  # killed while creating the schema
            assert schema_of(conn) == schema_at(version)  # each step is all or nothing
            return integrity, 0, 0, 0, 0
        [rows] = conn.execute("SELECT count(*) FROM observations").fetchone()
        base = to_ms(T0)
        keys = [k for (k,) in conn.execute("SELECT id FROM observations ORDER BY id")]
        in_order = sum(1 for i, k in enumerate(keys) if k >> SEQ_BITS == base + i * 1000)
        got = conn.execute("SELECT data FROM deadlines WHERE key = 'progress'").fetchone()
        progress = json.loads(got[0])["n"] if got else 0
        [audits] = conn.execute("SELECT count(*) FROM audit").fetchone()
        return integrity, rows, in_order, progress, audits
    finally:
        conn.close()


def test_kill_9_loses_nothing_committed(tmp_path: Path) -> None:
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    path = tmp_path / "obhut.db"
    committed = 0
    for run in range(5):
        if run == 0:  # die before the first commit, maybe while creating the schema
            start, last = run_and_kill(path, 0, rng.uniform(0.03, 0.2))
        else:
            start, last = run_and_kill(path, rng.randrange(1, 15), rng.uniform(0, 0.01))
        integrity, rows, in_order, progress, audits = inspect(path)
        context = f"run {run}, seed {seed}: start {start}, last reported {last}, rows {rows}"
        assert integrity == "ok", context
        assert start in (committed, -1), context  # the restart saw every earlier commit
        assert rows >= max(last, committed), context
        # The batch and its deadline and audit entry committed together, in order, no gaps.
        assert rows == in_order == progress == audits * 25, context
        committed = rows
    assert committed > 0
