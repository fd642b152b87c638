"""Self-checks for notebook 05b's conceptual exercise (tuning SGD: rank and the penalty)."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._validate import check_float, check_int, check_vector
from ._feedback import Feedback, _quiet, _start

__all__: list[str] = ["saddle_directions"]

MAX_RANK = 10**6          # a bound for a model's rank (the counts stay small integers)


def _problem(sigma_M, rank):
    """The validated problem: (the lambdas, the singular values of M at each, the rank)."""
    if not isinstance(sigma_M, Mapping):
        raise TypeError(f"sigma_M must be a dict {{lam: singular values of M at that lam}}, got {type(sigma_M).__name__}")
    if not sigma_M:
        raise ValueError("sigma_M must hold at least one lam, got an empty dict")
    lams = [check_float(lam, "sigma_M's keys (the lam values)", low=0.0, low_open=True) for lam in sigma_M]
    sigmas = [check_vector(s, f"sigma_M[{lam:g}]") for lam, s in zip(lams, sigma_M.values())]
    for lam, s in zip(lams, sigmas):
        if s.size == 0 or np.any(s < 0):
            raise ValueError(f"sigma_M[{lam:g}] must be a non-empty array of singular values (>= 0)")
    rank = check_int(rank, "rank", low=1, high=MAX_RANK)
    return lams, sigmas, rank


def _counts(lams, sigmas, rank, threshold=lambda lam: lam, power=1, cap=True):
    n = [int(np.sum(s ** power > threshold(lam))) for lam, s in zip(lams, sigmas)]
    return np.array([min(rank, c) for c in n] if cap else n, dtype=float)


@_quiet
def saddle_directions(answer, sigma_M, rank: int) -> Feedback:
    """Exercise 05b.1: for each lam of ``sigma_M`` (a dict {lam: the singular values of part 1's
    M = D_u^(-1/2) E D_i^(-1/2), computed at that lam}), how many of a rank-``rank`` model's
    strengths can leave X = Y = 0, i.e. min(rank, #{j: sigma_j(M) > lam}).

    Part 1's step 5, applied to each singular pair of M: the loss falls along (u_j, v_j) from the
    saddle exactly when sigma_j(M) > lam (and by Sylvester's law A has that many positive
    eigenvalues); a rank-k model has k columns, so at most k strengths. Diagnosed: the cap at the
    rank forgotten, the switched-off directions counted, a threshold of 2 lam or lam / 2, the
    squared singular values compared with lam, the planted rank (the signal) given instead, and
    the same count for every lam.
    """
    lams, sigmas, rank = _problem(sigma_M, rank)
    a, fb = _start(answer, None, "your counts", nan_hint="each count is a whole number of directions.")
    if fb is not None:
        return fb
    a = a.reshape(-1)
    want = _counts(lams, sigmas, rank)
    k = len(lams)
    lam_text = ", ".join(f"{lam:g}" for lam in lams)
    if a.shape != (k,):
        return Feedback(False, f"give one count per lam ({lam_text}): {k} whole numbers, got shape {a.shape}.")
    if np.array_equal(a, want):
        above = [int(np.sum(s > lam)) for lam, s in zip(lams, sigmas)]
        parts = [f"at lam = {lam:g}, {n} singular values of M exceed lam, so {int(w)} of the {rank} strengths can grow"
                 + (" (all of them: the penalty only shrinks each one, and by far more than lam here: unlike "
                    "03's one-number (7), applied per singular value in its section 6, the weighted lam is multiplied by the rating counts)" if w == rank else
                    f" ({rank - int(w)} stay switched off)")
                 for lam, n, w in zip(lams, above, want)]
        return Feedback(True, "; ".join(parts) + ". A penalty switches a direction off only once lam passes its "
                              "sigma_j(M): to switch the noise off it must pass the noise's edge, and then it "
                              "shrinks the signal's strengths too.")
    if not np.all(a == np.round(a)) or np.any(a < 0):
        return Feedback(False, "a count of directions is a whole number >= 0.")
    uncapped = _counts(lams, sigmas, rank, cap=False)
    half = _counts(lams, sigmas, rank, threshold=lambda lam: lam / 2)
    mistakes = [
        (uncapped, f"right test (sigma_j(M) > lam), but a rank-{rank} model has only {rank} columns: at most "
                   f"{rank} strengths can grow, however many directions qualify."),
        (rank - want, "those are the directions that stay at 0 (sigma_j(M) <= lam); count those that LEAVE "
                      "the saddle, sigma_j(M) > lam (part 1's step 5)."),
        (_counts(lams, sigmas, rank, threshold=lambda lam: 2 * lam),
         "the threshold is lam, not 2 lam: step 4 gives Delta >= 2|a||c|(lam - sigma_1(M)), and the 2 "
         "multiplies both terms."),
        (_counts(lams, sigmas, rank, power=2),
         "you compared sigma_j(M)^2 (the eigenvalues of M M^T) with lam; step 5 compares sigma_j(M) itself."),
        (None, "the count depends on lam: a direction grows only while sigma_j(M) > lam, so a larger lam "
               "switches more of them off."),
        (half, "the threshold is lam, not lam / 2: step 4 gives Delta >= 2|a||c|(lam - sigma_1(M))."),
    ]
    planted = (rank > 8 and np.any(a < want) and np.all(a <= 8),
               "the planted tastes are the signal, but step 5 cannot tell signal from noise: it counts every "
               "sigma_j(M) above lam, and the noise's singular values are there too (print them: how many "
               "exceed each lam?).")
    for value, message in mistakes:
        if value is None:                 # the same count for every lam, when the right counts differ
            if planted[0] and np.all(a == 8):     # the planted rank for every lam: the closer diagnosis
                return Feedback(False, planted[1])
            if k > 1 and np.all(a == a[0]) and not np.all(want == want[0]):
                return Feedback(False, message)
        elif np.array_equal(a, value) and not np.array_equal(value, want):
            return Feedback(False, message)
    if planted[0]:
        return Feedback(False, planted[1])
    wrong = [f"lam = {lam:g}" for lam, x, w in zip(lams, a, want) if x != w]
    return Feedback(False, f"not yet for {', '.join(wrong)}: count the j with sigma_j(M) > lam (np.sum(s > lam)), "
                           f"then cap at the rank, {rank}.")
