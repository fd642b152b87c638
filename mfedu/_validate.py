"""Argument checks shared by every public function (the bottom of mfedu's import graph).

Each helper raises a ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong
value) whose message starts with the argument's name and says what was expected, in the style
``"rank must be a positive int <= min(n_users, n_items) = 6, got 0"``.
"""
from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp


def check_int(value, name: str, *, low: int | None = None, high: int | None = None,
              high_text: str | None = None) -> int:
    """Return ``value`` as an int after checking ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if low is not None and value < low:
        bound = f">= {low}" if high is None else f"in [{low}, {high_text or high}]"
        raise ValueError(f"{name} must be an int {bound}, got {value}")
    if high is not None and value > high:
        bound = f"<= {high_text or high}" if low is None else f"in [{low}, {high_text or high}]"
        raise ValueError(f"{name} must be an int {bound}, got {value}")
    return value


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a bool; only True and False (or numpy's) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_rank(rank, max_rank: int, shape_text: str = "min(n_rows, n_cols)") -> int:
    """The rank k of an approximation: 1 <= k <= max_rank."""
    return check_int(rank, "rank", low=1, high=max_rank, high_text=f"{shape_text} = {max_rank}")


def check_float(value, name: str, *, low: float | None = None, low_open: bool = False,
                high: float | None = None) -> float:
    """Return ``value`` as a finite float inside the given range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_matrix(value, name: str, *, square: bool = False, symmetric: bool = False,
                 allow_no_columns: bool = False) -> np.ndarray:
    """A finite 2-D float64 array (a copy is never made unless needed). ``allow_no_columns``:
    accept shape (n, 0) with n >= 1, e.g. the factors of a rank-0 model (biases only)."""
    if not isinstance(value, (np.ndarray, list, tuple)):
        raise TypeError(f"{name} must be a 2-D numpy array, got {type(value).__name__}")
    A = np.asarray(value)
    if A.dtype == object or not (np.issubdtype(A.dtype, np.number) or A.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {A.dtype}")
    if np.iscomplexobj(A):
        raise TypeError(f"{name} must be real, got dtype {A.dtype}")
    A = A.astype(np.float64, copy=False)
    if A.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {A.shape}")
    if A.size == 0 and not (allow_no_columns and A.shape[0] > 0):
        raise ValueError(f"{name} must not be empty, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    if (square or symmetric) and A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be square, got shape {A.shape}")
    if symmetric and not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(A).max())):
        raise ValueError(f"{name} must be symmetric (A == A.T)")
    return A


def check_vector(v, name: str, *, dtype=np.float64, length: int | None = None,
                 length_name: str | None = None) -> np.ndarray:
    """A finite 1-D array of numbers, optionally of a given length."""
    if isinstance(v, (str, bytes)) or not hasattr(v, "__len__"):
        raise TypeError(f"{name} must be a 1-D array, got {type(v).__name__}")
    a = np.asarray(v)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {a.dtype}")
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    if np.issubdtype(dtype, np.integer):
        if a.size and not np.issubdtype(a.dtype, np.integer):
            if not np.all(np.isfinite(a)) or np.any(a != np.round(a)):
                raise TypeError(f"{name} must hold integers, got dtype {a.dtype}")
        a = a.astype(np.int64)
    else:
        a = a.astype(np.float64)
        if not np.all(np.isfinite(a)):
            bad = int(np.flatnonzero(~np.isfinite(a))[0])
            raise ValueError(f"{name} must contain only finite values, got {a[bad]} at position {bad}")
    if length is not None and a.shape[0] != length:
        raise ValueError(f"{name} must have length {length_name or length}, got {a.shape[0]}")
    return a


def check_ids(ids, name: str, n: int, n_name: str) -> np.ndarray:
    """0-based integer ids in [0, n)."""
    a = check_vector(ids, name, dtype=np.int64)
    if a.size and (a.min() < 0 or a.max() >= n):
        bad = int(a[(a < 0) | (a >= n)][0])
        raise ValueError(f"{name} must be in [0, {n_name}) = [0, {n}), got {bad}")
    return a


def check_half_step(R, name: str, F, reg) -> tuple:
    """The arguments of a readable ALS half-step (``mfedu.als.half_step``,
    ``mfedu.als_implicit.half_step``): R a scipy.sparse matrix (returned as CSR, rows = the side
    being solved), F a finite matrix with one row per column of R, and reg >= 0, one number or
    one per row of R (returned as one per row)."""
    if not sp.issparse(R):
        raise TypeError(f"{name} must be a scipy.sparse matrix, got {type(R).__name__}")
    R = sp.csr_matrix(R)
    if R.nnz and not np.all(np.isfinite(R.data)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    F = check_matrix(F, "F")
    if F.shape[0] != R.shape[1]:
        raise ValueError(f"F must have one row per column of {name} ({R.shape[1]}), got shape {F.shape}")
    if np.ndim(reg) == 0:
        reg = check_float(reg, "reg", low=0.0)
    else:
        reg = check_vector(reg, "reg", length=R.shape[0], length_name=f"the number of rows, {R.shape[0]}")
        if reg.min(initial=0.0) < 0:
            raise ValueError(f"reg must be >= 0, got {reg.min()}")
    return R, F, np.broadcast_to(reg, R.shape[0])
