# Two commands set everything up on a fresh machine (Python 3.11, make, a package registry):
#   make report   renders every study in studies/ into outputs/<study>/
#   make test     runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?=

.PHONY: report test lab sync lock docs data bench clean help trendlib

help:
	@echo "make report  - render every study in studies/ and every sweep in sweeps/ into outputs/"
	@echo "make test    - run the test suite"
	@echo "make lab     - open JupyterLab on notebooks/ (the .py twins open as notebooks)"
	@echo "make sync    - bring notebooks and their jupytext twins in sync"
	@echo "make data    - rebuild derived files in data/ from data/raw/"
	@echo "make lock    - re-resolve the locks in requirements/ and environment.yml (uv, from PyPI)"
	@echo "make docs    - build the documentation site into site/ (offline)"
	@echo "make bench   - run the benchmarks (report suite, fetching, calibration, importing exports) and print their tables"
	@echo "make trendlib ARGS='...' - run any trendlib command without activating .venv"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The dev lock: the report lock plus [lab], [dask], [test], [docs], [release] (tools/lock.py), installed
# by uv (pinned here, from PyPI): seconds where pip takes minutes, hashes checked the same way.
UV_VERSION := 0.13.8
$(BIN)/uv: $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(BIN)/uv requirements/dev.txt pyproject.toml
	VIRTUAL_ENV=$(VENV) $(BIN)/uv pip install --quiet --require-hashes -r requirements/dev.txt
	VIRTUAL_ENV=$(VENV) $(BIN)/uv pip install --quiet --no-deps -e .
	@touch $(STAMP)

report: $(STAMP)
	MPLBACKEND=Agg $(BIN)/trendlib report --all $(if $(JOBS),--jobs $(JOBS),)
	for sweep in sweeps/*.yaml; do \
	  MPLBACKEND=Agg $(BIN)/trendlib report --sweep "$$sweep" $(if $(JOBS),--jobs $(JOBS),) || exit 1; done

trendlib: $(STAMP)
	MPLBACKEND=Agg $(BIN)/trendlib $(ARGS)

test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/[0-9]*.ipynb

data: $(STAMP)
	$(BIN)/python tools/build_data.py
	$(BIN)/python tools/illustrative_pageviews.py

lock: $(STAMP)
	$(BIN)/python tools/lock.py

# A second environment with pandas 2.2 (requirements/pandas22.txt), for the fast tests in .ci/run;
# uv installs it in seconds where pip takes a minute.
P22 := .venv-pandas22
$(P22)/.installed: $(BIN)/uv requirements/pandas22.txt pyproject.toml
	$(BIN)/uv venv --quiet --allow-existing --python $(BIN)/python $(P22)
	VIRTUAL_ENV=$(P22) $(BIN)/uv pip install --quiet --require-hashes -r requirements/pandas22.txt
	VIRTUAL_ENV=$(P22) $(BIN)/uv pip install --quiet --no-deps -e .
	@touch $@

docs: $(STAMP)
	$(BIN)/python tools/build_docs.py
	$(BIN)/mkdocs build --strict --quiet

bench: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_fetch.py
	$(BIN)/python benchmarks/bench_calibration.py
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf outputs/*/ outputs/.*.staging outputs/index.html .pytest_cache site
