"""The tablet's words for carers' visits and medicines, German first; registered on import."""

from __future__ import annotations

from hub.i18n import register

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "tablet_taken": "Genommen",
        "visit_tile": "Pflegedienst",
        "visit_title": "Pflegedienst",
        "visit_who": "Wer sind Sie?",
        "visit_other": "Oder Ihren Namen schreiben:",
        "visit_arrive": "Ich bin da",
        "visit_leave": "Ich gehe",
        "visit_since": "Besuch seit {time}",
        "visit_since_name": "{name} ist seit {time} da",
        "visit_need_name": "Bitte tippen Sie Ihren Namen an oder schreiben Sie ihn.",
        "visit_thanks_in": "Danke, {name}. Ihr Besuch ist eingetragen.",
        "visit_thanks_out": "Danke. Der Besuch ist beendet.",
    },
    "en": {
        "tablet_taken": "Taken",
        "visit_tile": "Care service",
        "visit_title": "Care service",
        "visit_who": "Who are you?",
        "visit_other": "Or write your name:",
        "visit_arrive": "I am here",
        "visit_leave": "I am leaving",
        "visit_since": "Visit since {time}",
        "visit_since_name": "{name} has been here since {time}",
        "visit_need_name": "Please tap your name or write it.",
        "visit_thanks_in": "Thank you, {name}. Your visit is recorded.",
        "visit_thanks_out": "Thank you. The visit has ended.",
    },
}

register(WORDS)
