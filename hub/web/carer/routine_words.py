"""The words of the carer's routine page (/carer/routine), German first; registered on import."""

from __future__ import annotations

from hub.i18n import register

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "carer_nav_routine": "Gewohnheiten",
        "routine_title": "Gewohnheiten",
        "routine_help": "Was an einem gewöhnlichen Tag üblich ist, gelernt aus den letzten "
        "Tagen. „Üblich“ heißt: so war es an acht von zehn Tagen.",
        "routine_learned": "Gelernt aus {n} Tagen (von den letzten {window}).",
        "routine_too_early": "Noch zu wenige Tage gelernt ({n} von {min}). Die Gewohnheiten "
        "erscheinen, sobald {min} gewöhnliche Tage zu Hause beobachtet sind.",
        "routine_from_store": "Aus dem Verlauf berechnet; keine Gewohnheitsregel ist eingerichtet.",
        "routine_usual": "Üblich",
        "routine_wake": "Aufstehen",
        "routine_bedtime": "Zu Bett",
        "routine_night_bathroom": "Nachts im Bad (22–6 Uhr)",
        "routine_out": "Außer Haus",
        "routine_lunch": "Mittags in der Küche",
        "routine_kitchen": "Besuche in der Küche",
        "routine_events": "Bewegungsmeldungen am Tag",
        "routine_time": "{time} Uhr",
        "routine_times": "{range} Uhr (meist {median})",
        "routine_count": "{range} (meist {median})",
        "routine_count_same": "{range}",
        "routine_times_night": "{range}-mal (meist {median})",
        "routine_times_night_same": "{range}-mal",
        "routine_out_days": "an {out} von {of} Tagen, meist {minutes} Minuten",
        "routine_never_out": "an keinem der Tage",
        "routine_unknown": "noch nicht erkannt",
        "routine_yesterday": "Gestern",
        "routine_as_usual": "Alles wie gewohnt.",
        "routine_no_data": "Keine Beobachtungen.",
        "routine_away": "Nicht zu Hause.",
        "routine_rooms": "Bewegung nach Raum und Uhrzeit",
        "routine_rooms_help": "Durchschnittliche Meldungen je Stunde an einem üblichen Tag; "
        "je dunkler, desto mehr.",
        "routine_rooms_chart": "Bewegung nach Raum und Stunde",
        "routine_rooms_table": "Die Zahlen",
        "routine_hour": "Stunde",
    },
    "en": {
        "carer_nav_routine": "Routine",
        "routine_title": "Routine",
        "routine_help": "What is usual on an ordinary day, learned from the last days. "
        "“Usual” means: so it was on eight days out of ten.",
        "routine_learned": "Learned from {n} days (of the last {window}).",
        "routine_too_early": "Not enough days yet ({n} of {min}). The routine appears once "
        "{min} ordinary days at home have been seen.",
        "routine_from_store": "Worked out from the history; no routine rule is set up.",
        "routine_usual": "Usual",
        "routine_wake": "Getting up",
        "routine_bedtime": "Bedtime",
        "routine_night_bathroom": "Bathroom at night (22–6)",
        "routine_out": "Out of the flat",
        "routine_lunch": "In the kitchen at lunchtime",
        "routine_kitchen": "Kitchen visits",
        "routine_events": "Movements a day",
        "routine_time": "{time}",
        "routine_times": "{range} (mostly {median})",
        "routine_count": "{range} (mostly {median})",
        "routine_count_same": "{range}",
        "routine_times_night": "{range} times (mostly {median})",
        "routine_times_night_same": "{range} times",
        "routine_out_days": "on {out} of {of} days, mostly {minutes} minutes",
        "routine_never_out": "on none of the days",
        "routine_unknown": "not seen yet",
        "routine_yesterday": "Yesterday",
        "routine_as_usual": "All as usual.",
        "routine_no_data": "Nothing observed.",
        "routine_away": "Not at home.",
        "routine_rooms": "Movement by room and hour",
        "routine_rooms_help": "Average events per hour on a usual day; the darker, the more.",
        "routine_rooms_chart": "Movement by room and hour",
        "routine_rooms_table": "The numbers",
        "routine_hour": "Hour",
    },
}

register(WORDS)
