"""Alternating least squares for explicit ratings, and fold-in of a new user (notebook 06).

With Y fixed, the loss of ``mfedu.loss.mf_loss`` (notebook 06, eq. (1)) splits into one small
ridge regression per user; with X fixed, into one per item. ALS alternates the two half-steps
(notebook 06, eqs. (4) and (5)):

    x_u <- (Y_u^T Y_u + lam w_u I)^{-1} Y_u^T r_u      for every user u
    y_i <- (X_i^T X_i + lam w_i I)^{-1} X_i^T r_i      for every item i

Y_u holds the rows y_i of the items u rated and r_u those ratings (X_i, r_i likewise). Each
half-step minimises the loss exactly over one side, so the loss never increases (eq. (6)).
Equation numbers here are notebook 06's.

Lambda convention (``weighted``): True (the default) is ALS-WR, w_u = n_u and w_i = n_i, the
numbers of ratings (Zhou et al. 2008; notebook 06, eq. (5)); False is the plain sum, w = 1
(notebook 06, eq. (4); the plain loss of appendix A1's notation table). These are the two conventions of
``mf_loss(..., weighted=...)``, which is the loss logged here.

Biased model (``biased=True``): r̂_ui = mu + b_u + b_i + x_u . y_i with mu the training mean
(fixed). The user step solves for z_u = [x_u, b_u] jointly against the augmented (Y_u 1) and
targets r_ui - mu - b_i, with lam w_u on every coordinate (notebook 06, eq. (7)); the item step
is symmetric. This is the exact minimiser of mf_loss with biases, so the loss still never rises.

A user (or item) with no ratings has nothing to fit: its factor (and bias) is 0, the ridge
solution when lam w_u > 0 and, in ALS-WR where w_u = n_u = 0, the minimum-norm one. With lam = 0
a user with fewer than k ratings has a singular system; ``user_step`` then takes the minimum-norm
least-squares solution (the pseudo-inverse), and so does every row.

Two forms of the same step. ``user_step`` (one row) and ``half_step`` (a loop over the rows) are
the readable forms the notebooks and the exercise checks call. ``als_explicit`` runs the fast
form in ``mfedu._ridge``: the k x k matrices of rows of similar length are built in one batched
product and all rows are solved in one stacked ``numpy.linalg.solve``; the tests check that it
equals ``half_step``. Cost per half-step: O(|Omega| k^2) to build the matrices, O(m k^3) to solve.

References: Zhou, Wilkinson, Schreiber, Pan (2008), Large-scale parallel collaborative filtering
for the Netflix prize; Koren, Bell, Volinsky (2009), Matrix factorization techniques for
recommender systems.
"""
from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from . import _ridge
from ._validate import (as_array, check_bool, check_confidence, check_float, check_half_step, check_ids, check_int,
                        check_matrix, check_rank, check_scale, check_solution, check_vector)
from .als_implicit import als_implicit, confidence_from_counts, implicit_loss
from .als_implicit import user_step as implicit_user_step
from .data import Ratings, check_ratings, check_test
from .loss import mf_loss
from .metrics import record_iteration
from .result import FitResult, lam_convention

__all__ = ["als_explicit", "als_implicit", "fold_in", "half_step", "implicit_loss", "user_step"]

# Default lam per convention (weighted: True = ALS-WR, False = plain), chosen with rank 4 on a
# validation split carved from the synthetic training set (benchmarks/als.py reports test RMSE).
DEFAULT_LAM = {True: 0.12, False: 5.0}
FOLD_IN_INPUTS = "Y, ratings_of_new_user, lam, mu or bi"


# ----------------------------------------------------------------------------- the readable step

