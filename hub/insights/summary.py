"""The daily summary for the family: one calm sentence from a day's facts, in their language.

    Gut geschlafen, 7:40 aufgestanden, Küche 3×, draußen 10–11:30, alles wie gewohnt.

A summary sent in the evening tells today: the night before it, getting up, the kitchen,
time out. One sent in the morning (before noon) tells the night just ended and getting up
today, then yesterday's kitchen and time out. What is usual comes in as `Usual` (the
learned routine's verdict); without one the sentence says nothing is "as usual". Missing
data is said plainly instead of a false "alles wie gewohnt". `variants` gives the sentence
from fullest to shortest, the least important parts going first, for an SMS to fit.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hub.insights.day import night_of
from hub.insights.facts import AlertNote, DayFacts
from hub.insights.words import WORDS
from hub.store.retention import local_midnight

# Without a learned routine a night is restless with this much getting up.
RESTLESS_TIMES = 3
RESTLESS_MINUTES = 60
SHOWN_SPANS = 2  # outings listed before "und noch 3-mal"
BREVITY = 8  # levels of shortening `compose` knows
# What the routine (rules/routine_baseline.py `Unusual`) may find, and the words for it.
NOTES: dict[tuple[str, str], str] = {
    ("wake", "later"): "later",
    ("wake", "earlier"): "earlier",
    ("wake", "missing"): "usually",
    ("bedtime", "later"): "late_to_bed",
    ("bedtime", "earlier"): "early_to_bed",
    ("night_bathroom", "more"): "",  # said as a restless night
    ("activity", "less"): "little_movement",
    ("stayed_in", "missing"): "stayed_in",
    ("lunch", "missing"): "no_lunch",
    ("lunch", "later"): "late_lunch",
}


def variants(facts: DayFacts, lang: str) -> list[str]:
    """The sentence from fullest to shortest (each a little shorter, none repeated)."""
    out: list[str] = []
    for level in range(BREVITY + 1):
        text = compose(facts, lang, level)
        if text not in out:
            out.append(text)
    return out


def compose(f: DayFacts, lang: str, brevity: int = 0) -> str:
    """The summary as one sentence; `brevity` 0 says everything, each level drops a little.

    What gives way, in order: outings listed one by one, the kitchen, who took care of an
    alert, the outings, a good night, an ordinary time of getting up, the names of silent
    devices. Never dropped: a restless night, what the routine found unusual, the alerts,
    missing data.
    """
    w = WORDS[lang if lang in WORDS else "de"]
    tz = ZoneInfo(f.tz)
    today = f.day.toordinal() + (1 if f.morning else 0)
    night_end = night_of(date.fromordinal(today), tz)[1]
    silent = f.silent_since
    first: list[str] = []  # the night and getting up
    daytime: list[str] = []  # kitchen, outings, the day's activity
    notes = {k: w[NOTES[(k, d)]] for k, d in f.usual.unusual.items() if NOTES.get((k, d))}
    unphrased = [(k, d) for k, d in f.usual.unusual.items() if (k, d) not in NOTES]
    night_known = silent is None or silent >= night_end
    restless = night_known and restless_night(f)
    not_in_bed = night_known and not restless and f.night_in_bed is False
    if night_known and (brevity < 6 or restless or not_in_bed or "bedtime" in notes):
        first.append(_night(f, w))
    if night_known and "bedtime" in notes:
        first.append(notes["bedtime"])
    first.extend(_up(f, w, tz, brevity, silent, notes.get("wake")))
    if silent is None or silent > local_midnight(f.day, tz):
        if f.kitchen is not None and brevity < 3:
            daytime.append(w["kitchen"].format(n=f.kitchen) if f.kitchen else w["no_kitchen"])
        if f.kitchen == 0:
            notes.pop("lunch", None)  # "nicht in der Küche" says it already
        daytime.extend(notes[k] for k in ("lunch", "activity", "stayed_in") if k in notes)
        daytime.extend(_out(f, w, tz, brevity))
    last = _alerts(f.alerts, w, names=brevity < 4)
    missing = ""  # a sentence of its own: it asks for something to be done
    if silent is not None:
        key = "silent_from" if f.silent_devices else "silent"
        devices = w["and"].join(f.silent_devices)
        if brevity >= 8:
            n = len(f.silent_devices)
            devices = w["one_device"] if n == 1 else w["devices"].format(n=n)
        missing = w[key].format(t=_moment(silent, f.told_at, tz, w), device=devices)
        closing = ""
    elif f.usual.known and not unphrased and f.usual.unusual.get("wake") != "missing":
        remarked = f.usual.unusual or restless or not_in_bed or last
        closing = w["otherwise_usual"] if remarked else w["as_usual"]
    else:
        closing = "" if last else w["no_alerts"]
    ending = [part for part in (last, closing) if part]
    if f.morning:
        yesterday = [f"{w['yesterday']}: {', '.join(daytime)}"] if daytime else []
        groups = [first, yesterday, ending, [missing] if missing else []]
    else:
        groups = [first + daytime + ending, [missing] if missing else []]
    return " ".join(_capital(", ".join(g)) + "." for g in groups if g)


def day_label(f: DayFacts, lang: str) -> str:
    """The date the summary is told on, for an e-mail's subject: "04.05.2026"."""
    w = WORDS[lang if lang in WORDS else "de"]
    return f.told_at.astimezone(ZoneInfo(f.tz)).strftime(w["date"] + "%Y")


