"""Eigen- and singular value decompositions, written to be read beside notebook 01.

    symmetric EVD    A = P D P^T          (P orthogonal, D diagonal)
    SVD              B = U Sigma V^T      (U, V orthogonal, Sigma diagonal >= 0)
    link             B^T B = V Sigma^T Sigma V^T,  B B^T = U Sigma Sigma^T U^T,  sigma_j = sqrt(lambda_j)
    Eckart-Young     min_{rank(M) <= k} ||B - M||_F = ||B - U_k Sigma_k V_k^T||_F
                                                    = sqrt(sigma_{k+1}^2 + ... + sigma_r^2)

numpy's order is kept: functions return ``U, s, Vt`` with ``B = U @ diag(s) @ Vt``.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ._validate import check_bool, check_float, check_int, check_matrix, check_rank, check_vector


def _scale_of(values) -> float:
    """c = 2^e, the power of 2 with 2^e <= max |v| < 2^(e+1) over ``values`` (1.0 if all are 0).

    The decompositions below divide their input by it, work on entries of size about 1, and
    multiply the results back (``_unscale``). Dividing by a power of 2 is exact (only exponents
    change), so no digit moves; it keeps squares and sums of squares (norms, B^T B) from
    overflowing to inf (entries near 1e308) or underflowing to 0 (entries near 1e-200).
    """
    largest = float(np.max(np.abs(values))) if np.size(values) else 0.0
    if largest == 0.0:
        return 1.0
    return float(np.ldexp(1.0, np.frexp(largest)[1] - 1))


def _unscale(values, scale: float, name: str, what: str):
    """values * scale: results computed on the scaled input, brought back to the input's scale.
    A ValueError if they do not fit in float64 (then no answer can be returned)."""
    with np.errstate(over="ignore"):
        out = values * scale
    if not np.all(np.isfinite(out)):
        size = np.log10(np.max(np.abs(values))) + np.log10(scale)
        raise ValueError(f"{name} has {what} too large for float64 (about 10^{size:.1f}; the largest "
                         f"float is {np.finfo(float).max:.3g}): divide {name} by a constant first")
    return out


def eig_sym(A, k: int | None = None, n_iter: int = 10_000, tol: float = 1e-10,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The k eigenpairs of largest |lambda| of a symmetric A, by power iteration with deflation.

    Power iteration: v <- A v / ||A v|| converges to the eigenvector of the eigenvalue of
    largest magnitude, at a rate |lambda_2 / lambda_1| per step. Deflation (Hotelling):
    A <- A - lambda_1 v_1 v_1^T removes that pair, so the next run finds the next one.
    The iterate is also kept orthogonal to the vectors already found, which deflation alone
    does only up to rounding.

    Parameters
    ----------
    A : (n, n) symmetric array.
    k : number of eigenpairs (default n).
    n_iter : iteration limit per eigenpair; tol : stop when ||A_j v - lambda v|| <= tol ||A||_F,
        where A_j is A deflated by the pairs already found, restricted to their complement.

    Returns
    -------
    lam : (k,) eigenvalues, ordered by decreasing |lambda|.
    P : (n, k) orthonormal eigenvectors, P[:, j] for lam[j], each scaled so that its entry of
        largest magnitude is positive (an eigenvector's sign is arbitrary; this fixes one).

    Checks: A a finite real square matrix, symmetric up to rounding (judged after the scaling
    below); k an int in [1, n]; n_iter an int >= 1; tol a real > 0; seed an int >= 0.
    Scaling: the iteration runs on A / c, with c the power of 2 nearest below max |A_ij|, and the
    eigenvalues are multiplied by c at the end (exact: only exponents change), so entries near
    1e-300 or 1e300 work as well as entries near 1. A ValueError if an eigenvalue is itself too
    large for float64 (the 2 x 2 matrix of 1e308s has the eigenvalue 2e308).

    Raises RuntimeError if an eigenpair does not converge, which happens when two eigenvalues
    have the same magnitude and opposite signs (power iteration then oscillates between them).
    Cost: O(n^2) per iteration. This is the teaching version: use numpy.linalg.eigh in practice.
    """
    A = check_matrix(A, "A", square=True)
    c = _scale_of(A)
    A = check_matrix(A / c, "A", symmetric=True)       # every |entry| < 2 now; see _scale_of
    n = A.shape[0]
    k = n if k is None else check_int(k, "k", low=1, high=n, high_text=f"n = {n}")
    n_iter = check_int(n_iter, "n_iter", low=1)
    tol = check_float(tol, "tol", low=0.0, low_open=True)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    scale = max(np.linalg.norm(A), np.finfo(float).tiny)
    lam, P = np.zeros(k), np.zeros((n, k))
    A_defl = A.copy()
    for j in range(k):
        v = rng.normal(size=n)
        for _ in range(n_iter):
            v -= P[:, :j] @ (P[:, :j].T @ v)          # stay orthogonal to v_1 .. v_{j-1}
            v /= np.linalg.norm(v)
            w = A_defl @ v
            # A_defl still carries the rounding errors of v_1 .. v_{j-1} (about tol each);
            # remove them from w too, or the residual below could never fall under tol.
            w -= P[:, :j] @ (P[:, :j].T @ w)
            lam_j = v @ w                              # Rayleigh quotient v^T A v
            if np.linalg.norm(w - lam_j * v) <= tol * scale:
                break
            if np.linalg.norm(w) <= tol * scale:       # A_defl v = 0: an eigenvalue 0
                lam_j = 0.0
                break
            v = w
        else:
            raise RuntimeError(f"eig_sym: eigenpair {j + 1} (index {j}) did not converge in {n_iter} iterations; "
                               "the two largest remaining eigenvalues have equal magnitude and opposite signs "
                               "(the iterate then swings between them), or magnitudes so close that "
                               "the rate |lambda_2 / lambda_1| per step is too slow; "
                               "use numpy.linalg.eigh for such matrices")
        v = v * np.sign(v[np.argmax(np.abs(v))])
        lam[j], P[:, j] = lam_j, v
        A_defl -= lam_j * np.outer(v, v)               # deflation: remove the pair just found
    return _unscale(lam, c, "A", "an eigenvalue"), P


