"""Confidence-weighted explicit ALS (notebook 09; Koren, Bell, Volinsky 2009, "inputs with varying
confidence levels"): sum c_ui e_ui^2 + the penalty, fitted by notebook 06's half-steps."""
import numpy as np
import pytest
import scipy.sparse as sp

from mfedu.als import als_explicit, half_step, user_step
from mfedu.data import Ratings, toy, train_test_split
from mfedu.loss import mf_loss
from mfedu.metrics import model_rmse
from mfedu.synthetic import make_synthetic


def test_user_step_solves_the_weighted_normal_equations():
    rng = np.random.default_rng(0)
    Y_u, r_u, c_u = rng.normal(size=(7, 3)), rng.integers(1, 6, 7).astype(float), rng.uniform(0.2, 3, 7)
    C = np.diag(c_u)
    expected = np.linalg.solve(Y_u.T @ C @ Y_u + 0.4 * np.eye(3), Y_u.T @ C @ r_u)
    assert np.allclose(user_step(Y_u, r_u, 0.4, c_u), expected)
    assert np.allclose(user_step(Y_u, r_u, 0.4, np.ones(7)), user_step(Y_u, r_u, 0.4))
    # it minimises the weighted ridge objective: any move raises it
    f = lambda x: c_u @ (r_u - Y_u @ x) ** 2 + 0.4 * x @ x   # noqa: E731
    x = user_step(Y_u, r_u, 0.4, c_u)
    assert all(f(x + d) > f(x) for d in 1e-3 * rng.normal(size=(5, 3)))


@pytest.mark.parametrize("biased", [False, True])
def test_als_with_confidences_equals_the_readable_half_steps(biased):
    train, _ = train_test_split(toy(), 0.25, seed=0)
    c = np.linspace(0.3, 2.5, len(train))
    model = als_explicit(train, rank=2, lam=0.2, n_iters=2, biased=biased, confidence=c)
    # the same two sweeps by the readable loop, from als_explicit's start
    R_u = train.to_csr()
    R_i = R_u.T.tocsr()
    C_u = sp.csr_matrix((c, (train.users, train.items)), shape=train.shape)
    C_i = C_u.T.tocsr()
    reg_u, reg_i = 0.2 * np.diff(R_u.indptr), 0.2 * np.diff(R_i.indptr)
    Y = 0.1 * np.random.default_rng(0).standard_normal((train.n_items, 2))
    mu = float(train.values.mean()) if biased else 0.0
    bi = np.zeros(train.n_items) if biased else None
    for _ in range(2):
        if biased:
            X, bu = half_step(R_u, Y, reg_u, f_bias=bi, mu=mu, C=C_u)
            Y, bi = half_step(R_i, X, reg_i, f_bias=bu, mu=mu, C=C_i)
        else:
            X = half_step(R_u, Y, reg_u, C=C_u)
            Y = half_step(R_i, X, reg_i, C=C_i)
    assert np.allclose(model.X, X, atol=1e-12) and np.allclose(model.Y, Y, atol=1e-12)
    assert np.isclose(model.history["loss"][-1],
                      mf_loss(train, X, Y, 0.2, mu, bu if biased else None, bi, weighted=True, confidence=c))


def test_unit_confidences_change_nothing_and_scaling_them_is_scaling_lambda():
    train, _ = train_test_split(toy(), 0.25, seed=0)
    plain = als_explicit(train, rank=2, lam=0.2, n_iters=4, biased=True)
    ones = als_explicit(train, rank=2, lam=0.2, n_iters=4, biased=True, confidence=np.ones(len(train)))
    assert np.allclose(plain.X, ones.X) and np.allclose(plain.bi, ones.bi)
    c = np.linspace(0.3, 2.5, len(train))
    a = als_explicit(train, rank=2, lam=0.2, n_iters=4, biased=True, confidence=c)
    b = als_explicit(train, rank=2, lam=0.2 * 7.0, n_iters=4, biased=True, confidence=7.0 * c)
    assert np.allclose(a.X, b.X) and np.allclose(a.Y, b.Y)     # 7 x the whole loss: the same minimiser
    assert all(y <= x + 1e-9 for x, y in zip(a.history["loss"], a.history["loss"][1:]))   # never rises


def test_weights_that_match_the_noise_help():
    """Make a third of the training ratings much noisier (sd 2 added) and tell the fit so (their
    confidence 1 / (1 + 2^2 / 0.8^2) relative to the clean ones): the test RMSE on the untouched
    test ratings drops against the unweighted fit of the same noisy data."""
    syn = make_synthetic()
    train, test = train_test_split(syn.explicit, 0.2, seed=0)
    rng = np.random.default_rng(1)
    noisy = rng.random(len(train)) < 1 / 3
    values = train.values + np.where(noisy, rng.normal(0, 2.0, len(train)), 0.0)
    dirty = Ratings(train.users, train.items, values, *train.shape)
    confidence = np.where(noisy, 1 / (1 + 2.0 ** 2 / 0.8 ** 2), 1.0)
    unweighted = als_explicit(dirty, biased=True)
    weighted = als_explicit(dirty, biased=True, confidence=confidence)
    assert model_rmse(weighted, test) < model_rmse(unweighted, test) - 0.05     # 0.984 against 1.062 (clean data: 0.967)


def test_bad_confidences_are_named():
    train, _ = train_test_split(toy(), 0.25, seed=0)
    for bad, match in ((np.zeros(len(train)), "confidence must hold confidences > 0"),
                       (np.ones(len(train) - 1), "confidence"), (np.full(len(train), np.nan), "confidence")):
        with pytest.raises(ValueError, match=match):
            als_explicit(train, rank=2, confidence=bad)
    R = train.to_csr()
    with pytest.raises(ValueError, match="C must have R's non-zero pattern"):
        half_step(R, np.ones((train.n_items, 2)), 0.1, C=sp.eye(*R.shape, format="csr"))
    with pytest.raises(ValueError, match="c_u"):
        user_step(np.ones((3, 2)), np.ones(3), 0.1, c_u=[1.0, -1.0, 1.0])
