"""Argument checks shared by every public function (the bottom of mfedu's import graph).

Each helper raises a ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong
value) whose message starts with the argument's name and says what was expected, in the style
``"rank must be an int in [1, min(n_users, n_items) = 6], got 0"``.
"""
from __future__ import annotations

import numbers
import os
from pathlib import Path

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


def check_folder(value, name: str, *, must_exist: bool = False) -> Path:
    """A folder argument: a str or os.PathLike, returned as a Path. It need not exist yet unless
    ``must_exist`` (FileNotFoundError otherwise); a file of that name is a NotADirectoryError."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a folder path (str or pathlib.Path), got "
                        f"{type(value).__name__} {value!r}")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{name} must be a folder, but {path} is a file")
    if must_exist and not path.exists():
        raise FileNotFoundError(f"{name} must be an existing folder, but {path} does not exist")
    return path


def check_choice(value, name: str, options: tuple) -> str:
    """One of ``options`` (strs). Only a str is accepted: a one-element numpy array of a str
    compares equal to it, and would otherwise slip through."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options} (a str), got {type(value).__name__} {value!r}")
    if value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return str(value)


def check_rank(rank, max_rank: int, shape_text: str = "min(n_rows, n_cols)",
               name: str = "rank") -> int:
    """The rank k of an approximation: 1 <= k <= max_rank."""
    return check_int(rank, name, low=1, high=max_rank, high_text=f"{shape_text} = {max_rank}")


