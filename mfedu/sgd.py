"""Gradient descent, stochastic gradient descent and Adam for matrix factorisation (notebooks 04-05).

Model, ``mfedu.loss.predict`` (notebook 03, eqs. (1) and (3); Koren, Bell, Volinsky 2009):

    biased=True:   r̂_ui = mu + b_u + b_i + x_u . y_i     mu = mean training rating, fixed
    biased=False:  r̂_ui = x_u . y_i                       no mu, no biases

Initialisation (all three trainers): x_u, y_i ~ N(0, init_std^2) from default_rng(seed),
b_u = b_i = 0. Every trainer returns a FitResult whose history has one row per epoch (GD: per
step), recorded AFTER that epoch; the initial state has no row. ``seconds`` counts the updates
only, not the loss and RMSE evaluation written to the history.

gradient_descent: full-batch steps on the PLAIN loss (``mf_loss(weighted=False)``):
    theta <- theta - lr dL/dtheta,   theta in {X, Y, bu, bi}    (notebook 04, eq. (7); the
    gradients are ``mfedu.loss.gradients``, notebook 04, eqs. (3)-(5))

sgd: one rating at a time, a fresh random order every epoch (Funk 2006; Koren, Bell, Volinsky
2009), written exactly as Surprise's SVD applies it (``sgd_update``, notebook 05, eq. (2)).
With e_ui = r_ui - r̂_ui:
    b_u <- b_u + lr (e_ui - lam b_u)
    b_i <- b_i + lr (e_ui - lam b_i)
    x_u <- x_u + lr (e_ui y_i - lam x_u)      x_u and y_i both from their values
    y_i <- y_i + lr (e_ui x_u - lam y_i)      before this rating
This is exactly -lr times the gradient of the per-rating term (notebook 05, eq. (1))
    l_ui = 1/2 [e_ui^2 + lam (b_u^2 + b_i^2 + ||x_u||^2 + ||y_i||^2)],
i.e. a plain gradient step on l_ui (texts that leave out the 1/2, as Surprise's documentation
does, fold the 2 into their rate). Summed over Omega, 2 l_ui gives ``mf_loss(weighted=True)``
(notebook 05, eq. (3)): a user with n_u ratings is penalised n_u times, so SGD's lam is the
WEIGHTED lambda (w_u = n_u, w_i = n_i), not the plain one of gradient_descent.

adam: mini-batch Adam (Kingma & Ba 2015) on the same per-rating terms; see its docstring.

Divergence: after every epoch (GD: step) the parameters and the loss must be finite and the loss
at most DIVERGENCE_FACTOR times the initial loss; otherwise a DivergenceError says where and
suggests a smaller lr. Overflow inside an epoch is silenced (np.errstate) and caught by that check.
"""
from __future__ import annotations

import time

import numpy as np

from ._validate import check_bool, check_float, check_int, check_matrix, check_rank, check_scale, check_vector
from .data import Ratings, check_ratings, check_test
from .loss import NotFiniteError, gradients, mf_loss
from .metrics import record_iteration
from .result import FitResult, lam_convention

STEP_INPUTS = "the ratings, x_u, y_i, mu, the biases, lr or lam"   # what an overflowing step names
DIVERGENCE_FACTOR = 1e3


class DivergenceError(FloatingPointError):
    """Training blew up at ``epoch`` (GD: step) with learning rate ``lr``.

    ``history`` holds the rows so far, the failing one last (its loss may be inf or NaN), so a
    notebook can plot what divergence looks like; ``initial_loss`` is the loss at initialisation.
    """

    def __init__(self, message: str, history: dict, epoch: int, lr: float, initial_loss: float):
        super().__init__(message)
        self.history, self.epoch, self.lr, self.initial_loss = history, epoch, lr, initial_loss


# ----------------------------------------------------------------------------- SGD epochs

