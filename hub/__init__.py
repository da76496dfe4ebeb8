"""Obhut: an ambient-assisted-living home hub."""

__version__ = "0.1.0"