def check_float(value, name: str, *, low: float | None = None, low_open: bool = False,
                high: float | None = None, allow_nan: bool = False, allow_inf: bool = False) -> float:
    """Return ``value`` as a finite float inside the given range (NaN, or +-inf, too if allowed:
    e.g. a history row of a run that diverged)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    try:
        value = float(value)
    except OverflowError:                      # a Python int beyond float64, e.g. 10**400
        raise ValueError(f"{name} must be a finite float64 number, got an int of "
                         f"{len(str(abs(value)))} digits") from None
    if np.isnan(value):
        if allow_nan:
            return value
        raise ValueError(f"{name} must be finite, got {value}")
    if np.isinf(value) and not allow_inf:
        raise ValueError(f"{name} must be finite{' or NaN' if allow_nan else ''}, got {value}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_matrix(value, name: str, *, square: bool = False, symmetric: bool = False,
                 allow_no_columns: bool = False, finite: bool = True) -> np.ndarray:
    """A finite 2-D float64 array (a copy is never made unless needed). ``allow_no_columns``:
    accept shape (n, 0) with n >= 1, e.g. the factors of a rank-0 model (biases only).
    ``finite=False``: NaN and inf are let through (to report a diverged model, not to compute)."""
    if not isinstance(value, (np.ndarray, list, tuple)):
        raise TypeError(f"{name} must be a 2-D numpy array, got {type(value).__name__}")
    A = as_array(value, name)
    if A.dtype == object or not (np.issubdtype(A.dtype, np.number) or A.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {A.dtype}")
    if np.iscomplexobj(A):
        raise TypeError(f"{name} must be real, got dtype {A.dtype}")
    A = A.astype(np.float64, copy=False)
    if A.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {A.shape}")
    if A.size == 0 and not (allow_no_columns and A.shape[0] > 0):
        raise ValueError(f"{name} must not be empty, got shape {A.shape}")
    if finite and not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    if (square or symmetric) and A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be square, got shape {A.shape}")
    if symmetric and not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(A).max())):
        raise ValueError(f"{name} must be symmetric (A == A.T)")
    return A


def as_array(value, name: str) -> np.ndarray:
    """np.asarray, with a ragged list (rows of different lengths) named instead of numpy's
    "setting an array element with a sequence"."""
    try:
        return np.asarray(value)
    except ValueError:
        raise TypeError(f"{name} must be a rectangular array of numbers; its rows have different "
                        "lengths") from None


def _real_1d(v, name: str) -> np.ndarray:
    """``v`` as a 1-D numpy array of real numbers (or bools), not yet cast to any dtype."""
    if isinstance(v, (str, bytes)) or not hasattr(v, "__len__"):
        raise TypeError(f"{name} must be a 1-D array, got {type(v).__name__}")
    a = as_array(v, name)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {a.dtype}")
    if np.iscomplexobj(a):      # casting to float would silently drop the imaginary part
        raise TypeError(f"{name} must be real, got dtype {a.dtype}")
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    return a


def _whole_numbers_in(a: np.ndarray, name: str, low: int, high: int, range_text: str) -> np.ndarray:
    """The 1-D array ``a`` as int64, after checking that it holds whole numbers in [low, high).

    The range is checked on the values as given, before the cast: casting first would turn the
    uint64 2**64 - 1 into -1 and the float 1e20 into -9223372036854775808, and the message
    would quote a number the user never wrote.
    """
    if a.dtype == bool:                   # a mask where ids were meant
        raise TypeError(f"{name} must hold integers, got a boolean array (for the positions of "
                        "the True entries of a mask, use np.flatnonzero(mask))")
    if a.dtype.kind == "f":
        a = a.astype(np.float64)          # (a float16 cannot even be compared with 2**63)
        if not np.all(np.isfinite(a)) or np.any(a != np.round(a)):
            raise TypeError(f"{name} must hold integers, got dtype {a.dtype}")
    if a.size and (a.min() < low or a.max() >= high):
        bad = a[(a < low) | (a >= high)][0]
        raise ValueError(f"{name} must be in {range_text}, got {bad.item()}")
    return a.astype(np.int64)


def check_vector(v, name: str, *, dtype=np.float64, length: int | None = None,
                 length_name: str | None = None, finite: bool = True) -> np.ndarray:
    """A finite 1-D array of real numbers (complex is refused), optionally of a given length.
    With an integer ``dtype``: whole numbers that fit in int64, returned as int64.
    ``finite=False`` (float dtype only): NaN and inf are let through."""
    a = _real_1d(v, name)
    if np.issubdtype(dtype, np.integer):
        a = _whole_numbers_in(a, name, -2**63, 2**63, "the int64 range [-2**63, 2**63)")
    else:
        a = a.astype(np.float64, copy=False)        # no copy of a float64 array (as check_matrix)
        if finite and not np.all(np.isfinite(a)):
            bad = int(np.flatnonzero(~np.isfinite(a))[0])
            raise ValueError(f"{name} must contain only finite values, got {a[bad]} at position {bad}")
    if length is not None and a.shape[0] != length:
        raise ValueError(f"{name} must have length {length_name or length}, got {a.shape[0]}")
    return a


def check_ids(ids, name: str, n: int, n_name: str) -> np.ndarray:
    """0-based integer ids in [0, n), returned as int64. The message quotes the offending id
    as given (a uint64 2**64 - 1 is reported as 18446744073709551615, not as -1)."""
    return _whole_numbers_in(_real_1d(ids, name), name, 0, n, f"[0, {n_name}) = [0, {n})")


def format_bytes(n_bytes: float) -> str:
    """A memory size for a message: "512.0 MB", "8.0 TB" (powers of 1000)."""
    for unit, size in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes:.0f} bytes"


def check_half_step(R, name: str, F, reg) -> tuple:
    """The arguments of a readable ALS half-step (``mfedu.als.half_step``,
    ``mfedu.als_implicit.half_step``): R a scipy.sparse matrix (returned as CSR, rows = the side
    being solved), F a finite matrix with one row per column of R, and reg >= 0, one number or
    one per row of R (returned as one per row)."""
    if not sp.issparse(R):
        raise TypeError(f"{name} must be a scipy.sparse matrix, got {type(R).__name__}")
    if np.iscomplexobj(R):
        raise TypeError(f"{name} must be real, got dtype {R.dtype}")
    if not (np.issubdtype(R.dtype, np.number) or R.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {R.dtype}")
    R = sp.csr_matrix(R, dtype=np.float64)
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


def check_solution(z, inputs: str, what: str = "the ridge solve") -> np.ndarray:
    """Return ``z`` if finite: a solution that overflowed (inf or NaN) from finite inputs means
    the inputs (named in ``inputs``, e.g. "Y_u, r_u or reg") were too large for float64."""
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{what} overflowed: {inputs} are too large for float64 arithmetic "
                         "(keep factors and ratings on the scale of stars)")
    return z


MAX_RATING = 1e100     # larger values overflow a sum of squared errors long before training ends


def check_scale(values: np.ndarray, name: str) -> np.ndarray:
    """Ratings (or counts) a trainer can square and sum in float64: |value| <= MAX_RATING."""
    if values.size and np.abs(values).max() > MAX_RATING:
        raise ValueError(f"{name} holds values too large to train on (largest |value| = "
                         f"{np.abs(values).max():g}, the limit is {MAX_RATING:g}): their squares "
                         "overflow float64; rescale them (ratings are on the scale of stars)")
    return values


def check_confidence(c, name: str, length: int, length_name: str) -> np.ndarray:
    """Per-rating confidences: a finite vector of ``length`` values, each > 0."""
    c = check_vector(c, name, length=length, length_name=length_name)
    if c.size and c.min() <= 0:
        raise ValueError(f"{name} must hold confidences > 0, got {c.min():g}")
    return c
