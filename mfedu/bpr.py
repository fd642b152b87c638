"""Bayesian Personalized Ranking (notebook 10): learning to rank from pairs of items.

Rendle, Freudenthaler, Gantner, Schmidt-Thieme (2009), "BPR: Bayesian Personalized Ranking from
Implicit Feedback". The data are implicit (plays, clicks): I_u^+ is the set of items user u
interacted with in ``train`` (count > 0; the counts themselves are not used). BPR does not fit the
0/1 entries as notebook 07's ALS does; it asks only that u rank each item of I_u^+ above each
item outside it. Its training data are triples

    D_S = {(u, i, j) : i in I_u^+, j not in I_u^+}                                          (1)

and its model scores an item as mfedu.loss.predict does, with no user bias (a user bias cannot
change one user's order) and an optional item bias b_i:

    r̂_ui = x_u . y_i + b_i,      x̂_uij = r̂_ui - r̂_uj = x_u . (y_i - y_j) + b_i - b_j          (2)

BPR-Opt, the log posterior of (2) under a Gaussian prior, is maximised; mfedu minimises its
negative, one triple at a time, with sigma(d) = 1 / (1 + e^-d):

    l_uij = -ln sigma(x̂_uij) + (lam / 2) (|x_u|^2 + |y_i|^2 + |y_j|^2 + b_i^2 + b_j^2)            (3)

With g = sigma(-x̂_uij) = 1 - sigma(x̂_uij) (how wrong the pair still is: near 1 if j scores
above i, near 0 once i is well above j), -dl/dx̂ = g and a step of size lr down the gradient of (3)
is (``bpr_update``; Rendle et al.'s LearnBPR, their Fig. 4, with the 1/2 folded into lam):

    x_u <- x_u + lr (g (y_i - y_j) - lam x_u)
    y_i <- y_i + lr (g x_u - lam y_i)           b_i <- b_i + lr (g - lam b_i)
    y_j <- y_j + lr (-g x_u - lam y_j)          b_j <- b_j + lr (-g - lam b_j)

every right-hand side with the values from before the step. As in notebook 05's SGD, lam is
applied once per triple a parameter appears in: SGD on (3) descends the mean of (3) over the
sampled triples, whose penalty weighs a popular item more (the weighted convention).

Sampling (``sample_triples``, LearnBPR's bootstrap): (u, i) uniform over the training pairs, then j
from the items u has not interacted with: uniformly (``sampler="uniform"``, Rendle et al.) or in
proportion to each item's number of training users (``"popularity"``: the negatives a popular
item meets as often as it is a positive, so a model cannot win pairs by popularity alone).
Rejected draws (j in I_u^+) are drawn again. One epoch draws as many triples as there are
training pairs. This two-stage draw is not uniform over D_S: a triple of user u has probability
1 / (|S| (n - n_u)), S the training pairs, so SGD weighs each user by n_u where BPR-Opt's sum over
D_S weighs it by n_u (n - n_u) (the same to within (n - n_min) / (n - n_max), 1.5 on the synthetic
plays). (The `implicit` library draws j from the training pairs, as "popularity" does, and skips
a draw that hits one of u's items instead of drawing again.)

Batching (``bpr_epoch``): a triple reaches x_u, y_i and y_j only, but triples that share a user
or an item do not commute, and an epoch's triples are drawn at random, so mfedu applies them in
mini-batches of ``batch_size``: every triple of a batch computes its step from the values at the
start of the batch, and the steps are added (a triple met twice in a batch counts twice). With
batch_size = 1 this is the sequential LearnBPR above; for larger batches it is a gradient step on
the sum of the batch's terms (3), the semantics of the readable reference ``bpr_epoch_loop``,
which ``bpr_epoch`` equals to rounding for every batch size. User u appears in a batch about
batch_size n_u / |S| times (|S| the training pairs): about once for the average user of the
synthetic plays at the default 1,024, about 7 times for the busiest, so each parameter takes a
few steps at once at most.
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._validate import as_array, check_bool, check_choice, check_float, check_int, check_matrix, check_rank, check_vector
from .data import Ratings, check_ratings, check_test
from .loss import NotFiniteError
from .metrics import record_iteration
from .result import FitResult, check_fit_result

SAMPLERS = ("uniform", "popularity")
DENSE_MASK_CELLS = 2 ** 25   # up to this many m n cells, the sampler marks u's items in a table
MAX_INIT_STD = 100.0        # a larger start overflows x̂ long before training could shrink it
MAX_TRIPLES = 10 ** 8        # sample_triples' limit: 2.4 GB of ids
AUC_SAMPLES = 10_000          # triples drawn once per fit to follow the loss and the sampled AUC


@dataclass(eq=False)
class BPRResult(FitResult):
    """A fitted BPR model: X (m, k), Y (n, k), the item biases in ``bi`` (None without them),
    mu = 0, no user bias, so ``predict``, ``recommend`` and every ranking metric score (2)'s r̂_ui.

    ``auc``: {"train": [...], "test": [...]}, one entry per epoch: the sampled AUC, the fraction
    of AUC_SAMPLES triples (u, i, j) with x̂_uij > 0 (a tie counts 1/2), drawn once per fit
    (``sampled_auc``; "test" is empty without a test set). ``history["loss"]`` is the mean of (3)
    over the same training triples; the RMSE columns are NaN (there are no ratings to predict).
    ``eval_triples``: {"train": (u, i, j), "test": (u, i, j) or None}, those triples.
    """

    auc: dict = field(default_factory=lambda: {"train": [], "test": []})
    eval_triples: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- one triple

def sigmoid(d):
    """sigma(d) = 1 / (1 + e^-d), computed without overflow for any real d (array or number)."""
    if d is None or isinstance(d, (str, bytes, dict, set)):
        raise TypeError(f"d must be a real number or an array of them, got {type(d).__name__}")
    a = as_array(d, "d")
    if a.dtype == object or np.iscomplexobj(a) or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"d must hold real numbers, got dtype {a.dtype}")
    d = a.astype(np.float64)
    if np.isnan(d).any():
        raise ValueError("d must not contain NaN")
    return _sigmoid(d)


def _sigmoid(d):
    e = np.exp(-np.abs(d))                        # in (0, 1]: never overflows
    out = np.where(d >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out if out.ndim else float(out)


def bpr_update(x_u, y_i, y_j, b_i: float | None, b_j: float | None, lr: float, lam: float) -> tuple:
    """One LearnBPR step on one triple (u, i, j), returning the new (x_u, y_i, y_j, b_i, b_j).

    A step of size ``lr`` down the gradient of (3): with x̂ = x_u . (y_i - y_j) + b_i - b_j and
    g = sigma(-x̂),
        x_u + lr (g (y_i - y_j) - lam x_u),   y_i + lr (g x_u - lam y_i),   y_j + lr (-g x_u - lam y_j),
        b_i + lr (g - lam b_i),               b_j + lr (-g - lam b_j),
    all from the values before the step. Without item biases pass b_i = b_j = None (they come
    back as None). The inputs are not changed.
    """
    x_u, y_i, y_j = (check_vector(v, name) for v, name in ((x_u, "x_u"), (y_i, "y_i"), (y_j, "y_j")))
    if not len(x_u) == len(y_i) == len(y_j):
        raise ValueError(f"x_u, y_i and y_j must have equal lengths, got {len(x_u)}, {len(y_i)}, {len(y_j)}")
    if (b_i is None) != (b_j is None):
        raise ValueError("b_i and b_j must both be numbers (a model with item biases) or both None")
    if b_i is not None:
        b_i, b_j = check_float(b_i, "b_i"), check_float(b_j, "b_j")
    lr = check_float(lr, "lr", low=0.0, low_open=True)
    lam = _check_shrink(lr, check_float(lam, "lam", low=0.0))
    return _bpr_update(x_u, y_i, y_j, b_i, b_j, lr, lam)


def _bpr_update(x_u, y_i, y_j, b_i, b_j, lr, lam):
    d = x_u @ (y_i - y_j) + (0.0 if b_i is None else b_i - b_j)
    g = _sigmoid(-d)
    new = (x_u + lr * (g * (y_i - y_j) - lam * x_u), y_i + lr * (g * x_u - lam * y_i),
           y_j + lr * (-g * x_u - lam * y_j))
    if b_i is None:
        return (*new, None, None)
    return (*new, b_i + lr * (g - lam * b_i), b_j + lr * (-g - lam * b_j))


# ----------------------------------------------------------------------------- sampling

def sample_triples(train: Ratings, n_triples: int, sampler: str = "uniform", seed=0,
                   exclude: Ratings | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw ``n_triples`` triples (u, i, j) of (1): (u, i) uniform over the pairs of ``train``
    with a count > 0, j not among u's items (of ``train``, and of ``exclude`` if given).

    ``sampler``: "uniform" (j uniform over the items) or "popularity" (j in proportion to its
    number of users in ``train``; an item nobody used is then never a negative). A draw of j
    that is one of u's items is drawn again until none is. ``seed``: an int, or a numpy Generator
    (used as is, so successive calls draw fresh triples). Returns three int64 arrays u, i, j.
    """
    train = check_ratings(train, "train")
    n_triples = check_int(n_triples, "n_triples", low=1, high=MAX_TRIPLES)
    sampler = check_choice(sampler, "sampler", SAMPLERS)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(check_int(seed, "seed", low=0))
    if exclude is not None:
        exclude = check_ratings(exclude, "exclude", allow_empty=True)
        if exclude.shape != train.shape:
            raise ValueError(f"exclude must have the shape of train, {train.shape}, got {exclude.shape}")
    return _Sampler(train, sampler, exclude).draw(rng, n_triples)


