# statportal: `make serve` runs the portal with demo content, `make test` runs every test.
PYTHON ?= python3
VENV    = .venv
BIN     = $(VENV)/bin
PORT   ?= 6543
CHROMIUM ?= /usr/bin/chromium
# DejaVu Sans draws every Kazakh letter in the PDFs (Debian's fonts-dejavu-core).
PDF_FONT ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

.PHONY: serve test lint catalogs extract-messages bench screenshots clean postgresql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

serve: $(VENV)/.installed $(PDF_FONT)
	@mkdir -p var
	@if [ ! -f var/Data.fs ]; then \
	  umask 077; \
	  $(BIN)/statportal init etc/development.ini --demo | tee var/demo-credentials.txt; \
	fi
	@# a var/ written by an older version: its evolve steps first (the portal refuses it)
	@$(BIN)/statportal evolve etc/development.ini
	@echo
	@echo "statportal: http://127.0.0.1:$(PORT)/  — log in at http://127.0.0.1:$(PORT)/login"
	@echo "  Demo users and passwords (kept in var/demo-credentials.txt; 'admin' is the Manager):"
	@sed -n 's/^  /    /p' var/demo-credentials.txt 2>/dev/null || true
	@echo "  Start afresh: rm -rf var && make serve.  Stop: Ctrl-C."
	@echo
	$(BIN)/pserve etc/development.ini http_port=$(PORT)

# Chromium (Debian's) drives the browser tests; installed when missing and we may.
$(CHROMIUM):
	@$(call apt_install,chromium fonts-dejavu-core)

$(PDF_FONT):
	@$(call apt_install,fonts-dejavu-core)

define apt_install
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
else \
  echo "Needed: Debian packages $(1) (apt-get install $(1))" >&2; exit 1; \
fi
endef

# axe-core, for the accessibility checks of the browser tests (package-lock.json pins it).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# PostgreSQL (Debian's) for the storage tests' RelStorage: they start a cluster of their own.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  $(call apt_install,postgresql); \
	fi

# The tests run in TEST_WORKERS processes (pytest-xdist; each test file whole in one of them, so
# its module-scoped fixtures are built once); `make test TEST_WORKERS=0` runs them in this
# process, one after the other. Coverage is combined from the workers.
TEST_WORKERS ?= 2

test: $(VENV)/.installed-test $(CHROMIUM) $(PDF_FONT) node_modules/axe-core/axe.min.js postgresql
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile \
	  --cov=statportal --cov-report=term:skip-covered --cov-fail-under=90 $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench

# Messages: extract from code and templates, merge into the catalogs, compile .mo files.
extract-messages: $(VENV)/.installed-test
	$(BIN)/python -m statportal.scripts.catalogs extract
	$(BIN)/python -m statportal.scripts.catalogs update

catalogs: $(VENV)/.installed
	$(BIN)/python -m statportal.scripts.catalogs compile

bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_pages.py

screenshots: $(VENV)/.installed-test $(CHROMIUM) catalogs
	$(BIN)/python docs/make_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
