# `make help` lists the targets. Every target sets up .venv first if needed (idempotent).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= factbook
# regenerate each notebook's .ipynb from its jupytext script (deterministic cell ids)
export SYNC := import sys, pathlib, analysis.report as r; [r.sync_notebook(pathlib.Path(p)) for p in sys.argv[1:]]
OUT    ?= figures

.PHONY: help setup report test test-fast lint format benchmark lab clean-cache

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the package with its dependencies

report: $(STAMP)  ## run every notebook on CORPUS (default: factbook) and write figures/ (OUT)
	$(BIN)/python -m analysis report --corpus "$(CORPUS)" --out "$(OUT)"

test: $(STAMP)  ## run the whole test suite (package, real corpora, notebooks)
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## the tests without the slow whole-corpus, notebook and browser ones
	$(BIN)/python -m pytest -m "not slow and not notebooks and not browser"

lint: $(STAMP)  ## ruff: lint and check the formatting (what CI runs before the tests)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## ruff: fix what can be fixed, format, and re-pair the notebooks
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/python -c "$$SYNC" notebooks/[0-9]*.py

benchmark: $(STAMP)  ## the waits a researcher meets, and corpus loading, against their baselines (prints ratios)
	$(BIN)/python benchmarks/bench_warm.py
	$(BIN)/python benchmarks/bench_load.py

lab: $(STAMP)  ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

clean-cache:  ## delete the on-disk cache (.cache/)
	rm -rf .cache
