"""A provider's SMS answer: "JA 17", "ja17", "Ja, 17", "JA 17 Di 10 Uhr", "NEIN 17" — and
the alert replies (OK, STOP) keep their meaning."""

from __future__ import annotations

import pytest

from hub.alerts.texts import parse_answer, parse_reply


@pytest.mark.parametrize(
    ("reply", "meaning"),
    [
        ("JA 17", ("yes", 17, "")),
        ("ja17", ("yes", 17, "")),
        ("Ja, 17", ("yes", 17, "")),
        ("JA 17 Di 10 Uhr", ("yes", 17, "Di 10 Uhr")),
        ("Ja 17: komme um 9:45", ("yes", 17, "komme um 9:45")),
        ("JA 17 (Di 10 Uhr)", ("yes", 17, "Di 10 Uhr")),
        ("„Ja 17“", ("yes", 17, "")),
        ("ＪＡ　１７", ("yes", 17, "")),  # a phone keyboard in full-width mode
        ("Jawohl 17", ("yes", 17, "")),
        ("YES 17", ("yes", 17, "")),
        ("Ja", ("yes", None, "")),
        ("ja gerne", ("yes", None, "gerne")),
        ("Ja 10:00", ("yes", None, "10:00")),  # a time, not request 10
        ("NEIN 17", ("no", 17, "")),
        ("nein17", ("no", 17, "")),
        ("Nein, 17 - bin krank", ("no", 17, "bin krank")),
        ("Nee 17", ("no", 17, "")),
        ("No 17 sorry", ("no", 17, "sorry")),
        ("nein", ("no", None, "")),
    ],
)
def test_answers(reply: str, meaning: tuple[str, int | None, str]) -> None:
    assert parse_answer(reply) == meaning
    assert parse_reply(reply) == meaning[:2]


@pytest.mark.parametrize(
    "reply",
    ["Januar 17", "Japan", "Note 17", "Noch nicht", "Neinnn", "Yesterday 17", "17", "", "Jein"],
)
def test_words_that_only_begin_like_an_answer_are_none(reply: str) -> None:
    assert parse_answer(reply) is None
    assert parse_reply(reply) == ("unknown", None)


@pytest.mark.parametrize(
    ("reply", "meaning"),
    [
        ("OK 42", ("ok", 42)),
        ("ok42", ("ok", 42)),
        ("OK", ("ok", None)),
        ("OK bin gleich da", ("ok", None)),
        ("STOP", ("stop", None)),
        ("STOPP", ("stop", None)),
        ("Nicht ok 42", ("unknown", None)),
    ],
)
def test_alert_replies_keep_their_meaning(reply: str, meaning: tuple[str, int | None]) -> None:
    assert parse_reply(reply) == meaning
    assert parse_answer(reply) is None


def test_a_long_note_is_kept_to_one_sms() -> None:
    answer = parse_answer("JA 17 " + "sehr " * 60)
    assert answer is not None and len(answer[2]) <= 160
