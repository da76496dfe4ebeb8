"""README.txt of the privacy export: what each file holds, in German and in English."""

from __future__ import annotations

import textwrap

FILES: tuple[tuple[str, str, str], ...] = (
    (
        "observations.csv",
        "Alle gespeicherten Messwerte und Meldungen der Sensoren und Eingaben, je Zeile eine: "
        "Zeit (Ortszeit mit Abstand zu UTC), Kennung (z. B. motion.bad = Bewegung im Bad, "
        "heart_rate.schlafzimmer = Puls vom Sensor im Schlafzimmer, bp_systolic.<Person> = "
        "eingetragener Blutdruck oben), Wert (on/off oder Zahl), Quelle (zigbee = Sensor, "
        "tablet = Tablet, sonst die Eingabe), Zeit in UTC, Raum, Einheit. Ein Wert 0 beim Puls "
        "oder der Atmung heißt: der Sensor hat nichts gemessen (z. B. niemand im Bett).",
        "Every stored reading of the sensors and of what was entered, one per line: time (local, "
        "with its offset to UTC), id (e.g. motion.bad = movement in the bathroom, "
        "heart_rate.schlafzimmer = heart rate from the bedroom sensor, bp_systolic.<person> = "
        "systolic blood pressure entered by hand), value (on/off or a number), source (zigbee = "
        "a sensor, tablet = the tablet, otherwise the entry page), time in UTC, room, unit. A 0 "
        "for heart or breathing rate means the sensor measured nothing (e.g. nobody in bed).",
    ),
    (
        "daily_aggregates.csv",
        "Tageswerte älterer Tage: nach der eingestellten Aufbewahrungszeit werden die einzelnen "
        "Messwerte gelöscht und nur Anzahl, Minimum, Maximum und Mittel je Tag behalten.",
        "Daily figures of older days: after the configured retention the single readings are "
        "deleted and only their count, minimum, maximum and mean per day are kept.",
    ),
    (
        "current_state.csv",
        "Der zuletzt gemeldete Wert jedes Sensors.",
        "The latest value each sensor reported.",
    ),
    (
        "alerts.csv",
        "Alle Alarme: wann, welche Regel, wie dringend, wer ihn übernommen hat und wann er "
        "erledigt war, mit der Beschreibung, die verschickt wurde.",
        "Every alert: when, which rule, how urgent, who took it on and when it was over, with "
        "the description that was sent.",
    ),
    (
        "deliveries.csv",
        "Jede Nachricht zu einem Alarm: an wen (Kontakt), auf welchem Weg (sms, email), wann, "
        "mit welchem Text, und ob sie angekommen ist.",
        "Every message about an alert: to whom (contact), how (sms, email), when, with which "
        "text, and whether it got through.",
    ),
    (
        "audit.csv",
        "Das Protokoll: wer wann welche Seite angesehen, einen Alarm übernommen, die "
        "Einrichtung geändert oder Daten exportiert hat.",
        "The audit log: who looked at which page, took on an alert, changed the configuration "
        "or exported data, and when.",
    ),
    (
        "timers.csv",
        "Laufende Zeitgeber der Regeln und Alarme (z. B. „keine Bewegung seit …“), mit dem, was "
        "die Regel sich dazu merkt.",
        "Running timers of the rules and alerts (e.g. 'no movement since …'), with what the "
        "rule remembers about them.",
    ),
    (
        "accounts.csv",
        "Konten mit der Rolle Bewohnerin/Bewohner und die verbundenen Tablets (ohne Passwörter "
        "und Schlüssel).",
        "Accounts with the role resident and the paired tablets (without passwords or keys).",
    ),
    (
        "vital_signs.fhir.json",
        "Die Vitalwerte im Format HL7 FHIR R4 (ein Bundle aus Observations mit LOINC-Codes), "
        "für die Praxis: eingetragene Werte einzeln, von den Sensoren der Ruhepuls und die "
        "Ruheatmung jeder Nacht; Aussetzer (0) sind weggelassen.",
        "The vital signs as HL7 FHIR R4 (a Bundle of Observations with LOINC codes), for the "
        "doctor: values entered by hand one by one, from the sensors each night's resting "
        "heart and breathing rate; dropouts (0) are left out.",
    ),
    (
        "service_requests.csv, visits.csv, reminders.csv, pictures/",
        "Was am Tablet bestellt oder erbeten wurde (Essen, Begleitung, Einkauf, Anruf) und die "
        "Antworten; die Besuche der Pflege (gekommen, gegangen, wer); die Erinnerungen mit "
        "ihren Zeiten und Bildern. Weitere Tabellen späterer Versionen stehen als <Name>.csv "
        "daneben; Zeiten in Spalten auf _ts sind in Ortszeit umgerechnet.",
        "What was ordered or asked for on the tablet (meals, an escort, shopping, a call) and "
        "the answers; the carers' visits (arrived, left, who); the reminders with their times "
        "and pictures. Tables of later versions are beside them as <name>.csv; times in "
        "columns ending in _ts are shown as local times.",
    ),
    (
        "configuration.json",
        "Was die Einrichtung über die Person, die Wohnung (Räume) und die Kontakte weiß.",
        "What the configuration says about the person, the flat (rooms) and the contacts.",
    ),
)


def readme(home: str, person: str, made: str, shared: bool) -> str:
    """The text, German first; `shared`: other residents live there too."""
    de = [
        f"Datenauskunft (DSGVO Art. 15) – {home}",
        f"Person: {person}",
        f"Erstellt: {made}",
        "",
        "Alle Dateien sind Text in UTF-8. Die CSV-Dateien (RFC 4180, Komma als Trennzeichen, "
        "Punkt als Dezimalzeichen) öffnen sich in jeder Tabellenkalkulation; in Excel über "
        "Daten > Aus Text/CSV mit Dateiursprung UTF-8. Zeiten stehen als Ortszeit mit Abstand "
        "zu UTC, z. B. 2026-11-01T08:00:00+01:00.",
        "",
    ]
    en = [
        f"Subject access export (GDPR Art. 15) – {home}",
        f"Person: {person}",
        f"Made: {made}",
        "",
        "Every file is UTF-8 text. The CSV files (RFC 4180, comma separated, decimal point) "
        "open in any spreadsheet. Times are local with their offset to UTC, e.g. "
        "2026-11-01T08:00:00+01:00.",
        "",
    ]
    if shared:
        de += [
            "In der Wohnung leben mehrere Personen: die Sensoren der Wohnung betreffen alle; "
            "eingetragene Werte anderer Personen sind nicht enthalten.",
            "",
        ]
        en += [
            "Several people live in the flat: the flat's sensors concern all of them; values "
            "entered for other people are not included.",
            "",
        ]
    for name, german, english in FILES:
        de += [name, _wrap(german, "  "), ""]
        en += [name, _wrap(english, "  "), ""]
    text = ["DEUTSCH", "=======", "", *de, "", "ENGLISH", "=======", "", *en]
    return "\r\n".join(_wrap(line) if len(line) > 78 else line for line in text) + "\r\n"


def _wrap(text: str, indent: str = "") -> str:
    return "\r\n".join(textwrap.wrap(text, 78, initial_indent=indent, subsequent_indent=indent))
