"""ALS for implicit feedback: exact and conjugate-gradient solvers (notebook 07).

Also reachable as ``mfedu.als.als_implicit``. Equation numbers are notebook 07's. The data are counts r_ui >= 0 (plays, clicks). Following
Hu, Koren, Volinsky (2008), each entry of the FULL m x n matrix gets a preference and a confidence

    p_ui = 1 if r_ui > 0 else 0                                                  (1)
    c_ui = 1 + alpha r_ui                  (confidence="linear"; Hu et al.'s eq. 2)   (2)
    c_ui = 1 + alpha log(1 + r_ui / eps)   (confidence="log"; Hu et al.'s eq. 6)      (3)

and the loss runs over ALL entries, unobserved ones included (p = 0, c = 1):

    L = sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + lam (sum_u ||x_u||^2 + sum_i ||y_i||^2)      (4)

Lambda convention (``weighted``): False (the default) is the plain sum above, as in the paper
and the `implicit` library. True is Spark's convention, ALS-WR carried over: the penalty on x_u
is lam n_u ||x_u||^2 with n_u the number of items u interacted with (r_ui > 0), and likewise
lam n_i for y_i. With Y fixed, each x_u solves a weighted ridge regression (item steps are
symmetric), with lam_u = lam (plain) or lam n_u (weighted):

    (Y^T C^u Y + lam_u I) x_u = Y^T C^u p(u)                                                (5)
    Y^T C^u Y = Y^T Y + Y^T (C^u - I) Y,   Y^T C^u p(u) = sum_{i: r_ui > 0} c_ui y_i         (6)

Y^T Y is shared by all users and C^u - I is zero except on the n_u items u interacted with, so
A_u costs O(n_u k^2) instead of O(n k^2). The "exact" solver builds every A_u this way and solves
them in one stack: O(|Omega| k^2 + m k^3).

The "cg" solver (Takacs, Pilaszy, Tikk 2011; the `implicit` library's default) never builds
A_u: it runs a few conjugate-gradient steps on (5) starting from the previous x_u (warm start),
and each product A_u v = (Y^T Y + lam_u I) v + Y_u^T ((c_u - 1) o (Y_u v)) (7) costs O(k^2 + n_u k), so a
half-step costs O(cg_steps (|Omega| k + m k^2)). Every CG step lowers the quadratic in x_u,
so the loss is non-increasing with either solver. As cg_steps grows CG reaches the exact solve.

Two forms of each step: ``user_step`` and ``cg_user_step`` (one user) and ``half_step`` (a loop
over the rows) are the readable forms that notebook 07, ``fold_in`` and the exercise checks call;
``als_implicit`` runs the fast batched forms in ``mfedu._ridge``, tested equal to them.

The loss (4) is evaluated without forming an m x n matrix, with s_ui = x_u . y_i:

    sum_{u,i} c_ui (p_ui - s_ui)^2 = sum_{u,i} s_ui^2 + sum_{r_ui > 0} [c_ui (1 - s_ui)^2 - s_ui^2]
    sum_{u,i} s_ui^2 = sum of the entries of (X^T X) o (Y^T Y)      (o: elementwise product)

References: Hu, Koren, Volinsky (2008), Collaborative filtering for implicit feedback datasets;
Takacs, Pilaszy, Tikk (2011), Applications of the conjugate gradient method for implicit
feedback collaborative filtering.
"""
from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from . import _ridge
from ._validate import (check_bool, check_choice, check_float, check_half_step, check_ids, check_int, check_matrix,
                        check_rank, check_scale, check_solution, check_vector)
from .data import Ratings, check_ratings
from .metrics import record_iteration
from .result import FitResult, lam_convention

SOLVERS = ("cg", "exact")
CONFIDENCES = ("linear", "log")


# ----------------------------------------------------------------------------- the readable steps

