# PhotoSift developer entry points. Every target builds its own virtual environment,
# so a fresh Linux or macOS machine needs only python3 (>= 3.10) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HEADLESS := .venv-headless
# One .venv, one stamp per extra: `make run` installs PhotoSift and what it needs to run,
# the window included ([gui]), nothing more; the test targets add the test tools ([test])
# Dask ([dask], so the cluster tests run) and numba ([fast], the compiled LSH kernel, whose
# tests must run: PHOTOSIFT_REQUIRE_KERNEL) to the same .venv. The headless venv below has
# none of them: the cluster and kernel tests skip there, the search runs its numpy path.
APP_STAMP := $(VENV)/.installed-app
STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast lint typecheck test-engine-headless bench bundle clean-venv translations

$(APP_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[gui]'
	touch $@

$(STAMP): $(APP_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[gui,test,dask,fast]'
	touch $@

## Install PhotoSift into .venv and open the window (the app's dependencies only).
## Where Qt's X11 libraries are missing, it says which packages to install first.
run: $(APP_STAMP)
	$(BIN)/photosift

## Install everything and run the whole test suite (lint, types, architecture, engine, window,
## and the standalone Linux build with its smoke test: about 2 minutes more).
test: $(STAMP) lint typecheck test-engine-headless
	PHOTOSIFT_REQUIRE_KERNEL=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## The edit-test loop: lint, types and every test not marked slow (no kill-at-random-point
## runs, no tests at scale, no wheel or standalone build). `make test` before pushing.
test-fast: $(STAMP) lint typecheck
	PHOTOSIFT_REQUIRE_KERNEL=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow" --ignore=tests/smoke

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy cleaner
	$(BIN)/mypy ui

# The engine must work where Qt is not installed at all: run its tests in a second
# environment installed the way a server is (`pip install photosift`, no [gui] extra).
$(HEADLESS)/.installed: pyproject.toml
	$(PYTHON) -m venv $(HEADLESS)
	$(HEADLESS)/bin/python -m pip install --quiet --upgrade pip
	$(HEADLESS)/bin/python -m pip install --quiet -e . pytest hypothesis
	touch $@

test-engine-headless: $(HEADLESS)/.installed
	$(HEADLESS)/bin/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('PySide6') is not None)"
	# pytest-qt is absent here, so its ini keys are unknown: drop --strict-config for this run.
	$(HEADLESS)/bin/python -m pytest -q -o addopts="-ra --strict-markers" -W "ignore::pytest.PytestConfigWarning" tests/engine

## Build the standalone app for this OS into packaging/dist (Linux: onedir, tarball, .deb).
## `make test` also builds it (in a temporary folder) and smoke-tests it: tests/smoke.
bundle: $(APP_STAMP)
	PYTHON=$(abspath $(BIN))/python packaging/build.sh

## Extract every translatable string (cleaner/locale/photosift.pot), merge it into each
## language's .po and compile the .mo files the app reads (docs/translation.md).
translations: $(APP_STAMP)
	$(BIN)/python tools/translations.py

## Run the benchmarks (slow; writes results under benchmarks/out/).
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean-venv:
	rm -rf $(VENV) $(HEADLESS)
