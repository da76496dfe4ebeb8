"""The words of the carer's vital-sign pages and of entering a measured value, German first."""

from __future__ import annotations

from hub.vitals.measures import MEASUREMENT_NAME, VITALS

_DE = {
    "vitals_sensors": "Vom Sensor gemessen",
    "vitals_last_month": "Letzte 30 Tage",
    "vitals_band": "Normalbereich {range}",
    "vitals_legend_mean": "Tagesmittel",
    "vitals_legend_resting": "Ruhewert der Nacht",
    "vitals_legend_band": "Normalbereich",
    "vitals_resting": "Ruhewerte der letzten Nächte",
    "vitals_resting_help": "Der niedrigste Median einer halben Stunde zwischen 22 und 8 Uhr; "
    "eine Nacht braucht mindestens 3 Stunden gültige Messwerte.",
    "vitals_night": "Nacht",
    "vitals_not_enough": "zu wenige Messwerte",
    "vitals_entered": "Von Hand gemessen",
    "vitals_enter": "Messwert eintragen",
    "vitals_for": "Werte von {name}",
    "vitals_latest": "gemessen {when}, {by}",
    "vitals_by_tablet": "am Tablet eingetragen",
    "vitals_by": "eingetragen von {who}",
    "vitals_measured": "vom Gerät",
    "vitals_outside": "außerhalb des Bereichs",
    "vitals_trend": "7-Tage-Mittel {now}, davor {before}: {direction}",
    "vitals_trend_up": "steigend",
    "vitals_trend_down": "fallend",
    "vitals_trend_flat": "gleichbleibend",
    "vitals_trend_none": "Für einen Trend braucht es Werte aus dieser und früheren Wochen.",
    "vitals_none_yet": "Noch keine Werte eingetragen.",
    "vitals_saved": "Gespeichert: {what} {value} {unit}.",
    "vitals_no_rule": "Werte außerhalb des Bereichs werden niemandem gemeldet: für {name} "
    "gibt es keine Regel „vital_entry“ (siehe Handbuch).",
    "vitals_range_both": "{low}–{high} {unit}",
    "vitals_range_max": "bis {high} {unit}",
    "vitals_range_min": "ab {low} {unit}",
    "vitals_new_title": "Messwert eintragen",
    "vitals_new_help": "Was nicht möglich ist, wird nicht gespeichert. Liegt ein Wert außerhalb "
    "des Bereichs, fragt die Seite nach; gespeichert wird er dann gemeldet.",
    "vitals_resident": "Für",
    "vitals_measure": "Was wurde gemessen?",
    "vitals_time": "Gemessen am",
    "vitals_time_help": "Leer lassen für jetzt.",
    "vitals_note": "Notiz (freiwillig)",
    "vitals_note_help": "Wird mit dem Eintrag im Protokoll gespeichert.",
    "vitals_save": "Speichern",
    "vitals_save_anyway": "Trotzdem speichern",
    "vitals_check": "Bitte prüfen – trotzdem speichern?",
    "vitals_check_detail": "{what} {value} {unit} liegt außerhalb des Bereichs von {name} "
    "({range}).",
    "vitals_not_saved": "Nicht gespeichert:",
    "vitals_err_missing": "Bitte {field} eintragen.",
    "vitals_err_not_a_number": "{field}: „{typed}“ ist keine Zahl. Bitte nur die Zahl "
    "eintragen, z. B. 72,5.",
    "vitals_err_impossible": "{field}: {typed} ist nicht möglich (möglich sind {low} bis "
    "{high} {unit}). Bitte den Wert prüfen.",
    "vitals_err_order": "Der untere Wert ({typed}) muss kleiner sein als der obere ({high}).",
    "vitals_err_future": "Der Zeitpunkt {typed} liegt in der Zukunft.",
    "vitals_err_too_old": "Werte, die älter als {low} Tage sind, werden nicht mehr gespeichert.",
    "vitals_err_bad_time": "„{typed}“ ist kein Zeitpunkt. Bitte so eintragen: 04.05.2026 08:10.",
}
_EN = {
    "vitals_sensors": "Measured by sensors",
    "vitals_last_month": "Last 30 days",
    "vitals_band": "Normal range {range}",
    "vitals_legend_mean": "Daily mean",
    "vitals_legend_resting": "Resting rate of the night",
    "vitals_legend_band": "Normal range",
    "vitals_resting": "Resting rates of the last nights",
    "vitals_resting_help": "The lowest half-hour median between 22:00 and 08:00; a night needs "
    "at least 3 hours of valid readings.",
    "vitals_night": "Night",
    "vitals_not_enough": "not enough readings",
    "vitals_entered": "Measured by hand",
    "vitals_enter": "Enter a reading",
    "vitals_for": "Readings of {name}",
    "vitals_latest": "measured {when}, {by}",
    "vitals_by_tablet": "entered on the tablet",
    "vitals_by": "entered by {who}",
    "vitals_measured": "from a device",
    "vitals_outside": "outside the range",
    "vitals_trend": "7-day mean {now}, before {before}: {direction}",
    "vitals_trend_up": "rising",
    "vitals_trend_down": "falling",
    "vitals_trend_flat": "steady",
    "vitals_trend_none": "A trend needs readings from this week and earlier ones.",
    "vitals_none_yet": "Nothing entered yet.",
    "vitals_saved": "Saved: {what} {value} {unit}.",
    "vitals_no_rule": "Readings outside the range are reported to nobody: there is no "
    "'vital_entry' rule for {name} (see the manual).",
    "vitals_range_both": "{low}–{high} {unit}",
    "vitals_range_max": "up to {high} {unit}",
    "vitals_range_min": "from {low} {unit}",
    "vitals_new_title": "Enter a reading",
    "vitals_new_help": "What is impossible is not saved. A value outside the range is asked "
    "about; once saved, it is reported.",
    "vitals_resident": "For",
    "vitals_measure": "What was measured?",
    "vitals_time": "Measured at",
    "vitals_time_help": "Leave empty for now.",
    "vitals_note": "Note (optional)",
    "vitals_note_help": "Kept with the entry in the audit log.",
    "vitals_save": "Save",
    "vitals_save_anyway": "Save anyway",
    "vitals_check": "Please check – save anyway?",
    "vitals_check_detail": "{what} {value} {unit} is outside the range of {name} ({range}).",
    "vitals_not_saved": "Not saved:",
    "vitals_err_missing": "Please enter {field}.",
    "vitals_err_not_a_number": "{field}: '{typed}' is not a number. Enter the number only, "
    "e.g. 72.5.",
    "vitals_err_impossible": "{field}: {typed} is impossible (possible are {low} to {high} "
    "{unit}). Please check the value.",
    "vitals_err_order": "The lower value ({typed}) must be below the upper one ({high}).",
    "vitals_err_future": "The time {typed} is in the future.",
    "vitals_err_too_old": "Readings older than {low} days are no longer kept.",
    "vitals_err_bad_time": "'{typed}' is not a time. Please write it like 2026-05-04 08:10.",
}
# Names of the measures and of each number, from the one list in hub.vitals.measures.
for _lang, _words in (("de", _DE), ("en", _EN)):
    _words.update({f"vitals_m_{m.value}": n[_lang] for m, n in MEASUREMENT_NAME.items()})
    _words.update({f"vitals_c_{c}": v.name[_lang] for c, v in VITALS.items()})

WORDS: dict[str, dict[str, str]] = {"de": _DE, "en": _EN}