def svd_via_eig(B, full_matrices: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The SVD B = U Sigma V^T built from the EVDs of B^T B and B B^T.

    1. B^T B = V Lambda V^T (eigh): V holds the right singular vectors, sigma_j = sqrt(lambda_j).
    2. B B^T = U Lambda U^T (eigh): U holds the left singular vectors.
    3. Each eigenvector is only defined up to its sign (and, for a repeated eigenvalue, up to a
       rotation inside its eigenspace), so the U and V from two separate EVDs need not pair up.
       Because B v_j = sigma_j u_j must hold, flip u_j when u_j . (B v_j) < 0; where the pairing
       is lost altogether (repeated sigma), take u_j = B v_j / sigma_j itself.

    Returns U (m x r), s (r,), Vt (r x n) with r = min(m, n), or square U, Vt when
    ``full_matrices``; s is sorted decreasing. Squaring B squares its condition number, so
    sigma_j below about 1e-8 sigma_1 are lost in rounding: this is why numpy.linalg.svd works on
    B itself. Singular values that vanish to rounding are set to exactly 0.

    Checks: B a finite real non-empty 2-D matrix; full_matrices True or False. Scaling: the EVDs
    are of B / c, with c the power of 2 nearest below max |B_ij|, and s is multiplied by c at the
    end (exact), so B^T B neither overflows (entries near 1e200) nor underflows to 0 (near
    1e-200). A ValueError if a singular value is itself too large for float64.
    """
    B = check_matrix(B, "B")
    full_matrices = check_bool(full_matrices, "full_matrices")
    c = _scale_of(B)
    B = B / c                                          # every |entry| < 2 now; see _scale_of
    m, n = B.shape
    r = min(m, n)
    lam_v, V = np.linalg.eigh(B.T @ B)
    lam_u, U = np.linalg.eigh(B @ B.T)
    V, U = V[:, ::-1], U[:, ::-1]                      # eigh sorts ascending; we want descending
    lam = (lam_v[::-1] if n <= m else lam_u[::-1])[:r]
    s = np.sqrt(np.clip(lam, 0.0, None))
    s[s <= np.sqrt(np.finfo(float).eps * max(m, n)) * max(s[0], 1e-300)] = 0.0
    nz = np.flatnonzero(s > 0)
    BV = B @ V[:, nz]                                  # column j is B v_j = sigma_j u_j
    agree = np.einsum("ij,ij->j", U[:, nz], BV)        # u_j . (B v_j) = +-sigma_j if paired
    U[:, nz] *= np.where(agree < 0, -1.0, 1.0)
    if np.any(np.abs(agree) < (1 - 1e-6) * s[nz]):     # a repeated sigma: pair explicitly
        U[:, nz] = BV / s[nz]
    if not full_matrices:
        U, V = U[:, :r], V[:, :r]
    return U, _unscale(s, c, "B", "a singular value"), V.T


def truncated_svd(B, rank: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k = ``rank`` leading singular triplets: U_k (m x k), s_k (k,), Vt_k (k x n).

    Dense B: numpy.linalg.svd, truncated. scipy.sparse B: scipy.sparse.linalg.svds (ARPACK),
    which touches only the non-zeros and needs k < min(m, n). Signs are made deterministic:
    the entry of largest magnitude in each column of U_k is positive.

    Checks: B a non-empty 2-D matrix of finite real numbers (complex B is a TypeError: its
    imaginary part would be lost); rank an int in [1, min(m, n)] (dense) or [1, min(m, n) - 1]
    (sparse); seed an int >= 0. As in ``svd_via_eig``, the SVD is of B / c with c a power of 2
    near max |B_ij|, and s is scaled back (ARPACK fails on entries near 1e-300 or 1e300
    otherwise). A sparse B with no non-zero value is the zero matrix: s = 0, and U_k, V_k are
    the first k unit vectors (ARPACK cannot start on it).
    """
    seed = check_int(seed, "seed", low=0)
    if sp.issparse(B):
        if B.ndim != 2 or min(B.shape) == 0:
            raise ValueError(f"B must be a non-empty 2-D matrix, got shape {B.shape}")
        if np.iscomplexobj(B):
            raise TypeError(f"B must be real, got dtype {B.dtype}")
        if not (np.issubdtype(B.dtype, np.number) or B.dtype == bool):
            raise TypeError(f"B must hold numbers, got dtype {B.dtype}")
        B = sp.csr_matrix(B, dtype=np.float64, copy=True)     # scaled in place below
        data = B.data
        if not np.all(np.isfinite(data)):
            raise ValueError("B must contain only finite values (no NaN or inf)")
        rank = check_rank(rank, min(B.shape) - 1, "min(n_rows, n_cols) - 1 (sparse)")
        v0 = np.random.default_rng(seed).normal(size=min(B.shape))
        m, n = B.shape
        if not np.any(data):                               # B = 0: every sigma is 0
            return np.eye(m, rank), np.zeros(rank), np.eye(rank, n)
        c = _scale_of(data)
        data /= c               # not B / c: scipy multiplies by 1 / c, which is inf for c = 5e-324
        U, s, Vt = spla.svds(B, k=rank, v0=v0)
        order = np.argsort(s)[::-1]
        U, s, Vt = U[:, order], s[order], Vt[order]
    else:
        B = check_matrix(B, "B")
        rank = check_rank(rank, min(B.shape))
        c = _scale_of(B)
        U, s, Vt = np.linalg.svd(B / c, full_matrices=False)
        U, s, Vt = U[:, :rank], s[:rank], Vt[:rank]
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])])
    signs[signs == 0] = 1.0
    return U * signs, _unscale(s, c, "B", "a singular value"), Vt * signs[:, None]


