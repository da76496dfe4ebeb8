"""Load only what the flat uses: one radio library, and no cryptography or OTA machinery
until something needs them.

zha's `RadioType` enum names every radio library's ControllerApplication, so importing zha
imports all six (bellows, zigpy-znp, zigpy-deconz, …): on a Pi that is 0.2 s and 14 MiB for
radios that are not plugged in. zigpy imports AES from cryptography (6 MiB) for install
codes, and jsonschema (7 MiB) for OTA firmware lists, which Obhut switches off.

Before zha is imported, such modules get stand-ins: the names other modules import from them
are proxies, and any other attribute (a submodule's `__path__` included) loads the real
modules, replacing the stand-ins. Code that uses them sees no difference but the delay.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Mapping
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
# Imported at start by zigpy, used only for install codes and Green Power.
CRYPTOGRAPHY: Mapping[str, tuple[str, ...]] = {
    "cryptography.hazmat.primitives.ciphers": ("Cipher",),
    "cryptography.hazmat.primitives.ciphers.algorithms": ("AES",),
    "cryptography.hazmat.primitives.ciphers.modes": ("ECB",),
    "cryptography.hazmat.primitives.ciphers.aead": ("AESCCM",),
}
# Imported at start by zigpy, used only for OTA firmware updates (off in Obhut).
LAZY_MODULES = ("jsonschema",)
_TOO_LATE = "zha.application.const"


class _StandIn(types.ModuleType):
    """Stands for a module not imported yet; any attribute but its proxies loads the real one.

    The import system asks modules for dunder attributes (`__path__` on every `from … import`),
    so those never load anything: a package's stand-in carries the real `__path__`.
    """

    _obhut_group: tuple[str, ...] = ()

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(_load(self.__name__, self._obhut_group), attr)


class _Proxy:
    """Stands for a class or function imported from a stand-in, until it is used."""

    def __init__(self, module: str, name: str, group: tuple[str, ...]) -> None:
        self._where = (module, name, group)
        self._real: Any = None

    def _load(self) -> Any:
        if self._real is None:
            module, name, group = self._where
            self._real = getattr(_load(module, group), name)
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._load(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._load()(*args, **kwargs)

    def __repr__(self) -> str:
        module, name, _ = self._where
        return f"<{module}.{name}, not loaded yet>"


def _load(module: str, group: tuple[str, ...]) -> types.ModuleType:
    """The real `module`, after every stand-in of its group has made way."""
    for name in group:
        if isinstance(sys.modules.get(name), _StandIn):
            del sys.modules[name]
    return importlib.import_module(module)


def _search_path(name: str) -> list[str] | None:
    """Where a package's submodules are, found without running any of its code."""
    parts = name.split(".")
    spec = importlib.machinery.PathFinder.find_spec(parts[0])
    for i in range(1, len(parts)):
        if spec is None or spec.submodule_search_locations is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(
            ".".join(parts[: i + 1]), list(spec.submodule_search_locations)
        )
    if spec is None or spec.submodule_search_locations is None:
        return None
    return list(spec.submodule_search_locations)


def stand_in(modules: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Put stand-ins for `modules` (name → names imported from it) unless they are loaded."""
    names = tuple(modules)
    if any(name in sys.modules for name in names):
        return []
    for name, exported in modules.items():
        module = _StandIn(name)
        module._obhut_group = names
        path = _search_path(name)
        if path is not None:
            module.__path__ = path
        for attr in exported:
            setattr(module, attr, _Proxy(name, attr, names))
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if isinstance(sys.modules.get(parent), _StandIn):
            setattr(sys.modules[parent], child, module)
    return list(names)


def defer_unused_radios(used: str) -> list[str]:
    """Give every radio library but `used`'s a stand-in; returns the deferred packages."""
    if _TOO_LATE in sys.modules:
        return []
    deferred = []
    for radio, package in RADIO_PACKAGES.items():
        if radio == used:
            continue
        application = f"{package}.zigbee.application"
        group = {package: (), f"{package}.zigbee": (), application: ("ControllerApplication",)}
        if stand_in(group):
            deferred.append(package)
    return deferred


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
    """Make `modules` (and zigpy's AES) load when first used; returns what was deferred."""
    deferred = stand_in(CRYPTOGRAPHY)
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
