"""From a finding to the people who can help: tiers, severities, pre-alerts, quiet hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hub.alerts.model import AlertState
from hub.model import Severity
from tests.alerts.harness import BERLIN, MORNING, finding, flat


async def test_the_whole_chain_tier_one_then_tier_two_then_ok_then_all_clear(
    tmp_path: Path,
) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING))
        assert f.who_got() == [("anna", "sms")]
        (first,) = f.inbox("anna")
        assert "Dringend" in first and "Bad" in first and f"OK {alert.id}" in first

        await f.advance(timedelta(minutes=9, seconds=59))
        assert f.who_got() == [("anna", "sms")], "tier 2 must wait the whole 10 minutes"
        await f.advance(timedelta(seconds=1))
        # Carla has no phone: her SMS tier reaches her by e-mail.
        assert f.who_got()[1:] == [("ben", "sms"), ("carla", "email")]
        assert "Urgent" in f.inbox("ben")[0], "Ben reads English"

        acked = await f.reply("ben", "ok")
        assert acked is not None and acked.id == alert.id
        alert = await f.alert(alert.id)
        assert alert.state is AlertState.ACKNOWLEDGED
        assert alert.acknowledged_by == "ben" and alert.data["acknowledged_how"] == "sms"
        assert alert.acknowledged == MORNING + timedelta(minutes=10)
        assert "Ben kümmert sich" in f.inbox("anna")[-1]
        assert "Ben kümmert sich" in f.inbox("carla")[-1]
        assert len(f.inbox("ben")) == 1, "the one who acknowledged is not told about himself"

        await f.advance(timedelta(minutes=30))
        assert len(f.who_got()) == 5, "an acknowledged alert does not repeat"

        await f.raise_(finding(f.clock.now(), cleared=True, explanation="Bewegung im Flur"))
        alert = await f.alert(alert.id)
        assert alert.state is AlertState.RESOLVED
        assert "Entwarnung" in f.inbox("anna")[-1] and "Flur" in f.inbox("anna")[-1]
        assert "All clear" in f.inbox("ben")[-1]
        assert "Entwarnung" in f.inbox("carla")[-1]
        assert await f.service.open_alerts() == []


async def test_a_repeat_finding_updates_the_open_alert_and_tells_nobody_again(
    tmp_path: Path,
) -> None:
    async with flat(tmp_path) as f:
        first = await f.raise_(finding(MORNING))
        await f.advance(timedelta(minutes=2))
        again = await f.raise_(finding(f.clock.now()))
        assert again.id == first.id and again.data["repeats"] == 1
        assert f.who_got() == [("anna", "sms")]
        assert len(await f.service.open_alerts()) == 1
        other = await f.raise_(finding(f.clock.now(), subject="kueche"))
        assert other.id != first.id, "another subject of the same rule is another alert"


async def test_the_resident_cancels_the_pre_alert_and_nobody_is_told(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING, pre_alert_s=300))
        assert alert.state is AlertState.PRE_ALERT
        assert alert.pre_alert_until == MORNING + timedelta(minutes=5)
        await f.advance(timedelta(minutes=2))
        cancelled = await f.service.cancel_pre_alert(alert.id)
        assert cancelled is not None and cancelled.state is AlertState.RESOLVED
        assert cancelled.data["cancelled_by"] == "resident"
        await f.advance(timedelta(minutes=40))
        assert f.who_got() == []
        entries = await f.store.audit_entries()
        assert any(e.action == "alert cancel pre-alert" for e in entries)


async def test_an_unanswered_pre_alert_escalates_when_its_time_is_up(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING, pre_alert_s=300))
        await f.advance(timedelta(minutes=4, seconds=59))
        assert f.who_got() == []
        await f.advance(timedelta(seconds=1))
        assert f.who_got() == [("anna", "sms")]
        assert (await f.alert(alert.id)).state is AlertState.OPEN
        assert await f.service.cancel_pre_alert(alert.id) is None, "too late to cancel"


async def test_a_pre_alert_whose_condition_clears_ends_quietly(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING, pre_alert_s=300))
        await f.advance(timedelta(minutes=1))
        await f.raise_(finding(f.clock.now(), cleared=True))
        await f.advance(timedelta(minutes=20))
        assert f.who_got() == []
        assert (await f.alert(alert.id)).state is AlertState.RESOLVED


async def test_an_emergency_calls_every_tier_at_once_and_repeats_the_last(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING, severity=Severity.EMERGENCY))
        assert sorted(f.who_got()) == [("anna", "sms"), ("ben", "sms"), ("carla", "email")]
        assert "NOTFALL" in f.inbox("anna")[0] and "EMERGENCY" in f.inbox("ben")[0]
        await f.advance(timedelta(minutes=5))
        assert f.who_got()[3:] == [("ben", "sms"), ("carla", "email")]
        assert "still open" in f.inbox("ben")[-1]
        await f.advance(timedelta(minutes=5))
        assert len(f.who_got()) == 7, "repeat_last: 2"
        await f.advance(timedelta(hours=1))
        assert len(f.who_got()) == 7, "and then no more"
        assert (await f.alert(alert.id)).state is AlertState.OPEN


async def test_acknowledging_an_emergency_stops_its_repeats(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING, severity=Severity.EMERGENCY))
        await f.advance(timedelta(minutes=2))
        done = await f.service.acknowledge(alert.id, "web:pflege", "web")
        assert done is not None and done.acknowledged_by == "web:pflege"
        await f.advance(timedelta(minutes=30))
        # everyone who was told hears that pflege took it, and nothing repeats
        for contact in ("anna", "carla"):
            assert "pflege kümmert sich" in f.inbox(contact)[-1]
        assert "pflege is taking care" in f.inbox("ben")[-1]
        assert len(f.who_got()) == 6


async def test_a_warning_reaches_only_the_first_tier(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        await f.raise_(finding(MORNING, severity=Severity.WARNING))
        await f.advance(timedelta(hours=2))
        assert f.who_got() == [("anna", "sms")]
        assert "Warnung" in f.inbox("anna")[0]


async def test_info_tells_nobody_but_is_kept(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING, severity=Severity.INFO))
        await f.advance(timedelta(hours=2))
        assert f.who_got() == []
        assert [a.id for a in await f.service.open_alerts()] == [alert.id]


async def test_quiet_hours_hold_a_warning_until_morning_but_not_an_emergency(
    tmp_path: Path,
) -> None:
    night = datetime(2026, 5, 4, 23, 30, tzinfo=BERLIN)
    async with flat(tmp_path, start=night) as f:
        await f.raise_(finding(night, severity=Severity.WARNING))
        await f.advance_to(datetime(2026, 5, 5, 6, 59, tzinfo=BERLIN))
        assert f.who_got() == [], "Anna sleeps until 07:00"
        await f.advance(timedelta(minutes=1))
        assert f.who_got() == [("anna", "sms")]
        assert f.sms.attempts[0][0] == datetime(2026, 5, 5, 7, 0, tzinfo=BERLIN)
        assert "gestern 23:30" in f.inbox("anna")[0]

    night_again = datetime(2026, 5, 5, 23, 30, tzinfo=BERLIN)
    async with flat(tmp_path / "2", start=night_again) as f:
        await f.raise_(finding(night_again, severity=Severity.EMERGENCY, subject="sturz"))
        assert ("anna", "sms") in f.who_got(), "an emergency wakes her"


async def test_a_warning_cleared_during_quiet_hours_is_never_sent(tmp_path: Path) -> None:
    night = datetime(2026, 5, 4, 23, 30, tzinfo=BERLIN)
    async with flat(tmp_path, start=night) as f:
        await f.raise_(finding(night, severity=Severity.WARNING))
        await f.advance(timedelta(hours=1))
        await f.raise_(finding(f.clock.now(), cleared=True))
        await f.advance_to(datetime(2026, 5, 5, 8, 0, tzinfo=BERLIN))
        assert f.who_got() == [], "no warning and no all-clear for what she never heard of"


async def test_a_rule_that_names_contacts_tells_them_on_their_channel(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        await f.raise_(finding(MORNING, rule="flur_lange", subject="flur"))
        await f.advance(timedelta(hours=1))
        assert f.who_got()[:1] == [("ben", "sms")]
        assert {who for who, _ in f.who_got()} == {"ben"}


async def test_a_system_finding_goes_to_the_installer_only(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        explanation = "Der Bewegungsmelder im Bad meldet sich seit 25 Stunden nicht"
        await f.raise_(finding(MORNING, system=True, explanation=explanation))
        await f.advance(timedelta(hours=1))
        assert f.who_got() == [("ines", "sms")]
        assert "Technik-Meldung" in f.inbox("ines")[0]


async def test_a_carer_resolves_from_the_web_page(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING))
        resolved = await f.service.resolve(alert.id, "web:pflege")
        await f.idle()
        assert resolved is not None and resolved.state is AlertState.RESOLVED
        assert "pflege" in f.inbox("anna")[-1] and "Entwarnung" in f.inbox("anna")[-1]
        await f.advance(timedelta(minutes=30))
        assert f.who_got() == [("anna", "sms"), ("anna", "sms")], "tier 2 is never called"


async def test_ok_with_a_number_acknowledges_that_alert(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        first = await f.raise_(finding(MORNING))
        second = await f.raise_(finding(MORNING, subject="kueche"))
        acked = await f.reply("anna", f"Ok {first.id}")
        assert acked is not None and acked.id == first.id
        assert (await f.alert(second.id)).state is AlertState.OPEN
        assert await f.reply("anna", "Hallo?") is None
        assert await f.reply("anna", "OK 999") is None