def confidence_from_counts(counts, alpha: float, confidence: str = "linear", eps: float = 1.0) -> np.ndarray:
    """c = 1 + alpha r (eq. (2), ``confidence="linear"``) or 1 + alpha log(1 + r / eps) (eq. (3)),
    elementwise for an array of counts r >= 0 (e.g. ``R.data`` of a sparse count matrix).
    A ValueError if a confidence overflows, or if a count r > 0 gets c = 1 (no more weight than
    a non-play) because alpha r is below float64's resolution."""
    return _confidences(counts, alpha, confidence, eps, "counts")


def _confidences(counts, alpha, confidence, eps, name: str) -> np.ndarray:
    """``confidence_from_counts``, with ``name`` for the counts in messages (e.g. "train")."""
    alpha = check_float(alpha, "alpha", low=0.0, low_open=True)
    eps = check_float(eps, "eps", low=0.0, low_open=True)
    confidence = check_choice(confidence, "confidence", CONFIDENCES)
    if sp.issparse(counts):
        raise TypeError("counts must be an array of counts, got a scipy.sparse matrix (pass R.data)")
    if np.ndim(counts) == 0:
        raise TypeError(f"counts must be an array of counts, got {type(counts).__name__} {counts!r}")
    r = check_vector(np.ravel(counts), "counts")
    if r.size and r.min() < 0:
        raise ValueError(f"counts must be >= 0, got {r.min()}")
    with np.errstate(over="ignore"):
        c = 1.0 + alpha * (r if confidence == "linear" else np.log1p(r / eps))
    if not np.all(np.isfinite(c)):
        raise ValueError(f"the confidences overflow: alpha = {alpha:g} times the largest count "
                         f"{r.max():g}{'' if confidence == 'linear' else f' (log form, eps = {eps:g})'}"
                         " is not a finite number; use a smaller alpha (or a larger eps)")
    if np.any((c <= 1.0) & (r > 0)):          # a play must weigh more than a non-play
        j = int(np.argmax((c <= 1.0) & (r > 0)))
        form = "1 + alpha r" if confidence == "linear" else "1 + alpha log(1 + r / eps)"
        raise ValueError(f"alpha must make every confidence {form} of a play (r > 0) larger than "
                         f"1, but the count {r[j]:g} in {name} gets 1 in float64 (alpha = {alpha:g}"
                         f"{'' if confidence == 'linear' else f', eps = {eps:g}'}); use a larger "
                         f"alpha{'' if confidence == 'linear' else ' or a smaller eps'}")
    return c.reshape(np.shape(counts))


def user_step(Y, items, c, reg: float, YtY=None) -> np.ndarray:
    """One user's exact step, eqs. (5)-(6):
    x_u = (Y^T Y + Y_u^T diag(c_u - 1) Y_u + reg I)^{-1} Y_u^T c_u.

    Y : (n, k) item factors.   items : the n_u distinct items the user played (r_ui > 0).
    c : (n_u,) their confidences c_ui > 1 (``confidence_from_counts``).   reg : lam_u >= 0 (lam,
    or lam n_u in the weighted convention); with reg = 0 a singular system gets the minimum-norm
    solution (pseudo-inverse).   YtY : Y^T Y if already computed (it is shared by all users of a
    half-step). The item step is the same call with X, the item's users and lam_i.
    """
    Y, items, c, reg, YtY = _check_user(Y, items, c, reg, YtY)
    with np.errstate(over="ignore", invalid="ignore"):
        return check_solution(_user_step(Y, items, c, reg, YtY), "Y, c, reg or YtY")


def _user_step(Y, items, c, reg, YtY):
    Y_u = Y[items]
    A = YtY + Y_u.T @ ((c - 1.0)[:, None] * Y_u) + reg * np.eye(Y.shape[1])    # eq. (6), left
    rhs = Y_u.T @ c                                                              # Y_u^T c_u
    return np.linalg.solve(A, rhs) if reg > 0 else np.linalg.pinv(A, hermitian=True) @ rhs


