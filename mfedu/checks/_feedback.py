"""Feedback, the value every self-check returns, and the first steps all checks share."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    ok: bool | None      # None: not attempted yet
    message: str

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __repr__(self) -> str:
        mark = {True: "Correct:", False: "Not yet:", None: "Not attempted:"}[self.ok]
        return f"{mark} {self.message}"


def _start(answer, shape=None, name="your answer", nan_hint="check each step for a 0/0 or an empty mean."):
    """Common first steps: not attempted, wrong type, wrong shape, NaN (with a per-exercise hint)."""
    if answer is None:
        return None, Feedback(None, "replace None with your code, then run this cell again.")
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None, Feedback(False, f"{name} should be a number or an array of numbers, "
                                     f"got {type(answer).__name__}.")
    if shape is not None and a.shape != tuple(shape):
        return None, Feedback(False, f"{name} should have shape {tuple(shape)}, got {a.shape}.")
    if not np.all(np.isfinite(a)):
        return None, Feedback(False, f"{name} contains NaN or inf; {nan_hint}")
    return a, None
