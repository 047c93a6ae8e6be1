# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test bench install install-dev migrate seed messages check clean worker

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	@DEBUG=1 $(PY) manage.py demo_logins
	@echo "Starting the background worker and the server on http://127.0.0.1:8000 (Ctrl-C stops both)."
	@trap 'kill 0' EXIT INT TERM; \
	  DEBUG=1 STAFF_MFA_REQUIRED=$${STAFF_MFA_REQUIRED:-0} $(PY) manage.py db_worker --interval 1 >var/worker.log 2>&1 & \
	  DEBUG=1 STAFF_MFA_REQUIRED=$${STAFF_MFA_REQUIRED:-0} $(PY) manage.py runserver 127.0.0.1:8000

worker: install
	DEBUG=1 $(PY) manage.py db_worker

test: install-dev
	@$(PY) scripts/run_tests.py

bench: install-dev
	@$(PY) bench/run.py

messages: install
	DEBUG=1 $(PY) manage.py makemessages -l de -l en --no-obsolete -i ".venv/*" -i "var/*" -i "bench/*" -i "scripts/*" -i "*/tests/*"
	DEBUG=1 $(PY) manage.py compilemessages -i .venv

check: install
	SECRET_KEY=check-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH ALLOWED_HOSTS=example.org \
	  DATABASE_URL=postgres://u@localhost/db $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
