# Two entry points: `make run` (server with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup clean

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-test.txt -e .
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	scripts/run-demo

# The MCP conformance suite needs npm; without it those tests report themselves skipped.
CONFORMANCE := tests/conformance/node_modules/.installed
$(CONFORMANCE): tests/conformance/package-lock.json
	if command -v npm >/dev/null; then scripts/install-conformance && touch $(CONFORMANCE); fi

test: $(STAMP) $(CONFORMANCE)
	scripts/test

clean:
	rm -rf $(VENV) var
