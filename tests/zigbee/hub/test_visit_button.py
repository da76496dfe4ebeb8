"""A button by the door on the simulated radio: as a visit button its presses check the carer in
and out; as a check-in button a press is the resident's "I'm OK"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from integrations.zigbee.simradio.stimuli import Stimuli

from .conftest import T0, arrival, flat_hub


async def test_a_visit_button_checks_the_carer_in_and_out(
    tmp_path: Path, quirk_index: Path
) -> None:
    async with flat_hub(tmp_path, quirk_index, ["flur-besuch"]) as (hub, gw, seen):
        stimuli = Stimuli(gw.radio)
        # The button joined showing its last alarm: that is nobody arriving.
        assert not [o for o in seen if o.entity.startswith("visit.")]
        assert not [o for o in seen if o.entity.startswith("sos_button.")]  # and no call for help

        stimuli.set("flur-besuch", sos=True)  # the carer comes in
        await arrival(seen, "visit.flur", True)
        assert hub.visits.is_open()
        await hub.clock.advance(timedelta(minutes=25))
        seen.clear()
        stimuli.set("flur-besuch", sos=True)  # and leaves
        await arrival(seen, "visit.flur", False)
        assert not hub.visits.is_open()

        [visit] = await hub.visits.between(T0, T0 + timedelta(hours=1))
        assert (visit.arrived_via, visit.left_via, visit.carer) == ("visit.flur", "visit.flur", "")
        assert visit.duration == timedelta(minutes=25)


async def test_a_check_in_button_is_the_residents_daily_ok(
    tmp_path: Path, quirk_index: Path
) -> None:
    async with flat_hub(tmp_path, quirk_index, ["flur-ok"]) as (_, gw, seen):
        Stimuli(gw.radio).set("flur-ok", sos=True)
        await arrival(seen, "check_in.flur", True)
        assert not [o for o in seen if o.entity.startswith(("sos_button.", "visit."))]
