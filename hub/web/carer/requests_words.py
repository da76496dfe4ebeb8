"""Words of the carer's page of service requests, German first."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "carer_nav_requests": "Anfragen",
        "req_title": "Anfragen vom Tablet",
        "req_intro": "Was über das Tablet bestellt oder erbeten wurde, und was die Anbieter "
        "geantwortet haben.",
        "req_none": "Noch keine Anfragen.",
        "req_number": "Nr.",
        "req_asked": "Angefragt",
        "req_service": "Dienst",
        "req_what": "Was",
        "req_to": "An",
        "req_state": "Stand",
        "req_answer": "Antwort",
        "req_state_requested": "Wartet auf Versand",
        "req_state_sent": "Gesendet, noch keine Antwort",
        "req_state_call_sent": "Gesendet",
        "req_state_confirmed": "Bestätigt",
        "req_state_declined": "Abgesagt",
        "req_state_failed": "Nicht zustellbar",
        "req_state_cancelled": "Zurückgenommen",
        "req_answered": "{who}, {when}",
        "req_cancel": "Zurücknehmen",
    },
    "en": {
        "carer_nav_requests": "Requests",
        "req_title": "Requests from the tablet",
        "req_intro": "What was ordered or asked for on the tablet, and what the providers "
        "answered.",
        "req_none": "No requests yet.",
        "req_number": "No.",
        "req_asked": "Asked",
        "req_service": "Service",
        "req_what": "What",
        "req_to": "To",
        "req_state": "State",
        "req_answer": "Answer",
        "req_state_requested": "Waiting to be sent",
        "req_state_sent": "Sent, no answer yet",
        "req_state_call_sent": "Sent",
        "req_state_confirmed": "Confirmed",
        "req_state_declined": "Declined",
        "req_state_failed": "Could not be delivered",
        "req_state_cancelled": "Withdrawn",
        "req_answered": "{who}, {when}",
        "req_cancel": "Withdraw",
    },
}
