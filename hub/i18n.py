"""The words the web pages use, in German and English; German first."""

from __future__ import annotations

from collections.abc import Callable

CATALOG: dict[str, dict[str, str]] = {
    "de": {
        "title": "Obhut",
        "live": "Live: was die Sensoren melden",
        "entity": "Sensor",
        "room": "Raum",
        "value": "Wert",
        "time": "Zeit",
        "source": "Quelle",
        "state": "Aktueller Stand",
        "recent": "Letzte Meldungen",
        "findings": "Hinweise der Regeln",
        "none_yet": "Noch keine Meldungen.",
        "no_findings": "Keine Hinweise.",
        "connecting": "Verbinde…",
        "on": "an",
        "off": "aus",
        "login": "Anmelden",
        "login_help": "Geben Sie den Zugangscode ein, der beim Start im Protokoll steht.",
        "code": "Zugangscode",
        "wrong_code": "Dieser Code stimmt nicht. Bitte noch einmal versuchen.",
        "too_many": "Zu viele Versuche. Bitte in einer Minute noch einmal.",
        "logout": "Abmelden",
        "not_found": "Diese Seite gibt es nicht.",
        "back": "Zur Startseite",
        "oops": "Das hat gerade nicht geklappt. Bitte versuchen Sie es gleich noch einmal.",
        "config_problems": "Die Konfiguration enthält Fehler; es gilt weiter die letzte gültige.",
    },
    "en": {
        "title": "Obhut",
        "live": "Live: what the sensors report",
        "entity": "Sensor",
        "room": "Room",
        "value": "Value",
        "time": "Time",
        "source": "Source",
        "state": "Current state",
        "recent": "Latest reports",
        "findings": "What the rules noticed",
        "none_yet": "No reports yet.",
        "no_findings": "Nothing noticed.",
        "connecting": "Connecting…",
        "on": "on",
        "off": "off",
        "login": "Sign in",
        "login_help": "Enter the access code printed in the log when the hub started.",
        "code": "Access code",
        "wrong_code": "That code is not right. Please try again.",
        "too_many": "Too many attempts. Please try again in a minute.",
        "logout": "Sign out",
        "not_found": "There is no such page.",
        "back": "Back to the start page",
        "oops": "That did not work just now. Please try again in a moment.",
        "config_problems": "The configuration has errors; the last good one stays in force.",
    },
}


def translator(language: str) -> Callable[[str], str]:
    words = CATALOG.get(language, CATALOG["de"])
    return lambda key: words.get(key, CATALOG["en"].get(key, key))
