"""Child of the kill -9 test: writes batches forever, printing the total after each commit.

Each batch also stores a `progress` deadline holding the total, in the same flush: after a
crash the deadline must match the rows exactly, or writes were not committed together.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from hub.model import Deadline, Observation
from hub.store import Store

T0 = datetime(2024, 5, 1, tzinfo=UTC)
BATCH = 25


async def main(path: str) -> None:
    async with Store.open(path, flush_interval=3600) as store:
        progress = {d.key: d for d in await store.load_deadlines()}.get("progress")
        total = int(progress.data["n"]) if progress else 0
        print(f"start {total}", flush=True)
        while True:
            for i in range(total, total + BATCH):
                entity = "motion.hall" if i % 2 else "temperature.hall"
                value = i % 4 == 1 if i % 2 else 20.0 + i % 50 / 10
                store.add_observation(Observation(T0 + timedelta(seconds=i), entity, value))
            total += BATCH
            store.put_deadline(Deadline("progress", T0, "test", {"n": total}))
            store.audit("crash_writer", "batch", detail=str(total))
            await store.flush()
            print(f"committed {total}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
