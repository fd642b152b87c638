"""Feedback, the value every self-check returns, and the first steps all checks share.

Two kinds of input reach a check, and they are treated differently:

* the reader's ``answer``: whatever it is (None, a str, a ragged list, complex numbers, NaN,
  1e300...), the check returns a Feedback saying what is wrong; it never raises.
* the problem's arguments (ratings, Y, lam, user...), written by the notebook's author: each
  check validates them first and raises a TypeError or ValueError naming the argument.
"""
from __future__ import annotations

import functools
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._validate import check_ids, check_vector


@dataclass(frozen=True)
class Feedback:
    ok: bool | None      # None: not attempted yet
    message: str

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __repr__(self) -> str:
        mark = {True: "Correct:", False: "Not yet:", None: "Not attempted:"}[self.ok]
        return f"{mark} {self.message}"


NOT_ATTEMPTED = Feedback(None, "replace None with your code, then run this cell again.")


def _close(a: float, b: float, rtol: float = 1e-3, atol: float = 1e-9) -> bool:
    """Whether an answer ``a`` agrees with the wanted ``b`` (numpy's isclose, as a bool)."""
    return bool(np.isclose(a, b, rtol=rtol, atol=atol))


def _quiet(check):
    """Decorator of every check: numpy's floating-point warnings are off while it runs. A wild
    answer (say 1e300) may overflow when it is compared with the mistakes the check knows; that
    only means it matches none of them, and a RuntimeWarning would just distract the reader."""
    @functools.wraps(check)
    def run(*args, **kwargs):
        with np.errstate(all="ignore"):
            return check(*args, **kwargs)
    return run


def _as_numbers(answer, name="your answer"):
    """(answer as a float64 array, None), or (None, a Feedback saying why it is not numbers).

    None is "not attempted". Refused, each with its own sentence: whatever numpy cannot turn
    into an array (a ragged list such as [[1, 2], [3]]), True/False, complex numbers, an int too
    large for a float, and anything that is not numbers (a str, a dict, None inside a list...).
    """
    if answer is None:
        return None, NOT_ATTEMPTED
    should = f"{name} should be a number or an array of numbers"
    try:
        a = np.asarray(answer)
    except Exception:     # the reader's object, so anything may fail: report it, do not crash
        return None, Feedback(False, f"{should}, got a {type(answer).__name__} that numpy cannot turn "
                                     "into an array (rows of different lengths, like [[1, 2], [3]]?).")
    if a.dtype == bool:
        return None, Feedback(False, f"{should}, got True/False (bool); if you meant 0 and 1, "
                                     "convert with .astype(float).")
    if a.dtype.kind == "c":
        return None, Feedback(False, f"{name} should be real, got complex numbers ({a.dtype}); if "
                                     "their imaginary parts are 0, keep the real part (.real).")
    if a.dtype == object and all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in a.flat):
        try:                              # e.g. a Python int too large for int64
            a = a.astype(np.float64)
        except OverflowError:
            return None, Feedback(False, f"{name} holds a number too large for a float (above 1e308).")
    if a.dtype.kind not in "iuf":         # ints, unsigned ints and floats only
        got = f"an array of dtype {a.dtype}" if isinstance(answer, np.ndarray) else type(answer).__name__
        return None, Feedback(False, f"{should}, got {got}.")
    with np.errstate(over="ignore"):      # a float128 beyond 1e308 becomes inf, refused below
        return a.astype(np.float64), None


def _start(answer, shape=None, name="your answer", nan_hint="check each step for a 0/0 or an empty mean."):
    """Common first steps: not attempted, not numbers, wrong shape, NaN (with a per-exercise hint).
    Returns (answer as a float64 array, None) or (None, the Feedback to return)."""
    a, fb = _as_numbers(answer, name)
    if fb is None and shape is not None and a.shape != tuple(shape):
        fb = Feedback(False, f"{name} should have shape {tuple(shape)}, got {a.shape}.")
    if fb is None and not np.all(np.isfinite(a)):
        fb = Feedback(False, f"{name} contains NaN or inf; {nan_hint}")
    return (None, fb) if fb is not None else (a, None)


def _part(value, shape, name):
    """``_start`` for one part of a tuple answer: a part still None is "not yet", since the
    answer as a whole has been attempted."""
    if value is None:
        return None, Feedback(False, f"{name} is still None: compute it too.")
    return _start(value, shape, name)


def _rated_items(ratings_of_user, name: str, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """(item ids, ratings) of a problem's dict {item id: rating}, the ids checked against
    the n_items rows of the item factors Y. ``name`` is the argument's name, for the messages."""
    if not isinstance(ratings_of_user, Mapping):
        raise TypeError(f"{name} must be a dict {{item id: rating}}, got {type(ratings_of_user).__name__}")
    if not ratings_of_user:
        raise ValueError(f"{name} must hold at least one rating, got an empty dict")
    whose = f"{name}'" if name.endswith("s") else f"{name}'s"          # new_ratings' item ids
    items = check_ids(list(ratings_of_user.keys()), f"{whose} item ids", n_items, "Y.shape[0]")
    values = check_vector(list(ratings_of_user.values()), f"{whose} ratings")
    return items, values
