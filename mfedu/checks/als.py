"""Self-checks for notebook 06: explicit ALS."""
from __future__ import annotations

import numpy as np

from .._validate import check_bool, check_float, check_int, check_matrix, check_vector
from ..als import user_step
from ..data import Ratings, check_ratings
from ._feedback import NOT_ATTEMPTED, Feedback, _as_numbers, _quiet, _rated_items, _start

__all__: list[str] = ["normal_equations", "fold_in_biased", "symmetric_start"]   # mfedu.checks.<name>


# ----------------------------------------------------------------------------- shared diagnosis

def _diagonal(G, rhs, a):
    """The number d for which (G + d I) a = rhs, or None if no d fits.

    A ridge answer a = (G + d I)^{-1} rhs tells which d it used: d = a . (rhs - G a) / (a . a)
    (least squares over the one unknown d). If the residual then vanishes, the answer solves a
    system of the right shape with d on the diagonal, and the check can say which penalty the
    reader used instead of only "wrong". None: the answer solves no such system (wrong matrix or
    right-hand side)."""
    aa = float(a @ a)
    if not np.isfinite(aa) or aa == 0.0:
        return None
    d = float(a @ (rhs - G @ a)) / aa
    if not np.isfinite(d):
        return None
    residual = np.linalg.norm((G + d * np.eye(len(a))) @ a - rhs)
    scale = np.linalg.norm(rhs) + np.linalg.norm(G @ a) + abs(d) * np.sqrt(aa)
    return d if residual <= 1e-7 * scale else None


def _penalty_message(d, lam, n_u, weighted, k, n_items, what):
    """What went wrong when an answer solved the right system with ``d`` on the diagonal
    instead of reg = lam n_u (ALS-WR) or lam (plain). ``what`` names the matrix, e.g. Y_u^T Y_u."""
    reg = lam * (n_u if weighted else 1)
    name = f"lam n_u = {lam:g} x {n_u} = {reg:g}" if weighted else f"lam = {lam:g}"
    close = lambda x: np.isclose(d, x, rtol=1e-6, atol=1e-12 * (1.0 + reg))
    if close(0.0):
        return (f"the penalty is missing: add {name} to the diagonal of {what} "
                f"({'lam * n_u * np.eye(...)' if weighted else 'lam * np.eye(...)'}).")
    if weighted and close(lam) and n_u != 1:
        return (f"that is the plain convention (lam on the diagonal); the model uses ALS-WR, which "
                f"multiplies lam by the user's number of ratings: {name}.")
    if not weighted and close(lam * n_u) and n_u != 1:
        return (f"you multiplied lam by n_u = {n_u} (ALS-WR); this problem uses the plain convention "
                f"(1): lam = {lam:g} on the diagonal, whatever the number of ratings.")
    if close(2 * reg):
        return (f"you put {2 * reg:g} on the diagonal, twice {name}. If you typed `lam` and it still "
                f"holds an earlier cell's value, type {lam:g} instead; if you doubled it because of "
                "the gradient's factor 2, that factor is on both terms of (3), so it cancels and "
                "lam stays as it is.")
    if close(reg / 2):
        return (f"you put {reg / 2:g} on the diagonal, half of {name}: the gradient's factor 2 is on "
                "both terms of (3), so it cancels and lam stays as it is.")
    if weighted:
        miscounts = ((n_u - 1, "one too few"), (n_u + 1, "one too many"), (k, "the number of factors k"),
                     (k + 1, "the number of unknowns k + 1"), (n_items, "the number of ALL items"))
        for m in sorted({m for m, _ in miscounts}):
            if m >= 1 and m != n_u and close(lam * m):
                why = " or ".join(why for count, why in miscounts if count == m)
                return (f"you used n_u = {m} ({why}); n_u counts the ratings this user gave, here "
                        f"{n_u}: the penalty is {name}.")
    other = d / n_u if weighted else d
    if other > 0 and np.isclose(other, float(f"{other:.2g}"), rtol=1e-9):
        times = f" (times n_u = {n_u})" if weighted else ""
        return (f"your answer used lam = {other:.2g}{times}; this problem has lam = {lam:g}. Is "
                "`lam` still holding an earlier cell's value? Type the number.")
    return (f"your answer solves the right system with {d:.4g} on the diagonal; this problem needs "
            f"{name}. Is `lam` still holding an earlier cell's value? Type the number.")


