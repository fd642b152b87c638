"""Alternating least squares for explicit ratings, and fold-in of a new user (notebook 06).

With Y fixed, the loss of ``mfedu.loss.mf_loss`` (equation 2 there) splits into one small ridge
regression per user; with X fixed, into one per item. ALS alternates the two half-steps:

    x_u <- (Y_u^T Y_u + lam w_u I)^{-1} Y_u^T r_u      for every user u              (1)
    y_i <- (X_i^T X_i + lam w_i I)^{-1} X_i^T r_i      for every item i              (2)

Y_u holds the rows y_i of the items u rated and r_u those ratings (X_i, r_i likewise). Each
half-step minimises the loss exactly over one side, so the loss never increases.

Lambda convention (``weighted``): True (the default) is ALS-WR, w_u = n_u and w_i = n_i, the
numbers of ratings (Zhou et al. 2008); False is the plain sum, w = 1 (notebook 00's notation). These are
the two conventions of ``mf_loss(..., weighted=...)``, which is the loss logged here.

Biased model (``biased=True``): r̂_ui = mu + b_u + b_i + x_u . y_i with mu the training mean
(fixed). The user step solves for [x_u, b_u] jointly against the augmented [Y, 1] and targets
r_ui - mu - b_i, with lam w_u on every coordinate; the item step is symmetric. This is the exact
minimiser of mf_loss with biases, so the loss is still non-increasing.

A user (or item) with no ratings has nothing to fit: its factor (and bias) is set to 0, the
ridge solution when lam w_u > 0 and, in ALS-WR where w_u = n_u = 0, the choice we make because
the loss does not depend on it. With lam = 0 a user with fewer than k ratings has a singular
system; we then take the minimum-norm least-squares solution (the pseudo-inverse) for every row.

Cost per half-step: O(|Omega| k^2) to build the k x k matrices and O(m k^3) to solve them.
The matrices are built block by block from the sparse data (rows of similar length padded into
one batched product); all rows are then solved in one stacked ``numpy.linalg.solve``.
``_half_step_loop`` is the readable one-row-at-a-time version that the tests compare with.

References: Zhou, Wilkinson, Schreiber, Pan (2008), Large-scale parallel collaborative filtering
for the Netflix prize; Koren, Bell, Volinsky (2009), Matrix factorization techniques for
recommender systems.
"""
from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from ._validate import check_float, check_ids, check_int, check_matrix, check_rank, check_vector
from .data import Ratings, _check_bool, check_ratings, check_test
from .loss import mf_loss
from .metrics import model_rmse
from .result import FitResult

BLOCK_ROWS = 32      # rows per padded block: small enough that a block stays in cache
# Default lam per convention (weighted: True = ALS-WR, False = plain), chosen with rank 4 on a
# validation split carved from the synthetic training set (benchmarks/als.py reports test RMSE).
DEFAULT_LAM = {True: 0.12, False: 5.0}


def als_explicit(train: Ratings, rank: int = 4, lam: float | None = None, n_iters: int = 15,
                 biased: bool = False, weighted: bool = True, seed: int = 0,
                 test: Ratings | None = None) -> FitResult:
    """Fit r̂_ui = x_u . y_i (+ mu + b_u + b_i) by ALS, alternating equations (1) and (2).

    Parameters
    ----------
    train : the observed ratings Omega.
    rank : k, 1 <= k <= min(m, n).
    lam : lambda >= 0, in the convention chosen by ``weighted`` (see the module docstring).
        None: DEFAULT_LAM[weighted], 0.12 for ALS-WR and 5.0 for the plain sum (the two are
        not comparable: ALS-WR multiplies lam by n_u, about 85 on MovieLens-shaped data).
    n_iters : T, the number of sweeps (one sweep = a user half-step then an item half-step).
    biased : fit mu (the training mean, fixed), b_u and b_i as well.
    weighted : True for ALS-WR (lam n_u, lam n_i), False for the plain lam.
    seed : seeds the random start Y ~ N(0, 0.1^2) (X is solved first, so it needs no start).
    test : optional held-out ratings for ``history["test_rmse"]``.

    Returns
    -------
    FitResult with X (m, k), Y (n, k), mu/bu/bi when biased, ``params`` (method, rank, lam,
    lam_convention, n_iters, biased, seed) and one history row per sweep: loss =
    ``mf_loss(train, X, Y, lam, mu, bu, bi, weighted)``, train and test RMSE, and the
    cumulative seconds spent in the half-steps (evaluating the history is not counted).
    """
    train = check_ratings(train, "train")
    rank = check_rank(rank, min(train.shape), "min(n_users, n_items)")
    n_iters = check_int(n_iters, "n_iters", low=1)
    biased, weighted = _check_bool(biased, "biased"), _check_bool(weighted, "weighted")
    lam = DEFAULT_LAM[weighted] if lam is None else check_float(lam, "lam", low=0.0)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    test = check_test(test, train)

    R_u = train.to_csr()                          # rows: users
    R_i = R_u.T.tocsr()                           # rows: items
    w_u, w_i = (np.diff(R_u.indptr), np.diff(R_i.indptr)) if weighted else (1, 1)
    blocks_u, blocks_i = _row_blocks(R_u), _row_blocks(R_i)
    mu = float(train.values.mean()) if biased else 0.0
    X = np.zeros((train.n_users, rank))
    Y = 0.1 * rng.standard_normal((train.n_items, rank))
    bu = np.zeros(train.n_users) if biased else None
    bi = np.zeros(train.n_items) if biased else None
    convention = "ALS-WR: lam * n_u, lam * n_i" if weighted else "plain: lam"
    model = FitResult(X, Y, mu, bu, bi, params={
        "method": "explicit ALS", "rank": rank, "lam": lam, "lam_convention": convention,
        "n_iters": n_iters, "biased": biased, "weighted": weighted, "seed": seed})
    seconds = 0.0
    for _ in range(n_iters):
        start = time.perf_counter()
        X, bu = _explicit_step(R_u, Y, bi, mu, lam * w_u, blocks_u, biased, lam)   # eq. (1)
        Y, bi = _explicit_step(R_i, X, bu, mu, lam * w_i, blocks_i, biased, lam)   # eq. (2)
        seconds += time.perf_counter() - start
        model.X, model.Y, model.bu, model.bi = X, Y, bu, bi
        _log(model, train, test, lam, weighted, seconds)
    return model


