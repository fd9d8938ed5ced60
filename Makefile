# Two commands do everything on a fresh clone with python3 and make:
#   make demo   a venv with only what the demo needs; the worked example, its graph and its page
#   make test   a venv with the dev extras; lint, type checks and every test (notebooks, browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := $(VENV)/.demo-installed
DEV    := $(VENV)/.dev-installed

# Python caches compiled modules in __pycache__ (gitignored) unless PYTHONDONTWRITEBYTECODE is set;
# where a shell sets it, every test process and every CLI subprocess the tests start compiles the
# package again, and pytest rewrites every test module's asserts again (the CLI, graph and README
# tests: 9.4-9.8 s of CPU with the caches, 11.3-14.0 s without)
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test quick lint typecheck pytest bench lab notebooks generate clean js-lint js-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the package and its own dependencies only (what a teacher's `pip install` gives)
$(DEMO): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO)

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(DEMO) $(DEV)

demo: $(DEMO)
	$(BIN)/micrograd-like example
	$(BIN)/micrograd-like graph --compact -o worked_example.svg
	$(BIN)/micrograd-like html -o worked_example.html >/dev/null
	@echo "wrote worked_example.svg and the interactive page worked_example.html: open file://$(CURDIR)/worked_example.html in a browser"

lint: $(DEV) js-lint
	$(BIN)/ruff check micrograd_like tests benchmarks tools
	$(BIN)/ruff format --check micrograd_like tests benchmarks tools
	$(BIN)/lint-imports

typecheck: $(DEV)
	$(BIN)/mypy

# on every core (pytest-xdist): the notebooks, the browser tests and the rest share them; an idle
# worker takes tests queued for a busy one (worksteal), so one long test does not hold up the end
pytest: $(DEV)
	$(BIN)/pytest -n auto --dist worksteal

test: lint typecheck pytest js-test

# the page's JavaScript (micrograd_like/page/assets/js): Node's packages from the committed lock file
NODE_DEPS := node_modules/.installed
$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_DEPS)

# tsc --noEmit (the JSDoc types), eslint, prettier --check
js-lint: $(NODE_DEPS)
	npm run --silent lint

# node --test: the pure modules against fixtures Python wrote (tools/page_fixtures.py)
js-test: $(NODE_DEPS)
	npm test --silent

# the suite without the seconds-long tests (notebooks, huge graphs, full training) and the browser: the edit loop
quick: $(DEV)
	$(BIN)/pytest -q -n auto --dist worksteal -m "not slow and not browser"

bench: $(DEV)
	$(BIN)/python -m pip install --quiet micrograd==0.1.0
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_compile.py
	$(BIN)/python benchmarks/bench_pythons.py

# JupyterLab in the project's venv, to open the notebooks (as root, e.g. in a container, Jupyter
# refuses to start without --allow-root)
ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(DEV)
	$(BIN)/python -m pip install --quiet jupyterlab
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

# rewrite micrograd_like/core/operators.py (Value's operator methods) from the rule table in rules.py
generate: $(DEMO)
	$(BIN)/python tools/generate_operators.py

notebooks: $(DEV)
	$(BIN)/python tools/execute_notebooks.py --in-place --figures docs notebooks/*.ipynb

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache node_modules
