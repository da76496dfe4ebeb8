"""The messages people read: German and English, SMS within two segments, replies understood."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.alerts.texts import MessageKind, is_gsm7, parse_reply, render, sms_segments

PANIC = {
    "alert_id": 42,
    "home": "Wohnung Müller",
    "severity": "emergency",
    "explanation": "Notruf ausgelöst in Schlafzimmer um 03:12",
    "room": "Schlafzimmer",
    "opened": "03:12",
}
# What the rules write (rules/kinds/*), at their longest, and a bit beyond.
LONG_EXPLANATIONS = [
    "Keine Bewegung seit gestern 22:10 (11 Std 05 Min), zuletzt in Schlafzimmer; "
    "Haustür zuletzt um 21:55 geöffnet, Bewegungsmelder Flur antwortet nicht mehr",
    "Wohnzimmer seit 04:30 unter 17 °C (jetzt 15.8 °C); Heizung auf 21 °C gestellt, "
    "ohne Wirkung – bitte prüfen Sie, ob das Fenster offen ist oder die Heizung ausgefallen",
    "Erinnerung 'Blutdrucktabletten (Ramipril 5 mg) mit einem Glas Wasser nach dem "
    "Frühstück, dann Blutdruck messen und ins Heft eintragen' von 08:00 nicht bestätigt",
    "Seit 14:05 (2 Std 40 Min) im Raum Badezimmer im Erdgeschoss, sonst keine Bewegung in "
    "der Wohnung; zuletzt Bewegung in Küche um 14:01, Tür zum Balkon geschlossen " * 2,
]


def sms(kind: MessageKind, lang: str = "de", **kw: Any) -> str:
    subject, body = render(kind, lang, "sms", **{**PANIC, **kw})
    assert subject == ""
    return body


def mail(kind: MessageKind, lang: str = "de", **kw: Any) -> tuple[str, str]:
    return render(kind, lang, "email", **{**PANIC, **kw})


# --- what the messages say ------------------------------------------------------------


def test_an_emergency_by_sms_in_german() -> None:
    assert sms(MessageKind.RAISED) == (
        "Obhut - Wohnung Müller: NOTFALL. Notruf ausgelöst in Schlafzimmer um 03:12. "
        "Bitte melden Sie sich. Antworten Sie OK 42, wenn Sie sich kümmern."
    )


def test_an_emergency_by_sms_in_english() -> None:
    assert sms(MessageKind.RAISED, "en") == (
        "Obhut - Wohnung Müller: EMERGENCY. Notruf ausgelöst in Schlafzimmer um 03:12. "
        "Please get in touch. Reply OK 42 if you are taking care of it."
    )


def test_an_emergency_by_e_mail_has_a_subject_and_says_how_to_acknowledge() -> None:
    subject, body = mail(MessageKind.RAISED)
    assert subject == "Obhut – Wohnung Müller: NOTFALL – Notruf ausgelöst in Schlafzimmer um 03:12"
    assert body.startswith("Obhut – Wohnung Müller: NOTFALL.\n\nNotruf ausgelöst")
    assert "antworten Sie per SMS mit OK 42" in body
    assert "Betreuer-Seite" in body
    assert "Antwort auf diese E-Mail wird nicht gelesen" in body
    _, body_en = mail(MessageKind.RAISED, "en")
    assert "reply OK 42 by SMS" in body_en
    assert "Replies to this e-mail are not read" in body_en


@pytest.mark.parametrize(
    ("severity", "de", "en"),
    [
        ("info", "Hinweis", "Notice"),
        ("warning", "Warnung", "Warning"),
        ("urgent", "Dringend", "Urgent"),
        ("emergency", "NOTFALL", "EMERGENCY"),
    ],
)
def test_severity_words(severity: str, de: str, en: str) -> None:
    assert sms(MessageKind.RAISED, severity=severity).startswith(f"Obhut - Wohnung Müller: {de}.")
    assert sms(MessageKind.RAISED, "en", severity=severity).startswith(
        f"Obhut - Wohnung Müller: {en}."
    )


def test_only_urgent_and_emergency_ask_to_get_in_touch() -> None:
    assert "Bitte melden Sie sich" in sms(MessageKind.RAISED, severity="urgent")
    assert "Bitte melden Sie sich" not in sms(MessageKind.RAISED, severity="warning")
    assert "Antworten Sie OK 42" in sms(MessageKind.RAISED, severity="warning")


def test_where_and_since_when_are_added_only_if_the_explanation_lacks_them() -> None:
    text = sms(
        MessageKind.RAISED,
        severity="urgent",
        explanation="Keine Bewegung seit 07:12 (3 Std 05 Min), zuletzt in Flur",
        room="Küche",
        opened="10:17",
    )
    assert "zuletzt in Flur (Küche, gemeldet 10:17). Bitte" in text
    assert "(" + "Schlafzimmer" not in sms(MessageKind.RAISED)  # already said
    en = sms(MessageKind.RAISED, "en", explanation="No movement", room="Kitchen", opened="10:17")
    assert "No movement (Kitchen, reported 10:17)." in en
    bare = sms(MessageKind.RAISED, explanation="", room="Küche", opened="gestern 22:10")
    assert "NOTFALL. Küche, gemeldet gestern 22:10. Bitte" in bare


def test_a_repeat_says_since_when_it_is_open() -> None:
    assert sms(MessageKind.REPEAT, opened="gestern 22:10").startswith(
        "Obhut - Wohnung Müller: NOTFALL, noch offen seit gestern 22:10. Notruf"
    )
    assert "still open since 03:12" in sms(MessageKind.REPEAT, "en")
    assert sms(MessageKind.REPEAT).endswith("Antworten Sie OK 42, wenn Sie sich kümmern.")


def test_the_all_clear_names_who_resolved_it() -> None:
    text = sms(
        MessageKind.ALL_CLEAR, explanation="Wieder Bewegung um 10:14 in Küche", resolved_by="Anna"
    )
    assert text == (
        "Obhut - Wohnung Müller: Entwarnung zu Meldung 42: "
        "Wieder Bewegung um 10:14 in Küche (erledigt durch Anna)."
    )
    assert "OK 42" not in text
    en = sms(MessageKind.ALL_CLEAR, "en", explanation="Movement again", resolved_by="Anna")
    assert (
        en == "Obhut - Wohnung Müller: All clear for alert 42: Movement again (resolved by Anna)."
    )
    by_itself = sms(MessageKind.ALL_CLEAR, explanation="Wieder Bewegung um 10:14 in Küche")
    assert by_itself.endswith("Wieder Bewegung um 10:14 in Küche.")
    subject, _ = mail(MessageKind.ALL_CLEAR, resolved_by="Anna")
    assert subject == "Obhut – Wohnung Müller: Entwarnung zu Meldung 42"


def test_the_others_learn_that_anna_takes_care() -> None:
    text = sms(MessageKind.ACKNOWLEDGED_BY_OTHER, acknowledged_by="Anna", resolved_by="Ben")
    assert text == (
        "Obhut - Wohnung Müller: Anna kümmert sich um Meldung 42. "
        "NOTFALL: Notruf ausgelöst in Schlafzimmer um 03:12. Sie müssen nichts tun."
    )
    en = sms(MessageKind.ACKNOWLEDGED_BY_OTHER, "en", acknowledged_by="Anna")
    assert en.startswith("Obhut - Wohnung Müller: Anna is taking care of alert 42.")
    assert en.endswith("Nothing for you to do.")
    assert "OK 42" not in text + en
    assert "Ben" not in text  # resolving is for the all-clear only


def test_a_system_alert_for_the_installer() -> None:
    text = sms(
        MessageKind.SYSTEM,
        severity="urgent",
        explanation="Bewegungsmelder Bad antwortet nicht mehr (seit 07:12)",
        room="Bad",
        opened="07:12",
    )
    assert text == (
        "Obhut - Wohnung Müller: Technik-Meldung (Dringend). "
        "Bewegungsmelder Bad antwortet nicht mehr (seit 07:12). "
        "Antworten Sie OK 42, wenn Sie sich kümmern."
    )
    subject, _ = mail(MessageKind.SYSTEM, "en", severity="warning", explanation="Battery at 8 %")
    assert subject == "Obhut – Wohnung Müller: System alert (Warning) – Battery at 8 %"


def test_the_daily_sign_of_life() -> None:
    text = sms(MessageKind.DAILY_OK, alert_id=0, explanation="", room=None, opened="08:00")
    assert text == "Obhut - Wohnung Müller: Obhut läuft. Stand 08:00."
    en = sms(MessageKind.DAILY_OK, "en", alert_id=0, explanation="", room=None, opened="08:00")
    assert en == "Obhut - Wohnung Müller: Obhut is running. As of 08:00."


def test_a_test_message_names_its_recipient() -> None:
    text = sms(MessageKind.TEST, alert_id=0, explanation="", recipient="Anna")
    assert text.startswith("Obhut - Wohnung Müller: Testnachricht von Obhut an Anna.")
    assert "OK" not in text  # no alert to acknowledge
    with_reply = sms(MessageKind.TEST, alert_id=7, explanation="", recipient="Anna")
    assert with_reply.endswith("Antworten Sie OK 7, um auch die Antwort zu prüfen.")
    subject, _ = mail(MessageKind.TEST, "en", alert_id=0, explanation="", recipient="Anna")
    assert subject == "Obhut – Wohnung Müller: Test message from Obhut to Anna"


def test_an_unknown_language_falls_back_to_german() -> None:
    assert sms(MessageKind.RAISED, "fr") == sms(MessageKind.RAISED, "de")
    assert sms(MessageKind.RAISED, "en-GB") == sms(MessageKind.RAISED, "en")


# --- fitting into two SMS ---------------------------------------------------------------


def test_umlauts_are_gsm7_but_typographic_dashes_are_not() -> None:
    assert is_gsm7("ÄÖÜäöüß Grüße aus Köln")
    assert not is_gsm7("Obhut – Wohnung")
    assert not is_gsm7("16 °C")
    assert sms_segments("ä" * 160) == 1
    assert sms_segments("ä" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1  # two septets each
    assert sms_segments("–" * 70) == 1
    assert sms_segments("–" * 134) == 2
    assert sms_segments("–" * 135) == 3


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("explanation", LONG_EXPLANATIONS)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_long_explanations_fit_two_segments_and_keep_the_instruction(
    kind: MessageKind, lang: str, explanation: str
) -> None:
    kw: dict[str, Any] = {
        "alert_id": 123456,
        "home": "Wohnung Müller-Lüdenscheidt, Duisburg-Neudorf",
        "severity": "urgent",
        "explanation": explanation,
        "room": "Wohnzimmer",
        "opened": "gestern 22:10",
        "acknowledged_by": "Anna-Katharina",
        "resolved_by": "Pflegedienst Sonnenschein",
        "recipient": "Anna-Katharina",
    }
    text = sms(kind, lang, **kw)
    assert sms_segments(text) <= 2
    assert is_gsm7(text), "German texts stay GSM-7: 306 characters, not 134"
    assert len(text) <= 306
    if kind in (MessageKind.RAISED, MessageKind.REPEAT, MessageKind.SYSTEM):
        ack = "Antworten Sie OK 123456, wenn Sie sich kümmern."
        assert text.endswith(
            ack if lang == "de" else "Reply OK 123456 if you are taking care of it."
        )
    if kind is MessageKind.ALL_CLEAR:
        by = "erledigt durch" if lang == "de" else "resolved by"
        assert text.endswith(f"({by} Pflegedienst Sonnenschein).")


def test_the_explanation_is_cut_with_an_ellipsis_and_whole_in_the_e_mail() -> None:
    long = LONG_EXPLANATIONS[3]
    text = sms(MessageKind.RAISED, explanation=long, room="Badezimmer", opened="16:45")
    assert "..." in text  # "…" is not GSM-7; three dots keep the 306
    assert text.startswith("Obhut - Wohnung Müller: NOTFALL. Seit 14:05 (2 Std 40 Min)")
    assert "(gemeldet 16:45)" in text
    assert "Bitte melden Sie sich" not in text  # gave way before the explanation
    assert text.endswith("Antworten Sie OK 42, wenn Sie sich kümmern.")
    assert 280 < len(text) <= 306  # cut no more than needed
    subject, body = mail(MessageKind.RAISED, explanation=long)
    assert len(subject) <= 120 and subject.endswith("…")
    assert long.strip() in body


def test_degrees_and_dashes_become_plain_in_an_sms() -> None:
    text = sms(MessageKind.RAISED, severity="warning", explanation=LONG_EXPLANATIONS[1])
    assert "unter 17 Grad (jetzt 15.8 Grad)" in text
    assert "°" not in text
    en = sms(MessageKind.RAISED, "en", explanation="Living room below 17 °C since 04:30")
    assert "below 17 C since 04:30" in en
    _, body = mail(MessageKind.RAISED, explanation=LONG_EXPLANATIONS[1])
    assert "17 °C" in body and "ohne Wirkung – bitte" in body


def test_a_name_with_letters_outside_gsm7_loses_only_its_accents() -> None:
    text = sms(MessageKind.RAISED, home="Wohnung Yılmaz", explanation=LONG_EXPLANATIONS[0])
    assert text.startswith("Obhut - Wohnung Yilmaz: NOTFALL.")
    assert is_gsm7(text)
    assert len(text) > 134  # still the GSM-7 room


def test_text_that_needs_ucs2_is_held_to_134() -> None:
    text = sms(MessageKind.RAISED, home="Квартира Ивановой", explanation=LONG_EXPLANATIONS[0])
    assert not is_gsm7(text)
    assert sms_segments(text) <= 2
    assert len(text) <= 134
    assert text.startswith("Obhut – Квартира Ивановой: NOTFALL. Keine Bewegung")
    assert "…" in text
    assert text.endswith("Antworten Sie OK 42, wenn Sie sich kümmern.")


@settings(max_examples=150, deadline=None)
@given(
    explanation=st.text(
        st.sampled_from("abcdefghijk ÄÖÜäöüß.,;:()–…°€[]{}0123456789 " + "Жё日本😀"),
        max_size=400,
    ),
    home=st.text(st.sampled_from("Wohnung Müller ıŁ–Ж"), min_size=1, max_size=60),
    kind=st.sampled_from(list(MessageKind)),
    lang=st.sampled_from(["de", "en"]),
    alert_id=st.integers(1, 9_999_999),
)
def test_any_text_fits_two_segments(
    explanation: str, home: str, kind: MessageKind, lang: str, alert_id: int
) -> None:
    text = sms(kind, lang, explanation=explanation, home=home, alert_id=alert_id)
    assert sms_segments(text) <= 2
    if kind in (MessageKind.RAISED, MessageKind.REPEAT, MessageKind.SYSTEM):
        assert f"OK {alert_id}" in text


# --- replies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "meaning"),
    [
        ("OK 42", ("ok", 42)),
        ("ok42", ("ok", 42)),
        ("Ok, 42", ("ok", 42)),
        ("  ok 42 bin unterwegs", ("ok", 42)),
        ("OK #42", ("ok", 42)),
        ("O.K. 42", ("ok", 42)),
        ("Okay 42", ("ok", 42)),
        ("„OK 42“", ("ok", 42)),
        ("ＯＫ　４２", ("ok", 42)),  # a phone keyboard in full-width mode
        ("OK", ("ok", None)),
        ("ok.", ("ok", None)),
        ("OK bin gleich da", ("ok", None)),
        ("STOP", ("stop", None)),
        ("Stop", ("stop", None)),
        ("STOPP", ("stop", None)),
        ("stopp!", ("stop", None)),
        ("Stop all", ("stop", None)),
        ("UNSUBSCRIBE", ("stop", None)),
        ("Cancel", ("stop", None)),
        ("Oktober", ("unknown", None)),
        ("Nicht ok 42", ("unknown", None)),
        ("42", ("unknown", None)),
        ("Wer ist da?", ("unknown", None)),
        ("", ("unknown", None)),
    ],
)
def test_replies(reply: str, meaning: tuple[str, int | None]) -> None:
    assert parse_reply(reply) == meaning
