"""Only the radio library in use is imported; the others load the moment they are needed."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from integrations.zigbee.lazy_imports import defer_unused_radios, _StandIn
deferred = defer_unused_radios("znp")
from zha.application.const import RadioType
real = [p for p in ("bellows", "zigpy_znp", "zigpy_deconz")
        if not isinstance(sys.modules[p], _StandIn)]
print("deferred", sorted(deferred))
print("real before", real)
app = RadioType.ezsp.controller
print("schema", callable(app.SCHEMA))
print("bellows real after", not isinstance(sys.modules["bellows"], _StandIn))
from bellows.zigbee.application import ControllerApplication
print("same class", ControllerApplication is app._load())
"""


def test_unused_radio_libraries_wait_until_used() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out == [
        "deferred ['bellows', 'zigpy_deconz', 'zigpy_xbee', 'zigpy_zigate', 'zigpy_ziggurat']",
        "real before ['zigpy_znp']",
        "schema True",
        "bellows real after True",
        "same class True",
    ]


LAZY = """
import sys
from integrations.zigbee.lazy_imports import defer_imports
print(defer_imports())
import zigpy.ota.providers
print("executed at import", "jsonschema.validators" in sys.modules)
import jsonschema
jsonschema.validate({"a": 1}, {"type": "object"})
print("executed when used", "jsonschema.validators" in sys.modules)
import jsonschema.exceptions
print("submodule", jsonschema.exceptions.ValidationError.__name__)
"""


def test_jsonschema_runs_only_when_used() -> None:
    out = subprocess.run(
        [sys.executable, "-c", LAZY], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out == [
        "['jsonschema']",
        "executed at import False",
        "executed when used True",
        "submodule ValidationError",
    ]
