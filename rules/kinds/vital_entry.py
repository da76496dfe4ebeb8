"""vital_entry: a value measured by hand (blood pressure, weight, …) outside the resident's
range: someone is told, once per entry.

    - kind: vital_entry
      resident: anna          # her entries (bp_systolic.anna, …); none: every resident's
      ranges:                 # optional: limits other than residents.anna.vitals
        bp_systolic: {max: 160}
      severity: warning       # the default: the escalation's first tier is told

Only a possible value reaches the store (the entry refuses 400 mmHg), and one outside her
range has been confirmed by whoever typed it ("Bitte prüfen – trotzdem speichern?"). Blood
pressure arrives as two observations with the same time, systolic and diastolic: it is judged
once, when both are there. A later value inside the range clears nothing: each entry is a
reading someone should look at, and a person marks it done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, cast

from pydantic import PrivateAttr, field_validator

from hub.config.model import VitalRange
from hub.config.problems import ConfigValueError
from hub.config.units import Slug
from hub.model import Capability, Entity, Observation, Severity
from hub.vitals.measures import MANUAL, MEASUREMENT_NAME, VITALS, measurement_of, shown
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.context import RuleContext
from rules.explain import Texts, number

if TYPE_CHECKING:
    from hub.config.model import Resident

ManualVital = Literal[
    "bp_systolic", "bp_diastolic", "body_weight", "spo2", "body_temperature", "blood_glucose"
]
BLOOD_PRESSURE = ("bp_systolic", "bp_diastolic")
OUTSIDE: Texts = {
    "de": "{what} {value} {unit} ({time}, {by}), {limits}",
    "en": "{what} {value} {unit} ({time}, {by}), {limits}",
}
HIGH: Texts = {"de": "Bereich bis {limit}", "en": "range up to {limit}"}
LOW: Texts = {"de": "Bereich ab {limit}", "en": "range from {limit}"}
LOWER_VALUE: Texts = {"de": "unterer Wert: ", "en": "lower value: "}
BY_CARER: Texts = {"de": "eingetragen von {who}", "en": "entered by {who}"}
BY_TABLET: Texts = {"de": "am Tablet eingetragen", "en": "entered on the tablet"}
MEASURED: Texts = {"de": "gemessen", "en": "measured"}


class Config(RuleConfig):
    kind: Literal["vital_entry"] = "vital_entry"
    resident: Slug | None = None  # None: every resident
    # Limits that differ from the residents' vitals; for every other one, hers.
    ranges: dict[ManualVital, VitalRange] = {}
    severity: Severity = Severity.WARNING
    # resident → capability → range, from obhut.yaml's residents: (see with_residents)
    _limits: dict[str, dict[str, VitalRange]] = PrivateAttr(default_factory=dict)

    @field_validator("ranges")
    @classmethod
    def _possible(cls, ranges: dict[str, VitalRange]) -> dict[str, VitalRange]:
        for capability, given in ranges.items():
            low, high = VITALS[capability].possible
            for bound in (given.min, given.max):
                if bound is not None and not low <= bound <= high:
                    raise ConfigValueError(
                        f"{bound:g} {VITALS[capability].unit} is impossible for {capability}",
                        expected=f"limits between {low:g} and {high:g}",
                    )
        return ranges

    def with_residents(self, residents: Mapping[str, Resident]) -> Config:
        """Each resident's range for every measure, unless this rule gives a limit itself."""
        own = cast(dict[str, VitalRange], self.ranges)
        limits: dict[str, dict[str, VitalRange]] = {}
        for resident_id, resident in residents.items():
            if self.resident not in (None, resident_id):
                continue
            mine = limits[resident_id] = {}
            for capability in MANUAL:
                low, high = resident.range(capability)
                given = own.get(capability)
                if given is not None:
                    low = given.min if given.min is not None else low
                    high = given.max if given.max is not None else high
                if low is not None or high is not None:
                    mine[capability] = VitalRange.model_construct(min=low, max=high)
        return self.model_copy(update={"_limits": limits})

    def limits_for(self, resident: str) -> dict[str, VitalRange]:
        """The limits an entry of `resident` is judged by (none: not this rule's resident)."""
        return self._limits.get(resident, {})


