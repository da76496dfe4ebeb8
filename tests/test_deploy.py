"""The Raspberry Pi deployment files: a unit systemd accepts, udev rules for the sticks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "rpi" / "obhut.service"
RULES = ROOT / "deploy" / "rpi" / "99-obhut-zigbee.rules"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # The unit names the installed hub at /opt/obhut; here a stand-in executable takes its
    # place, so that everything else in the unit is checked as it is.
    hub = tmp_path / "obhut"
    hub.write_text("#!/bin/sh\n")
    hub.chmod(0o755)
    unit = tmp_path / "obhut.service"
    unit.write_text(UNIT.read_text().replace("/opt/obhut/venv/bin/obhut", str(hub)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_the_unit_is_ready_only_when_the_hub_says_so_and_is_hardened() -> None:
    unit = UNIT.read_text()
    for line in (
        "Type=notify",
        "WatchdogSec=60",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "ReadWritePaths=/var/lib/obhut",
        "DevicePolicy=closed",
        "CapabilityBoundingSet=",
    ):
        assert f"\n{line}\n" in unit, line


def test_every_coordinator_gets_a_stable_name_for_the_dialout_group() -> None:
    rules = [r for r in RULES.read_text().splitlines() if r and not r.startswith("#")]
    names = {r.split('SYMLINK+="')[1].split('"')[0] for r in rules}
    assert names == {
        "zigbee-sonoff-p",
        "zigbee-sonoff-e",
        "zigbee-conbee2",
        "zigbee-conbee3",
        "zigbee-skyconnect",
        "zigbee-zbt1",
    }
    assert all('GROUP="dialout", MODE="0660"' in r for r in rules)


SCRIPTS = [
    ROOT / "deploy" / "rpi" / "install.sh",
    ROOT / "deploy" / "rpi" / "kiosk.sh",
    ROOT / "scripts" / "find-python",
    ROOT / "scripts" / "ensure-venv",
    ROOT / "scripts" / "ensure-browser",
    ROOT / "scripts" / "ensure-tools",
]


def test_shellcheck_is_clean_on_every_script() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is missing: make test installs it (scripts/ensure-tools)"
    result = subprocess.run(
        [shellcheck, *map(str, SCRIPTS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_the_example_configuration_checks_out() -> None:
    from hub.config import load_config

    config = load_config(ROOT / "deploy" / "rpi" / "obhut.example.yaml")
    assert config.zigbee is not None and config.web.host == "0.0.0.0"  # noqa: S104


def test_install_refuses_without_root_and_knows_its_options(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        result = subprocess.run(
            ["sh", str(SCRIPTS[0]), "--bogus"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 1
        assert "unknown option --bogus" in result.stderr
    else:
        result = subprocess.run(
            ["sh", str(SCRIPTS[0])], capture_output=True, text=True, check=False
        )
        assert "run as root" in result.stderr