def user_step(Y_u, r_u, reg: float, c_u=None) -> np.ndarray:
    """One user's ridge regression: x_u = (Y_u^T Y_u + reg I)^{-1} Y_u^T r_u.

    Notebook 06, eq. (4) with reg = lam (plain convention) or eq. (5) with reg = lam n_u
    (ALS-WR). The item step is the same call with (X_i, r_i, lam w_i). For the biased model pass
    Y_u with a column of ones appended and r_u - mu - b_i as targets (eq. (7)): the last entry
    of the result is then b_u. With reg = 0 the system may be singular and the minimum-norm
    least-squares solution (pseudo-inverse) is returned; a user with no ratings (Y_u with 0 rows)
    gets the zero vector.

    Y_u : (n_u, k) factors of the items the user rated.   r_u : (n_u,) their ratings.
    c_u : optional (n_u,) confidences c_ui > 0 of those ratings (notebook 09's confidence-weighted
        loss): x_u = (Y_u^T C_u Y_u + reg I)^{-1} Y_u^T C_u r_u with C_u = diag(c_u).
    A solution that is not finite (inputs too large for float64) raises a ValueError.
    """
    if not isinstance(Y_u, (np.ndarray, list, tuple)):
        raise TypeError(f"Y_u must be a 2-D numpy array (n_u, k), got {type(Y_u).__name__}")
    Y_u = as_array(Y_u, "Y_u")                            # a ragged list is named, not numpy's error
    if np.shape(Y_u)[:1] == (0,):                         # a user with no ratings
        if np.ndim(Y_u) != 2 or np.shape(Y_u)[1] == 0:
            raise ValueError(f"Y_u must be 2-D (n_u, k) with k >= 1, got shape {np.shape(Y_u)}")
        Y_u = np.zeros(np.shape(Y_u))
    else:
        Y_u = check_matrix(Y_u, "Y_u")
    r_u = check_vector(r_u, "r_u", length=Y_u.shape[0], length_name=f"Y_u.shape[0] = {Y_u.shape[0]}")
    if c_u is not None:
        c_u = check_confidence(c_u, "c_u", Y_u.shape[0], f"Y_u.shape[0] = {Y_u.shape[0]}")
    with np.errstate(over="ignore", invalid="ignore"):
        return check_solution(_user_step(Y_u.astype(np.float64), r_u, check_float(reg, "reg", low=0.0), c_u),
                              "Y_u, r_u, c_u or reg")


def _user_step(Y_u, r_u, reg, c_u=None):
    k = Y_u.shape[1]
    CY = Y_u if c_u is None else Y_u * c_u[:, None]          # C_u Y_u (C_u = I without confidences)
    A = CY.T @ Y_u + reg * np.eye(k)                         # left side of eq. (4)/(5)
    rhs = CY.T @ r_u                                         # right side
    return np.linalg.solve(A, rhs) if reg > 0 else np.linalg.pinv(A, hermitian=True) @ rhs


def half_step(R, F, reg, *, f_bias=None, mu: float = 0.0, C=None):
    """``user_step`` for every row u of the CSR matrix R, with the other side's factors F fixed.

    R : (m, n) scipy.sparse CSR ratings, rows = users (or the transpose, rows = items).
    F : (n, k) fixed factors of the columns.   reg : lam w_u, one number or one per row.
    f_bias, mu : for the biased model, the columns' biases (n,) and the global mean: each row
        then solves eq. (7) for [x_u, b_u]. Returns Z (m, k), or (Z, b) when f_bias is given.
    C : optional sparse matrix of confidences c_ui > 0 with R's non-zero pattern (each row's
        solve then weighs its ratings, ``user_step``'s c_u).
    This is the readable loop; ``als_explicit`` computes the same with ``mfedu._ridge``.
    """
    R, F, reg = check_half_step(R, "R", F, reg)
    if C is not None:
        C = _same_pattern(C, R)
    biased = f_bias is not None
    if biased:
        f_bias = check_vector(f_bias, "f_bias", length=F.shape[0], length_name=f"F.shape[0] = {F.shape[0]}")
        F = np.column_stack([F, np.ones(F.shape[0])])           # (F_u 1): the bias column
    mu = check_float(mu, "mu")
    Z = np.zeros((R.shape[0], F.shape[1]))
    with np.errstate(over="ignore", invalid="ignore"):         # an overflow: check_solution below
        for u in range(R.shape[0]):
            cols = R.indices[R.indptr[u]:R.indptr[u + 1]]       # Omega_u: the columns u rated
            r_u = R.data[R.indptr[u]:R.indptr[u + 1]]
            if biased:
                r_u = r_u - mu - f_bias[cols]                   # targets r_ui - mu - b_i, eq. (7)
            c_u = None if C is None else C.data[R.indptr[u]:R.indptr[u + 1]]
            Z[u] = _user_step(F[cols], r_u, reg[u], c_u)
    check_solution(Z, "R, F, reg, f_bias or mu", "the half-step")
    return (Z[:, :-1].copy(), Z[:, -1].copy()) if biased else Z


