"""Self-checks for notebook 06: explicit ALS."""
from __future__ import annotations

import numpy as np

from .._validate import check_bool, check_float, check_int, check_matrix, check_vector
from ..als import user_step
from ..data import Ratings, check_ratings
from ._feedback import NOT_ATTEMPTED, Feedback, _as_numbers, _quiet, _rated_items, _start

__all__: list[str] = ["normal_equations", "fold_in_biased"]   # called as mfedu.checks.<name>


# ----------------------------------------------------------------------------- exercise 06.1

@_quiet
def normal_equations(answer, ratings: Ratings, Y, lam: float, user: int,
                     weighted: bool = False) -> Feedback:
    """Exercise 06.1: x_u from (Y_u^T Y_u + lam w_u I) x_u = Y_u^T r_u, w_u = n_u or 1."""
    ratings = check_ratings(ratings)
    Y = check_matrix(Y, "Y")
    if Y.shape[0] != ratings.n_items:
        raise ValueError(f"Y must have one row per item, ratings.n_items = {ratings.n_items}, got shape {Y.shape}")
    lam = check_float(lam, "lam", low=0.0, low_open=True)     # lam > 0: one solution x_u
    user = check_int(user, "user", low=0, high=ratings.n_users - 1)
    weighted = check_bool(weighted, "weighted")
    mine = ratings.users == user
    idx, r_u = ratings.items[mine], ratings.values[mine]
    n_u = len(idx)
    if n_u == 0:
        raise ValueError(f"user must be a user with ratings; user {user} has none in ratings")
    a, fb = _start(answer, (Y.shape[1],), "x_u", nan_hint=(
        "the missing cells of R are NaN: use only the items the user rated."))
    if fb is not None:
        return fb
    reg = lam * (n_u if weighted else 1)
    want = user_step(Y[idx], r_u, reg)
    convention = "ALS-WR (lam n_u)" if weighted else "plain (lam)"
    if np.allclose(a, want, rtol=1e-8, atol=1e-10):
        return Feedback(True, f"x_u = {np.round(want, 4).tolist()}: a {Y.shape[1]} x "
                              f"{Y.shape[1]} system built from the {n_u} items the user rated, "
                              f"{convention} on the diagonal.")
    other = lam * (1 if weighted else n_u)
    if not np.isclose(other, reg) and np.allclose(a, user_step(Y[idx], r_u, other), rtol=1e-6):
        if weighted:
            return Feedback(False, f"that is the plain convention; ALS-WR multiplies lam by the "
                                   f"user's number of ratings, n_u = {n_u}: lam n_u I.")
        return Feedback(False, f"you multiplied lam by n_u = {n_u} (ALS-WR); the plain loss (1) "
                               "puts lam I on the diagonal.")
    if np.allclose(a, user_step(Y[idx], r_u, 0.0), rtol=1e-6):
        return Feedback(False, "lam is missing: the penalty adds lam I (times n_u for ALS-WR) to "
                               "Y_u^T Y_u.")
    for factor, why in ((2.0, "2 lam"), (0.5, "lam / 2")):
        if np.allclose(a, user_step(Y[idx], r_u, factor * reg), rtol=1e-6):
            return Feedback(False, f"you used {why} = {factor * lam:g} instead of lam = {lam:g}. If "
                                   "that is a leftover variable, type the number; if it is the "
                                   "gradient's factor 2, note that it is on both terms of (3), so it "
                                   "cancels and lam stays as it is.")
    r_zero = np.zeros(Y.shape[0])
    r_zero[idx] = r_u
    for w in {reg, lam, lam * n_u, lam * Y.shape[0]}:
        if np.allclose(a, user_step(Y, r_zero, w), rtol=1e-6):
            return Feedback(False, "you used ALL items, treating the unrated ones as 0 stars; use "
                                   "only the rows of Y for the items the user rated (Y_u).")
    for v in np.unique(ratings.users):
        if v != user:
            mine_v = ratings.users == v
            if np.allclose(a, user_step(Y[ratings.items[mine_v]], ratings.values[mine_v], reg), rtol=1e-6):
                return Feedback(False, f"that is the answer for user {v}, not user {user}: recompute Y_u and "
                                       "r_u for this user (leftover variables from an earlier cell?).")
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
    """Exercise 06.2: [x, b] from (Ỹ^T Ỹ + lam w I) z = Ỹ^T (r - mu - b_i), Ỹ = (Y_u 1)."""
    Y = check_matrix(Y, "Y")
    idx, r = _rated_items(ratings_of_new_user, "ratings_of_new_user", Y.shape[0])
    lam = check_float(lam, "lam", low=0.0, low_open=True)     # lam > 0: one solution [x, b]
    mu = check_float(mu, "mu")
    bi = check_vector(bi, "bi", length=Y.shape[0], length_name=f"Y.shape[0] = {Y.shape[0]}")
    weighted = check_bool(weighted, "weighted")
    if answer is None:
        return NOT_ATTEMPTED
    k = Y.shape[1]
    z = _as_pair(answer, k)
    if z is None:
        return Feedback(False, f"return a pair (x, b): x a length-{k} vector, b a number.")
    if not np.all(np.isfinite(z)):
        return Feedback(False, "your answer contains NaN or inf; check the solve.")
    n_u = len(idx)
    reg = lam * (n_u if weighted else 1)
    Yt = np.column_stack([Y[idx], np.ones(n_u)])

    def close(candidate):
        return np.allclose(z, candidate, rtol=1e-6, atol=1e-9)

    want = user_step(Yt, r - mu - bi[idx], reg)
    if close(want):
        return Feedback(True, f"x = {np.round(want[:-1], 4).tolist()}, b = {want[-1]:+.4f}: one "
                              f"{k + 1} x {k + 1} ridge solve against (Y_u 1), with mu and b_i "
                              "subtracted from the ratings.")
    if close(user_step(Yt, r - bi[idx], reg)):
        return Feedback(False, "subtract mu as well: the targets are r_ui - mu - b_i.")
    if close(user_step(Yt, r - mu, reg)):
        return Feedback(False, "subtract each item's bias b_i too: the targets are r_ui - mu - b_i.")
    if close(user_step(Yt, r, reg)):
        return Feedback(False, "the targets are r_ui - mu - b_i: mu and the item biases are known, "
                               "so move them to the right-hand side.")
    other = lam * (1 if weighted else n_u)
    if not np.isclose(other, reg) and close(user_step(Yt, r - mu - bi[idx], other)):
        if weighted:
            return Feedback(False, f"the model uses ALS-WR: the penalty is lam n_u = lam x {n_u}, "
                                   "not lam.")
        return Feedback(False, "the model uses the plain lam, not lam n_u.")
    if close(user_step(Yt, r - mu - bi[idx], 0.0)):
        return Feedback(False, "the penalty is missing: add lam n_u I (ALS-WR) to the matrix.")
    for wrong in (1.0, 0.12, 0.5, 5.0):
        for w in (wrong * n_u, wrong):
            if not np.isclose(w, reg) and close(user_step(Yt, r - mu - bi[idx], w)):
                return Feedback(False, f"you used lam = {wrong:g}; the model was trained with lam = "
                                       f"{lam:g} (type the number: other cells reassigned lam).")
    D = reg * np.eye(k + 1)
    D[-1, -1] = 0.0
    if close(np.linalg.solve(Yt.T @ Yt + D, Yt.T @ (r - mu - bi[idx]))):
        return Feedback(False, "the bias is penalised too: put lam n_u on every diagonal entry, "
                               "including the last one (b).")
    x_only = user_step(Y[idx], r - mu - bi[idx], reg)
    if close(np.append(x_only, 0.0)) or np.allclose(z[:-1], x_only, rtol=1e-6):
        return Feedback(False, "b must be solved together with x: append a column of ones to Y_u "
                               "and solve for [x, b] in one system (equation 7).")
    return Feedback(False, "use the model's own item factors and biases (toy_model.Y, toy_model.mu, "
                           "toy_model.bi); with n_u = len(items), build Yt = np.column_stack([Y[items], np.ones(n_u)]) and solve "
                           "(Yt.T @ Yt + lam * n_u * np.eye(Yt.shape[1])) z = Yt.T @ (r - mu - bi[items]); "
                           "x = z[:-1], b = z[-1].")
