# paymon: every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PACKAGES := screening schemas agents paymon_cli

.PHONY: install test lint typecheck pytest bench demo clean tools kafka-jars

install: $(VENV)/.installed

# Re-install only when the dependency pins change.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

lint: install
	$(VENV)/bin/ruff check $(PACKAGES) tests bench

typecheck: install
	$(VENV)/bin/mypy --strict $(PACKAGES)

pytest: install
	$(VENV)/bin/pytest

# Prometheus + promtool (Debian package) for the rules and dashboard tests; see the script.
tools:
	sh deploy/prometheus/install-tools.sh

test: tools lint typecheck pytest

# Pre-fetch the Kafka broker jars (Maven Central, once); the test fixture also fetches on demand.
kafka-jars: install
	$(PY) -m agents.local_kafka fetch

bench: install
	$(PY) -m bench

demo: install
	$(PY) -m paymon_cli.demo

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
