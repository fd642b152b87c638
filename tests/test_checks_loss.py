"""Self-checks of notebook 03's conceptual exercises (mfedu.checks.loss): the worked answer
passes, each recognised mistake gets its own message, None is "not attempted", junk answers get
a Feedback (never an exception), bad problem arguments raise naming the argument; and the rule
the exercise teaches (strengths max(sigma_j - lam, 0)) is checked against a numerical minimum."""
import re
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize

from mfedu import checks
from mfedu.checks import Feedback
from mfedu.data import toy

from checkutil import verdict      # tests/checkutil.py

R_FULL = toy().to_dense(fill=3.0)  # the notebook's problem: the toy table, empty cells set to 3
RANK, LAM = 4, 2.5
S = np.linalg.svd(R_FULL, compute_uv=False)
WORKED = np.maximum(S[:RANK] - LAM, 0.0)           # the worked answer of exercise 03.4
NUMBER_NAN_INF = re.compile(r"(?<![\w.])[-+]?(?:nan|inf)(?!\w)")


def run(answer, R=R_FULL, rank=RANK, lam=LAM):
    return checks.factor_strengths(answer, R, rank, lam)


def minimise(R, rank, lam, mask=None, seed=0):
    """The minimum of equation (2) (no biases) by L-BFGS; ``mask`` None: every cell observed."""
    m, n = R.shape
    M = np.ones_like(R) if mask is None else mask.astype(float)
    R0 = np.where(M > 0, R, 0.0)

    def f(theta):
        X, Y = theta[:m * rank].reshape(m, rank), theta[m * rank:].reshape(n, rank)
        E = M * (R0 - X @ Y.T)
        loss = np.sum(E ** 2) + lam * (np.sum(X ** 2) + np.sum(Y ** 2))
        return loss, np.concatenate([(-2 * E @ Y + 2 * lam * X).ravel(), (-2 * E.T @ X + 2 * lam * Y).ravel()])

    start = np.random.default_rng(seed).normal(0, 0.5, size=(m + n) * rank)
    theta = minimize(f, start, jac=True, method="L-BFGS-B",
                     options={"maxiter": 5000, "gtol": 1e-10, "ftol": 1e-15}).x
    X, Y = theta[:m * rank].reshape(m, rank), theta[m * rank:].reshape(n, rank)
    return np.linalg.svd(X @ Y.T, compute_uv=False)[:rank]


def test_the_rule_is_the_minimum_of_equation_2_for_a_full_matrix():
    for seed in (0, 1):
        assert np.allclose(minimise(R_FULL, RANK, LAM, seed=seed), WORKED, atol=1e-4)
    rng = np.random.default_rng(3)
    B = rng.normal(size=(7, 5))
    s = np.linalg.svd(B, compute_uv=False)
    assert np.allclose(minimise(B, 3, 0.8), np.maximum(s[:3] - 0.8, 0), atol=1e-4)


def test_the_rule_is_only_approximate_when_cells_are_missing():
    """Notebook 03 says so: with missing cells (the toy table) the strengths are not
    max(sigma_j - lam, 0) of any fixed filled-in matrix; here, of the 3-filled one."""
    R = toy().to_dense()
    got = minimise(R, RANK, LAM, mask=~np.isnan(R))
    assert np.max(np.abs(got - WORKED)) > 0.1


def test_the_worked_answer_is_correct():
    verdict(run(WORKED), True, "switched off")
    verdict(run(np.round(WORKED, 3)), True)                          # as printed, 3 decimals
    verdict(run(list(WORKED)), True)
    verdict(run(WORKED[None, :]), True)                               # a row is fine
    verdict(run(np.maximum(S[:3] - 1.0, 0), rank=3, lam=1.0), True)  # nothing switched off
    assert "switched off" not in run(np.maximum(S[:3] - 1.0, 0), rank=3, lam=1.0).message


def test_not_attempted():
    verdict(run(None), None, "replace None")


@pytest.mark.parametrize("answer, words", [
    (S[:RANK], "lam = 0"),
    (S[:RANK] - LAM, "Clip at 0"),
    (np.maximum(S[:RANK] - 2 * LAM, 0), "not r - 2 lam"),
    (S[:RANK] - 2 * LAM, "never negative"),
    (np.maximum(S[:RANK] - LAM / 2, 0), "not r - lam / 2"),
    (np.sqrt(WORKED), "t^2"),
    (np.maximum(S[:RANK] ** 2 - LAM, 0), "squared singular values"),
    (S[:RANK] / (1 + LAM), "SUBTRACTS"),
    (WORKED[::-1], "largest first"),
    (np.maximum(S - LAM, 0), "only k = 4 factors"),
    (WORKED[:2], "k = 4 numbers"),
    (float(WORKED[0]), "k = 4 numbers"),
    (WORKED + 0.5, "apply (7) to each"),
])
def test_each_mistake_is_named(answer, words):
    verdict(run(answer), False, words)


def test_a_nan_gets_the_square_root_hint():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        answer = np.sqrt(S[:RANK] - LAM)                 # sqrt of a negative: NaN
    verdict(run(answer), False, "square root")


@pytest.mark.parametrize("answer", [
    "16.9", "", b"1", [[1, 2], [3]], {1: 2.0}, {1.0, 2.0}, True, np.array([True, False, True, True]),
    WORKED + 1e-3j, np.full(RANK, np.inf), np.full(RANK, 1e300), np.full(RANK, -1e300), 10**400,
    np.array([1.0, None, 2.0, 3.0], dtype=object), object(), [None] * RANK, np.zeros((2, 2)),
    np.array(WORKED, dtype=np.float32), np.array(WORKED, dtype=np.longdouble), lambda: WORKED,
])
def test_junk_answers_get_feedback_never_an_exception(answer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no RuntimeWarning for the reader either
        fb = run(answer)
    assert isinstance(fb, Feedback) and isinstance(fb.message, str) and fb.message
    if not (isinstance(answer, np.ndarray) and answer.dtype in (np.float32, np.longdouble)):
        assert fb.ok is False, (answer, fb)
    assert not NUMBER_NAN_INF.search(fb.message.replace("NaN or inf", "")), fb      # no "nan" numbers


@pytest.mark.parametrize("changes, error, name", [
    (dict(R=toy().to_dense()), ValueError, "R"),                # a missing cell: not fully observed
    (dict(R="R"), TypeError, "R"),
    (dict(R=np.ones(4)), ValueError, "R"),
    (dict(rank=0), ValueError, "rank"),
    (dict(rank=7), ValueError, "rank"),
    (dict(rank=2.0), TypeError, "rank"),
    (dict(lam=-1.0), ValueError, "lam"),
    (dict(lam=np.nan), ValueError, "lam"),
    (dict(lam="2.5"), TypeError, "lam"),
])
def test_bad_problem_arguments_raise_naming_them(changes, error, name):
    for answer in (None, WORKED):
        with pytest.raises(error, match=f"^{name}"):
            run(answer, **changes)
