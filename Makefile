# Two commands for a fresh clone (each creates .venv and installs requirements.txt first):
#   make lab    open JupyterLab on notebooks/00_start_here.ipynb
#   make test   run every test: unit tests of mfedu + nbval over the notebooks
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup lab test notebooks benchmark data clean

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

# Rewrite the synthetic data files (byte for byte what is committed).
data: $(STAMP)
	$(PY) -m mfedu.synthetic

clean:
	rm -rf $(VENV) .pytest_cache data/cache
