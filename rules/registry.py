"""The rule kinds Obhut knows, by the name the installer writes after `kind:`.

A kind is a module in rules/kinds/ that defines `Config` (its pydantic model, with
`kind: Literal["name"]`) and `Rule` (its runtime); other modules there are helpers.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import rules.kinds
from rules.config import RuleConfig

if TYPE_CHECKING:
    from rules.engine import RuleFactory


@cache
def _modules() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(rules.kinds.__path__):
        module = importlib.import_module(f"rules.kinds.{info.name}")
        if hasattr(module, "Config") and hasattr(module, "Rule"):
            found[info.name] = module
    return dict(sorted(found.items()))


def rule_kinds() -> dict[str, type[RuleConfig]]:
    """Each kind's configuration model, for validating obhut.yaml."""
    return {name: module.Config for name, module in _modules().items()}


def rule_factories() -> dict[str, RuleFactory]:
    """Each kind's runtime, built from its validated configuration."""
    return {name: module.Rule for name, module in _modules().items()}
