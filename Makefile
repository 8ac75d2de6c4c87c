# Two commands matter: `make demo` (set up, run the daily cycle on the demo snapshot) and
# `make test` (set up, lint, run the whole suite). Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test lint run serve clean browser

$(READY): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Horizon needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: the local CPU build. Unpinned, pip would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(READY)

demo: $(READY)
	rm -f data/demo.duckdb data/demo.duckdb.wal
	$(BIN)/horizon run --snapshot demo/snapshot --db data/demo.duckdb --out out

# The search page, digest and briefs are tested in Debian's Chromium (Playwright drives it; no
# browser download); the PDF briefs through poppler's pdftoppm/pdftotext.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| echo "warning: could not install Debian's chromium; the browser tests will be skipped"
	@command -v pdftoppm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; } \
		|| echo "warning: could not install poppler-utils; the PDF page tests will be skipped"

test: $(READY) browser lint
	$(BIN)/python -m pytest

lint: $(READY)
	$(BIN)/ruff check .

run: $(READY)
	$(BIN)/horizon run

# A Prefect server on 127.0.0.1:4200 serving prefect.yaml's deployments (Ctrl-C stops both).
serve: $(READY)
	$(BIN)/horizon serve

clean:
	rm -rf out data/demo.duckdb data/demo.duckdb.wal
