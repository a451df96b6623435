# kzfigures: `make help` lists the targets. Every target sets up .venv itself when it is missing or when
# requirements.txt / pyproject.toml changed.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=
PYTEST_ARGS ?=

.PHONY: help venv report test check lint student bench notebooks docs-images browser lab clean wheelhouse nbgrader

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo '  Pass report options with ARGS, e.g. make report ARGS="-p population 18000000 --only 01"'

UV_VERSION := 0.13.9
WHEELHOUSE ?=
# Where Python writes bytecode itself (the usual case), uv installs without compiling (13 s less here) and each
# module is compiled the first time it is imported. Where PYTHONDONTWRITEBYTECODE is set, nothing would ever be
# compiled and every process would compile every module it imports (a cold report 17.6 s against 10.7 s here),
# so uv compiles everything at install, as pip does.
UV_COMPILE ?= $(if $(PYTHONDONTWRITEBYTECODE),--compile-bytecode)
# With WHEELHOUSE=folder every install reads that folder only, with the package index off (see make wheelhouse).
OFFLINE := $(if $(WHEELHOUSE),--no-index --find-links "$(abspath $(WHEELHOUSE))")

# The first install: uv (a fast installer, itself installed into .venv with pip) when it can be had, else pip;
# either way it says what it is doing, and .venv stays a normal venv (pip, jupyter, the editable install).
# The venv is made without pip, and pip runs straight from the wheel Python keeps for ensurepip to put uv in it
# (3.0 s here, against 5.0 s for venv's own pip install and then uv); uv then installs pip with the rest.
# Without that wheel, or without uv, ensurepip puts pip in as `python -m venv` would.
# requirements-excludes.txt names what is left out on purpose, and why.
PIP_VERSION := 26.3
FIND_PIP_WHEEL := import ensurepip, glob, os; \
  found = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl")) \
  + glob.glob("/usr/share/python-wheels/pip-*.whl"); print(sorted(found)[-1] if found else "")
