"""What the carer's pages and API answers say about an entry: exact, with what is possible."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from hub.vitals.entries import Checked, Problem
from hub.vitals.measures import PARTS, VITALS, shown
from rules.explain import number

if TYPE_CHECKING:
    from hub.config.model import Resident
    from hub.web.vitals_api import Outcome

Say = Callable[[str], str]


def value_text(checked: Checked, lang: str) -> str:
    """`182/95`, `72,5`: the entry's numbers as a person writes them."""
    return "/".join(shown(v, c, lang) for c, v in checked.values.items())


def range_text(
    t: Say, lang: str, capability: str, limits: tuple[float | None, float | None]
) -> str:
    """A range of `capability` in words: `100–150 mmHg`, `bis 150 mmHg`, `ab 92 %`."""
    low, high = limits
    fields = {
        "low": number(low, lang) if low is not None else "",
        "high": number(high, lang) if high is not None else "",
        "unit": VITALS[capability].unit,
    }
    key = "both" if low is not None and high is not None else "max" if high is not None else "min"
    if low is None and high is None:
        return ""
    return _fill(t(f"vitals_range_{key}"), fields)


def carer_problem(t: Say, lang: str, problem: Problem) -> str:
    """A refusal in a carer's words: what is wrong, and what would be right."""
    capability = problem.field
    vital = VITALS.get(capability)
    fields = {
        "field": t(f"vitals_c_{capability}") if vital else "",
        "typed": problem.typed,
        "unit": vital.unit if vital else "",
        "low": _number(problem.low, capability, lang),
        "high": _number(problem.high, capability, lang),
    }
    return _fill(t(f"vitals_err_{problem.code}"), fields)


def carer_check(t: Say, lang: str, outcome: Outcome, resident: Resident) -> str:
    """ "Bitte prüfen" with what is outside her range and what the range is."""
    checked = outcome.checked
    first = PARTS[outcome.measurement][0]
    ranges = [
        range_text(t, lang, o.capability, resident.range(o.capability)) for o in checked.outside
    ]
    fields = {
        "what": t(f"vitals_m_{outcome.measurement.value}"),
        "value": value_text(checked, lang),
        "unit": VITALS[first].unit,
        "name": resident.name,
        "range": " / ".join(ranges),
    }
    return _fill(t("vitals_check_detail"), fields)


def carer_saved(t: Say, lang: str, outcome: Outcome) -> str:
    first = PARTS[outcome.measurement][0]
    fields = {
        "what": t(f"vitals_m_{outcome.measurement.value}"),
        "value": value_text(outcome.checked, lang),
        "unit": VITALS[first].unit,
    }
    return _fill(t("vitals_saved"), fields)


def _number(value: float | None, capability: str, lang: str) -> str:
    if value is None:
        return ""
    return number(value, lang) if capability in VITALS else f"{value:g}"


def _fill(template: str, fields: Mapping[str, object]) -> str:
    for key, value in fields.items():
        template = template.replace("{" + key + "}", str(value))
    return template
