#!/usr/bin/env bash
# Sets up a development checkout on Debian (run as root, as CI does): the Debian packages the
# lab needs, then a virtual environment with mailhop installed editable. Safe to run again:
# it installs only what is missing.
set -euo pipefail
venv=${1:-.venv}
cd "$(dirname "$0")/.."

# Servers the test lab runs (DNS, mail), the firewall for black-holed hosts, and the tools
# the tests call. Debian must not start the system's own instances of these daemons.
# The keyring tests run gnome-keyring's Secret Service on a private D-Bus session bus and read
# it back with libsecret's secret-tool (tests/keyring_session.py). isync, msmtp, neomutt and aerc
# are real mail clients that read mailhop's exported settings in tests/core/export/
# test_real_clients*.py; tmux drives neomutt and aerc there like a person at a terminal.
# Thunderbird (ESR) runs there headless on a profile made from the exported user.js, whose
# NSS database gets the lab CA and a client certificate through libnss3-tools' certutil and
# pk12util.
packages=(
  iproute2 nftables openssl
  knot knot-dnsutils unbound
  # Real signers for tests/lab/signers.py's zones (BIND's dnssec-signzone, ldns-signzone),
  # and libfaketime for its Unbounds whose clock is wrong on purpose
  bind9-utils ldnsutils faketime
  dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix
  gnome-keyring dbus-daemon libsecret-tools
  # The window (PySide6's Qt needs these libraries even offscreen, as the GUI tests run it);
  # Xvfb and ImageMagick for tests/gui/screenshots.py in a real X window.
  libegl1 libgl1 libx11-xcb1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
  xvfb xauth imagemagick
  isync msmtp neomutt aerc tmux thunderbird libnss3-tools
  # GLib's own key-file reader (Evolution's) reads the Evolution export in a test
  python3-gi
  # libplist's plistutil reads the Apple export in tests/core/export/test_client_parsers_hostile.py
  libplist-utils
  # `make bundle` and tests/installer: PyInstaller refuses to run on Linux without binutils
  # (objdump, objcopy); x11-utils' xwininfo and xprop find the bundle's window and its icon;
  # the .desktop file and the AppStream metadata are checked with their validators.
  binutils x11-utils desktop-file-utils appstream
  # The helpdesk report (tests/core/report/): WeasyPrint lays the PDF out with Pango;
  # Chromium renders the HTML as a person's browser does, poppler-utils reads the PDF back.
  libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils
)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
    fi
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not root or no apt-get; the lab needs: ${packages[*]}" >&2
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv"
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]'
# The translation catalogs: core/locale/*/LC_MESSAGES/mailhop.po -> .mo (polib, a dependency).
"$venv/bin/python" -m mailhop.core.common.i18n >/dev/null
# The window's translations: resources/i18n/mailhop_*.ts -> .qm (PySide6's lrelease).
"$venv/bin/python" -m mailhop.gui.i18n >/dev/null
echo "setup: ready ($venv)"
