# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# Sets up the virtualenv and an SQLite database, loads every plan file, makes sure a local
# login exists, and serves the portal.
run: migrate
	$(PY) manage.py load_plans
	DEBUG=1 $(PY) manage.py ensure_local_login
	@echo "门户地址 / Portal: http://$(HOST):$(PORT)/"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Runs the whole test suite (SQLite unless DATABASE_URL names another database).
test: install
	$(PY) -m pytest
