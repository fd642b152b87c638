# Two commands for a fresh clone (each creates .venv first):
#   make lab    install what the notebooks need (requirements/lab.txt, requirements/spark.txt and
#               mfedu) and open JupyterLab on notebooks/00_start_here.ipynb; SPARK=no leaves out
#               pyspark (about 450 MB), which only notebook 08 needs
#   make test   install the test tools as well (requirements.txt), then run every test: unit tests
#               of mfedu + nbval over the notebooks + the browser test
#   make html   static pages of the executed notebooks in build/html (no kernel, no network needed)
# For a class without a good network:
#   make wheelhouse                  every wheel `make lab` needs, in build/wheelhouse (copy it)
#   make lab WHEELHOUSE=path/to/it   the same install from that folder, with no network at all
#   (both take SPARK=no as well)
PYTHON ?= python3
comma := ,
VENV   := .venv
PY     := $(VENV)/bin/python
LAB_STAMP = $(VENV)/.lab-installed$(if $(filter no,$(SPARK)),-without-spark,)
STAMP  := $(VENV)/.installed
HTML_DIR ?= build/html
WHEELHOUSE ?=
WHEELHOUSE_DIR ?= build/wheelhouse
SPARK ?= yes
LAB_REQUIREMENTS := requirements/lab.txt $(if $(filter no,$(SPARK)),,requirements/spark.txt)
# with WHEELHOUSE set, pip reads only that folder: nothing is downloaded
PIP_FROM := $(if $(WHEELHOUSE),--no-index --find-links $(abspath $(WHEELHOUSE)),)
# the browser test drives Debian's /usr/bin/chromium; nothing may download a browser of its own
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: setup lab test test-movielens notebooks benchmark data clean html html-assets wheelhouse wheelhouse-check

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "mfedu needs Python >= 3.10, this is " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade $(PIP_FROM) pip

# What the notebooks need, and mfedu (editable: the notebooks import the repository's copy).
$(LAB_STAMP): $(LAB_REQUIREMENTS) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet $(PIP_FROM) $(addprefix -r ,$(LAB_REQUIREMENTS))
	$(PY) -m pip install --quiet $(PIP_FROM) -e .
	touch $(LAB_STAMP)

# Everything: the notebooks' packages, the test tools and mfedu (requirements.txt).
$(STAMP): requirements.txt requirements/lab.txt requirements/spark.txt requirements/test.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP) $(VENV)/.lab-installed $(VENV)/.lab-installed-without-spark

setup: $(STAMP)

# (as root, e.g. in a container, Jupyter refuses to start without --allow-root)
lab: $(LAB_STAMP)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(PY) -m pytest

# The real-data switch: every notebook offering USE_MOVIELENS, run to its end with it on, on a
# folder in MovieLens-100K's layout written from synthetic data (a few minutes; CI runs it).
test-movielens: $(STAMP)
	$(PY) -m pytest -m movielens tests/test_movielens_switch.py

# Re-execute every notebook in place: the stored outputs are exactly what `make test` checks.
notebooks: $(LAB_STAMP)
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
	    notebooks/*.ipynb

benchmark: $(STAMP)
	$(PY) benchmarks/run.py

# Static HTML of every notebook, executed afresh, with the widget state saved: each panel's first
# view shows in a plain browser. require.js, the widget renderer and MathJax are fetched once from
# the npm registry (pinned, sha512-checked) into build/vendor and copied beside the pages.
html: $(LAB_STAMP)
	$(PY) tools/export_html.py --out $(HTML_DIR)

# Only fetch those page scripts (the HTML-export test needs them; .ci/run does this).
html-assets: $(LAB_STAMP)
	$(PY) tools/export_html.py --fetch-only

# Rewrite the synthetic data files (byte for byte what is committed).
data: $(LAB_STAMP)
	$(PY) -m mfedu.synthetic

# Every wheel `make lab` needs (pyspark built once from its source into a wheel), pip and
# setuptools (for the venv and the editable install), and mfedu's own wheel, in one folder with a
# README. Wheels are built for this machine's platform and Python version.
wheelhouse: | $(PY)
	rm -rf $(WHEELHOUSE_DIR)
	$(PY) -m pip wheel --quiet --wheel-dir $(WHEELHOUSE_DIR) $(addprefix -r ,$(LAB_REQUIREMENTS)) \
	    pip==$$($(PY) -m pip --version | cut -d' ' -f2) \
	    $$(grep '^setuptools==' requirements/test.txt)
	$(PY) -m pip wheel --quiet --no-deps --wheel-dir $(WHEELHOUSE_DIR) .
	$(PY) tools/wheelhouse_readme.py $(WHEELHOUSE_DIR)

# CI: build the wheelhouse, install it into a fresh venv with no index at all, import from it.
wheelhouse-check: wheelhouse
	rm -rf build/offline-venv
	$(PYTHON) -m venv build/offline-venv
	build/offline-venv/bin/python -m pip install --quiet --no-index --find-links $(WHEELHOUSE_DIR) \
	    --upgrade pip
	build/offline-venv/bin/python -m pip install --quiet --no-index --find-links $(WHEELHOUSE_DIR) \
	    $(addprefix -r ,$(LAB_REQUIREMENTS)) mfedu
	cd build && offline-venv/bin/python -c 'import mfedu.data, mfedu.widgets, ipywidgets, jupyterlab$(if $(filter no,$(SPARK)),,$(comma) pyspark); \
	    print("offline install imports:", mfedu.__file__, "jupyterlab", jupyterlab.__version__); \
	    print(mfedu.data.load_synthetic("explicit"))'
	rm -rf build/offline-venv

clean:
	rm -rf $(VENV) .pytest_cache data/cache build/wheelhouse build/offline-venv
