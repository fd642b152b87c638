"""Notebook 11's self-checks: not attempted, correct, and each mistake they promise to recognise."""
import itertools

import numpy as np
import pytest

import mfedu.checks.evaluation as checks11
from mfedu.checks import Feedback

from checkutil import verdict      # tests/checkutil.py

JUNK = ["x", [[1, 2], [3]], {"a": 1}, True, 1 + 2j, 10**400, object(), (1.0, None), [0.1, 0.2], float("nan")]

ERRORS, CHANCES = np.array([4.0, 1.0, 0.25]), np.array([0.8, 0.5, 0.1])     # the notebook's toy
A = np.array([0.9674, 0.9661, 0.9650, 0.9643, 0.9681, 0.9643, 0.9595, 0.9729, 0.9736, 0.9721])
B = A + np.array([0.044, 0.043, 0.041, 0.045, 0.042, 0.044, 0.040, 0.043, 0.042, 0.044])


def test_checks_are_listed_in_all():
    assert set(checks11.__all__) == {"grid_trials", "ips_expectation", "paired_se"}


# ----------------------------------------------------------------------------- exercise 11.1

def test_grid_trials():
    verdict(checks11.grid_trials(None, d=3, n_values=5), None)
    verdict(checks11.grid_trials(125, d=3, n_values=5), True, "125", "Bergstra")
    verdict(checks11.grid_trials(5 ** 3, 3, 5), True)
    verdict(checks11.grid_trials(125.0, 3, 5), True)
    verdict(checks11.grid_trials(15, 3, 5), False, "COMBINATION")
    verdict(checks11.grid_trials(243, 3, 5), False, "swapped")
    verdict(checks11.grid_trials(5, 3, 5), False, "ONE parameter")
    verdict(checks11.grid_trials(5 ** (1 / 3), 3, 5), False, "turned round")
    verdict(checks11.grid_trials(25, 3, 5), False, "held fixed")
    verdict(checks11.grid_trials(7, 3, 5), False, "multiply")


def test_grid_trials_when_slips_coincide():
    # d = 2, N = 2: d N = d^N = N^d = 4; the correct answer wins over the slips that equal it
    verdict(checks11.grid_trials(4, 2, 2), True)


# ----------------------------------------------------------------------------- exercise 11.2

def worked_ips_expectation(errors, chances):
    """The reader's enumeration: every pattern's probability times its IPS estimate."""
    n, total = len(errors), 0.0
    for seen in itertools.product((0, 1), repeat=n):
        o = np.array(seen, dtype=bool)
        prob = np.prod(np.where(o, chances, 1 - chances))
        total += prob * np.sum(errors[o] / chances[o]) / n
    return total


def test_ips_expectation():
    want = worked_ips_expectation(ERRORS, CHANCES)
    assert np.isclose(want, ERRORS.mean())                       # unbiased: the point of the exercise
    verdict(checks11.ips_expectation(None, ERRORS, CHANCES), None)
    verdict(checks11.ips_expectation(want, ERRORS, CHANCES), True, "1.75", "over-weighs")
    verdict(checks11.ips_expectation(np.sum(CHANCES * ERRORS) / 3, ERRORS, CHANCES), False, "1/P_c are missing")
    verdict(checks11.ips_expectation(np.sum(CHANCES * ERRORS) / CHANCES.sum(), ERRORS, CHANCES), False, "naive mean")
    naive = 0.0
    for seen in itertools.product((0, 1), repeat=3):
        o = np.array(seen, dtype=bool)
        if o.any():
            naive += np.prod(np.where(o, CHANCES, 1 - CHANCES)) * ERRORS[o].mean()
    naive /= 1 - np.prod(1 - CHANCES)
    verdict(checks11.ips_expectation(naive, ERRORS, CHANCES), False, "NAIVE")
    verdict(checks11.ips_expectation(ERRORS.sum(), ERRORS, CHANCES), False, "1/n = 1/3")
    plain = np.mean([np.sum(ERRORS[np.array(s, bool)] / CHANCES[np.array(s, bool)]) / 3
                     for s in itertools.product((0, 1), repeat=3)])
    verdict(checks11.ips_expectation(plain, ERRORS, CHANCES), False, "not equally likely")
    verdict(checks11.ips_expectation(9.0, ERRORS, CHANCES), False, "by hand")


# ----------------------------------------------------------------------------- exercise 11.3

def test_paired_se():
    d = A - B
    want = d.std(ddof=1) / np.sqrt(len(d))
    verdict(checks11.paired_se(None, A, B), None)
    verdict(checks11.paired_se(want, A, B), True, "SE", "cancels")
    verdict(checks11.paired_se(np.sqrt(A.var(ddof=1) / 10 + B.var(ddof=1) / 10), A, B), False, "UNPAIRED")
    verdict(checks11.paired_se(d.std() / np.sqrt(10), A, B), False, "ddof=1")
    verdict(checks11.paired_se(d.std(ddof=1), A, B), False, "ONE split")
    verdict(checks11.paired_se(abs(A.std(ddof=1) - B.std(ddof=1)) / np.sqrt(10), A, B), False, "difference of the two SEs")
    verdict(checks11.paired_se(np.sqrt(A.var() / 10 + B.var() / 10), A, B), False, "ddof=0 as well")
    verdict(checks11.paired_se(-want, A, B), False, "never negative")
    verdict(checks11.paired_se(0.5, A, B), False, "sd(a - b, ddof=1)")


@pytest.mark.parametrize("junk", JUNK)
def test_junk_answers_return_feedback(junk):
    for fb in (checks11.grid_trials(junk, 3, 5), checks11.ips_expectation(junk, ERRORS, CHANCES),
               checks11.paired_se(junk, A, B)):
        assert isinstance(fb, Feedback) and fb.ok is False, repr(fb)


def test_bad_problem_arguments_raise():
    with pytest.raises(ValueError, match="d"):
        checks11.grid_trials(1, 0, 5)
    with pytest.raises(TypeError, match="n_values"):
        checks11.grid_trials(1, 3, "5")
    with pytest.raises(ValueError, match="propensity"):
        checks11.ips_expectation(1.0, ERRORS, np.array([0.5, 0.0, 0.2]))
    with pytest.raises(ValueError, match="propensity"):
        checks11.ips_expectation(1.0, ERRORS, np.array([0.5, 0.2]))
    with pytest.raises(ValueError, match="errors"):
        checks11.ips_expectation(1.0, np.ones(13), np.full(13, 0.5))
    with pytest.raises(ValueError, match="b"):
        checks11.paired_se(0.1, A, B[:5])
    with pytest.raises(ValueError, match="at least 2"):
        checks11.paired_se(0.1, A[:1], B[:1])
