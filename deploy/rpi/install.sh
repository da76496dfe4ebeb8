#!/bin/sh
# Install or upgrade Obhut on Raspberry Pi OS / Debian 13 (arm64, amd64), as root:
#
#   sudo sh deploy/rpi/install.sh            # install, or upgrade in place
#   sudo sh deploy/rpi/install.sh --uninstall [--purge]
#
# The hub goes into a venv under /opt/obhut, its configuration into /etc/obhut (kept on
# upgrade), its data into /var/lib/obhut (kept unless --purge), and runs as the system
# user "obhut" under systemd. Running it again upgrades in place.
set -eu

PREFIX=${OBHUT_PREFIX:-/opt/obhut}
CONFIG_DIR=${OBHUT_CONFIG_DIR:-/etc/obhut}
DATA_DIR=${OBHUT_DATA_DIR:-/var/lib/obhut}
SYSTEMD_DIR=${OBHUT_SYSTEMD_DIR:-/etc/systemd/system}
UDEV_DIR=${OBHUT_UDEV_DIR:-/etc/udev/rules.d}
# OBHUT_NO_SYSTEMD=1 installs without starting the service (a chroot, a container).
NO_SYSTEMD=${OBHUT_NO_SYSTEMD:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=$(cd "$HERE/../.." && pwd)

say() { printf 'obhut-install: %s\n' "$*"; }
die() { printf 'obhut-install: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo sh $0)"

uninstall() {
    purge=$1
    if [ "$NO_SYSTEMD" != 1 ] && command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now obhut.service 2>/dev/null || true
    fi
    rm -f "$SYSTEMD_DIR/obhut.service" "$UDEV_DIR/99-obhut-zigbee.rules"
    rm -rf "$PREFIX"
    if [ "$purge" = 1 ]; then
        rm -rf "$DATA_DIR" "$CONFIG_DIR"
        userdel obhut 2>/dev/null || true
        say "removed Obhut, its configuration and its data"
    else
        say "removed Obhut; kept $CONFIG_DIR and $DATA_DIR (use --purge to remove them too)"
    fi
}

case "${1:-}" in
    --uninstall)
        uninstall "$([ "${2:-}" = --purge ] && echo 1 || echo 0)"
        exit 0
        ;;
    "") ;;
    *) die "unknown option $1 (expected nothing, or --uninstall [--purge])" ;;
esac

python=
for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        python=$(command -v "$candidate")
        break
    fi
done
if [ -z "$python" ] || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing Python and its venv module"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3 python3-venv
    python=$(command -v python3)
fi

if ! id obhut >/dev/null 2>&1; then
    say "creating the system user obhut"
    useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin obhut
fi
usermod -a -G dialout obhut 2>/dev/null || true

say "installing into $PREFIX"
mkdir -p "$PREFIX"
if [ ! -x "$PREFIX/venv/bin/python" ]; then
    "$python" -m venv "$PREFIX/venv"
fi
"$PREFIX/venv/bin/python" -m pip install --quiet --upgrade pip
"$PREFIX/venv/bin/python" -m pip install --quiet --upgrade "$SOURCE"

install -d -m 0750 -o root -g obhut "$CONFIG_DIR"
install -d -m 0700 -o obhut -g obhut "$DATA_DIR"
if [ ! -e "$CONFIG_DIR/obhut.yaml" ]; then
    say "writing an example configuration to $CONFIG_DIR/obhut.yaml"
    install -m 0640 -o root -g obhut "$HERE/obhut.example.yaml" "$CONFIG_DIR/obhut.yaml"
fi
if [ ! -e "$CONFIG_DIR/secrets.yaml" ]; then
    install -m 0640 -o root -g obhut /dev/null "$CONFIG_DIR/secrets.yaml"
fi

install -d "$SYSTEMD_DIR" "$UDEV_DIR"
install -m 0644 "$HERE/obhut.service" "$SYSTEMD_DIR/obhut.service"
install -m 0644 "$HERE/99-obhut-zigbee.rules" "$UDEV_DIR/99-obhut-zigbee.rules"

"$PREFIX/venv/bin/obhut" check "$CONFIG_DIR/obhut.yaml" ||
    say "the configuration has problems (above); fix them, then: systemctl restart obhut"

if [ "$NO_SYSTEMD" != 1 ] && command -v systemctl >/dev/null 2>&1; then
    udevadm control --reload-rules 2>/dev/null || true
    udevadm trigger --subsystem-match=tty 2>/dev/null || true
    systemctl daemon-reload
    systemctl enable obhut.service
    systemctl restart obhut.service
    say "running; the setup code for the first installer account is in: journalctl -u obhut"
else
    say "installed; start it with: sudo -u obhut $PREFIX/venv/bin/obhut run -c $CONFIG_DIR/obhut.yaml"
fi