def low_rank(B, rank: int) -> np.ndarray:
    """B_k = U_k Sigma_k V_k^T: the best rank-k approximation of B in Frobenius norm (Eckart-Young).

    Checks: B a finite real dense matrix, rank an int in [1, min(m, n)]. A ValueError if B_k does
    not fit in float64 (possible only for entries near 1e308).
    """
    B = check_matrix(B, "B")
    U, s, Vt = truncated_svd(B, rank)
    with np.errstate(over="ignore", invalid="ignore"):
        B_k = (U * s) @ Vt
    if not np.all(np.isfinite(B_k)):
        raise ValueError("B is too large for float64 arithmetic: its rank-k approximation "
                         "overflows; divide B by a constant first")
    return B_k


def eckart_young_error(s, rank: int) -> float:
    """||B - B_k||_F = sqrt(sum_{j > k} sigma_j^2), from the singular values s of B.

    Checks: s a non-empty 1-D array of finite real numbers >= 0 (in any order); rank an int in
    [0, len(s)]. The sum of squares is taken of s / c, with c a power of 2 near the largest
    sigma_j left, then scaled back, so sigmas near 1e200 do not overflow to inf; a ValueError if
    the error itself is too large for float64.
    """
    s = check_vector(s, "s")
    if s.size == 0 or np.any(s < 0):
        got = "an empty array" if s.size == 0 else f"{s[s < 0][0]} at position {np.flatnonzero(s < 0)[0]}"
        raise ValueError(f"s must be a non-empty 1-D array of finite singular values >= 0, got {got}")
    rank = check_int(rank, "rank", low=0, high=len(s), high_text=f"len(s) = {len(s)}")
    tail = np.sort(s)[::-1][rank:]                     # sigma_{k+1}, ..., sigma_r
    c = _scale_of(tail)
    return float(_unscale(np.sqrt(np.sum((tail / c) ** 2)), c, "s", "an error sqrt(sum_{j > k} sigma_j^2)"))
