# Two commands on a fresh machine: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3
PG_URL ?= $(or $(XUEHUI_TEST_PG_URL),postgresql://postgres@127.0.0.1:5432/postgres)

.PHONY: install run test test-sqlite test-postgres lint chromium fonts wrk messages stress clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e . --group dev
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load the demo data into an empty database, serve on 127.0.0.1:8000
run: install fonts
	$(BIN)/xuehui migrate
	$(BIN)/xuehui demo
	$(BIN)/xuehui serve --host 127.0.0.1 --port 8000

## Debian's Chromium for the browser tests (Playwright never downloads a browser here)
chromium: fonts
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

## Debian's Noto CJK fonts, without which every Chinese page, screenshot and printed (PDF) document
## shows boxes (the PDFs are set in Noto Serif CJK SC), and Pango, which lays the PDFs' text out
fonts:
	@/sbin/ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "installing Debian's Pango for the printed documents"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }
	@test -d /usr/share/fonts/opentype/noto || { \
	  echo "installing Debian's Noto CJK fonts"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null; }

## Debian's wrk for the load test's /health figures (make stress)
wrk:
	@command -v wrk >/dev/null || { \
	  echo "installing Debian's wrk for the load test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

## make test: the whole suite on SQLite, then on PostgreSQL when one is reachable
test: install chromium test-sqlite
	@if $(BIN)/python -c "import asyncio, asyncpg, sys; asyncio.run(asyncpg.connect('$(PG_URL)', timeout=3))" 2>/dev/null; then \
	  $(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$XUEHUI_REQUIRE_PG" ]; then \
	  echo "PostgreSQL at $(PG_URL) is not reachable and XUEHUI_REQUIRE_PG is set"; exit 1; \
	else \
	  echo "PostgreSQL at $(PG_URL) is not reachable: skipped the PostgreSQL run"; \
	fi

test-sqlite: install
	XUEHUI_TEST_DB=sqlite $(BIN)/pytest

test-postgres: install
	XUEHUI_TEST_DB=postgres XUEHUI_TEST_PG_URL=$(PG_URL) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy xuehui accounts societies nominations expert_pool exams piccolo_conf.py

## make stress: the fault drills (kill -9, PostgreSQL restart, disk full, two instances, backup under
## load) and the load test; each prints what was tried and what was lost. Needs root (tmpfs) and a
## reachable PostgreSQL; never part of `make test`.
stress: install wrk
	$(BIN)/python bench/stress/run_all.py
	$(BIN)/python bench/load_mix.py

## Refresh the Chinese catalog after changing page strings (then translate the new entries)
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location -o xuehui/locale/messages.pot xuehui accounts societies nominations expert_pool exams
	$(BIN)/pybabel update -i xuehui/locale/messages.pot -d xuehui/locale -l zh --no-fuzzy-matching --omit-header

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
