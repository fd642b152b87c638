"""mfedu.sgd: vectorised SGD equals the loop, conflict-free batches, descent, divergence, bad input."""
import warnings

import numpy as np
import pytest

from mfedu.data import Ratings, load_synthetic, toy, train_test_split
from mfedu.synthetic import make_synthetic
from mfedu.loss import gradients, mf_loss
from mfedu.result import FitResult
from mfedu.sgd import (DIVERGENCE_FACTOR, DivergenceError, adam, conflict_free_batches,
                       gradient_descent, sgd, sgd_epoch, sgd_epoch_loop)


def random_problem(m, n, k, density, seed, biased):
    rng = np.random.default_rng(seed)
    mask = rng.random((m, n)) < density
    mask[0, 0] = True
    users, items = np.nonzero(mask)
    ratings = Ratings(users, items, rng.integers(1, 6, size=len(users)).astype(float), m, n)
    state = {"X": rng.normal(0, 0.3, size=(m, k)), "Y": rng.normal(0, 0.3, size=(n, k))}
    if biased:
        state.update(mu=float(ratings.values.mean()), bu=rng.normal(0, 0.2, size=m),
                     bi=rng.normal(0, 0.2, size=n))
    return ratings, state


def copy_state(state):
    return {key: (v.copy() if isinstance(v, np.ndarray) else v) for key, v in state.items()}


# ----------------------------------------------------------------------------- exact semantics

@pytest.mark.parametrize("biased", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_vectorised_epoch_equals_the_loop(biased, seed):
    ratings, state = random_problem(25, 35, 4, 0.3, seed, biased)
    rng = np.random.default_rng(100 + seed)
    loop, vec = copy_state(state), copy_state(state)
    for _ in range(5):
        order = rng.permutation(len(ratings))
        sgd_epoch_loop(ratings, lr=0.03, lam=0.05, order=order, **loop)
        sgd_epoch(ratings, lr=0.03, lam=0.05, order=order, **vec)
    for key in ("X", "Y") + (("bu", "bi") if biased else ()):
        assert not np.allclose(loop[key], state[key])             # training moved them
        np.testing.assert_allclose(vec[key], loop[key], rtol=0, atol=1e-12)


def test_vectorised_epoch_equals_the_loop_on_synthetic_data():
    train = load_synthetic("explicit").subset(np.arange(100_000) < 20_000)
    rng = np.random.default_rng(5)
    X, Y = rng.normal(0, 0.1, (train.n_users, 6)), rng.normal(0, 0.1, (train.n_items, 6))
    mu, bu, bi = float(train.values.mean()), np.zeros(train.n_users), np.zeros(train.n_items)
    order = rng.permutation(len(train))
    loop = [X.copy(), Y.copy(), bu.copy(), bi.copy()]
    vec = [X.copy(), Y.copy(), bu.copy(), bi.copy()]
    sgd_epoch_loop(train, loop[0], loop[1], 0.01, 0.1, mu, loop[2], loop[3], order)
    sgd_epoch(train, vec[0], vec[1], 0.01, 0.1, mu, vec[2], vec[3], order)
    for a, b in zip(vec, loop):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@pytest.mark.parametrize("biased", [False, True])
def test_sgd_vectorised_and_loop_give_the_same_model_and_history(biased):
    ratings, _ = random_problem(20, 30, 3, 0.35, seed=7, biased=False)
    kw = dict(rank=3, lam=0.05, lr=0.02, n_epochs=4, biased=biased, seed=3)
    a, b = sgd(ratings, vectorised=True, **kw), sgd(ratings, vectorised=False, **kw)
    np.testing.assert_allclose(a.X, b.X, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.Y, b.Y, rtol=0, atol=1e-12)
    if biased:
        np.testing.assert_allclose(a.bu, b.bu, rtol=0, atol=1e-12)
        np.testing.assert_allclose(a.bi, b.bi, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.history["loss"], b.history["loss"], rtol=1e-12)


def test_one_sgd_step_is_minus_half_lr_times_the_per_rating_gradient():
    # one rating: the epoch is one update, and l_ui summed over Omega is mf_loss(weighted=True)
    r = Ratings([1], [2], [4.0], 3, 4)
    rng = np.random.default_rng(0)
    X, Y, bu, bi = rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=3), rng.normal(size=4)
    lr, lam, mu = 0.1, 0.3, 3.0
    g = gradients(r, X, Y, lam, mu, bu, bi, weighted=True)
    new = [X.copy(), Y.copy(), bu.copy(), bi.copy()]
    sgd_epoch_loop(r, new[0], new[1], lr, lam, mu, new[2], new[3])
    for p, p_new, name in zip((X, Y, bu, bi), new, ("X", "Y", "bu", "bi")):
        np.testing.assert_allclose(p_new, p - lr / 2 * g[name], rtol=1e-12, atol=1e-15)


