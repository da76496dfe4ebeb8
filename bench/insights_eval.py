"""How well the care rules notice incidents in a real home's recording, and how often they
raise an alert on an ordinary day.

The recording is the Ordóñez A home (UCI ADL, two weeks of one person; `../shared/data/
activity/ordonez-a`), converted into Obhut observations by `integrations/activity` with
`examples/activity/ordonez-a.mapping.yaml`, replayed through the real engine under the
simulated clock with the example rules (`examples/rules.yaml`, via `examples/activity/
obhut.yaml`). Days are cut at 05:00, when she is asleep.

Each day of the log is the test day once (leave one day out): the other days come first,
re-dated to the days before it, so that rules which learn her routine have learned it from
days other than the one they are judged on. Then the test day is replayed as recorded (its
findings are its false alarms) and once per incident:

- fall: at a random minute of her waking hours all activity stops (a mat she is on reports
  empty, a motion sensor goes quiet a minute later) and nothing follows for 24 hours;
- bathroom: at a random waking minute she goes into the bathroom and stays 60 minutes,
  moving there and nowhere else; then the recording goes on;
- late wake-up: her morning (from the moment she left the bed) happens three hours later;
  she stays in bed until then, and what she did in those three hours is lost.

An incident is detected by the first finding of a rule that speaks to it (fall: any alert;
bathroom: dwell; late wake-up: wake_up or routine_wake_up), raised after the incident began
and before it ended (fall: 24 h; bathroom: while she is in there; late wake-up: before she
gets up), that the recorded day does not raise as well. Time to detect runs from the
incident's start to that finding (a pre-alert on the tablet adds its minutes before the
family hears). The random minutes come from one seed, printed, so a run is repeatable.
Nothing here is tuned to this home: the figures are printed as they come.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time as wall
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.config import Config, load_config
from hub.model import Finding, Observation, Severity
from hub.replay import replay
from integrations.activity.convert import convert_file
from integrations.activity.mapping import load_mapping

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "activity" / "ordonez-a" / "OrdonezA_Sensors.txt"
EXAMPLE = ROOT / "examples" / "activity"
SEED = 20260504
CUT = time(5, 0)  # days start here: she is asleep
DAY = timedelta(days=1)
FALL_WAIT = timedelta(hours=24)
BATHROOM_STAY = timedelta(minutes=60)
LATE_BY = timedelta(hours=3)
BATHROOM = "bad"
OCCUPANCY = ("motion.", "presence.", "bed_occupancy.")
BED = "bed_occupancy.schlafzimmer"
URGENT = (Severity.URGENT, Severity.EMERGENCY)
NOTE = (
    "This home has motion sensors only in the bathroom and at the cooktop; in the living room "
    "and the bedroom there are pressure mats (seat, bed), which report nothing while she sits "
    "or lies still. The figures reflect that."
)


@dataclass(frozen=True)
class Incident:
    kind: str
    start: datetime
    end: datetime  # the last moment a detection helps
    events: list[Observation]  # the test day as changed by the incident
    goes_on: bool = True  # the recording goes on after the test day (no: she lies there)


@dataclass(frozen=True)
class Trial:
    kind: str
    day: datetime
    start: datetime
    found: Finding | None  # the detecting finding


def day_slices(events: list[Observation], tz: ZoneInfo) -> list[tuple[datetime, list[Observation]]]:
    """Whole days from 05:00 to 05:00; the partial ones at either end are left out."""
    first = events[0].ts.astimezone(tz)
    start = datetime.combine(first.date(), CUT, tzinfo=tz)
    if start < first:
        start += DAY
    out = []
    while start + DAY <= events[-1].ts:
        out.append((start, [o for o in events if start <= o.ts < start + DAY]))
        start += DAY
    return out


def arranged(
    days: list[tuple[datetime, list[Observation]]],
    test: int,
    today: list[Observation],
    tomorrow: bool = True,
) -> list[Observation]:
    """The other days re-dated to the days before the test day, the test day (as given),
    and the day after it as recorded (the first day of the log after the last)."""
    start = days[test][0]
    after = (test + 1) % len(days)
    others = [d for i, d in enumerate(days) if i not in (test, after)]
    out: list[Observation] = []
    for n, (began, events) in enumerate(others):
        shift = start - DAY * (len(others) - n) - began
        out.extend(replace(o, ts=o.ts + shift) for o in events)
    out.extend(today)
    if tomorrow:
        began, events = days[after]
        out.extend(replace(o, ts=o.ts + (start + DAY - began)) for o in events)
    return out


def waking_hours(start: datetime, events: list[Observation]) -> tuple[datetime, datetime]:
    """From 15 minutes after she leaves the bed to 15 minutes before she goes back to it."""
    rising = next((o.ts for o in events if o.entity == BED and o.value is False), None)
    if rising is None:
        return start + timedelta(hours=5), start + timedelta(hours=15)  # 10:00–20:00
    back = [o.ts for o in events if o.entity == BED and o.value is True and o.ts > rising]
    bedtime = back[-1] if back else start + DAY - timedelta(hours=4)
    return rising + timedelta(minutes=15), max(bedtime - timedelta(minutes=15), rising)


def random_minute(rng: random.Random, span: tuple[datetime, datetime]) -> datetime:
    minutes = max(1, int((span[1] - span[0]).total_seconds() // 60))
    return span[0] + timedelta(minutes=rng.randrange(minutes))


def still_on(events: list[Observation], at: datetime) -> list[str]:
    """Mats and sensors that see her at `at`."""
    state: dict[str, object] = {}
    for o in events:
        if o.ts > at:
            break
        state[o.entity] = o.value
    return [e for e, v in state.items() if v is True and e.startswith(OCCUPANCY)]


def fall(start: datetime, events: list[Observation], rng: random.Random) -> Incident:
    at = random_minute(rng, waking_hours(start, events))
    before = [o for o in events if o.ts <= at]
    quiet = [
        Observation(
            at + (timedelta(minutes=1) if e.startswith("motion.") else timedelta()),
            e,
            False,
            "fall",
        )
        for e in still_on(events, at)
    ]
    events = before + sorted(quiet, key=lambda o: o.ts)
    return Incident("fall", at, at + FALL_WAIT, events, goes_on=False)


def bathroom(start: datetime, events: list[Observation], rng: random.Random) -> Incident:
    at = random_minute(rng, waking_hours(start, events))
    out_at = at + BATHROOM_STAY
    stay = [Observation(at, e, False, "bathroom") for e in still_on(events, at)]
    stay += [Observation(at + timedelta(seconds=1), f"motion.{BATHROOM}", True, "bathroom")]
    for m in range(5, 60, 5):  # she moves in there; the sensor sees her now and then
        moving = at + timedelta(minutes=m)
        stay.append(Observation(moving - timedelta(minutes=3), f"motion.{BATHROOM}", False, "b"))
        stay.append(Observation(moving, f"motion.{BATHROOM}", True, "bathroom"))
    stay.append(Observation(out_at, f"motion.{BATHROOM}", False, "bathroom"))
    kept = [o for o in events if not at <= o.ts < out_at]
    return Incident("bathroom", at, out_at, sorted(kept + stay, key=lambda o: o.ts))


def late_wake(start: datetime, events: list[Observation]) -> Incident | None:
    rising = next((o.ts for o in events if o.entity == BED and o.value is False), None)
    if rising is None:
        return None
    up = rising + LATE_BY
    moved = [
        replace(o, ts=o.ts + LATE_BY) if rising <= o.ts < up else o
        for o in events
        if not up <= o.ts < up + LATE_BY
    ]
    return Incident("late wake-up", rising, up, sorted(moved, key=lambda o: o.ts))


RELEVANT: dict[str, Callable[[Finding], bool]] = {
    "fall": lambda f: True,
    "bathroom": lambda f: f.kind == "dwell",
    "late wake-up": lambda f: f.kind in ("wake_up", "routine_wake_up"),
}


def alerts(found: list[Finding]) -> list[Finding]:
    """Findings for someone: not the technology's, not the tablet's reminder (info), but the
    routine's advice (info or warning) counts."""
    return [
        f
        for f in found
        if not f.cleared
        and not f.system
        and (f.severity is not Severity.INFO or f.kind.startswith("routine_"))
    ]


