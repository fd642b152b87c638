"""Self-checks for notebook 07: implicit-feedback ALS and ranking metrics."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_ids, check_int, check_matrix, check_vector
from ..als_implicit import confidence_from_counts, user_step
from ..data import Ratings
from ..metrics import precision_at_k
from ._feedback import NOT_ATTEMPTED, Feedback, _part, _quiet, _start

__all__: list[str] = ["preference_confidence", "precision_one_user", "implicit_user_step"]


def _check_alpha(alpha, counts: np.ndarray, name: str) -> float:
    """alpha > 0, small enough that every confidence 1 + alpha * count is finite
    (``name``: the argument holding the counts, for the message)."""
    alpha = check_float(alpha, "alpha", low=0.0, low_open=True)
    if not np.isfinite(1.0 + alpha * counts.max()):
        raise ValueError(f"alpha must keep every confidence 1 + alpha * {name} finite, got alpha = "
                         f"{alpha:g} with max({name}) = {counts.max():g}")
    return alpha


def _check_distinct(ids: np.ndarray, name: str) -> None:
    """Raise a ValueError naming the first id that ``ids`` lists more than once."""
    values, counts = np.unique(ids, return_counts=True)
    if np.any(counts > 1):
        raise ValueError(f"{name} must list each item once, got item {values[counts > 1][0]} "
                         f"{counts[counts > 1][0]} times")


# ----------------------------------------------------------------------------- exercise 07.1

@_quiet
def preference_confidence(answer, r, alpha: float) -> Feedback:
    """Exercise 07.1: p_ui = 1 if r_ui > 0 else 0 and c_ui = 1 + alpha r_ui, for a row of counts r.

    ``answer`` is a pair (p, c) of arrays shaped like r.
    """
    r = check_vector(r, "r")
    if len(r) == 0 or r.min() < 0:
        raise ValueError("r must be a non-empty row of counts, all >= 0")
    alpha = _check_alpha(alpha, r, "r")
    want_c = confidence_from_counts(r, alpha)
    if answer is None:
        return NOT_ATTEMPTED
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Feedback(False, "return a tuple (p, c): the preferences, then the confidences.")
    p, fb = _part(answer[0], r.shape, "p")
    if fb is not None:
        return fb
    c, fb = _part(answer[1], r.shape, "c")
    if fb is not None:
        return fb
    want_p = (r > 0).astype(float)
    p_ok, c_ok = np.allclose(p, want_p), np.allclose(c, want_c)
    if p_ok and c_ok:
        return Feedback(True, "p is 1 wherever the count is positive and 0 elsewhere; c = 1 + alpha r "
                              "is 1 on the unplayed items (equations 1 and 2).")
    if np.allclose(p, want_c) and np.allclose(c, want_p):
        return Feedback(False, "p and c are swapped: return (p, c).")
    if not p_ok:
        if np.allclose(p, r):
            return Feedback(False, "p is the preference, 0 or 1: p = 1 where r > 0, not the count itself.")
        return Feedback(False, "p should be 1.0 where r > 0 and 0.0 where r = 0, e.g. (r > 0).astype(float).")
    if np.allclose(c, 1.0 + alpha * want_p):
        return Feedback(False, "alpha multiplies the COUNT r_ui, not the preference p_ui: c = 1 + alpha r, "
                               "so two plays and two hundred plays get different confidences.")
    if np.allclose(c, alpha * r):
        return Feedback(False, "the 1 + is missing: an unplayed item must keep confidence 1 (c = 1 + alpha r), "
                               "otherwise the zeros drop out of the loss.")
    if np.allclose(c, 1.0 + r):
        return Feedback(False, "multiply the count by alpha: c = 1 + alpha r.")
    if np.allclose(c, 1.0 + alpha * np.log1p(r)):
        return Feedback(False, "that is the log confidence (3); this exercise asks for the linear one (2), "
                               "c = 1 + alpha r.")
    j = int(np.flatnonzero(~np.isclose(c, want_c))[0])
    return Feedback(False, f"c should be 1 + alpha r; for r = {r.flat[j]:g} that is {want_c.flat[j]:g}, "
                           f"you have {c.flat[j]:g}.")


# ----------------------------------------------------------------------------- exercise 07.2

@_quiet
def precision_one_user(answer, scores, train_items, test_items, k: int = 10) -> Feedback:
    """Exercise 07.2: precision@k for one user, training items excluded from the candidates."""
    scores = check_vector(scores, "scores")
    n = len(scores)
    train_items = check_ids(train_items, "train_items", n, "len(scores)")
    test_items = check_ids(test_items, "test_items", n, "len(scores)")
    _check_distinct(train_items, "train_items")
    _check_distinct(test_items, "test_items")
    if len(test_items) == 0:
        raise ValueError("test_items must hold at least one item (precision needs a relevant item)")
    if np.any(np.isin(test_items, train_items)):
        raise ValueError(f"test_items must not hold training items, got item "
                         f"{np.intersect1d(test_items, train_items)[0]} in both")
    k = check_int(k, "k", low=1, high=n - len(train_items),
                  high_text=f"the number of candidates, len(scores) - len(train_items) = {n - len(train_items)}")
    a, fb = _start(answer, (), "precision@k")
    if fb is not None:
        return fb
    test = Ratings(np.zeros(len(test_items), int), test_items, np.ones(len(test_items)), 1, n)
    train = Ratings(np.zeros(len(train_items), int), train_items, np.ones(len(train_items)), 1, n)
    want = precision_at_k(scores[None, :], test, train, k)
    hits = round(want * k)
    if np.isclose(a, want, rtol=1e-9, atol=0.0):      # hits / k: for a large k, 1/k is tiny
        return Feedback(True, f"{hits} of the top {k} unseen items are test items: {hits}/{k} = {want:.2f}.")
    raw_top = np.argsort(-scores, kind="stable")[:k]
    raw_hits = np.isin(raw_top, test_items).sum()
    if np.isclose(a, raw_hits / k) and not np.isclose(raw_hits / k, want):
        return Feedback(False, "remove the user's training items before taking the top k: they are not "
                               "candidates (recommending what someone already played is no help), and "
                               "here they push test items out of the list.")
    if np.isclose(a, hits / len(test_items)) and not np.isclose(hits / len(test_items), want):
        return Feedback(False, "that divides by the number of relevant (test) items, which is recall@k; "
                               f"precision@k divides the hits by k = {k}.")
    if np.isclose(a, hits):
        return Feedback(False, f"that is the number of hits; precision@k divides it by k = {k}.")
    return Feedback(False, "set the training items' scores to -inf, take the k highest scores, count "
                           "how many are test items, divide by k.")


# ----------------------------------------------------------------------------- exercise 07.3

@_quiet
def implicit_user_step(answer, Y, items, counts, lam: float, alpha: float) -> Feedback:
    """Exercise 07.3: x_u = (Y^T Y + Y_u^T (C_u - I) Y_u + lam I)^{-1} Y_u^T c_u for one user."""
    Y = check_matrix(Y, "Y")
    items = check_ids(items, "items", Y.shape[0], "Y.shape[0]")
    if len(items) == 0:
        raise ValueError("items must list at least one played item, got none")
    _check_distinct(items, "items")
    counts = check_vector(counts, "counts", length=len(items), length_name=f"len(items) = {len(items)}")
    if counts.min() <= 0:
        raise ValueError(f"counts must be > 0 (the play counts of the played items), got {counts.min():g}")
    lam = check_float(lam, "lam", low=0.0, low_open=True)
    alpha = _check_alpha(alpha, counts, "counts")
    k = Y.shape[1]
    Y_u, c_u = Y[items], confidence_from_counts(counts, alpha)
    if c_u.min() <= 1.0:                 # alpha * count lost in rounding: 1 + 1e-20 == 1
        raise ValueError(f"alpha must make every confidence 1 + alpha * count > 1, got alpha = {alpha:g}")
    a, fb = _start(answer, (k,), "x_u")
    if fb is not None:
        return fb
    I = np.eye(k)

    def solve(A, b):                  # least squares: np.linalg.solve, but a singular A is no error
        return np.linalg.lstsq(A, b, rcond=None)[0]

    want = user_step(Y, items, c_u, lam)
    if np.allclose(a, want, rtol=1e-6, atol=1e-10):
        return Feedback(True, "Y^T Y once, plus the n_u rank-one corrections (c_ui - 1) y_i y_i^T: the same "
                              "x_u as the dense Y^T C^u Y, at O(k^2 n_u + k^3) instead of O(k^2 n).")
    weighted = Y_u.T @ (c_u[:, None] * Y_u)
    mistakes = [
        (Y_u.T @ (c_u[:, None] * Y_u) + lam * I, Y_u.T @ c_u,
         "that sums over the played items only, as explicit ALS does; the unplayed items (p = 0, c = 1) "
         "belong in the loss too: start from Y^T Y over ALL items."),
        (Y.T @ Y + weighted + lam * I, Y_u.T @ c_u,
         "the played items are counted twice: Y^T Y already holds y_i y_i^T once for each of them, so "
         "add (c_ui - 1) y_i y_i^T, not c_ui y_i y_i^T."),
        (Y.T @ Y + Y_u.T @ ((c_u - 1.0)[:, None] * Y_u), Y_u.T @ c_u,
         "lam I is missing from the matrix."),
        (Y.T @ Y + Y_u.T @ ((c_u - 1.0)[:, None] * Y_u) + lam * I, Y_u.T @ counts,
         "the right-hand side is Y^T C^u p(u) = sum c_ui y_i over the played items: the targets are the "
         "preferences p = 1 weighted by c, not the counts."),
        (Y.T @ Y + Y_u.T @ ((c_u - 1.0)[:, None] * Y_u) + lam * I, Y_u.T @ np.ones(len(items)),
         "the right-hand side is Y^T C^u p(u): weight each played item's y_i by its confidence c_ui."),
        (Y.T @ Y + Y_u.T @ ((c_u - 1.0)[:, None] * Y_u) + lam * len(items) * I, Y_u.T @ c_u,
         "implicit ALS uses the plain lambda, lam I, with no n_u weighting (that was ALS-WR in notebook 06)."),
        (Y.T @ Y + Y_u.T @ (((alpha * counts) - 1.0)[:, None] * Y_u) + lam * I, Y_u.T @ (alpha * counts),
         "check c_u: it is 1 + alpha * counts (equation 2), not alpha * counts."),
        (Y.T @ Y + Y_u.T @ ((np.log1p(counts) * alpha)[:, None] * Y_u) + lam * I, Y_u.T @ (1.0 + alpha * np.log1p(counts)),
         "that uses the log confidence (3); this exercise uses c = 1 + alpha * counts (2)."),
        (Y_u.T @ ((c_u - 1.0)[:, None] * Y_u) + lam * I, Y_u.T @ c_u,
         "Y^T Y is missing: the unplayed items (c = 1) enter the matrix through Y^T Y, once for all users."),
        (Y.T @ Y + Y_u.T @ ((c_u - 1.0)[:, None] * Y_u) + lam * I, Y_u.T @ (c_u - 1.0),
         "the -1 correction belongs to the matrix only: the right-hand side is Y^T C^u p(u) = "
         "sum c_ui y_i, with the full confidence."),
    ]
    for A, b, message in mistakes:
        if np.allclose(a, solve(A, b), rtol=1e-6, atol=1e-10):
            return Feedback(False, message)
    return Feedback(False, "compare your matrix with equation (6) term by term (Y^T Y, the correction from the "
                           "played items, lam I) and your right-hand side with Y^T C^u p(u) = sum c_ui y_i.")
