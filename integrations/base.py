"""The small protocols every integration implements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hub.model import Observation

Publish = Callable[[Observation], None]


class ObservationSource(Protocol):
    """Something that sees the flat (a radio, a simulation) and publishes what it sees."""

    name: str

    async def run(self, publish: Publish) -> None:
        """Publish observations until cancelled; never raise for bad input from outside."""
        ...
