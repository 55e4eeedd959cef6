# paymon: every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PACKAGES := screening schemas agents paymon_cli
NATIVE   := screening/_native.abi3.so

.PHONY: install test lint typecheck pytest bench demo clean tools kafka-jars native-test

install: $(VENV)/.installed $(NATIVE)

# Re-install only when the dependency pins change. The install also builds the Rust extension
# (native/, the screening hot path) with cargo; crates come from crates.io, pinned by Cargo.lock.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Rebuild the extension in place when its Rust sources change (what the editable install does).
$(NATIVE): $(VENV)/.installed native/Cargo.toml native/Cargo.lock $(wildcard native/src/*.rs)
	sh native/dev-build.sh

lint: install
	$(VENV)/bin/ruff check $(PACKAGES) tests bench

typecheck: install
	$(VENV)/bin/mypy --strict $(PACKAGES)

pytest: install
	$(VENV)/bin/pytest

# Prometheus + promtool (Debian package) for the rules and dashboard tests; see the script.
tools:
	sh deploy/prometheus/install-tools.sh

# The Rust engine's own unit tests and lints (pytest holds it to the Python oracle, tests/oracle/).
native-test: install
	cd native && cargo fmt --check && cargo test --release --quiet && cargo clippy --release --all-targets --quiet -- -D warnings

test: tools lint typecheck native-test pytest

# Pre-fetch the Kafka broker jars (Maven Central, once); the test fixture also fetches on demand.
kafka-jars: install
	$(PY) -m agents.local_kafka fetch

bench: install
	$(PY) -m bench

demo: install
	$(PY) -m paymon_cli.demo

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache native/target $(NATIVE)
