"""Explicit and implicit ALS, fold-in: against readable loops, the loss, and each other."""
import numpy as np
import pytest

from mfedu import als
from mfedu.als import _explicit_step, _half_step_loop, _row_blocks
from mfedu.als_implicit import _check_confidence, _implicit_cg_step, _implicit_exact_step
from mfedu.data import Ratings, make_synthetic, train_test_split
from mfedu.loss import gradients, mf_loss

SMALL = make_synthetic(seed=3, n_users=60, n_items=80, n_ratings=1500)
SMALL_FULL = make_synthetic()                  # MovieLens-shaped: the set the defaults are for


def with_empty(r: Ratings) -> Ratings:
    """The same ratings plus one user and one item that have none."""
    return Ratings(r.users, r.items, r.values, r.n_users + 1, r.n_items + 1)


EXPLICIT = with_empty(SMALL.explicit)
IMPLICIT = with_empty(SMALL.implicit)


def random_factors(n, k, seed=0):
    return np.random.default_rng(seed).normal(scale=0.5, size=(n, k))


# ----------------------------------------------------------------------------- explicit

@pytest.mark.parametrize("lam", [0.0, 0.05, 3.0])
@pytest.mark.parametrize("weighted", [True, False])
def test_stacked_half_step_equals_the_loop(lam, weighted):
    R = EXPLICIT.to_csr()
    Y = random_factors(R.shape[1], 5)
    reg = lam * (np.diff(R.indptr) if weighted else 1)
    stacked, _ = _explicit_step(R, Y, None, 0.0, reg, _row_blocks(R), False, lam)
    assert np.allclose(stacked, _half_step_loop(R, Y, reg, lam), atol=1e-8)
    assert np.all(stacked[-1] == 0)                  # the user with no ratings gets x_u = 0


def test_blocks_cover_every_non_zero_once():
    R = EXPLICIT.to_csr()
    slots = np.concatenate([s.ravel() for _, s in _row_blocks(R, size=7)])
    assert np.array_equal(np.sort(slots[slots < R.nnz]), np.arange(R.nnz))
    rows = np.concatenate([rows for rows, _ in _row_blocks(R, size=7)])
    assert np.array_equal(np.sort(rows), np.arange(R.shape[0]))


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
        X, bu = _explicit_step(R_u, Y, bi, mu, lam * w_u, _row_blocks(R_u), biased, lam)
        g = gradients(r, X, Y, lam, mu, bu, bi, weighted)
        assert np.abs(g["X"]).max() < 1e-8 and (not biased or np.abs(g["bu"]).max() < 1e-8)
        losses.append(mf_loss(r, X, Y, lam, mu, bu, bi, weighted))
        Y, bi = _explicit_step(R_i, X, bu, mu, lam * w_i, _row_blocks(R_i), biased, lam)
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
    assert model.params["lam_convention"].startswith("ALS-WR" if weighted else "plain")
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
    X_step = _half_step_loop(R, model.Y, lam * (np.diff(R.indptr) if weighted else 1), lam)
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
    X, bu = _explicit_step(R, model.Y, model.bi, model.mu, 0.05 * np.diff(R.indptr),
                           _row_blocks(R), True, 0.05)
    mine = r.users == 11
    x, b = als.fold_in((r.items[mine], r.values[mine]), model.Y, 0.05, mu=model.mu, bi=model.bi)
    assert np.allclose(x, X[11]) and b == pytest.approx(bu[11])


def test_fold_in_implicit_equals_the_exact_user_step():
    r = IMPLICIT
    model = als.als_implicit(r, rank=4, lam=1.0, alpha=2.0, n_iters=2)
    C = _check_confidence(r.to_csr(), 2.0, "linear", 1.0)
    X = _implicit_exact_step(C, model.Y, 1.0, _row_blocks(C))
    mine = r.users == 4
    x, b = als.fold_in((r.items[mine], r.values[mine]), model.Y, 1.0, alpha=2.0)
    assert np.allclose(x, X[4]) and b == 0.0
    X_wr = _implicit_exact_step(C, model.Y, 1.0 * np.diff(C.indptr), _row_blocks(C))
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
    C = _check_confidence(r.to_csr(), alpha, "linear", 1.0)
    counts = r.to_dense(fill=0.0)
    n_u = (counts > 0).sum(axis=1)
    stacked = _implicit_exact_step(C, Y, lam * n_u if weighted else lam, _row_blocks(C))
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
    C = _check_confidence(r.to_csr(), 5.0, "linear", 1.0)
    blocks = _row_blocks(C)
    exact = _implicit_exact_step(C, Y, lam, blocks)
    errors = [np.abs(_implicit_cg_step(C, Y, X0, lam, blocks, s) - exact).max() for s in (1, 2, 4, k)]
    assert np.all(np.diff(errors) < 0)
    assert errors[-1] < 1e-8            # CG is exact after k steps (in exact arithmetic)


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
    assert model.params["lam_convention"] == ("ALS-WR: lam * n_u, lam * n_i" if weighted else "plain: lam")


def test_weighted_implicit_half_steps_minimise_the_weighted_loss():
    """At the result of a weighted user step, moving any x_u raises implicit_loss(weighted=True)."""
    r, lam, alpha = IMPLICIT, 0.05, 3.0
    C = _check_confidence(r.to_csr(), alpha, "linear", 1.0)
    n_u = np.diff(C.indptr)
    Y = random_factors(r.n_items, 3, seed=2)
    X = _implicit_exact_step(C, Y, lam * n_u, _row_blocks(C))
    best = als.implicit_loss(r, X, Y, lam, alpha, weighted=True)
    rng = np.random.default_rng(0)
    for _ in range(5):
        nudged = X + 1e-3 * rng.standard_normal(X.shape) * (n_u > 0)[:, None]
        assert als.implicit_loss(r, nudged, Y, lam, alpha, weighted=True) > best
    plain = _implicit_exact_step(C, Y, lam, _row_blocks(C))          # a different minimiser
    assert als.implicit_loss(r, plain, Y, lam, alpha, weighted=True) > best


@pytest.mark.parametrize("steps", [None, 1, 3])
def test_every_implicit_half_step_lowers_the_loss(steps):
    """None: the exact solver; otherwise that many CG steps (each lowers the quadratic)."""
    r, lam, alpha = IMPLICIT, 0.5, 4.0
    C_u = _check_confidence(r.to_csr(), alpha, "linear", 1.0)
    C_i = C_u.T.tocsr()
    X, Y = random_factors(r.n_users, 4), random_factors(r.n_items, 4, seed=1)
    losses = [als.implicit_loss(r, X, Y, lam, alpha)]
    for _ in range(5):
        X = (_implicit_exact_step(C_u, Y, lam, _row_blocks(C_u)) if steps is None
             else _implicit_cg_step(C_u, Y, X, lam, _row_blocks(C_u), steps))
        losses.append(als.implicit_loss(r, X, Y, lam, alpha))
        Y = (_implicit_exact_step(C_i, X, lam, _row_blocks(C_i)) if steps is None
             else _implicit_cg_step(C_i, X, Y, lam, _row_blocks(C_i), steps))
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
