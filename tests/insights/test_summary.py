"""The daily summary's sentence from a day's facts: calm, short, correct, German and English."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hub.alerts.texts import is_gsm7, render_summary, sms_segments
from hub.insights.facts import AlertNote, DayFacts, Usual
from hub.insights.summary import compose, variants

BERLIN = ZoneInfo("Europe/Berlin")
LEARNED = Usual(known=True, ranges={"wake": (440, 490), "night_bathroom": (0, 2)})


def at(hh: int, mm: int, day: int = 4) -> datetime:
    return datetime(2026, 5, day, hh, mm, tzinfo=BERLIN)


NORMAL = DayFacts(
    day=date(2026, 5, 4),
    morning=False,
    tz="Europe/Berlin",
    told_at=at(19, 30),
    night_in_bed=True,
    night_up=1,
    night_up_minutes=6,
    night_bathroom=1,
    got_up=at(7, 40),
    kitchen=3,
    out=((at(10, 0), at(11, 30)),),
    usual=LEARNED,
)


def test_a_normal_day_is_all_as_usual() -> None:
    assert compose(NORMAL, "de") == (
        "Gut geschlafen, 7:40 aufgestanden, Küche 3×, draußen 10–11:30, alles wie gewohnt."
    )
    assert compose(NORMAL, "en") == (
        "Slept well, up at 7:40, kitchen 3×, out 10–11:30, all as usual."
    )


def test_without_a_learned_routine_nothing_is_called_usual() -> None:
    text = compose(replace(NORMAL, usual=Usual()), "de")
    assert "gewohnt" not in text
    assert text.endswith("draußen 10–11:30, keine Meldungen.")


def test_late_rising_is_said_beside_the_time() -> None:
    late = replace(NORMAL, got_up=at(9, 40), usual=replace(LEARNED, unusual={"wake": "later"}))
    assert compose(late, "de") == (
        "Gut geschlafen, 9:40 aufgestanden (später als üblich), Küche 3×, "
        "draußen 10–11:30, sonst alles wie gewohnt."
    )
    assert "up at 9:40 (later than usual)" in compose(late, "en")


def test_a_restless_night() -> None:
    # no routine yet: three times up is restless by common sense
    restless = replace(NORMAL, night_up=3, night_bathroom=2, usual=Usual())
    assert compose(restless, "de").startswith("Unruhige Nacht: 3× aufgestanden, 7:40")
    assert compose(restless, "en").startswith("Restless night: up 3×, up at 7:40")
    # the routine knows her nights: three times is what she always does
    her_usual = replace(restless, usual=Usual(True, {}, {"night_bathroom": (2, 4)}))
    assert compose(her_usual, "de").startswith("Gut geschlafen,")
    # ...and it says when her visits to the bathroom at night were more than usual
    more = Usual(True, {"night_bathroom": "more"}, {"night_bathroom": (0, 1)})
    flagged = replace(NORMAL, night_up=1, night_bathroom=2, usual=more)
    text = compose(flagged, "de")
    assert text.startswith("Unruhige Nacht: 2× aufgestanden")
    assert text.endswith("sonst alles wie gewohnt.")
    # long awake without getting up more than once
    awake = replace(NORMAL, night_up=0, night_bathroom=0, night_up_minutes=75, usual=Usual())
    assert compose(awake, "de").startswith("Unruhige Nacht: 1 Std. 15 Min. wach")


def test_missing_data_is_said_instead_of_all_as_usual() -> None:
    silent = replace(NORMAL, silent_since=at(14, 10))
    assert compose(silent, "de") == (
        "Gut geschlafen, 7:40 aufgestanden, Küche 3×, draußen 10–11:30. "
        "Keine Daten seit 14:10 – bitte Technik prüfen."
    )
    assert compose(silent, "en").endswith("No data since 14:10 – please check the equipment.")
    one = replace(silent, silent_devices=("Bewegung Bad",))
    assert compose(one, "de").endswith(
        "Keine Daten von Bewegung Bad seit 14:10 – bitte Technik prüfen."
    )
    # silent since yesterday afternoon: nothing of the night or today is known
    long_ago = replace(
        NORMAL, silent_since=at(14, 10, day=3), got_up=None, kitchen=0, out=(), night_in_bed=None
    )
    assert compose(long_ago, "de") == "Keine Daten seit gestern 14:10 – bitte Technik prüfen."


def test_alerts_and_who_took_care() -> None:
    done = replace(NORMAL, alerts=(AlertNote("resolved", "Carla"),))
    assert compose(done, "de").endswith("1 Meldung, erledigt von Carla, sonst alles wie gewohnt.")
    assert compose(done, "en").endswith("1 alert, resolved by Carla, otherwise all as usual.")
    cleared = replace(NORMAL, alerts=(AlertNote("resolved"),), usual=Usual())
    assert compose(cleared, "de").endswith("draußen 10–11:30, 1 Meldung, erledigt.")
    taking = replace(NORMAL, alerts=(AlertNote("resolved"), AlertNote("acknowledged", "Ben")))
    assert "2 Meldungen, Ben kümmert sich" in compose(taking, "de")
    still = replace(NORMAL, alerts=(AlertNote("open"),))
    assert "1 Meldung, noch offen" in compose(still, "de")


def test_told_in_the_morning_about_the_night_and_yesterday() -> None:
    morning = replace(
        NORMAL,
        day=date(2026, 5, 3),
        morning=True,
        told_at=at(8, 30),
        out=((at(10, 0, day=3), at(11, 30, day=3)),),
    )
    assert compose(morning, "de") == (
        "Gut geschlafen, 7:40 aufgestanden. Gestern: Küche 3×, draußen 10–11:30. Alles wie gewohnt."
    )
    assert compose(morning, "en") == (
        "Slept well, up at 7:40. Yesterday: kitchen 3×, out 10–11:30. All as usual."
    )
    in_bed = replace(morning, got_up=None, in_bed=True)
    assert compose(in_bed, "de").startswith("Gut geschlafen, noch im Bett. Gestern:")


def test_facts_survive_the_outbox_as_json() -> None:
    facts = replace(
        NORMAL,
        alerts=(AlertNote("resolved", "Carla"),),
        silent_since=at(14, 10),
        silent_devices=("Bewegung Bad",),
        usual=Usual(True, {"wake": "later"}, {"wake": (440.0, 490.0)}),
    )
    assert DayFacts.from_json(json.loads(json.dumps(facts.to_json()))) == facts


# --- within two SMS ---------------------------------------------------------------------


BUSY = replace(
    NORMAL,
    night_up=4,
    got_up=at(9, 40),
    out=tuple((at(h, 5), at(h, 50)) for h in range(8, 18)),
    alerts=(AlertNote("resolved", "Pflegedienst Sonnenschein Duisburg-Nord"), AlertNote("open")),
    silent_since=at(18, 20),
    silent_devices=("Bewegungsmelder Badezimmer im Erdgeschoss", "Bettsensor Schlafzimmer"),
    usual=replace(
        LEARNED,
        unusual={"wake": "later", "night_bathroom": "more", "lunch": "missing", "activity": "less"},
    ),
)


def sms(facts: DayFacts, lang: str = "de", home: str = "Wohnung Müller") -> str:
    subject, body = render_summary(lang, "sms", home=home, day="", variants=variants(facts, lang))
    assert subject == ""
    return body


def test_a_long_day_fits_two_sms_and_gives_up_the_least_important_first() -> None:
    for lang in ("de", "en"):
        text = sms(BUSY, lang)
        assert is_gsm7(text) and sms_segments(text) <= 2, text
        full = variants(BUSY, lang)[0]
        assert sms_segments(f"Obhut - Wohnung Müller: Tagesbericht. {full}") > 2
    text = sms(BUSY)
    # what never gives way: the night, what was unusual, the alerts, the missing data
    assert text.startswith("Obhut - Wohnung Müller: Tagesbericht. Unruhige Nacht: 4x")
    assert "9:40 aufgestanden (später als üblich)" in text
    assert "2 Meldungen, 1 noch offen" in text
    assert text.endswith(
        "Keine Daten von Bewegungsmelder Badezimmer im Erdgeschoss und Bettsensor "
        "Schlafzimmer seit 18:20 - bitte Technik prüfen."
    )
    assert "mittags nicht in der Küche, wenig Bewegung" in text
    # the count of kitchen visits and the outings gave way
    assert "Küche 3x" not in text and "draußen" not in text


def test_an_ordinary_day_keeps_everything() -> None:
    assert sms(NORMAL) == (
        "Obhut - Wohnung Müller: Tagesbericht. Gut geschlafen, 7:40 aufgestanden, Küche 3x, "
        "draußen 10-11:30, alles wie gewohnt."
    )


def test_a_name_outside_gsm7_still_fits_and_a_huge_home_name_gives_way() -> None:
    polish = replace(BUSY, silent_devices=("Czujnik ruchu łazienka Żółć",))
    text = sms(polish)
    assert sms_segments(text) <= 2 and "bitte Technik prüfen" in text
    huge = sms(BUSY, home="Seniorenwohnanlage Am Stadtpark, Haus 3, Wohnung 17 " * 4)
    assert sms_segments(huge) <= 2 and "Unruhige Nacht" in huge
    # the devices are counted rather than named before the home's name is cut
    assert "Keine Daten von 2 Geräten seit 18:20" in huge and "...: Tagesbericht." in huge


def test_the_email_tells_everything() -> None:
    subject, body = render_summary(
        "de", "email", home="Wohnung Müller", day="04.05.2026", variants=variants(BUSY, "de")
    )
    assert subject == "Obhut – Wohnung Müller: Tagesbericht 04.05.2026"
    assert "Küche 3×" in body and "16:05–16:50" in body


def test_many_outings_are_shortened_before_anything_else() -> None:
    outings = replace(
        NORMAL,
        out=tuple((at(h, 5), at(h, 50)) for h in range(8, 18)),
        alerts=(AlertNote("resolved", "Pflegedienst Sonnenschein Duisburg-Nord"),),
        silent_since=at(18, 20),
        silent_devices=("Bewegungsmelder Badezimmer im Erdgeschoss",),
    )
    assert sms(outings) == (
        "Obhut - Wohnung Müller: Tagesbericht. Gut geschlafen, 7:40 aufgestanden, Küche 3x, "
        "draußen 8:05-8:50, 9:05-9:50 und noch 8-mal, 1 Meldung, erledigt von Pflegedienst "
        "Sonnenschein Duisburg-Nord. Keine Daten von Bewegungsmelder Badezimmer im Erdgeschoss "
        "seit 18:20 - bitte Technik prüfen."
    )
    # with more to say, the outings are counted rather than listed
    late = replace(
        outings,
        got_up=at(9, 40),
        usual=replace(LEARNED, unusual={"wake": "later", "bedtime": "later"}),
    )
    text = sms(late)
    assert sms_segments(text) <= 2
    assert text.startswith(
        "Obhut - Wohnung Müller: Tagesbericht. Gut geschlafen, spät ins Bett, 9:40 aufgestanden "
        "(später als üblich), Küche 3x, 10x draußen, 7 Std. 30 Min., 1 Meldung, erledigt von"
    )
    assert "out 10x, 7 h 30 min, 1 alert, resolved by" in sms(late, "en")


def test_not_up_long_after_her_usual_time_is_never_as_usual() -> None:
    usual = Usual(True, {"wake": "missing", "activity": "less"}, {"wake": (435.0, 485.0)})
    not_up = replace(NORMAL, got_up=None, in_bed=True, kitchen=0, out=(), usual=usual)
    assert compose(not_up, "de") == (
        "Gut geschlafen, Aufstehen nicht erkannt (sonst 7:15–8:05), nicht in der Küche, "
        "wenig Bewegung, keine Meldungen."
    )
    assert compose(not_up, "en") == (
        "Slept well, getting up not seen (usually 7:15–8:05), not in the kitchen, "
        "little movement, no alerts."
    )
