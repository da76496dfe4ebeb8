#!/bin/sh
# The resident's screen on a Pi touchscreen: Chromium in kiosk mode under cage (a minimal
# Wayland compositor), started at boot on tty1, screen blanking off. Run as root after
# install.sh, with a pairing code from the installer pages:
#
#   sudo sh deploy/rpi/kiosk.sh ABCD-EFGH
#
# The kiosk opens http://127.0.0.1:8080/pair?code=… once; the tablet token it receives keeps
# it paired from then on (Chromium's profile lives in /var/lib/obhut-kiosk).
set -eu

CODE=${1:-}
URL=${OBHUT_URL:-http://127.0.0.1:8080}
KIOSK_USER=obhut-kiosk
PROFILE=/var/lib/obhut-kiosk

say() { printf 'obhut-kiosk: %s\n' "$*"; }
die() { printf 'obhut-kiosk: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo sh $0 PAIRING-CODE)"
[ -n "$CODE" ] || die "give the pairing code from the installer pages: sudo sh $0 ABCD-EFGH"

say "installing cage and chromium"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y cage chromium

if ! id "$KIOSK_USER" >/dev/null 2>&1; then
    useradd --system --create-home --home-dir "$PROFILE" --shell /usr/sbin/nologin \
        --groups video,input,render "$KIOSK_USER"
fi

# Video calls on the tablet use the camera and microphone: nobody is there to click a
# browser's "Allow", so Chromium's managed policy lends them to the tablet's page (and, by
# the page's Permissions-Policy, to the configured call pages it frames) without asking.
mkdir -p /etc/chromium/policies/managed
cat >/etc/chromium/policies/managed/obhut-kiosk.json <<POLICY
{
  "VideoCaptureAllowedUrls": ["$URL"],
  "AudioCaptureAllowedUrls": ["$URL"]
}
POLICY

# The first start pairs with the code; later starts open the tablet (the profile keeps the
# device token).
cat >/usr/local/bin/obhut-kiosk-start <<START
#!/bin/sh
page="$URL/tablet"
if [ ! -e "$PROFILE/paired" ]; then
    page="$URL/pair?code=$CODE"
    touch "$PROFILE/paired"
fi
exec /usr/bin/cage -d -- /usr/bin/chromium --kiosk --noerrdialogs --disable-infobars \\
    --disable-session-crashed-bubble --disable-background-networking --disable-sync \\
    --disable-component-update --no-first-run --user-data-dir="$PROFILE/chromium" \\
    --ozone-platform=wayland "\$page"
START
chmod 0755 /usr/local/bin/obhut-kiosk-start

cat >/etc/systemd/system/obhut-kiosk.service <<UNIT
[Unit]
Description=Obhut kiosk (the resident's screen)
After=obhut.service systemd-user-sessions.service
Wants=obhut.service

[Service]
User=$KIOSK_USER
PAMName=login
TTYPath=/dev/tty1
StandardInput=tty
Environment=XDG_RUNTIME_DIR=/run/obhut-kiosk
RuntimeDirectory=obhut-kiosk
ExecStartPre=/bin/sh -c 'setterm --blank 0 --powerdown 0 </dev/tty1 >/dev/tty1 || true'
ExecStart=/usr/local/bin/obhut-kiosk-start
Restart=always
RestartSec=3

[Install]
WantedBy=graphical.target
UNIT

systemctl daemon-reload
systemctl disable --now getty@tty1.service 2>/dev/null || true
systemctl enable --now obhut-kiosk.service
say "the screen shows the tablet; after pairing it opens $URL/tablet by itself"
