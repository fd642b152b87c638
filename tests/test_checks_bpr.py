"""Notebook 10's self-checks: not attempted, correct, and each mistake they promise to recognise."""
import dataclasses

import numpy as np
import pytest

import mfedu.checks.bpr as checks10
from mfedu.bpr import bpr, sample_triples, sigmoid
from mfedu.checks import Feedback
from mfedu.data import Ratings

from checkutil import verdict      # tests/checkutil.py

JUNK = ["x", [[1, 2], [3]], {"a": 1}, True, 1 + 2j, 10**400, object(), (1.0, None), [0.1, 0.2], float("nan")]

X_EX, YI_EX, YJ_EX = np.array([0.5, -1.0]), np.array([1.0, 0.2]), np.array([-0.3, 0.4])   # the notebook's
B_I, B_J, LAM = 0.3, -0.1, 0.05


def small_plays():
    rng = np.random.default_rng(3)
    m, n = 30, 40
    cells = rng.random((m, n)) < 0.25
    cells[:, 0] = True                                   # every user has a positive
    cells[:, -1] = False                                 # ... and a negative
    u, i = np.nonzero(cells)
    return Ratings(u, i, np.ones(len(u)), m, n)


PLAYS = small_plays()
MODEL = bpr(PLAYS, rank=4, n_epochs=40, lr=0.5, lam=0.0, seed=0)
TRIPLES = sample_triples(PLAYS, 2_000, "uniform", seed=5)


def test_checks_are_listed_in_all():
    assert set(checks10.__all__) == {"easy_pair_signal", "bias_gradient", "easy_share"}


# ----------------------------------------------------------------------------- exercise 10.1

def test_easy_pair_signal():
    verdict(checks10.easy_pair_signal(None, 5.0), None)
    verdict(checks10.easy_pair_signal(1 / (1 + np.exp(5.0)), 5.0), True, "0.00669", "barely")
    verdict(checks10.easy_pair_signal(sigmoid(-5.0), x_hat=5.0), True)
    verdict(checks10.easy_pair_signal(sigmoid(5.0), 5.0), False, "WRONG")
    verdict(checks10.easy_pair_signal(0.5, 5.0), False, "tie")
    verdict(checks10.easy_pair_signal(np.exp(-5.0), 5.0), False, "approximation")
    verdict(checks10.easy_pair_signal(100 * sigmoid(-5.0), 5.0), False, "percentage")
    verdict(checks10.easy_pair_signal(np.logaddexp(0, -5.0), 5.0), False, "slope")
    verdict(checks10.easy_pair_signal(1.5, 5.0), False, "between 0 and 1")
    verdict(checks10.easy_pair_signal(0.3, 5.0), False, "sigma")
    verdict(checks10.easy_pair_signal(0.0067, 5.0), True)   # two significant figures are enough
    verdict(checks10.easy_pair_signal(0.5, 0.0), True)   # a tie: 1/2 is right there
    big = checks10.easy_pair_signal(sigmoid(-10.0), 10.0)  # a tiny g: its fraction of a step is not "0.00%"
    verdict(big, True, "4.5e-05 of one")
    assert "0.00%" not in str(big)


# ----------------------------------------------------------------------------- exercise 10.2

def worked_bias_gradient(x_u, y_i, y_j, b_i, b_j, lam):
    """The reader's derivation: x̂ = x_u . (y_i - y_j) + b_i - b_j, dx̂/db_j = -1."""
    x_hat = x_u @ (y_i - y_j) + b_i - b_j
    g = 1 / (1 + np.exp(x_hat))
    return g + lam * b_j


def test_bias_gradient():
    args = (X_EX, YI_EX, YJ_EX, B_I, B_J, LAM)
    x_hat = X_EX @ (YI_EX - YJ_EX) + B_I - B_J
    g = sigmoid(-x_hat)
    verdict(checks10.bias_gradient(None, *args), None)
    verdict(checks10.bias_gradient(worked_bias_gradient(*args), *args), True, "+g")
    verdict(checks10.bias_gradient(-g + LAM * B_J, *args), False, "dl/db_i")
    verdict(checks10.bias_gradient(-(g + LAM * B_J), *args), False, "BPR-Opt")
    verdict(checks10.bias_gradient(g, *args), False, "penalty")
    verdict(checks10.bias_gradient(g + 2 * LAM * B_J, *args), False, "not 2 lam b_j")
    verdict(checks10.bias_gradient(sigmoid(x_hat) + LAM * B_J, *args), False, "not sigma(x̂)")
    verdict(checks10.bias_gradient(sigmoid(-(X_EX @ (YI_EX - YJ_EX))) + LAM * B_J, *args), False, "item biases")
    verdict(checks10.bias_gradient(7.0, *args), False, "should be")


