# Two commands do everything on a fresh clone with python3 and make:
#   make demo   set up .venv, install, run the worked example and draw its graph
#   make test   set up .venv, then lint, type-check and run every test (notebooks included)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/micrograd-like example
	$(BIN)/micrograd-like graph -o worked_example.svg
	@echo "graph written to worked_example.svg"

lint: $(STAMP)
	$(BIN)/ruff check micrograd_like tests benchmarks
	$(BIN)/ruff format --check micrograd_like tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet micrograd==0.1.0
	$(BIN)/python benchmarks/bench_engine.py

notebooks: $(STAMP)
	$(BIN)/python notebooks/execute.py --in-place --figures docs notebooks/*.ipynb

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
