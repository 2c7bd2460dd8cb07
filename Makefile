# The two commands: `make run` and `make test`. Both set up .venv when it is
# missing or when pyproject.toml or constraints.txt changed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench region clean installer lock

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (found %s)" % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,installer]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m slimmeregio $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# ruff (lint and format), mypy and the import contracts: the same checks make test runs.
lint: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/test_architecture.py

# Rewrite the code the one way the gate accepts (ruff format, pyproject.toml).
format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) benchmarks/run.py

region: $(STAMP)
	$(PY) -m slimmeregio.resources.build resources/sources

# The stand-alone application (docs/install.md): PyInstaller bundle in
# dist/slimmeregio/, its --selftest (the build fails when it fails), and
# dist/slimmeregio-<version>-linux-<machine>.tar.gz.
installer: $(STAMP)
	$(PY) installer/build.py

# Rewrite constraints.txt from the installed environment (after a deliberate upgrade).
lock: $(STAMP)
	@{ sed -n '1,3p' constraints.txt; $(PY) -m pip list --format=freeze | grep -v -i -E '^(pip|setuptools|wheel|slimmeregio)=='; } > constraints.txt.new
	@mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) build dist *.egg-info
