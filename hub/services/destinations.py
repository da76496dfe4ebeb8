"""Where an escort goes: the known places by their id, with their names and phrases.

A known place is written as its id (`arzt`); anything else with a capital letter or a space
is a place of its own ("Augenarzt Dr. Kim") and is used as written in both languages.
"""

from __future__ import annotations

import re

# id: {language: (tile label, "to …" phrase)}
KNOWN: dict[str, dict[str, tuple[str, str]]] = {
    "arzt": {"de": ("Arzt", "zum Arzt"), "en": ("Doctor", "to the doctor")},
    "hausarzt": {"de": ("Hausarzt", "zum Hausarzt"), "en": ("GP", "to the GP")},
    "zahnarzt": {"de": ("Zahnarzt", "zum Zahnarzt"), "en": ("Dentist", "to the dentist")},
    "augenarzt": {
        "de": ("Augenarzt", "zum Augenarzt"),
        "en": ("Eye doctor", "to the eye doctor"),
    },
    "friseur": {
        "de": ("Friseur", "zum Friseur"),
        "en": ("Hairdresser", "to the hairdresser"),
    },
    "apotheke": {"de": ("Apotheke", "zur Apotheke"), "en": ("Pharmacy", "to the pharmacy")},
    "physiotherapie": {
        "de": ("Physiotherapie", "zur Physiotherapie"),
        "en": ("Physiotherapy", "to physiotherapy"),
    },
    "fusspflege": {"de": ("Fußpflege", "zur Fußpflege"), "en": ("Foot care", "to foot care")},
    "krankenhaus": {
        "de": ("Krankenhaus", "ins Krankenhaus"),
        "en": ("Hospital", "to the hospital"),
    },
    "bank": {"de": ("Bank", "zur Bank"), "en": ("Bank", "to the bank")},
    "einkaufen": {"de": ("Einkaufen", "zum Einkaufen"), "en": ("Shopping", "to the shops")},
    "friedhof": {"de": ("Friedhof", "zum Friedhof"), "en": ("Cemetery", "to the cemetery")},
}
_OWN = {"de": "zu {place}", "en": "to {place}"}
_ID = re.compile(r"^[a-zäöüß_]+$")


def looks_like_id(text: str) -> bool:
    """A lower-case single word is meant as a known place's id (and checked as one)."""
    return bool(_ID.match(text))


def label(place: str, lang: str) -> str:
    """The place on a button: "Arzt", or the place's own name."""
    known = KNOWN.get(place)
    return known[_lang(lang)][0] if known else place


def phrase(place: str, lang: str) -> str:
    """The place after "Begleitung": "zum Arzt", "to the doctor", "zu Dr. Kim"."""
    known = KNOWN.get(place)
    return known[_lang(lang)][1] if known else _OWN[_lang(lang)].format(place=place)


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "de"