class Rule(BaseRule):
    """Judges each entry of its residents against her ranges as it arrives."""

    config: Config
    listens_to = frozenset(Capability(c) for c in MANUAL)

    def wants(self, entity: Entity) -> bool:
        name = entity.id.partition(".")[2]
        return entity.capability in self.listens_to and bool(self.config.limits_for(name))

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        capability = obs.capability.value
        resident = obs.entity.partition(".")[2]
        observations = [obs]
        if capability in BLOOD_PRESSURE:
            other = BLOOD_PRESSURE[1 - BLOOD_PRESSURE.index(capability)]
            partner = ctx.state.get(f"{other}.{resident}")
            if partner is None or partner.ts != obs.ts or partner is obs:
                return  # the other half of this reading is still to come
            pair = [obs, partner]
            observations = sorted(pair, key=lambda o: BLOOD_PRESSURE.index(o.capability.value))
        values: dict[str, float] = {}
        for o in observations:
            value = o.value
            if isinstance(value, bool) or not isinstance(value, int | float):
                return
            low, high = VITALS[o.capability.value].possible
            if not low <= value <= high:
                return  # not a person's value: nothing to tell
            values[o.capability.value] = float(value)
        limits = self.config.limits_for(resident)
        outside = [(c, v, side) for c, v in values.items() if (side := _side(limits, c, v))]
        if outside:
            self._tell(obs, resident, values, outside, ctx)

    def _tell(
        self,
        obs: Observation,
        resident: str,
        values: dict[str, float],
        outside: list[tuple[str, float, str]],
        ctx: RuleContext,
    ) -> None:
        lang = ctx.lang
        limits = self.config.limits_for(resident)

        def bound(capability: str, side: str) -> str:
            given = limits[capability]
            value = given.max if side == "high" else given.min
            return number(value, lang) if value is not None else "?"

        first = next(iter(values))
        measurement = measurement_of(first)
        assert measurement is not None
        sides = {side for _, _, side in outside}
        said = []
        if len(outside) == 2 and len(sides) == 1:  # 92/55: "Bereich ab 100/60"
            (side,) = sides
            both = "/".join(bound(c, side) for c in values)
            said.append(ctx.say(HIGH if side == "high" else LOW, limit=both))
        else:
            for capability, _, side in outside:
                prefix = ctx.say(LOWER_VALUE) if capability == "bp_diastolic" else ""
                limit = bound(capability, side)
                said.append(prefix + ctx.say(HIGH if side == "high" else LOW, limit=limit))
        text = ctx.say(
            OUTSIDE,
            what=ctx.say(MEASUREMENT_NAME[measurement]),
            value="/".join(shown(v, c, lang) for c, v in values.items()),
            unit=VITALS[first].unit,
            time=ctx.clock(obs.ts),
            by=_by(obs.source, ctx),
            limits=", ".join(said),
        )
        words = ", ".join(f"{c} {v:g} {side}" for c, v, side in outside)
        ctx.emit(
            self.finding(
                ctx,
                obs.ts,
                summary=f"{measurement.value} of {resident} outside the range: {words}",
                explanation=text,
                subject=f"{measurement.value}.{resident}",
                entity=f"{first}.{resident}",
                evidence=(f"entered as {obs.source} at {obs.ts.isoformat()}",),
                data={"values": values, "source": obs.source, "outside": [c for c, *_ in outside]},
            )
        )


def _side(limits: Mapping[str, VitalRange], capability: str, value: float) -> str | None:
    given = limits.get(capability)
    if given is None:
        return None
    if given.min is not None and value < given.min:
        return "low"
    if given.max is not None and value > given.max:
        return "high"
    return None


def _by(source: str, ctx: RuleContext) -> str:
    """`manual:carer:carla` → "eingetragen von carla"; the tablet's → "am Tablet eingetragen"."""
    kind, _, actor = source.partition(":")
    if kind != "manual":
        return ctx.say(MEASURED)
    role, _, who = actor.partition(":")
    if role == "resident":
        return ctx.say(BY_TABLET)
    return ctx.say(BY_CARER, who=who or actor)