# ----------------------------------------------------------------------------- exercise 06.1

@_quiet
def normal_equations(answer, ratings: Ratings, Y, lam: float, user: int,
                     weighted: bool = False) -> Feedback:
    """Exercise 06.1: x_u from (Y_u^T Y_u + lam w_u I) x_u = Y_u^T r_u, w_u = n_u or 1.

    Diagnosed: the other convention, lam missing, lam doubled or halved (the gradient's factor
    2, or a leftover variable), another value of lam, a miscounted n_u (ALS-WR: n_u - 1,
    n_u + 1, k, all items), all items used with the unrated ones as 0 stars, another user's
    answer, and a rounded answer. ``user`` must be a user id in range with ratings (ValueError
    naming ``user`` otherwise)."""
    ratings = check_ratings(ratings)
    Y = check_matrix(Y, "Y")
    if Y.shape[0] != ratings.n_items:
        raise ValueError(f"Y must have one row per item, ratings.n_items = {ratings.n_items}, got shape {Y.shape}")
    lam = check_float(lam, "lam", low=0.0, low_open=True)     # lam > 0: one solution x_u
    user = check_int(user, "user", low=0, high=ratings.n_users - 1)
    weighted = check_bool(weighted, "weighted")
    mine = ratings.users == user
    idx, r_u = ratings.items[mine], ratings.values[mine]
    n_u, k = len(idx), Y.shape[1]
    if n_u == 0:
        raise ValueError(f"user must be a user with ratings; user {user} has none in ratings")
    a, fb = _start(answer, (k,), "x_u", nan_hint=(
        "the missing cells of R are NaN: use only the items the user rated."))
    if fb is not None:
        return fb
    reg = lam * (n_u if weighted else 1)
    want = user_step(Y[idx], r_u, reg)
    convention = "ALS-WR (lam n_u)" if weighted else "plain (lam)"
    if np.allclose(a, want, rtol=1e-8, atol=1e-10):
        return Feedback(True, f"x_u = {np.round(want, 4).tolist()}: a {k} x {k} system built from "
                              f"the {n_u} items the user rated, {convention} on the diagonal.")
    Y_u = Y[idx]
    d = _diagonal(Y_u.T @ Y_u, Y_u.T @ r_u, a)
    if d is not None:
        return Feedback(False, _penalty_message(d, lam, n_u, weighted, k, ratings.n_items, "Y_u^T Y_u"))
    r_zero = np.zeros(Y.shape[0])
    r_zero[idx] = r_u
    if _diagonal(Y.T @ Y, Y.T @ r_zero, a) is not None:
        return Feedback(False, "you used ALL items, treating the unrated ones as 0 stars; use "
                               "only the rows of Y for the items the user rated (Y_u).")
    for v in np.unique(ratings.users):
        if v != user:
            mine_v = ratings.users == v
            Y_v, r_v = Y[ratings.items[mine_v]], ratings.values[mine_v]
            if _diagonal(Y_v.T @ Y_v, Y_v.T @ r_v, a) is not None:
                return Feedback(False, f"that is the answer for user {v}, not user {user}: recompute "
                                       "Y_u and r_u for this user (leftover variables from an earlier cell?).")
    if np.abs(a - want).max() <= 0.006 * max(1.0, np.abs(want).max()):     # rounded to 2-3 decimals
        return Feedback(False, "close, but not equal: did you round? Return the solve's result as it is.")
    return Feedback(False, "take Y_u = Y[rated] and r_u = R[u, rated], then solve "
                           "(Y_u.T @ Y_u + lam * np.eye(Y.shape[1])) x = Y_u.T @ r_u (equation 4).")


