"""Explicit and implicit ALS, fold-in: against readable loops, the loss, and each other."""
import numpy as np
import pytest

from mfedu import als, als_implicit
from mfedu.data import Ratings, train_test_split
from mfedu.loss import gradients, mf_loss
from mfedu.synthetic import make_synthetic

SMALL = make_synthetic(seed=3, n_users=60, n_items=80, n_ratings=1500)
SMALL_FULL = make_synthetic()                  # MovieLens-shaped: the set the defaults are for


def with_empty(r: Ratings) -> Ratings:
    """The same ratings plus one user and one item that have none."""
    return Ratings(r.users, r.items, r.values, r.n_users + 1, r.n_items + 1)


EXPLICIT = with_empty(SMALL.explicit)
IMPLICIT = with_empty(SMALL.implicit)


def random_factors(n, k, seed=0):
    return np.random.default_rng(seed).normal(scale=0.5, size=(n, k))


def confidences(r: Ratings, alpha: float, confidence: str = "linear", eps: float = 1.0):
    """C: the CSR matrix of c_ui on the played entries (notebook 07, eqs. (2)-(3))."""
    C = r.to_csr()
    C.eliminate_zeros()                            # a zero count is not a play
    C.data = als_implicit.confidence_from_counts(C.data, alpha, confidence, eps)
    return C


# ----------------------------------------------------------------------------- explicit

@pytest.mark.parametrize("lam", [0.0, 0.05, 3.0])
@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("biased", [False, True])
def test_als_explicit_equals_the_readable_half_steps(lam, weighted, biased):
    """The trainer's batched solves (mfedu._ridge) give what user_step gives row by row."""
    r, k, seed = EXPLICIT, 5, 4
    model = als.als_explicit(r, rank=k, lam=lam, n_iters=3, biased=biased, weighted=weighted, seed=seed)
    R_u, R_i = r.to_csr(), r.to_csr().T.tocsr()
    reg_u, reg_i = (lam * np.diff(R_u.indptr), lam * np.diff(R_i.indptr)) if weighted else (lam, lam)
    Y = 0.1 * np.random.default_rng(seed).standard_normal((r.n_items, k))   # the trainer's start
    mu = float(r.values.mean()) if biased else 0.0
    bi = np.zeros(r.n_items) if biased else None
    for _ in range(3):
        if biased:
            X, bu = als.half_step(R_u, Y, reg_u, f_bias=bi, mu=mu)
            Y, bi = als.half_step(R_i, X, reg_i, f_bias=bu, mu=mu)
        else:
            X = als.half_step(R_u, Y, reg_u)
            Y = als.half_step(R_i, X, reg_i)
    assert np.allclose(model.X, X, atol=1e-8) and np.allclose(model.Y, Y, atol=1e-8)
    if biased:
        assert np.allclose(model.bu, bu, atol=1e-8) and np.allclose(model.bi, bi, atol=1e-8)
    assert np.all(model.X[-1] == 0) and np.all(model.Y[-1] == 0)   # no ratings: factor 0


def test_user_step_is_the_ridge_solution():
    """x_u minimises ||r_u - Y_u x||^2 + reg ||x||^2: its gradient there is 0 (notebook 06, eq. (3))."""
    Y_u, r_u = random_factors(7, 3), np.arange(7.0)
    x = als.user_step(Y_u, r_u, 0.8)
    assert np.allclose(-2 * Y_u.T @ (r_u - Y_u @ x) + 2 * 0.8 * x, 0, atol=1e-12)
    assert np.array_equal(als.user_step(np.zeros((0, 3)), [], 0.8), np.zeros(3))   # no ratings
    singular = als.user_step(Y_u[:2], r_u[:2], 0.0)            # 2 ratings, k = 3: minimum norm
    assert np.allclose(Y_u[:2] @ singular, r_u[:2]) and np.allclose(singular, np.linalg.pinv(Y_u[:2]) @ r_u[:2])
    with pytest.raises(ValueError, match="r_u must have length"):
        als.user_step(Y_u, r_u[:3], 0.8)
    with pytest.raises(ValueError, match="reg must be >= 0"):
        als.user_step(Y_u, r_u, -1.0)


