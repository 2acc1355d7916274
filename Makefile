# Denktank — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-postgres lint audit typecheck pytest i18n i18n-extract i18n-compile clean help vendor

help:
	@echo "make run    — install, migrate, create the demo workshop, serve on http://127.0.0.1:5000"
	@echo "make test   — ruff, mypy and the whole pytest suite (unit, integration, browser)"
	@echo "make i18n   — extract strings, update the nl/en catalogues, compile them"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/workshop db upgrade
	$(BIN)/workshop demo
	exec $(BIN)/workshop serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check workshop tests tools
	$(BIN)/ruff format --check workshop tests tools

# Known-vulnerable dependencies fail the run (tools/audit.py says when the service is unreachable).
audit: $(DEV_STAMP)
	$(BIN)/python tools/audit.py

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint audit typecheck pytest

# The whole suite again on the PostgreSQL server (CI runs this too): the unit and integration
# tests on one scratch database, each browser test module's server on a new database of its own.
test-postgres: $(DEV_STAMP)
	WORKSHOP_TEST_BACKEND=postgresql $(BIN)/pytest tests/unit tests/integration tests/browser -q

i18n-extract: $(DEV_STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k N_ -k _l -o workshop/translations/messages.pot .

i18n-compile: $(DEV_STAMP)
	$(BIN)/pybabel compile --statistics -d workshop/translations

i18n: i18n-extract
	$(BIN)/pybabel update --no-fuzzy-matching -i workshop/translations/messages.pot -d workshop/translations
	$(BIN)/python tools/i18n_fill_en.py
	$(MAKE) i18n-compile

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# Vendored browser libraries (committed under static/vendor/; refresh with `make vendor`).
SOCKETIO_CLIENT_VERSION := 4.8.4
SORTABLEJS_VERSION      := 1.15.7
VENDOR := static/vendor

vendor:
	@command -v npm >/dev/null || { echo "make vendor needs npm (apt-get install npm)"; exit 1; }
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent socket.io-client@$(SOCKETIO_CLIENT_VERSION) sortablejs@$(SORTABLEJS_VERSION) >/dev/null ); \
	mkdir -p "$$tmp/sio" "$$tmp/sortable"; \
	tar -xzf "$$tmp/socket.io-client-$(SOCKETIO_CLIENT_VERSION).tgz" -C "$$tmp/sio"; \
	tar -xzf "$$tmp/sortablejs-$(SORTABLEJS_VERSION).tgz" -C "$$tmp/sortable"; \
	rm -rf $(VENDOR)/socket.io $(VENDOR)/sortablejs; \
	mkdir -p $(VENDOR)/socket.io $(VENDOR)/sortablejs; \
	cp "$$tmp/sio/package/dist/socket.io.esm.min.js" "$$tmp/sio/package/LICENSE" $(VENDOR)/socket.io/; \
	if [ -f "$$tmp/sio/package/dist/socket.io.esm.min.js.map" ]; then cp "$$tmp/sio/package/dist/socket.io.esm.min.js.map" $(VENDOR)/socket.io/; fi; \
	cp "$$tmp/sortable/package/modular/sortable.esm.js" "$$tmp/sortable/package/LICENSE" $(VENDOR)/sortablejs/; \
	echo "$(SOCKETIO_CLIENT_VERSION)" > $(VENDOR)/socket.io/VERSION; \
	echo "$(SORTABLEJS_VERSION)" > $(VENDOR)/sortablejs/VERSION; \
	echo "vendored socket.io-client $(SOCKETIO_CLIENT_VERSION) and sortablejs $(SORTABLEJS_VERSION) into $(VENDOR)/"
