"""Self-checks for notebooks 00-02: the data, EVD/SVD, truncated-SVD recommendation."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_int, check_matrix, check_vector
from ..data import Ratings, check_ratings
from ..svdrec import baseline, impute
from ._feedback import NOT_ATTEMPTED, Feedback, _as_numbers, _quiet, _start


# ----------------------------------------------------------------------------- notebook 00

@_quiet
def density(answer, ratings: Ratings) -> Feedback:
    """Exercise 00.1: the fraction of the m x n cells that are observed."""
    ratings = check_ratings(ratings)
    a, fb = _start(answer, (), "the density")
    if fb is not None:
        return fb
    want = len(ratings) / (ratings.n_users * ratings.n_items)
    if np.isclose(a, want, rtol=1e-9, atol=0.0):         # relative: a density can be tiny
        return Feedback(True, f"{want:.4f}, i.e. {want:.1%} of the cells are observed.")
    if np.isclose(a, 100 * want, rtol=1e-9):
        return Feedback(False, "that is the percentage; give the fraction (between 0 and 1).")
    if np.isclose(a, 1 - want, rtol=1e-9):
        return Feedback(False, "that is the fraction of MISSING cells; we want the observed ones.")
    return Feedback(False, "divide the number of ratings |Omega| by the number of cells m * n.")


@_quiet
def most_rated(answer, ratings: Ratings) -> Feedback:
    """Exercise 00.2: the id of the item with the most ratings."""
    ratings = check_ratings(ratings)
    if answer is None:
        return NOT_ATTEMPTED
    counts = ratings.item_counts()
    best = int(np.argmax(counts))
    # True is an int in Python, and np.timedelta64 an integer in numpy: neither is an item id
    if not isinstance(answer, (int, np.integer)) or isinstance(answer, (bool, np.timedelta64)):
        return Feedback(False, f"give an item id (an int), got {type(answer).__name__}.")
    if int(answer) == best:
        return Feedback(True, f"item {best} has {counts[best]} ratings.")
    if int(answer) == int(np.argmax(ratings.user_counts())):
        return Feedback(False, "that is the most active USER; count entries per item instead.")
    return Feedback(False, f"item {answer} has {counts[answer] if 0 <= answer < len(counts) else 0} "
                           "ratings; try np.bincount(ratings.items) and np.argmax.")


# ----------------------------------------------------------------------------- notebook 01

@_quiet
def singular_values(answer, B) -> Feedback:
    """Exercise 01.1: sigma_j from the eigenvalues of B^T B, largest first."""
    B = check_matrix(B, "B")
    want = np.linalg.svd(B, compute_uv=False)
    if not np.isfinite(want[0] ** 2):           # B^T B, the exercise's first step, would overflow
        raise ValueError(f"B must have entries small enough for B.T @ B to be finite in float64, "
                         f"got sigma_1 = {want[0]:.3g}")
    if isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[1], np.ndarray) \
            and answer[1].ndim == 2:                # eigh's (eigenvalues, eigenvector matrix)
        return Feedback(False, "np.linalg.eigh returns two things, (eigenvalues, eigenvectors): "
                               "unpack them, lam, P = np.linalg.eigh(...), and use lam.")
    a, fb = _start(answer, None, "s", nan_hint=(
        "the square root of a tiny negative eigenvalue? Rounding can give -1e-15 for an "
        "eigenvalue that is really 0: clip the eigenvalues at 0 before np.sqrt."))
    if fb is not None:
        return fb
    if a.shape == (B.shape[1], B.shape[1]) and B.shape[1] == len(want):
        return Feedback(False, "that looks like the eigenvector matrix; the singular values come "
                               "from eigh's FIRST output, the eigenvalues.")
    if a.shape != want.shape:
        hint = (" Use the eigenvalues of the smaller matrix, B^T B here."
                if a.shape == (max(B.shape),) else "")
        return Feedback(False, f"B has min(m, n) = {len(want)} singular values, so s should have "
                               f"shape {want.shape}; yours has shape {a.shape}.{hint}")
    if np.allclose(a, want, atol=1e-8 * want[0]):
        return Feedback(True, "sigma_j = sqrt(lambda_j(B^T B)), sorted from largest to smallest.")
    if np.allclose(a, want ** 2, atol=1e-8 * want[0] ** 2):
        return Feedback(False, "these are the eigenvalues lambda_j; the singular values are their "
                               "square roots.")
    if np.allclose(np.sort(a)[::-1], want ** 2, atol=1e-8 * want[0] ** 2):
        return Feedback(False, "two things: these are the eigenvalues lambda_j (take square roots) "
                               "and they are in eigh's ascending order (reverse them).")
    if np.allclose(np.sort(a)[::-1], want, atol=1e-8 * want[0]):
        return Feedback(False, "right values, wrong order: numpy's eigh sorts ascending, the SVD "
                               "lists sigma_1 >= sigma_2 >= ... (reverse it).")
    return Feedback(False, "compute np.linalg.eigh(B.T @ B), take the square roots of the "
                           "eigenvalues, and sort them from largest to smallest.")


@_quiet
def left_vectors(answer, B, s, Vt) -> Feedback:
    """Exercise 01.2: U_r with u_j = B v_j / sigma_j, so that B = U diag(s) Vt."""
    B, s, Vt = check_matrix(B, "B"), check_vector(s, "s"), check_matrix(Vt, "Vt")
    if not 1 <= len(s) <= min(B.shape):
        raise ValueError(f"s must hold between 1 and min(B.shape) = {min(B.shape)} singular values, "
                         f"got {len(s)}")
    if s.min() <= 0:
        raise ValueError(f"s must hold positive singular values (u_j = B v_j / sigma_j), got {s.min():g}")
    if Vt.shape != (len(s), B.shape[1]):
        raise ValueError(f"Vt must have shape (len(s), B.shape[1]) = {(len(s), B.shape[1])}, got {Vt.shape}")
    scale = np.abs(B).max()
    if not (np.allclose(Vt @ Vt.T, np.eye(len(s)), atol=1e-8)
            and np.allclose(B @ Vt.T @ Vt, B, atol=1e-8 * scale)):     # else no U rebuilds B
        raise ValueError("Vt must have orthonormal rows that span the rows of B (B = U diag(s) Vt "
                         "must be possible), e.g. Vt from np.linalg.svd(B, full_matrices=False)")
    a, fb = _start(answer, (B.shape[0], len(s)), "U")
    if fb is not None:
        return fb
    if np.allclose((a * s) @ Vt, B, atol=1e-8 * s[0]):
        return Feedback(True, "U diag(s) V^T rebuilds B: each u_j is paired with its v_j.")
    col_err = np.linalg.norm(a * s - B @ Vt.T, axis=0)
    flipped = np.linalg.norm(a * s + B @ Vt.T, axis=0) < 1e-6 * s[0]
    if np.any(flipped):
        cols = ", ".join(f"u_{j + 1} (Python column {j})" for j in np.flatnonzero(flipped))
        return Feedback(False, f"{cols}: wrong sign. An eigenvector of B B^T is "
                               "only defined up to its sign; u_j = B v_j / sigma_j fixes the pairing.")
    near = lambda M: M.shape == a.shape and np.allclose(a, M, atol=1e-8 * s[0])
    if near(B @ Vt.T):
        return Feedback(False, "you computed B v_j = sigma_j u_j; divide each column by its sigma_j.")
    if near(B @ Vt.T * s) or near(B @ Vt.T / s ** 2):
        return Feedback(False, "equation (9) divides B v_j by sigma_j exactly once: B v_j = sigma_j u_j.")
    if B.shape[1] == Vt.shape[1] == Vt.shape[0] and near(B @ Vt / s):
        return Feedback(False, "the v_j are the ROWS of Vt (it is V transposed), so the matrix with "
                               "the v_j as columns is Vt.T: use B @ Vt.T.")
    j = int(np.argmax(col_err))
    return Feedback(False, f"u_{j + 1} (Python column {j}) does not satisfy B v_j = sigma_j u_j "
                           "(equation (9)); "
                           "u_j is B times the j-th right singular vector, divided by sigma_j.")


@_quiet
def eckart_young(answer, s, rank: int) -> Feedback:
    """Exercise 01.3: ||B - B_k||_F from the singular values alone."""
    s = check_vector(s, "s")
    if len(s) == 0 or s.min() < 0:
        raise ValueError("s must hold at least one singular value, all >= 0")
    s = np.sort(s)[::-1]
    rank = check_int(rank, "rank", low=0, high=len(s), high_text=f"len(s) = {len(s)}")
    a, fb = _start(answer, (), "the error")
    if fb is not None:
        return fb
    want = float(np.sqrt(np.sum(s[rank:] ** 2)))
    if np.isclose(a, want, rtol=1e-8, atol=1e-12 * s[0]):      # relative to the scale of s
        return Feedback(True, f"sqrt(sigma_{rank + 1}^2 + ... ) = {want:.4g}: the root of the sum "
                              "of the squared singular values you dropped.")
    if np.isclose(a, want ** 2, rtol=1e-8):
        return Feedback(False, "that is the SQUARED error; take the square root.")
    if np.isclose(a, np.sqrt(np.sum(s[:rank] ** 2)), rtol=1e-8):
        return Feedback(False, "that sums the KEPT sigma_1..sigma_k; the error is in the ones you drop.")
    if np.isclose(a, np.sum(s[rank:]), rtol=1e-8):
        return Feedback(False, "square each discarded sigma_j before summing, then take the root.")
    if np.isclose(a, want / np.sqrt(np.sum(s ** 2)), rtol=1e-8):
        return Feedback(False, "that is the RELATIVE error ||B - B_k||_F / ||B||_F; the check wants "
                               "||B - B_k||_F itself (do not divide).")
    for off in (rank - 1, rank + 1):
        if 0 <= off <= len(s) and np.isclose(a, np.sqrt(np.sum(s[off:] ** 2)), rtol=1e-8):
            return Feedback(False, f"off by one: you summed from s[{off}]. Python counts from 0, so "
                                   f"sigma_{rank + 1}, the first one dropped at k = {rank}, is s[{rank}].")
    return Feedback(False, f"sum sigma_j^2 over j > k = {rank} (s[{rank}:] in 0-based numpy), "
                           "then take the square root.")


# ----------------------------------------------------------------------------- notebook 02

@_quiet
def top_unseen(answer, scores, train: Ratings, user: int, n: int) -> Feedback:
    """Exercise 02.2: the ids of the n highest-scored items that ``user`` has not rated."""
    train = check_ratings(train, "train")
    scores = check_vector(scores, "scores", length=train.n_items, length_name=f"train.n_items = {train.n_items}")
    user = check_int(user, "user", low=0, high=train.n_users - 1)
    seen = train.items[train.users == user]
    if len(seen) == train.n_items:
        raise ValueError(f"user must have an item left to recommend; user {user} rated all {len(seen)}")
    n = check_int(n, "n", low=1, high=train.n_items - len(seen),
                  high_text=f"the number of items user {user} has not rated, {train.n_items - len(seen)}")
    _, fb = _as_numbers(answer, "your item ids")
    if fb is not None:
        return fb
    a = np.asarray(answer)                    # safe: _as_numbers has read it; keep the int dtype
    if a.dtype.kind == "f":
        return Feedback(False, f"give item ids as integers, got {a.dtype}. Did you return the scores "
                               "instead of the ids? np.argsort gives ids.")
    if a.dtype.kind not in "iu":              # ints too large for int64 and uint64
        return Feedback(False, f"give item ids, integers from 0 to {len(scores) - 1}.")
    if a.shape != (n,):
        return Feedback(False, f"give exactly {n} item ids (shape ({n},)), got shape {a.shape}.")
    masked = scores.copy()
    masked[seen] = -np.inf
    want = np.argsort(-masked, kind="stable")[:n]
    if np.array_equal(a, np.argsort(masked, kind="stable")[:n]):
        return Feedback(False, "np.argsort sorts ascending, so with the rated items at -inf you got "
                               "them first. Sort descending: np.argsort(-scores).")
    valid = np.all((a >= 0) & (a < len(scores))) and len(set(a.tolist())) == n
    if valid and not np.any(np.isin(a, seen)) and \
            np.array_equal(np.sort(scores[a]), np.sort(scores[want])):    # ties may pick other ids
        if not np.all(np.diff(scores[a]) <= 0):
            return Feedback(False, "the right items, but list them best first (descending score).")
        return Feedback(True, f"the {n} best unseen items, best first; the {len(seen)} items "
                              f"user {user} already rated were left out.")
    if np.any(np.isin(a, seen)):
        return Feedback(False, f"{int(np.isin(a, seen).sum())} of your items are ones user {user} "
                               "already rated: set their scores to -inf before sorting.")
    worst_first = np.argsort(np.where(np.isinf(masked), np.inf, scores), kind="stable")
    if np.array_equal(np.sort(a), np.sort(worst_first[:n])):
        return Feedback(False, "these are the LOWEST scores: sort in descending order (np.argsort "
                               "of -scores).")
    return Feedback(False, "mask the rated items (scores[seen] = -np.inf), then take "
                           f"np.argsort(-scores)[:{n}].")


@_quiet
def user_mean_impute(answer, train: Ratings, full: Ratings | None = None) -> Feedback:
    """Exercise 02.1: the filled matrix F with each missing cell set to its user's mean.

    ``full`` (train + test), if given, lets the check recognise means that leaked test ratings.
    """
    train = check_ratings(train, "train")
    if full is not None and check_ratings(full, "full").shape != train.shape:
        raise ValueError(f"full must have the shape of train, {train.shape}, got {full.shape}")
    a, fb = _start(answer, train.shape, "F", nan_hint=(
        "every missing cell must be filled, and np.mean of a row with NaN is NaN: use "
        "np.nanmean over the observed cells of each row."))
    if fb is not None:
        return fb
    want = impute(train, "user")
    if np.allclose(a, want):
        return Feedback(True, "observed ratings kept, missing cells = the user's mean rating.")
    if full is not None and np.allclose(a, impute(full, "user")):
        return Feedback(False, "you started from the full table, so the held-out test ratings sit in "
                               "their cells and shape the means: use toy_train.to_dense().")
    if full is not None:
        mu, bu, _ = baseline(full, "user")                       # user means over train + test
        if np.allclose(a, np.where(np.isnan(train.to_dense()), (mu + bu)[:, None], a)):
            return Feedback(False, "your means include the ratings held out for testing (a leak): "
                                   "compute them from toy_train only.")
    observed = a[train.users, train.items]
    if not np.allclose(observed, train.values):
        return Feedback(False, "some OBSERVED cells changed; only the missing cells are filled.")
    sums = np.bincount(train.users, weights=train.values, minlength=train.n_users)
    if np.allclose(a, np.where(np.isnan(train.to_dense()), (sums / train.n_items)[:, None], a)):
        return Feedback(False, "you divided by n_items; divide each user's sum by the number of "
                               "ratings that user gave (n_u).")
    if np.allclose(a, impute(train, "item")):
        return Feedback(False, "those are ITEM means (column means); use each user's (row) mean.")
    missing = np.isnan(train.to_dense())
    u = int(np.argmax(np.where(missing, np.abs(a - want), 0.0).max(axis=1)))
    return Feedback(False, f"user {u}'s missing cells should hold {want[u][missing[u]][0]:.3f}, "
                           "the mean of that user's own ratings.")


@_quiet
def damped_item_means(answer, train: Ratings, beta: float) -> Feedback:
    """Exercise 02.3: (sum_u r_ui + beta mu) / (n_i + beta), an item mean shrunk towards mu."""
    train = check_ratings(train, "train")
    beta = check_float(beta, "beta", low=0.0, low_open=True)     # n_i + beta > 0 for every item
    a, fb = _start(answer, (train.n_items,), "your array of damped means", nan_hint=(
        "an item with no training ratings has n_i = 0; with beta > 0 the denominator "
        "n_i + beta is never 0, so compute sums and counts with np.bincount(..., minlength=n)."))
    if fb is not None:
        return fb
    mu = train.values.mean()
    n_i = train.item_counts()
    sums = np.bincount(train.items, weights=train.values, minlength=train.n_items)
    want = (sums + beta * mu) / (n_i + beta)
    if np.allclose(a, want):
        return Feedback(True, f"an item with one rating now moves only 1/(1 + {beta:g}) of the way "
                              "from mu towards that rating.")
    if np.allclose(a, want - mu):
        return Feedback(False, "these are offsets b_i - mu; the exercise asks for the means themselves.")
    if np.allclose(a[n_i > 0], (sums / np.maximum(n_i, 1))[n_i > 0]):
        return Feedback(False, "these are the plain item means; add beta pseudo-ratings equal to mu.")
    if np.allclose(a, (sums + beta * mu) / np.maximum(n_i, 1)):
        return Feedback(False, "the beta pseudo-ratings count in the denominator too: n_i + beta.")
    if np.allclose(a, (sums + beta) / (n_i + beta)) or np.allclose(a, sums / (n_i + beta)):
        return Feedback(False, "each of the beta pseudo-ratings is worth mu stars: add beta * mu "
                               "to the sum.")
    unrated = n_i == 0
    if np.any(unrated) and not np.allclose(a[unrated], mu):
        return Feedback(False, f"an item with no training ratings should get exactly mu = {mu:.4f} "
                               f"(beta pseudo-ratings of mu and nothing else); yours get "
                               f"{a[unrated][0]:.4f}. mu is the mean of all TRAINING ratings, "
                               "train.values.mean().")
    return Feedback(False, "use (sum of item i's ratings + beta * mu) / (n_i + beta); items "
                           "with no ratings then get exactly mu.")
