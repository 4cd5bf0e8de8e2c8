# Bureau: `make run` to try it, `make test` to check it.
VENV   ?= .venv
# Two workers for the two cores; each gets its own database (see tests/conftest.py).
PYTEST_ARGS ?= -n 2
PYTHON ?= python3
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test lint format translations extract-messages bench clean chromium scale-test

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/activate requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -d bureau/translations -D messages >/dev/null

extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o bureau/translations/messages.pot .
	$(BIN)/pybabel update -i bureau/translations/messages.pot -d bureau/translations --no-fuzzy-matching

# `make run PORT=8080` serves another port. Citizens' links (receipts, QR codes, e-mails)
# point at the demo's own address.
PORT ?= 5000
run: export BUREAU_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	@if [ ! -f instance/.demo-loaded ]; then $(FLASK) demo load --cases 3000 && touch instance/.demo-loaded; \
	 else $(FLASK) demo logins; fi
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# axe-core for the accessibility tests (tests/e2e/test_accessibility.py), from the npm registry.
AXE := tests/e2e/node_modules/axe-core/axe.min.js

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's chromium (never a browser Playwright downloads): a
# machine without it gets it here, as CI does.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null || { \
	  echo "== installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium fonts-dejavu-core >/dev/null; }

test: $(VENV)/.dev translations $(AXE) chromium
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

bench: $(VENV)/.dev translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Two gunicorn app servers on one PostgreSQL primary (with a streaming replica) and one
# Redis, all its own on loopback; about 40 s. Not part of `make test` (README: Scale).
scale-test: $(VENV)/.dev translations
	$(BIN)/python tools/scale_test.py
