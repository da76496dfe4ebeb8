"""The rule kinds Obhut knows, by the name the installer writes after `kind:`."""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from rules.config import RuleConfig

if TYPE_CHECKING:
    from rules.engine import RuleFactory

# One module per kind under rules/kinds/, each defining `Config` and `Rule`.
KIND_MODULES = ("inactivity", "panic", "water_leak", "smoke")


@cache
def _modules() -> dict[str, ModuleType]:
    return {name: importlib.import_module(f"rules.kinds.{name}") for name in KIND_MODULES}


def rule_kinds() -> dict[str, type[RuleConfig]]:
    """Each kind's configuration model, for validating obhut.yaml."""
    return {name: module.Config for name, module in _modules().items()}


def rule_factories() -> dict[str, RuleFactory]:
    """Each kind's runtime, built from its validated configuration."""
    return {name: module.Rule for name, module in _modules().items()}
