"""The model code (loss, SGD, ALS) never returns a silently wrong answer: a broken gradient fails
the gradient check, an overflow is an error that names its inputs, a diverging run blames the
argument that caused it, and every bad argument is named."""
import numpy as np
import pytest

from mfedu import als, als_implicit, sgd
from mfedu.data import Ratings, load_synthetic, toy, train_test_split
from mfedu.loss import NotFiniteError, gradient_check, gradients, mf_loss, predict, rating_gradients

T = toy()
RNG = np.random.default_rng(0)
X6, Y6 = RNG.normal(size=(6, 2)), RNG.normal(size=(6, 2))


# ----------------------------------------------------------------------------- gradient check

def constant(value):
    return lambda ratings, X, Y, lam, **kw: {"X": np.full(X.shape, value), "Y": np.full(Y.shape, value)}


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_gradient_with_nan_or_inf_fails_the_check(value):
    result = gradient_check(T, X6, Y6, 0.5, grad=constant(value))
    assert not result and result.max_rel_error == np.inf and "FAILED" in repr(result)


def test_an_eps_so_large_that_the_loss_overflows_is_an_error_not_a_pass():
    flipped = lambda r, X, Y, lam: {k: -v for k, v in gradients(r, X, Y, lam).items()}
    with pytest.raises(ValueError, match="eps = 1e\\+200 is too large"):
        gradient_check(T, X6, Y6, 0.5, grad=flipped, eps=1e200)
    assert not gradient_check(T, X6, Y6, 0.5, grad=flipped, eps=1e3)     # quadratic: still exact


def test_default_eps_does_not_fail_a_right_gradient_on_the_full_data():
    """|L| is about 1e6 there: rounding noise, not the gradient, decides small coordinates."""
    train, _ = train_test_split(load_synthetic("explicit"), 0.2, seed=0)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(0, 0.1, (train.n_users, 10)), rng.normal(0, 0.1, (train.n_items, 10))
    kw = dict(mu=float(train.values.mean()), bu=np.zeros(train.n_users), bi=np.zeros(train.n_items))
    right = gradient_check(train, X, Y, 1.0, n_coords=4, **kw)
    assert right and right.noise > 0
    halved = lambda r, X, Y, lam, **k: {n: g / 2 for n, g in gradients(r, X, Y, lam, **k).items()}
    assert not gradient_check(train, X, Y, 1.0, grad=halved, n_coords=4, **kw)
    tiny_eps = gradient_check(train, X, Y, 1.0, n_coords=4, eps=1e-6, **kw)
    assert tiny_eps.n_below_noise > right.n_below_noise          # blind, and it says so


def test_default_n_coords_checks_small_parameters_fully_and_samples_large_ones():
    assert gradient_check(T, X6, Y6, 0.5).n_checked == 24        # 12 + 12 entries, all of them
    r = Ratings([0, 1], [0, 150], [3.0, 4.0], 200, 200)
    X, Y = np.ones((200, 1)), np.ones((200, 1))
    assert gradient_check(r, X, Y, 0.5).n_checked == 20           # 10 of X, 10 of Y
    assert gradient_check(r, X, Y, 0.5, n_coords="all").n_checked == 400


@pytest.mark.parametrize("grad, exc, message", [
    ("abc", TypeError, "grad must be a function"),
    (lambda r, X, Y, lam: {"X": "abc", "Y": Y}, TypeError, "grad returned str for X"),
    (lambda r, X, Y, lam: {"X": X + 1j, "Y": Y}, TypeError, "grad returned complex numbers for X"),
    (lambda r, X, Y, lam: {"X": X}, ValueError, r"grad must return the gradients of \['X', 'Y'\]"),
    (lambda r, X, Y, lam: {"X": X[:2], "Y": Y}, ValueError, r"grad returned shape \(2, 2\) for X"),
])
def test_a_malformed_gradient_is_named(grad, exc, message):
    with pytest.raises(exc, match=message):
        gradient_check(T, X6, Y6, 0.5, grad=grad)


def test_n_coords_is_checked():
    with pytest.raises(ValueError, match="n_coords must be an int >= 1"):
        gradient_check(T, X6, Y6, 0.5, n_coords=0)
    with pytest.raises(TypeError, match="n_coords must be an int"):
        gradient_check(T, X6, Y6, 0.5, n_coords="some")


# ----------------------------------------------------------------------------- overflow

def test_overflow_is_an_error_that_names_the_inputs():
    big = X6 * 1e200
    with pytest.raises(NotFiniteError, match="the prediction overflowed.*X, Y"):
        predict(big, Y6 * 1e200, [0], [1])
    with pytest.raises(NotFiniteError, match="mf_loss overflowed"):
        mf_loss(T, big, Y6, 0.5)
    with pytest.raises(NotFiniteError, match="the gradient in X overflowed"):
        gradients(T, big, Y6 * 1e200, 0.5)
    with pytest.raises(NotFiniteError, match="the gradient in x_u overflowed"):
        rating_gradients(1e308, np.array([1e308]), np.array([1e308]))
    assert issubclass(NotFiniteError, ValueError)


# ----------------------------------------------------------------------------- SGD

