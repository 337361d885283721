# Thegither: `make run` serves the demo, `make test` runs the whole suite.
# Both create .venv and install from the lock files in requirements/ on first use.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

# Find a Python 3.12 or newer: python3.13, then python3.12, then python3.
PYTHON_OK = $(shell for py in python3.13 python3.12 python3; do \
	if $$py -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
		echo $$py; break; fi; done)

.PHONY: run test lint lock clean help

help:
	@echo "make run   - install, set up the database, load the demo and serve on http://127.0.0.1:8000"
	@echo "make test  - install the test tools and run the whole suite"
	@echo "make lint  - ruff, formatting and import rules"
	@echo "make lock  - refresh the lock files in requirements/ after changing pyproject.toml"

$(BIN)/python:
	@if [ -z "$(PYTHON_OK)" ]; then \
		echo "Thegither needs Python 3.12 or newer, and none was found (tried python3.13, python3.12, python3)." >&2; \
		echo "Install Python 3.12+ from your system's packages or python.org, then run make again." >&2; \
		exit 1; fi
	$(PYTHON_OK) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: $(BIN)/python requirements/run.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/run.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python requirements/test.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/thegither up

CHROMIUM ?= /usr/bin/chromium
NO_BROWSER_NOTE = No Chromium at $(CHROMIUM), so the browser tests are SKIPPED. \
To run them too, install Debian's package: sudo apt-get install chromium

test: $(VENV)/.installed-test
	@if [ ! -x "$(CHROMIUM)" ] && [ "$$CI" != "true" ]; then echo "Note: $(NO_BROWSER_NOTE)"; fi
	@THEGITHER_CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ ! -x "$(CHROMIUM)" ] && [ "$$CI" != "true" ]; then echo "Note: $(NO_BROWSER_NOTE)"; fi; \
	exit $$status

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

lock: $(VENV)/.installed-test
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.12 pyproject.toml -o requirements/run.txt
	$(BIN)/uv pip compile --quiet --universal --python-version 3.12 --extra test pyproject.toml -o requirements/test.txt

clean:
	rm -rf $(VENV) var/static
