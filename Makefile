# kzfigures: `make help` lists the targets. Every target sets up .venv itself when it is missing or when
# requirements.txt / pyproject.toml changed.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help venv test clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(STAMP) ## Create .venv and install everything (only when missing or requirements changed)

test: $(STAMP) ## Run the whole test suite (unit, data, notebooks)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean: ## Remove caches and build output (keeps .venv)
	rm -rf .pytest_cache .hypothesis build src/*.egg-info
