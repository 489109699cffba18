# Developer entry points. `make test` works on a fresh machine: it creates the virtualenv with uv when missing.
PYTHON ?= python3
AIRFLOW_VERSION ?= 3.3.2
VENV ?= .venv
VENDOR ?= tremendous
UV := $(PYTHON) -m uv
CONSTRAINTS := constraints/airflow-$(AIRFLOW_VERSION).txt
STAMP := $(VENV)/.installed-$(AIRFLOW_VERSION)
PYTEST_ARGS ?=

export UV_COMPILE_BYTECODE := 1
export AIRFLOW__CORE__LOAD_EXAMPLES := False

.PHONY: test demo lint venv constraints bench clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	@test -x $(VENV)/bin/python || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(VENV)/bin/python --constraints $(CONSTRAINTS) \
		"apache-airflow==$(AIRFLOW_VERSION)" -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The main job, end to end: pay a survey's respondents on the embedded sandbox (no account, no network).
demo: $(STAMP)
	$(VENV)/bin/python scripts/demo.py --vendor $(VENDOR)

lint: $(STAMP)
	$(VENV)/bin/ruff check airflow_provider_tremendous tests benchmarks example_dags scripts
	$(VENV)/bin/ruff format --check airflow_provider_tremendous tests benchmarks example_dags scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(VENV)/bin/python -m benchmarks.sandbox_throughput
	$(VENV)/bin/python -m benchmarks.bulk_payouts
	$(VENV)/bin/python -m benchmarks.validation
	RELIABILITY_FIGURES=docs/benchmarks/reliability_5000.json $(VENV)/bin/python -m pytest -m slow tests/reliability -q

# Regenerate the pinned dependency sets (one per supported Airflow version) after changing dependencies.
constraints:
	for v in 2.11.2 3.3.2; do \
		echo "apache-airflow==$$v" | $(UV) pip compile --quiet --python-version 3.11 --extra dev \
			pyproject.toml - -o constraints/airflow-$$v.txt --no-header; \
	done

clean:
	rm -rf .venv .venv-* .pytest_cache .mypy_cache .ruff_cache
