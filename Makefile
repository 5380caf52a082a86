# Two commands for a newcomer (see README.md): `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint fuzz lab-up lab-down lab-status

setup: $(VENV)/.ready

$(VENV)/.ready: pyproject.toml installer/debian-dev-setup.sh
	bash installer/debian-dev-setup.sh $(VENV)
	touch $@

# The app on its offline demo domain: the window where there is a display, else the terminal.
run: setup
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(VENV)/bin/mailhop demo; \
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

lab-up: setup
	$(PY) -m tests.lab up

lab-down: setup
	$(PY) -m tests.lab down

lab-status: setup
	$(PY) -m tests.lab status
