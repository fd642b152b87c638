"""Self-checks for notebooks 07 and 07b: implicit-feedback ALS, conjugate gradient, ranking
metrics and the scale of alpha."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from .._validate import check_float, check_ids, check_int, check_matrix, check_vector
from ..als_implicit import confidence_from_counts, user_step
from ..data import Ratings
from ..metrics import precision_at_k
from ._feedback import NOT_ATTEMPTED, Feedback, _part, _quiet, _start

__all__: list[str] = ["preference_confidence", "precision_one_user", "implicit_user_step",
                       "cg_steps_to_exact", "ap_ndcg_one_user", "alpha_for_rescaled_counts"]


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


def _text(answer, name: str = "your answer"):
    """A Feedback if ``answer`` (or a part of a tuple/list answer) is text such as "0.75", else None.

    numpy would refuse it anyway; this names the likely cause: the number was typed in quotes."""
    parts = answer if isinstance(answer, (tuple, list)) else (answer,)
    for part in parts:
        if isinstance(part, (str, bytes, np.str_, np.bytes_)):
            text = part.decode(errors="replace") if isinstance(part, (bytes, np.bytes_)) else str(part)
            try:
                number = float(text)
            except ValueError:
                number = np.nan
            if np.isfinite(number):          # "0.75": the number in quotes
                return Feedback(False, f"{name} should be a number, got the str {text.strip()!r}: remove the "
                                       f"quotes (write {text.strip()}, not {text.strip()!r}).")
            return Feedback(False, f"{name} should be a number, got a str.")
    return None


def _two_numbers(answer, first: str, second: str, shape_hint: str):
    """(a, b, None) for an answer that is a pair of numbers, else (None, None, the Feedback that
    says why not: not attempted, typed as text, not a pair (``shape_hint``), a part not a number)."""
    if answer is None:
        return None, None, NOT_ATTEMPTED
    fb = _text(answer)
    if fb is not None:
        return None, None, fb
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return None, None, Feedback(False, shape_hint)
    a, fb = _part(answer[0], (), first)
    if fb is not None:
        return None, None, fb
    b, fb = _part(answer[1], (), second)
    return (None, None, fb) if fb is not None else (a, b, None)


def _text_or(answer, name: str, fb: Feedback) -> Feedback:
    """``_text``'s Feedback if the answer is text, else ``fb`` (a Feedback of a wrong answer is
    falsy, so ``a or b`` would not do)."""
    text = _text(answer, name)
    return fb if text is None else text


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
    fb = _text(answer)
    if fb is not None:
        return fb
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
                               "otherwise the zeros drop out of the loss. (c = alpha r is the convention of the "
                               "`implicit` library, which takes the matrix you give it as c; equation (2) is not.)")
    if np.allclose(c, 1.0 + r):
        return Feedback(False, "multiply the count by alpha: c = 1 + alpha r.")
    if np.allclose(c, 1.0 + alpha * np.log1p(r)):
        return Feedback(False, "that is the log confidence (3); this exercise asks for the linear one (2), "
                               "c = 1 + alpha r.")
    played = r > 0
    if np.any(played) and np.allclose(c[~played], 1.0):
        slopes = (c[played] - 1.0) / r[played]
        if np.allclose(slopes, slopes[0]) and slopes[0] > 0:
            return Feedback(False, f"your c is 1 + {slopes[0]:g} r: the form is right, but this exercise uses "
                                   f"alpha = {alpha:g}. Type the number: a variable named alpha may hold "
                                   "another value.")
    j = int(np.flatnonzero(~np.isclose(c, want_c))[0])
    return Feedback(False, f"c should be 1 + alpha r; for r = {r.flat[j]:g} that is {want_c.flat[j]:g}, "
                           f"you have {c.flat[j]:g}.")


# ----------------------------------------------------------------------------- exercise 07b.1

@_quiet
def precision_one_user(answer, scores, train_items, test_items, k: int = 10) -> Feedback:
    """Exercise 07b.1: precision@k for one user, training items excluded from the candidates."""
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
        return _text_or(answer, "precision@k", fb)
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


# ----------------------------------------------------------------------------- exercise 07.2

@_quiet
def implicit_user_step(answer, Y, items, counts, lam: float, alpha: float) -> Feedback:
    """Exercise 07.2: x_u = (Y^T Y + Y_u^T (C_u - I) Y_u + lam I)^{-1} Y_u^T c_u for one user."""
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
        return _text_or(answer, "x_u", fb)
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
        (Y.T @ Y + Y_u.T @ ((c_u - 1.0)[:, None] * Y_u) + 2.0 * lam * I, Y_u.T @ c_u,
         "that has 2 lam I: the 2 of the gradient cancels. -2 Y^T C^u (p - Y x) + 2 lam x = 0 gives "
         "(Y^T C^u Y + lam I) x = Y^T C^u p(u), with lam, not 2 lam."),
        (Y_u.T @ Y_u + lam * I, Y_u.T @ counts,
         "that is notebook 06's explicit step on the counts: the played items only, the counts as ratings. "
         "Implicit ALS fits the preferences p (1 for a played item, 0 for every other) weighted by "
         "c = 1 + alpha r, over ALL items: Y^T Y, plus the correction (c - 1) from the played ones."),
        (Y_u.T @ Y_u + lam * len(items) * I, Y_u.T @ counts,
         "that is notebook 06's ALS-WR step (lam n_u) on the counts, as if they were ratings of the played "
         "items only. Implicit ALS fits p = 1 (played) and p = 0 (every other item), weighted by "
         "c = 1 + alpha r: start from Y^T Y over all items, and use the plain lam."),
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
    other = _other_alpha(a, Y, items, counts, lam, alpha)
    if other is not None:
        return Feedback(False, f"that is x_u for alpha = {other:.3g}: the steps are right, but this exercise uses "
                               f"alpha = {alpha:g} in c = 1 + alpha r. Type the number: a variable named alpha "
                               "may hold another value.")
    return Feedback(False, "compare your matrix with equation (6) term by term (Y^T Y, the correction from the "
                           "played items, lam I) and your right-hand side with Y^T C^u p(u) = sum c_ui y_i.")


def _other_alpha(a, Y, items, counts, lam, alpha):
    """The alpha' != alpha whose exact user step equals the answer ``a``, or None."""
    def x_of(log_alpha):
        return user_step(Y, items, 1.0 + np.exp(log_alpha) * counts, lam)

    def miss(log_alpha):
        return float(np.sum((x_of(log_alpha) - a) ** 2))

    tried = [np.log(v) for v in (0.2, 0.5, 1.0, 40.0, 0.1, 0.05, 2.0, 5.0, 10.0)]
    found = minimize_scalar(miss, bounds=(np.log(1e-6), np.log(1e4)), method="bounded",
                            options={"xatol": 1e-10})
    for log_alpha in tried + [found.x]:
        if (not np.isclose(np.exp(log_alpha), alpha, rtol=1e-6)
                and np.allclose(a, x_of(log_alpha), rtol=1e-5, atol=1e-9)):
            return float(np.exp(log_alpha))
    return None


