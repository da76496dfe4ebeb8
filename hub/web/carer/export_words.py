"""The export page's words, German first; registered with hub.i18n by hub.web.carer.export."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "carer_nav_export": "Export",
        "carer_export": "Daten exportieren",
        "carer_export_help": "Wählen Sie die Tage (beide eingeschlossen). Die Tabellen (CSV) "
        "öffnen sich in jeder Tabellenkalkulation; die Vitalwerte (FHIR) kann die Praxis in "
        "ihre Software übernehmen.",
        "carer_export_from": "Vom",
        "carer_export_to": "Bis einschließlich",
        "carer_export_resident": "Für",
        "carer_export_observations": "Messwerte und Meldungen (CSV)",
        "carer_export_alerts": "Alarme (CSV)",
        "carer_export_fhir": "Vitalwerte für die Praxis (FHIR)",
        "carer_export_note": "Jeder Export wird mit Ihrem Namen im Protokoll festgehalten.",
        "carer_export_fhir_note": "Die Vitalwerte enthalten eingetragene Werte einzeln und von "
        "den Sensoren den Ruhepuls und die Ruheatmung jeder Nacht (die Nacht, die am Morgen "
        "des Tages endet); Aussetzer sind weggelassen.",
        "carer_export_missing": "Bitte beide Tage angeben.",
        "carer_export_not_a_day": "Das ist kein Datum. Bitte als Tag eingeben, z. B. 01.11.2026.",
        "carer_export_out_of_range": "Dieses Datum liegt zu weit in der Vergangenheit oder "
        "Zukunft. Bitte prüfen.",
        "carer_export_reversed": "Der Bis-Tag liegt vor dem Vom-Tag. Bitte tauschen.",
        "carer_export_what": "Bitte einen der Knöpfe zum Herunterladen wählen.",
        "carer_export_no_resident": "Bitte die Person wählen.",
        "carer_export_no_store": "Es sind noch keine Daten gespeichert.",
    },
    "en": {
        "carer_nav_export": "Export",
        "carer_export": "Export data",
        "carer_export_help": "Choose the days (both included). The tables (CSV) open in any "
        "spreadsheet; the doctor's software can import the vital signs (FHIR).",
        "carer_export_from": "From",
        "carer_export_to": "To (included)",
        "carer_export_resident": "For",
        "carer_export_observations": "Readings and reports (CSV)",
        "carer_export_alerts": "Alerts (CSV)",
        "carer_export_fhir": "Vital signs for the doctor (FHIR)",
        "carer_export_note": "Every export is recorded with your name in the audit log.",
        "carer_export_fhir_note": "The vital signs hold values entered by hand one by one and, "
        "from the sensors, each night's resting heart and breathing rate (the night that ends "
        "on the morning of the day); dropouts are left out.",
        "carer_export_missing": "Please give both days.",
        "carer_export_not_a_day": "That is not a date. Please enter a day, e.g. 2026-11-01.",
        "carer_export_out_of_range": "That date is too far in the past or the future. Please "
        "check it.",
        "carer_export_reversed": "The 'to' day is before the 'from' day. Please swap them.",
        "carer_export_what": "Please choose one of the download buttons.",
        "carer_export_no_resident": "Please choose the person.",
        "carer_export_no_store": "No data has been stored yet.",
    },
}