def sgd_update(r_ui: float, x_u, y_i, b_u: float | None, b_i: float | None, mu: float, lr: float,
               lam: float, s_u=None) -> tuple:
    """One SGD step on one rating (notebook 05, eq. (2)), returning the new (b_u, b_i, x_u, y_i).

        e_ui = r_ui - (mu + b_u + b_i + x_u . y_i)
        b_u <- b_u + lr (e_ui - lam b_u)          b_i <- b_i + lr (e_ui - lam b_i)
        x_u <- x_u + lr (e_ui y_i - lam x_u)      y_i <- y_i + lr (e_ui x_u - lam y_i)

    Every right-hand side uses the values from BEFORE this step (y_i's update uses the old x_u).
    For a model without biases pass b_u = b_i = None (and mu = 0); they come back as None.
    ``s_u``: an optional fixed offset of the user's vector (SVD++'s implicit sum, notebook 09):
    the prediction and y_i's step then use x_u + s_u in place of x_u; x_u's step is the
    same; s_u itself is not updated. The inputs are not changed.
    """
    x_u = check_vector(x_u, "x_u")
    y_i = check_vector(y_i, "y_i", length=len(x_u), length_name=f"len(x_u) = {len(x_u)}")
    if s_u is not None:
        s_u = check_vector(s_u, "s_u", length=len(x_u), length_name=f"len(x_u) = {len(x_u)}")
    if (b_u is None) != (b_i is None):
        raise ValueError("b_u and b_i must be given together (a biased model) or both left None")
    if b_u is not None:
        b_u, b_i = check_float(b_u, "b_u"), check_float(b_i, "b_i")
    with np.errstate(over="ignore", invalid="ignore"):
        out = _sgd_update(check_float(r_ui, "r_ui"), x_u, y_i, b_u, b_i, check_float(mu, "mu"),
                          check_float(lr, "lr", low=0.0, low_open=True), check_float(lam, "lam", low=0.0),
                          s_u)
    if not all(np.all(np.isfinite(part)) for part in out if part is not None):
        raise NotFiniteError(f"the SGD step overflowed to inf or NaN: {STEP_INPUTS} are too large "
                             "for float64 arithmetic (keep factors and ratings on the scale of stars)")
    return out


def _sgd_update(r_ui, x_u, y_i, b_u, b_i, mu, lr, lam, s_u=None):
    biased = b_u is not None
    p_u = x_u if s_u is None else x_u + s_u
    e = r_ui - (mu + (b_u + b_i if biased else 0.0) + p_u @ y_i)
    if biased:
        b_u, b_i = b_u + lr * (e - lam * b_u), b_i + lr * (e - lam * b_i)
    return b_u, b_i, x_u + lr * (e * y_i - lam * x_u), y_i + lr * (e * p_u - lam * y_i)


def sgd_epoch_loop(train: Ratings, X, Y, lr: float, lam: float, mu: float = 0.0, bu=None,
                   bi=None, order=None, S=None) -> None:
    """One SGD epoch, one rating at a time: ``sgd_update`` for each rating, the readable reference.

    Visits the ratings in ``order`` (indices into ``train``; default: as stored) and updates
    X, Y (and bu, bi if given) IN PLACE. Plain Python over the ratings, numpy for the k-vectors.
    ``S``: optional (m, k) fixed user offsets s_u (``sgd_update``'s s_u; SVD++), not changed.
    """
    train, lr, lam, mu, S = _check_epoch(train, X, Y, lr, lam, mu, bu, bi, S)
    users, items, values = _ordered(train, order)
    biased = bu is not None
    for u, i, r_ui in zip(users.tolist(), items.tolist(), values.tolist()):
        b_u, b_i, X[u], Y[i] = _sgd_update(r_ui, X[u], Y[i], bu[u] if biased else None,
                                           bi[i] if biased else None, mu, lr, lam,
                                           None if S is None else S[u])
        if biased:
            bu[u], bi[i] = b_u, b_i
    _check_epoch_result(X, Y, bu, bi)