def cg_user_step(Y, items, c, reg: float, x0, n_steps: int, YtY=None) -> np.ndarray:
    """``n_steps`` conjugate-gradient steps on one user's system (5) from x0 (Takacs et al. 2011).

    Never forms A_u: each step needs one product A_u v = (Y^T Y + reg I) v + Y_u^T ((c - 1) o (Y_u v)),
    eq. (7). After k steps (k = rank) CG reaches the exact ``user_step`` up to rounding. It stops
    early once the residual is 0 or the search direction has no positive curvature.
    """
    Y, items, c, reg, YtY = _check_user(Y, items, c, reg, YtY)
    x0 = check_vector(x0, "x0", length=Y.shape[1], length_name=f"k = Y.shape[1] = {Y.shape[1]}")
    n_steps = check_int(n_steps, "n_steps", low=0)
    with np.errstate(over="ignore", invalid="ignore"):
        return check_solution(_cg_user_step(Y, items, c, reg, x0, n_steps, YtY), "Y, c, reg, x0 or YtY",
                              "conjugate gradient")


def _cg_user_step(Y, items, c, reg, x0, n_steps, YtY):
    Y_u = Y[items]

    def A_times(v):                                          # eq. (7): A_u v without A_u
        return YtY @ v + reg * v + Y_u.T @ ((c - 1.0) * (Y_u @ v))

    x = x0.copy()
    resid = Y_u.T @ c - A_times(x)                           # Y_u^T c_u - A_u x
    direction = resid.copy()
    for _ in range(n_steps):
        rr = resid @ resid
        Ad = A_times(direction)
        dAd = direction @ Ad
        if rr == 0 or dAd <= 0:                              # solved (or nothing to do)
            break
        step = rr / dAd                                      # exact line search along direction
        x = x + step * direction
        resid = resid - step * Ad
        direction = resid + (resid @ resid) / rr * direction  # A-conjugate to the previous one
    return x


def half_step(C, F, reg, *, solver: str = "exact", X0=None, n_steps: int = 3) -> np.ndarray:
    """One half-step, row by row: ``user_step`` (or ``cg_user_step`` from X0) for every row of C.

    C : (m, n) scipy.sparse CSR confidences c_ui on the played entries (rows = users, or the
    transpose for items).   F : (n, k) fixed factors.   reg : lam_u, one number or one per row.
    Rows with no plays get 0. The readable loop; ``als_implicit`` computes the same in ``mfedu._ridge``.
    """
    C, F, reg = check_half_step(C, "C", F, reg)
    solver = check_choice(solver, "solver", SOLVERS)
    if C.nnz and C.data.min() <= 1:
        raise ValueError(f"C must hold the confidences c = 1 + alpha r > 1 of played items, got "
                         f"{C.data.min()} (a zero count is not a play: leave it out of C)")
    if solver == "cg":
        if X0 is None:
            raise ValueError("X0, the starting factors, is required with solver='cg'")
        X0 = check_matrix(X0, "X0")
        if X0.shape != (C.shape[0], F.shape[1]):
            raise ValueError(f"X0 must have shape {(C.shape[0], F.shape[1])}, got {X0.shape}")
        n_steps = check_int(n_steps, "n_steps", low=0)
    X = np.zeros((C.shape[0], F.shape[1]))
    with np.errstate(over="ignore", invalid="ignore"):
        YtY = F.T @ F                                        # shared by every row
        for u in np.flatnonzero(np.diff(C.indptr)):          # rows with no plays stay 0
            s = slice(C.indptr[u], C.indptr[u + 1])
            items, c = C.indices[s], C.data[s]
            X[u] = (_user_step(F, items, c, reg[u], YtY) if solver == "exact"
                    else _cg_user_step(F, items, c, reg[u], X0[u], n_steps, YtY))
    return check_solution(X, "C, F, reg or X0", "the half-step")


