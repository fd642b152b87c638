"""Notebook 01's conceptual self-check (mfedu.checks.evd): not attempted, the worked answer,
each mistake it promises to recognise, junk answers, and bad problem arguments."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.checks import Feedback

from checkutil import verdict      # tests/checkutil.py

LAM = np.array([5.0, 1.0, -4.0])          # the exercise's eigenvalues (notebook 01, exercise 4)
SHRINK = 1e-6
WORKED = np.log(1e-6) / np.log(4 / 5)     # the worked answer: 61.9 steps


def check(answer, eigenvalues=LAM, shrink=SHRINK):
    return checks.power_steps(answer, eigenvalues, shrink)


def test_exported():
    assert "power_steps" in checks.__dict__ and "power_steps" in checks.evd.__all__


def test_not_attempted_and_worked_answer():
    verdict(check(None), None, "replace None")
    verdict(check(WORKED), True, "61.9", "0.8")
    verdict(check(62), True)                       # rounded up: within one step
    verdict(check(np.int64(61)), True)
    verdict(check(np.array(WORKED)), True)
    assert "needed 62" in check(WORKED).message    # the run the check makes agrees


def test_each_diagnosed_mistake():
    verdict(check(np.log(1e-6) / np.log(1 / 5)), False, "second largest by value", "MAGNITUDE")
    verdict(check(np.log(1e-6) / np.log(0.64)), False, "eigenvalue estimate rho", "2t")
    verdict(check(np.log(1e-6) / np.log(5 / 4)), False, "negative number of steps")
    verdict(check(np.log10(1e-6) / np.log(0.8)), False, "mixed logarithm bases")
    verdict(check(np.log(1e-6) / np.log10(0.8)), False, "mixed logarithm bases")
    verdict(check(0.8), False, "factor per step")
    verdict(check(float("nan")), False, "NaN", "absolute value")     # np.log(-0.8)
    verdict(check(1000.0), False, "solve", "largest magnitude")


def test_smallest_magnitude_mistake():
    lam = np.array([6.0, -3.0, 2.0, 0.5])        # by value the second is 2, the smallest 0.5
    verdict(check(np.log(1e-6) / np.log(0.5 / 6), lam), False, "SMALLEST magnitude")
    verdict(check(np.log(1e-6) / np.log(2 / 6), lam), False, "second largest by value")
    verdict(check(np.log(1e-6) / np.log(3 / 6), lam), True)


def test_negative_top_eigenvalue_and_two_eigenvalues():
    verdict(check(np.log(1e-3) / np.log(0.5), [-2.0, 1.0], 1e-3), True)
    verdict(check(np.log(1e-3) / np.log(0.5), [1.0, -2.0], 1e-3), True)
    verdict(check(np.log(1e-3) / np.log(0.25), [1.0, -2.0], 1e-3), False, "rho")


@pytest.mark.parametrize("junk", ["62", [61.9, 62.0], (61.9,), {1: 2}, True, 1j, np.inf, -1e308,
                                  object(), [[1], [2, 3]], np.zeros((2, 2)), 10**400])
def test_junk_answers_get_feedback(junk):
    fb = check(junk)
    assert isinstance(fb, Feedback) and fb.ok is False and fb.message


@pytest.mark.parametrize("eigenvalues, shrink, error, words", [
    ([5.0], 1e-6, ValueError, "eigenvalues must hold at least two"),
    ([5.0, -5.0, 1.0], 1e-6, ValueError, "eigenvalues must have one of strictly largest"),
    ([5.0, 0.0], 1e-6, ValueError, "eigenvalues must have a nonzero"),
    ([5.0, np.nan], 1e-6, ValueError, "eigenvalues must contain only finite"),
    ("5, 4", 1e-6, TypeError, "eigenvalues must be a 1-D array"),
    ([5.0, 4.0], 0.0, ValueError, "shrink must be > 0"),
    ([5.0, 4.0], 1.0, ValueError, "shrink must be < 1"),
    ([5.0, 4.0], 2.0, ValueError, "shrink must be <= 1"),
    ([5.0, 4.0], "small", TypeError, "shrink must be a real number"),
])
def test_bad_problem_arguments_raise_naming_them(eigenvalues, shrink, error, words):
    with pytest.raises(error, match=words):
        checks.power_steps(WORKED, eigenvalues, shrink)