def conflict_free_batches(users, items) -> list[np.ndarray]:
    """Split a sequence of ratings into batches in which no user and no item repeats.

    Rating j goes to level (notebook 05, eq. (4))
        l_j = 1 + max(last level of user u_j, last level of item i_j)
    (the dependency graph layered by its longest chain ending at each rating). Two ratings
    that share a user or an item are then in different batches, the earlier one first, and
    ratings that share neither do not affect each other: so applying the SGD updates batch by
    batch, each batch at once, gives exactly the sequential result. There are at least
    max(n_u, n_i) batches. Returns, for each level, the positions (into ``users``) in it, ascending.
    Memory grows with the number of ratings, not with the size of the ids.
    """
    users, items = check_vector(users, "users", dtype=np.int64), check_vector(items, "items", dtype=np.int64)
    if len(users) != len(items):
        raise ValueError(f"users and items must have equal lengths, got {len(users)} and {len(items)}")
    if len(users) and min(users.min(), items.min()) < 0:
        raise ValueError("users and items must be ids >= 0")
    if len(users) == 0:
        return []
    users = np.unique(users, return_inverse=True)[1].reshape(-1)    # ids 0 .. (distinct users - 1)
    items = np.unique(items, return_inverse=True)[1].reshape(-1)
    by_level, ends = _level_order(users, items)
    return np.split(by_level, ends[:-1])


def _level_order(users: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Positions sorted by level (stable) and where each level ends in that order."""
    # The levels are inherently sequential: plain Python on lists is the fastest way without a
    # compiler (benchmarks/sgd.py times it against the whole vectorised epoch).
    last_u, last_i = [0] * (int(users.max()) + 1), [0] * (int(items.max()) + 1)
    levels = []
    for u, i in zip(users.tolist(), items.tolist()):
        a, b = last_u[u], last_i[i]
        level = (a if a > b else b) + 1
        last_u[u] = last_i[i] = level
        levels.append(level)
    levels = np.fromiter(levels, dtype=np.int64, count=len(levels))
    # int16 keys get numpy's radix sort, 5x faster than the merge sort used for int64
    key = levels.astype(np.int16) if levels.max() < 2 ** 15 else levels
    return np.argsort(key, kind="stable"), np.cumsum(np.bincount(levels)[1:]).tolist()


def sgd_epoch(train: Ratings, X, Y, lr: float, lam: float, mu: float = 0.0, bu=None, bi=None,
              order=None, S=None) -> None:
    """One SGD epoch, vectorised, equal to ``sgd_epoch_loop`` on the same order (to rounding).

    The ratings are grouped by ``conflict_free_batches``; each batch is one numpy update of
    all its rows at once. The biases ride along as two extra columns,
    [x_u, b_u, 1] . [y_i, 1, b_i] = x_u . y_i + b_u + b_i, so one row update applies the whole
    rule (the b_u column gets b_u + lr (e - lam b_u)); the 1-columns are reset after it.
    ``S``: optional fixed user offsets, as in ``sgd_epoch_loop`` (zero in the bias columns).
    """
    train, lr, lam, mu, S = _check_epoch(train, X, Y, lr, lam, mu, bu, bi, S)
    users, items, values = _ordered(train, order)
    if len(users) == 0:
        return
    by_level, ends = _level_order(users, items)
    users, items = users[by_level], items[by_level]
    lr_r = lr * (values[by_level] - mu)
    k, biased, shrink = X.shape[1], bu is not None, 1.0 - lr * lam
    if biased:
        Xa = np.column_stack([X, bu, np.ones(len(bu))])
        Ya = np.column_stack([Y, np.ones(len(bi)), bi])
    else:
        Xa, Ya = X.copy(), Y.copy()
    Sa = None if S is None else np.pad(S, ((0, 0), (0, Xa.shape[1] - k)))
    start = 0
    for end in ends:
        u, i = users[start:end], items[start:end]
        x_u, y_i = Xa.take(u, axis=0), Ya.take(i, axis=0)       # copies: the old values
        p_u = x_u if Sa is None else x_u + Sa.take(u, axis=0)
        lr_e = (lr_r[start:end] - lr * np.einsum("jk,jk->j", p_u, y_i))[:, None]   # lr e_ui
        x_new = lr_e * y_i
        x_new += shrink * x_u                 # x_u + lr (e_ui y_i - lam x_u)
        y_i *= shrink
        y_i += lr_e * p_u                     # y_i + lr (e_ui p_u - lam y_i), old x_u
        if biased:
            x_new[:, k + 1] = y_i[:, k] = 1.0
        Xa[u], Ya[i] = x_new, y_i
        start = end
    X[:], Y[:] = Xa[:, :k], Ya[:, :k]
    if biased:
        bu[:], bi[:] = Xa[:, k], Ya[:, k + 1]
    _check_epoch_result(X, Y, bu, bi)


def _check_epoch(train, X, Y, lr, lam, mu, bu, bi, S=None):
    """The arguments of an SGD epoch (X, Y, bu, bi are updated in place; S is only read)."""
    train = check_ratings(train, "train")
    _check_in_place(X, "X", 2, train.n_users, "n_users")
    _check_in_place(Y, "Y", 2, train.n_items, "n_items")
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns k, got shapes {X.shape} and {Y.shape}")
    if S is not None:
        S = check_matrix(S, "S")
        if S.shape != X.shape:
            raise ValueError(f"S must have the shape of X {X.shape} (one offset s_u per user), got {S.shape}")
    if (bu is None) != (bi is None):
        raise ValueError("bu and bi must be given together (a biased model) or both left None")
    if bu is not None:
        _check_in_place(bu, "bu", 1, train.n_users, "n_users")
        _check_in_place(bi, "bi", 1, train.n_items, "n_items")
    check_scale(train.values, "train")
    lr = check_float(lr, "lr", low=0.0, low_open=True)
    return train, lr, check_float(lam, "lam", low=0.0), check_float(mu, "mu"), S


def _check_epoch_result(X, Y, bu, bi):
    """After an epoch: the factors it wrote in place must be finite. An overflow means the step
    was too large for these values (the run diverged): say so instead of leaving inf in X."""
    if not all(np.all(np.isfinite(a)) for a in (X, Y, bu, bi) if a is not None):
        raise NotFiniteError(f"the SGD epoch overflowed to inf or NaN (X, Y or the biases now hold "
                             f"them): {STEP_INPUTS} are too large for float64 arithmetic; a "
                             "smaller lr, or factors and ratings on the scale of stars, avoid it")


def _check_in_place(arr, name, ndim, rows, rows_name):
    """A finite, writeable float64 array of ``rows`` rows: SGD updates it in place."""
    if not isinstance(arr, np.ndarray) or arr.dtype != np.float64:
        got = f"an array of {arr.dtype}" if isinstance(arr, np.ndarray) else type(arr).__name__
        raise TypeError(f"{name} must be a float64 numpy array (it is updated in place), got {got}")
    if arr.ndim != ndim or arr.shape[0] != rows or (ndim == 2 and arr.shape[1] == 0):
        expected = f"({rows_name} = {rows},)" if ndim == 1 else f"({rows_name} = {rows}, k) with k >= 1"
        raise ValueError(f"{name} must have shape {expected}, got {arr.shape}")
    if not arr.flags.writeable:
        raise ValueError(f"{name} must be writeable (it is updated in place)")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")


def _ordered(train, order):
    train = check_ratings(train, "train")
    if order is None:
        return train.users, train.items, train.values
    order = np.asarray(order)
    if order.ndim != 1 or not np.issubdtype(order.dtype, np.integer):
        raise TypeError("order must be a 1-D array of rating indices")
    if len(order) and (order.min() < 0 or order.max() >= len(train)):
        raise ValueError(f"order must hold indices in [0, len(train)) = [0, {len(train)})")
    return train.users[order], train.items[order], train.values[order]


# ----------------------------------------------------------------------------- trainers

def gradient_descent(train: Ratings, rank: int = 8, lam: float = 5.0, lr: float = 4e-4,
                     n_iters: int = 100, biased: bool = False, seed: int = 0,
                     test: Ratings | None = None, init_std: float = 0.1) -> FitResult:
    """Full-batch gradient descent on the PLAIN loss: theta <- theta - lr dL/dtheta.

    L = mf_loss(train, X, Y, lam, mu, bu, bi, weighted=False): a SUM over |Omega| ratings, so
    the gradient grows with the data and a stable lr is small: below 2 / h_max, h_max the
    largest eigenvalue of the Hessian (notebook 04, eq. (8)); the bias block alone gives
    h >= 2 (n_u + lam) for the busiest user, so lr < 1 / (max n_u + lam). Notebook 04 measures
    where the limit lies on the synthetic set. One history row per step; raises
    DivergenceError when the loss blows up.
    """
    run = _Run("gradient_descent", train, test, rank, lam, lr, n_iters, biased, seed, init_std,
               {"n_iters": n_iters, "lam_convention": lam_convention(False)})
    model = run.model
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, run.n_steps + 1):
            t0 = time.perf_counter()
            try:
                g = gradients(run.train, model.X, model.Y, run.lam, model.mu, model.bu, model.bi)
            except NotFiniteError:              # the parameters are too large: report it below
                g = {name: np.full_like(theta, np.nan) for name, theta in run.params.items()}
            for name, theta in run.params.items():
                theta -= run.lr * g[name]
            run.record(step, time.perf_counter() - t0)
    return model


def sgd(train: Ratings, rank: int = 8, lam: float = 0.12, lr: float = 0.015, n_epochs: int = 30,
        biased: bool = True, seed: int = 0, test: Ratings | None = None, init_std: float = 0.1,
        vectorised: bool = True) -> FitResult:
    """Per-rating SGD (update rule and lambda convention in the module docstring).

    Each epoch visits every rating once in a fresh order ``default_rng(seed).permutation``;
    ``vectorised=False`` runs ``sgd_epoch_loop`` instead of ``sgd_epoch`` (same result).
    History ``loss`` is mf_loss(weighted=True), the objective SGD follows. The defaults were
    chosen on a validation split carved from the synthetic training set: ``benchmarks/tune_sgd.py``
    runs that search (it picks rank 8, lam 0.12, lr 0.015; 30 epochs cost +0.0006 validation
    RMSE against its best at 34, about one paired standard error), and ``benchmarks/sgd.py`` prints their test RMSE beside the oracle's.
    """
    vectorised = check_bool(vectorised, "vectorised")
    run = _Run("sgd", train, test, rank, lam, lr, n_epochs, biased, seed, init_std,
               {"n_epochs": n_epochs, "vectorised": vectorised,
                "lam_convention": lam_convention(True)})
    model, epoch_fn = run.model, sgd_epoch if vectorised else sgd_epoch_loop
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, run.n_steps + 1):
            t0 = time.perf_counter()
            order = run.rng.permutation(len(run.train))
            try:
                epoch_fn(run.train, model.X, model.Y, run.lr, run.lam, model.mu, model.bu, model.bi, order)
            except NotFiniteError:      # the parameters overflowed: record() reports the divergence
                pass
            run.record(epoch, time.perf_counter() - t0)
    return model


def adam(train: Ratings, rank: int = 8, lam: float = 0.15, lr: float = 0.005,
         n_epochs: int = 20, batch_size: int = 1000, weight_decay: float = 0.0,
         biased: bool = True, seed: int = 0, test: Ratings | None = None,
         betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
         init_std: float = 0.1) -> FitResult:
    """Mini-batch Adam, with the L2 penalty in the loss (lam) or decoupled (weight_decay).

    Each epoch splits a fresh permutation of the ratings into mini-batches D. Step t uses the
    gradient g of the batch's share of the SGD objective, sum_{(u,i) in D} l_ui (module
    docstring), computed by ``mfedu.loss.gradients`` on D with ``weighted=True``; with
    (beta1, beta2) = ``betas`` and the moments mom1, mom2 (Kingma & Ba's m and v):
        mom1 <- beta1 mom1 + (1 - beta1) g        mom2 <- beta2 mom2 + (1 - beta2) g^2
        theta <- theta - lr wd theta        (only if weight_decay = wd > 0: AdamW)
        theta <- theta - lr mom1_hat / (sqrt(mom2_hat) + eps),
                 mom1_hat = mom1 / (1 - beta1^t),  mom2_hat = mom2 / (1 - beta2^t)
    Dense Adam (as torch.optim.Adam on dense tensors): rows absent from D have g = 0, yet their
    moments still decay and they keep moving with their momentum; weight decay shrinks every row
    every step. Adam ignores a constant scale of g (up to eps), so the sum over D and the mean
    give the same steps.

    * Adam + L2 (Kingma & Ba 2015): lam > 0, weight_decay = 0; follows mf_loss(weighted=True).
    * AdamW (Loshchilov & Hutter 2019): lam = 0, weight_decay > 0. The decay is scaled by lr,
      as in torch.optim.AdamW (the paper scales wd by a schedule multiplier eta_t, not by the
      step size). The data gradient is divided by sqrt(mom2_hat) and the decay is not, so no
      single loss is minimised.
    The history logs mf_loss(weighted=True) with the given lam (the squared error when lam = 0).
    """
    batch_size = check_int(batch_size, "batch_size", low=1)
    weight_decay = check_float(weight_decay, "weight_decay", low=0.0)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    beta1, beta2 = (check_float(b, f"betas[{j}]", low=0.0, high=1.0) for j, b in enumerate(betas))
    if beta1 >= 1.0 or beta2 >= 1.0:
        raise ValueError(f"betas must be in [0, 1), got {tuple(betas)}")
    eps = check_float(eps, "eps", low=0.0, low_open=True)
    run = _Run("adam", train, test, rank, lam, lr, n_epochs, biased, seed, init_std,
               {"n_epochs": n_epochs, "batch_size": batch_size, "weight_decay": weight_decay,
                "betas": (beta1, beta2), "eps": eps,
                "lam_convention": lam_convention(True)}, decay=weight_decay)
    model, tr = run.model, run.train
    mom1 = {name: np.zeros_like(p) for name, p in run.params.items()}   # Kingma & Ba's m
    mom2 = {name: np.zeros_like(p) for name, p in run.params.items()}   # and v
    t = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, run.n_steps + 1):
            t0 = time.perf_counter()
            order = run.rng.permutation(len(tr))
            for start in range(0, len(tr), batch_size):
                in_batch = order[start:start + batch_size]
                batch = Ratings(tr.users[in_batch], tr.items[in_batch], tr.values[in_batch], tr.n_users,
                                tr.n_items)
                if not all(np.all(np.isfinite(p)) for p in run.params.values()):
                    break                        # gradients() rejects NaN; record() reports it
                try:
                    g = gradients(batch, model.X, model.Y, run.lam, model.mu, model.bu, model.bi,
                                  weighted=True)
                except NotFiniteError:          # the parameters are too large: record() reports it
                    break
                t += 1
                for name, theta in run.params.items():
                    mom1[name] = beta1 * mom1[name] + (1 - beta1) * g[name]
                    mom2[name] = beta2 * mom2[name] + (1 - beta2) * g[name] ** 2
                    if weight_decay > 0:
                        theta -= run.lr * weight_decay * theta
                    theta -= run.lr * (mom1[name] / (1 - beta1 ** t)) / (np.sqrt(mom2[name] / (1 - beta2 ** t)) + eps)
            run.record(epoch, time.perf_counter() - t0)
    return model


# ----------------------------------------------------------------------------- shared set-up

class _Run:
    """Validated arguments, the model being trained, and its history bookkeeping."""

    def __init__(self, name, train, test, rank, lam, lr, n_steps, biased, seed, init_std, extra,
                 decay=0.0):
        self.name, self.decay = name, decay
        self.train = check_ratings(train, "train")
        check_scale(self.train.values, "train")
        self.test = check_test(test, self.train)
        m, n_items = self.train.shape
        rank = check_rank(rank, min(m, n_items), "min(n_users, n_items)")
        self.lam = check_float(lam, "lam", low=0.0)
        self.lr = check_float(lr, "lr", low=0.0, low_open=True)
        self.n_steps = check_int(n_steps, "n_iters" if name == "gradient_descent" else "n_epochs", low=1)
        biased = check_bool(biased, "biased")
        seed = check_int(seed, "seed", low=0)
        init_std = check_float(init_std, "init_std", low=0.0, low_open=True)
        self.rng = np.random.default_rng(seed)
        X = self.rng.normal(0.0, init_std, size=(m, rank))
        Y = self.rng.normal(0.0, init_std, size=(n_items, rank))
        mu = float(self.train.values.mean()) if biased else 0.0
        bu, bi = (np.zeros(m), np.zeros(n_items)) if biased else (None, None)
        params = {"method": name, "rank": rank, "lam": self.lam, "lr": self.lr, "biased": biased,
                  "seed": seed, "init_std": init_std, **extra}
        self.model = FitResult(X, Y, mu, bu, bi, params=params)
        self.params = {"X": self.model.X, "Y": self.model.Y}
        if biased:
            self.params.update(bu=self.model.bu, bi=self.model.bi)
        self.weighted = name != "gradient_descent"
        self.loss0 = self._loss()
        if not np.isfinite(self.loss0):
            raise ValueError(self._why_not_finite(init_std))
        self.model.params["initial_loss"] = self.loss0
        self.seconds = 0.0

    def _loss(self) -> float:
        if not all(np.all(np.isfinite(p)) for p in self.params.values()):
            return np.nan
        M = self.model
        try:
            return mf_loss(self.train, M.X, M.Y, self.lam, M.mu, M.bu, M.bi, weighted=self.weighted)
        except NotFiniteError:
            return np.nan

    def _why_not_finite(self, init_std) -> str:
        """Which argument makes the initial loss overflow (nothing has been trained yet)."""
        start = "the initial loss is not a finite number, before any update: "
        with np.errstate(over="ignore", invalid="ignore"):
            if not np.isfinite(np.sum((self.train.values - self.model.mu) ** 2)):
                return start + (f"the ratings are too large (largest |r_ui| = "
                                f"{np.abs(self.train.values).max():g}); use ratings on a scale of stars")
            if not all(np.isfinite(np.sum(p * p)) for p in self.params.values()):
                return start + f"init_std = {init_std:g} is too large; use about 0.1"
        return start + f"lam = {self.lam:g} times the squared factors overflows; use a smaller lam"

    def _step_too_large_for_penalty(self) -> str | None:
        """The penalty alone multiplies every parameter by 1 - s per update, s = lr lam (SGD),
        2 lr lam (GD) or lr weight_decay (AdamW's decay); for s > 2 that factor is below -1 and
        the parameters grow without bound, whatever the data. (Adam's L2 step is normalised.)"""
        s, what, knob = self.lr * self.decay, "lr * weight_decay", "weight_decay"
        if self.name == "sgd":
            s, what, knob = self.lr * self.lam, "lr * lam", "lam"
        elif self.name == "gradient_descent":
            s, what, knob = 2 * self.lr * self.lam, "2 lr lam", "lam"
        if s > 2:
            return (f"{what} = {s:g} > 2: the penalty step alone multiplies the parameters by "
                    f"1 - {s:g} < -1 every update; use a smaller {knob} (or lr)")
        return None

    def record(self, epoch: int, seconds: float) -> None:
        """Append the history row of ``epoch``; raise DivergenceError if the run blew up."""
        self.seconds += seconds
        loss = self._loss()
        record_iteration(self.model, loss, self.seconds, self.train, self.test)
        if np.isfinite(loss) and loss <= DIVERGENCE_FACTOR * self.loss0:
            return
        what = "iteration" if self.name == "gradient_descent" else "epoch"
        cause = (f"the loss is {loss:.4g} (NaN or inf: the parameters overflowed)"
                 if not np.isfinite(loss) else
                 f"the loss {loss:.4g} is more than {DIVERGENCE_FACTOR:g} x its initial value "
                 f"{self.loss0:.4g}")
        advice = (f"the learning rate lr = {self.lr:g} is too large for this problem; try a "
                  f"smaller one, e.g. lr = {self.lr / 10:g}")
        penalty = self._step_too_large_for_penalty()
        if penalty:
            advice = f"{penalty}; or: {advice}"
        raise DivergenceError(f"{self.name} diverged at {what} {epoch}: {cause}. {advice}.",
                              {k: list(v) for k, v in self.model.history.items()},
                              epoch, self.lr, self.loss0)



