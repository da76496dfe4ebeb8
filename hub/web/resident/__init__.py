"""The resident's tablet: its page and the few actions it may take."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add the tablet's routes to `app`."""
