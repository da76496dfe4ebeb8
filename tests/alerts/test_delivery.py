"""The outbox: retries with backoff, refusals become installer alerts, e-mail takes over."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest

from hub.alerts.model import DELIVERY_RULE, AlertState, DeliveryState
from hub.store.alerts import transact
from integrations.base import DeliveryResult, DeliveryStatus
from tests.alerts.harness import MORNING, finding, flat

ANNA = "+4917611111111"
REFUSALS = {
    21211: "ungültig",
    21608: "nicht bestätigt",
    21610: "abbestellt",
    20003: "Zugangsdaten",
}


@pytest.mark.parametrize("code", sorted(REFUSALS))
async def test_a_refused_sms_alerts_the_installer_and_goes_by_email(
    tmp_path: Path, code: int
) -> None:
    async with flat(tmp_path) as f:
        refusal = DeliveryResult(DeliveryStatus.PERMANENT, code=code, detail="refused")
        f.sms.script[ANNA] = [refusal]
        alert = await f.raise_(finding(MORNING))
        assert [status for _, _, status in f.sms.attempts][:1] == [DeliveryStatus.PERMANENT]
        assert len([m for _, m, _ in f.sms.attempts if m.to == ANNA]) == 1, "never retried"
        (mail,) = f.inbox("anna", "email")
        assert f"OK {alert.id}" in mail and "Dringend" in mail

        # The installer hears of it, by SMS, or by e-mail when the whole account is refused.
        installer = f.inbox("ines")
        assert len(installer) == 1 and REFUSALS[code] in installer[0]
        expected = "email" if code == 20003 else "sms"
        assert ("ines", expected) in f.who_got()
        (system,) = [a for a in await f.service.open_alerts() if a.rule == DELIVERY_RULE]
        assert system.subject == ("sms:*" if code == 20003 else "sms:anna")

        # The next alert does not try her SMS again, and raises no second system alert.
        await f.raise_(finding(f.clock.now(), subject="kueche"))
        assert len([m for _, m, _ in f.sms.attempts if m.to == ANNA]) == 1
        assert len(f.inbox("anna", "email")) == 2
        assert len(f.inbox("ines")) == 1


async def test_a_refusal_with_no_other_channel_says_so(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        await f.raise_(finding(MORNING))
        f.sms.script["+4917622222222"] = [
            DeliveryResult(DeliveryStatus.PERMANENT, code=21211, detail="invalid")
        ]
        await f.advance(timedelta(minutes=10))
        (note,) = f.inbox("ines")
        assert "Ben" in note and "keinen anderen Weg" in note


async def test_a_busy_provider_is_retried_with_growing_pauses_until_it_takes_the_sms(
    tmp_path: Path,
) -> None:
    async with flat(tmp_path) as f:
        busy = DeliveryResult(DeliveryStatus.RETRY, code=429, detail="too many requests")
        f.sms.script[ANNA] = [busy, busy, busy]
        await f.raise_(finding(MORNING))
        await f.advance(timedelta(minutes=2))
        times = [ts for ts, m, _ in f.sms.attempts if m.to == ANNA]
        assert len(times) == 4
        pauses = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        for pause, base in zip(pauses, (5, 10, 20), strict=True):
            assert 0.8 * base <= pause <= 1.2 * base, pauses
        assert len(f.inbox("anna")) == 1
        assert f.inbox("ines") == [], "a retry is not the installer's business"


async def test_a_provider_down_for_hours_is_given_up_and_email_takes_over(
    tmp_path: Path,
) -> None:
    async with flat(tmp_path) as f:
        f.sms.script[ANNA] = [DeliveryResult(DeliveryStatus.RETRY, code=503, detail="down")] * 30
        await f.raise_(finding(MORNING))
        await f.advance(timedelta(hours=4))
        attempts = len([m for _, m, _ in f.sms.attempts if m.to == ANNA])
        assert attempts == 20
        assert len(f.inbox("anna", "email")) == 1
        # delays are capped: 20 attempts take at most 2 h 40 min
        last = max(ts for ts, m, _ in f.sms.attempts if m.to == ANNA)
        assert last - MORNING < timedelta(hours=2, minutes=40)


async def test_stop_reply_raises_a_system_alert_and_email_takes_over(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        first = await f.raise_(finding(MORNING))
        system = await f.reply("anna", "STOP")
        assert system is not None and system.rule == DELIVERY_RULE
        (note,) = f.inbox("ines")
        assert "Anna" in note and "STOP" in note and "E-Mail" in note
        # the escalation goes on, and her next message comes by e-mail
        await f.service.resolve(first.id, "web:pflege")
        await f.raise_(finding(f.clock.now(), subject="kueche"))
        assert f.who_got()[-1] == ("anna", "email")
        assert len(f.inbox("anna", "sms")) == 1


async def test_stop_before_a_held_message_sends_it_by_email_in_the_morning(
    tmp_path: Path,
) -> None:
    from datetime import datetime

    from hub.model import Severity
    from tests.alerts.harness import BERLIN

    night = datetime(2026, 5, 4, 23, 0, tzinfo=BERLIN)
    async with flat(tmp_path, start=night) as f:
        await f.raise_(finding(night, severity=Severity.WARNING))
        await f.reply("anna", "Stopp")
        await f.advance_to(datetime(2026, 5, 5, 7, 0, tzinfo=BERLIN))
        assert ("anna", "email") in f.who_got() and ("anna", "sms") not in f.who_got()


async def test_a_test_message_reaches_every_channel_of_a_contact(tmp_path: Path) -> None:
    async with flat(tmp_path) as f:
        alert_id = await f.service.send_test("anna")
        await f.idle()
        assert sorted(f.who_got()) == [("anna", "email"), ("anna", "sms")]
        assert all("Testnachricht" in body for body in f.inbox("anna"))
        assert await f.reply("anna", f"OK {alert_id}") is None
        assert (await f.alert(alert_id)).data["replies"] == ["anna"]
        assert await f.service.open_alerts() == []


async def test_a_restart_resends_what_was_in_flight_and_continues_the_escalation(
    tmp_path: Path,
) -> None:
    async with flat(tmp_path) as f:
        alert = await f.raise_(finding(MORNING))
        await f.advance(timedelta(minutes=4))
        # as if the hub died while handing Anna's SMS over, and its deadline never hit the disk
        await transact(
            f.store, lambda tx: tx.conn.execute("UPDATE deliveries SET state = 'sending'")
        )
        await transact(f.store, lambda tx: tx.conn.execute("DELETE FROM deadlines"))
    async with flat(tmp_path, start=MORNING + timedelta(minutes=6)) as f:
        await f.idle()
        deliveries = await f.service.deliveries(alert.id)
        assert [d.state for d in deliveries] == [DeliveryState.SENT]
        assert f.inbox("anna") != [], "sent again: at least once"
        await f.advance(timedelta(minutes=3, seconds=59))
        assert [who for who, _ in f.who_got()] == ["anna"]
        await f.advance(timedelta(seconds=1))
        assert [who for who, _ in f.who_got()] == ["anna", "ben", "carla"]
        assert (await f.alert(alert.id)).state is AlertState.OPEN
