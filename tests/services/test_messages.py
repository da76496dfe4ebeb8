"""What a provider reads: German or English, at most two SMS whatever the menu says, and the
way to answer ("JA 17", the link) never cut."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.alerts.texts import MessageKind, render, sms_segments
from hub.services.messages import day_label, day_text, explain, signature, what, when_short

LINK = "https://obhut.example.org/r/AbCdEfGhIjKlMnOpQrStUv"
ESCORT = {"kind": "escort", "who": "Frau Berger (Musterstr. 1)", "place": "apotheke"}


def message(facts: dict[str, object], lang: str, channel: str = "sms", **kw: object) -> str:
    subject, body = render(
        MessageKind.REQUEST,
        lang,
        channel,
        alert_id=17,
        home="Wohnung Berger",
        severity="info",
        explanation=explain(facts, lang),
        room=None,
        opened="09:12",
        link=kw.get("link", LINK),  # type: ignore[arg-type]
    )
    return f"{subject}\n{body}" if channel != "sms" else body


def test_an_escort_in_german_and_in_english() -> None:
    facts = {**ESCORT, "date": "2026-12-01", "time": "10:00"}
    assert message(facts, "de") == (
        "Obhut - Wohnung Berger: Anfrage 17. Frau Berger (Musterstr. 1) bittet um Begleitung "
        "zur Apotheke am Dienstag, 1.12., 10:00. Antworten Sie JA 17 zum Bestätigen oder "
        f"NEIN 17. Oder: {LINK}"
    )
    assert message(facts, "en") == (
        "Obhut - Wohnung Berger: Request 17. Frau Berger (Musterstr. 1) asks to be accompanied "
        "to the pharmacy on Tuesday 1 Dec at 10:00. Reply YES 17 to confirm or NO 17. "
        f"Or: {LINK}"
    )


def test_a_place_of_its_own_is_used_as_written() -> None:
    facts = {**ESCORT, "place": "Augenarzt Dr. Kim", "date": "2026-12-03", "time": "14:00"}
    assert "bittet um Begleitung zu Augenarzt Dr. Kim am Donnerstag, 3.12., 14:00." in message(
        facts, "de"
    )
    assert what(facts, "de") == "Zu Augenarzt Dr. Kim, Donnerstag, 3.12., 14:00"


def test_an_e_mail_names_the_link_and_without_one_says_that_replies_are_not_read() -> None:
    facts = {"kind": "meal", "who": "Erika", "item": "Menü 1: Gulasch"}
    mail = message(facts, "de", "email")
    assert mail.startswith("Obhut – Wohnung Berger: Anfrage 17\n")
    assert f"Bestätigen oder absagen: {LINK}" in mail
    plain = message(facts, "de", "email", link=None)
    assert "Bitte antworten Sie per SMS mit JA 17 oder NEIN 17." in plain
    assert "wird nicht gelesen" in plain


@settings(max_examples=200, deadline=None)
@given(
    item=st.text(st.sampled_from("abcdefgh äöüß,.:;-–„“…€0123456789 Жё日"), max_size=400),
    who=st.text(st.sampled_from("Frau Berger (Musterstr. 1)ıŁ"), min_size=1, max_size=80),
    lang=st.sampled_from(["de", "en"]),
    kind=st.sampled_from(["meal", "shopping"]),
    link=st.sampled_from([LINK, None]),
)
def test_any_order_fits_two_sms_and_keeps_its_answer(
    item: str, who: str, lang: str, kind: str, link: str | None
) -> None:
    text = message({"kind": kind, "who": who, "item": item or "x"}, lang, link=link)
    assert sms_segments(text) <= 2
    assert ("JA 17" if lang == "de" else "YES 17") in text
    assert text.endswith(LINK if link else ("NEIN 17." if lang == "de" else "NO 17."))


def test_days_on_buttons_and_in_the_tablets_status() -> None:
    today = date(2026, 11, 29)  # a Sunday
    assert [day_label(date(2026, 11, d), today, "de") for d in (29, 30)] == ["Heute", "Morgen"]
    assert day_label(date(2026, 12, 1), today, "de") == "Dienstag, 1.12."
    assert day_label(date(2026, 12, 1), today, "en") == "Tuesday 1 Dec"
    assert day_text(date(2027, 1, 4), "de") == "Montag, 4.1."
    assert when_short(date(2026, 12, 1), "10:00", today, "de") == "Dienstag 10:00"
    assert when_short(date(2026, 11, 30), "10:00", today, "en") == "Tomorrow 10:00"
    assert when_short(date(2026, 12, 9), "10:00", today, "de") == "Mittwoch, 9.12. 10:00"


def test_who_asks() -> None:
    assert signature("Erika", "Frau Berger", "Musterstr. 1", None) == "Frau Berger (Musterstr. 1)"
    assert signature("Erika", None, None, None) == "Erika"
    assert signature("Erika", "Frau Berger", "Musterstr. 1", "Mama") == "Mama"