@pytest.mark.parametrize("biased", [False, True])
@pytest.mark.parametrize("weighted", [True, False])
def test_each_half_step_minimises_mf_loss(biased, weighted):
    """After a user step the gradient of mf_loss in X (and bu) is 0; the loss never rises."""
    r = EXPLICIT
    lam = 0.05 if weighted else 2.0
    R_u, R_i = r.to_csr(), r.to_csr().T.tocsr()
    w_u, w_i = (np.diff(R_u.indptr), np.diff(R_i.indptr)) if weighted else (1, 1)
    mu = float(r.values.mean()) if biased else 0.0
    Y = random_factors(r.n_items, 4)
    X = random_factors(r.n_users, 4, seed=1)
    bu = np.zeros(r.n_users) if biased else None
    bi = np.zeros(r.n_items) if biased else None
    losses = [mf_loss(r, X, Y, lam, mu, bu, bi, weighted)]
    for _ in range(6):
        X, bu = als.half_step(R_u, Y, lam * w_u, f_bias=bi, mu=mu) if biased else (als.half_step(R_u, Y, lam * w_u), None)
        g = gradients(r, X, Y, lam, mu, bu, bi, weighted)
        assert np.abs(g["X"]).max() < 1e-8 and (not biased or np.abs(g["bu"]).max() < 1e-8)
        losses.append(mf_loss(r, X, Y, lam, mu, bu, bi, weighted))
        Y, bi = als.half_step(R_i, X, lam * w_i, f_bias=bu, mu=mu) if biased else (als.half_step(R_i, X, lam * w_i), None)
        g = gradients(r, X, Y, lam, mu, bu, bi, weighted)
        assert np.abs(g["Y"]).max() < 1e-8 and (not biased or np.abs(g["bi"]).max() < 1e-8)
        losses.append(mf_loss(r, X, Y, lam, mu, bu, bi, weighted))
    assert np.all(np.diff(losses) <= 1e-9 * losses[0])
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("biased", [False, True])
@pytest.mark.parametrize("weighted", [True, False])
def test_als_explicit_history(biased, weighted):
    train, test = train_test_split(EXPLICIT, 0.2, seed=0)
    lam = 0.05 if weighted else 2.0
    model = als.als_explicit(train, rank=3, lam=lam, n_iters=8, biased=biased,
                             weighted=weighted, test=test)
    h = model.history
    assert all(len(v) == 8 for v in h.values())
    assert np.all(np.diff(h["loss"]) <= 1e-9 * h["loss"][0])
    assert np.all(np.diff(h["seconds"]) >= 0)
    assert h["loss"][-1] == pytest.approx(
        mf_loss(train, model.X, model.Y, lam, model.mu, model.bu, model.bi, weighted))
    assert h["test_rmse"][-1] == pytest.approx(
        np.sqrt(np.mean((test.values - model.predict(test.users, test.items)) ** 2)))
    assert (model.bu is not None) == biased and model.mu == (train.values.mean() if biased else 0)
    assert model.params["lam_convention"].startswith("weighted" if weighted else "plain")
    # the user and the item without ratings: factor 0, bias 0, so they are predicted by mu (+ b)
    assert np.all(model.X[-1] == 0) and np.all(model.Y[-1] == 0)
    assert not biased or (model.bu[-1] == 0 and model.bi[-1] == 0)


def test_als_explicit_is_deterministic_and_seeded():
    a = als.als_explicit(EXPLICIT, rank=3, n_iters=3, seed=5)
    b = als.als_explicit(EXPLICIT, rank=3, n_iters=3, seed=5)
    c = als.als_explicit(EXPLICIT, rank=3, n_iters=3, seed=6)
    assert np.array_equal(a.X, b.X) and not np.allclose(a.X, c.X)
    assert np.isnan(a.history["test_rmse"]).all()


