"""The in-process bus: publishers and subscribers meet by event type, never by name."""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[Any], None]


class Bus:
    """Synchronous, typed publish/subscribe; a failing subscriber never stops the others."""

    def __init__(self) -> None:
        self._handlers: defaultdict[type, list[Handler]] = defaultdict(list)
        self._routes: dict[type, tuple[Handler, ...]] = {}
        self._queue: deque[object] = deque()
        self._dispatching = False

    def subscribe[E](self, event_type: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        """Call `handler` for every published `event_type` (and subclass); returns unsubscribe."""
        self._handlers[event_type].append(handler)
        self._routes.clear()

        def unsubscribe() -> None:
            if handler in self._handlers[event_type]:
                self._handlers[event_type].remove(handler)
                self._routes.clear()

        return unsubscribe

    def publish(self, event: object) -> None:
        """Deliver to every subscriber; events published meanwhile wait their turn, in order."""
        if self._dispatching:
            self._queue.append(event)
            return
        self._dispatching = True
        try:
            self._deliver(event)
            while self._queue:
                self._deliver(self._queue.popleft())
        finally:
            self._dispatching = False
            self._queue.clear()

    def _deliver(self, event: object) -> None:
        cls = type(event)
        route = self._routes.get(cls)
        if route is None:
            route = tuple(h for base in cls.__mro__ for h in self._handlers.get(base, ()))
            self._routes[cls] = route
        for handler in route:
            try:
                handler(event)
            except Exception:
                log.exception("a subscriber failed on %s", cls.__name__)
