#!/usr/bin/env bash
# Sets up what `make run` needs and nothing more: a virtual environment with mailhop and its
# runtime dependencies from PyPI (the window's PySide6 included). No root, no apt, no servers:
# the demo runs its own small mail domain inside the process. The test lab's Debian packages
# come with `make test` (installer/debian-dev-setup.sh), not here.
set -euo pipefail
venv=${1:-.venv}
cd "$(dirname "$0")/.."

if [ ! -x "$venv/bin/python" ]; then
  echo "run-setup: creating $venv"
  if ! python3 -m venv "$venv"; then
    echo "run-setup: python3 could not create a virtual environment; on Debian or Ubuntu the" >&2
    echo "  package python3-venv provides it (ask whoever administers this computer)." >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e .
# The translation catalogs: core/locale/*/LC_MESSAGES/mailhop.po -> .mo (polib, a dependency).
"$venv/bin/python" -m mailhop.core.common.i18n >/dev/null
# The window's translations: resources/i18n/mailhop_*.ts -> .qm (PySide6's lrelease).
"$venv/bin/python" -m mailhop.gui.i18n >/dev/null
echo "run-setup: ready ($venv)"
