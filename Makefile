# Two commands for a newcomer: `make demo` and `make test`. Each builds its own virtualenv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-slow lint bench browser web clean ha-envs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs only homeweave and its runtime dependencies; pip lists each as it goes.
$(RUNTIME): pyproject.toml | $(BIN)/python
	@echo "make demo: installing homeweave and its runtime dependencies into $(VENV) ..."
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $(RUNTIME)

# The tests add their tool chain (Playwright, mypy, python-miio, schemathesis, ...).
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "make test: installing homeweave with its test tool chain into $(VENV) ..."
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUNTIME)

demo: $(RUNTIME)
	$(BIN)/homeweave demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench contrib
	$(BIN)/ruff format --check src tests bench contrib
	$(BIN)/mypy

# The dashboard's browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@[ -x $(CHROMIUM) ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; } || \
		echo "warning: could not install chromium; the browser tests will be skipped"

# Tests marked `slow` (fault runs, every operation with generated bodies, a real invite's
# expiry: ~2 min) are left to `make test-slow`, which CI runs after `make test`.
test: lint browser
	$(BIN)/pytest -q -m "not slow"

test-slow: $(STAMP) browser
	$(BIN)/pytest -q -m slow

bench: $(STAMP)
	$(BIN)/python -m bench

# Real Home Assistant installs (one virtualenv per supported version, in .ha/) for the optional
# `pytest -m ha` check of every MQTT discovery message against HA's own schemas.
# Each needs its own Python: python3.X from PATH, else a pyenv install of 3.X.
HA_VERSIONS := 2024.3.3:3.12 2025.4.4:3.13
ha-envs:
	@for pair in $(HA_VERSIONS); do \
		version=$${pair%%:*}; minor=$${pair##*:}; \
		[ -f .ha/$$version/.installed ] && continue; \
		python=; python$$minor -c pass 2>/dev/null && python=python$$minor; \
		[ -n "$$python" ] || python=$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$minor.*/bin/python 2>/dev/null | tail -1); \
		[ -n "$$python" ] || { echo "make ha-envs: no Python $$minor for Home Assistant $$version"; exit 1; }; \
		echo "make ha-envs: Home Assistant $$version with $$python into .ha/$$version ..."; \
		$$python -m venv .ha/$$version && \
		.ha/$$version/bin/python -m pip install --quiet homeassistant==$$version && \
		touch .ha/$$version/.installed || exit 1; \
	done

# Rebuild the dashboard's committed assets (src/homeweave/web/static) from web/ with npm.
web:
	cd web && npm install && npm run build

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