# ----------------------------------------------------------------------------- exercise 06.2

def _as_pair(answer, k):
    """The answer as one vector [x, b] of length k + 1, from a pair (x, b) or from [x, b]
    itself; None if it is neither (NaN is allowed here: the caller says so)."""
    if isinstance(answer, (tuple, list)) and len(answer) == 2:
        (x, fb_x), (b, fb_b) = _as_numbers(answer[0]), _as_numbers(answer[1])
        if fb_x is None and fb_b is None and x.shape == (k,) and b.shape == ():
            return np.append(x, b)
    z, fb = _as_numbers(answer)
    return z if fb is None and z.shape == (k + 1,) else None


@_quiet
def fold_in_biased(answer, ratings_of_new_user, Y, lam: float, mu: float, bi,
                   weighted: bool = True) -> Feedback:
    """Exercise 06.2: [x, b] from (Ỹ^T Ỹ + lam w I) z = Ỹ^T (r - mu - b_i), Ỹ = (Y_u 1).

    Diagnosed: mu or the b_i (or both) not subtracted from the ratings, the other convention,
    the penalty missing, another lam (a leftover variable), a miscounted n_u (n_u - 1, n_u + 1,
    k, all items), the bias left unpenalised, b solved apart from x (no column of ones), a
    rounded answer, and answers that are not a pair (x, b)."""
    Y = check_matrix(Y, "Y")
    idx, r = _rated_items(ratings_of_new_user, "ratings_of_new_user", Y.shape[0])
    lam = check_float(lam, "lam", low=0.0, low_open=True)     # lam > 0: one solution [x, b]
    mu = check_float(mu, "mu")
    bi = check_vector(bi, "bi", length=Y.shape[0], length_name=f"Y.shape[0] = {Y.shape[0]}")
    weighted = check_bool(weighted, "weighted")
    n_u = len(idx)
    reg = lam * (n_u if weighted else 1)
    Yt = np.column_stack([Y[idx], np.ones(n_u)])
    G = Yt.T @ Yt
    target = r - mu - bi[idx]
    try:                              # the problem itself must be solvable in float64
        want = user_step(Yt, target, reg)
    except ValueError:
        raise ValueError("ratings_of_new_user, mu, bi, Y or lam are too large for float64: the "
                         "fold-in's ridge solve overflows (keep them on the scale of stars)") from None
    if answer is None:
        return NOT_ATTEMPTED
    k = Y.shape[1]
    z = _as_pair(answer, k)
    if z is None:
        return Feedback(False, f"return a pair (x, b): x a length-{k} vector, b a number.")
    if not np.all(np.isfinite(z)):
        return Feedback(False, "your answer contains NaN or inf; check the solve.")
    if np.allclose(z, want, rtol=1e-6, atol=1e-9):
        return Feedback(True, f"x = {np.round(want[:-1], 4).tolist()}, b = {want[-1]:+.4f}: one "
                              f"{k + 1} x {k + 1} ridge solve against (Y_u 1), with mu and b_i "
                              "subtracted from the ratings.")
    d = _diagonal(G, Yt.T @ target, z)
    if d is not None:                                  # the right system, another penalty
        return Feedback(False, _penalty_message(d, lam, n_u, weighted, k, Y.shape[0], "(Y_u 1)^T (Y_u 1)"))
    wrong_targets = ((r - bi[idx], "subtract mu as well: the targets are r_ui - mu - b_i."),
                     (r - mu, "subtract each item's bias b_i too: the targets are r_ui - mu - b_i."),
                     (r, "the targets are r_ui - mu - b_i: mu and the item biases are known, so move "
                         "them to the right-hand side."))
    for t, message in wrong_targets:
        d = _diagonal(G, Yt.T @ t, z)
        if d is not None:
            extra = "" if np.isclose(d, reg, rtol=1e-6) else (
                " Also: " + _penalty_message(d, lam, n_u, weighted, k, Y.shape[0], "(Y_u 1)^T (Y_u 1)"))
            return Feedback(False, message + extra)
    D = reg * np.eye(k + 1)
    D[-1, -1] = 0.0
    if np.allclose(z, np.linalg.solve(G + D, Yt.T @ target), rtol=1e-6, atol=1e-9):
        return Feedback(False, "the bias is penalised too: put the same lam on every diagonal entry, "
                               "including the last one (b).")
    x_only = user_step(Y[idx], target, reg)
    if np.allclose(z[:-1], x_only, rtol=1e-6, atol=1e-9):
        return Feedback(False, "b must be solved together with x: append a column of ones to Y_u "
                               "and solve for [x, b] in one system (equation 7).")
    if np.abs(z - want).max() <= 0.006 * max(1.0, np.abs(want).max()):     # rounded to 2-3 decimals
        return Feedback(False, "close, but not equal: did you round? Return the solve's result as it is.")
    return Feedback(False, "use the model's own item factors and biases (toy_model.Y, toy_model.mu, "
                           "toy_model.bi); with n_u = len(items), build Yt = np.column_stack([Y[items], np.ones(n_u)]) and solve "
                           "(Yt.T @ Yt + lam * n_u * np.eye(Yt.shape[1])) z = Yt.T @ (r - mu - bi[items]); "
                           "x = z[:-1], b = z[-1].")


