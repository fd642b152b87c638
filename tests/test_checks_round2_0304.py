"""Round-2 changes to the self-checks of notebooks 03 and 04.

* ``factor_strengths`` (exercise 03.4) gained a "close: give more digits" branch: the right
  strengths rounded to 1 or 2 decimals (or 3 significant figures) are no longer told "apply (7)
  to each", which misled a reader whose rule was right; a near miss that is not a rounding of
  the answer still gets the generic hint, and every named mistake keeps its own message.
* Exercise 03.2 now asks for 4 decimals and exercise 03.4 for 3: the checks accept exactly that.
"""
import warnings

import numpy as np
import pytest

from mfedu import checks
from mfedu.data import toy

from checkutil import verdict      # tests/checkutil.py

R_FULL = toy().to_dense(fill=3.0)  # notebook 03's exercise 4: the toy table, empty cells set to 3
RANK, LAM = 4, 2.5
S = np.linalg.svd(R_FULL, compute_uv=False)
WORKED = np.maximum(S[:RANK] - LAM, 0.0)           # [16.9265, 3.2525, 0.5737, 0]
CLOSE = "close: that looks like the right strengths, rounded"


def run(answer, R=R_FULL, rank=RANK, lam=LAM):
    return checks.factor_strengths(answer, R, rank, lam)


def test_the_worked_answer_to_the_asked_precision_passes():
    verdict(run(WORKED), True, "switched off")
    verdict(run(np.round(WORKED, 3)), True)                      # "to 3 decimals", as exercise 4 asks
    verdict(run(np.round(WORKED, 4)), True)


@pytest.mark.parametrize("answer", [
    [16.93, 3.25, 0.57, 0],                  # 2 decimals: the expert's example
    np.round(WORKED, 2),
    np.round(WORKED, 1),                     # 1 decimal
    [16.9, 3.25, 0.574, 0.0],                # 3 significant figures
    list(np.round(WORKED, 2)),
    np.round(WORKED, 2)[None, :],            # a row is fine here too
])
def test_a_rounded_right_answer_is_told_to_give_more_digits(answer):
    fb = run(answer)
    verdict(fb, False, CLOSE)
    assert "apply (7)" not in fb.message      # not the misleading generic hint


@pytest.mark.parametrize("answer", [
    WORKED * 1.008,                          # 0.14 off on the first strength: not a rounding
    WORKED + np.array([0, 0, 0.06, 0]),      # one strength 0.06 off
    WORKED + 0.5,
])
def test_a_near_miss_that_is_not_a_rounding_gets_the_generic_hint(answer):
    fb = run(answer)
    verdict(fb, False, "apply (7)")
    assert CLOSE not in fb.message


@pytest.mark.parametrize("answer, words", [
    (S[:RANK], "lam = 0"),
    (np.round(S[:RANK] - LAM, 3), "Clip at 0"),
    (np.maximum(S[:RANK] - 2 * LAM, 0), "not r - 2 lam"),
    (np.maximum(S[:RANK] - LAM / 2, 0), "not r - lam / 2"),
    (np.sqrt(WORKED), "t^2"),
    (WORKED[::-1], "largest first"),
    (np.maximum(S - LAM, 0), "only k = 4 factors"),
])
def test_the_named_mistakes_keep_their_messages(answer, words):
    verdict(run(answer), False, words)


def test_the_close_branch_scales_with_the_problem():
    B = np.random.default_rng(5).normal(size=(7, 5))
    s = np.linalg.svd(B, compute_uv=False)
    want = np.maximum(s[:3] - 0.8, 0)
    verdict(checks.factor_strengths(want, B, 3, 0.8), True)
    verdict(checks.factor_strengths(np.round(want, 2), B, 3, 0.8), False, CLOSE)
    verdict(checks.factor_strengths(want + 0.2, B, 3, 0.8), False, "apply (7)")


def test_not_attempted_and_junk_still_behave():
    verdict(run(None), None, "replace None")
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no RuntimeWarning for the reader
        for junk in ("16.9", np.full(RANK, 1e300), np.full(RANK, -1e300), [[1, 2], [3]], np.zeros(3)):
            fb = run(junk)
            assert fb.ok is False and CLOSE not in fb.message


def test_exercise_2_to_4_decimals_passes():
    """Exercise 03.2 asks for (x, y) to 4 decimals; tiny_minimum (mfedu.checks.mf) accepts that."""
    t = np.sqrt(2.0 - 0.5)
    verdict(checks.tiny_minimum((round(t, 4), round(t, 4)), r=2.0, lam=0.5), True)
