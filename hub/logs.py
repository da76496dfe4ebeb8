"""Human-readable logs on stderr (journald adds its own timestamps under systemd)."""

from __future__ import annotations

import logging
import os
import sys


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the moment, so a swapped stream is never stale."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


class _Format(logging.Formatter):
    def __init__(self, with_time: bool) -> None:
        fmt = "%(asctime)s " if with_time else ""
        super().__init__(fmt + "%(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")


class _ZigpyShutdownNoise(logging.Filter):
    """zigpy 2.3 forgets a cancelled fast-polling task twice when it shuts down; the KeyError
    the event loop then logs says nothing about the hub, and would alarm whoever reads it."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (
            record.getMessage().startswith("Exception in callback set.remove")
            and isinstance(exc, KeyError)
            and "reset_fast_polling" in str(exc)
        )


def setup(verbose: bool = False) -> None:
    under_systemd = "JOURNAL_STREAM" in os.environ
    handler = _Stderr()
    handler.setFormatter(_Format(with_time=not under_systemd))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("asyncio").addFilter(_ZigpyShutdownNoise())
    for noisy in (
        "aiohttp.access",
        "aiosqlite",
        "apscheduler",
        "zigpy",
        "zha",
        "zhaquirks",
        "bellows",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
