"""Load only what the flat uses: one radio library, and no OTA firmware machinery.

zha's `RadioType` enum names every radio library's ControllerApplication, so importing zha
imports all six (bellows, zigpy-znp, zigpy-deconz, …) and their dependencies: on a Pi that
is 0.2 s and 14 MiB for radios that are not plugged in. Before zha is imported, the unused
libraries are given stand-in modules whose ControllerApplication imports the real one the
moment anything touches it, so nothing changes for code that does use them.

zigpy imports jsonschema (7 MiB) for its OTA firmware providers, which Obhut switches off;
it is imported lazily: its code runs the moment it is first used.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

# zha's radio type name → the library that drives it
RADIO_PACKAGES = {
    "ezsp": "bellows",
    "znp": "zigpy_znp",
    "deconz": "zigpy_deconz",
    "ziggurat": "zigpy_ziggurat",
    "zigate": "zigpy_zigate",
    "xbee": "zigpy_xbee",
}
_TOO_LATE = "zha.application.const"


class _StandIn(types.ModuleType):
    """A placeholder module for a radio library that has not been imported."""


class _LazyController:
    """Stands for a library's ControllerApplication class until an attribute is asked for."""

    def __init__(self, package: str) -> None:
        self._package = package
        self._real: Any = None

    def _load(self) -> Any:
        if self._real is None:
            for name in [n for n, m in sys.modules.items() if isinstance(m, _StandIn)]:
                if name == self._package or name.startswith(self._package + "."):
                    del sys.modules[name]
            module = importlib.import_module(f"{self._package}.zigbee.application")
            self._real = module.ControllerApplication
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._load(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._load()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._package} ControllerApplication, not loaded yet>"


def defer_unused_radios(used: str) -> list[str]:
    """Give every radio library but `used`'s a stand-in; returns the deferred packages."""
    if _TOO_LATE in sys.modules:
        return []
    deferred = []
    for radio, package in RADIO_PACKAGES.items():
        if radio == used or package in sys.modules:
            continue
        top, zigbee, application = (
            _StandIn(package),
            _StandIn(f"{package}.zigbee"),
            _StandIn(f"{package}.zigbee.application"),
        )
        application.ControllerApplication = _LazyController(package)  # type: ignore[attr-defined]
        top.zigbee = zigbee  # type: ignore[attr-defined]
        zigbee.application = application  # type: ignore[attr-defined]
        sys.modules.update(
            {top.__name__: top, zigbee.__name__: zigbee, application.__name__: application}
        )
        deferred.append(package)
    return deferred


# Imported at start by zigpy, used only for OTA firmware updates (off in Obhut).
LAZY_MODULES = ("jsonschema",)


class _Deferred(types.ModuleType):
    """A real module whose code runs at the first attribute it does not have yet.

    importlib's LazyLoader would do, but the next `import jsonschema` anywhere touches the
    module's `__spec__` and with it loads the module at once.
    """

    def __getattr__(self, attr: str) -> Any:
        if self.__dict__.get("_obhut_loaded"):
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")
        self.__dict__["_obhut_loaded"] = True
        spec = self.__spec__
        assert spec is not None and spec.loader is not None
        spec.loader.exec_module(self)
        return getattr(self, attr)


def defer_imports(modules: tuple[str, ...] = LAZY_MODULES) -> list[str]:
    """Make `modules` import lazily: their code runs at the first attribute asked for."""
    deferred = []
    for name in modules:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _Deferred
        sys.modules[name] = module
        deferred.append(name)
    return deferred
