"""The carer's pages."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add the carer pages' routes to `app`."""
