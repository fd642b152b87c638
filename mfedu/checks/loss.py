"""Self-checks for notebook 03's conceptual exercises (the MF loss and its landscape)."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_matrix, check_rank
from ._feedback import Feedback, _quiet, _start

__all__: list[str] = ["factor_strengths"]


@_quiet
def factor_strengths(answer, R, rank: int, lam: float) -> Feedback:
    """Exercise 03.4: the k strengths (singular values of X Y^T) at the minimum of equation (2)
    for a FULLY observed matrix R and the model without biases.

    Every factor j then behaves like the tiny problem (6) with r = sigma_j, the j-th singular
    value of R, so (7) gives the strengths max(sigma_j - lam, 0) for j = 1..k, largest first.
    (At the minimum lam (||X||_F^2 + ||Y||_F^2) = 2 lam ||X Y^T||_*, and the minimiser of
    ||R - Z||_F^2 + 2 lam ||Z||_* soft-thresholds the singular values of R by lam.) This holds
    only for a fully observed R without biases; notebook 03 says so.
    """
    R = check_matrix(R, "R")                  # a NaN (a missing cell) is refused: R must be full
    rank = check_rank(rank, min(R.shape), "min(R.shape)")
    lam = check_float(lam, "lam", low=0.0)
    a, fb = _start(answer, None, "the strengths", nan_hint=(
        "a square root of a negative number? The strengths are the predictions' singular values, "
        "sigma_j - lam in (7), not the factors' sizes."))
    if fb is not None:
        return fb
    s = np.linalg.svd(R, compute_uv=False)
    want = np.maximum(s[:rank] - lam, 0.0)

    def same(x, y):
        return x.shape == y.shape and np.allclose(x, y, rtol=1e-3, atol=1e-3)

    a = a.reshape(-1) if a.ndim == 2 and 1 in a.shape else a      # a row or column is fine
    if same(a, want):
        off = int(np.sum(want == 0))
        return Feedback(True, f"each kept singular value of R loses lam = {lam:g}, as r -> r - lam "
                              "in (7)" + (f"; {off} factor(s) with sigma_j <= lam are switched off."
                                          if off else "."))
    if a.shape == (len(s),) and same(a[:rank], want):
        return Feedback(False, f"right rule, but the model has only k = {rank} factors: give the "
                               f"{rank} largest strengths (Eckart-Young keeps the top k).")
    if a.shape != want.shape:
        return Feedback(False, f"give one strength per factor: k = {rank} numbers, got shape {a.shape}.")
    if same(a, want[::-1]) and not same(want, want[::-1]):
        return Feedback(False, "the right numbers, but list them largest first (like np.linalg.svd).")
    top = s[:rank]
    mistakes = [
        (top, "those are R's singular values, the minimum for lam = 0 (the truncated SVD); the "
              "penalty shrinks each one, as in (7)."),
        (top - lam, "a strength is a singular value, never negative: a factor with sigma_j <= lam is "
                    "switched off (0), like the origin for lam >= r in (7). Clip at 0."),
        (np.maximum(top - 2 * lam, 0), "each factor is the tiny problem with r = sigma_j, and (7) "
                                       "gives r - lam, not r - 2 lam."),
        (top - 2 * lam, "each factor is the tiny problem with r = sigma_j, and (7) gives r - lam, "
                        "not r - 2 lam (and a strength is never negative)."),
        (np.maximum(top - lam / 2, 0), "each factor is the tiny problem with r = sigma_j, and (7) "
                                       "gives r - lam, not r - lam / 2."),
        (np.sqrt(want), "that is t = |x| = |y|, the size of each factor's two vectors; the strength "
                        "is their product t^2 = sigma_j - lam (7)."),
        (np.maximum(s[:rank] ** 2 - lam, 0), "those start from the squared singular values "
                                             "(eigenvalues of R^T R); use the singular values of R."),
        (top / (1 + lam), "dividing by 1 + lam is ridge shrinkage with fixed features; here both X and "
                          "Y are learned, and (7) SUBTRACTS lam."),
    ]
    for value, message in mistakes:
        if same(a, value) and not same(value, want):
            return Feedback(False, message)
    if np.all(np.abs(a - want) <= np.maximum(0.051, 0.0051 * np.abs(want))):   # rounded too coarsely
        return Feedback(False, "close: that looks like the right strengths, rounded (to 1 or 2 decimals, "
                               "or 3 significant figures); give each to at least 3 decimals so the "
                               "check can tell it from a near miss.")
    return Feedback(False, "factor j behaves like the tiny problem (6) with r = sigma_j, the j-th "
                           "singular value of R (np.linalg.svd(R, compute_uv=False)): apply (7) to "
                           f"each of the {rank} largest, and remember a factor is switched off when "
                           "sigma_j <= lam.")
