"""Tell systemd the hub is ready, and pet its watchdog from the event loop.

With `Type=notify` and `WatchdogSec=` in the unit, systemd starts counting the hub as up only
after READY=1, and restarts it when WATCHDOG=1 stops coming. The pings come from a task on
the hub's own event loop: a loop that hangs stops them, and the hub is restarted.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from contextlib import suppress

log = logging.getLogger(__name__)


class Notifier:
    """sd_notify(3) without libsystemd: one datagram per message to $NOTIFY_SOCKET."""

    def __init__(self, address: str | None = None) -> None:
        address = address if address is not None else os.environ.get("NOTIFY_SOCKET")
        if address and address.startswith("@"):  # an abstract socket
            address = "\0" + address[1:]
        self.address = address or None
        self._complained = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *fields: str) -> bool:
        if self.address is None:
            return False
        message = "\n".join(fields).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(message, self.address)
        except OSError as e:
            if not self._complained:  # said once: the watchdog would repeat it every few s
                log.warning("could not notify systemd: %s", e)
                self._complained = True
            return False
        return True

    def ready(self, status: str) -> bool:
        return self.send("READY=1", f"STATUS={status}")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")


def watchdog_interval(env: dict[str, str] | None = None) -> float | None:
    """Half the watchdog timeout systemd asked for ($WATCHDOG_USEC), in seconds; None if off."""
    env = dict(os.environ) if env is None else env
    usec = env.get("WATCHDOG_USEC")
    pid = env.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    with suppress(ValueError):
        return max(0.1, int(usec) / 1_000_000 / 2)
    return None


async def pet_watchdog(notifier: Notifier, every: float) -> None:
    """WATCHDOG=1 every `every` seconds, for as long as the event loop keeps running."""
    while True:
        notifier.send("WATCHDOG=1")
        await asyncio.sleep(every)  # real time on purpose: systemd's watchdog is real time