def test_sgd_epochs_validate_their_arguments():
    X, Y = np.zeros((6, 2)), np.zeros((6, 2))
    for epoch in (sgd.sgd_epoch, sgd.sgd_epoch_loop):
        for kw, message in ((dict(lr=np.nan), "lr must be finite"), (dict(lam=np.inf), "lam must be finite"),
                            (dict(mu=np.nan), "mu must be finite"), (dict(lr=0.0), "lr must be > 0")):
            args = {**dict(lr=0.1, lam=0.1, mu=0.0), **kw}
            with pytest.raises(ValueError, match=message):
                epoch(T, X, Y, **args)
        with pytest.raises(TypeError, match="X must be a float64 numpy array"):
            epoch(T, X.astype(np.float32), Y, 0.1, 0.1)
        with pytest.raises(ValueError, match=r"Y must have shape \(n_items = 6, k\)"):
            epoch(T, X, np.zeros((5, 2)), 0.1, 0.1)
        with pytest.raises(ValueError, match="bu and bi must be given together"):
            epoch(T, X, Y, 0.1, 0.1, bu=np.zeros(6))
        frozen = Y.copy()
        frozen.flags.writeable = False
        with pytest.raises(ValueError, match="Y must be writeable"):
            epoch(T, X, frozen, 0.1, 0.1)
        with pytest.raises(ValueError, match="X must contain only finite values"):
            epoch(T, np.full((6, 2), np.nan), Y, 0.1, 0.1)


def test_conflict_free_batches_memory_grows_with_the_ratings_not_the_ids():
    assert [b.tolist() for b in sgd.conflict_free_batches([10 ** 9, 10 ** 9], [0, 2 ** 40])] == [[0], [1]]
    with pytest.raises(ValueError, match="users and items must have equal lengths"):
        sgd.conflict_free_batches([0, 1], [0])


def test_a_diverging_run_blames_the_argument_that_caused_it():
    with pytest.raises(sgd.DivergenceError, match=r"lr \* lam = 3 > 2.*use a smaller lam"):
        sgd.sgd(T, rank=2, lam=200.0, lr=0.015)
    with pytest.raises(sgd.DivergenceError, match="lr = 0.9 is too large"):
        sgd.sgd(T, rank=2, lr=0.9)
    with pytest.raises(sgd.DivergenceError, match=r"lr \* weight_decay = .* > 2.*smaller weight_decay"):
        sgd.adam(T, rank=2, weight_decay=1e308)
    with pytest.raises(sgd.DivergenceError, match=r"2 lr lam = .* > 2.*smaller lam"):
        sgd.gradient_descent(T, rank=2, lam=1e6, lr=0.01, n_iters=3)


@pytest.mark.parametrize("trainer", [sgd.sgd, sgd.adam, sgd.gradient_descent])
def test_an_initial_loss_that_overflows_names_its_cause(trainer):
    with pytest.raises(ValueError, match="init_std = 1e\\+300 is too large"):
        trainer(T, rank=2, init_std=1e300)
    huge = Ratings(T.users, T.items, T.values * 1e300, 6, 6)
    with pytest.raises(ValueError, match="train holds values too large to train on"):
        trainer(huge, rank=2)


# ----------------------------------------------------------------------------- ALS

Y10 = np.random.default_rng(3).normal(size=(10, 3))


@pytest.mark.parametrize("kw, message", [
    (dict(Y=Y10, alpha=1e308), "the confidences overflow: alpha = 1e\\+308"),
    (dict(Y=Y10, alpha=1.0, confidence="log", eps=5e-324), "the confidences overflow.*log form"),
    (dict(Y=Y10 * 1e200), "the ridge solve overflowed"),
    (dict(Y=Y10 * 1e200, alpha=1.0), "fold_in overflowed: alpha, lam, Y or the counts of ratings_of_new_user"),
])
def test_fold_in_never_returns_nan_or_inf(kw, message):
    Y = kw.pop("Y")
    with pytest.raises(ValueError, match=message):
        als.fold_in({1: 3.0, 2: 5.0}, Y, 1.0, **kw)


def test_fold_in_without_item_biases_still_subtracts_mu():
    x0, _ = als.fold_in({1: 3.0, 2: 5.0, 4: 1.0}, Y10, 1.0, weighted=False)
    x_mu, _ = als.fold_in({1: 3.0, 2: 5.0, 4: 1.0}, Y10, 1.0, weighted=False, mu=3.0)
    assert np.allclose(x_mu, als.user_step(Y10[[1, 2, 4]], np.array([0.0, 2.0, -2.0]), 1.0))
    assert not np.allclose(x0, x_mu)


def test_implicit_als_on_counts_that_are_all_zero_is_an_error():
    with pytest.raises(ValueError, match="train must contain at least one positive count"):
        als.als_implicit(Ratings([0, 1], [0, 1], [0.0, 0.0], 2, 2), rank=1)


def test_readable_steps_reject_what_they_cannot_solve():
    with pytest.raises(TypeError, match="Y_u must be a 2-D numpy array"):
        als.user_step(None, [], 1.0)
    with pytest.raises(ValueError, match="the ridge solve overflowed"):
        als.user_step(np.full((2, 2), 1e200), [1.0, 2.0], 1.0)
    C = T.to_csr()
    C.data = als_implicit.confidence_from_counts(C.data, 1.0)
    with pytest.raises(ValueError, match="X0, the starting factors, is required"):
        als_implicit.half_step(C, Y6, 1.0, solver="cg")
    with pytest.raises(TypeError, match="pass R.data"):
        als_implicit.confidence_from_counts(C, 1.0)
    bad = C.copy()
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="R must contain only finite values"):
        als.half_step(bad, Y6, 1.0)