# ----------------------------------------------------------------------------- batching

def check_batches(users, items, batches):
    positions = np.concatenate(batches)
    assert np.array_equal(np.sort(positions), np.arange(len(users)))      # a partition
    level = np.empty(len(users), dtype=int)
    for b, batch in enumerate(batches):
        assert len(np.unique(users[batch])) == len(batch)                 # no user repeats
        assert len(np.unique(items[batch])) == len(batch)                 # no item repeats
        level[batch] = b
    for ids in (users, items):                                            # order respected
        for a in np.unique(ids):
            assert np.all(np.diff(level[ids == a]) > 0)
    return level


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_conflict_free_batches_invariants(seed):
    ratings, _ = random_problem(15, 20, 2, 0.4, seed, biased=False)
    order = np.random.default_rng(seed).permutation(len(ratings))
    users, items = ratings.users[order], ratings.items[order]
    batches = conflict_free_batches(users, items)
    level = check_batches(users, items, batches)
    # greedy: every rating sits right after the later of its user's and its item's previous one
    for j in range(len(users)):
        before = [level[p] for p in range(j) if users[p] == users[j] or items[p] == items[j]]
        assert level[j] == (max(before) + 1 if before else 0)
    degree = max(np.bincount(users).max(), np.bincount(items).max())
    assert len(batches) >= degree


def test_conflict_free_batches_by_hand():
    # (user, item): (0,0) (1,1) (0,1) (2,2) (1,0): (0,1) waits for user 0 and item 1
    users, items = np.array([0, 1, 0, 2, 1]), np.array([0, 1, 1, 2, 0])
    batches = conflict_free_batches(users, items)
    assert [b.tolist() for b in batches] == [[0, 1, 3], [2, 4]]
    assert conflict_free_batches(np.array([], dtype=int), np.array([], dtype=int)) == []


def test_toy_batches_cover_every_rating():
    t = toy()
    check_batches(t.users, t.items, conflict_free_batches(t.users, t.items))


# ----------------------------------------------------------------------------- descent

def test_gradient_descent_loss_decreases_for_a_small_step():
    ratings, _ = random_problem(30, 40, 3, 0.3, seed=4, biased=False)
    for biased in (False, True):
        model = gradient_descent(ratings, rank=3, lam=0.5, lr=5e-3, n_iters=200, biased=biased)
        loss = np.array(model.history["loss"])
        assert np.all(np.diff(loss) <= 0) and loss[-1] < 0.5 * model.params["initial_loss"]
        assert loss[-1] == pytest.approx(mf_loss(ratings, model.X, model.Y, 0.5, model.mu,
                                                 model.bu, model.bi), rel=1e-12)


@pytest.mark.parametrize("trainer", [sgd, adam])
def test_sgd_and_adam_lower_their_loss(trainer):
    ratings, _ = random_problem(30, 40, 3, 0.3, seed=5, biased=False)
    extra = {"batch_size": 50, "lr": 0.01} if trainer is adam else {"lr": 0.01}
    model = trainer(ratings, rank=3, lam=0.05, n_epochs=30, **extra)
    loss = model.history["loss"]
    # a small step: every epoch lowers the loss, from the initial one on
    assert np.all(np.diff([model.params["initial_loss"]] + loss) < 0)
    assert loss[-1] < 0.8 * model.params["initial_loss"]
    # the history loss is the weighted loss, the objective both follow
    assert loss[-1] == pytest.approx(mf_loss(ratings, model.X, model.Y, 0.05, model.mu,
                                             model.bu, model.bi, weighted=True), rel=1e-12)


