# InvestTrack: `make run` serves the app with demo data; `make test` runs the whole suite.
HOST ?= 127.0.0.1
PORT ?= 5000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-quick lint translations extract-messages bench fuzz clean system-runtime system-test

run: system-runtime $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask demo load --if-empty
	@echo "InvestTrack on http://$(HOST):$(PORT)/  (demo accounts: admin, leader, viewer, head_a, staff_a, staff_b; password Demo@2026)"
	$(BIN)/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: system-test $(VENV)/.installed translations
	$(BIN)/ruff check .
	$(BIN)/pytest

# SQLite tier only, no browser: for a quick loop while editing.
test-quick: $(VENV)/.installed translations
	TEST_BACKENDS=sqlite $(BIN)/pytest -m "not browser"

lint: $(VENV)/.installed
	$(BIN)/ruff check .

system-runtime:
	@bash scripts/system-deps.sh runtime

system-test:
	@bash scripts/system-deps.sh test

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d crm/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k _label -o crm/translations/messages.pot .
	$(BIN)/pybabel update -i crm/translations/messages.pot -d crm/translations --no-fuzzy-matching

bench: $(VENV)/.installed translations
	$(BIN)/python benchmarks/run.py

# Fuzz the API against its OpenAPI document (schemathesis, about a minute; not part of `make test`).
fuzz: $(VENV)/.installed
	bash scripts/fuzz-api.sh

clean:
	rm -rf $(VENV) instance/*.sqlite .pytest_cache
