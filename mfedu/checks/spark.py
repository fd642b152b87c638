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

__all__: list[str] = ["spark_blocks", "fold_in_spark"]   # called as mfedu.checks.<name>


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

@_quiet
def fold_in_spark(answer, new_ratings, Y, reg_param: float) -> Feedback:
    """Exercise 08.2: x from (Y_u^T Y_u + reg_param n I) x = Y_u^T r_u against Spark's item factors Y.

    ``new_ratings`` is a dict {item id: rating}; ``answer`` is x, shape (k,) (float32 is fine).
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

    want = user_step(Y[idx], r, reg)
    if close(want):
        return Feedback(True, f"x = {np.round(want, 4).tolist()}: one {k} x {k} ridge solve against "
                              f"Spark's item factors for the {n} rated items, with regParam * n = "
                              f"{reg_param:g} x {n} = {reg:g} on the diagonal; no Spark job needed.")
    mistakes = [
        (reg_param, f"Spark multiplies regParam by the number of ratings (ALS-WR): regParam * n = "
                    f"{reg_param:g} x {n} = {reg:g}, not regParam alone."),
        (0.0, f"the regularisation is missing: add regParam * n * I = {reg:g} I to Y_u^T Y_u."),
        (2 * reg, f"you used 2 regParam n = {2 * reg:g}; Spark puts regParam * n = {reg:g} on the "
                  "diagonal (the gradient's factor 2 is on both terms, so it cancels)."),
        (reg / 2, f"you used regParam n / 2 = {reg / 2:g}; Spark puts regParam * n = {reg:g} on the "
                  "diagonal."),
    ]
    for w, message in mistakes:
        if close(user_step(Y[idx], r, w)):
            return Feedback(False, message)
    r_zero = np.zeros(Y.shape[0])
    r_zero[idx] = r
    for w in {reg, reg_param, 0.0, 2 * reg, reg / 2, reg_param * Y.shape[0]}:
        if close(user_step(Y, r_zero, w)):
            return Feedback(False, "you used ALL items, treating the unrated ones as 0 stars; use only "
                                   "the rated items: the rows Y_u = Y[items] and their ratings r_u.")
    return Feedback(False, "take items = list(new_ratings), Y_u = Y[items], r_u = the ratings, n = len(items); "
                           "solve (Y_u.T @ Y_u + reg_param * n * np.eye(k)) x = Y_u.T @ r_u.")
