# Tocsin: `make demo` and `make test` each do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: all setup warmup demo test bench lint clean

all: test

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m tocsin.warmup  # compile the numba kernels now, not in the middle of the first run
	touch $(STAMP)

setup: $(STAMP)

# Re-run the compilation by hand, e.g. after `find src -name __pycache__ -exec rm -rf {} +`.
warmup: $(STAMP)
	$(PY) -m tocsin.warmup

demo: $(STAMP)
	$(VENV)/bin/tocsin demo

test: $(STAMP)
	$(PY) -m pytest -q

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) benchmarks/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist src/*.egg-info