def test_one_adam_step_and_adamw_decay_by_hand():
    ratings, state = random_problem(8, 9, 2, 0.5, seed=6, biased=False)
    lr, lam, wd, eps = 0.01, 0.2, 0.5, 1e-8
    for lam_, wd_ in ((lam, 0.0), (0.0, wd)):
        model = adam(ratings, rank=2, lam=lam_, weight_decay=wd_, lr=lr, n_epochs=1,
                     batch_size=len(ratings), biased=False, seed=0, eps=eps, init_std=0.3)
        X0 = np.random.default_rng(0).normal(0, 0.3, size=(8, 2))
        Y0 = np.random.default_rng(0).normal(0, 0.3, size=(8 + 9, 2))[8:]
        g = gradients(ratings, X0, Y0, lam_, weighted=True)
        # first step: m_hat = g, v_hat = g^2
        np.testing.assert_allclose(model.X, X0 - lr * wd_ * X0 - lr * g["X"] / (np.abs(g["X"]) + eps),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(model.Y, Y0 - lr * wd_ * Y0 - lr * g["Y"] / (np.abs(g["Y"]) + eps),
                                   rtol=1e-12, atol=1e-15)


def test_biased_sgd_defaults_fit_the_synthetic_data():
    syn = make_synthetic()
    train, test = train_test_split(syn.explicit, 0.2, seed=0)
    model = sgd(train, test=test)
    oracle = syn.truth.oracle_rmse(test)
    mean_only = np.sqrt(np.mean((test.values - train.values.mean()) ** 2))
    assert model.history["test_rmse"][-1] < oracle * 1.10 < mean_only
    assert model.history["train_rmse"][-1] < model.history["test_rmse"][-1]


# ----------------------------------------------------------------------------- result and history

@pytest.mark.parametrize("trainer,n_key", [(gradient_descent, "n_iters"), (sgd, "n_epochs"),
                                           (adam, "n_epochs")])
def test_result_history_and_params(trainer, n_key):
    ratings, _ = random_problem(12, 15, 2, 0.4, seed=8, biased=False)
    train, test = train_test_split(ratings, 0.25, seed=0)
    model = trainer(train, rank=2, **{n_key: 3}, seed=4, test=test)
    assert isinstance(model, FitResult) and model.rank == 2
    assert all(len(v) == 3 for v in model.history.values())
    assert np.all(np.isfinite(model.history["test_rmse"]))
    assert np.all(np.diff([0.0] + model.history["seconds"]) >= 0)
    assert model.params["method"] == trainer.__name__ and model.params[n_key] == 3
    assert "lam_convention" in model.params and model.params["seed"] == 4
    again = trainer(train, rank=2, **{n_key: 3}, seed=4)
    assert np.array_equal(again.X, model.X) and np.all(np.isnan(again.history["test_rmse"]))
    other = trainer(train, rank=2, **{n_key: 3}, seed=5)
    assert not np.allclose(other.X, model.X)


def test_unbiased_model_has_no_offset_and_biased_starts_at_the_mean():
    ratings, _ = random_problem(12, 15, 2, 0.4, seed=9, biased=False)
    plain = sgd(ratings, rank=2, n_epochs=1, biased=False)
    assert plain.mu == 0.0 and plain.bu is None and plain.bi is None
    biased = sgd(ratings, rank=2, n_epochs=1, biased=True)
    assert biased.mu == pytest.approx(ratings.values.mean()) and biased.bu.shape == (12,)


# ----------------------------------------------------------------------------- divergence

@pytest.mark.parametrize("trainer,kw,where", [
    (gradient_descent, {"lr": 0.5, "n_iters": 50}, "iteration"),
    (sgd, {"lr": 5.0, "n_epochs": 20}, "epoch"),
    (adam, {"lr": 1e4, "n_epochs": 20, "lam": 50.0, "batch_size": 10}, "epoch")])
def test_divergence_raises_a_clear_error_without_warnings(trainer, kw, where):
    ratings, _ = random_problem(20, 25, 3, 0.4, seed=10, biased=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                   # no RuntimeWarning may escape
        with pytest.raises(DivergenceError) as info:
            trainer(ratings, rank=3, **kw)
    err = info.value
    msg = str(err)
    assert f"{trainer.__name__} diverged at {where} {err.epoch}" in msg
    assert f"lr = {kw['lr']:g}" in msg and f"lr = {kw['lr'] / 10:g}" in msg and "smaller" in msg
    assert isinstance(err, FloatingPointError) and err.lr == kw["lr"]
    assert len(err.history["loss"]) == err.epoch >= 1
    last = err.history["loss"][-1]
    assert not np.isfinite(last) or last > DIVERGENCE_FACTOR * err.initial_loss
    assert all(np.isfinite(x) and x <= DIVERGENCE_FACTOR * err.initial_loss
               for x in err.history["loss"][:-1])


# ----------------------------------------------------------------------------- bad input

R, _ = random_problem(10, 12, 2, 0.5, seed=11, biased=False)
EMPTY = Ratings([], [], [], 3, 3)
BAD = [
    (lambda f: f(R, lr=0.0), ValueError, "lr must be > 0.0"),
    (lambda f: f(R, lr=-1e-3), ValueError, "lr must be > 0.0"),
    (lambda f: f(R, lr=np.inf), ValueError, "lr must be finite"),
    (lambda f: f(R, lam=-0.1), ValueError, "lam must be >= 0.0"),
    (lambda f: f(R, rank=0), ValueError, r"rank must be an int in \[1, min\(n_users, n_items\) = 10\]"),
    (lambda f: f(R, rank=11), ValueError, "rank must be an int in"),
    (lambda f: f(R, rank=2.5), TypeError, "rank must be an int"),
    (lambda f: f(EMPTY), ValueError, "train must contain at least one rating"),
    (lambda f: f([1, 2, 3]), TypeError, "train must be an mfedu.data.Ratings"),
    (lambda f: f(R, seed=-1), ValueError, "seed must be an int >= 0"),
    (lambda f: f(R, init_std=0.0), ValueError, "init_std must be > 0.0"),
    (lambda f: f(R, biased="yes"), TypeError, "biased must be True or False"),
    (lambda f: f(R, test=Ratings([0], [0], [1.0], 2, 2)), ValueError, "test must have the shape"),
]


@pytest.mark.parametrize("trainer", [gradient_descent, sgd, adam])
@pytest.mark.parametrize("call,exc,msg", BAD)
def test_bad_input(trainer, call, exc, msg):
    with pytest.raises(exc, match=msg):
        call(trainer)


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: sgd(R, n_epochs=0), ValueError, "n_epochs must be an int >= 1"),
    (lambda: adam(R, n_epochs=0), ValueError, "n_epochs must be an int >= 1"),
    (lambda: gradient_descent(R, n_iters=0), ValueError, "n_iters must be an int >= 1"),
    (lambda: sgd(R, vectorised=1), TypeError, "vectorised must be True or False"),
    (lambda: adam(R, batch_size=0), ValueError, "batch_size must be an int >= 1"),
    (lambda: adam(R, weight_decay=-1.0), ValueError, "weight_decay must be >= 0.0"),
    (lambda: adam(R, betas=(0.9, 1.0)), ValueError, r"betas must be in \[0, 1\)"),
    (lambda: adam(R, betas=0.9), TypeError, "betas must be a pair"),
    (lambda: adam(R, eps=0.0), ValueError, "eps must be > 0.0"),
    (lambda: conflict_free_batches([0, 1], [0]), ValueError, "users and items must have equal lengths"),
    (lambda: conflict_free_batches([0.5], [0]), TypeError, "users must hold integers"),
    (lambda: sgd_epoch(R, np.zeros((10, 2)), np.zeros((12, 2)), 0.1, 0.0, order=[0, 99]),
     ValueError, "order must hold indices in"),
])
def test_bad_input_specific(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()