# ----------------------------------------------------------------------------- exercise 06.3

@_quiet
def symmetric_start(answer, rank: int) -> Feedback:
    """Exercise 06.3 (predict before running): ALS-WR at rank k started from a Y whose rows are
    all the same vector c. How many singular values of X Y^T are above 1e-6 times the largest
    after a few sweeps? Answer: 1.

    Why: Y_u^T Y_u = n_u c c^T and Y_u^T r_u = (sum of u's ratings) c, so c is an eigenvector of
    the matrix of (5) and its solution x_u is a multiple of c, for every user; then every X_i has
    rows along c, so every y_i is a multiple of c again. The start's symmetry is never broken
    (until rounding errors, about 1e-16, grow: the rank-one state is a saddle too).

    Diagnosed: k (the rank as an upper bound taken for the answer), 0 (the start confused with
    Y = 0), a number between 1 and k, more than k, and answers that are not a whole number."""
    rank = check_int(rank, "rank", low=2)
    a, fb = _start(answer, (), "your count")
    if fb is not None:
        return fb
    a = float(a)
    if a != round(a):
        return Feedback(False, "a number of singular values is a whole number: give an int.")
    a = int(round(a))
    if a == 1:
        return Feedback(True, "1: with every y_i = c, both sides of (5) see only the direction c, so every "
                              "x_u is a multiple of c, and then every y_i again: the model stays rank one "
                              "(until rounding errors, about 1e-16, grow over many sweeps: this state is a "
                              "saddle too, and a random start avoids it).")
    if a == rank:
        return Feedback(False, f"k = {rank} is only room for {rank} factors, not a promise. With every "
                               "y_i equal to c, Y_u^T Y_u = n_u c c^T and Y_u^T r_u = (sum of u's ratings) c: "
                               "what direction can the solution x_u of (5) have?")
    if a == 0:
        return Feedback(False, "the start is not Y = 0 (that one stays at 0, section 4): here "
                               "Y_u^T r_u = (sum of u's ratings) c is not 0, so x_u is not 0 either.")
    if a < 0:
        return Feedback(False, "a count of singular values is at least 0.")
    if a > rank:
        return Feedback(False, f"X Y^T passes through k = {rank} dimensions, so it has at most {rank} "
                               "nonzero singular values.")
    return Feedback(False, f"fewer than k, yes, but not {a}: look at the right-hand side Y_u^T r_u "
                           "and the matrix Y_u^T Y_u when every y_i is the same vector c. Which "
                           "directions can x_u take, and then y_i?")
