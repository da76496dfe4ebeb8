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
print(defer_imports()[-1])
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
        "jsonschema",
        "executed at import False",
        "executed when used True",
        "submodule ValidationError",
    ]


CRYPTO = """
import sys
from integrations.zigbee.lazy_imports import defer_imports
defer_imports()
import zigpy.util
print("rust loaded at import", "cryptography.hazmat.bindings._rust" in sys.modules)
code = bytes.fromhex("83FED3407A939723A5C639B26916D505C3B5")
print(zigpy.util.convert_install_code(code).serialize().hex())
print("rust loaded when used", "cryptography.hazmat.bindings._rust" in sys.modules)
from cryptography.hazmat.primitives.ciphers.aead import AESCCM
print(AESCCM.__name__)
from cryptography.hazmat.primitives.ciphers import Cipher
print(Cipher.__module__)
"""


def test_zigpy_gets_its_aes_when_it_hashes_an_install_code() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CRYPTO], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out[0] == "rust loaded at import False"
    assert out[2:] == [
        "rust loaded when used True",
        "AESCCM",
        "cryptography.hazmat.primitives.ciphers.base",
    ]
    # the link key the Zigbee spec's example install code must hash to, computed unlazily
    real = subprocess.run(
        [sys.executable, "-c", CRYPTO.replace("defer_imports()", "pass")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert out[1] == real[1] and len(out[1]) == 32