def _same_pattern(C, R):
    """C as CSR with R's non-zero pattern (same rows, same columns in the same order), its data
    the confidences c_ui > 0."""
    if not sp.issparse(C):
        raise TypeError(f"C must be a scipy.sparse matrix of confidences, got {type(C).__name__}")
    C = sp.csr_matrix(C, dtype=np.float64)
    C.sort_indices()
    if C.shape != R.shape or not (np.array_equal(C.indptr, R.indptr) and np.array_equal(C.indices, R.indices)):
        raise ValueError("C must have R's non-zero pattern (one confidence per rating of R)")
    check_confidence(C.data, "C", R.nnz, f"R.nnz = {R.nnz}")
    return C


# ----------------------------------------------------------------------------- the trainer

def als_explicit(train: Ratings, rank: int = 4, lam: float | None = None, n_iters: int = 15,
                 biased: bool = False, weighted: bool = True, seed: int = 0,
                 test: Ratings | None = None, confidence=None) -> FitResult:
    """Fit r̂_ui = x_u . y_i (+ mu + b_u + b_i) by ALS, alternating user and item half-steps.

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
    confidence : optional per-rating confidences c_ui > 0, aligned with ``train``'s entries
        (notebook 09; Koren, Bell, Volinsky 2009, "inputs with varying confidence levels"): the
        loss becomes sum c_ui e_ui^2 + the same penalty (w_u stays n_u), and each half-step the
        weighted ridge solve of ``user_step(..., c_u)``. All c_ui = 1 is the unweighted fit.

    Returns
    -------
    FitResult with X (m, k), Y (n, k), mu/bu/bi when biased, ``params`` (method, rank, lam,
    lam_convention, n_iters, biased, seed) and one history row per sweep: loss =
    ``mf_loss(train, X, Y, lam, mu, bu, bi, weighted)``, train and test RMSE, and the
    cumulative seconds spent in the half-steps (evaluating the history is not counted).
    """
    train = check_ratings(train, "train")
    check_scale(train.values, "train")
    rank = check_rank(rank, min(train.shape), "min(n_users, n_items)")
    n_iters = check_int(n_iters, "n_iters", low=1)
    biased, weighted = check_bool(biased, "biased"), check_bool(weighted, "weighted")
    lam = DEFAULT_LAM[weighted] if lam is None else check_float(lam, "lam", low=0.0)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    test = check_test(test, train)
    if confidence is not None:
        confidence = check_confidence(confidence, "confidence", len(train), f"len(train) = {len(train)}")

    R_u = train.to_csr()                          # rows: users
    R_i = R_u.T.tocsr()                           # rows: items
    c_u = c_i = None
    if confidence is not None:                    # the confidences in R_u's and R_i's slot order
        slot = sp.csr_matrix((np.arange(1.0, len(train) + 1), (train.users, train.items)), shape=train.shape)
        c_u = confidence[slot.data.astype(np.int64) - 1]
        c_i = confidence[slot.T.tocsr().data.astype(np.int64) - 1]
    reg_u, reg_i = (lam * np.diff(R_u.indptr), lam * np.diff(R_i.indptr)) if weighted else (lam, lam)
    blocks_u, blocks_i = _ridge.row_blocks(R_u), _ridge.row_blocks(R_i)
    mu = float(train.values.mean()) if biased else 0.0
    X = np.zeros((train.n_users, rank))
    Y = 0.1 * rng.standard_normal((train.n_items, rank))
    bu = np.zeros(train.n_users) if biased else None
    bi = np.zeros(train.n_items) if biased else None
    model = FitResult(X, Y, mu, bu, bi, params={
        "method": "explicit ALS", "rank": rank, "lam": lam, "lam_convention": lam_convention(weighted),
        "n_iters": n_iters, "biased": biased, "weighted": weighted, "seed": seed})
    seconds = 0.0
    for _ in range(n_iters):
        start = time.perf_counter()
        X, bu = _ridge.explicit_step(R_u, Y, reg_u, bi, mu, blocks_u, c_u)   # users: eq. (4)/(5), (7)
        Y, bi = _ridge.explicit_step(R_i, X, reg_i, bu, mu, blocks_i, c_i)   # items: the same
        seconds += time.perf_counter() - start
        model.X, model.Y, model.bu, model.bi = X, Y, bu, bi
        loss = mf_loss(train, X, Y, lam, mu, bu, bi, weighted, confidence=confidence)
        record_iteration(model, loss, seconds, train, test, on_nonfinite=f"the solve failed (lam = {lam})")
    return model