# ----------------------------------------------------------------------------- exercise 07.3

def _whole(a: np.ndarray):
    """The answer as an int if it is a whole number, else None."""
    return int(round(float(a))) if np.isclose(a, np.round(a), rtol=0.0, atol=1e-9) else None


@_quiet
def cg_steps_to_exact(answer, k: int, n_played: int) -> Feedback:
    """Exercise 07.3 (conceptual): the number of CG steps after which CG, from a general start,
    solves A x = b exactly when A = s I + Y_u^T diag(c_u - 1) Y_u with n_played < k played items.

    A has the eigenvalue s on the k - n_played directions orthogonal to the played y_i, and
    n_played others: n_played + 1 distinct eigenvalues, hence n_played + 1 steps (from x = 0,
    where b lies in the span of the played y_i, n_played suffice).
    """
    k = check_int(k, "k", low=2)
    n_played = check_int(n_played, "n_played", low=1, high=k - 1, high_text=f"k - 1 = {k - 1}")
    a, fb = _start(answer, (), "the number of steps")
    if fb is not None:
        return _text_or(answer, "the number of steps", fb)
    steps = _whole(a)
    if steps is None:
        return Feedback(False, f"a number of CG steps is a whole number, got {float(a):g}.")
    want = n_played + 1
    if steps == want:
        return Feedback(True, f"A = s I plus a matrix of rank {n_played}: its eigenvalues are s, on the "
                              f"{k - n_played} directions orthogonal to the played y_i, and {n_played} others, "
                              f"{want} distinct values; q(t) = prod (1 - t/mu) over them has degree {want} and "
                              "kills the error. (From x = 0 even "
                              f"{n_played} steps do: b and x* lie in the span of the played y_i, which A maps "
                              "to itself.)")
    if steps == n_played:
        return Feedback(False, f"close: the played items give {n_played} eigenvalues s + mu_j, but s itself, on the "
                               f"{k - n_played} directions orthogonal to the played y_i, is one more, and a "
                               "random start has an error component there. (From x = 0 your answer would be "
                               "right: b lies in the span of the played y_i.)")
    if steps == k:
        return Feedback(False, f"{k} steps (k) is the bound for ANY symmetric positive definite A; this one has far "
                               "fewer distinct eigenvalues. Count them: A = s I + a matrix of rank "
                               f"{n_played}.")
    if steps in (k - n_played, k - n_played + 1):
        return Feedback(False, f"the {k - n_played} directions orthogonal to the played y_i all share ONE "
                               "eigenvalue, s: they count once in the polynomial, not once each.")
    if steps == 1:
        return Feedback(False, "one step is enough only when every eigenvalue is the same (A = s I); the played "
                               f"items add {n_played} more.")
    if not 1 <= steps <= k:
        return Feedback(False, f"CG on a {k} x {k} system needs between 1 and k = {k} steps.")
    return Feedback(False, f"count the distinct eigenvalues of A = s I + Y_u^T diag(c_u - 1) Y_u: the rank-"
                           f"{n_played} part changes {n_played} of them; the rest keep the value s.")


