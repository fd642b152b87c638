"""The real-data switch: every notebook that offers ``USE_MOVIELENS`` runs to its end with it
on. MovieLens cannot be downloaded here, so the notebooks read a folder in its layout written
from synthetic data with another seed (tests/fake_movielens.py): checks and sentences that
hold only for the synthetic set must be guarded by the switch.

The notebook runs are marked ``movielens`` and left out of ``make test`` (they take minutes):
``make test-movielens`` runs them, and so does CI (.ci/run)."""
from pathlib import Path

import nbformat
import pytest

from fake_movielens import SWITCH, run_with_switch_on, write_fake_movielens

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WITH_SWITCH = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")
                     if any(c.cell_type == "code" and SWITCH.search(c.source)
                            for c in nbformat.read(p, as_version=4).cells))


@pytest.fixture(scope="module")
def fake_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("movielens")
    write_fake_movielens(home)
    return home


def test_the_switch_is_offered_where_the_readme_promises():
    # every notebook on synthetic ratings offers real data, except 01 (pure linear algebra)
    # and 08, which runs Spark on the real data's shape either way
    assert {"00_start_here.ipynb", "02_truncated_svd_recommendation.ipynb", "03_mf_loss.ipynb",
            "04_gradients.ipynb", "05_sgd.ipynb", "05b_sgd_tuning.ipynb", "06_explicit_als.ipynb",
            "07_implicit_als.ipynb"} <= set(WITH_SWITCH)


@pytest.mark.movielens
@pytest.mark.parametrize("name", WITH_SWITCH)
def test_notebook_runs_to_the_end_on_movielens(name, fake_home):
    # nbclient raises CellExecutionError, naming the cell and its traceback, if any cell fails
    run_with_switch_on(NOTEBOOKS / name, fake_home)
