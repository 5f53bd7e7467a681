# The two commands a new user runs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STACK  := $(PY) scripts/devstack.py
PYTEST_ARGS ?=

.PHONY: help install run test unit middle contracts contracts-release up down status clean credential kafka-subscriber bench lint chaos

help:
	@echo "make run        start Kafka, Postgres and the three services (Ctrl-C stops all)"
	@echo "make test       the whole suite against a throwaway Kafka + Postgres"
	@echo "make unit       unit tests only (no infrastructure)"
	@echo "make middle     unit tests + the middle tier (APIs in process on a throwaway Postgres), in seconds"
	@echo "make contracts  regenerate contracts/ (JSON Schema per event, AsyncAPI) and the integrators' event catalogue"
	@echo "make up|down|status   the local infrastructure alone"

DEID_DATA := $(wildcard services/signalering/signalering/deidentificatie/data/*.txt)

$(VENV)/.installed: pyproject.toml requirements.lock $(DEID_DATA)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	# the de-identification detector's lookup structures are built here, never on a request
	$(PY) -m signalering.deidentificatie build
	touch $@

install: $(VENV)/.installed

run: install
	$(STACK) run

test: install
	$(STACK) test -- $(PY) -m pytest $(PYTEST_ARGS)

unit: install
	$(PY) -m pytest tests/unit -q $(PYTEST_ARGS)

# Unit tests plus the middle tier (each service's API in process against a throwaway Postgres; no broker).
middle: install
	$(STACK) test --no-kafka -- $(PY) -m pytest tests/unit tests/middle -q $(PYTEST_ARGS)

contracts: install
	$(PY) -m jeugdhulp_common.contracts_export contracts
	$(PY) -m webhooks.catalogue contracts/asyncapi.json docs/integrators.md

# At a release: snapshot every event schema into contracts/released (the compatibility check compares against it).
contracts-release: install
	$(PY) -m jeugdhulp_common.contracts_compat release contracts/released

up: install
	$(STACK) up

down:
	$(STACK) down

status:
	$(STACK) status

clean: down
	rm -rf .state

# make credential ORG="Pleegzorg West-Vlaanderen" ROLE=PARTNER   (prints the API key once; against `make up`'s databases)
credential: install
	@eval "$$($(STACK) env)" && $(PY) -m jeugdhulp_common.auth create --organisatie "$(ORG)" --rol $(ROLE)

# make kafka-subscriber NAME=act PRESET=act   or   TOPICS="jeugdhulp.traject.micro jeugdhulp.aanmelding.meso"
# (a SCRAM user that reads exactly those topics; prints its password once; against `make up`'s broker)
kafka-subscriber: install
	@eval "$$($(STACK) env)" && $(PY) -m jeugdhulp_common.broker_access subscriber "$(NAME)" \
	  $(if $(PRESET),--preset $(PRESET)) $(foreach t,$(TOPICS),--topic $(t))

# Figures, not a test: ratios against baselines measured in the same run (see README "Benchmarks").
bench: install
	$(STACK) test -- $(PY) scripts/bench.py $(BENCH_ARGS)

lint: install
	$(PY) -m ruff check --select F,E9 --target-version py311 libs services tests scripts

# Nothing lost, nothing doubled, at scale: the faults test alone with N=10,000 aanmeldingen; prints the fault timeline and counts.
chaos: install
	JH_CHAOS_N=10000 $(STACK) test -- $(PY) -m pytest tests/e2e/test_faults.py -q -s