def test_lam_zero_uses_the_minimum_norm_solution():
    # every user has fewer ratings than the rank: singular systems, yet a finite exact fit
    r = Ratings([0, 0, 1, 1, 2], [0, 1, 1, 2, 0], [5.0, 3.0, 4.0, 1.0, 2.0], 3, 3)
    model = als.als_explicit(r, rank=3, lam=0.0, n_iters=5)
    assert np.all(np.isfinite(model.X)) and model.history["train_rmse"][-1] < 1e-6


def test_defaults_give_a_good_model():
    data = SMALL_FULL
    train, test = train_test_split(data.explicit, 0.2, seed=0)
    model = als.als_explicit(train, test=test)
    mean_rmse = np.sqrt(np.mean((test.values - train.values.mean()) ** 2))
    oracle = data.truth.oracle_rmse(test)
    # closes most of the gap between predicting the mean and the oracle
    assert model.history["test_rmse"][-1] < oracle + 0.5 * (mean_rmse - oracle)


def test_default_lam_follows_the_convention():
    assert als.als_explicit(EXPLICIT, n_iters=1).params["lam"] == als.DEFAULT_LAM[True]
    assert als.als_explicit(EXPLICIT, n_iters=1, weighted=False).params["lam"] == als.DEFAULT_LAM[False]


def test_implicit_defaults_beat_popularity():
    from mfedu.metrics import popularity_baseline, ranking_metrics
    train, test = train_test_split(SMALL_FULL.implicit, 0.2, seed=0)
    ours = ranking_metrics(als.als_implicit(train), test, train)
    pop = ranking_metrics(popularity_baseline(train), test, train)
    assert ours["precision"] > pop["precision"] and ours["ndcg"] > pop["ndcg"]
    assert ours["epr"] < pop["epr"]


# ----------------------------------------------------------------------------- fold-in

@pytest.mark.parametrize("weighted", [True, False])
def test_fold_in_equals_the_als_user_step(weighted):
    r = EXPLICIT
    lam = 0.05 if weighted else 2.0
    model = als.als_explicit(r, rank=4, lam=lam, n_iters=3, weighted=weighted)
    R = r.to_csr()
    X_step = als.half_step(R, model.Y, lam * (np.diff(R.indptr) if weighted else 1))
    for u in (0, 7, 30):
        mine = r.users == u
        x, b = als.fold_in((r.items[mine], r.values[mine]), model.Y, lam, weighted=weighted)
        assert np.allclose(x, X_step[u]) and b == 0.0
    as_dict = {int(i): float(v) for i, v in zip(r.items[r.users == 7], r.values[r.users == 7])}
    assert np.allclose(als.fold_in(as_dict, model.Y, lam, weighted=weighted)[0], X_step[7])


def test_fold_in_biased_solves_the_user_step():
    r = EXPLICIT
    model = als.als_explicit(r, rank=4, lam=0.05, n_iters=3, biased=True)
    R = r.to_csr()
    X, bu = als.half_step(R, model.Y, 0.05 * np.diff(R.indptr), f_bias=model.bi, mu=model.mu)
    mine = r.users == 11
    x, b = als.fold_in((r.items[mine], r.values[mine]), model.Y, 0.05, mu=model.mu, bi=model.bi)
    assert np.allclose(x, X[11]) and b == pytest.approx(bu[11])