def _check_user(Y, items, c, reg, YtY):
    Y = check_matrix(Y, "Y")
    items = check_ids(items, "items", Y.shape[0], "n_items = Y.shape[0]")
    if len(np.unique(items)) != len(items):
        raise ValueError("items must be distinct (each played item once, with its confidence)")
    c = check_vector(c, "c", length=len(items), length_name=f"len(items) = {len(items)}")
    if c.size and c.min() <= 1:
        raise ValueError(f"c must hold the confidences c = 1 + alpha r > 1 of played items, got "
                         f"{c.min()} (a zero count is not a play: leave that item out)")
    k = Y.shape[1]
    if YtY is None:
        YtY = Y.T @ Y
    else:
        YtY = check_matrix(YtY, "YtY")
        if YtY.shape != (k, k):
            raise ValueError(f"YtY must be Y.T @ Y, of shape {(k, k)}, got shape {YtY.shape}")
    return Y, items, c, check_float(reg, "reg", low=0.0), YtY


# ----------------------------------------------------------------------------- the trainer

def als_implicit(train: Ratings, rank: int = 16, lam: float = 30.0, alpha: float = 0.2,
                 n_iters: int = 10, solver: str = "cg", seed: int = 0, *,
                 confidence: str = "linear", eps: float = 1.0, cg_steps: int = 3,
                 weighted: bool = False) -> FitResult:
    """Fit implicit-feedback ALS: alternate eq. (5) for all users, then for all items.

    The defaults were chosen by precision@10 on a validation split carved from the synthetic
    play counts' training set (they sit on a broad plateau: lam 20-50, alpha 0.05-0.2, any
    rank from 16 to 64, 10 or more sweeps; rank 16 is the fastest there). Hu et al. used
    alpha = 40 on TV watching times: the best alpha depends on the scale of the counts, and
    the best lam grows with alpha.

    Parameters
    ----------
    train : counts r_ui >= 0 (entries equal to 0 mean the same as unobserved).
    rank : k, 1 <= k <= min(m, n).
    lam : lambda >= 0, in the convention chosen by ``weighted``.
    alpha : > 0, how fast confidence grows with the count.
    n_iters : number of sweeps (a user half-step then an item half-step).
    solver : "cg" (conjugate gradient, warm start) or "exact" (stacked solve of (5)). CG's saving
        grows with k; at small k (16, say) on a data set of this size both take about the same
        time, because the per-block Python overhead dominates, and "exact" can even be faster.
    seed : seeds the random start X, Y ~ N(0, 0.01^2).
    confidence : "linear" (1 + alpha r) or "log" (1 + alpha log(1 + r / eps)).
    eps : > 0, the count scale of the log confidence (unused by "linear").
    cg_steps : >= 1, CG steps per half-step (unused by "exact").
    weighted : False: the plain lam of eq. (4) (Hu et al.). True: lam n_u and lam n_i, the
        convention of Spark's ``ALS(implicitPrefs=True)`` (notebook 08); the defaults above
        were chosen for False (the weighted lam that matches lam = 30 is about 30 / 85).

    Returns
    -------
    FitResult with X, Y (no biases, mu = 0), ``params`` and one history row per sweep: loss =
    ``implicit_loss(...)`` of eq. (4); ``train_rmse`` and ``test_rmse`` are NaN (an RMSE
    of 0/1 preferences means little; rank with ``mfedu.metrics`` instead); ``seconds`` is the
    cumulative time of the half-steps (evaluating the loss is not counted).
    """
    train = check_ratings(train, "train")
    check_scale(train.values, "train")
    rank = check_rank(rank, min(train.shape), "min(n_users, n_items)")
    lam = check_float(lam, "lam", low=0.0)
    n_iters = check_int(n_iters, "n_iters", low=1)
    solver = check_choice(solver, "solver", SOLVERS)
    cg_steps = check_int(cg_steps, "cg_steps", low=1)
    weighted = check_bool(weighted, "weighted")
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    C_u = _check_confidence(train.to_csr(), alpha, confidence, eps)    # rows: users
    if C_u.nnz == 0:
        raise ValueError("train must contain at least one positive count: every count is 0, so "
                         "nothing was played and every factor would be 0")
    C_i = C_u.T.tocsr()                                                 # rows: items
    blocks_u, blocks_i = _ridge.row_blocks(C_u), _ridge.row_blocks(C_i)
    reg_u, reg_i = _regs(C_u, lam, weighted)                            # lam_u, lam_i of (5)
    X = 0.01 * rng.standard_normal((train.n_users, rank))
    Y = 0.01 * rng.standard_normal((train.n_items, rank))
    model = FitResult(X, Y, params={
        "method": f"implicit ALS ({solver})", "rank": rank, "lam": lam,
        "lam_convention": lam_convention(weighted), "alpha": float(alpha), "confidence": confidence,
        "eps": float(eps), "n_iters": n_iters, "solver": solver, "cg_steps": cg_steps,
        "seed": seed, "weighted": weighted})
    seconds = 0.0
    for _ in range(n_iters):
        start = time.perf_counter()
        if solver == "cg":
            X = _ridge.implicit_cg_step(C_u, Y, X, reg_u, cg_steps, blocks_u)
            Y = _ridge.implicit_cg_step(C_i, X, Y, reg_i, cg_steps, blocks_i)
        else:
            X = _ridge.implicit_exact_step(C_u, Y, reg_u, blocks_u)
            Y = _ridge.implicit_exact_step(C_i, X, reg_i, blocks_i)
        seconds += time.perf_counter() - start
        model.X, model.Y = X, Y
        loss = _implicit_loss(C_u, X, Y, lam, weighted)
        record_iteration(model, loss, seconds, on_nonfinite=f"the solve failed (lam = {lam})")
    return model