$(STAMP): requirements.txt requirements-excludes.txt pyproject.toml
	@if [ -n "$(WHEELHOUSE)" ] && ! ls "$(WHEELHOUSE)"/*.whl >/dev/null 2>&1; then \
	  echo "WHEELHOUSE=$(WHEELHOUSE): no wheels there (make wheelhouse writes them to dist/wheelhouse)" >&2; exit 2; fi
	@echo "kzfigures: setting up $(VENV), the first time only (about 10 s with uv, a minute with pip)"
	@test -x $(BIN)/python || { echo "  [1/3] creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv --without-pip $(VENV); }
	@wheel=$$($(BIN)/python -c '$(FIND_PIP_WHEEL)' 2>/dev/null); \
	if [ -x $(BIN)/pip ] || [ -z "$$wheel" ]; then pip="$(BIN)/python -m pip"; else pip="$(BIN)/python $$wheel/pip"; fi; \
	count=$$(grep -c '==' requirements.txt); \
	echo "  [2/3] putting the installer uv $(UV_VERSION) into $(VENV)"; \
	if $$pip install --quiet --disable-pip-version-check $(OFFLINE) "uv==$(UV_VERSION)" 2>/dev/null; then \
	  echo "  [3/3] installing requirements.txt into $(VENV) with uv$(if $(WHEELHOUSE), from $(WHEELHOUSE) only): $$count pinned packages…"; \
	  $(BIN)/python -m uv pip install --quiet $(UV_COMPILE) --python $(BIN)/python $(OFFLINE) -r requirements.txt \
	    "pip==$(PIP_VERSION)" --excludes requirements-excludes.txt; \
	else \
	  echo "  [3/3] uv could not be installed: installing requirements.txt with pip, $$count pinned packages (about a minute)…"; \
	  { test -x $(BIN)/pip || $(BIN)/python -m ensurepip --default-pip >/dev/null; } && \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check $(OFFLINE) -r requirements.txt && \
	  $(BIN)/python -m pip uninstall --yes --quiet $$(grep -v '^#' requirements-excludes.txt); \
	fi
	@touch $@
	@echo "kzfigures: $(VENV) is ready ($$($(BIN)/python -c 'import importlib.metadata as m; print(len(list(m.distributions())))') packages)"

NBGRADER_VENV := build/nbgrader-venv

# nbgrader in its own venv, for one test; if it cannot be installed, that test says so and is skipped.
$(NBGRADER_VENV)/.installed: requirements.txt requirements-nbgrader.txt requirements-excludes.txt $(STAMP)
	@echo "installing nbgrader into $(NBGRADER_VENV) (for the nbgrader test)"
	@{ test -x $(NBGRADER_VENV)/bin/python || $(BIN)/python -m venv $(NBGRADER_VENV); } && \
	if $(BIN)/python -m uv --version >/dev/null 2>&1; then \
	  $(BIN)/python -m uv pip install --quiet $(UV_COMPILE) --python $(NBGRADER_VENV)/bin/python $(OFFLINE) \
	    -r requirements-nbgrader.txt --excludes requirements-excludes.txt; \
	else \
	  $(NBGRADER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(OFFLINE) -r requirements-nbgrader.txt; \
	fi && touch $@ || echo "nbgrader could not be installed: its test will be skipped"

nbgrader: $(NBGRADER_VENV)/.installed ## Install nbgrader into build/nbgrader-venv (make test does; for its nbgrader test)

venv: $(STAMP) ## Create .venv and install everything (only when missing or requirements changed)

report: $(STAMP) ## Execute every notebook and write the HTML report to reports/ (options: ARGS="...")
	$(BIN)/kzfigures report $(ARGS)

# pytest keeps each module it rewrites (the tests, and every module of its plugins: hypothesis, anyio, …) as bytecode in
# __pycache__, but only where bytecode may be written: where PYTHONDONTWRITEBYTECODE is set (as in many Docker images
# and this machine's shell) every test process rewrote about 160 modules each run, 2.1 s of CPU each here. The tests
# run with it unset; the folders are the checkout's own __pycache__ (ignored by git) and .venv's.
# nbval is left out (-p no:nbval): the tiers check the notebooks by the report they build, and its plugin imported
# coverage, jupyter_client and tornado into every test process, 0.4 s of CPU each; so is anyio's plugin, which no
# test uses (0.1 s each).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -p no:nbval -p no:anyio

test: $(STAMP) $(NBGRADER_VENV)/.installed ## Run the whole test suite on every core (unit, data, notebooks, report, browser)
	$(PYTEST) -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

check: $(STAMP) ## The fast tier for the edit-test loop: unit, property, data, the report with its defaults, its notebooks as committed
	$(PYTEST) -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder -m "not full" --hypothesis-profile=check $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint, import order) on src/, tests/, benchmarks/ and the top .py files; mypy on src/ (pyproject.toml)
	$(BIN)/ruff check src tests benchmarks conftest.py setup.py nbgrader_config.py
	$(BIN)/mypy

student: $(STAMP) ## Student edition to dist/student/, worksheets and answer keys to dist/printables/, a class folder to dist/class/
	$(BIN)/kzfigures student --output dist/student --printables dist/printables --class-folder dist/class

bench: $(STAMP) ## Time the report (naive, cold, no-op, floor), make check, make test, a fresh clone's first report, the draft (a table); BENCH_ARGS="--only draft": the draft alone
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

notebooks: $(STAMP) ## Re-execute the committed notebooks with their defaults and strip run noise
	$(BIN)/kzfigures notebooks

wheelhouse: $(STAMP) ## Write every wheel .venv needs to dist/wheelhouse/ (then, offline: make venv WHEELHOUSE=dist/wheelhouse)
	@mkdir -p build dist/wheelhouse
	@grep -v "^-e " requirements.txt > build/wheelhouse-requirements.txt  # every pin, so no resolver (--no-deps)
	$(BIN)/python -m pip download --disable-pip-version-check --quiet --no-deps --only-binary=:all: --dest dist/wheelhouse \
	  "uv==$(UV_VERSION)" "pip==$(PIP_VERSION)" -r build/wheelhouse-requirements.txt
	@echo "dist/wheelhouse: $$(ls dist/wheelhouse | wc -l) files; copy it with the checkout, then: make venv WHEELHOUSE=dist/wheelhouse"

docs-images: report ## The README's pictures from a fresh report: its charts, and the index page in chromium
	mkdir -p docs/images
	cp reports/01-foreign-fighters/fighters-compared.png reports/01-foreign-fighters/kazakhstan-share.png \
	   reports/02-attacks-and-security/people-killed.png docs/images/
	$(BIN)/python docs/report_picture.py

AXE := build/axe/node_modules/axe-core/axe.min.js

browser: $(AXE) ## Install Debian's chromium and axe-core (npm) for the browser tests (chromium needs root or sudo)
	@command -v chromium >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

$(AXE):
	npm install --prefix build/axe --no-save --no-audit --no-fund --silent axe-core@4.14.1

lab: $(STAMP) ## Open JupyterLab on the repository, at notebooks/contents.md (LAB_ARGS="--port 8890 --no-browser")
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.app_settings_dir="$(CURDIR)/lab-settings" --LabApp.news_url=None \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.default_url=/lab/tree/notebooks/contents.md \
	  $(LAB_ARGS)

clean: ## Remove build output and the build cache (.cache/; keeps .venv)
	rm -rf .pytest_cache .hypothesis build src/*.egg-info reports reports-failed .reports.* .cache
