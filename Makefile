# Two commands for a newcomer (see README.md): `make run` and `make test`.
# `make run` needs no root: a virtual environment with the runtime dependencies, then the demo.
# `make test` (and `make setup`) also install, as root, the Debian packages the test lab runs.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint fuzz bundle lab-up lab-down lab-status

setup: $(VENV)/.ready

$(VENV)/.ready: pyproject.toml installer/debian-dev-setup.sh
	bash installer/debian-dev-setup.sh $(VENV)
	touch $@ $(VENV)/.runtime

$(VENV)/.runtime: pyproject.toml installer/run-setup.sh
	bash installer/run-setup.sh $(VENV)
	touch $@

# The app on its offline demo domain: the window where one can open, else the terminal (the
# launcher exits 2 and says why when there is no display or Qt cannot start here).
run: $(VENV)/.runtime
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] && $(VENV)/bin/mailhop demo; then :; \
	else $(VENV)/bin/mailhop demo --cli --output demo-exports; fi

# The whole suite, lint and type checks included, inside the lab's loopback-only namespace.
test: setup
	$(PY) -m tests.lab exec -- $(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

# Fuzz every parser of untrusted bytes: `make fuzz FUZZ_ARGS="--seconds 600 --jobs 2"`, or
# name targets: `make fuzz FUZZ_ARGS="lint autoconfig --runs 1000000"`. Work files go to build/fuzz.
FUZZ_ARGS ?= --seconds 60
fuzz: setup
	$(PY) -m tests.fuzz $(FUZZ_ARGS)

# The Linux desktop bundles into dist/: a one-file program and a .deb (installer/README.md;
# Windows and macOS build the same way on their own runners).
bundle: setup
	$(PY) -m installer.bundle linux --out dist

lab-up: setup
	$(PY) -m tests.lab up

lab-down: setup
	$(PY) -m tests.lab down

lab-status: setup
	$(PY) -m tests.lab status