def fold_in(ratings_of_new_user, Y, lam: float, *, weighted: bool | None = None, mu: float = 0.0,
            bi=None, alpha: float | None = None, confidence: str = "linear",
            eps: float = 1.0) -> tuple[np.ndarray, float]:
    """Place a new user in a trained model with one ridge solve, without retraining.

    Explicit (``alpha=None``): equation (1) for one user, with the items' factors Y (and
    biases bi) kept fixed. For a biased model pass mu and bi: [x, b] is then solved jointly as in
    ``als_explicit(..., biased=True)``. ``weighted`` and ``lam`` must be the ones the model was
    trained with (ALS-WR uses lam n_new, with n_new the number of ratings given here);
    None means True, ``als_explicit``'s default.

    Implicit (``alpha`` given): the user step of ``mfedu.als.als_implicit`` for one user,
    (Y^T Y + Y^T (C^u - I) Y + lam_u I) x = Y^T C^u p(u), with c = 1 + alpha r (or the log form)
    and lam_u = lam, or lam n_new with ``weighted=True`` (None means False, ``als_implicit``'s
    default); mu and bi are ignored.

    Parameters
    ----------
    ratings_of_new_user : dict {item id: rating} or a pair (items, values) of equal-length arrays.
    Y : (n, k) item factors of the trained model.

    Returns
    -------
    (x, b): the new user's factor vector (k,) and bias (0.0 for a model without biases).
    Score every item with ``mu + b + bi + Y @ x`` (or ``Y @ x`` without biases).
    """
    Y = check_matrix(Y, "Y")
    n, k = Y.shape
    if isinstance(ratings_of_new_user, Mapping):
        items, values = list(ratings_of_new_user.keys()), list(ratings_of_new_user.values())
    elif isinstance(ratings_of_new_user, (tuple, list)) and len(ratings_of_new_user) == 2:
        items, values = ratings_of_new_user
    else:
        raise TypeError("ratings_of_new_user must be a dict {item: rating} or a pair "
                        f"(items, values), got {type(ratings_of_new_user).__name__}")
    items = check_ids(items, "items of ratings_of_new_user", n, "n_items = Y.shape[0]")
    values = check_vector(values, "values of ratings_of_new_user", length=len(items),
                          length_name=f"the number of items, {len(items)}")
    if len(np.unique(items)) != len(items):
        raise ValueError("items of ratings_of_new_user must be distinct")
    lam = check_float(lam, "lam", low=0.0)
    weighted = _check_bool(alpha is None if weighted is None else weighted, "weighted")
    R = sp.csr_matrix((values, (np.zeros(len(items), dtype=np.int64), items)), shape=(1, n))
    if alpha is not None:
        from .als_implicit import _check_confidence, _implicit_exact_step, _regs
        C = _check_confidence(R, alpha, confidence, eps)
        reg, _ = _regs(C, lam, weighted)                         # lam, or lam n_new (items with r > 0)
        return _implicit_exact_step(C, Y, reg, _row_blocks(C))[0], 0.0
    mu = check_float(mu, "mu")
    if bi is not None:
        bi = check_vector(bi, "bi", length=n, length_name=f"n_items = Y.shape[0] = {n}")
    w = len(items) if weighted else 1
    x, b = _explicit_step(R, Y, bi, mu, np.array([lam * w]), _row_blocks(R), bi is not None, lam)
    return x[0], (float(b[0]) if b is not None else 0.0)


# ----------------------------------------------------------------------------- the half-step

