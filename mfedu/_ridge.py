"""Batched ridge-regression kernels shared by explicit ALS (notebook 06) and implicit ALS (07).

These are the FAST forms of the half-steps: every row of a sparse matrix at once, with no Python
loop over rows. Each one is tested equal to the readable one-row-at-a-time form that the notebooks
and the exercise checks use (``mfedu.als.user_step`` / ``half_step`` and
``mfedu.als_implicit.user_step`` / ``cg_user_step`` / ``half_step``). Read those first: this
module only reorganises the same arithmetic for speed, and nothing here validates its arguments
(the public callers do). ``blocks``, where a kernel takes it, is ``row_blocks(R)`` computed once
by a trainer that calls the kernel every sweep on the same sparsity pattern.

How the rows are batched: rows of similar length are grouped into blocks of BLOCK_ROWS and padded
to the longest row of their block (``row_blocks``), so that the k x k matrices of a whole block
come out of one batched matrix product (``grams``); all rows are then solved in one stacked
``numpy.linalg.solve`` (``solve_stack``). No m x n matrix is ever formed.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

BLOCK_ROWS = 32      # rows per padded block: small enough that a block stays in cache


def row_blocks(R: sp.csr_matrix, size: int = BLOCK_ROWS) -> list[tuple[np.ndarray, np.ndarray]]:
    """Group the rows of R by their number of non-zeros into blocks of ``size`` rows, padded.

    Returns (rows, slots) per block: ``slots[j, l]`` is the position in R.indices / R.data of
    the l-th non-zero of row ``rows[j]``, or R.nnz (a padding slot) past the row's end. Sorting
    rows by length first keeps the padding small (about 9% more slots than ratings on the
    MovieLens-shaped synthetic set, for users and for items alike; appendix A4 measures it).
    """
    counts = np.diff(R.indptr)
    order = np.argsort(counts, kind="stable")
    blocks = []
    for start in range(0, len(order), size):
        rows = order[start:start + size]
        position = np.arange(max(counts[rows].max(), 1))
        slots = np.where(position < counts[rows][:, None], R.indptr[rows][:, None] + position, R.nnz)
        blocks.append((rows, slots))
    return blocks


def grams(R: sp.csr_matrix, F: np.ndarray, blocks, weights=None) -> np.ndarray:
    """sum_{i in Omega_u} w_ui f_i f_i^T for every row u of R, as an (m, k, k) stack (w = 1 if
    ``weights`` is None, else ``weights`` aligned with R.data). One batched product per block."""
    k = F.shape[1]
    A = np.empty((R.shape[0], k, k))
    F_pad = np.vstack([F, np.zeros(k)])                        # padding slots -> a zero row
    cols = np.append(R.indices, F.shape[0])
    w = None if weights is None else np.append(weights, 0.0)
    for rows, slots in blocks:
        F_b = F_pad[cols[slots]]                               # (rows in block, L, k)
        G_b = F_b if w is None else F_b * w[slots][:, :, None]
        A[rows] = F_b.transpose(0, 2, 1) @ G_b                 # F_u^T W_u F_u, b rows at once
    return A


def solve_stack(A: np.ndarray, rhs: np.ndarray, use_pinv: bool, empty: np.ndarray) -> np.ndarray:
    """Solve A_u z_u = rhs_u for every u of the stack (A is overwritten).

    Rows marked ``empty`` (no data) get z_u = 0. ``use_pinv``: take the minimum-norm
    least-squares solution (the pseudo-inverse), as the readable user steps do when reg = 0.
    """
    A[empty] = np.eye(A.shape[1])                              # rhs_u = 0 there, so z_u = 0
    if use_pinv:
        Z = np.linalg.pinv(A, hermitian=True) @ rhs[:, :, None]
    else:
        Z = np.linalg.solve(A, rhs[:, :, None])
    return np.ascontiguousarray(Z[:, :, 0])                   # rows contiguous: fast gathers


def explicit_step(R: sp.csr_matrix, F: np.ndarray, reg, f_bias=None, mu: float = 0.0, blocks=None,
                  weights=None):
    """Notebook 06, eq. (4) or (5) (eq. (7) with biases) for every row u of R, F fixed.

    Unbiased (``f_bias`` None): (F_u^T F_u + reg_u I) z_u = F_u^T r_u. Biased: F gets a column of
    ones and the targets become r_ui - mu - f_bias_i; the last coordinate of z_u is the bias.
    ``reg``: lam w_u, one number or one per row; if it is 0 everywhere (lam = 0) every row takes
    the pseudo-inverse, as ``mfedu.als.user_step`` does. ``weights``: per-rating confidences c_ui
    aligned with R.data (notebook 09): (F_u^T C_u F_u + reg_u I) z_u = F_u^T C_u r_u.
    Returns (Z, biases or None).
    """
    biased = f_bias is not None
    if biased:
        F = np.hstack([F, np.ones((F.shape[0], 1))])
        R = sp.csr_matrix((R.data - mu - f_bias[R.indices], R.indices, R.indptr), shape=R.shape)
    A = grams(R, F, row_blocks(R) if blocks is None else blocks, weights=weights)
    d = np.arange(F.shape[1])
    A[:, d, d] += np.broadcast_to(reg, R.shape[0])[:, None]   # + lam w_u I
    if weights is not None:
        R = sp.csr_matrix((R.data * weights, R.indices, R.indptr), shape=R.shape)   # C_u r_u
    Z = solve_stack(A, R @ F, not np.any(reg), np.diff(R.indptr) == 0)   # R @ F: F_u^T r_u
    return (np.ascontiguousarray(Z[:, :-1]), Z[:, -1].copy()) if biased else (Z, None)


def implicit_exact_step(C: sp.csr_matrix, F: np.ndarray, reg, blocks=None) -> np.ndarray:
    """Notebook 07, eqs. (5)-(6) for every row u of C (its data: the confidences c_ui > 1 where
    r_ui > 0), F fixed: (F^T F + F_u^T diag(c_u - 1) F_u + lam_u I) x_u = F_u^T c_u.
    ``reg``: lam_u, one number or one per row (0 everywhere: the pseudo-inverse, as
    ``mfedu.als_implicit.user_step`` takes it). Rows with no plays get x_u = 0."""
    A = grams(C, F, row_blocks(C) if blocks is None else blocks, weights=C.data - 1.0)   # F_u^T diag(c_u - 1) F_u
    A += F.T @ F                                               # + F^T F (shared by all rows)
    d = np.arange(F.shape[1])
    A[:, d, d] += np.broadcast_to(reg, C.shape[0])[:, None]   # + lam_u I
    return solve_stack(A, C @ F, not np.any(reg), np.diff(C.indptr) == 0)   # C @ F: F^T C^u p(u)


def implicit_cg_step(C: sp.csr_matrix, F: np.ndarray, X0: np.ndarray, reg, n_steps: int,
                     blocks=None) -> np.ndarray:
    """Notebook 07, eqs. (5)-(6) for every row of C by ``n_steps`` conjugate-gradient steps from
    X0, each product A_u v by eq. (7).

    The rows of a block run CG side by side, each with its own step length and direction weight;
    a row stops for good once its residual is 0 or its direction has no positive curvature, as
    ``mfedu.als_implicit.cg_user_step`` (one row of it) stops. Rows with no plays are set to 0,
    their exact solution (the right-hand side is 0).
    """
    k = F.shape[1]
    G = F.T @ F                                                # F^T F
    reg = np.broadcast_to(reg, C.shape[0])
    F_pad = np.vstack([F, np.zeros(k)])                        # padding slots -> a zero row
    cols = np.append(C.indices, F.shape[0])
    c_pad = np.append(C.data, 0.0)                             # padding: c = 0 and weight 0
    X = X0.copy()
    for rows, slots in (row_blocks(C) if blocks is None else blocks):
        F_b, c_b = F_pad[cols[slots]], c_pad[slots]            # (rows in block, L, k), (.., L)
        w_b = np.where(c_b > 0, c_b - 1.0, 0.0)                # c_ui - 1 on played items
        reg_b = reg[rows][:, None]

        def A_times(V):                                        # A_u v_u for each row, eq. (7)
            q = (F_b @ V[:, :, None])[:, :, 0] * w_b           # (C^u - I) F_u v_u
            return V @ G + reg_b * V + (q[:, None, :] @ F_b)[:, 0, :]

        x = X[rows]
        resid = (c_b[:, None, :] @ F_b)[:, 0, :] - A_times(x)   # F^T C^u p(u) - A_u x_u
        direction, rr = resid.copy(), np.einsum("bk,bk->b", resid, resid)
        active = np.ones(len(rows), dtype=bool)                # rows still iterating
        for _ in range(n_steps):
            Ad = A_times(direction)
            dAd = np.einsum("bk,bk->b", direction, Ad)
            active &= (rr > 0) & (dAd > 0)                     # solved, or no curvature: stop
            if not active.any():
                break
            step = np.divide(rr, dAd, out=np.zeros_like(rr), where=active)
            x += step[:, None] * direction
            resid -= step[:, None] * Ad
            rr_new = np.einsum("bk,bk->b", resid, resid)
            beta = np.divide(rr_new, rr, out=np.zeros_like(rr), where=active)
            direction = resid + beta[:, None] * direction
            rr = rr_new
        X[rows] = x
    X[np.diff(C.indptr) == 0] = 0.0          # no plays: the right-hand side is 0, so x_u = 0
    return X
