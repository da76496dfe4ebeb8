"""The routine rules on synthetic weeks with known answers (tests/rules/routine_days.py).

Three ordinary weeks from Monday 6 April 2026 (she gets up between 7:00 and 8:00, lunch at
12:00–12:40, out 10:00–11:00 except every seventh day, 0 or 1 bathroom visits at night), then
the day under test. The usual ranges are the 10th–90th percentile by nearest rank of the 21
days: the 3rd and the 19th of them in order.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from hub.config import ConfigError
from hub.config.model import Language
from hub.model import Action, Finding
from hub.replay import replay
from tests.rules.routine_days import Event, day, observations, usual_lunch, usual_wake, weeks
from tests.rules.scenario import at, config, findings, local, run

FIRST = date(2026, 4, 6)
WEEKS = weeks(FIRST, 21)
TEST_DAY = FIRST + timedelta(days=21)  # Monday 27 April


def d(n: int) -> date:
    return FIRST + timedelta(days=n)


def shown(
    rules: str, events: list[Event], until: str, lang: str = "de"
) -> list[tuple[str, bool, str]]:
    """The findings as (Berlin time, cleared, explanation), in the home's language `lang`."""
    out = run(rules, events, until) if lang == "de" else run_in(lang, rules, events, until)
    return [(local(f.ts), f.cleared, f.explanation) for f in findings(out)]


def run_in(lang: str, rules: str, events: list[Event], until: str) -> list[Finding | Action]:
    """`run` in a flat whose language is `lang`."""
    cfg = config(rules)
    cfg = cfg.model_copy(update={"home": cfg.home.model_copy(update={"language": Language(lang)})})
    out: list[Finding | Action] = []
    asyncio.run(replay(cfg, observations(events), out.append, at(until), out.append))
    return out


def test_the_known_usual_ranges_of_the_synthetic_weeks() -> None:
    wakes = sorted(usual_wake(i) for i in range(21))
    lunches = sorted(usual_lunch(i) for i in range(21))
    assert (wakes[2], wakes[18]) == ("07:02", "07:48")
    assert (lunches[2], lunches[18]) == ("12:03", "12:36")


# routine_wake_up

WAKE = "rules:\n  - kind: routine_wake_up\n"


def test_a_late_morning_is_raised_at_the_latest_usual_time_plus_90_minutes() -> None:
    late = day(TEST_DAY, wake="10:30", outing=None)
    assert shown(WAKE, WEEKS + late, "2026-04-28 00:00") == [
        ("2026-04-27 09:18", False, "Heute bis 9:18 nicht aufgestanden, üblich 7:02–7:48"),
        ("2026-04-27 10:30", True, "Heute erst um 10:30 aufgestanden, üblich 7:02–7:48"),
    ]
    [raised] = findings(run(WAKE, WEEKS + late, "2026-04-28 00:00"), cleared=False)
    assert raised.severity == "warning" and raised.pre_alert_s == 0


def test_an_ordinary_morning_and_one_a_little_late_say_nothing() -> None:
    ordinary = day(TEST_DAY, wake="07:40") + day(d(22), wake="09:10", outing=None)
    assert shown(WAKE, WEEKS + ordinary, "2026-04-29 00:00") == []


def test_a_margin_of_the_installers_choice_in_english() -> None:
    rules = "rules:\n  - {kind: routine_wake_up, later_by: 30m}\n"
    late = day(TEST_DAY, wake="08:40", outing=None)
    assert shown(rules, WEEKS + late, "2026-04-28 00:00", lang="en") == [
        ("2026-04-27 08:18", False, "Not up by 8:18 today, usually up 7:02–7:48"),
        ("2026-04-27 08:40", True, "Up only at 8:40 today, usually up 7:02–7:48"),
    ]


def test_fewer_days_than_min_days_say_nothing() -> None:
    five = weeks(FIRST, 5) + day(d(5), wake="11:00", outing=None)
    assert shown(WAKE, five, "2026-04-12 00:00") == []
    rules = "rules:\n  - {kind: routine_wake_up, min_days: 5}\n"
    assert [t for t, c, _ in shown(rules, five, "2026-04-12 00:00") if not c] == [
        "2026-04-11 09:16"  # 5 days: the range is all of them, 7:00–7:46
    ]


# routine_activity

ACTIVITY = "rules:\n  - kind: routine_activity\n"


def signs(events: list[Event], on: date, until: str) -> int:
    """Signs of life from 06:00 to `until`: motion turning on, a door or the bed changing."""
    return sum(
        1
        for t, e, v in events
        if t[:10] == str(on)
        and "06:00" <= t[11:16] < until
        and (v is True or e.startswith(("contact.", "bed_occupancy.")))
    )


