"""Self-checks for notebooks 00-02 and appendix A3: the data, EVD/SVD, truncated-SVD recommendation."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_int, check_matrix, check_vector
from ..data import Ratings, check_ratings
from ..svdrec import baseline, impute
from ._feedback import NOT_ATTEMPTED, Feedback, _as_numbers, _quiet, _start

__all__: list[str] = ["density", "most_rated", "singular_values", "left_vectors", "eckart_young",
                      "top_unseen", "user_mean_impute", "damped_item_means", "shrink_factor",
                      "calibration_slope"]


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
        return Feedback(False, "that is the RELATIVE error, divided by the whole matrix's norm "
                               "sqrt(sum of all sigma_j^2); the check wants the error itself "
                               "(do not divide).")
    for off in (rank - 1, rank + 1):
        if 0 <= off <= len(s) and np.isclose(a, np.sqrt(np.sum(s[off:] ** 2)), rtol=1e-8):
            return Feedback(False, f"off by one: you summed from s[{off}]. Python counts from 0, so "
                                   f"sigma_{rank + 1}, the first one dropped at k = {rank}, is s[{rank}].")
    return Feedback(False, f"sum sigma_j^2 over j > k = {rank} (s[{rank}:] in 0-based numpy), "
                           "then take the square root.")


# ----------------------------------------------------------------------------- notebook 02

@_quiet
def top_unseen(answer, scores, train: Ratings, user: int, n: int) -> Feedback:
    """Exercise 02.2: the ids of the n highest-scored items that ``user`` has not rated, best first.

    Ties in ``scores`` may be broken either way. Mistakes recognised, each by recomputing it:
    the sort direction (np.argsort is ascending: the lowest scores, or with the rated items
    masked at -inf, those rated items first, whatever the sort's kind breaks their tie; or the
    right items listed worst first), rated items
    left in, positions in the array with the rated items deleted (not item ids), an off-by-one
    slice (n - 1 or n + 1 ids, or the best item skipped), another number of ids than n, and
    scores returned instead of ids.
    """
    train = check_ratings(train, "train")
    scores = check_vector(scores, "scores", length=train.n_items, length_name=f"train.n_items = {train.n_items}")
    user = check_int(user, "user", low=0, high=train.n_users - 1)
    seen = np.unique(train.items[train.users == user])
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
    unseen = np.setdiff1d(np.arange(len(scores)), seen)
    best_first = unseen[np.argsort(-scores[unseen], kind="stable")]       # every unseen item
    want = best_first[:n]
    same_items = lambda ids: (len(ids) == n and len(set(ids.tolist())) == n and not np.any(np.isin(ids, seen))
                              and np.array_equal(np.sort(scores[ids]), np.sort(scores[want])))  # ties
    if a.ndim != 1:
        return Feedback(False, f"give a flat list of {n} item ids (shape ({n},)), got shape {a.shape}.")
    if len(a) != n:
        if abs(len(a) - n) == 1 and len(a) > 0 and np.all((a >= 0) & (a < len(scores))) \
                and not np.any(np.isin(a, seen)) \
                and np.array_equal(np.sort(scores[a])[::-1], scores[best_first[:len(a)]]):
            return Feedback(False, f"off by one: your {len(a)} ids are the best unseen items, but the "
                                   f"exercise asks for n = {n}. The slice [:n] holds exactly n items, "
                                   "positions 0 to n - 1.")
        return Feedback(False, f"give exactly n = {n} item ids (shape ({n},)), got {len(a)}.")
    valid = np.all((a >= 0) & (a < len(scores)))
    if not valid:
        return Feedback(False, f"item ids run from 0 to {len(scores) - 1}; some of yours are outside.")
    if same_items(a):
        if np.all(np.diff(scores[a]) <= 0):
            return Feedback(True, f"the {n} best unseen items, best first; the {len(seen)} items "
                                  f"user {user} already rated were left out. They must be: the user "
                                  "knows them already, and their scores mostly echo the ratings the "
                                  "model was fitted to, so they would fill the list and teach nothing new.")
        return Feedback(False, "the right items, but list them best first (descending score): "
                               "np.argsort sorts ascending, so reverse it or sort -scores.")
    # checked first: the best-scored items, rated ones included, read as a descending sort
    if np.array_equal(a, np.argsort(-scores, kind="stable")[:n]) and np.any(np.isin(a, seen)):
        return Feedback(False, f"descending order is right, but {int(np.isin(a, seen).sum())} of these "
                               f"items user {user} already rated. Leave them out before sorting "
                               "(e.g. give them the score -np.inf).")
    masked = scores.copy()
    masked[seen] = -np.inf
    # the n lowest of the masked scores, in any order and with the -inf ties broken any way (the
    # default np.argsort is not stable): the rated items first, then the worst unseen ones
    if len(seen) and len(set(a.tolist())) == n and np.any(np.isin(a, seen)) \
            and np.array_equal(np.sort(masked[a]), np.sort(masked)[:n]):
        return Feedback(False, "np.argsort sorts ascending, so the rated items you set to -inf came "
                               "first: you did leave them out of the scores, but the order put them "
                               "on top. Sort in descending order (np.argsort(-masked)).")
    lowest_unseen = best_first[::-1][:n]
    if np.array_equal(np.sort(a), np.sort(np.argsort(scores, kind="stable")[:n])) \
            or np.array_equal(np.sort(scores[a]), np.sort(scores[lowest_unseen])):
        left_in = " (and leave out the rated items)" if np.any(np.isin(a, seen)) else ""
        return Feedback(False, "these are the LOWEST scores: np.argsort sorts ascending. Sort in "
                               f"descending order (np.argsort of -scores){left_in}.")
    if np.array_equal(a, np.argsort(-scores[unseen], kind="stable")[:n]):
        return Feedback(False, "these are positions in the array with the rated items removed, not "
                               "item ids: after np.delete every later item has moved. Map the "
                               "positions back through the array of unseen ids (unseen[positions]).")
    if np.array_equal(a, best_first[1:n + 1]):
        return Feedback(False, "off by one: you skipped the best unseen item. Python counts from 0, "
                               "so the first n items are [:n], not [1:n + 1].")
    if np.any(np.isin(a, seen)):
        return Feedback(False, f"{int(np.isin(a, seen).sum())} of your items are ones user {user} "
                               "already rated: leave them out of the ranking.")
    if len(set(a.tolist())) < n:
        return Feedback(False, "an item appears twice in your list; each id once.")
    return Feedback(False, f"these are unseen items, but not the {n} with the highest scores: rank "
                           "the unseen items by score, highest first, and keep the first n.")


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


@_quiet
def shrink_factor(answer, v, train: Ratings, user: int) -> Feedback:
    """Exercise 02.4 (derive): by what factor the imputed SVD shrinks a user's vector at rank 1.

    With the item vector v (a unit column of V_k) held fixed, the imputed SVD gives user u
    x_u = sum_i E_ui v_i = sum_{i in Omega_u} e_ui v_i (E is 0 in the invented cells), while least
    squares over u's observed ratings only gives x_u^Omega = sum_{Omega_u} e_ui v_i / sum_{Omega_u} v_i^2.
    The ratio x_u / x_u^Omega is

        sum_{i in Omega_u} v_i^2      (between 0 and 1: v is a unit vector).

    Mistakes recognised: the sum over all n items (always 1), the inverse ratio, the sum over the
    items u did not rate, a square root too many, v_i not squared (or |v_i|), the share of cells
    rated n_u / n (right only if v were spread evenly), and the square of the answer.
    Parameters: ``v`` a unit vector of length train.n_items; ``user`` an int with at least one rating.
    """
    train = check_ratings(train, "train")
    v = check_vector(v, "v", length=train.n_items, length_name=f"train.n_items = {train.n_items}")
    if not np.isclose(np.linalg.norm(v), 1.0, rtol=0.0, atol=1e-6):
        raise ValueError(f"v must be a unit vector (a column of V_k), got norm {np.linalg.norm(v):.6g}")
    user = check_int(user, "user", low=0, high=train.n_users - 1)
    rated = np.unique(train.items[train.users == user])
    if len(rated) == 0:
        raise ValueError(f"user must have at least one training rating; user {user} has none")
    a, fb = _start(answer, (), "your factor", nan_hint=(
        "a division by 0? The factor is a sum of squares over the rated items, no division needed."))
    if fb is not None:
        return fb
    a = float(a)
    want = float(np.sum(v[rated] ** 2))
    near = lambda x: np.isfinite(x) and np.isclose(a, x, rtol=1e-6, atol=1e-12)
    if near(want):
        times = f" ({1 / want:.1f} times too small)" if want > 0 else ""
        even = len(rated) / train.n_items
        return Feedback(True, f"sum over the {len(rated)} rated items of v_i^2 = {want:.4f}: the invented "
                              f"zeros pull x_u to {want:.0%} of what user {user}'s own ratings call "
                              f"for{times} when v is held fixed. Compare n_u / n = {len(rated)}/"
                              f"{train.n_items} = {even:.4f}, the factor if v were spread evenly: "
                              + (f"yours is {want / even:.1f} times that, because v weighs the "
                                 "much-rated items more and users tend to have rated those (A3, section 3)."
                                 if want > 1.5 * even else "here the two are close (A3, section 3)."))
    if near(1.0):
        return Feedback(False, "1 is the sum of v_i^2 over ALL n items (v is a unit vector): the "
                               "denominator of a fit over every cell. Fitting the observed ratings only "
                               "divides by the sum over the rated items; the ratio of the two fits is that sum.")
    if want > 0 and near(1.0 / want):
        return Feedback(False, "that is x_u^Omega / x_u, the inverse. The question asks for x_u / "
                               "x_u^Omega, the factor applied to the honest fit: a number below 1.")
    if near(1.0 - want):
        return Feedback(False, "that sums v_i^2 over the items the user did NOT rate. In those cells E "
                               "holds invented zeros, which add nothing to sum_i E_ui v_i; the "
                               "observed-only fit divides by the sum over the RATED items.")
    if near(np.sqrt(want)):
        return Feedback(False, "no square root: least squares for one coefficient x in e_i = x v_i "
                               "divides by sum v_i^2 itself, not by its root.")
    if near(np.sum(v[rated])) or near(np.sum(np.abs(v[rated]))):
        return Feedback(False, "square each v_i: the observed-only fit divides sum e_ui v_i by sum v_i^2 "
                               "over the rated items.")
    if near(len(rated) / train.n_items):
        return Feedback(False, f"n_u / n = {len(rated)}/{train.n_items} would be the factor if v were "
                               "spread evenly over all items. It is not (it weighs much-rated items "
                               "more): sum v_i^2 over the items this user rated.")
    if near(want ** 2):
        return Feedback(False, "that is the factor squared; the ratio of the two fits is sum v_i^2 "
                               "over the rated items, once.")
    return Feedback(False, "write both fits with v fixed: x_u = sum over rated i of e_ui v_i (the "
                           "zeros add nothing) and x_u^Omega = the same sum divided by sum over rated "
                           "i of v_i^2; their ratio is a sum of squares over the rated items.")


# ----------------------------------------------------------------------------- appendix A3

@_quiet
def calibration_slope(answer, prediction, truth) -> Feedback:
    """Exercise A3.1: the calibration slope kappa of predicted corrections delta against the truth delta*.

    Notebook 02, equation (9): kappa = cov(delta, delta*) / var(delta) = corr(delta, delta*)
    sd(delta*) / sd(delta), the slope of the truth regressed on the prediction. 1 = calibrated
    (the truth averages delta wherever the predictor says delta), above 1 too timid (over-shrunk),
    below 1 too bold (over-dispersed). The messages use the notebooks' symbols delta, delta*; the
    code calls them c and t. Mistakes recognised: the reverse regression (prediction on truth,
    cov / var(delta*), which is corr^2 even for a calibrated predictor), 1 / kappa, the spread
    ratio sd(delta) / sd(delta*) and its inverse (the correlation left out), the correlation
    alone, and a regression through the origin (means not subtracted) in either direction. Mixing np.cov's N - 1 with np.var's N
    (a factor N / (N - 1)) is accepted, with a note.
    Parameters: ``prediction`` and ``truth`` two 1-D arrays of one length >= 2, neither constant.
    """
    c = check_vector(prediction, "prediction")
    t = check_vector(truth, "truth", length=len(c), length_name=f"len(prediction) = {len(c)}")
    if len(c) < 2:
        raise ValueError(f"prediction must hold at least 2 values, got {len(c)}")
    for name, x in (("prediction", c), ("truth", t)):
        if not np.std(x) > 0 or not np.isfinite(np.var(x)):
            raise ValueError(f"{name} must vary (a positive, finite spread), got standard deviation {np.std(x):.3g}")
    a, fb = _start(answer, (), "your slope", nan_hint=(
        "a division by 0? kappa divides by var(delta), the PREDICTION's variance, positive here."))
    if fb is not None:
        return fb
    a = float(a)
    n = len(c)
    cov = np.mean((c - c.mean()) * (t - t.mean()))
    kappa = cov / np.var(c)
    corr = cov / (np.std(c) * np.std(t))
    near = lambda x: np.isfinite(x) and np.isclose(a, x, rtol=1e-6, atol=1e-12)
    verdict = ("too timid (over-shrunk): the truth moves more than the prediction" if kappa > 1.05 else
               "too bold (over-dispersed): the truth moves less than the prediction" if kappa < 0.95 else
               "about calibrated")
    if near(kappa):
        return Feedback(True, f"kappa = {kappa:.3f}: {verdict}. A calibrated predictor with this "
                              f"correlation would have sd(delta) = corr x sd(delta*) = {corr:.2f} x "
                              f"sd(delta*); these corrections spread {np.std(c) / np.std(t):.2f} x sd(delta*).")
    if near(kappa * n / (n - 1)) or near(kappa * (n - 1) / n):
        return Feedback(True, f"kappa = {kappa:.3f} ({verdict}). Note: you mixed N - 1 (np.cov's "
                              "default) with N (np.var's); the difference is tiny here, but use one.")
    if near(cov / np.var(t)) or near(corr * np.std(c) / np.std(t)):
        return Feedback(False, "that is the slope of the PREDICTION regressed on the truth, "
                               "cov(delta, delta*) / var(delta*). It is below 1 even for a calibrated "
                               "predictor (it equals corr^2 there). Calibration asks the reverse: "
                               "regress the truth on the prediction, cov(delta, delta*) / var(delta).")
    if kappa != 0 and near(1 / kappa):
        return Feedback(False, "that is 1 / kappa, upside down: kappa = corr(delta, delta*) * "
                               "sd(delta*) / sd(delta).")
    if near(np.std(c) / np.std(t)):
        return Feedback(False, "that is the spread ratio sd(delta) / sd(delta*). On its own it does "
                               "not judge calibration: a calibrated predictor has spread ratio = "
                               "corr(delta, delta*). kappa = corr / (spread ratio).")
    if near(np.std(t) / np.std(c)):
        return Feedback(False, "sd(delta*) / sd(delta) leaves out the correlation: kappa = "
                               "corr(delta, delta*) * sd(delta*) / sd(delta).")
    if near(corr):
        return Feedback(False, "that is the correlation alone; multiply by sd(delta*) / sd(delta), "
                               "the truth's spread over the prediction's.")
    if near(np.sum(c * t) / np.sum(c ** 2)) or near(np.sum(c * t) / np.sum(t ** 2)):
        return Feedback(False, "subtract the means first: equation (9) uses the covariance and the "
                               "variance, not sums of plain products (a regression through the origin).")
    return Feedback(False, "kappa = cov(delta, delta*) / var(delta), with delta the prediction and "
                           "delta* the truth (in A3's code, delta_refit and true_delta): "
                           "np.cov(delta_refit, true_delta)[0, 1] / np.var(delta_refit, ddof=1), or "
                           "np.corrcoef(delta_refit, true_delta)[0, 1] * true_delta.std() / delta_refit.std().")
