"""The local web UI, served by aiohttp."""
