"""Obhut's custom-quirk care devices on the hub: their readings become care observations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hub.model import Observation
from integrations.zigbee.simradio.stimuli import Stimuli

from .conftest import arrival, flat_hub


async def changes_to(
    seen: list[Observation], stimuli: Stimuli, device: str, entity: str, **change: Any
) -> Observation:
    """Apply one stimulus and wait for the observation it must produce (not an earlier one)."""
    ((_, value),) = change.items()
    seen.clear()
    stimuli.set(device, **change)
    obs = await arrival(seen, entity, value)
    assert type(obs.value) is (bool if isinstance(value, bool) else float)
    return obs


async def test_fall_radar_reports_falls_and_presence(tmp_path: Path, quirk_index: Path) -> None:
    async with flat_hub(tmp_path, quirk_index, ["bad-sturz"]) as (hub, gw, seen):
        assert hub.zigbee.by_entity.keys() >= {"fall.bad", "presence.bad"}
        # the join reads the radar's status (someone on the bed): present, not fallen
        await arrival(seen, "fall.bad", False)
        await arrival(seen, "presence.bad", True)
        stimuli = Stimuli(gw.radio)
        assert (await changes_to(seen, stimuli, "bad-sturz", "fall.bad", fall=True)).value is True
        # back on their feet: the status says occupied, the fall clears, still present
        obs = await changes_to(seen, stimuli, "bad-sturz", "fall.bad", fall=False)
        assert obs.value is False
        assert not [o for o in seen if o.entity == "presence.bad" and o.value is False]
        await changes_to(seen, stimuli, "bad-sturz", "presence.bad", presence=False)
        await hub.store.flush()
        state = await hub.store.current_state()
        assert (state["fall.bad"].value, state["presence.bad"].value) == (False, False)


async def test_fall_radar_reports_bed_and_breathing(tmp_path: Path, quirk_index: Path) -> None:
    async with flat_hub(tmp_path, quirk_index, ["bad-sturz"]) as (hub, gw, seen):
        assert hub.zigbee.by_entity.keys() >= {"bed_occupancy.bad", "respiratory_rate.bad"}
        stimuli = Stimuli(gw.radio)
        await changes_to(seen, stimuli, "bad-sturz", "bed_occupancy.bad", in_bed=False)
        await changes_to(seen, stimuli, "bad-sturz", "bed_occupancy.bad", in_bed=True)
        await changes_to(seen, stimuli, "bad-sturz", "respiratory_rate.bad", respiratory_rate=13)


async def test_sleeping_pad_and_vital_signs(tmp_path: Path, quirk_index: Path) -> None:
    names = ["schlafzimmer-bett", "wohnzimmer-vital"]
    async with flat_hub(tmp_path, quirk_index, names) as (hub, gw, seen):
        assert hub.zigbee.by_entity.keys() >= {
            "bed_occupancy.schlafzimmer",
            "heart_rate.wohnzimmer",
            "respiratory_rate.wohnzimmer",
        }
        # the pad's zone read at the join: someone lies on it; it is no door and no SOS button
        await arrival(seen, "bed_occupancy.schlafzimmer", True)
        assert not [o for o in seen if o.capability.value in ("contact", "sos_button")]
        stimuli = Stimuli(gw.radio)
        bed = "bed_occupancy.schlafzimmer"
        await changes_to(seen, stimuli, "schlafzimmer-bett", bed, in_bed=False)
        await changes_to(seen, stimuli, "schlafzimmer-bett", bed, in_bed=True)
        await changes_to(seen, stimuli, "wohnzimmer-vital", "heart_rate.wohnzimmer", heart_rate=61)
        obs = await changes_to(
            seen, stimuli, "wohnzimmer-vital", "respiratory_rate.wohnzimmer", respiratory_rate=14.5
        )
        assert obs.value == 14.5
        await hub.store.flush()
        state = await hub.store.current_state()
        assert state[bed].value is True
        assert state["heart_rate.wohnzimmer"].value == 61.0
        assert state["respiratory_rate.wohnzimmer"].value == 14.5
