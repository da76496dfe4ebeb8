"""The hub says it is alive: a dead man's switch URL called every few minutes."""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import ClientError, ClientSession, ClientTimeout

from hub.clock import Clock

log = logging.getLogger(__name__)
TIMEOUT = ClientTimeout(total=10)


async def ping_forever(url: str, every: timedelta, clock: Clock) -> None:
    """Call `url` now and every `every`; a failed call is logged and tried at the next turn."""
    failures = 0
    async with ClientSession(timeout=TIMEOUT) as session:
        while True:
            try:
                async with session.get(url) as response:
                    if response.status >= 400:
                        raise ClientError(f"HTTP {response.status}")
                if failures:
                    log.info("watchdog ping works again after %d failed calls", failures)
                failures = 0
            except (ClientError, TimeoutError) as e:
                failures += 1
                if failures in (1, 10) or failures % 100 == 0:
                    log.warning("watchdog ping to its URL failed (%d in a row): %s", failures, e)
            await clock.sleep_until(clock.now() + every)