def _explicit_step(R, F, f_bias, mu, reg, blocks, biased, lam):
    """Equation (1) for every row u of R (users; or items with R transposed), F fixed.

    Unbiased: solve (F_u^T F_u + reg_u I) x_u = F_u^T r_u. Biased: the same with F augmented
    by a column of ones and targets r_ui - mu - f_bias_i; the last coordinate is b_u.
    """
    if biased:
        F = np.hstack([F, np.ones((F.shape[0], 1))])
        R = sp.csr_matrix((R.data - mu - f_bias[R.indices], R.indices, R.indptr), shape=R.shape)
    A = _grams(R, F, blocks)
    d = np.arange(F.shape[1])
    A[:, d, d] += np.broadcast_to(reg, R.shape[0])[:, None]      # + lam w_u I
    Z = _solve(A, R @ F, lam, empty=np.diff(R.indptr) == 0)      # R @ F: F_u^T r_u for all u
    return (np.ascontiguousarray(Z[:, :-1]), Z[:, -1].copy()) if biased else (Z, None)


def _row_blocks(R: sp.csr_matrix, size: int = BLOCK_ROWS) -> list[tuple[np.ndarray, np.ndarray]]:
    """Group the rows of R by their number of non-zeros into blocks of ``size`` rows, padded.

    Returns (rows, slots) per block: ``slots[j, l]`` is the position in R.indices / R.data of
    the l-th non-zero of row ``rows[j]``, or R.nnz (a padding slot) past the row's end. Sorting
    rows by length first keeps the padding small (about 20% on MovieLens-shaped data).
    """
    counts = np.diff(R.indptr)
    order = np.argsort(counts, kind="stable")
    blocks = []
    for start in range(0, len(order), size):
        rows = order[start:start + size]
        l = np.arange(max(counts[rows].max(), 1))
        slots = np.where(l < counts[rows][:, None], R.indptr[rows][:, None] + l, R.nnz)
        blocks.append((rows, slots))
    return blocks


def _grams(R, F, blocks, weights=None) -> np.ndarray:
    """sum_{i in Omega_u} w_ui f_i f_i^T for every row u of R, as an (m, k, k) stack (w = 1 if
    ``weights`` is None). One batched matrix product per block; no m x n matrix is formed."""
    k = F.shape[1]
    A = np.empty((R.shape[0], k, k))
    Fz = np.vstack([F, np.zeros(k)])
    cols = np.append(R.indices, F.shape[0])
    w = None if weights is None else np.append(weights, 0.0)
    for rows, slots in blocks:
        F_b = Fz[cols[slots]]                                  # (b, L, k)
        G_b = F_b if w is None else F_b * w[slots][:, :, None]
        A[rows] = F_b.transpose(0, 2, 1) @ G_b                 # F_u^T W_u F_u, b rows at once
    return A


def _solve(A, B, lam, empty):
    """Solve A_u z_u = b_u for the whole stack (A is overwritten). Rows with no data get z_u = 0
    (A_u may be 0 there); lam = 0 uses the pseudo-inverse (minimum-norm least squares)."""
    A[empty] = np.eye(A.shape[1])                              # b_u = 0 there, so z_u = 0
    if lam > 0:
        Z = np.linalg.solve(A, B[:, :, None])
    else:
        Z = np.linalg.pinv(A, hermitian=True) @ B[:, :, None]
    return np.ascontiguousarray(Z[:, :, 0])                   # rows contiguous: fast gathers


def _half_step_loop(R, F, reg, lam):
    """The readable version of an unbiased half-step: one ridge regression per row, equation (1)."""
    k = F.shape[1]
    reg = np.broadcast_to(reg, R.shape[0])
    Z = np.zeros((R.shape[0], k))
    for u in range(R.shape[0]):
        idx = R.indices[R.indptr[u]:R.indptr[u + 1]]          # the items u rated
        r_u = R.data[R.indptr[u]:R.indptr[u + 1]]             # and the ratings
        if len(idx) == 0:
            continue                                           # no data: x_u = 0
        F_u = F[idx]
        A = F_u.T @ F_u + reg[u] * np.eye(k)
        Z[u] = np.linalg.solve(A, F_u.T @ r_u) if lam > 0 else np.linalg.pinv(A) @ (F_u.T @ r_u)
    return Z


# ----------------------------------------------------------------------------- bookkeeping

def _log(model, train, test, lam, weighted, seconds):
    loss = mf_loss(train, model.X, model.Y, lam, model.mu, model.bu, model.bi, weighted)
    train_rmse, test_rmse = model_rmse(model, train), model_rmse(model, test)
    if not np.isfinite(loss):
        raise FloatingPointError(f"the loss became {loss}: the solve failed (lam = {lam})")
    model.log(loss, train_rmse, test_rmse, seconds)


from .als_implicit import als_implicit, implicit_loss  # noqa: E402  (re-exported: mfedu.als.*)

__all__ = ["als_explicit", "als_implicit", "fold_in", "implicit_loss"]