def restless_night(f: DayFacts) -> bool:
    """Judged by the routine when it knows her nights; by common sense until then."""
    if "night_bathroom" in f.usual.ranges:
        return f.usual.unusual.get("night_bathroom") == "more"
    times = max(f.night_up, f.night_bathroom)
    return times >= RESTLESS_TIMES or f.night_up_minutes >= RESTLESS_MINUTES


def _night(f: DayFacts, w: dict[str, str]) -> str:
    if restless_night(f):
        times = max(f.night_up, f.night_bathroom)
        if times:
            return w["restless"].format(n=times)
        return w["restless_awake"].format(d=_duration(f.night_up_minutes, w))
    if f.night_in_bed is False:
        return w["not_in_bed"]
    return w["slept_well"] if f.night_in_bed else w["quiet_night"]


def _up(
    f: DayFacts,
    w: dict[str, str],
    tz: ZoneInfo,
    brevity: int,
    silent: datetime | None,
    note: str | None,
) -> list[str]:
    missing = f.usual.unusual.get("wake") == "missing"
    if f.got_up is not None:
        note = None if missing else note
        if brevity >= 7 and note is None:
            return []
        text = w["got_up"].format(t=_hm(f.got_up, tz))
        return [f"{text} ({note})" if note else text]
    if f.in_bed and f.morning:
        return [w["still_in_bed"]]
    if silent is not None:
        return []
    usual = f.usual.ranges.get("wake")
    if missing and note and usual:  # not up long after her usual time
        return [f"{w['not_up']} ({note.format(range=_range(usual))})"]
    return [w["not_up"]]


def _out(f: DayFacts, w: dict[str, str], tz: ZoneInfo, brevity: int) -> list[str]:
    parts: list[str] = []
    spans = [_span(a, b, tz) for a, b in f.out]
    if spans and brevity < 5:
        if brevity >= 2 and len(spans) > 1:
            minutes = round(sum((b - a).total_seconds() for a, b in f.out) / 60)
            text = w["out_count"].format(n=len(spans), d=_duration(minutes, w))
        elif brevity >= 1 and len(spans) > SHOWN_SPANS:
            shown = ", ".join(spans[:SHOWN_SPANS])
            text = w["out"].format(spans=w["out_more"].format(spans=shown, n=len(spans) - 2))
        else:
            joined = w["and"].join(spans) if len(spans) == 2 else ", ".join(spans)
            text = w["out"].format(spans=joined)
        parts.append(text)
    if f.out_since is not None:
        parts.append(w["out_since"].format(t=_hm(f.out_since, tz)))
    return parts


def _alerts(notes: tuple[AlertNote, ...], w: dict[str, str], names: bool) -> str:
    if not notes:
        return ""
    head = w["one_alert"] if len(notes) == 1 else w["alerts"].format(n=len(notes))
    pending = [a for a in notes if a.state in ("pre_alert", "open")]
    taking = _names([a.by for a in notes if a.state == "acknowledged"])
    done = _names([a.by for a in notes if a.state == "resolved"])
    if pending:
        state = w["open"] if len(notes) == 1 else w["some_open"].format(n=len(pending))
    elif taking:
        state = w["taking"].format(by=w["and"].join(taking))
    elif done and names:
        state = w["done_by"].format(by=w["and"].join(done))
    else:
        state = w["done"]
    return f"{head}, {state}"


def _names(names: list[str | None]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def _moment(ts: datetime, now: datetime, tz: ZoneInfo, w: dict[str, str]) -> str:
    """ "14:10" today, "gestern 14:10", else "03.05. 14:10" / "03/05 14:10"."""
    days = (now.astimezone(tz).date() - ts.astimezone(tz).date()).days
    if days <= 0:
        return _hm(ts, tz)
    if days == 1:
        return w["yesterday_at"].format(t=_hm(ts, tz))
    return w["on_day"].format(d=ts.astimezone(tz).strftime(w["date"]), t=_hm(ts, tz))


def _range(usual: tuple[float, float]) -> str:
    """Minutes after midnight as "7:15–8:05" (one time if both are the same)."""

    def clock(minutes: float) -> str:
        m = round(minutes) % (24 * 60)
        return f"{m // 60}:{m % 60:02d}"

    low, high = clock(usual[0]), clock(usual[1])
    return low if low == high else f"{low}–{high}"


def _hm(ts: datetime, tz: ZoneInfo) -> str:
    local = ts.astimezone(tz)
    return f"{local.hour}:{local.minute:02d}"


def _span(a: datetime, b: datetime, tz: ZoneInfo) -> str:
    """ "10–11:30": whole hours without their minutes."""

    def short(ts: datetime) -> str:
        local = ts.astimezone(tz)
        return str(local.hour) if local.minute == 0 else f"{local.hour}:{local.minute:02d}"

    return f"{short(a)}–{short(b)}"


def _duration(minutes: int, w: dict[str, str]) -> str:
    h, m = divmod(minutes, 60)
    if not h:
        return w["minutes"].format(m=m)
    return w["hours"].format(h=h) if not m else w["hours_minutes"].format(h=h, m=m)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