# ----------------------------------------------------------------------------- exercise 07b.2

@_quiet
def ap_ndcg_one_user(answer, hits, n_relevant: int) -> Feedback:
    """Exercise 07b.2: (AP@k, NDCG@k) of one user's top-k list, eq. (9).

    hits : 0/1 for the positions 1..k of the list (k = len(hits)).   n_relevant : |Rel_u| >= the
    number of hits.
    """
    hits = check_vector(hits, "hits")
    if len(hits) == 0 or not np.all((hits == 0) | (hits == 1)):
        raise ValueError("hits must be a non-empty list of 0s and 1s (one per position of the top-k list)")
    n_relevant = check_int(n_relevant, "n_relevant", low=max(1, int(hits.sum())))
    k = len(hits)
    ap, ndcg, fb = _two_numbers(answer, "ap", "ndcg", "return a pair (ap, ndcg): two numbers.")
    if fb is not None:
        return fb
    j = np.arange(1, k + 1)
    n_hits = hits.sum()
    precision_j = np.cumsum(hits) / j
    want_ap = np.sum(hits * precision_j) / min(k, n_relevant)
    disc = 1.0 / np.log2(j + 1)
    dcg = hits @ disc
    want_ndcg = dcg / disc[:min(k, n_relevant)].sum()
    close = lambda x, y: bool(np.isclose(x, y, rtol=1e-6, atol=1e-12))
    ap_ok, ndcg_ok = close(ap, want_ap), close(ndcg, want_ndcg)
    if ap_ok and ndcg_ok:
        return Feedback(True, f"AP@{k} = {want_ap:.4f} (the precision at each hit, over min(k, |Rel|) = "
                              f"{min(k, n_relevant)}) and NDCG@{k} = {want_ndcg:.4f} (DCG over the ideal DCG; the "
                              "base of the logarithm cancels in that ratio).")
    if close(ap, want_ndcg) and close(ndcg, want_ap):
        return Feedback(False, "AP and NDCG are swapped: return (ap, ndcg).")
    if not ap_ok:
        if n_hits and close(ap, np.sum(hits * precision_j) / n_hits) and n_hits != min(k, n_relevant):
            return Feedback(False, f"that divides by the number of hits ({n_hits:g}); AP@k divides by "
                                   f"min(k, |Rel_u|) = {min(k, n_relevant)}, so a relevant item the list missed "
                                   "counts as a precision of 0.")
        if close(ap, np.sum(hits * precision_j) / k) and k != min(k, n_relevant):
            return Feedback(False, f"that divides by k = {k}; AP@k divides by min(k, |Rel_u|) = "
                                   f"{min(k, n_relevant)}.")
        if close(ap, precision_j.mean()):
            return Feedback(False, "that averages precision@j over every position; AP takes it only at the "
                                   "positions of the hits (hit_j = 1).")
        return Feedback(False, "AP@k: at each hit j take precision@j = (hits so far) / j, add them up, divide "
                               f"by min(k, |Rel_u|) = {min(k, n_relevant)}.")
    if close(ndcg, dcg):
        return Feedback(False, "that is the DCG; NDCG divides it by the ideal DCG, the DCG of a list with all "
                               "relevant items first.")
    if close(ndcg, dcg / disc.sum()) and min(k, n_relevant) != k:
        return Feedback(False, f"the ideal list holds only |Rel_u| = {n_relevant} relevant items: sum "
                               f"1/log2(j + 1) over j = 1..min(k, |Rel_u|) = {min(k, n_relevant)}, not over all k.")
    if n_hits and close(ndcg, dcg / disc[:int(n_hits)].sum()) and n_hits != min(k, n_relevant):
        return Feedback(False, f"the ideal list puts all {n_relevant} relevant items first, including those your "
                               f"list missed, not just its {n_hits:g} hits.")
    ideal = min(k, n_relevant)
    if close(ndcg, (hits / j).sum() / (1.0 / j[:ideal]).sum()):
        return Feedback(False, "that discounts by 1/j; (9) uses the gentler 1/log2(j + 1).")
    jk = 1.0 / np.maximum(1.0, np.log2(j))                       # Jarvelin & Kekalainen, b = 2
    if close(ndcg, (hits @ jk) / jk[:ideal].sum()):
        return Feedback(False, "that is Jarvelin and Kekalainen's original discount (none at positions 1 and "
                               "2, then 1/log2 j); (9) uses 1/log2(j + 1) at every position.")
    return Feedback(False, "NDCG@k: add 1/log2(j + 1) over the positions j of the hits, then divide by the "
                           "same sum over j = 1..min(k, |Rel_u|).")