def test_a_quiet_day_is_raised_once_when_it_falls_below_half_the_usual() -> None:
    quiet = day(TEST_DAY, every=60)  # in the living room once an hour instead of six times
    # The oracle: each ordinary day's signs by 16:00, scaled to today's 540 minutes at home
    # (out 10:00–11:00) from that day's (540, or 600 on a day in); then nearest ranks 3 and 19.
    scaled = sorted(
        signs(WEEKS, d(i), "16:00") * 540 / (600 if i % 7 == 3 else 540) for i in range(21)
    )
    usual = f"{round(scaled[2])}–{round(scaled[18])}"
    today = signs(quiet, TEST_DAY, "16:00")
    assert today < scaled[10] / 2  # below half the median
    assert shown(ACTIVITY, WEEKS + quiet, "2026-04-28 00:00") == [
        (
            "2026-04-27 16:00",
            False,
            f"Heute bis 16:00 wenig Bewegung in der Wohnung: {today} Meldungen, "
            f"üblich bis dahin {usual}",
        )
    ]
    assert (today, usual) == (26, "51–57")


def test_an_ordinary_day_and_an_afternoon_out_are_no_lack_of_movement() -> None:
    ordinary = day(TEST_DAY) + day(d(22), outing=("13:00", "17:30"))
    assert shown(ACTIVITY, WEEKS + ordinary, "2026-04-29 00:00") == []


# routine_night_bathroom

NIGHTS = "rules:\n  - kind: routine_night_bathroom\n"
THREE = ("01:00", "03:00", "04:30")


def test_three_nights_in_a_row_with_more_visits_than_usual_are_raised_once() -> None:
    nights = (
        day(TEST_DAY, night=THREE)
        + day(d(22), night=("01:00", "02:30", "04:00", "04:40"))
        + day(d(23), night=THREE)
        + day(d(24), night=THREE)  # the run goes on: said already
    )
    assert shown(NIGHTS, WEEKS + nights, "2026-05-01 00:00") == [
        (
            "2026-04-29 06:00",
            False,
            "Heute Nacht 3 Badbesuche, die Nächte davor 4 und 3; üblich sind 0–1",
        )
    ]


def test_two_nights_or_a_run_broken_by_an_ordinary_night_say_nothing() -> None:
    two = day(TEST_DAY, night=THREE) + day(d(22), night=THREE) + day(d(23))
    broken = day(TEST_DAY, night=THREE) + day(d(22), night=("02:00",)) + day(d(23), night=THREE)
    assert shown(NIGHTS, WEEKS + two, "2026-04-30 00:00") == []
    assert shown(NIGHTS, WEEKS + broken, "2026-04-30 00:00") == []


def test_one_night_is_enough_when_the_installer_says_so() -> None:
    rules = "rules:\n  - {kind: routine_night_bathroom, nights: 1}\n"
    events = WEEKS + day(TEST_DAY, night=THREE)
    assert shown(rules, events, "2026-04-28 00:00") == [
        ("2026-04-27 06:00", False, "Heute Nacht 3 Badbesuche; üblich sind 0–1")
    ]
    assert shown(rules, events, "2026-04-28 00:00", lang="en") == [
        ("2026-04-27 06:00", False, "Last night 3 bathroom visits; usually 0–1")
    ]


# routine_stayed_in

STAYED_IN = "rules:\n  - kind: routine_stayed_in\n"


def test_three_days_in_are_raised_at_six_and_her_next_outing_clears_it() -> None:
    days_in = (
        day(TEST_DAY, outing=None)
        + day(d(22), outing=None)
        + day(d(23), outing=None)
        + day(d(24), outing=("10:00", "11:00"))
    )
    assert shown(STAYED_IN, WEEKS + days_in, "2026-05-01 00:00") == [
        (
            "2026-04-29 18:00",
            False,
            "Seit 3 Tagen nicht aus der Wohnung gegangen; sonst an 18 von 21 Tagen draußen",
        ),
        ("2026-04-30 11:00", True, "Heute 10:00–11:00 außer Haus"),
    ]


def test_two_days_in_say_nothing() -> None:
    days_in = day(TEST_DAY, outing=None) + day(d(22), outing=None) + day(d(23))
    assert shown(STAYED_IN, WEEKS + days_in, "2026-04-30 00:00") == []


# routine_lunch

LUNCH = "rules:\n  - kind: routine_lunch\n"


def test_no_kitchen_by_an_hour_after_the_latest_usual_lunch_and_the_kitchen_clears_it() -> None:
    assert shown(LUNCH, WEEKS + day(TEST_DAY, lunch=None), "2026-04-28 00:00") == [
        (
            "2026-04-27 13:36",
            False,
            "Heute bis 13:36 nicht in der Küche; mittags sonst meist zwischen 12:03 und 12:36",
        ),
        ("2026-04-27 18:00", True, "Um 18:00 in der Küche"),
    ]


def test_a_silent_kitchen_sensor_is_no_missed_lunch_a_silent_leak_detector_is() -> None:
    no_lunch = day(TEST_DAY, lunch=None)
    kitchen = [(f"{TEST_DAY} 09:00", "available.bewegung_kueche", False)]
    leak = [(f"{TEST_DAY} 09:00", "available.wassermelder", False)]
    assert shown(LUNCH, WEEKS + no_lunch + kitchen, "2026-04-28 00:00") == []
    assert [t for t, c, _ in shown(LUNCH, WEEKS + no_lunch + leak, "2026-04-28 00:00")] == [
        "2026-04-27 13:36",
        "2026-04-27 18:00",
    ]


