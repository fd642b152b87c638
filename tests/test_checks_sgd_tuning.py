"""Self-check of notebook 05b's conceptual exercise (mfedu.checks.sgd_tuning.saddle_directions):
the worked answer passes, each recognised mistake gets its own message, None is "not attempted",
junk answers get a Feedback (never an exception), bad problem arguments raise naming the
argument; and the rule the exercise teaches (a direction leaves X = Y = 0 when sigma_j(M) > lam)
is checked against the Hessian of part 1's quadratic model."""
import numpy as np
import pytest

from mfedu.checks import Feedback
from mfedu.checks.sgd_tuning import saddle_directions

from checkutil import verdict      # tests/checkutil.py

# Like the notebook's dense set: three strong tastes, a weak fourth, then noise up to about 0.19.
SIGMA = np.concatenate([[0.311, 0.288, 0.255, 0.198], np.linspace(0.189, 0.01, 146)])
SIGMA_M = {0.1: SIGMA, 0.2: SIGMA + 0.001}
N_ABOVE = int(np.sum(SIGMA > 0.1))        # 87-ish: more than the rank
WORKED = [50, 3]


def run(answer, sigma_M=SIGMA_M, rank=50):
    return saddle_directions(answer, sigma_M, rank)


def test_the_problem_is_the_notebooks():
    assert N_ABOVE > 50 and int(np.sum(SIGMA_M[0.2] > 0.2)) == 3


def test_worked_answer_passes():
    verdict(run(WORKED), True, f"{N_ABOVE} singular values", "all of them", "47 stay switched off", "noise's edge")
    verdict(run(np.array([50.0, 3.0])), True)
    verdict(run((50, 3)), True)
    verdict(run([[50], [3]]), True)          # a column is fine


def test_success_message_does_not_claim_the_plain_shrink():
    text = run(WORKED).message
    assert "by about lam" not in text and "far more" in text    # weighted lam: not 03's plain "minus lam"


def test_not_attempted():
    verdict(run(None), None, "replace None")


@pytest.mark.parametrize("answer, words", [
    ([N_ABOVE, 3], ["only 50 columns"]),                   # the cap at the rank forgotten
    ([0, 47], ["stay at 0", "LEAVE"]),                      # the switched-off directions counted
    ([3, 0], ["not 2 lam"]),                                # threshold 2 lam
    ([0, 0], ["sigma_j(M)^2"]),                             # squared singular values against lam
    ([50, 50], ["depends on lam"]),                         # the same count for both
    ([3, 3], ["depends on lam"]),
    ([4, 3], ["planted", "noise"]),                         # the signal's rank
    ([8, 3], ["planted", "noise"]),
    ([8, 8], ["planted", "noise"]),                         # the planted rank for both: not "same count"
    ([50, 4], ["not yet for lam = 0.2", "cap at the rank, 50"]),
    ([2.5, 3], ["whole number"]),
    ([-1, 3], ["whole number"]),
])
def test_each_mistake_is_named(answer, words):
    verdict(run(answer), False, *words)


def test_half_lam_is_named_when_it_differs_from_a_constant_answer():
    sigma_M = {0.1: SIGMA, 0.3: np.concatenate([[0.5], SIGMA[1:]])}      # lam / 2 = 0.05 and 0.15: 50 and 7
    want = [50, 1]
    verdict(saddle_directions(want, sigma_M, 50), True)
    verdict(saddle_directions([50, int(np.sum(sigma_M[0.3] > 0.15))], sigma_M, 50), False, "not lam / 2")


@pytest.mark.parametrize("answer, words", [
    ("50, 3", ["number"]),
    ({0.1: 50}, ["number"]),
    ([50, 3, 1], ["one count per lam", "2 whole numbers"]),
    (50, ["one count per lam"]),
    ([50, np.nan], ["NaN"]),
    ([[50, 3], [1]], ["numpy cannot turn"]),
    ([True, False], ["bool"]),
    ([50 + 1j, 3], ["complex"]),
    ([1e300, 3], ["not yet"]),
])
def test_junk_answers_get_feedback(answer, words):
    fb = run(answer)
    assert isinstance(fb, Feedback)
    verdict(fb, False, *words)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(sigma_M=[0.3, 0.2]), TypeError, "sigma_M must be a dict"),
    (dict(sigma_M={}), ValueError, "at least one lam"),
    (dict(sigma_M={-0.1: SIGMA}), ValueError, "lam"),
    (dict(sigma_M={0.0: SIGMA}), ValueError, "lam"),
    (dict(sigma_M={"0.1": SIGMA}), TypeError, "lam"),
    (dict(sigma_M={0.1: "abc"}), TypeError, "sigma_M"),
    (dict(sigma_M={0.1: [0.3, np.nan]}), ValueError, "sigma_M"),
    (dict(sigma_M={0.1: [0.3, -0.1]}), ValueError, "singular values"),
    (dict(sigma_M={0.1: []}), ValueError, "non-empty"),
    (dict(rank=0), ValueError, "rank"),
    (dict(rank=2.5), TypeError, "rank"),
])
def test_bad_problem_arguments_raise(kwargs, error, words):
    args = dict(sigma_M=SIGMA_M, rank=50) | kwargs
    with pytest.raises(error, match=words):
        saddle_directions(None, **args)


def test_the_rule_matches_the_hessian_at_the_saddle():
    """Part 1's steps 6-7: A = [[-lam D_u, E], [E^T, -lam D_i]] has as many positive eigenvalues as
    M = D_u^(-1/2) E D_i^(-1/2) has singular values above lam (Sylvester); the check's count is that,
    capped at the rank."""
    rng = np.random.default_rng(0)
    n_u, n_i = rng.integers(1, 30, size=40).astype(float), rng.integers(1, 30, size=25).astype(float)
    E = rng.normal(size=(40, 25)) * np.sqrt(np.outer(n_u, n_i)) * 0.05
    M = E / np.sqrt(np.outer(n_u, n_i))
    sigma = np.linalg.svd(M, compute_uv=False)
    for lam in (0.05, 0.1, 0.2):
        A = np.block([[-lam * np.diag(n_u), E], [E.T, -lam * np.diag(n_i)]])
        positive = int(np.sum(np.linalg.eigvalsh(A) > 0))
        assert positive == int(np.sum(sigma > lam))
        for rank in (3, 50):
            verdict(saddle_directions([min(rank, positive)], {lam: sigma}, rank), True)