def test_fold_in_implicit_equals_the_exact_user_step():
    r = IMPLICIT
    model = als.als_implicit(r, rank=4, lam=1.0, alpha=2.0, n_iters=2)
    C = confidences(r, 2.0)
    X = als_implicit.half_step(C, model.Y, 1.0)
    mine = r.users == 4
    x, b = als.fold_in((r.items[mine], r.values[mine]), model.Y, 1.0, alpha=2.0)
    assert np.allclose(x, X[4]) and b == 0.0
    X_wr = als_implicit.half_step(C, model.Y, 1.0 * np.diff(C.indptr))
    x_wr, _ = als.fold_in((r.items[mine], r.values[mine]), model.Y, 1.0, alpha=2.0, weighted=True)
    assert np.allclose(x_wr, X_wr[4]) and not np.allclose(x_wr, x)


# ----------------------------------------------------------------------------- implicit

def dense_implicit_loss(r, X, Y, lam, c_of, weighted=False):
    counts = r.to_dense(fill=0.0)
    P, C = (counts > 0).astype(float), 1.0 + c_of(counts)
    n_u, n_i = (P.sum(axis=1), P.sum(axis=0)) if weighted else (1.0, 1.0)
    penalty = np.sum(n_u * np.sum(X ** 2, axis=1)) + np.sum(n_i * np.sum(Y ** 2, axis=1))
    return np.sum(C * (P - X @ Y.T) ** 2) + lam * penalty


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("confidence", ["linear", "log"])
def test_implicit_loss_equals_the_dense_sum(confidence, weighted):
    r = IMPLICIT
    X, Y = random_factors(r.n_users, 3), random_factors(r.n_items, 3, seed=1)
    alpha, eps = 3.0, 2.0
    c_of = (lambda R: alpha * R) if confidence == "linear" else (lambda R: alpha * np.log1p(R / eps))
    assert als.implicit_loss(r, X, Y, 0.7, alpha, confidence=confidence, eps=eps,
                             weighted=weighted) == pytest.approx(
        dense_implicit_loss(r, X, Y, 0.7, c_of, weighted), rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_implicit_exact_step_equals_the_dense_loop(weighted):
    """Equation (2) with C^u written out densely, one user at a time (the paper's form);
    weighted: lam n_u with n_u the number of items the user played (Spark's convention)."""
    r, alpha, lam = IMPLICIT, 2.0, 0.5
    Y = random_factors(r.n_items, 4)
    C = confidences(r, alpha)
    counts = r.to_dense(fill=0.0)
    n_u = (counts > 0).sum(axis=1)
    stacked = als_implicit.half_step(C, Y, lam * n_u if weighted else lam)
    for u in range(r.n_users):
        C_u = np.diag(1.0 + alpha * counts[u])
        p_u = (counts[u] > 0).astype(float)
        lam_u = lam * n_u[u] if weighted else lam
        if lam_u == 0:                                   # weighted, no plays: nothing to fit
            assert np.all(stacked[u] == 0)
            continue
        x_u = np.linalg.solve(Y.T @ C_u @ Y + lam_u * np.eye(4), Y.T @ C_u @ p_u)
        assert np.allclose(stacked[u], x_u)


def test_cg_approaches_the_exact_solve_as_steps_grow():
    r, lam = IMPLICIT, 0.5
    k = 6
    Y, X0 = random_factors(r.n_items, k), random_factors(r.n_users, k, seed=1)
    C = confidences(r, 5.0)
    exact = als_implicit.half_step(C, Y, lam)
    errors = [np.abs(als_implicit.half_step(C, Y, lam, solver="cg", X0=X0, n_steps=s) - exact).max()
              for s in (1, 2, 4, k)]
    assert np.all(np.diff(errors) < 0)
    assert errors[-1] < 1e-8            # CG is exact after k steps (in exact arithmetic)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("solver", ["cg", "exact"])
@pytest.mark.parametrize("confidence", ["linear", "log"])
def test_als_implicit_equals_the_readable_half_steps(solver, weighted, confidence):
    """The trainer's batched solves and batched CG (mfedu._ridge) give what the readable
    user_step / cg_user_step give row by row, sweep after sweep."""
    r, k, lam, alpha, seed = IMPLICIT, 4, (0.05 if weighted else 1.0), 3.0, 2
    model = als.als_implicit(r, rank=k, lam=lam, alpha=alpha, n_iters=3, solver=solver, seed=seed,
                             confidence=confidence, eps=2.0, cg_steps=2, weighted=weighted)
    C_u = confidences(r, alpha, confidence, 2.0)
    C_i = C_u.T.tocsr()
    reg_u, reg_i = (lam * np.diff(C_u.indptr), lam * np.diff(C_i.indptr)) if weighted else (lam, lam)
    rng = np.random.default_rng(seed)                            # the trainer's start
    X, Y = 0.01 * rng.standard_normal((r.n_users, k)), 0.01 * rng.standard_normal((r.n_items, k))
    for _ in range(3):
        X = als_implicit.half_step(C_u, Y, reg_u, solver=solver, X0=X, n_steps=2)
        Y = als_implicit.half_step(C_i, X, reg_i, solver=solver, X0=Y, n_steps=2)
    assert np.allclose(model.X, X, atol=1e-10) and np.allclose(model.Y, Y, atol=1e-10)


def test_cg_user_step_after_k_steps_is_the_user_step():
    Y = random_factors(30, 4)
    items, c = np.array([1, 5, 9, 20]), np.array([3.0, 1.5, 11.0, 2.0])
    exact = als_implicit.user_step(Y, items, c, 0.7)
    assert np.allclose(als_implicit.cg_user_step(Y, items, c, 0.7, np.ones(4), 4), exact, atol=1e-10)
    one = als_implicit.cg_user_step(Y, items, c, 0.7, np.zeros(4), 1)
    assert np.linalg.norm(one - exact) < np.linalg.norm(exact)    # one step already gets closer
    with pytest.raises(ValueError, match="c must hold the confidences c = 1 \\+ alpha r > 1"):
        als_implicit.user_step(Y, items, np.array([3.0, 1.0, 11.0, 2.0]), 0.7)   # c = 1: not played
    with pytest.raises(ValueError, match="items must be distinct"):
        als_implicit.user_step(Y, np.array([1, 1]), np.array([3.0, 2.0]), 0.7)
    with pytest.raises(ValueError, match=r"YtY must be Y.T @ Y, of shape \(4, 4\)"):
        als_implicit.user_step(Y, items, c, 0.7, YtY=np.eye(3))


def test_implicit_steps_with_lam_zero_take_the_minimum_norm_solution():
    """reg = 0 with item factors of rank 2 < k = 4: a singular system. The exact step takes the
    pseudo-inverse (as the explicit user_step does); CG stops when its direction has no
    curvature, in the readable and in the batched form alike."""
    rng = np.random.default_rng(5)
    r = IMPLICIT
    k = 4
    Y = rng.normal(size=(r.n_items, 2)) @ rng.normal(size=(2, k))     # rank 2
    C = confidences(r, 2.0)
    x = als_implicit.half_step(C, Y, 0.0)
    A_row = Y.T @ Y + Y[C[0].indices].T @ ((C[0].data - 1)[:, None] * Y[C[0].indices])
    assert np.allclose(x[0], np.linalg.pinv(A_row) @ (Y[C[0].indices].T @ C[0].data))
    model = als.als_implicit(r, rank=k, lam=0.0, alpha=2.0, n_iters=1, solver="cg", cg_steps=10, seed=1)
    rng0 = np.random.default_rng(1)
    X0, Y0 = 0.01 * rng0.standard_normal((r.n_users, k)), 0.01 * rng0.standard_normal((r.n_items, k))
    X1 = als_implicit.half_step(C, Y0, 0.0, solver="cg", X0=X0, n_steps=10)
    Y1 = als_implicit.half_step(C.T.tocsr(), X1, 0.0, solver="cg", X0=Y0, n_steps=10)
    assert np.allclose(model.X, X1, atol=1e-8) and np.allclose(model.Y, Y1, atol=1e-8)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("solver", ["cg", "exact"])
def test_als_implicit_loss_is_non_increasing(solver, weighted):
    lam = 0.05 if weighted else 1.0
    model = als.als_implicit(IMPLICIT, rank=5, lam=lam, alpha=3.0, n_iters=8, solver=solver,
                             weighted=weighted)
    loss = model.history["loss"]
    assert np.all(np.diff(loss) <= 1e-9 * loss[0])
    assert loss[-1] == pytest.approx(als.implicit_loss(IMPLICIT, model.X, model.Y, lam, 3.0,
                                                       weighted=weighted))
    assert np.isnan(model.history["train_rmse"]).all()
    assert np.all(model.X[-1] == 0) and np.all(model.Y[-1] == 0)   # no interactions: 0
    assert model.params["solver"] == solver and model.params["weighted"] == weighted
    assert model.params["lam_convention"] == ("weighted: lam * n_u, lam * n_i" if weighted else "plain: lam")


def test_weighted_implicit_half_steps_minimise_the_weighted_loss():
    """At the result of a weighted user step, moving any x_u raises implicit_loss(weighted=True)."""
    r, lam, alpha = IMPLICIT, 0.05, 3.0
    C = confidences(r, alpha)
    n_u = np.diff(C.indptr)
    Y = random_factors(r.n_items, 3, seed=2)
    X = als_implicit.half_step(C, Y, lam * n_u)
    best = als.implicit_loss(r, X, Y, lam, alpha, weighted=True)
    rng = np.random.default_rng(0)
    for _ in range(5):
        nudged = X + 1e-3 * rng.standard_normal(X.shape) * (n_u > 0)[:, None]
        assert als.implicit_loss(r, nudged, Y, lam, alpha, weighted=True) > best
    plain = als_implicit.half_step(C, Y, lam)                     # a different minimiser
    assert als.implicit_loss(r, plain, Y, lam, alpha, weighted=True) > best


@pytest.mark.parametrize("steps", [None, 1, 3])
def test_every_implicit_half_step_lowers_the_loss(steps):
    """None: the exact solver; otherwise that many CG steps (each lowers the quadratic)."""
    r, lam, alpha = IMPLICIT, 0.5, 4.0
    C_u = confidences(r, alpha)
    C_i = C_u.T.tocsr()
    X, Y = random_factors(r.n_users, 4), random_factors(r.n_items, 4, seed=1)
    losses = [als.implicit_loss(r, X, Y, lam, alpha)]
    solver = "exact" if steps is None else "cg"
    for _ in range(5):
        X = als_implicit.half_step(C_u, Y, lam, solver=solver, X0=X, n_steps=steps or 0)
        losses.append(als.implicit_loss(r, X, Y, lam, alpha))
        Y = als_implicit.half_step(C_i, X, lam, solver=solver, X0=Y, n_steps=steps or 0)
        losses.append(als.implicit_loss(r, X, Y, lam, alpha))
    assert np.all(np.diff(losses) <= 1e-9 * losses[0]) and losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("weighted", [False, True])
def test_als_implicit_cg_with_many_steps_matches_exact(weighted):
    kw = dict(rank=4, lam=0.05 if weighted else 1.0, alpha=3.0, n_iters=4, seed=2, weighted=weighted)
    exact = als.als_implicit(IMPLICIT, solver="exact", **kw)
    cg = als.als_implicit(IMPLICIT, solver="cg", cg_steps=12, **kw)
    assert np.allclose(cg.X, exact.X, atol=1e-6) and np.allclose(cg.Y, exact.Y, atol=1e-6)


def test_zero_counts_are_the_same_as_missing():
    r = SMALL.implicit
    zeros = Ratings(np.r_[r.users, 0], np.r_[r.items, np.setdiff1d(np.arange(r.n_items),
                    r.items[r.users == 0])[0]], np.r_[r.values, 0.0], r.n_users, r.n_items)
    a = als.als_implicit(r, rank=3, n_iters=2)
    b = als.als_implicit(zeros, rank=3, n_iters=2)
    assert np.allclose(a.X, b.X)


# ----------------------------------------------------------------------------- bad input

T = SMALL.explicit
Y3 = np.ones((T.n_items, 3))
BAD = [
    (lambda: als.als_explicit([1, 2]), TypeError, "train must be an mfedu.data.Ratings"),
    (lambda: als.als_explicit(Ratings([], [], [], 3, 3)), ValueError, "train must contain at least one"),
    (lambda: als.als_explicit(T, rank=0), ValueError, r"rank must be an int in \[1, min\(n_users, n_items\)"),
    (lambda: als.als_explicit(T, rank=2.5), TypeError, "rank must be an int"),
    (lambda: als.als_explicit(T, lam=-1.0), ValueError, "lam must be >= 0.0"),
    (lambda: als.als_explicit(T, lam=np.nan), ValueError, "lam must be finite"),
    (lambda: als.als_explicit(T, n_iters=0), ValueError, "n_iters must be an int >= 1"),
    (lambda: als.als_explicit(T, biased="yes"), TypeError, "biased must be True or False"),
    (lambda: als.als_explicit(T, weighted=1), TypeError, "weighted must be True or False"),
    (lambda: als.als_explicit(T, seed=-2), ValueError, "seed must be an int >= 0"),
    (lambda: als.als_explicit(T, test=Ratings([0], [0], [1.0], 2, 2)), ValueError, "test must have the shape of train"),
    (lambda: als.als_implicit(T, alpha=0.0), ValueError, "alpha must be > 0.0"),
    (lambda: als.als_implicit(T, solver="lu"), ValueError, "solver must be one of"),
    (lambda: als.als_implicit(T, confidence="sqrt"), ValueError, "confidence must be one of"),
    (lambda: als.als_implicit(T, confidence="log", eps=0.0), ValueError, "eps must be > 0.0"),
    (lambda: als.als_implicit(T, cg_steps=0), ValueError, "cg_steps must be an int >= 1"),
    (lambda: als.als_implicit(T, lam=-0.1), ValueError, "lam must be >= 0.0"),
    (lambda: als.als_implicit(T, rank=10_000), ValueError, "rank must be an int in"),
    (lambda: als.als_implicit(Ratings([0], [0], [-1.0], 2, 2), rank=1), ValueError, "counts >= 0"),
    (lambda: als.implicit_loss(T, np.ones((2, 3)), Y3, 1.0, 1.0), ValueError, "X and Y must have shapes"),
    (lambda: als.fold_in({0: 5.0}, Y3, -1.0), ValueError, "lam must be >= 0.0"),
    (lambda: als.fold_in({T.n_items: 5.0}, Y3, 1.0), ValueError, r"items of ratings_of_new_user must be in \[0, n_items"),
    (lambda: als.fold_in(([0, 1], [5.0]), Y3, 1.0), ValueError, "values of ratings_of_new_user must have length"),
    (lambda: als.fold_in(([0, 0], [5.0, 4.0]), Y3, 1.0), ValueError, "must be distinct"),
    (lambda: als.fold_in([5.0, 4.0, 3.0], Y3, 1.0), TypeError, "ratings_of_new_user must be a dict"),
    (lambda: als.fold_in({0: 5.0}, Y3, 1.0, bi=np.ones(3)), ValueError, "bi must have length n_items"),
    (lambda: als.fold_in({0: 5.0}, "Y", 1.0), TypeError, "Y must be a 2-D numpy array"),
    (lambda: als.fold_in({0: 5.0}, Y3, 1.0, alpha=-2.0), ValueError, "alpha must be > 0.0"),
    (lambda: als.fold_in({0: np.nan}, Y3, 1.0), ValueError, "values of ratings_of_new_user must contain only finite"),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input_gives_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
