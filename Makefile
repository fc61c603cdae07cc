# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is for a local machine: Django's debug mode, plain HTTP, the local secret key.
LOCAL := DEBUG=1

.PHONY: run test install migrate

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(LOCAL) $(PY) manage.py migrate --noinput

# Sets up the virtualenv and an SQLite database, loads every plan file, adds the demo data and
# accounts (seed_demo: local use only, never in production), makes sure a local admin login
# exists, prints how to log in, and serves the portal.
run: migrate
	$(LOCAL) $(PY) manage.py load_plans
	$(LOCAL) $(PY) manage.py seed_demo
	$(LOCAL) $(PY) manage.py ensure_local_login
	@echo "门户地址 / Portal: http://$(HOST):$(PORT)/"
	@echo "用上面任一账号登录：admin 为系统管理员；demo_reporter_binhai 等示例账号按角色查看待办（密码见 local-login.txt）。"
	$(LOCAL) $(PY) manage.py runserver $(HOST):$(PORT)

# Runs the whole test suite (SQLite unless DATABASE_URL names another database).
test: install
	$(PY) -m pytest
