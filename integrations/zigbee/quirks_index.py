"""Load only the zha-quirks modules the paired devices need, from a cached index.

`zhaquirks.setup` imports all ~460 quirk modules (seconds and tens of MB on a Pi)
although a flat has a dozen device models. The index says which module registers a
quirk for which (manufacturer, model); `make_setup` returns a drop-in replacement for
`zhaquirks.setup` that imports only those plus the modules that must always be there
(signature-only "wildcard" quirks, the Xiaomi quick-init handler), and wraps the zha
registry's `resolve` so a newly joining device's modules are imported just before
zigpy resolves its quirk.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import pathlib
import pkgutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

_LOGGER = logging.getLogger(__name__)

INDEX_FORMAT = 1
_PACKAGE = "zhaquirks"
_DISTRIBUTIONS = ("zha-quirks", "zigpy", "zha")

# (manufacturer, model); None is a wildcard, as in zha's ModelInfo
ModelKey = tuple[str | None, str | None]


def current_versions() -> dict[str, str]:
    """The versions an index is valid for: a different one means rebuild."""
    versions = {"format": str(INDEX_FORMAT)}
    for dist in _DISTRIBUTIONS:
        versions[dist] = importlib.metadata.version(dist)
    return versions


@dataclass(frozen=True, slots=True)
class QuirkIndex:
    """Which zhaquirks module registers quirks for which (manufacturer, model)."""

    versions: Mapping[str, str]
    # every zhaquirks module, in the order `zhaquirks.setup` imports them
    modules: tuple[str, ...]
    # imported whatever is paired: wildcard quirks and join-time handlers
    always: frozenset[str]
    by_model: Mapping[ModelKey, frozenset[str]]
    build_seconds: float = 0.0
    _order: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_order", {m: i for i, m in enumerate(self.modules)})

    def modules_for(self, manufacturer: str | None, model: str | None) -> tuple[str, ...]:
        """The modules zha's registry would consult for this device (its three lookup keys)."""
        found: set[str] = set()
        for key in ((manufacturer, model), (manufacturer, None), (None, model)):
            found |= self.by_model.get(key, frozenset())
        return self.in_setup_order(found)

    def plan(self, models: Iterable[tuple[str, str]]) -> tuple[str, ...]:
        """Always-load modules plus those for each model, in setup's import order."""
        wanted = set(self.always)
        for manufacturer, model in models:
            wanted.update(self.modules_for(manufacturer, model))
        return self.in_setup_order(wanted)

    def in_setup_order(self, modules: Iterable[str]) -> tuple[str, ...]:
        """Sort modules as setup imports them, so registry precedence matches a full load."""
        last = len(self._order)
        return tuple(sorted(modules, key=lambda m: (self._order.get(m, last), m)))

    def is_current(self) -> bool:
        """True if built for the installed zha-quirks, zigpy and zha."""
        return dict(self.versions) == current_versions()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; `from_json` reads it back."""
        return {
            "versions": dict(self.versions),
            "build_seconds": round(self.build_seconds, 3),
            "modules": list(self.modules),
            "always": sorted(self.always),
            "models": [
                {"manufacturer": manufacturer, "model": model, "modules": sorted(mods)}
                for (manufacturer, model), mods in sorted(
                    self.by_model.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or "")
                )
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuirkIndex:
        """Read what `to_json` wrote; KeyError/TypeError/ValueError if it is malformed."""
        by_model: dict[ModelKey, frozenset[str]] = {}
        for row in data["models"]:
            by_model[(row["manufacturer"], row["model"])] = frozenset(row["modules"])
        return cls(
            versions={str(k): str(v) for k, v in data["versions"].items()},
            modules=tuple(data["modules"]),
            always=frozenset(data["always"]),
            by_model=by_model,
            build_seconds=float(data.get("build_seconds", 0.0)),
        )


# --- building the index -----------------------------------------------------------


def build_index(*, in_process: bool = False) -> QuirkIndex:
    """Import every zhaquirks module and record what each one registers.

    By default this runs in a fresh interpreter: importing everything is exactly the
    cost the index exists to avoid, and it leaves every quirk registered.
    """
    if in_process:
        return QuirkIndex.from_json(_collect())
    proc = subprocess.run(
        [sys.executable, "-m", __name__],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"building the quirk index failed:\n{proc.stderr[-2000:]}")
    return QuirkIndex.from_json(json.loads(proc.stdout))


def load_index(path: pathlib.Path) -> QuirkIndex:
    """The index cached at `path`, rebuilt (and rewritten) if missing, broken or stale."""
    try:
        index = QuirkIndex.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        _LOGGER.info("No quirk index at %s yet, building it", path)
    except (OSError, ValueError, KeyError, TypeError) as err:
        _LOGGER.warning("Quirk index %s is unreadable (%s), rebuilding it", path, err)
    else:
        if index.is_current():
            return index
        _LOGGER.info("Quirk index %s is for %s, rebuilding it", path, dict(index.versions))
    index = build_index()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(index.to_json(), indent=1), encoding="utf-8")
    tmp.replace(path)
    return index


def _importing_module(frame: FrameType | None) -> str | None:
    """The innermost zhaquirks module whose body is running on this stack."""
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            name = frame.f_globals.get("__name__", "")
            if isinstance(name, str) and name.split(".")[0] == _PACKAGE:
                return name
        frame = frame.f_back
    return None


def _collect() -> dict[str, Any]:
    """Do what `zhaquirks.setup()` does, noting which module registered each quirk.

    A v2 quirk's own `source.module` is not enough: builders subclassed in a helper
    module (Tuya's) record the helper, so the module whose body was running when the
    quirk was registered is taken instead.
    """
    began = time.perf_counter()
    import zha.quirks as zha_quirks

    registry = zha_quirks.DEVICE_REGISTRY
    credited: dict[int, str | None] = {}
    register = registry.register

    def recording_register(entry: Any) -> Any:
        credited.setdefault(id(entry), _importing_module(sys._getframe(1)))
        return register(entry)

    registry.register = recording_register
    import zhaquirks
    import zhaquirks.legacy as legacy

    v1_origin: dict[type, str | None] = {}
    add_v1 = legacy.DEVICE_REGISTRY.add_to_registry

    def recording_add_v1(cls: type) -> None:
        v1_origin[cls] = _importing_module(sys._getframe(1))
        add_v1(cls)

    legacy.DEVICE_REGISTRY.add_to_registry = recording_add_v1

    modules = [_PACKAGE]
    for _finder, name, _ispkg in pkgutil.walk_packages(zhaquirks.__path__, _PACKAGE + "."):
        modules.append(name)
        importlib.import_module(name)
    zhaquirks._register_pending_quirks()

    # Xiaomi's quick-init for devices that never finish their interview: without it a
    # newly joining Aqara sensor could not be paired, so it is always loaded.
    always = {_PACKAGE} | {h.__module__ for h in legacy._uninitialized_device_message_handlers}
    by_model: dict[ModelKey, set[str]] = {}
    for entry in registry:
        origin = credited.get(id(entry))
        if origin is None:  # a v1 quirk, registered when setup drained them
            cls = getattr(entry.zigpy_transforms[0], "device_cls", None)
            origin = v1_origin.get(cls) if cls is not None else None
            origin = origin or getattr(cls, "__module__", None) or _PACKAGE
        if not entry.device_match.applies_to:
            always.add(origin)
        for manufacturer, model in entry.device_match.applies_to:
            by_model.setdefault((manufacturer, model), set()).add(origin)
    index = QuirkIndex(
        versions=current_versions(),
        modules=tuple(modules),
        always=frozenset(always),
        by_model={k: frozenset(v) for k, v in by_model.items()},
        build_seconds=time.perf_counter() - began,
    )
    return index.to_json()


# --- loading lazily ---------------------------------------------------------------


class LazyQuirks:
    """A `zhaquirks.setup` replacement that loads what the index names, and later more."""

    def __init__(
        self,
        index: QuirkIndex,
        wanted: Callable[[], set[tuple[str, str]]],
        *,
        hook_resolver: bool = True,
    ) -> None:
        self.index = index
        self._wanted = wanted
        self._hook_resolver = hook_resolver
        self.loaded: set[str] = set()
        # setup runs in zha's executor, joins in the event loop
        self._lock = threading.RLock()

    def __call__(self, custom_quirks_path: str | None = None) -> None:
        """Same contract as `zhaquirks.setup(custom_quirks_path)`."""
        import zhaquirks
        from zha.quirks import DEVICE_REGISTRY
        from zhaquirks.legacy import DEVICE_REGISTRY as LEGACY_REGISTRY

        began = time.perf_counter()
        with self._lock:
            if custom_quirks_path is not None:
                path = pathlib.Path(custom_quirks_path)
                LEGACY_REGISTRY.purge_custom_quirks(path)
                DEVICE_REGISTRY.purge_custom_quirks(path)
            models = self._wanted()
            self._import(self.index.plan(models))
            zhaquirks._register_pending_quirks()
            if custom_quirks_path is not None:
                _load_custom_quirks(pathlib.Path(custom_quirks_path))
                zhaquirks._register_pending_quirks()
            if self._hook_resolver:
                self.install_resolver(DEVICE_REGISTRY)
        _LOGGER.info(
            "Loaded %d of %d quirk modules for %d device models in %.2f s",
            len(self.loaded),
            len(self.index.modules),
            len(models),
            time.perf_counter() - began,
        )

    def load_for(self, manufacturer: str | None, model: str | None) -> tuple[str, ...]:
        """Import the modules this device's quirk could come from; return the new ones."""
        missing = [m for m in self.index.modules_for(manufacturer, model) if m not in self.loaded]
        if not missing:
            return ()
        import zhaquirks

        with self._lock:
            fresh = self._import(missing)
            zhaquirks._register_pending_quirks()
        _LOGGER.info("Loaded quirk modules %s for %s / %s", fresh, manufacturer, model)
        return fresh

    def install_resolver(self, registry: Any) -> None:
        """Make `registry.resolve` load a device's quirk modules before resolving it.

        zha hands `DEVICE_REGISTRY.resolve` to zigpy as its device resolver when the
        controller is created, which is after the quirks setup ran; zigpy calls it for
        every device loaded from the database and every device that finished its
        interview, with manufacturer and model known and before the quirk is chosen.
        """
        resolve = type(registry).resolve.__get__(registry)

        def loading_resolve(zigpy_device: Any) -> Any:
            try:
                self.load_for(zigpy_device.manufacturer, zigpy_device.model)
            except Exception:  # a broken quirk module must not keep the device out
                _LOGGER.exception("Loading quirks for %s failed", zigpy_device)
            return resolve(zigpy_device)

        loading_resolve.__wrapped__ = resolve  # type: ignore[attr-defined]
        registry.resolve = loading_resolve

    def _import(self, modules: Iterable[str]) -> tuple[str, ...]:
        fresh = []
        for name in modules:
            if name in self.loaded:
                continue
            importlib.import_module(name)
            self.loaded.add(name)
            fresh.append(name)
        return tuple(fresh)


_active: LazyQuirks | None = None


def make_setup(
    index: QuirkIndex,
    wanted: Callable[[], set[tuple[str, str]]],
    *,
    hook_resolver: bool = True,
) -> LazyQuirks:
    """A drop-in `zhaquirks.setup` for `QuirksConfiguration.setup_function`.

    `wanted` is called when zha runs the setup and names the paired device models
    (`devices_in_db`). With `hook_resolver`, the setup also wraps zha's
    `DEVICE_REGISTRY.resolve` so joining devices get their modules (`load_for`).
    """
    global _active
    _active = LazyQuirks(index, wanted, hook_resolver=hook_resolver)
    return _active


def load_for(manufacturer: str | None, model: str | None) -> tuple[str, ...]:
    """Import a joining device's quirk modules through the setup `make_setup` made last."""
    if _active is None:
        raise RuntimeError("make_setup() has not been called")
    return _active.load_for(manufacturer, model)


def _load_custom_quirks(path: pathlib.Path) -> None:
    """Import custom quirk modules the way `zhaquirks.setup` does."""
    for finder, name, _ispkg in pkgutil.walk_packages(path=[str(path)]):
        try:
            spec = finder.find_spec(name, None)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except Exception:
            _LOGGER.exception("Unexpected exception importing custom quirk %r", name)


# --- the paired devices -----------------------------------------------------------

_BASIC = 0x0000
_MANUFACTURER_ATTR = 0x0004
_MODEL_ATTR = 0x0005


def _decode(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | memoryview):
        return bytes(value).split(b"\x00", 1)[0].decode("utf-8", "replace")
    return None


def devices_in_db(path: pathlib.Path | str) -> set[tuple[str, str]]:
    """(manufacturer, model) of each device in zigpy's database, read without zigpy.

    zigpy keeps them as Basic cluster attributes 0x0004/0x0005 in its attribute cache
    (`attributes_cache_v<N>`, N = the database's user_version). A missing database
    means nothing is paired yet.
    """
    path = pathlib.Path(path)
    if not path.exists():
        return set()
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (version,) = con.execute("PRAGMA user_version").fetchone()
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
        table = f"attributes_cache_v{version}"
        if table not in tables:
            _LOGGER.warning("%s has no %s; cannot tell which devices are paired", path, table)
            return set()
        columns = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
        cluster = "cluster_id" if "cluster_id" in columns else "cluster"
        attr = "attr_id" if "attr_id" in columns else "attrid"
        where = [f"{cluster} = ?", f"{attr} IN (?, ?)"]
        if "cluster_type" in columns:
            where.append("cluster_type = 0")
        if "status" in columns:
            where.append("(status IS NULL OR status = 0)")
        devices = f"devices_v{version}"
        if devices in tables:
            where.append(f"ieee IN (SELECT ieee FROM {devices})")  # noqa: S608
        query = (
            f"SELECT ieee, endpoint_id, {attr}, value FROM {table} "  # noqa: S608
            f"WHERE {' AND '.join(where)} ORDER BY ieee, endpoint_id"
        )
        found: dict[str, dict[int, str]] = {}
        for ieee, _endpoint, attr_id, value in con.execute(
            query, (_BASIC, _MANUFACTURER_ATTR, _MODEL_ATTR)
        ):
            text = _decode(value)
            if text:  # the lowest endpoint that has it wins, as zigpy reads it
                found.setdefault(str(ieee), {}).setdefault(attr_id, text)
    except sqlite3.DatabaseError as err:
        _LOGGER.warning("Cannot read paired devices from %s: %s", path, err)
        return set()
    finally:
        con.close()
    return {
        (attrs[_MANUFACTURER_ATTR], attrs[_MODEL_ATTR])
        for attrs in found.values()
        if _MANUFACTURER_ATTR in attrs and _MODEL_ATTR in attrs
    }


if __name__ == "__main__":
    json.dump(_collect(), sys.stdout)
