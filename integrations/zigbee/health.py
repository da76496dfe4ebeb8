"""How long a device may stay silent before it counts as unavailable.

A battery device only speaks when it has something to say, or when a report it was asked
for falls due: its longest configured reporting interval tells how long silence is normal.
zha knows only one timeout per power source; Obhut sets each device's own.
"""

from __future__ import annotations

from typing import Any

BATTERY_FALLBACK_S = 25 * 3600  # a day and an hour: a daily battery report may be late
MARGIN_S = 600
NO_MAXIMUM = 0xFFFF  # "no periodic report" in ZCL


def longest_report_interval(device: Any) -> int | None:
    """The longest max interval zha configured for any attribute report of this device."""
    longest = 0
    for entity in device.platform_entities.values():
        for config in getattr(entity, "_server_cluster_config", {}).values():
            for attr in config.attributes.values():
                reporting = getattr(attr, "reporting", None)
                interval = getattr(reporting, "max_interval", 0) or 0
                if 0 < interval < NO_MAXIMUM:
                    longest = max(longest, int(interval))
    return longest or None


def silence_allowed(device: Any) -> int | None:
    """Seconds of silence after which a battery device is unavailable; None for mains."""
    if device.is_mains_powered:
        return None
    longest = longest_report_interval(device)
    if longest is None:
        return BATTERY_FALLBACK_S
    # two missed reports, then a little slack for a busy network
    return min(2 * longest + MARGIN_S, BATTERY_FALLBACK_S)
