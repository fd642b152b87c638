"""Self-checks for notebook 08: Apache Spark's ALS."""
from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import check_float, check_int, check_matrix
from ..data import Ratings, check_ratings
from ..als import user_step
from ._feedback import NOT_ATTEMPTED, Feedback, _quiet, _rated_items, _start

MAX_BLOCKS = 2**31 - 1         # Spark's numBlocks is a Java int

__all__: list[str] = ["spark_blocks", "fold_in_spark", "identical_start"]   # called as mfedu.checks.<name>


# ----------------------------------------------------------------------------- exercise 08.1

def _whole(b) -> bool:
    """A block number: 3, np.int64(3) or 3.0; not True, 2.5 or "3"."""
    if isinstance(b, bool) or not isinstance(b, numbers.Real):
        return False
    return isinstance(b, numbers.Integral) or float(b).is_integer()   # float(10**400) would fail


def _as_blocks(answer):
    """(user_block, set of item blocks) from a pair; None if the answer is not of that form."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2 or isinstance(answer[1], (str, bytes)):
        return None
    ub, blocks = answer
    try:
        blocks = list(blocks)
    except Exception:          # not iterable, or the reader's iterable failed: not of that form
        return None
    if not all(_whole(b) for b in [ub, *blocks]):
        return None
    return int(ub), {int(b) for b in blocks}


@_quiet
def spark_blocks(answer, ratings: Ratings, user: int, n_user_blocks: int, n_item_blocks: int) -> Feedback:
    """Exercise 08.1: user u is in block u % n_user_blocks and needs {i % n_item_blocks, i rated by u}.

    ``answer`` is a pair (user_block, item_blocks): an int, then any iterable of ints.
    """
    ratings = check_ratings(ratings)
    user = check_int(user, "user", low=0, high=ratings.n_users - 1)
    nub = check_int(n_user_blocks, "n_user_blocks", low=1, high=MAX_BLOCKS, high_text="2**31 - 1")
    nib = check_int(n_item_blocks, "n_item_blocks", low=1, high=MAX_BLOCKS, high_text="2**31 - 1")
    if answer is None:
        return NOT_ATTEMPTED
    got = _as_blocks(answer)
    if got is None:
        return Feedback(False, "return a pair (user_block, item_blocks): an int, then the item blocks "
                               "as a set or list of ints.")
    ub, blocks = got
    items = ratings.items[ratings.users == user]
    want_ub, want = user % nub, {int(i) % nib for i in items}
    if ub == want_ub and blocks == want:
        return Feedback(True, f"user {user} lives in user block {user} % {nub} = {want_ub}; its "
                              f"{len(items)} ratings are of items in {len(want)} of the {nib} item "
                              f"blocks, and only those blocks send it their factors y_i.")
    ranges = {user // math.ceil(ratings.n_users / nub), user * nub // ratings.n_users}
    item_ranges = {int(i) // math.ceil(ratings.n_items / nib) for i in items}
    if ub != want_ub:
        if ub in ranges:
            return Feedback(False, "Spark hashes: block = id mod numBlocks, not ranges of consecutive "
                                   "ids (the hash of a non-negative int is the int itself).")
        if nub != nib and ub == user % nib:
            return Feedback(False, f"the user's block is user % numUserBlocks = user % {nub}; you used "
                                   f"numItemBlocks = {nib}.")
        return Feedback(False, f"user {user} goes to user block {user} % numUserBlocks (here {nub}).")
    if blocks == {int(i) for i in items}:
        return Feedback(False, f"those are the rated items themselves: give block numbers i % numItemBlocks "
                               f"(here i % {nib}), not item ids.")
    if blocks == set(range(nib)):
        return Feedback(False, f"not every item block: only blocks holding items the user rated send "
                               f"factors, and here that is fewer than all {nib}.")
    if nub != nib and blocks == {int(i) % nub for i in items}:
        return Feedback(False, f"item i is in item block i % numItemBlocks = i % {nib}; you used "
                               f"numUserBlocks = {nub}.")
    if blocks == item_ranges:
        return Feedback(False, "Spark hashes: block = id mod numBlocks, not ranges of consecutive ids; "
                               "that holds for the item blocks too.")
    missing, extra = len(want - blocks), len(blocks - want)
    return Feedback(False, f"the user block is right; of the item blocks, you miss {missing} and have "
                           f"{extra} extra that hold none of the user's items. Take i % {nib} for each "
                           "item the user rated and keep the distinct values.")


# ----------------------------------------------------------------------------- exercise 08.2

EPS32 = float(np.finfo(np.float32).eps)      # 1.2e-7: float32's relative rounding


def _solve_both(Y_rows, r, w):
    """The ridge solve (Y_rows^T Y_rows + w I) x = Y_rows^T r in float64, and how far a float32
    solve of the same system may land from it: 5 times the distance of an actual float32 solve
    (other float32 routes, inv, Cholesky, pinv, land within about 3 times it), but at least
    cond(A) * eps32 * |x| / 4, in case this one was lucky. 0 when A is too ill-conditioned for
    float32 (cond(A) > 1e-2 / eps32): no float32 answer of such a system is recognised."""
    x = user_step(Y_rows, r, w)
    k = Y_rows.shape[1]
    A = Y_rows.T @ Y_rows + w * np.eye(k)
    F = Y_rows.astype(np.float32)
    A32 = F.T @ F + np.float32(w) * np.eye(k, dtype=np.float32)
    try:
        x32 = np.linalg.solve(A32, F.T @ r.astype(np.float32)).astype(np.float64)
        seen = float(np.abs(x32 - x).max())
    except np.linalg.LinAlgError:          # singular in float32: only the bound below is used
        seen = 0.0
    cond = np.linalg.cond(A)
    if not np.isfinite(cond) or cond * EPS32 > 1e-2:   # float32 cannot solve it: match in float64 only
        return x, 0.0
    return x, max(5 * seen, cond * EPS32 * float(np.abs(x).max()) / 4, 1e-7)


@_quiet
def fold_in_spark(answer, new_ratings, Y, reg_param: float) -> Feedback:
    """Exercise 08.2: x from (Y_u^T Y_u + reg_param n I) x = Y_u^T r_u against Spark's item factors Y.

    ``new_ratings`` is a dict {item id: rating}; ``answer`` is x, shape (k,). Recognised: the
    right x (float64, or rounded to float32 as Spark stores it); the same solve done in float32
    (correct to float32 precision, said so); regParam without n, no penalty, 2 regParam n,
    regParam n / 2; all items with the unrated ones as 0 stars; and each of these mistakes also
    when it was solved in float32.
    """
    Y = check_matrix(Y, "Y")
    idx, r = _rated_items(new_ratings, "new_ratings", Y.shape[0])
    reg_param = check_float(reg_param, "reg_param", low=0.0)
    k, n = Y.shape[1], len(idx)
    a, fb = _start(answer, (k,), "x", nan_hint="check the solve (is the matrix singular?).")
    if fb is not None:
        return fb
    reg = reg_param * n

    def close(candidate):              # Spark's factors are float32: allow its rounding
        return np.allclose(a, candidate, rtol=1e-5, atol=1e-7)

    want, want_tol32 = _solve_both(Y[idx], r, reg)
    if close(want):
        return Feedback(True, f"x = {np.round(want, 4).tolist()}: one {k} x {k} ridge solve against "
                              f"Spark's item factors for the {n} rated items, with regParam * n = "
                              f"{reg_param:g} x {n} = {reg:g} on the diagonal; no Spark job needed.")
    all_items = ("you used ALL items, treating the unrated ones as 0 stars; use only the rated "
                 "items: the rows Y_u = Y[items] and their ratings r_u.")
    mistakes = [
        (Y[idx], r, reg_param, f"Spark multiplies regParam by the number of ratings (ALS-WR): "
                               f"regParam * n = {reg_param:g} x {n} = {reg:g}, not regParam alone."),
        (Y[idx], r, 0.0, f"the regularisation is missing: add regParam * n * I = {reg:g} I to Y_u^T Y_u."),
        (Y[idx], r, 2 * reg, f"you used 2 regParam n = {2 * reg:g}; Spark puts regParam * n = {reg:g} "
                             "on the diagonal (the gradient's factor 2 is on both terms, so it cancels)."),
        (Y[idx], r, reg / 2, f"you used regParam n / 2 = {reg / 2:g}; Spark puts regParam * n = "
                             f"{reg:g} on the diagonal."),
    ]
    r_zero = np.zeros(Y.shape[0])
    r_zero[idx] = r
    mistakes += [(Y, r_zero, w, all_items)
                 for w in sorted({reg, reg_param, 0.0, 2 * reg, reg / 2, reg_param * Y.shape[0]})]
    solved = [(*_solve_both(F, rr, w), message) for F, rr, w, message in mistakes]
    for x, _, message in solved:                       # each mistake, solved in float64
        if close(x):
            return Feedback(False, message)
    # float32 arithmetic: the same systems, matched within a float32 solve's error (nearest first)
    scored = [(float(np.abs(a - x).max()) / tol, message)
              for x, tol, message in [(want, want_tol32, None), *solved] if tol > 0]
    ratio, message = min(scored, key=lambda s: s[0], default=(np.inf, None))
    if ratio <= 1:
        if message is None:
            error = float(np.abs(a - want).max())
            return Feedback(True, f"x = {np.round(want, 4).tolist()}, to float32 precision: your x is "
                                  f"{error:.1e} from the float64 solve, the size of the error of a "
                                  "solve done in float32 (was Y or your matrix float32?). Spark stores "
                                  "its factors as float32 but adds up Y_u^T Y_u and Y_u^T r_u and "
                                  "solves in float64, so to match its factors to 1e-7, widen first: "
                                  "np.asarray(Y, dtype=float).")
        return Feedback(False, message + " (Your numbers also show a float32 solve; once the "
                                         "system is right, solve it in float64.)")
    return Feedback(False, "take items = list(new_ratings), Y_u = Y[items], r_u = the ratings, n = len(items); "
                           "solve (Y_u.T @ Y_u + reg_param * n * np.eye(k)) x = Y_u.T @ r_u.")


# ----------------------------------------------------------------------------- exercise 08.3

@_quiet
def identical_start(answer, ratings: Ratings, item: int, reg_param: float) -> Feedback:
    """Exercise 08.3: the prediction x_u . y_i after the first item half-step when every user
    starts at the same unit vector e.

    Item i's equation (1) mirrored: (X_i^T X_i + regParam n_i I) y_i = X_i^T r_i with every row
    of X_i equal to e, so X_i^T X_i = n_i e e^T and X_i^T r_i = (sum_u r_ui) e. Then y_i = c e
    with c (n_i + regParam n_i) = sum_u r_ui, and x_u . y_i = c = mean_i / (1 + regParam) for
    every user u (mean_i: item i's mean rating). ``answer`` is that number (one float).
    """
    ratings = check_ratings(ratings)
    item = check_int(item, "item", low=0, high=ratings.n_items - 1)
    reg_param = check_float(reg_param, "reg_param", low=0.0)
    mine = ratings.values[ratings.items == item]
    if len(mine) == 0:
        raise ValueError(f"item must have at least one rating in ratings, but item {item} has none")
    a, fb = _start(answer, None, "the prediction", nan_hint="a 0/0? Item i has ratings, so n_i > 0.")
    if fb is not None:
        return fb
    if a.size != 1:
        return Feedback(False, f"give one number, the prediction x_u . y_i (the same for every user), "
                               f"not an array of shape {a.shape}; y_i itself is that number times e.")
    a = float(a.reshape(()))
    n_i, total, lam = len(mine), float(mine.sum()), np.float64(reg_param)   # (1 + lam) ** 2 may overflow to inf
    mean = total / n_i
    want = mean / (1 + lam)

    def same(x):
        return np.isclose(a, x, rtol=1e-4, atol=1e-6)

    if same(want):
        return Feedback(True, f"y_i = {want:.4f} e: mean {mean:.4f} / (1 + {lam:g}). Every n_i cancels, "
                              "so the item's own mean rating comes through, shrunk by 1 + regParam. "
                              "Nothing cancels as with random starts; but every y_i is now a multiple "
                              "of e, so every later x_u is too: the model would stay rank 1 forever.")
    mistakes = [
        (mean, f"that is item {item}'s mean rating without the penalty: regParam n_i I adds "
               f"regParam n_i to the n_i of X_i^T X_i, giving mean / (1 + {lam:g})."),
        (total / (n_i + lam), f"that is the plain convention, penalty regParam; Spark's is regParam "
                              f"n_i (ALS-WR), so the n_i cancel: mean / (1 + {lam:g})."),
        (total / (1 + lam), f"you kept the sum of the {n_i} ratings; X_i^T X_i = n_i e e^T puts n_i "
                            "in the denominator too, so the mean appears."),
        (mean / (1 + lam * n_i), "the penalty and X_i^T X_i = n_i e e^T both carry n_i: "
                                 f"(n_i + regParam n_i) c = sum r_ui, so c = mean / (1 + {lam:g})."),
        (mean / (1 + lam) ** 2, "that divides by (1 + regParam) twice; one item half-step divides "
                                "once (and x_u = e has length 1)."),
        (float(ratings.values.mean()) / (1 + lam), f"right form, wrong mean: use item {item}'s own "
                                                   "ratings r_ui, not the mean over all ratings."),
    ]
    for value, message in mistakes:
        if same(value):
            return Feedback(False, message)
    if abs(a) < 1e-6 * max(1.0, abs(want)):
        return Feedback(False, "0 would be right if the other users' terms cancelled, as they nearly do "
                               "for random unit vectors (section 5: only each rating's own term "
                               "survives, 0.19 on average); here every x_u is the same e, so "
                               "X_i^T r_i = (sum_u r_ui) e does not cancel at all.")
    return Feedback(False, "with every x_u = e: X_i^T X_i = n_i e e^T and X_i^T r_i = (sum r_ui) e. "
                           "Try y_i = c e in (n_i e e^T + regParam n_i I) y_i = (sum r_ui) e and solve "
                           "for c; the prediction is x_u . y_i = c.")
