# Two commands do all set-up on a fresh machine (Python 3.11+ and make needed):
#   make run    serve on the embedded default (SQLite, jobs inline, mail to files)
#   make test   run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint install clean fuzz

# make fuzz: mutated valid events through the real webhook (not part of `make test`).
FUZZ_EXAMPLES ?= 3000
FUZZ_SECONDS ?= 900

run: $(BIN)/followup
	$(BIN)/followup run

test: $(BIN)/followup
	$(BIN)/pytest

lint: $(BIN)/followup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(BIN)/followup

fuzz: $(BIN)/followup
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		$(BIN)/pytest tests/webhooks/fuzz_webhooks.py -q -s -p no:cacheprovider

# Re-installs whenever pyproject.toml changes.
$(BIN)/followup: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info