# ----------------------------------------------------------------------------- exercise 07b.3

@_quiet
def alpha_for_rescaled_counts(answer, alpha: float, lam: float, factor: float) -> Feedback:
    """Exercise 07b.3 (conceptual): every count is multiplied by ``factor``; the (alpha, lam) that
    give the same model are (alpha / factor, lam): c = 1 + alpha r is unchanged, and so is (4)."""
    alpha = check_float(alpha, "alpha", low=0.0, low_open=True)
    lam = check_float(lam, "lam", low=0.0)
    factor = check_float(factor, "factor", low=0.0, low_open=True)
    if np.isclose(factor, 1.0):
        raise ValueError(f"factor must differ from 1 (the counts must change scale), got {factor:g}")
    new_alpha, new_lam, fb = _two_numbers(answer, "alpha", "lam",
                                          "return a pair (alpha, lam): the new alpha, then the new lambda.")
    if fb is not None:
        return fb
    close = lambda x, y: bool(np.isclose(x, y, rtol=1e-6, atol=1e-12))
    alpha_ok, lam_ok = close(new_alpha, alpha / factor), close(new_lam, lam)
    if alpha_ok and lam_ok:
        return Feedback(True, f"1 + (alpha/{factor:g}) ({factor:g} r) = 1 + alpha r: every confidence, hence the "
                              "loss (4) as a function of X and Y, is unchanged, and so is its best lambda.")
    if not alpha_ok:
        if close(new_alpha, alpha * factor):
            return Feedback(False, f"the counts grew {factor:g} times, so alpha must SHRINK to keep alpha r the "
                                   f"same: 1 + alpha' ({factor:g} r) = 1 + alpha r needs alpha' = alpha / {factor:g}.")
        if close(new_alpha, alpha):
            return Feedback(False, f"with the same alpha every played item's confidence becomes 1 + alpha "
                                   f"({factor:g} r): the played entries would weigh about {factor:g} times more "
                                   "against the zeros (section 10), a different model.")
        return Feedback(False, "write c = 1 + alpha' r' with r' the new counts, and choose alpha' so that it "
                               "equals the old 1 + alpha r for every count.")
    return Feedback(False, "p and c are exactly as before, so (4) is the same function of X and Y, and the same "
                           f"lambda ({lam:g}) balances it: lambda does not depend on the units of the counts "
                           "once alpha absorbs them.")
