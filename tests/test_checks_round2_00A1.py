"""Round-2 changes to the self-checks of notebook 00 and appendix A1 (mfedu.checks.start), and
the exercise cells as the notebooks call them: the worked answers pass, the likely mistakes of
each part are diagnosed, and an untouched cell says "not attempted"."""
from pathlib import Path

import nbformat
import numpy as np
import pytest
from scipy.special import ndtr

import mfedu.checks  # noqa: F401  (the cells call mfedu.checks...)
import mfedu.data
from mfedu import checks
from mfedu.synthetic import make_synthetic

from checkutil import verdict      # tests/checkutil.py

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def exercise_cells(name):
    """The notebook's exercise cells (those that start with `answer = None`), in order."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("answer = None")]


def run_cell(source, answer, **names):
    """Run an exercise cell (`answer = None  # ...`, then the check call) with the given answer in
    place of None; return the check's Feedback."""
    lines = source.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("answer = None"), source
    return eval(lines[1], {"mfedu": mfedu, "np": np, **names, "answer": answer})


# ----------------------------------------------------------------------------- 00, exercise 3

def test_oracle_bound_luck_compares_like_with_like():
    # the message quotes both spreads printed by notebook 00 (oracle RMSE 0.0037, paired gap 0.0025)
    # and the size of the classmate's gap in those units
    verdict(checks.oracle_bound("d"), False, "SAME test set", "0.0037", "0.0025", "5 standard deviations",
            "never saw the test ratings")
    assert round(0.012 / 0.0025) == 5
    verdict(checks.oracle_bound("e"), True, "seen that set's noise")


@pytest.fixture(scope="module")
def synthetic():
    return {"truth": make_synthetic(seed=0).truth, "plays": mfedu.data.load_synthetic("implicit")}


def test_notebook_00_exercise_cells_as_written(synthetic):
    density, stars, bound = exercise_cells("00_start_here.ipynb")
    plays, truth = synthetic["plays"], synthetic["truth"]
    for cell in (density, stars, bound):
        verdict(run_cell(cell, None, **synthetic), None, "replace None")
    verdict(run_cell(density, len(plays) / (plays.shape[0] * plays.shape[1]), **synthetic), True)
    worked = 1 + ndtr((2.8 - truth.thresholds) / truth.sigma).sum()
    verdict(run_cell(stars, worked, **synthetic), True, "(2)", "(3)")
    verdict(run_cell(stars, 3.0, **synthetic), False, "most likely star")
    verdict(run_cell(bound, "e", **synthetic), True)
    verdict(run_cell(bound, "d", **synthetic), False, "5 standard deviations")


# ----------------------------------------------------------------------------- A1, exercise 1 (a) and (b)

def test_notebook_A1_exercise_has_both_parts():
    mean_cell, half_cell = exercise_cells("A1_notation_and_conventions.ipynb")
    assert "half=True" not in mean_cell and "half=True" in half_cell
    for cell in (mean_cell, half_cell):
        verdict(run_cell(cell, None), None, "replace None")
    # worked answers: lambda = |Omega| w_d / 2 = 4 next to the mean, |Omega| w_d = 8 next to half a mean
    verdict(run_cell(mean_cell, 4.0), True, "lambda = 4")
    verdict(run_cell(half_cell, 8.0), True, "lambda = 8", "2 |Omega|")
    verdict(run_cell(half_cell, 80_000 * 1e-4), True)
    # the likely mistake: one formula for both parts
    verdict(run_cell(mean_cell, 8.0), False, "halve")
    verdict(run_cell(half_cell, 4.0), False, "HALF a mean", "2 |Omega|")
    # and the others, in part (b)
    verdict(run_cell(half_cell, 1e-4), False, "|Omega| is missing")
    verdict(run_cell(half_cell, 1e-4 / 80_000), False, "divided by |Omega|")
    verdict(run_cell(half_cell, 16.0), False, "factor 2 too many")
    for junk in ("8", [8.0, 8.0], np.nan, object()):
        fb = run_cell(half_cell, junk)
        assert fb.ok is False and fb.message


# ----------------------------------------------------------------------------- A1's borrowed letters

def _markdown(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_A1_borrowed_letters_match_the_notebooks():
    """The places A1's "Borrowed letters" name still use those letters (a guard against drift)."""
    a1 = _markdown("A1_notation_and_conventions.ipynb")
    letters = a1[a1.index("**Borrowed letters.**"):a1.index("If you read on")]
    for claim in ("the rank of $B$", "rank at most $\\ell$", "$\\mathrm{mom1}$", "$w_{ui}$", "mini-batch of ratings"):
        assert claim in letters, claim
    assert "rank at most $p$" not in letters and "(notebooks 00 and 02)" not in letters
    assert "Let $q$ be the number of $\\sigma_j > 0$ (the rank of $B$)" in _markdown("A2_linear_algebra_details.ipynb")
    assert "rank at most $\\ell$" in " ".join(_markdown("A2_linear_algebra_details.ipynb").split())
    assert "Kingma and Ba's $m$, $v$" in _markdown("05b_sgd_tuning.ipynb")
    assert "mini-batches $\\mathcal{B}$" in _markdown("05b_sgd_tuning.ipynb")
    assert "w_{ui}=\\text{pop}_i" in _markdown("00_start_here.ipynb")
    assert "$B$ blocks" in _markdown("A4_als_details.ipynb")
    # the batch size is |D|, not B, everywhere in A1
    assert "\\lvert D\\rvert\\, w_d" in a1 and "B\\, w_d" not in a1 and "of $B$ ratings" not in a1


def test_00_map_says_what_its_minutes_are():
    assert "minutes are reading time, exercises extra" in _markdown("00_start_here.ipynb")