class _Sampler:
    """What ``sample_triples`` needs, built once (a fit draws an epoch's triples from it)."""

    def __init__(self, train, sampler, exclude=None):
        n = self.n = train.n_items
        keep = train.values > 0
        self.keys = np.unique(train.users[keep].astype(np.int64) * n + train.items[keep])
        if len(self.keys) == 0:
            raise ValueError("train must contain at least one count > 0: there is no positive item to rank")
        self.taken = self.keys if exclude is None else np.union1d(
            self.keys, exclude.users.astype(np.int64) * n + exclude.items)
        owners = np.unique(self.keys // n)
        full = owners[np.bincount(self.taken // n, minlength=train.n_users)[owners] >= n]
        if len(full):
            raise ValueError(f"user {int(full[0])} has every item among its positives (or excluded "
                             "items): there is no negative item j to rank below them")
        self.mask = None
        if train.n_users * n <= DENSE_MASK_CELLS:            # a lookup table: faster than a search
            self.mask = np.zeros(train.n_users * n, dtype=bool)
            self.mask[self.taken] = True
        self.cdf = None
        if sampler == "popularity":
            weights = np.bincount(self.keys % n, minlength=n).astype(np.float64)
            held = np.bincount(self.taken // n, weights=weights[self.taken % n], minlength=train.n_users)
            blocked = owners[held[owners] >= weights.sum()]
            if len(blocked):
                raise ValueError(f'user {int(blocked[0])} has every item with users among its positives: '
                                 'sampler="popularity" has no negative to draw for it; use "uniform"')
            self.cdf = np.cumsum(weights) / weights.sum()

    def items(self, rng, size):
        if self.cdf is None:
            return rng.integers(0, self.n, size=size)
        return np.minimum(np.searchsorted(self.cdf, rng.random(size), side="right"), self.n - 1)

    def draw(self, rng, n_triples):
        n = self.n
        u, i = np.divmod(self.keys[rng.integers(0, len(self.keys), size=n_triples)], n)
        j = self.items(rng, n_triples)
        bad = np.flatnonzero(self.taken_by(u * n + j))
        while len(bad):                                        # rejection: j must not be u's
            j[bad] = self.items(rng, len(bad))
            bad = bad[self.taken_by(u[bad] * n + j[bad])]
        return u, i, j

    def taken_by(self, keys):
        """For each key u n + j, whether j is one of u's items."""
        if self.mask is not None:
            return self.mask[keys]
        pos = np.searchsorted(self.taken, keys)
        return self.taken[np.minimum(pos, len(self.taken) - 1)] == keys


def sampled_auc(model: FitResult, triples) -> float:
    """The fraction of ``triples`` (u, i, j) ordered correctly, x̂_uij > 0 (a tie counts 1/2).

    For triples drawn by ``sample_triples`` this estimates the AUC averaged over training pairs
    (each user weighted by its number of positives; ``mfedu.metrics.auc`` weighs users equally)."""
    model = check_fit_result(model, "model")
    u, i, j = _check_triples(triples, model.n_users, model.n_items)
    d = model.predict(u, i) - model.predict(u, j)
    return float(np.mean((d > 0) + 0.5 * (d == 0)))


def bpr_loss(triples, X, Y, lam: float, b=None) -> float:
    """The mean of (3) over ``triples`` (u, i, j): -ln sigma(x̂_uij) plus lam/2 times the squared
    norms of the parameters the triple touches (x_u, y_i, y_j and, with item biases ``b``, b_i, b_j)."""
    X, Y, b, (u, i, j), lam = _check_params(triples, X, Y, b, lam)
    loss = _loss_and_auc(X, Y, b, u, i, j, lam)[0]
    if not np.isfinite(loss):
        raise NotFiniteError("the loss overflowed to inf: X, Y, b or lam are too large for float64 arithmetic")
    return loss


def bpr_gradients(triples, X, Y, lam: float, b=None) -> dict:
    """The gradient of ``bpr_loss`` (the mean of (3) over ``triples``) in X, Y and b.

    Each triple adds, divided by the number T of triples, with g = sigma(-x̂_uij):
        to x_u: -g (y_i - y_j) + lam x_u,   to y_i: -g x_u + lam y_i,   to y_j: g x_u + lam y_j,
        to b_i: -g + lam b_i,               to b_j: g + lam b_j.
    Returns {"X": (m, k), "Y": (n, k)} and "b": (n,) if ``b`` is given. One LearnBPR step on a
    single triple is exactly -lr times this gradient (``bpr_update``)."""
    X, Y, b, (u, i, j), lam = _check_params(triples, X, Y, b, lam)
    T = len(u)
    x_u, y_i, y_j = X[u], Y[i], Y[j]
    with np.errstate(over="ignore", invalid="ignore"):
        return _gradients(X, Y, b, u, i, j, x_u, y_i, y_j, lam, T)


def _gradients(X, Y, b, u, i, j, x_u, y_i, y_j, lam, T):
    d = np.einsum("tk,tk->t", x_u, y_i - y_j) + (0.0 if b is None else b[i] - b[j])
    g = _sigmoid(-d)[:, None]
    grad_X = np.zeros_like(X)
    grad_Y = np.zeros_like(Y)
    np.add.at(grad_X, u, -g * (y_i - y_j) + lam * x_u)
    np.add.at(grad_Y, i, -g * x_u + lam * y_i)
    np.add.at(grad_Y, j, g * x_u + lam * y_j)
    out = {"X": grad_X / T, "Y": grad_Y / T}
    if b is not None:
        grad_b = np.zeros_like(b)
        np.add.at(grad_b, i, -g[:, 0] + lam * b[i])
        np.add.at(grad_b, j, g[:, 0] + lam * b[j])
        out["b"] = grad_b / T
    if not all(np.all(np.isfinite(g)) for g in out.values()):
        raise NotFiniteError("the gradient overflowed to inf or NaN: X, Y, b or lam are too large for float64 "
                             "arithmetic")
    return out


def _check_params(triples, X, Y, b, lam):
    X, Y = check_matrix(X, "X"), check_matrix(Y, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns k, got {X.shape[1]} and {Y.shape[1]}")
    if b is not None:
        b = check_vector(b, "b", length=len(Y), length_name=f"n_items = {len(Y)}")
    return X, Y, b, _check_triples(triples, len(X), len(Y)), check_float(lam, "lam", low=0.0)


def _loss_and_auc(X, Y, b, u, i, j, lam):
    """The mean of (3) over the triples (None if lam is None: ``bpr_loss`` and the trainer's history
    both come from here) and the share of them ordered right (``sampled_auc``, tested equal)."""
    with np.errstate(over="ignore", invalid="ignore"):
        x_u, y_i, y_j = X[u], Y[i], Y[j]
        d = np.einsum("tk,tk->t", x_u, y_i) - np.einsum("tk,tk->t", x_u, y_j)
        if b is not None:
            d += b[i] - b[j]
        auc = float(np.mean((d > 0) + 0.5 * (d == 0)))
        if lam is None:
            return None, auc
        sq = np.einsum("tk,tk->t", x_u, x_u) + np.einsum("tk,tk->t", y_i, y_i) + np.einsum("tk,tk->t", y_j, y_j)
        if b is not None:
            sq += b[i] ** 2 + b[j] ** 2
        return float(np.mean(np.logaddexp(0.0, -d) + 0.5 * lam * sq)), auc


def _check_triples(triples, m, n):
    if not isinstance(triples, tuple) or len(triples) != 3:
        raise TypeError("triples must be a tuple (u, i, j) of three equal-length arrays of ids")
    u = check_vector(triples[0], "triples[0] (users)", dtype=np.int64)
    i = check_vector(triples[1], "triples[1] (positive items)", dtype=np.int64)
    j = check_vector(triples[2], "triples[2] (negative items)", dtype=np.int64)
    if not len(u) == len(i) == len(j) or len(u) == 0:
        raise ValueError(f"triples must be three non-empty arrays of equal length, got {len(u)}, {len(i)}, {len(j)}")
    for ids, name, top in ((u, "triples[0] (users)", m), (i, "triples[1] (positive items)", n),
                           (j, "triples[2] (negative items)", n)):
        if ids.min() < 0 or ids.max() >= top:
            raise ValueError(f"{name} must be ids in [0, {top - 1}], got values in [{ids.min()}, {ids.max()}]")
    return u, i, j


# ----------------------------------------------------------------------------- epochs

def bpr_epoch_loop(triples, X, Y, lr: float, lam: float, b=None, batch_size: int = 1) -> None:
    """One epoch over ``triples`` (u, i, j), the readable reference: ``bpr_update`` for each.

    Triples are taken ``batch_size`` at a time, in the given order; within a batch every step is
    computed from the values at the start of the batch, then all are added (batch_size = 1:
    plain sequential LearnBPR). Updates X, Y (and the item biases ``b``, if given) IN PLACE.
    """
    u_all, i_all, j_all, lr, lam, batch_size = _check_epoch(triples, X, Y, lr, lam, b, batch_size)
    has_b = b is not None
    for start in range(0, len(u_all), batch_size):
        steps = []
        for u, i, j in zip(*(a[start:start + batch_size].tolist() for a in (u_all, i_all, j_all))):
            x_u, y_i, y_j, b_i, b_j = _bpr_update(X[u], Y[i], Y[j], b[i] if has_b else None,
                                                  b[j] if has_b else None, lr, lam)
            steps.append((u, i, j, x_u - X[u], y_i - Y[i], y_j - Y[j],
                          b_i - b[i] if has_b else 0.0, b_j - b[j] if has_b else 0.0))
        for u, i, j, dx, dyi, dyj, dbi, dbj in steps:           # all from the batch's start values
            X[u] += dx
            Y[i] += dyi
            Y[j] += dyj
            if has_b:
                b[i] += dbi
                b[j] += dbj
    _check_result(X, Y, b)


def bpr_epoch(triples, X, Y, lr: float, lam: float, b=None, batch_size: int = 1) -> None:
    """One epoch, vectorised per batch, equal to ``bpr_epoch_loop`` (to rounding) for every batch size.

    Each batch is a few numpy operations: gather x_u, y_i, y_j, compute every g at once, and add
    the steps with one sparse product per side (a row met twice gets both steps). The item bias
    rides along as an extra column, [x_u, 1] . [y_i, b_i] = x_u . y_i + b_i; the 1-column of the
    users is reset after every batch.
    """
    u_all, i_all, j_all, lr, lam, batch_size = _check_epoch(triples, X, Y, lr, lam, b, batch_size)
    k, has_b = X.shape[1], b is not None
    Xa = np.column_stack([X, np.ones(len(X))]) if has_b else X.copy()
    Ya = np.column_stack([Y, b]) if has_b else Y.copy()
    m, n = len(Xa), len(Ya)
    if max(m, n) < 2**31:   # int32 ids: what the sparse matrices below store, so no batch converts its own
        u_all, i_all, j_all = (a.astype(np.int32) for a in (u_all, i_all, j_all))
    for start in range(0, len(u_all), batch_size):
        u, i, j = u_all[start:start + batch_size], i_all[start:start + batch_size], j_all[start:start + batch_size]
        _bpr_batch(Xa, Ya, u, i, j, lr, lam, m, n)
        if has_b:
            Xa[:, k] = 1.0
    X[:] = Xa[:, :k]
    Y[:] = Ya[:, :k]
    if has_b:
        b[:] = Ya[:, k]
    _check_result(X, Y, b)


def _bpr_batch(Xa, Ya, u, i, j, lr, lam, m, n):
    """Add the batch's steps to Xa and Ya in place (all computed from their values on entry)."""
    t = len(u)
    ones, cols = _unit_columns(2 * t)
    ij = np.concatenate([i, j])
    x_u, y_ij = Xa.take(u, axis=0), Ya.take(ij, axis=0)       # copies: the values on entry
    diff = y_ij[:t] - y_ij[t:]                                 # y_i - y_j
    lr_g = lr * _sigmoid(-np.einsum("tk,tk->t", x_u, diff))[:, None]     # lr g for each triple
    shrink = -lr * lam
    diff *= lr_g
    diff += shrink * x_u                                        # lr (g (y_i - y_j) - lam x_u)
    x_u *= lr_g                                                 # lr g x_u
    y_ij *= shrink                                              # -lr lam y_i and -lr lam y_j
    y_ij[:t] += x_u                                             # lr (g x_u - lam y_i)
    y_ij[t:] -= x_u                                             # lr (-g x_u - lam y_j)
    # one column per step with a 1 in its row: the products add the steps of a repeated row
    Xa += sp.csc_matrix((ones[:t], u, cols[:t + 1]), shape=(m, t)) @ diff
    Ya += sp.csc_matrix((ones, ij, cols), shape=(n, 2 * t)) @ y_ij


@functools.lru_cache(maxsize=4)
def _unit_columns(t):
    """The data and column pointers of a sparse matrix with one 1 per column (read-only, shared)."""
    ones, cols = np.ones(t), np.arange(t + 1, dtype=np.int32)
    ones.flags.writeable = cols.flags.writeable = False
    return ones, cols


def _check_epoch(triples, X, Y, lr, lam, b, batch_size):
    X = _in_place(X, "X")
    Y = _in_place(Y, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns k, got {X.shape[1]} and {Y.shape[1]}")
    if b is not None:
        if not isinstance(b, np.ndarray) or b.dtype != np.float64 or b.shape != (len(Y),):
            raise TypeError(f"b must be None or a float64 numpy array of length n_items = {len(Y)} "
                            "(it is updated in place)")
        if not b.flags.writeable:
            raise ValueError("b must be writeable (it is updated in place), got a read-only array")
        check_vector(b, "b")
    u, i, j = _check_triples(triples, len(X), len(Y))
    lr = check_float(lr, "lr", low=0.0, low_open=True)
    lam = _check_shrink(lr, check_float(lam, "lam", low=0.0))
    batch_size = check_int(batch_size, "batch_size", low=1)
    return u, i, j, lr, lam, batch_size


def _check_shrink(lr, lam):
    """lam, if lr * lam < 1: each step multiplies a parameter by 1 - lr lam before the data's push."""
    if lr * lam >= 1.0:
        raise ValueError(f"lr * lam must be < 1 (each step scales the parameters by 1 - lr * lam), got lr = {lr}, "
                         f"lam = {lam}")
    return lam


def _in_place(A, name):
    if not isinstance(A, np.ndarray) or A.dtype != np.float64 or A.ndim != 2:
        raise TypeError(f"{name} must be a 2-d float64 numpy array (it is updated in place)")
    if not A.flags.writeable:
        raise ValueError(f"{name} must be writeable (it is updated in place), got a read-only array")
    check_matrix(A, name)
    return A


def _check_result(X, Y, b):
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y)) and (b is None or np.all(np.isfinite(b)))):
        raise FloatingPointError("BPR's parameters became NaN or inf during the epoch: lr or lam is too large "
                                 "(use a smaller lr; lam * lr must stay well below 1)")


# ----------------------------------------------------------------------------- the trainer

def bpr(train: Ratings, rank: int = 64, lam: float = 0.03, lr: float = 0.01, n_epochs: int = 100,
        sampler: str = "uniform", seed: int = 0, test: Ratings | None = None, *,
        item_bias: bool = True, batch_size: int = 1024, init_std: float = 0.1) -> BPRResult:
    """Fit BPR by sampled SGD (LearnBPR with mini-batches; see the module docstring).

    Parameters
    ----------
    train : counts r_ui >= 0; only which entries are > 0 matters (I_u^+).
    rank : k, 1 <= k <= min(m, n).
    lam : lambda >= 0 of (3), applied at every step a parameter takes part in.
    lr : the step size > 0.
    n_epochs : epochs; each draws as many triples as ``train`` has pairs with a count > 0.
    sampler : how the negatives j are drawn, "uniform" or "popularity" (``sample_triples``).
    seed : seeds the start X, Y ~ N(0, init_std^2) and every draw of triples.
    test : optional held-out pairs; if given, ``auc["test"]`` follows the sampled AUC on them
        (negatives drawn outside u's training and test items).
    item_bias : whether the model has the item bias b_i of (2) (starting at 0).
    batch_size : triples per mini-batch (``bpr_epoch``); 1 is sequential LearnBPR.

    Returns
    -------
    BPRResult: X, Y, bi (or None), params, one history row per epoch (loss: the mean of (3) over
    AUC_SAMPLES training triples drawn once; RMSE columns NaN; seconds: the epochs only, drawing
    the triples included, the evaluation not) and ``auc`` per epoch.
    """
    train = check_ratings(train, "train")
    test = check_test(test, train)
    if train.values.min() < 0:
        raise ValueError(f"train values must be counts >= 0, got {train.values.min()}")
    if test is not None and not (test.values > 0).any():
        raise ValueError("test must contain at least one count > 0: there is no held-out positive to rank")
    rank = check_rank(rank, min(train.shape), "min(n_users, n_items)")
    lam = check_float(lam, "lam", low=0.0)
    lr = check_float(lr, "lr", low=0.0, low_open=True)
    lam = _check_shrink(lr, lam)
    n_epochs = check_int(n_epochs, "n_epochs", low=1)
    sampler = check_choice(sampler, "sampler", SAMPLERS)
    item_bias = check_bool(item_bias, "item_bias")
    batch_size = check_int(batch_size, "batch_size", low=1)
    init_std = check_float(init_std, "init_std", low=0.0, high=MAX_INIT_STD)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    X = init_std * rng.standard_normal((train.n_users, rank))
    Y = init_std * rng.standard_normal((train.n_items, rank))
    b = np.zeros(train.n_items) if item_bias else None
    draws = _Sampler(train, sampler)
    n_pairs = len(draws.keys)
    eval_rng = np.random.default_rng([check_int(seed, "seed"), 1])   # apart from the training draws
    on_train = (draws if sampler == "uniform" else _Sampler(train, "uniform")).draw(eval_rng, AUC_SAMPLES)
    on_test = None if test is None else sample_triples(test, AUC_SAMPLES, "uniform", eval_rng, exclude=train)
    model = BPRResult(X.copy(), Y.copy(), 0.0, None, None if b is None else b.copy(), params={
        "method": "BPR", "rank": rank, "lam": lam, "lam_convention": "per triple: lam / 2 on each parameter a triple touches",
        "lr": lr, "n_epochs": n_epochs, "sampler": sampler, "seed": seed, "item_bias": item_bias,
        "batch_size": batch_size, "init_std": init_std})
    model.eval_triples = {"train": on_train, "test": on_test}
    seconds = 0.0
    for _ in range(n_epochs):
        start = time.perf_counter()
        triples = draws.draw(rng, n_pairs)
        bpr_epoch(triples, X, Y, lr, lam, b, batch_size)
        seconds += time.perf_counter() - start
        model.X, model.Y, model.bi = X.copy(), Y.copy(), None if b is None else b.copy()
        loss, auc = _loss_and_auc(X, Y, b, *on_train, lam)
        model.auc["train"].append(auc)
        if on_test is not None:
            model.auc["test"].append(_loss_and_auc(X, Y, b, *on_test, None)[1])
        record_iteration(model, loss, seconds, on_nonfinite=f"the steps overflowed (lr = {lr}): use a smaller lr")
    return model