def fold_in(ratings_of_new_user, Y, lam: float, *, weighted: bool | None = None, mu: float = 0.0,
            bi=None, alpha: float | None = None, confidence: str = "linear",
            eps: float = 1.0) -> tuple[np.ndarray, float]:
    """Place a new user in a trained model with one ridge solve, without retraining.

    Explicit (``alpha=None``): ``user_step`` for the new user with the items' factors Y (and
    biases bi) kept fixed: notebook 06, eq. (5) (or (4) with ``weighted=False``). For a biased
    model pass mu and bi: [x, b] is then solved jointly as in ``als_explicit(..., biased=True)``
    (eq. (7)). ``weighted`` and ``lam`` must be the ones the model was trained with (ALS-WR uses
    lam n_new, with n_new the number of ratings given here); None means True, ``als_explicit``'s
    default.

    Implicit (``alpha`` given): ``mfedu.als_implicit.user_step`` for the new user, notebook 07,
    eqs. (5)-(6): (Y^T Y + Y^T (C^u - I) Y + lam_u I) x = Y^T C^u p(u), with c = 1 + alpha r (or
    the log form) and lam_u = lam, or lam n_new with ``weighted=True`` (notebook 08, eq. (3);
    None means False, ``als_implicit``'s default); mu and bi are ignored.

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
    n = Y.shape[0]
    if isinstance(ratings_of_new_user, Mapping):
        items, values = list(ratings_of_new_user.keys()), list(ratings_of_new_user.values())
    elif isinstance(ratings_of_new_user, (tuple, list)) and len(ratings_of_new_user) == 2:
        items, values = ratings_of_new_user
    else:
        raise TypeError("ratings_of_new_user must be a dict {item: rating} or a pair "
                        f"(items, values), got {type(ratings_of_new_user).__name__}")
    items = check_ids(items, "items of ratings_of_new_user", n, "n_items = Y.shape[0]")
    values = check_scale(check_vector(values, "values of ratings_of_new_user", length=len(items),
                                      length_name=f"the number of items, {len(items)}"),
                         "values of ratings_of_new_user")
    if len(np.unique(items)) != len(items):
        raise ValueError("items of ratings_of_new_user must be distinct")
    lam = check_float(lam, "lam", low=0.0)
    weighted = check_bool(alpha is None if weighted is None else weighted, "weighted")
    with np.errstate(over="ignore", invalid="ignore"):      # an overflow is reported by check_solution
        return _fold_in(items, values, Y, lam, weighted, mu, bi, alpha, confidence, eps)


def _fold_in(items, values, Y, lam, weighted, mu, bi, alpha, confidence, eps):
    n = Y.shape[0]
    if alpha is not None:
        if values.min(initial=0.0) < 0:
            raise ValueError(f"values of ratings_of_new_user must be counts >= 0, got {values.min()}")
        played = values > 0                                       # r = 0: the same as not played
        c = confidence_from_counts(values[played], alpha, confidence, eps)
        reg = lam * np.count_nonzero(played) if weighted else lam
        try:
            return implicit_user_step(Y, items[played], c, reg), 0.0
        except ValueError as e:     # every input was validated above, so only the solve's
            # overflow (check_solution) can raise here: name fold_in's own arguments instead
            raise ValueError(f"fold_in overflowed: alpha, lam, Y or the counts of "
                             f"ratings_of_new_user are too large for float64 arithmetic (the "
                             f"confidences reach {c.max():.3g}); keep alpha r and the factors "
                             f"moderate") from e
    mu = check_float(mu, "mu")
    reg = lam * len(items) if weighted else lam
    if bi is None:
        return check_solution(_user_step(Y[items], values - mu, reg), FOLD_IN_INPUTS), 0.0
    bi = check_vector(bi, "bi", length=n, length_name=f"n_items = Y.shape[0] = {n}")
    z = check_solution(_user_step(np.column_stack([Y[items], np.ones(len(items))]), values - mu - bi[items], reg),
                       FOLD_IN_INPUTS)
    return z[:-1], float(z[-1])
