# Two commands do all set-up on a fresh machine (Python 3.11+ and make needed):
#   make run    serve on the embedded default (SQLite, jobs inline, mail to files)
#   make test   run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# What is installed, and for what: running needs less than testing.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint install clean fuzz translations

# make fuzz: mutated valid events through the real webhook (not part of `make test`).
FUZZ_EXAMPLES ?= 3000
FUZZ_SECONDS ?= 900

run: $(RUN_STAMP)
	$(BIN)/followup run

test: $(DEV_STAMP)
	$(BIN)/pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

install: $(DEV_STAMP)

fuzz: $(DEV_STAMP)
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		$(BIN)/pytest tests/webhooks/fuzz_webhooks.py -q -s -p no:cacheprovider

# make translations: collect the strings, merge them into each language's catalogue,
# compile the catalogues (commit the .po and .mo files together).
TRANSLATIONS := plugin/translations
translations: $(DEV_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -c Translators: --no-location --sort-output \
		--project followup-coach -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(TRANSLATIONS)/messages.pot \
		-d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Each re-installs whenever pyproject.toml changes.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