def test_lunch_a_little_late_or_out_at_lunchtime_say_nothing() -> None:
    days = day(TEST_DAY, lunch="12:50") + day(d(22), outing=("11:00", "14:45"), lunch=None)
    assert shown(LUNCH, WEEKS + days, "2026-04-29 00:00") == []


# All five: missing days, days away

ALL = """\
rules:
  - kind: routine_wake_up
  - kind: routine_activity
  - kind: routine_night_bathroom
  - kind: routine_stayed_in
  - kind: routine_lunch
"""


def test_ordinary_weeks_raise_nothing_at_all() -> None:
    ordinary = day(TEST_DAY) + day(d(22), wake="07:10", lunch="12:20")
    assert shown(ALL, WEEKS + ordinary, "2026-04-29 00:00") == []


def lost_radio(first: int, last: int) -> list[Event]:
    """The radio lost from the evening before day `first` to the evening of day `last`."""
    return [
        (f"{d(first - 1)} 23:50", "radio.zigbee", False),
        (f"{d(last)} 23:50", "radio.zigbee", True),
    ]


def test_days_without_data_raise_nothing_and_the_usual_stays_the_usual() -> None:
    silent = weeks(FIRST, 21, skip=frozenset({8, 9, 10})) + lost_radio(8, 10)
    assert shown(ALL, silent + day(TEST_DAY), "2026-04-28 00:00") == []
    # A late morning after them is measured against the other 18 days alone: their wake-up
    # times in order are 7:00, 7:02, … 7:54, 7:55; nearest ranks 2 and 17 (of 18).
    late = silent + day(TEST_DAY, wake="10:30", outing=None)
    assert [e for _, c, e in shown(WAKE, late, "2026-04-28 00:00") if not c] == [
        "Heute bis 9:24 nicht aufgestanden, üblich 7:02–7:54"
    ]


def away(first: int, last: int) -> list[Event]:
    """Off to her daughter's on day `first` at 9:00, back on day `last` at 16:00."""
    return [
        (f"{d(first)} 08:55", "motion.flur", True),
        (f"{d(first)} 09:00", "contact.front_door", True),
        (f"{d(first)} 09:00:30", "contact.front_door", False),
        (f"{d(last)} 16:00", "contact.front_door", True),
        (f"{d(last)} 16:00:30", "contact.front_door", False),
        (f"{d(last)} 16:01", "motion.flur", True),
        *(e for e in day(d(last)) if e[0] > f"{d(last)} 16:05"),  # her evening at home
    ]


def test_days_away_raise_nothing_and_do_not_teach_the_usual() -> None:
    events = [e for e in weeks(FIRST, 21) if not d(12) <= date.fromisoformat(e[0][:10]) <= d(15)]
    events += [e for e in day(d(12)) if e[0] < f"{d(12)} 08:50"]  # up, then she leaves
    events += away(12, 15)
    assert shown(ALL, events + day(TEST_DAY), "2026-04-28 00:00") == []
    # Four days away (she leaves on the 13th day and is back on the 16th): the other 17 teach
    # the usual wake-up, 7:00, 7:01, … 7:54 in order; nearest ranks 2 and 16 (of 17).
    late = events + day(TEST_DAY, wake="10:30", outing=None)
    assert [e for _, c, e in shown(WAKE, late, "2026-04-28 00:00") if not c] == [
        "Heute bis 9:18 nicht aufgestanden, üblich 7:01–7:48"
    ]


# The keys


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{kind: routine_wake_up, severity: urgent}", "a routine rule gives advice"),
        ("{kind: routine_lunch, pre_alert: 5m}", "the tablet does not ask about it"),
        ("{kind: routine_activity, min_days: 30}", "min_days (30) is more than learn_days (28)"),
        ("{kind: routine_stayed_in, days: 0}", "0 is out of range for days"),
        ("{kind: routine_night_bathroom, nights: three}", "nights"),
        ('{kind: routine_activity, check_from: "11:30"}', "11:30 is not a full hour"),
        ('{kind: routine_activity, check_until: "06:00"}', "too early"),
        ('{kind: routine_activity, check_from: "15:00", check_until: "12:00"}', "is before"),
    ],
)
def test_wrong_keys_are_explained(rule: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        config(f"rules:\n  - {rule}\n")
    assert message in info.value.format()


def test_the_defaults() -> None:
    rules = config(ALL).rules
    assert [(r.kind, r.severity, r.pre_alert) for r in rules] == [
        ("routine_wake_up", "warning", None),
        ("routine_activity", "warning", None),
        ("routine_night_bathroom", "warning", None),
        ("routine_stayed_in", "info", None),
        ("routine_lunch", "info", None),
    ]
    assert {(r.learn_days, r.min_days) for r in rules} == {(28, 7)}  # type: ignore[attr-defined]
