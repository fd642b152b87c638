"""Advanced matrix factorisation (notebook 09): SVD++, the implicit information of what was chosen.

SVD++ (Koren 2008, "Factorization meets the neighborhood", section 4; Koren, Bell, Volinsky 2009,
"Additional input sources") adds to the biased model of notebooks 03-05 a second part of the user
vector, made from N(u), the items user u chose (rated, played, bought...) whatever the stars:

    r̂_ui = mu + b_u + b_i + y_i . (x_u + s_u),   s_u = |N(u)|^(-1/2) sum_{j in N(u)} z_j     (1)

In Koren's letters x_u, y_i, z_j are p_u, q_i, y_j (A1 lists the translation). Which films
someone chose says something about their taste before any star does, and for a user with few
ratings it is much of what is known. By default N(u) is the set of items u rated in ``train``;
``implicit`` can give another, larger set (e.g. what the user watched, rated or not).

The objective, in the weighted convention of notebook 05 (each parameter penalised once per
rating it serves; z_j once per user whose N(u) holds it):

    L = sum_{(u,i) in Omega} e_ui^2 + lam [sum_u n_u (b_u^2 + |x_u|^2) + sum_i n_i (b_i^2 + |y_i|^2)]
        + lam_z sum_j m_j |z_j|^2,      e_ui = r_ui - r̂_ui,   m_j = #{u : j in N(u)}            (2)

Why not plain per-rating SGD. Koren's SGD (and Surprise's SVDpp) moves every z_j of N(u) at every
rating of u: O(|N(u)| k) per rating, O(sum_u n_u |N(u)| k) per epoch, and a rating's steps reach
the sums s_v of every other user v who shares an item with u, so no two ratings can be updated
at once. It also decays z_j once per rating of every user who holds j (about 50,000 times an epoch
for a popular film), which is why mfedu penalises z_j by m_j instead (the count of users, as y_i's
n_i counts ratings). ``svdpp`` therefore splits the parameters in two and runs, each epoch:

    1. S <- implicit_sums(N, Z)                                   (every s_u, held fixed below)
    2. one SGD epoch of notebook 05 on b_u, b_i, x_u, y_i, in a fresh random order, with
       p_u = x_u + s_u in the prediction and in y_i's step (``mfedu.sgd.sgd_epoch(..., S=S)``):
       exactly -lr times the gradient of each rating's term of (2) in those parameters;
    3. Z <- z_step(...): ``z_steps`` conjugate-gradient steps towards the minimiser of (2) in Z,
       everything else fixed. (2) is quadratic in Z (s_u is linear in it), so that minimiser solves
       one linear system; warm-started from the last epoch's Z, a few steps are enough.

Step 2 is the per-rating SGD of notebook 05, exact and vectorised; step 3 replaces the z_j's
per-rating steps by a least-squares step on the same objective. Cost per epoch:
O(|Omega| k + z_steps (nnz(N) k + m k^2)).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import _ridge
from ._validate import check_float, check_int, check_matrix, check_rank, check_scale, check_vector
from .data import Ratings, check_ratings, check_test
from .loss import NotFiniteError
from .metrics import record_iteration
from .result import FitResult, lam_convention
from .sgd import DIVERGENCE_FACTOR, DivergenceError, sgd_epoch

MODEL_INPUTS = "the ratings, X, Y, Z, mu, the biases (bu, bi)"   # what an overflow names

__all__ = ["SVDppResult", "implicit_matrix", "implicit_sums", "svdpp_loss", "z_step", "svdpp"]


@dataclass(eq=False)
class SVDppResult(FitResult):
    """A fitted SVD++ model. ``X`` holds each user's whole vector p_u = x_u + s_u, so ``predict``,
    ``scores``, ``recommend`` and every metric of mfedu compute (1) unchanged (with N(u) as in
    training). ``X_own``: the x_u; ``Z``: the z_j (n x k); ``N``: the m x n 0/1 CSR matrix of N(u)."""

    X_own: np.ndarray | None = None
    Z: np.ndarray | None = None
    N: sp.csr_matrix | None = None


def implicit_matrix(ratings: Ratings) -> sp.csr_matrix:
    """N as an m x n 0/1 CSR matrix: row u marks the items in N(u), the (user, item) pairs of
    ``ratings`` (their values are ignored)."""
    ratings = check_ratings(ratings, "ratings")
    N = sp.csr_matrix((np.ones(len(ratings)), (ratings.users, ratings.items)), shape=ratings.shape)
    return N


def implicit_sums(N, Z) -> np.ndarray:
    """s_u = |N(u)|^(-1/2) sum_{j in N(u)} z_j for every user, an (m, k) array (s_u = 0 if N(u)
    is empty)."""
    N, Z = _check_N(N), check_matrix(Z, "Z")
    if N.shape[1] != Z.shape[0]:
        raise ValueError(f"Z must have one row per column of N ({N.shape[1]}), got shape {Z.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        S = (N @ Z) * _norms(N)[:, None]
    if not np.all(np.isfinite(S)):
        raise NotFiniteError("the implicit sums overflowed to inf: Z is too large for float64 arithmetic")
    return S


def svdpp_loss(train: Ratings, N, X, Y, Z, mu: float, bu, bi, lam: float, lam_z: float) -> float:
    """L of eq. (2) in the module docstring (X: the x_u alone, not p_u)."""
    train, N, X, Y, Z, mu, bu, bi = _check_model(train, N, X, Y, Z, mu, bu, bi)
    lam, lam_z = check_float(lam, "lam", low=0.0), check_float(lam_z, "lam_z", low=0.0)
    loss = _loss(train, N, X, Y, Z, mu, bu, bi, lam, lam_z)
    if not np.isfinite(loss):
        raise NotFiniteError(f"the loss overflowed to inf or NaN: {MODEL_INPUTS}, lam or lam_z are too "
                             "large for float64 arithmetic")
    return loss


def z_step(train: Ratings, N, X, Y, Z, mu: float, bu, bi, lam_z: float, n_steps: int = 5) -> np.ndarray:
    """Conjugate-gradient steps, from Z, towards the Z that minimises (2) with all else fixed.

    With t_ui = r_ui - mu - b_u - b_i - x_u . y_i (the error without the implicit term), (2) in Z is
        sum_u sum_{i in R(u)} (t_ui - y_i . s_u)^2 + lam_z sum_j m_j |z_j|^2,
    and setting its gradient in z_j to zero gives, with d_u = |N(u)|^(-1/2),
        sum_{u : j in N(u)} d_u G_u s_u + lam_z m_j z_j = sum_{u : j in N(u)} d_u B_u      (3)
        G_u = sum_{i in R(u)} y_i y_i^T,   B_u = sum_{i in R(u)} t_ui y_i.
    The left side is linear in Z, symmetric and positive semi-definite: CG solves it without
    forming the (n k) x (n k) matrix. Items in no N(u) get z_j = 0 (their gradient is 0).
    Returns the new Z (the input is not changed). n_steps = 0 returns a copy of Z.
    """
    train, N, X, Y, Z, mu, bu, bi = _check_model(train, N, X, Y, Z, mu, bu, bi)
    lam_z = check_float(lam_z, "lam_z", low=0.0)
    n_steps = check_int(n_steps, "n_steps", low=0)
    with np.errstate(over="ignore", invalid="ignore"):
        Z = _z_step(train, N, X, Y, Z, mu, bu, bi, lam_z, n_steps)
    if not np.all(np.isfinite(Z)):
        raise NotFiniteError(f"the z-step overflowed to inf or NaN: {MODEL_INPUTS} or lam_z are too "
                             "large for float64 arithmetic")
    return Z


class _ZSystem:
    """What eq. (3) needs that does not change during a fit: d_u, m_j, N^T, train's CSR form
    (its rows are users) with its row blocks, and where each rating sits in that CSR."""

    def __init__(self, train, N):
        self.d = _norms(N)
        self.m_j = np.diff(N.tocsc().indptr).astype(np.float64)
        self.NT = N.T.tocsr()
        self.position = np.lexsort((train.items, train.users))   # rating index of each CSR slot
        indptr = np.concatenate([[0], np.cumsum(train.user_counts())])
        self.R = sp.csr_matrix((train.values[self.position], train.items[self.position], indptr),
                               shape=train.shape)
        self.blocks = _ridge.row_blocks(self.R)


def _z_step(train, N, X, Y, Z, mu, bu, bi, lam_z, n_steps, system=None):
    """z_step without the checks (``system``: a _ZSystem of train and N, built if None)."""
    sys_ = _ZSystem(train, N) if system is None else system
    d, m_j, NT, R = sys_.d, sys_.m_j, sys_.NT, sys_.R
    u, i = train.users, train.items
    t = train.values - mu - bu[u] - bi[i] - np.einsum("jk,jk->j", X[u], Y[i])
    B = sp.csr_matrix((t[sys_.position], R.indices, R.indptr), shape=R.shape) @ Y   # B_u = sum_i t_ui y_i
    G = _ridge.grams(R, Y, sys_.blocks)                           # G_u = sum_i y_i y_i^T, (m, k, k)

    def A(V):                                                     # left side of (3)
        s = (N @ V) * d[:, None]
        return NT @ (np.einsum("ukl,ul->uk", G, s) * d[:, None]) + lam_z * m_j[:, None] * V

    Z = Z.copy()
    Z[m_j == 0] = 0.0
    resid = NT @ (B * d[:, None]) - A(Z)
    direction, rr = resid.copy(), float(np.sum(resid * resid))
    for _ in range(n_steps):
        Ad = A(direction)
        dAd = float(np.sum(direction * Ad))
        if rr == 0.0 or dAd <= 0.0:                               # solved, or no curvature left
            break
        step = rr / dAd
        Z += step * direction
        resid -= step * Ad
        rr_new = float(np.sum(resid * resid))
        direction = resid + (rr_new / rr) * direction
        rr = rr_new
    return Z


def svdpp(train: Ratings, rank: int = 8, lam: float = 0.15, lam_z: float = 1.0, lr: float = 0.015,
          n_epochs: int = 10, seed: int = 0, test: Ratings | None = None,
          implicit: Ratings | None = None, z_steps: int = 5, init_std: float = 0.1) -> SVDppResult:
    """Fit SVD++, eq. (1), by the epochs of the module docstring (SGD on b, x, y; CG on Z).

    Parameters
    ----------
    train : the observed ratings Omega.     rank : k.
    lam : lambda of b_u, b_i, x_u, y_i (weighted, as ``mfedu.sgd.sgd``).
    lam_z : lambda of the z_j (each weighted by m_j, the number of users whose N(u) holds j).
    lr, n_epochs : the SGD step and the number of epochs.
    seed : x_u, y_i ~ N(0, init_std^2) from default_rng(seed), X first; z_j = b = 0; the orders.
    test : optional held-out ratings for ``history["test_rmse"]``.
    implicit : optional Ratings of the model's shape whose (user, item) pairs are N(u); default
        the pairs of ``train``.
    z_steps : CG steps of ``z_step`` per epoch.

    The defaults are the best of a validation search on the timed synthetic set
    (``benchmarks/tune_svdpp.py``: 36 settings, the test ratings unseen); its near neighbours are
    within noise of them. ``benchmarks/advanced.py`` prints their test RMSE beside Surprise's.

    Returns an SVDppResult; its history ``loss`` is ``svdpp_loss`` after each epoch, ``seconds``
    the cumulative time of the updates. Raises DivergenceError if the loss exceeds
    DIVERGENCE_FACTOR times its initial value or stops being finite (lr too large).
    """
    train = check_ratings(train, "train")
    check_scale(train.values, "train")
    test = check_test(test, train)
    rank = check_rank(rank, min(train.shape), "min(n_users, n_items)")
    lam, lam_z = check_float(lam, "lam", low=0.0), check_float(lam_z, "lam_z", low=0.0)
    lr = check_float(lr, "lr", low=0.0, low_open=True)
    n_epochs = check_int(n_epochs, "n_epochs", low=1)
    z_steps = check_int(z_steps, "z_steps", low=0)
    init_std = check_float(init_std, "init_std", low=0.0, low_open=True)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    if implicit is None:
        N = implicit_matrix(train)
    else:
        implicit = check_ratings(implicit, "implicit")
        if implicit.shape != train.shape:
            raise ValueError(f"implicit must have the shape of train {train.shape}, got {implicit.shape}")
        N = implicit_matrix(implicit)

    m, n = train.shape
    X_own = rng.normal(0.0, init_std, size=(m, rank))
    Y = rng.normal(0.0, init_std, size=(n, rank))
    Z = np.zeros((n, rank))
    mu, bu, bi = float(train.values.mean()), np.zeros(m), np.zeros(n)
    model = SVDppResult(X_own.copy(), Y, mu, bu, bi, X_own=X_own, Z=Z, N=N, params={
        "method": "svdpp", "rank": rank, "lam": lam, "lam_z": lam_z, "lr": lr, "n_epochs": n_epochs,
        "seed": seed, "z_steps": z_steps, "init_std": init_std,
        "implicit": "train" if implicit is None else "given",
        "lam_convention": lam_convention(True) + ", lam_z * m_j"})
    loss0 = _loss(train, N, X_own, Y, Z, mu, bu, bi, lam, lam_z)
    model.params["initial_loss"] = loss0
    system = _ZSystem(train, N)
    seconds = 0.0
    for epoch in range(1, n_epochs + 1):
        start = time.perf_counter()
        S = (N @ Z) * _norms(N)[:, None]
        cause = None
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                sgd_epoch(train, X_own, Y, lr, lam, mu, bu, bi, rng.permutation(len(train)), S=S)
            except NotFiniteError:
                cause = f"the learning rate lr = {lr:g} is too large for this problem; try a smaller one, e.g. lr = {lr / 10:g}"
            if cause is None:
                Z_new = _z_step(train, N, X_own, Y, Z, mu, bu, bi, lam_z, z_steps, system)
                if not np.all(np.isfinite(Z_new)):          # SGD's part already too large, or lam_z?
                    after_sgd = _loss(train, N, X_own, Y, Z, mu, bu, bi, lam, lam_z)
                    cause = (f"the z-step overflowed: lam_z = {lam_z:g} is too large for float64 "
                             "arithmetic" if np.isfinite(after_sgd) and after_sgd <= DIVERGENCE_FACTOR * loss0
                             else f"the learning rate lr = {lr:g} is too large for this problem; try a "
                                  f"smaller one, e.g. lr = {lr / 10:g}")
                Z = Z_new
        seconds += time.perf_counter() - start
        finite = all(np.all(np.isfinite(a)) for a in (X_own, Y, Z, bu, bi))
        loss = _loss(train, N, X_own, Y, Z, mu, bu, bi, lam, lam_z) if finite else np.nan
        model.Z = Z
        model.X = X_own + (N @ Z) * _norms(N)[:, None] if finite else np.full_like(X_own, np.nan)
        record_iteration(model, loss, seconds, train, test)
        if cause is not None or not (np.isfinite(loss) and loss <= DIVERGENCE_FACTOR * loss0):
            cause = cause or (f"the learning rate lr = {lr:g} is too large for this problem; try a "
                              f"smaller one, e.g. lr = {lr / 10:g}")
            raise DivergenceError(f"svdpp diverged at epoch {epoch}: the loss is {loss:.4g} (initially "
                                  f"{loss0:.4g}); {cause}", {k: list(v) for k, v in model.history.items()},
                                  epoch, lr, loss0)
    return model


# ----------------------------------------------------------------------------- helpers

def _norms(N) -> np.ndarray:
    """d_u = |N(u)|^(-1/2), and 0 for an empty N(u) (its sum is 0 anyway)."""
    size = np.diff(N.indptr).astype(np.float64)
    return np.divide(1.0, np.sqrt(size), out=np.zeros_like(size), where=size > 0)


def _loss(train, N, X, Y, Z, mu, bu, bi, lam, lam_z) -> float:
    S = (N @ Z) * _norms(N)[:, None]
    u, i = train.users, train.items
    e = train.values - (mu + bu[u] + bi[i] + np.einsum("jk,jk->j", X[u] + S[u], Y[i]))
    n_u, n_i = train.user_counts(), train.item_counts()
    m_j = np.diff(N.tocsc().indptr)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(e @ e + lam * (n_u @ (bu ** 2 + (X ** 2).sum(1)) + n_i @ (bi ** 2 + (Y ** 2).sum(1)))
                     + lam_z * (m_j @ (Z ** 2).sum(1)))


def _check_N(N) -> sp.csr_matrix:
    if not sp.issparse(N):
        raise TypeError(f"N must be a scipy.sparse matrix (implicit_matrix(...)), got {type(N).__name__}")
    N = sp.csr_matrix(N, dtype=np.float64)
    if N.ndim != 2 or (N.nnz and not np.all(N.data == 1.0)):
        raise ValueError("N must be a 2-D 0/1 matrix (implicit_matrix(...)): its entries must be 1")
    return N


def _check_model(train, N, X, Y, Z, mu, bu, bi):
    train = check_ratings(train, "train")
    check_scale(train.values, "train")
    N = _check_N(N)
    m, n = train.shape
    if N.shape != (m, n):
        raise ValueError(f"N must have the shape of train {(m, n)}, got {N.shape}")
    X, Y, Z = check_matrix(X, "X"), check_matrix(Y, "Y"), check_matrix(Z, "Z")
    k = X.shape[1]
    for name, A, rows, rows_name in (("X", X, m, "n_users"), ("Y", Y, n, "n_items"), ("Z", Z, n, "n_items")):
        if A.shape != (rows, k):
            raise ValueError(f"{name} must have shape ({rows_name} = {rows}, k = {k}), got {A.shape}")
    mu = check_float(mu, "mu")
    bu = check_vector(bu, "bu", length=m, length_name=f"n_users = {m}")
    bi = check_vector(bi, "bi", length=n, length_name=f"n_items = {n}")
    return train, N, X, Y, Z, mu, bu, bi