async def run_findings(config: Config, events: list[Observation], until: datetime) -> list[Finding]:
    found: list[Finding] = []
    await replay(config, events, found.append, until, start=events[0].ts)
    return alerts(found)


async def evaluate(
    config: Config, events: list[Observation], seed: int
) -> tuple[list[Trial], list[Finding], int]:
    tz = config.home.tz
    days = day_slices(events, tz)
    rng = random.Random(seed)
    trials: list[Trial] = []
    false_alarms: list[Finding] = []
    for i, (start, day_events) in enumerate(days):
        end = start + DAY
        normal = await run_findings(config, arranged(days, i, day_events), end + DAY)
        recorded = {(f.rule, f.ts) for f in normal}
        false_alarms += [f for f in normal if start <= f.ts < end]
        incidents = [fall(start, day_events, rng), bathroom(start, day_events, rng)]
        late = late_wake(start, day_events)
        if late is not None:
            incidents.append(late)
        for incident in incidents:
            events = arranged(days, i, incident.events, incident.goes_on)
            found = await run_findings(config, events, incident.end)
            new = [
                f
                for f in found
                if incident.start <= f.ts <= incident.end
                and (f.rule, f.ts) not in recorded
                and RELEVANT[incident.kind](f)
            ]
            trials.append(Trial(incident.kind, start, incident.start, new[0] if new else None))
    return trials, false_alarms, len(days)


def minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def report(trials: list[Trial], false_alarms: list[Finding], days: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    print(f"{'incident':<14} {'trials':>6} {'detected':>9} {'median':>8} {'worst':>8}   by rule")
    for kind in RELEVANT:
        mine = [t for t in trials if t.kind == kind]
        hits = [t for t in mine if t.found is not None]
        waits = [minutes(t.found.ts - t.start) for t in hits if t.found is not None]
        rate = 100 * len(hits) / len(mine) if mine else 0.0
        median = statistics.median(waits) if waits else float("nan")
        worst = max(waits) if waits else float("nan")
        by_rule = Counter(
            f"{t.found.rule} ({'urgent' if t.found.severity in URGENT else 'advisory'})"
            for t in hits
            if t.found is not None
        )
        rules = ", ".join(f"{name} {n}" for name, n in by_rule.most_common()) or "-"
        print(f"{kind:<14} {len(mine):>6} {rate:>8.0f}% {median:>6.0f} m {worst:>6.0f} m   {rules}")
        key = kind.replace(" ", "_").replace("-", "_")
        figures[f"insights.{key}_detected_pct"] = rate
        figures[f"insights.{key}_median_min"] = median
        figures[f"insights.{key}_worst_min"] = worst
    scale = 30 / days
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for f in false_alarms:
        per_rule[f.rule]["urgent" if f.severity in URGENT else "advisory"] += 1
    urgent = sum(c["urgent"] for c in per_rule.values())
    advisory = sum(c["advisory"] for c in per_rule.values())
    print(f"\nalerts on the recorded days, per 30 days ({days} days recorded):")
    print(f"{'rule':<20} {'urgent':>8} {'advisory':>9}")
    for rule, counts in sorted(per_rule.items()):
        print(f"{rule:<20} {counts['urgent'] * scale:>8.1f} {counts['advisory'] * scale:>9.1f}")
    print(f"{'all':<20} {urgent * scale:>8.1f} {advisory * scale:>9.1f}")
    figures["insights.false_alarms_urgent_per_30d"] = urgent * scale
    figures["insights.false_alarms_advisory_per_30d"] = advisory * scale
    return figures


def load() -> tuple[Config, list[Observation]]:
    config = load_config(EXAMPLE / "obhut.yaml")
    converted = convert_file(DATA, load_mapping(EXAMPLE / "ordonez-a.mapping.yaml"))
    if converted.errors:
        raise ValueError(f"{DATA}: {converted.errors[:3]}")
    return config, converted.events


def run() -> dict[str, float]:
    if not DATA.is_file():
        print(f"skipped: {DATA} is not there")
        return {}
    began = wall.perf_counter()
    config, events = load()
    print(f"recording: {DATA.parent.name}, {len(events)} observations; seed {SEED}")
    print(f"rules: {', '.join(r.rule_id for r in config.rules)}")
    print(__doc__.strip().split("\n\n", 1)[1])  # how the trials are made and judged
    print(f"{NOTE}\n")
    trials, false_alarms, days = asyncio.run(evaluate(config, events, SEED))
    figures = report(trials, false_alarms, days)
    figures["insights.eval_s"] = wall.perf_counter() - began
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.6g}")
