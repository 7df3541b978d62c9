# modwatch — every target does its own set-up: a fresh clone needs only `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SERVE  ?= 1
PORT   ?= 8001
DB     ?= data/modwatch.db
SNAPSHOT := demo/snapshot.warc.gz

.PHONY: install system-deps demo test crawl serve export bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

# Debian packages the tests and the demo need (chromium, chromium-driver, redis-server, sqlite3):
# installed with apt-get when missing and run as root, else one line names them and make stops.
system-deps:
	@sh scripts/system-deps

# Offline replay crawl of the demo snapshot into $(DB), then Datasette on http://127.0.0.1:$(PORT)
demo: system-deps install
	mkdir -p data
	MODWATCH_DB=$(DB) $(PY) -m modwatch demo --snapshot $(SNAPSHOT)
ifeq ($(SERVE),1)
	$(PY) -m modwatch serve $(DB) --host 127.0.0.1 --port $(PORT)
endif

test: system-deps install
	$(PY) -m pytest

# Live crawl of every news spider (needs network); SPIDERS="news thevietnamese" to choose.
crawl: install
	mkdir -p data
	MODWATCH_DB=$(DB) $(PY) -m modwatch crawl $(SPIDERS)

# Read-only Datasette (immutable db, SQL time limit, full CSV streams): options in modwatch/publish.py
serve: install
	$(PY) -m modwatch serve $(DB) --host 127.0.0.1 --port $(PORT)

# Dated bundle exports/modwatch-YYYY-MM-DD/ (CSV + datapackage.json + README + SHA256SUMS);
# filters e.g. EXPORT_ARGS="--country VN --platform Google --since 2019-01-01"
export: install
	$(PY) -m modwatch export --db $(DB) --out exports $(EXPORT_ARGS)

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache
