"""Gradient descent, stochastic gradient descent and Adam for matrix factorisation (notebooks 04-05).

Model, ``mfedu.loss`` equation (1) (Koren, Bell, Volinsky 2009):

    biased=True:   r̂_ui = mu + b_u + b_i + x_u . y_i     mu = mean training rating, fixed
    biased=False:  r̂_ui = x_u . y_i                       no mu, no biases

Initialisation (all three trainers): x_u, y_i ~ N(0, init_std^2) from default_rng(seed),
b_u = b_i = 0. Every trainer returns a FitResult whose history has one row per epoch (GD: per
step), recorded AFTER that epoch; the initial state has no row. ``seconds`` counts the updates
only, not the loss and RMSE evaluation written to the history.

gradient_descent: full-batch steps on the PLAIN loss (``mf_loss(weighted=False)``):
    theta <- theta - lr dL/dtheta,   theta in {X, Y, bu, bi},   gradients from mfedu.loss (3)-(4)

sgd: one rating at a time, a fresh random order every epoch (Funk 2006; Koren, Bell, Volinsky
2009), written exactly as Surprise's SVD applies it. With e_ui = r_ui - r̂_ui:
    b_u <- b_u + lr (e_ui - lam b_u)
    b_i <- b_i + lr (e_ui - lam b_i)
    x_u <- x_u + lr (e_ui y_i - lam x_u)      x_u and y_i both from their values
    y_i <- y_i + lr (e_ui x_u - lam y_i)      before this rating
This is -(lr/2) times the gradient of the per-rating term
    l_ui = e_ui^2 + lam (b_u^2 + b_i^2 + ||x_u||^2 + ||y_i||^2),
so the step is lr/2 times the gradient (the 2 is absorbed, as in Surprise): the same
number as a gradient-descent rate on l_ui means half the step. Summed over Omega the l_ui
give ``mf_loss(weighted=True)``: a user with n_u ratings is penalised n_u times, so SGD's lam is
the WEIGHTED lambda (w_u = n_u, w_i = n_i), not the plain one of gradient_descent.

adam: mini-batch Adam (Kingma & Ba 2015) on the same per-rating terms; see its docstring.

Divergence: after every epoch (GD: step) the parameters and the loss must be finite and the loss
at most DIVERGENCE_FACTOR times the initial loss; otherwise a DivergenceError says where and
suggests a smaller lr. Overflow inside an epoch is silenced (np.errstate) and caught by that check.
"""
from __future__ import annotations

import time

import numpy as np

from ._validate import check_float, check_int, check_rank
from .data import Ratings, _check_bool, check_ratings, check_test
from .loss import gradients, mf_loss
from .metrics import model_rmse
from .result import FitResult

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

def sgd_epoch_loop(train: Ratings, X, Y, lr: float, lam: float, mu: float = 0.0, bu=None,
                   bi=None, order=None) -> None:
    """One SGD epoch, one rating at a time: the readable reference (module docstring).

    Visits the ratings in ``order`` (indices into ``train``; default: as stored) and updates
    X, Y (and bu, bi if given) IN PLACE. Plain Python over the ratings, numpy for the k-vectors.
    """
    users, items, values = _ordered(train, order)
    for u, i, r_ui in zip(users.tolist(), items.tolist(), values.tolist()):
        x_u = X[u].copy()                 # the old x_u: y_i's update below must not see the new one
        y_i = Y[i]
        r_hat = mu + x_u @ y_i
        if bu is not None:
            r_hat += bu[u] + bi[i]
        e = r_ui - r_hat
        if bu is not None:
            bu[u] += lr * (e - lam * bu[u])
            bi[i] += lr * (e - lam * bi[i])
        X[u] += lr * (e * y_i - lam * x_u)
        Y[i] += lr * (e * x_u - lam * y_i)


def conflict_free_batches(users, items) -> list[np.ndarray]:
    """Split a sequence of ratings into batches in which no user and no item repeats.

    Rating j goes to level  l_j = 1 + max(last level of user u_j, last level of item i_j)
    (the dependency graph layered by its longest chain ending at each rating). Two ratings
    that share a user or an item are then in different batches, the earlier one first, and
    ratings that share neither do not affect each other: so applying the SGD updates batch by
    batch, each batch at once, gives exactly the sequential result. There are at least
    max(n_u, n_i) batches. Returns, for each level, the positions (into ``users``) in it, ascending.
    """
    users, items = np.asarray(users), np.asarray(items)
    if users.ndim != 1 or users.shape != items.shape:
        raise ValueError(f"users and items must be 1-D of equal length, got shapes "
                         f"{users.shape} and {items.shape}")
    if not (np.issubdtype(users.dtype, np.integer) and np.issubdtype(items.dtype, np.integer)):
        raise TypeError("users and items must hold integer ids")
    if len(users) and min(users.min(), items.min()) < 0:
        raise ValueError("users and items must be ids >= 0")
    if len(users) == 0:
        return []
    by_level, ends = _level_order(users, items)
    return np.split(by_level, ends[:-1])


def _level_order(users: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Positions sorted by level (stable) and where each level ends in that order."""
    # The levels are inherently sequential: plain Python on lists is the fastest way without a
    # compiler (about 11 ms for 80,000 ratings, a third of a vectorised epoch at rank 20).
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
              order=None) -> None:
    """One SGD epoch, vectorised, equal to ``sgd_epoch_loop`` on the same order (to rounding).

    The ratings are grouped by ``conflict_free_batches``; each batch is one numpy update of
    all its rows at once. The biases ride along as two extra columns,
    [x_u, b_u, 1] . [y_i, 1, b_i] = x_u . y_i + b_u + b_i, so one row update applies the whole
    rule (the b_u column gets b_u + lr (e - lam b_u)); the 1-columns are reset after it.
    """
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
    start = 0
    for end in ends:
        u, i = users[start:end], items[start:end]
        x_u, y_i = Xa.take(u, axis=0), Ya.take(i, axis=0)       # copies: the old values
        lr_e = (lr_r[start:end] - lr * np.einsum("jk,jk->j", x_u, y_i))[:, None]   # lr e_ui
        x_new = lr_e * y_i
        x_new += shrink * x_u                 # x_u + lr (e_ui y_i - lam x_u)
        y_i *= shrink
        y_i += lr_e * x_u                     # y_i + lr (e_ui x_u - lam y_i), old x_u
        if biased:
            x_new[:, k + 1] = y_i[:, k] = 1.0
        Xa[u], Ya[i] = x_new, y_i
        start = end
    X[:], Y[:] = Xa[:, :k], Ya[:, :k]
    if biased:
        bu[:], bi[:] = Xa[:, k], Ya[:, k + 1]


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
    largest curvature, about 2 n_u for the busiest user's bias. On the synthetic 80k train split
    (defaults otherwise) lr = 4e-4 descends at every step, 6e-4 to 8e-4 oscillate, 1e-3 raises
    DivergenceError; with biased=True the limit is 1.75e-3 = 1 / (567 + lam) (n_u <= 567).
    One history row per step; raises DivergenceError when the loss blows up.
    """
    s = _Run("gradient_descent", train, test, rank, lam, lr, n_iters, biased, seed, init_std,
               {"n_iters": n_iters, "lambda_convention": "plain (w_u = w_i = 1)"})
    model = s.model
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, s.n + 1):
            t0 = time.perf_counter()
            g = gradients(s.train, model.X, model.Y, s.lam, model.mu, model.bu, model.bi)
            for name, theta in s.params.items():
                theta -= s.lr * g[name]
            s.record(step, time.perf_counter() - t0)
    return model


def sgd(train: Ratings, rank: int = 8, lam: float = 0.12, lr: float = 0.015, n_epochs: int = 30,
        biased: bool = True, seed: int = 0, test: Ratings | None = None, init_std: float = 0.1,
        vectorised: bool = True) -> FitResult:
    """Per-rating SGD (update rule and lambda convention in the module docstring).

    Each epoch visits every rating once in a fresh order ``default_rng(seed).permutation``;
    ``vectorised=False`` runs ``sgd_epoch_loop`` instead of ``sgd_epoch`` (same result).
    History ``loss`` is mf_loss(weighted=True), the objective SGD follows. The defaults were
    chosen on a validation split of the synthetic train set (test RMSE 0.966 after 30 epochs,
    oracle 0.893); lr = 0.3 still finishes there, 0.4 raises DivergenceError in epoch 1.
    """
    vectorised = _check_bool(vectorised, "vectorised")
    s = _Run("sgd", train, test, rank, lam, lr, n_epochs, biased, seed, init_std,
               {"n_epochs": n_epochs, "vectorised": vectorised,
                "lambda_convention": "weighted (per rating: w_u = n_u, w_i = n_i)"})
    model, epoch_fn = s.model, sgd_epoch if vectorised else sgd_epoch_loop
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, s.n + 1):
            t0 = time.perf_counter()
            order = s.rng.permutation(len(s.train))
            epoch_fn(s.train, model.X, model.Y, s.lr, s.lam, model.mu, model.bu, model.bi, order)
            s.record(epoch, time.perf_counter() - t0)
    return model


def adam(train: Ratings, rank: int = 8, lam: float = 0.15, lr: float = 0.005,
         n_epochs: int = 20, batch_size: int = 1000, weight_decay: float = 0.0,
         biased: bool = True, seed: int = 0, test: Ratings | None = None,
         betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
         init_std: float = 0.1) -> FitResult:
    """Mini-batch Adam, with the L2 penalty in the loss (lam) or decoupled (weight_decay).

    Each epoch splits a fresh permutation of the ratings into mini-batches B. Step t uses the
    gradient g of the batch's share of the SGD objective, sum_{(u,i) in B} l_ui (module
    docstring), computed by ``mfedu.loss.gradients`` on B with ``weighted=True``:
        m <- b1 m + (1 - b1) g              v <- b2 v + (1 - b2) g^2
        theta <- theta - lr wd theta        (only if weight_decay = wd > 0: AdamW)
        theta <- theta - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m/(1 - b1^t), v_hat = v/(1 - b2^t)
    Dense Adam (as torch.optim.Adam on dense tensors): rows absent from B have g = 0, yet their
    m and v still decay and they keep moving with their momentum; weight decay shrinks every row
    every step. Adam ignores a constant scale of g (up to eps), so the sum over B and the mean
    give the same steps.

    * Adam + L2 (Kingma & Ba 2015): lam > 0, weight_decay = 0; follows mf_loss(weighted=True).
    * AdamW (Loshchilov & Hutter 2019): lam = 0, weight_decay > 0; the decay is not the
      gradient of any loss once divided by sqrt(v_hat), so no single loss is minimised.
    The history logs mf_loss(weighted=True) with the given lam (the squared error when lam = 0).
    """
    batch_size = check_int(batch_size, "batch_size", low=1)
    weight_decay = check_float(weight_decay, "weight_decay", low=0.0)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (b1, b2), got {betas!r}")
    b1, b2 = (check_float(b, f"betas[{j}]", low=0.0, high=1.0) for j, b in enumerate(betas))
    if b1 >= 1.0 or b2 >= 1.0:
        raise ValueError(f"betas must be in [0, 1), got {tuple(betas)}")
    eps = check_float(eps, "eps", low=0.0, low_open=True)
    s = _Run("adam", train, test, rank, lam, lr, n_epochs, biased, seed, init_std,
               {"n_epochs": n_epochs, "batch_size": batch_size, "weight_decay": weight_decay,
                "betas": (b1, b2), "eps": eps,
                "lambda_convention": "weighted (per rating: w_u = n_u, w_i = n_i)"})
    model, tr = s.model, s.train
    m = {name: np.zeros_like(p) for name, p in s.params.items()}
    v = {name: np.zeros_like(p) for name, p in s.params.items()}
    t = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, s.n + 1):
            t0 = time.perf_counter()
            order = s.rng.permutation(len(tr))
            for start in range(0, len(tr), batch_size):
                b = order[start:start + batch_size]
                batch = Ratings(tr.users[b], tr.items[b], tr.values[b], tr.n_users, tr.n_items)
                if not all(np.all(np.isfinite(p)) for p in s.params.values()):
                    break                        # gradients() rejects NaN; record() reports it
                g = gradients(batch, model.X, model.Y, s.lam, model.mu, model.bu, model.bi,
                              weighted=True)
                t += 1
                for name, theta in s.params.items():
                    m[name] = b1 * m[name] + (1 - b1) * g[name]
                    v[name] = b2 * v[name] + (1 - b2) * g[name] ** 2
                    if weight_decay > 0:
                        theta -= s.lr * weight_decay * theta
                    theta -= s.lr * (m[name] / (1 - b1 ** t)) / (np.sqrt(v[name] / (1 - b2 ** t)) + eps)
            s.record(epoch, time.perf_counter() - t0)
    return model


# ----------------------------------------------------------------------------- shared set-up

class _Run:
    """Validated arguments, the model being trained, and its history bookkeeping."""

    def __init__(self, name, train, test, rank, lam, lr, n, biased, seed, init_std, extra):
        self.name = name
        self.train = check_ratings(train, "train")
        self.test = check_test(test, self.train)
        m, n_items = self.train.shape
        rank = check_rank(rank, min(m, n_items), "min(n_users, n_items)")
        self.lam = check_float(lam, "lam", low=0.0)
        self.lr = check_float(lr, "lr", low=0.0, low_open=True)
        self.n = check_int(n, "n_iters" if name == "gradient_descent" else "n_epochs", low=1)
        biased = _check_bool(biased, "biased")
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
        self.model.params["initial_loss"] = self.loss0
        self.seconds = 0.0

    def _loss(self) -> float:
        if not all(np.all(np.isfinite(p)) for p in self.params.values()):
            return np.nan
        M = self.model
        return mf_loss(self.train, M.X, M.Y, self.lam, M.mu, M.bu, M.bi, weighted=self.weighted)

    def record(self, epoch: int, seconds: float) -> None:
        """Append the history row of ``epoch``; raise DivergenceError if the run blew up."""
        self.seconds += seconds
        loss = self._loss()
        self.model.log(loss, model_rmse(self.model, self.train), model_rmse(self.model, self.test),
                       self.seconds)
        if np.isfinite(loss) and loss <= DIVERGENCE_FACTOR * self.loss0:
            return
        what = "iteration" if self.name == "gradient_descent" else "epoch"
        cause = (f"the loss is {loss:.4g} (NaN or inf: the parameters overflowed)"
                 if not np.isfinite(loss) else
                 f"the loss {loss:.4g} is more than {DIVERGENCE_FACTOR:g} x its initial value "
                 f"{self.loss0:.4g}")
        raise DivergenceError(
            f"{self.name} diverged at {what} {epoch}: {cause}. The learning rate lr = "
            f"{self.lr:g} is too large for this problem; try a smaller one, e.g. lr = "
            f"{self.lr / 10:g}.", {k: list(v) for k, v in self.model.history.items()},
            epoch, self.lr, self.loss0)