def test_bias_gradient_matches_the_library():
    from mfedu.bpr import bpr_gradients
    X, Y, b = X_EX[None, :], np.array([YI_EX, YJ_EX]), np.array([B_I, B_J])
    want = bpr_gradients((np.array([0]), np.array([0]), np.array([1])), X, Y, LAM, b)["b"][1]
    assert np.isclose(worked_bias_gradient(X_EX, YI_EX, YJ_EX, B_I, B_J, LAM), want)


# ----------------------------------------------------------------------------- exercise 10.3

def worked_easy_share(model, triples, threshold=0.01):
    u, i, j = triples
    x_hat = np.sum(model.X[u] * (model.Y[i] - model.Y[j]), axis=1) + model.bi[i] - model.bi[j]
    return np.mean(sigmoid(-x_hat) < threshold)


def test_easy_share():
    want = worked_easy_share(MODEL, TRIPLES)
    assert 0.05 < want < 0.95                      # the fixture has both kinds
    u, i, j = TRIPLES
    plain = np.sum(MODEL.X[u] * (MODEL.Y[i] - MODEL.Y[j]), axis=1)
    x_hat = plain + MODEL.bi[i] - MODEL.bi[j]
    verdict(checks10.easy_share(None, MODEL, TRIPLES), None)
    verdict(checks10.easy_share(want, MODEL, TRIPLES, threshold=0.01), True, "other triples", "sampling SE", "BEFORE")
    verdict(checks10.easy_share(1 - want, MODEL, TRIPLES), False, "BELOW")
    wrong_side = np.mean(sigmoid(x_hat) < 0.01)
    if abs(wrong_side - want) > 1e-3 and abs(wrong_side - (1 - want)) > 1e-3:
        verdict(checks10.easy_share(wrong_side, MODEL, TRIPLES), False, "ordered wrong")
    no_bias = np.mean(sigmoid(-plain) < 0.01)
    if abs(no_bias - want) > 1e-3:
        verdict(checks10.easy_share(no_bias, MODEL, TRIPLES), False, "item biases")
    verdict(checks10.easy_share(100 * want, MODEL, TRIPLES), False, "percentage")
    # two slips with the same share (as on notebook 10's triples, where both are 0): both are named
    bi = np.zeros(PLAYS.shape[1])
    bi[-1] = -10.0                                 # the last item, never played: the only easy negative
    flat = dataclasses.replace(MODEL, X=np.zeros_like(MODEL.X), bi=bi)
    assert 0 < worked_easy_share(flat, TRIPLES) < 1
    verdict(checks10.easy_share(0.0, flat, TRIPLES), False, "two slips", "ordered wrong", "item biases")
    verdict(checks10.easy_share(1.7, MODEL, TRIPLES), False, "between 0 and 1")


@pytest.mark.parametrize("junk", JUNK)
def test_junk_answers_return_feedback(junk):
    for fb in (checks10.easy_pair_signal(junk, 5.0), checks10.bias_gradient(junk, X_EX, YI_EX, YJ_EX, B_I, B_J, LAM),
               checks10.easy_share(junk, MODEL, TRIPLES)):
        assert isinstance(fb, Feedback) and fb.ok is False, repr(fb)


def test_bad_problem_arguments_raise():
    with pytest.raises(TypeError, match="x_hat"):
        checks10.easy_pair_signal(0.1, "5")
    with pytest.raises(ValueError, match="equal lengths"):
        checks10.bias_gradient(0.1, X_EX, YI_EX, np.ones(3), B_I, B_J, LAM)
    with pytest.raises(ValueError, match="lam"):
        checks10.bias_gradient(0.1, X_EX, YI_EX, YJ_EX, B_I, B_J, -1.0)
    with pytest.raises(TypeError, match="BPRResult"):
        checks10.easy_share(0.1, "model", TRIPLES)
    with pytest.raises(TypeError, match="triples"):
        checks10.easy_share(0.1, MODEL, [1, 2, 3])
    with pytest.raises(ValueError, match="threshold"):
        checks10.easy_share(0.1, MODEL, TRIPLES, threshold=1.5)
