"""What features add to the tablet: a tile on the home screen, the screen it opens, a script.

A feature (services, visits, measurements…) registers its part in its own `setup()`; the
tablet page draws the tiles in order and includes each part's screen and script. The page's
script (static/resident.js) opens a screen for a tile with `data-open="<screen id>"`, closes
it with any button marked `data-close`, and offers `window.Obhut` (call, deliver, say, note,
onStatus) to the parts' scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.app import Hub


def _always(hub: Hub) -> bool:
    return True


def _nothing(hub: Hub) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class TabletPart:
    name: str
    tile: str  # template of its tile(s): <button class="tile" data-open="…">
    screen: str | None = None  # template of the screen(s) the tile opens
    script: str | None = None  # e.g. /static/services.js, loaded after resident.js
    order: int = 50  # tiles left to right, smallest first
    shown: Callable[[Hub], bool] = _always  # e.g. only when the installer set the service up
    context: Callable[[Hub], dict[str, Any]] = _nothing  # given to its templates as `part`


PARTS: dict[str, TabletPart] = {}


def add_part(part: TabletPart) -> None:
    PARTS[part.name] = part


def parts_for(hub: Hub) -> list[tuple[TabletPart, dict[str, Any]]]:
    """The parts this flat shows, in order, each with its templates' context."""
    shown = sorted((p for p in PARTS.values() if p.shown(hub)), key=lambda p: (p.order, p.name))
    return [(p, p.context(hub)) for p in shown]
