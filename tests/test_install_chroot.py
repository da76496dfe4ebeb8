"""install.sh in a fresh Debian 13 root (mmdebstrap), in a chroot: it installs, and the hub it
installed serves its login page over HTTP (without systemd, which a chroot does not run)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUITE = "trixie"
PACKAGES = "python3,python3-venv,passwd,curl,ca-certificates"
LOGIN = "http://127.0.0.1:18480/login"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("mmdebstrap") is None,
    reason="needs root and mmdebstrap (make test installs it as root)",
)


@contextlib.contextmanager
def mounted(root: Path) -> Iterator[None]:
    done = []
    try:
        for what in ("proc", "dev"):
            subprocess.run(["mount", "--bind", f"/{what}", str(root / what)], check=True)
            done.append(root / what)
        yield
    finally:
        for path in reversed(done):
            subprocess.run(["umount", "--lazy", str(path)], check=False)


def test_install_sh_in_a_fresh_debian_13_root_then_the_login_page(tmp_path: Path) -> None:
    rootfs = tmp_path / "trixie"
    subprocess.run(
        ["mmdebstrap", "--quiet", "--variant=apt", f"--include={PACKAGES}", SUITE, str(rootfs)],
        check=True,
        timeout=600,
    )
    # the checkout as git has it, as an installer would copy it onto the Pi
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in files:
        target = rootfs / "src" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    shutil.copy("/etc/resolv.conf", rootfs / "etc" / "resolv.conf")
    # this machine reaches the package index through a proxy with its own certificate
    shutil.copy("/etc/ssl/certs/ca-certificates.crt", rootfs / "root" / "host-ca.crt")
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "OBHUT_NO_SYSTEMD": "1",
        "PIP_CERT": "/root/host-ca.crt",
        "SSL_CERT_FILE": "/root/host-ca.crt",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    with mounted(rootfs):
        install = subprocess.run(
            ["chroot", str(rootfs), "sh", "/src/deploy/rpi/install.sh"],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
        assert "installed; start it with" in install.stdout
        assert (rootfs / "etc/obhut/obhut.yaml").is_file()
        assert (rootfs / "etc/systemd/system/obhut.service").is_file()
        # the example's radio is not plugged in here: the web pages must still come up
        config = (rootfs / "etc/obhut/obhut.yaml").read_text()
        (rootfs / "etc/obhut/obhut.yaml").write_text(config.replace("port: 8080", "port: 18480"))
        hub = subprocess.Popen(
            [
                "chroot",
                "--userspec=obhut:obhut",
                str(rootfs),
                "/opt/obhut/venv/bin/obhut",
                "run",
                "-c",
                "/etc/obhut/obhut.yaml",
            ],
            env={**env, "HOME": "/var/lib/obhut"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            page = ""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "Obhut" not in page:
                with (
                    contextlib.suppress(OSError),
                    urllib.request.urlopen(LOGIN, timeout=5) as r,
                ):
                    page = r.read().decode()
                time.sleep(0.5)  # a real process starting in a chroot
            assert "<title>Obhut" in page and "setup" in page.lower()
        finally:
            hub.kill()
            hub.wait(timeout=10)
        # running it again upgrades in place and keeps the configuration
        again = subprocess.run(
            ["chroot", str(rootfs), "sh", "/src/deploy/rpi/install.sh"],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert again.returncode == 0, again.stderr[-2000:]
        assert "port: 18480" in (rootfs / "etc/obhut/obhut.yaml").read_text()
