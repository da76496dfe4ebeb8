"""The messages people receive, short and in their language (German first, English second).

An SMS has to fit in two segments, and what counts is the encoding. German umlauts and ß
are in the GSM-7 alphabet (3GPP TS 23.038: Ä Ö Ü ä ö ü ß), so a German SMS is GSM-7 with
up to 306 characters (2 × 153) as long as nothing else forces UCS-2, where two segments hold
only 134 characters (2 × 67). The typography our texts and rules like to use is not in
GSM-7: the dash "–", the ellipsis "…", German quotes „ “ and "°C". An SMS therefore gets
plain equivalents ("-", "...", '"', "Grad"/"C") whenever that makes the whole text GSM-7;
if something else (a Polish or Turkish name, say) needs UCS-2 anyway, the text keeps its
typography and is held to 134. To fit, "Bitte melden Sie sich." goes first (the
instruction to answer says as much), then the explanation is shortened with an ellipsis,
then the home's name; the acknowledgement instruction is never cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import Literal


class MessageKind(StrEnum):
    RAISED = "raised"  # a new alert, to the current tier
    REPEAT = "repeat"  # still nobody has acknowledged it
    ALL_CLEAR = "all_clear"  # to everyone who was told
    ACKNOWLEDGED_BY_OTHER = "acknowledged_by_other"  # someone else takes care of it
    SYSTEM = "system"  # for the installer: a device, a channel, the hub itself
    DAILY_OK = "daily_ok"  # the hub is alive
    DAILY_SUMMARY = "daily_summary"  # a calm word about the resident's day, for the family
    TEST = "test"  # the installer checks that a contact is reached
    REQUEST = "request"  # the resident asks a provider for a service (hub/services)
    CALL_REQUEST = "call_request"  # the resident asks someone to call her back
    REQUEST_CANCELLED = "request_cancelled"  # the request is withdrawn


SMS_SEGMENTS = 2
# 3GPP TS 23.038 default alphabet (without ESC) and its extension table (two septets each).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

_PLAIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‑": "-",
        "…": "...",
        "„": '"',
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "×": "x",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_DEGREES = {"de": "Grad", "en": "C"}

SEVERITY_WORDS = {
    "de": {"info": "Hinweis", "warning": "Warnung", "urgent": "Dringend", "emergency": "NOTFALL"},
    "en": {"info": "Notice", "warning": "Warning", "urgent": "Urgent", "emergency": "EMERGENCY"},
}
# Said after the explanation when someone should act now.
CALL = {"de": "Bitte melden Sie sich.", "en": "Please get in touch."}
ACK_SMS = {
    "de": "Antworten Sie OK {id}, wenn Sie sich kümmern.",
    "en": "Reply OK {id} if you are taking care of it.",
}
# A reply to an e-mail reaches nobody: say so, and name the ways that do.
ACK_EMAIL = {
    "de": "Wenn Sie sich kümmern: antworten Sie per SMS mit OK {id}, oder bestätigen Sie "
    "Meldung {id} auf der Betreuer-Seite von Obhut. Eine Antwort auf diese E-Mail wird "
    "nicht gelesen.",
    "en": "If you are taking care of it: reply OK {id} by SMS, or acknowledge alert {id} on "
    "Obhut's carer page. Replies to this e-mail are not read.",
}
REPORTED = {"de": "gemeldet {opened}", "en": "reported {opened}"}
SUBJECT_LIMIT = 120

# Per kind and language: the headline (subject and SMS start) and the sentences after it.
# {home} {sev} {id} {opened} {by} {to} fill in; {what} is the explanation as a sentence,
# {clause} the same without its full stop.
HEAD: dict[MessageKind, dict[str, str]] = {
    MessageKind.RAISED: {"de": "{sev}", "en": "{sev}"},
    MessageKind.REPEAT: {
        "de": "{sev}, noch offen seit {opened}",
        "en": "{sev}, still open since {opened}",
    },
    MessageKind.ALL_CLEAR: {"de": "Entwarnung zu Meldung {id}", "en": "All clear for alert {id}"},
    MessageKind.ACKNOWLEDGED_BY_OTHER: {
        "de": "{by} kümmert sich um Meldung {id}",
        "en": "{by} is taking care of alert {id}",
    },
    MessageKind.SYSTEM: {"de": "Technik-Meldung ({sev})", "en": "System alert ({sev})"},
    MessageKind.DAILY_OK: {"de": "Obhut läuft", "en": "Obhut is running"},
    MessageKind.DAILY_SUMMARY: {"de": "Tagesbericht", "en": "Daily summary"},
    MessageKind.TEST: {"de": "Testnachricht von Obhut{to}", "en": "Test message from Obhut{to}"},
    MessageKind.REQUEST: {"de": "Anfrage {id}", "en": "Request {id}"},
    MessageKind.CALL_REQUEST: {"de": "Nachricht vom Tablet", "en": "Message from the tablet"},
    MessageKind.REQUEST_CANCELLED: {
        "de": "Anfrage {id} zurückgenommen",
        "en": "Request {id} withdrawn",
    },
}
TAIL: dict[MessageKind, dict[str, str]] = {
    MessageKind.RAISED: {"de": "{what}", "en": "{what}"},
    MessageKind.REPEAT: {"de": "{what}", "en": "{what}"},
    MessageKind.ALL_CLEAR: {"de": "{what}", "en": "{what}"},
    MessageKind.ACKNOWLEDGED_BY_OTHER: {
        "de": "{sev}: {what} Sie müssen nichts tun.",
        "en": "{sev}: {what} Nothing for you to do.",
    },
    MessageKind.SYSTEM: {"de": "{what}", "en": "{what}"},
    MessageKind.DAILY_OK: {"de": "Stand {opened}. {what}", "en": "As of {opened}. {what}"},
    MessageKind.DAILY_SUMMARY: {"de": "{what}", "en": "{what}"},
    MessageKind.TEST: {
        "de": "Wenn Sie das lesen, kommen Meldungen von Obhut bei Ihnen an. {what}",
        "en": "If you can read this, alerts reach you. {what}",
    },
    MessageKind.REQUEST: {"de": "{what}", "en": "{what}"},
    MessageKind.CALL_REQUEST: {"de": "{what}", "en": "{what}"},
    MessageKind.REQUEST_CANCELLED: {
        "de": "{what} Sie müssen nichts tun.",
        "en": "{what} Nothing for you to do.",
    },
}
RESOLVED_BY = {"de": " (erledigt durch {by})", "en": " (resolved by {by})"}
SOMEONE = {"de": "Jemand", "en": "Someone"}
TO = {"de": " an {to}", "en": " to {to}"}
TEST_ACK = {
    "de": "Antworten Sie OK {id}, um auch die Antwort zu prüfen.",
    "en": "Reply OK {id} to check replies too.",
}
# How a provider answers a request: by SMS, or on the page the link opens (if there is one).
REQUEST_ACK = {
    "de": "Antworten Sie JA {id} zum Bestätigen oder NEIN {id}.",
    "en": "Reply YES {id} to confirm or NO {id}.",
}
REQUEST_LINK = {"de": "Oder: {link}", "en": "Or: {link}"}
REQUEST_ACK_EMAIL = {
    "de": "Bestätigen oder absagen: {link}",
    "en": "Confirm or decline: {link}",
}
REQUEST_ACK_EMAIL_SMS = {
    "de": "Bitte antworten Sie per SMS mit JA {id} oder NEIN {id}. Eine Antwort auf diese "
    "E-Mail wird nicht gelesen.",
    "en": "Please reply YES {id} or NO {id} by SMS. Replies to this e-mail are not read.",
}
_WITH_ACK = frozenset({MessageKind.RAISED, MessageKind.REPEAT, MessageKind.SYSTEM})
_WITH_PLACE = _WITH_ACK
_WITH_CALL = frozenset({"urgent", "emergency"})


def render(
    kind: MessageKind,
    lang: str,
    channel: str,
    *,
    alert_id: int,
    home: str,
    severity: str,
    explanation: str,
    room: str | None,
    opened: str,
    acknowledged_by: str | None = None,
    resolved_by: str | None = None,
    recipient: str | None = None,
    link: str | None = None,
) -> tuple[str, str]:
    """(subject, body) for one contact; an SMS has no subject and fits in two segments.

    `opened` is local and ready to read ("07:12", "gestern 22:10"); for DAILY_OK it is the
    time of the summary. `recipient` is the contact's name, for TEST.
    """
    lang = _language(lang)
    sev = SEVERITY_WORDS[lang].get(severity, severity)
    explanation = " ".join(explanation.split())  # one line, even if a rule wrote two
    fields = {
        "sev": sev,
        "id": str(alert_id),
        "opened": opened,
        "by": acknowledged_by or SOMEONE[lang],
        "to": TO[lang].format(to=recipient) if recipient else "",
    }
    head = HEAD[kind][lang].format(**fields)
    suffix = _place(lang, explanation, room, opened, kind) if kind in _WITH_PLACE else ""
    resolved = ""
    if kind is MessageKind.ALL_CLEAR and resolved_by:
        resolved = RESOLVED_BY[lang].format(by=resolved_by)
    call = ""
    if kind in (MessageKind.RAISED, MessageKind.REPEAT) and severity in _WITH_CALL:
        call = CALL[lang]
    if kind is MessageKind.TEST:
        ack = TEST_ACK[lang].format(id=alert_id) if alert_id > 0 else ""
    elif kind is MessageKind.REQUEST:
        ack = _request_ack(lang, channel, alert_id, link)
    elif kind in _WITH_ACK:
        ack = (ACK_SMS if channel == "sms" else ACK_EMAIL)[lang].format(id=alert_id)
    else:
        ack = ""

    def compose(expl: str, home_name: str, sep: str, with_call: bool = True) -> str:
        clause = _clause(expl, suffix) + resolved
        what = _sentence(clause) if clause else ""
        tail = " ".join(TAIL[kind][lang].format(**fields, what=what).split())
        first = f"Obhut – {home_name}: {head}"
        if kind is MessageKind.ALL_CLEAR and tail:
            first, tail = f"{first}: {tail}", ""  # "Entwarnung zu Meldung 42: …"
        else:
            first += "."
        parts = (first, tail, call if with_call else "", ack)
        return sep.join(part for part in parts if part)

    if channel == "sms":
        return "", _fit_sms(
            lambda e, h, c: compose(e, h, " ", with_call=c), explanation, home, lang
        )

    def subject(expl: str) -> str:
        return f"Obhut – {home}: {head}" + (f" – {_clause(expl, '')}" if expl else "")

    about = explanation if kind in _WITH_PLACE else ""
    return (
        subject(_longest(about, lambda e: len(subject(e)) <= SUBJECT_LIMIT)),
        compose(explanation, home, "\n\n") + "\n",
    )


def render_summary(
    lang: str, channel: str, *, home: str, day: str, variants: list[str]
) -> tuple[str, str]:
    """(subject, body) of the daily summary; an SMS takes the fullest variant that fits.

    `variants` run from the whole sentence to the shortest (hub/insights/summary.py drops the
    least important parts first); only if even the shortest is too long does the home's name
    give way, and then the sentence is cut. `day` names the day for the e-mail's subject.
    """
    lang = _language(lang)
    head = HEAD[MessageKind.DAILY_SUMMARY][lang]
    if channel != "sms":
        return f"Obhut – {home}: {head} {day}", f"{variants[0]}\n"

    def sms(text: str, home_name: str) -> str:
        return _for_sms(f"Obhut – {home_name}: {head}. {text}", lang)

    def fits(text: str) -> bool:
        return sms_segments(text) <= SMS_SEGMENTS

    for text in variants:
        if fits(sms(text, home)):
            return "", sms(text, home)
    shortest = variants[-1]
    home = _longest(home, lambda h: fits(sms(shortest, h)))
    return "", sms(_longest(shortest, lambda t: fits(sms(t, home))), home)


def _request_ack(lang: str, channel: str, request_id: int, link: str | None) -> str:
    if channel == "sms":
        ack = REQUEST_ACK[lang].format(id=request_id)
        return f"{ack} {REQUEST_LINK[lang].format(link=link)}" if link else ack
    if link:
        return REQUEST_ACK_EMAIL[lang].format(link=link)
    return REQUEST_ACK_EMAIL_SMS[lang].format(id=request_id)


Verb = Literal["ok", "stop", "yes", "no", "unknown"]


def parse_reply(body: str) -> tuple[Verb, int | None]:
    """What an SMS reply means: ("ok", 42) for "OK 42", "ok42", "Ok, 42"; ("ok", None) for
    a bare "OK"; ("stop", None) for STOP and the other opt-out words; ("yes", 17) or
    ("no", 17) for a provider's answer to request 17 (see `parse_answer`); else
    ("unknown", None).
    """
    text = unicodedata.normalize("NFKC", body).strip().casefold()
    match = _OK.match(text)
    if match:
        number = match.group("id")
        return "ok", int(number) if number else None
    answer = parse_answer(body)
    if answer is not None:
        return answer[0], answer[1]
    words = _WORD.findall(text)
    if words and (
        words[0] in STOP_FIRST_WORDS or " ".join(words) in STOP_WHOLE or "".join(words) == "stopall"
    ):
        return "stop", None
    return "unknown", None


_OK = re.compile(
    r"""^[\s"'„“”‚‘’«»(]*
        (?:okay|okey|oki|o\.?\s?k\.?)(?![a-zäöüß])   # not "Oktober"
        [\s,.:;!#()\-–]*
        (?:(?:nr|no|nummer|meldung|alert)\.?\s*)?
        (?P<id>\d{1,9})?(?!\d)""",
    re.VERBOSE,
)
_WORD = re.compile(r"[a-zäöüß]+")
_ANSWER = re.compile(
    r"""^[\s"'„“”‚‘’«»(]*
        (?:(?P<yes>ja|jawohl|yes)|(?P<no>nein|nee|no))(?![a-zäöüß])   # not "Januar", "Note"
        [\s,.:;!#()\-–]*
        (?:(?:nr|nummer|anfrage|request)\.?\s*)?
        (?P<id>\d{1,9})?(?!\d|[:.]\d)   # "Ja 10:00" proposes a time, names no request
        [\s,.:;!\-–]*
        (?P<note>.*)$""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)
NOTE_LIMIT = 160


def parse_answer(body: str) -> tuple[Literal["yes", "no"], int | None, str] | None:
    """A provider's answer to a request: ("yes", 17, "Di 10 Uhr") for "JA 17 Di 10 Uhr",
    ("no", 17, "") for "NEIN 17", ("yes", None, "") for a bare "Ja"; None if it is none.
    The note keeps what they wrote after the number (a time they propose, a reason).
    """
    text = unicodedata.normalize("NFKC", body).strip()
    match = _ANSWER.match(text)
    if match is None:
        return None
    number = match.group("id")
    note = " ".join(match.group("note").split()).strip("\"'„“”‚‘’«»() ")[:NOTE_LIMIT]
    return ("yes" if match.group("yes") else "no"), int(number) if number else None, note


# Twilio opts a number out on its keywords (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT,
# OPTOUT, REVOKE) and then refuses to send to it with 21610; STOPP and ABMELDEN are what a
# German speaker types, which Twilio does not act on but we take as meant.
STOP_FIRST_WORDS = frozenset({"stop", "stopp", "stopall", "unsubscribe", "optout", "abmelden"})
STOP_WHOLE = frozenset({"cancel", "end", "quit", "revoke", "opt out"})


def sms_segments(text: str) -> int:
    """How many SMS segments `text` takes: GSM-7 if it can, UCS-2 otherwise."""
    if is_gsm7(text):
        units = [2 if c in GSM_EXTENSION else 1 for c in text]
        single, part = 160, 153
    else:
        units = [len(c.encode("utf-16-le")) // 2 for c in text]
        single, part = 70, 67
    if sum(units) <= single:
        return 1
    # an escape pair or a surrogate pair is never split between two segments
    segments, used = 1, 0
    for unit in units:
        if used + unit > part:
            segments, used = segments + 1, 0
        used += unit
    return segments


def is_gsm7(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def _language(lang: str) -> str:
    base = lang.split("-")[0].split("_")[0].lower()
    return base if base in SEVERITY_WORDS else "de"


def _place(lang: str, explanation: str, room: str | None, opened: str, kind: MessageKind) -> str:
    """Where and since when, as far as the explanation does not already say it."""
    parts = []
    if room and room.casefold() not in explanation.casefold():
        parts.append(room)
    time_of_day = opened.split()[-1] if opened.split() else ""
    if kind is not MessageKind.REPEAT and time_of_day and time_of_day not in explanation:
        parts.append(REPORTED[lang].format(opened=opened))
    return ", ".join(parts)


def _clause(explanation: str, suffix: str) -> str:
    bare = explanation.rstrip(" .")
    if bare and suffix:
        return f"{bare} ({suffix})"
    text = bare or suffix
    return text[:1].upper() + text[1:]


def _sentence(clause: str) -> str:
    return clause if clause.endswith((".", "!", "?", "…")) else clause + "."


def _shorten(text: str, keep: int) -> str:
    """The first `keep` characters, cut at a word if one ends near there, with an ellipsis."""
    if keep >= len(text):
        return text
    cut = text[:keep]
    space = cut.rfind(" ")
    if space >= keep - 15 and space > 0:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:-–(")
    return cut + "…" if len(cut) >= 8 else "…"  # "K…" says nothing


def _longest(text: str, fits: Callable[[str], bool]) -> str:
    """`text`, shortened as little as needed for `fits` (best effort: "…" if nothing fits)."""
    if fits(text):
        return text
    low, high = 0, len(text) - 1  # the longest kept prefix known to fit / that may fit
    while low < high:
        mid = (low + high + 1) // 2
        if fits(_shorten(text, mid)):
            low = mid
        else:
            high = mid - 1
    return _shorten(text, low)


def _for_sms(text: str, lang: str) -> str:
    """Plain GSM-7 equivalents, if that makes the whole text GSM-7 (else it stays as it is)."""
    if is_gsm7(text):
        return text
    plain = text.replace("°C", _DEGREES[lang]).replace("°", "").translate(_PLAIN)
    if not is_gsm7(plain):
        # letters outside GSM-7 lose their accent (Şahin → Sahin), as Twilio's Smart
        # Encoding would do; ä ö ü ß é ñ … are GSM-7 and stay
        plain = "".join(_letter(c) for c in plain)
    return plain if is_gsm7(plain) else text


def _letter(c: str) -> str:
    if c in GSM_BASIC or c in GSM_EXTENSION:
        return c
    if c in _BASE_LETTER:
        return _BASE_LETTER[c]
    base = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
    return base if base and all(b in GSM_BASIC for b in base) else c


_BASE_LETTER = {"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "œ": "oe", "Œ": "OE"}


def _fit_sms(build: Callable[[str, str, bool], str], explanation: str, home: str, lang: str) -> str:
    """What gives way, in order: "Bitte melden Sie sich", the explanation, the home's name."""

    def fits(text: str) -> bool:
        return sms_segments(text) <= SMS_SEGMENTS

    def sms(expl: str, home_name: str, call: bool = False) -> str:
        return _for_sms(build(expl, home_name, call), lang)

    if fits(whole := sms(explanation, home, True)):
        return whole
    kept = _longest(explanation, lambda e: fits(sms(e, home)))
    if fits(sms(kept, home)):
        return sms(kept, home)
    # Even a bare "…" for the explanation is too long: the home's name gives way too.
    home = _longest(home, lambda h: fits(sms("…", h)))
    return sms(_longest(explanation, lambda e: fits(sms(e, home))), home)
