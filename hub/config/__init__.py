"""The installer's configuration: obhut.yaml, its model, and its error messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hub.config.problems import ConfigError, Problem

if TYPE_CHECKING:
    from hub.config.loader import load_config
    from hub.config.model import Config

__all__ = ["Config", "ConfigError", "Problem", "load_config"]


def __getattr__(name: str) -> Any:
    # The model imports the rule kinds' configs, which import this package's units: loading
    # the model only when asked for keeps `import rules.config` free of a cycle.
    if name == "load_config":
        from hub.config.loader import load_config

        return load_config
    if name == "Config":
        from hub.config.model import Config

        return Config
    raise AttributeError(f"module 'hub.config' has no attribute {name!r}")
