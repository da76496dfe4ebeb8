"""The installer's configuration: obhut.yaml, its model, and its error messages."""

from hub.config.loader import load_config
from hub.config.model import Config
from hub.config.problems import ConfigError, Problem

__all__ = ["Config", "ConfigError", "Problem", "load_config"]
