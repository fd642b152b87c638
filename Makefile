# Two commands for a fresh clone (each creates .venv and installs requirements.txt first):
#   make lab    open JupyterLab on notebooks/00_start_here.ipynb
#   make test   run every test: unit tests of mfedu + nbval over the notebooks + the browser test
#   make html   static pages of the executed notebooks in build/html (no kernel, no network needed)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HTML_DIR ?= build/html
# the browser test drives Debian's /usr/bin/chromium; nothing may download a browser of its own
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: setup lab test notebooks benchmark data clean html html-assets

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "mfedu needs Python >= 3.10, this is " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

# (as root, e.g. in a container, Jupyter refuses to start without --allow-root)
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(PY) -m pytest

# Re-execute every notebook in place: the stored outputs are exactly what `make test` checks.
notebooks: $(STAMP)
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
	    notebooks/*.ipynb

benchmark: $(STAMP)
	$(PY) benchmarks/run.py

# Static HTML of every notebook, executed afresh, with the widget state saved: each panel's first
# view shows in a plain browser. require.js, the widget renderer and MathJax are fetched once from
# the npm registry (pinned, sha512-checked) into build/vendor and copied beside the pages.
html: $(STAMP)
	$(PY) tools/export_html.py --out $(HTML_DIR)

# Only fetch those page scripts (the HTML-export test needs them; .ci/run does this).
html-assets: $(STAMP)
	$(PY) tools/export_html.py --fetch-only

# Rewrite the synthetic data files (byte for byte what is committed).
data: $(STAMP)
	$(PY) -m mfedu.synthetic

clean:
	rm -rf $(VENV) .pytest_cache data/cache
