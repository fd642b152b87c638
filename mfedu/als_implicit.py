"""ALS for implicit feedback: exact and conjugate-gradient solvers (notebook 07).

Use it as ``mfedu.als.als_implicit``. The data are counts r_ui >= 0 (plays, clicks). Following
Hu, Koren, Volinsky (2008), each entry of the FULL m x n matrix gets a preference and a confidence

    p_ui = 1 if r_ui > 0 else 0
    c_ui = 1 + alpha r_ui                  (confidence="linear", the paper's equation 2)
    c_ui = 1 + alpha log(1 + r_ui / eps)   (confidence="log", the paper's equation 6)

and the loss runs over ALL entries, unobserved ones included (p = 0, c = 1):

    L = sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + lam (sum_u ||x_u||^2 + sum_i ||y_i||^2)      (1)

Lambda convention (``weighted``): False (the default) is the plain sum above, as in the paper
and the `implicit` library. True is Spark's convention, ALS-WR carried over: the penalty on x_u
is lam n_u ||x_u||^2 with n_u the number of items u interacted with (r_ui > 0), and likewise
lam n_i for y_i. With Y fixed, each x_u solves a weighted ridge regression (item steps are
symmetric), with lam_u = lam (plain) or lam n_u (weighted):

    (Y^T C^u Y + lam_u I) x_u = Y^T C^u p(u)                                                (2)
    Y^T C^u Y = Y^T Y + Y^T (C^u - I) Y                                                     (3)

Y^T Y is shared by all users and C^u - I is zero except on the n_u items u interacted with, so
A_u costs O(n_u k^2) instead of O(n k^2), and Y^T C^u p(u) = sum_{i: r_ui > 0} c_ui y_i. The
"exact" solver builds every A_u this way and solves them in one stack: O(|Omega| k^2 + m k^3).

The "cg" solver (Takacs, Pilaszy, Tikk 2011; the `implicit` library's default) never builds
A_u: it runs a few conjugate-gradient steps on (2) starting from the previous x_u (warm start),
and each product A_u v = (Y^T Y + lam_u I) v + Y_u^T ((C^u - I) (Y_u v)) costs O(n_u k), so a
half-step costs O(cg_steps (|Omega| k + m k^2)). Every CG step lowers the quadratic in x_u,
so the loss is non-increasing with either solver. As cg_steps grows CG reaches the exact solve.

The loss (1) is evaluated without forming an m x n matrix, with s_ui = x_u . y_i:

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

from ._validate import check_float, check_int, check_matrix, check_rank
from .als import _grams, _row_blocks, _solve
from .data import Ratings, _check_bool, check_ratings
from .result import FitResult

SOLVERS = ("cg", "exact")
CONFIDENCES = ("linear", "log")


def als_implicit(train: Ratings, rank: int = 16, lam: float = 30.0, alpha: float = 0.2,
                 n_iters: int = 10, solver: str = "cg", seed: int = 0, *,
                 confidence: str = "linear", eps: float = 1.0, cg_steps: int = 3,
                 weighted: bool = False) -> FitResult:
    """Fit implicit-feedback ALS: alternate equation (2) for all users, then for all items.

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
    solver : "cg" (conjugate gradient, warm start) or "exact" (stacked solve of (2)). CG's saving
        grows with k; at small k (16, say) on a data set of this size both take about the same
        time, because the per-block Python overhead dominates, and "exact" can even be faster.
    seed : seeds the random start X, Y ~ N(0, 0.01^2).
    confidence : "linear" (1 + alpha r) or "log" (1 + alpha log(1 + r / eps)).
    eps : > 0, the count scale of the log confidence (unused by "linear").
    cg_steps : >= 1, CG steps per half-step (unused by "exact").
    weighted : False: the plain lam of equation (1) (Hu et al.). True: lam n_u and lam n_i, the
        convention of Spark's ``ALS(implicitPrefs=True)`` (notebook 08); the defaults above
        were chosen for False (the weighted lam that matches lam = 30 is about 30 / 85).

    Returns
    -------
    FitResult with X, Y (no biases, mu = 0), ``params`` and one history row per sweep: loss =
    ``implicit_loss(...)`` of equation (1); ``train_rmse`` and ``test_rmse`` are NaN (an RMSE
    of 0/1 preferences means little; rank with ``mfedu.metrics`` instead); ``seconds`` is the
    cumulative time of the half-steps (evaluating the loss is not counted).
    """
    train = check_ratings(train, "train")
    rank = check_rank(rank, min(train.shape), "min(n_users, n_items)")
    lam = check_float(lam, "lam", low=0.0)
    n_iters = check_int(n_iters, "n_iters", low=1)
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
    cg_steps = check_int(cg_steps, "cg_steps", low=1)
    weighted = _check_bool(weighted, "weighted")
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    C_u = _check_confidence(train.to_csr(), alpha, confidence, eps)    # rows: users
    C_i = C_u.T.tocsr()                                                 # rows: items
    blocks_u, blocks_i = _row_blocks(C_u), _row_blocks(C_i)
    reg_u, reg_i = _regs(C_u, lam, weighted)                            # lam_u, lam_i of (2)
    X = 0.01 * rng.standard_normal((train.n_users, rank))
    Y = 0.01 * rng.standard_normal((train.n_items, rank))
    model = FitResult(X, Y, params={
        "method": f"implicit ALS ({solver})", "rank": rank, "lam": lam,
        "lam_convention": "ALS-WR: lam * n_u, lam * n_i" if weighted else "plain: lam", "alpha": float(alpha), "confidence": confidence,
        "eps": float(eps), "n_iters": n_iters, "solver": solver, "cg_steps": cg_steps,
        "seed": seed, "weighted": weighted})
    seconds = 0.0
    for _ in range(n_iters):
        start = time.perf_counter()
        if solver == "cg":
            X = _implicit_cg_step(C_u, Y, X, reg_u, blocks_u, cg_steps)
            Y = _implicit_cg_step(C_i, X, Y, reg_i, blocks_i, cg_steps)
        else:
            X = _implicit_exact_step(C_u, Y, reg_u, blocks_u)
            Y = _implicit_exact_step(C_i, X, reg_i, blocks_i)
        seconds += time.perf_counter() - start
        model.X, model.Y = X, Y
        loss = _implicit_loss(C_u, X, Y, lam, weighted)
        if not np.isfinite(loss):
            raise FloatingPointError(f"the loss became {loss}: the solve failed (lam = {lam})")
        model.log(loss, np.nan, np.nan, seconds)
    return model


def implicit_loss(train: Ratings, X, Y, lam: float, alpha: float, *, confidence: str = "linear",
                  eps: float = 1.0, weighted: bool = False) -> float:
    """Equation (1), the implicit loss over all m n entries, computed from the non-zeros only
    (``weighted=True``: the penalty is lam sum_u n_u ||x_u||^2 + lam sum_i n_i ||y_i||^2)."""
    train = check_ratings(train, "train")
    X, Y = check_matrix(X, "X"), check_matrix(Y, "Y")
    if X.shape[1] != Y.shape[1] or X.shape[0] != train.n_users or Y.shape[0] != train.n_items:
        raise ValueError(f"X and Y must have shapes ({train.n_users}, k) and ({train.n_items}, k),"
                         f" got {X.shape} and {Y.shape}")
    lam = check_float(lam, "lam", low=0.0)
    C = _check_confidence(train.to_csr(), alpha, confidence, eps)
    return _implicit_loss(C, X, Y, lam, _check_bool(weighted, "weighted"))


# ----------------------------------------------------------------------------- the half-steps

def _implicit_exact_step(C, F, reg, blocks):
    """Equation (2) for every row u of C (whose data are the c_ui of the non-zeros), F fixed.
    ``reg``: lam_u, one number for every row or one per row."""
    A = _grams(C, F, blocks, weights=C.data - 1.0)               # Y^T (C^u - I) Y, eq. (3)
    A += F.T @ F                                                 # + Y^T Y (shared)
    d = np.arange(F.shape[1])
    A[:, d, d] += np.broadcast_to(reg, C.shape[0])[:, None]      # + lam_u I
    empty = np.diff(C.indptr) == 0                               # nothing played: x_u = 0
    return _solve(A, C @ F, np.max(reg), empty)                  # C @ F: Y^T C^u p(u)


def _implicit_cg_step(C, F, X0, reg, blocks, steps):
    """Equation (2) for every row of C by ``steps`` conjugate-gradient steps from X0.

    The rows of a block run CG side by side: each has its own step sizes a_u and b_u.
    ``reg``: lam_u, one number for every row or one per row.
    """
    k = F.shape[1]
    G = F.T @ F                                                  # Y^T Y
    reg = np.broadcast_to(reg, C.shape[0])
    Fz = np.vstack([F, np.zeros(k)])                             # padding slots -> zero row
    cols = np.append(C.indices, F.shape[0])
    c = np.append(C.data, 0.0)                                   # padding: c = 0, c - 1 = 0
    X = X0.copy()
    for rows, slots in blocks:
        F_b, c_b = Fz[cols[slots]], c[slots]                     # (b, L, k), (b, L)
        w_b = np.where(c_b > 0, c_b - 1.0, 0.0)
        reg_b = reg[rows][:, None]

        def A_times(V):                                          # A_u v_u for each row, eq. (3)
            q = (F_b @ V[:, :, None])[:, :, 0] * w_b             # (C^u - I) Y_u v_u
            return V @ G + reg_b * V + (q[:, None, :] @ F_b)[:, 0, :]

        x = X[rows]
        r = (c_b[:, None, :] @ F_b)[:, 0, :] - A_times(x)        # r = Y^T C^u p(u) - A_u x_u
        d, rs = r.copy(), np.einsum("bk,bk->b", r, r)
        for _ in range(steps):
            Ad = A_times(d)
            dAd = np.einsum("bk,bk->b", d, Ad)
            a = np.divide(rs, dAd, out=np.zeros_like(rs), where=dAd > 0)
            x += a[:, None] * d
            r -= a[:, None] * Ad
            rs_new = np.einsum("bk,bk->b", r, r)
            d = r + np.divide(rs_new, rs, out=np.zeros_like(rs), where=rs > 0)[:, None] * d
            rs = rs_new
        X[rows] = x
    X[np.diff(C.indptr) == 0] = 0.0          # no interactions: b_u = 0, so (2) is solved by 0
    return X


# ----------------------------------------------------------------------------- helpers

def _check_confidence(R: sp.csr_matrix, alpha, confidence, eps) -> sp.csr_matrix:
    """C: the CSR matrix of confidences c_ui on the entries with r_ui > 0 (p_ui = 1 there)."""
    alpha = check_float(alpha, "alpha", low=0.0, low_open=True)
    eps = check_float(eps, "eps", low=0.0, low_open=True)
    if confidence not in CONFIDENCES:
        raise ValueError(f"confidence must be one of {CONFIDENCES}, got {confidence!r}")
    if R.nnz and R.data.min() < 0:
        raise ValueError(f"implicit ratings must be counts >= 0, got {R.data.min()}")
    C = R.copy()
    C.eliminate_zeros()                                          # r_ui = 0: same as unobserved
    C.data = 1.0 + alpha * (C.data if confidence == "linear" else np.log1p(C.data / eps))
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