def implicit_loss(train: Ratings, X, Y, lam: float, alpha: float, *, confidence: str = "linear",
                  eps: float = 1.0, weighted: bool = False) -> float:
    """Eq. (4), the implicit loss over all m n entries, computed from the non-zeros only
    (``weighted=True``: the penalty is lam sum_u n_u ||x_u||^2 + lam sum_i n_i ||y_i||^2)."""
    train = check_ratings(train, "train")
    X, Y = check_matrix(X, "X"), check_matrix(Y, "Y")
    if X.shape[1] != Y.shape[1] or X.shape[0] != train.n_users or Y.shape[0] != train.n_items:
        raise ValueError(f"X and Y must have shapes ({train.n_users}, k) and ({train.n_items}, k),"
                         f" got {X.shape} and {Y.shape}")
    lam = check_float(lam, "lam", low=0.0)
    C = _check_confidence(train.to_csr(), alpha, confidence, eps)
    return _implicit_loss(C, X, Y, lam, check_bool(weighted, "weighted"))


# ----------------------------------------------------------------------------- helpers

def _check_confidence(R: sp.csr_matrix, alpha, confidence, eps, name: str = "train") -> sp.csr_matrix:
    """C: the CSR matrix of confidences c_ui on the entries with r_ui > 0 (p_ui = 1 there);
    ``name`` is the argument R came from, for the message about negative counts."""
    if R.nnz and R.data.min() < 0:
        raise ValueError(f"{name} must hold counts >= 0 (implicit feedback), got {R.data.min()}")
    C = R.copy()
    C.eliminate_zeros()                                          # r_ui = 0: same as unobserved
    C.data = _confidences(C.data, alpha, confidence, eps, name)
    return C


def _regs(C, lam, weighted):
    """lam_u for every row and lam_i for every column of C: lam n_u, lam n_i (weighted) or lam."""
    if not weighted:
        return lam, lam
    return lam * np.diff(C.indptr), lam * np.bincount(C.indices, minlength=C.shape[1])


def _implicit_loss(C, X, Y, lam, weighted=False) -> float:
    u = np.repeat(np.arange(C.shape[0]), np.diff(C.indptr))
    s = np.einsum("jk,jk->j", X[u], Y[C.indices])               # s_ui on the non-zeros
    all_squares = np.sum((X.T @ X) * (Y.T @ Y))                  # sum over all u, i of s_ui^2
    observed = np.sum(C.data * (1.0 - s) ** 2 - s ** 2)
    w_u, w_i = _regs(C, 1.0, weighted)
    penalty = np.sum(w_u * np.sum(X * X, axis=1)) + np.sum(w_i * np.sum(Y * Y, axis=1))
    return float(all_squares + observed + lam * penalty)
