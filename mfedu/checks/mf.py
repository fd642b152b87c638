"""Self-checks for notebooks 03-05: the MF loss, its gradients, SGD."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_int, check_matrix, check_vector
from ..data import Ratings, check_ratings
from ..loss import gradients, mf_loss
from ..sgd import conflict_free_batches
from ..sgd import sgd_update as mfedu_sgd_update
from ._feedback import NOT_ATTEMPTED, Feedback, _as_numbers, _part, _quiet, _start

__all__ = ["mf_loss_value", "tiny_minimum", "dense_loss", "item_gradient",
           "sgd_update", "plain_lambda", "batch_levels"]

MAX_N_U = 10**9          # a bound for a user's number of ratings n_u (the arithmetic stays in float64)


def _factors(ratings: Ratings, X, Y):
    """X (n_users, k) and Y (n_items, k) for ``ratings``, checked and returned as float arrays."""
    X, Y = check_matrix(X, "X"), check_matrix(Y, "Y")
    if X.shape[0] != ratings.n_users:
        raise ValueError(f"X must have one row per user, ratings.n_users = {ratings.n_users}, got shape {X.shape}")
    if Y.shape != (ratings.n_items, X.shape[1]):
        raise ValueError(f"Y must have shape (ratings.n_items, X.shape[1]) = {(ratings.n_items, X.shape[1])}, "
                         f"got {Y.shape}")
    return X, Y


# ----------------------------------------------------------------------------- notebook 03

@_quiet
def mf_loss_value(answer, ratings: Ratings, X, Y, lam: float, mu: float, bu, bi) -> Feedback:
    """Exercise 03.1: the biased loss (4) for given factors and biases."""
    ratings = check_ratings(ratings)
    X, Y = _factors(ratings, X, Y)
    lam, mu = check_float(lam, "lam", low=0.0), check_float(mu, "mu")
    bu = check_vector(bu, "bu", length=ratings.n_users, length_name=f"ratings.n_users = {ratings.n_users}")
    bi = check_vector(bi, "bi", length=ratings.n_items, length_name=f"ratings.n_items = {ratings.n_items}")
    a, fb = _start(answer, (), "the loss", nan_hint=(
        "the missing cells of R are NaN: sum the squared errors over the observed cells only."))
    if fb is not None:
        return fb
    want = mf_loss(ratings, X, Y, lam, mu, bu, bi)
    if np.isclose(a, want, rtol=1e-9):
        return Feedback(True, f"L = {want:.4f}: squared error on Omega plus lam times the squared "
                              "norms of X, Y and both biases.")
    no_bias_penalty = want - lam * (np.sum(np.square(bu)) + np.sum(np.square(bi)))
    e = ratings.values - (mu + bu[ratings.users] + bi[ratings.items]
                          + np.sum(X[ratings.users] * Y[ratings.items], axis=1))
    if np.isclose(a, no_bias_penalty, rtol=1e-9):
        return Feedback(False, "the penalty also covers the biases: add lam * (sum b_u^2 + sum b_i^2).")
    if np.isclose(a, e @ e, rtol=1e-9):
        return Feedback(False, "that is the squared error alone; add the L2 penalty lam * (...).")
    if np.isclose(a, mf_loss(ratings, X, Y, lam), rtol=1e-9):
        return Feedback(False, "that is the loss of the model WITHOUT biases; predict "
                               "mu + b_u + b_i + x_u . y_i.")
    if np.isclose(a, np.mean(e ** 2) + (want - e @ e), rtol=1e-9):
        return Feedback(False, "equation (4) SUMS the squared errors; you took their mean.")
    R_swapped = mu + bu[None, :] + bi[:, None] + X @ Y.T
    if np.isclose(a, np.sum((ratings.values - R_swapped[ratings.users, ratings.items]) ** 2)
                  + (want - e @ e), rtol=1e-9):
        return Feedback(False, "the biases are broadcast the wrong way round: b_u varies down the rows "
                               "(bu[:, None]) and b_i across the columns (bi[None, :]).")
    norms = sum(np.linalg.norm(v) for v in (X, Y, bu, bi))
    if np.isclose(a, e @ e + lam * norms, rtol=1e-9):
        return Feedback(False, "the penalty uses SQUARED norms: sum of X**2, not np.linalg.norm(X).")
    for wrong_lam in (1.5, 1.0, 10.0):
        if not np.isclose(wrong_lam, lam) and np.isclose(a, mf_loss(ratings, X, Y, wrong_lam, mu, bu, bi), rtol=1e-9):
            return Feedback(False, f"that is the loss with lam = {wrong_lam:g}; the exercise uses lam = {lam:g} "
                                   "(type the number: the variable lam has been reassigned).")
    return Feedback(False, "predict mu + bu[:, None] + bi[None, :] + X @ Y.T, take the squared errors in "
                           f"the observed cells only, then add the penalty. (Did you type mu = {mu:g} and "
                           f"lam = {lam:g}, rather than the variables mu and lam?)")


@_quiet
def tiny_minimum(answer, r: float, lam: float) -> Feedback:
    """Exercise 03.2: the minimiser (x, y) with x > 0 of (r - xy)^2 + lam (x^2 + y^2)."""
    r, lam = check_float(r, "r"), check_float(lam, "lam", low=0.0)
    if lam >= r:                          # then the minimum is x = y = 0: no answer with x > 0
        raise ValueError(f"lam must be < r = {r:g} (a minimum with x > 0 needs r - lam > 0), got {lam:g}")
    a, fb = _start(answer, (2,), "(x, y)", nan_hint=(
        f"a square root of a negative number? Here r - lam = {r - lam:g} (r = {r:g}, lam = {lam:g}); type "
        "the numbers, the variables r and lam hold other values by now."))
    if fb is not None:
        return fb
    t = np.sqrt(r - lam)
    if np.allclose(a, [t, t], rtol=1e-3, atol=0.0):      # e.g. rounded to 4 decimals as printed
        return Feedback(True, f"x = y = sqrt(r - lam) = {t:.4f}; the prediction xy = {t * t:g} is "
                              f"r shrunk by lam.")
    if np.allclose(a, [-t, -t], atol=1e-3):
        return Feedback(False, "that is the other (symmetric) minimum; the exercise asks for x > 0.")
    if np.isclose(a[0] * a[1], r, atol=1e-6):
        return Feedback(False, "xy = r is the minimum WITHOUT the penalty; with lam > 0 the product "
                               "shrinks (equation 7).")
    if np.allclose(a, [t * t, t * t], atol=1e-3):
        return Feedback(False, f"you gave x = y = r - lam = {t * t:g}; that is x^2 (equation 7 gives "
                               "t^2), so take its square root.")
    if np.isclose(a[0] * a[1], r - lam, atol=1e-6):
        return Feedback(False, "the product is right, but the penalty also balances the two: "
                               "|x| = |y| at the minimum.")
    if np.allclose(a, [t, t], rtol=5e-3, atol=0.0):       # the right answer, rounded (1.22 for 1.2247)
        return Feedback(False, "close: that looks like x = y = t rounded; give both to 4 decimals so "
                               "the check can tell it from a near miss.")
    return Feedback(False, "on the diagonal x = y = t the loss is (r - t^2)^2 + 2 lam t^2; "
                           "set its derivative to 0 (equation 7).")


@_quiet
def dense_loss(func, ratings: Ratings, lam: float, seed: int = 0) -> Feedback:
    """Exercise 03.3: a loss function over a dense R with NaN must skip the missing cells."""
    ratings = check_ratings(ratings)
    lam, seed = check_float(lam, "lam", low=0.0), check_int(seed, "seed", low=0)
    if func is None:
        return NOT_ATTEMPTED
    if not callable(func):
        return Feedback(False, f"pass your function itself (my_loss), got {type(func).__name__}.")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(ratings.n_users, 2))
    Y = rng.normal(size=(ratings.n_items, 2))
    want = mf_loss(ratings, X, Y, lam)
    try:                                         # copies: the function may change its arguments
        result = func(ratings.to_dense(), X.copy(), Y.copy(), lam)
    except Exception as err:                     # the reader's code: report, do not crash
        return Feedback(False, f"your function raised {type(err).__name__}: {err}")
    if result is None:
        return Feedback(False, "your function returned None: end it with return and the loss.")
    value, fb = _as_numbers(result, "the value your function returns")
    if fb is None and value.shape != ():
        fb = Feedback(False, f"your function should return one number, got an array of shape {value.shape}.")
    if fb is not None:
        return fb
    value = float(value)
    if np.isnan(value):
        return Feedback(False, "it returns NaN. Why? Try np.nan - 3 and np.sum([1.0, np.nan]), then "
                               "decide which cells the sum in equation (2) should include.")
    if np.isinf(value):
        return Feedback(False, "it returns an infinite number; the loss here is a modest sum of squares: "
                               "check each term of equation (2).")
    if np.isclose(value, want, rtol=1e-9):
        return Feedback(True, "it skips the NaN cells. (np.nansum would also work, but a mask says "
                              "what you mean: the loss is a sum over Omega.)")
    zeros = np.sum((ratings.to_dense(fill=0.0) - X @ Y.T) ** 2) + lam * (np.sum(X ** 2) + np.sum(Y ** 2))
    if np.isclose(value, zeros, rtol=1e-9):
        return Feedback(False, "you replaced NaN by 0, which counts the missing cells as 0-star "
                               "ratings (section 2). Leave them out of the sum instead.")
    if np.isclose(value, want - lam * (np.sum(X ** 2) + np.sum(Y ** 2)), rtol=1e-9):
        return Feedback(False, "the penalty went missing; keep lam * (sum X^2 + sum Y^2).")
    return Feedback(False, f"got {value:.4f}, expected {want:.4f}: sum (R - X Y^T)^2 over the "
                           "observed cells only, plus the penalty.")


# ----------------------------------------------------------------------------- notebook 04

@_quiet
def item_gradient(answer, ratings: Ratings, X, Y, lam: float, item: int) -> Feedback:
    """Exercise 04.1: dL/dy_i = -2 sum_{u in Omega_i} e_ui x_u + 2 lam y_i (no biases)."""
    ratings = check_ratings(ratings)
    X, Y = _factors(ratings, X, Y)
    lam = check_float(lam, "lam", low=0.0)
    item = check_int(item, "item", low=0, high=ratings.n_items - 1)
    a, fb = _start(answer, (Y.shape[1],), "dL/dy_i", nan_hint=(
        "R is NaN where a user did not rate the item: sum only over the users in Omega_i "
        "(np.flatnonzero(observed[:, item]))."))
    if fb is not None:
        return fb
    g = gradients(ratings, X, Y, lam)
    want, penalty = g["Y"][item], 2 * lam * Y[item]
    data = want - penalty
    if np.allclose(a, want):
        return Feedback(True, "-2 times the error-weighted sum of the user vectors, plus 2 lam y_i.")
    mistakes = [
        (-want, "the sign is flipped: with e_ui = r_ui - x_u . y_i the data term is -2 sum e_ui x_u "
                "(the derivative of e_ui with respect to y_i is -x_u)."),
        (-data + penalty, "the data term has the wrong sign: it is -2 sum e_ui x_u, because "
                          "e_ui = r_ui - x_u . y_i falls when y_i grows along x_u."),
        (want / 2, "this is half the gradient: the square brings down a factor 2, in both terms."),
        (data / 2 + penalty, "the data term lost its factor 2: d(e^2)/de = 2 e."),
        (data, "the penalty's derivative 2 lam y_i is missing."),
        (data + penalty / 2, "the penalty's derivative is 2 lam y_i, not lam y_i."),
        (data - penalty, "the penalty's derivative is +2 lam y_i: the penalty grows with ||y_i||."),
        (g["X"][item] if item < len(g["X"]) else None, "that is dL/dx_u for USER number i; the exercise "
                                                      "asks for the item's vector y_i."),
    ]
    for value, message in mistakes:
        if value is not None and np.allclose(a, value):
            return Feedback(False, message)
    extra = a - data                      # what the answer adds to the data term
    if np.linalg.norm(Y[item]) > 0 and np.allclose(extra, extra @ Y[item] / (Y[item] @ Y[item]) * Y[item]):
        implied = (extra @ Y[item]) / (2 * Y[item] @ Y[item])
        if np.isfinite(implied) and implied > 0 and not np.isclose(implied, lam):
            return Feedback(False, f"your penalty term is 2 * {implied:g} * y_i: that is lam = {implied:g}, but "
                                   f"this exercise uses lam = {lam:g} (type the number: the variable lam has "
                                   "been reassigned).")
    dense = np.nan_to_num(ratings.to_dense())
    if np.allclose(a, -2 * (dense[:, item] - X @ Y[item]) @ X + penalty):
        return Feedback(False, "you summed over ALL users, treating the missing ratings as 0 stars; "
                               "sum only over the users who rated the item (Omega_i).")
    return Feedback(False, "loop over the users u who rated the item: e = r_ui - X[u] @ Y[i], add "
                           "-2 * e * X[u]; then add 2 * lam * Y[i].")


@_quiet
def sgd_update(answer, r_ui: float, x_u, y_i, b_u: float, b_i: float, mu: float, lr: float,
               lam: float) -> Feedback:
    """Exercise 05.1: one SGD update (b_u, b_i, x_u, y_i) <- ..., x_u and y_i from old values.

    The update is notebook 05's eq. (2), a step of lr against the gradient of l_ui (its eq. (1),
    which carries a 1/2). Diagnosed: y_i computed from the new x_u; x_u and y_i swapped; half or
    twice the step; an error e_ui that leaves out mu, the biases, both, or x_u . y_i; the wrong
    sign; the penalty's sign flipped (+ lam); a missing penalty; x_u moved along itself.
    """
    r_ui, mu = check_float(r_ui, "r_ui"), check_float(mu, "mu")
    b_u, b_i = check_float(b_u, "b_u"), check_float(b_i, "b_i")
    x_u = check_vector(x_u, "x_u")
    y_i = check_vector(y_i, "y_i", length=len(x_u), length_name=f"len(x_u) = {len(x_u)}")
    lr, lam = check_float(lr, "lr", low=0.0, low_open=True), check_float(lam, "lam", low=0.0)
    if answer is None:
        return NOT_ATTEMPTED
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        return Feedback(False, "return a tuple (new_bu, new_bi, new_x_u, new_y_i).")
    parts = []
    for name, value, shape in zip(("b_u", "b_i", "x_u", "y_i"), answer, ((), (), x_u.shape, y_i.shape)):
        a, fb = _part(value, shape, f"the new {name}")
        if fb is not None:
            return fb
        parts.append(a)
    e = r_ui - (mu + b_u + b_i + x_u @ y_i)
    want = mfedu_sgd_update(r_ui, x_u, y_i, b_u, b_i, mu, lr, lam)
    ok = [np.allclose(a, w) for a, w in zip(parts, want)]
    if all(ok):
        return Feedback(True, f"e_ui = {e:.4f}; every parameter moved by lr (e_ui * ... - lam * itself).")
    if ok[2] and not ok[3] and np.allclose(parts[3], y_i + lr * (e * want[2] - lam * y_i)):
        return Feedback(False, "y_i used the NEW x_u; both updates must use the values from before "
                               "this rating (keep a copy of x_u).")
    if np.allclose(parts[2], want[3]) and np.allclose(parts[3], want[2]):
        return Feedback(False, "x_u and y_i are swapped in your tuple: return (b_u, b_i, x_u, y_i).")
    step = want[0] - b_u                  # the correct change of b_u
    if np.isclose(parts[0], b_u + step / 2):
        return Feedback(False, "that is half the step: (2) is a step of lr against the gradient of "
                               "l_ui, whose 1/2 cancels the 2 of the square; use lr itself, not lr / 2.")
    if np.isclose(parts[0], b_u + 2 * step):
        return Feedback(False, "that is twice the step: the 1/2 in l_ui (1) cancels the 2 of the "
                               "square, so (2) uses lr, not 2 lr.")
    flipped = "the penalty's sign is off: it pulls every parameter towards 0, so it enters (2) as " \
              "- lam * itself: b_u <- b_u + lr (e_ui - lam b_u), x_u <- x_u + lr (e_ui y_i - lam x_u)."
    if lam * b_u != 0 and np.isclose(parts[0], b_u + lr * (e + lam * b_u)):
        return Feedback(False, flipped)
    if ok[0] and ok[1] and lam > 0 and np.allclose(parts[2], x_u + lr * (e * y_i + lam * x_u)):
        return Feedback(False, flipped)
    # b_u's new value gives away the error the answer used: b_u + lr (e' - lam b_u)
    e_used = (parts[0] - b_u) / lr + lam * b_u
    wrong_errors = [
        (r_ui - (b_u + b_i + x_u @ y_i), "your error leaves out mu: e_ui = r_ui - (mu + b_u + b_i + "
                                         f"x_u . y_i); without mu = {mu:g} every error is about "
                                         "that much too large."),
        (r_ui - (mu + x_u @ y_i), "your error leaves out the biases: the prediction is "
                                  "mu + b_u + b_i + x_u . y_i, with the OLD b_u and b_i."),
        (r_ui - x_u @ y_i, "the error must use the full prediction mu + b_u + b_i + x_u . y_i; yours "
                           "used x_u . y_i alone."),
        (r_ui - (mu + b_u + b_i), "your error leaves out x_u . y_i: the prediction is "
                                  "mu + b_u + b_i + x_u . y_i."),
        (-e, "the sign is off: with e_ui = r_ui - r̂_ui the biases move by +lr (e_ui - lam b), "
             "towards the rating."),
    ]
    for e_wrong, message in wrong_errors:
        if not np.isclose(e_wrong, e) and np.isclose(e_used, e_wrong):
            return Feedback(False, message)
    if np.isclose(parts[0], b_u - lr * (e - lam * b_u)):
        return Feedback(False, "the sign is off: with e_ui = r_ui - r̂_ui the biases move by "
                               "+lr (e_ui - lam b), towards the rating.")
    if ok[0] and ok[1]:
        if np.allclose(parts[2], x_u + lr * e * y_i):
            return Feedback(False, "b_u and b_i are right; x_u lost its penalty: x_u + lr (e y_i - lam x_u).")
        if np.allclose(parts[2], x_u + lr * (e * x_u - lam * x_u)):
            return Feedback(False, "b_u and b_i are right; x_u moves along y_i (e y_i), not along itself.")
        if ok[2]:
            return Feedback(False, "b_u, b_i and x_u are right; y_i <- y_i + lr (e_ui x_u - lam y_i), "
                                   "with the old x_u.")
        return Feedback(False, "b_u and b_i are right; x_u <- x_u + lr (e_ui y_i - lam x_u), with e_ui "
                               "computed once, before any update.")
    if not ok[0] and np.isclose(parts[0], b_u + lr * e) and lam * b_u != 0:
        return Feedback(False, "the regularisation term is missing: b_u <- b_u + lr (e_ui - lam b_u).")
    return Feedback(False, "compute e = r - (mu + b_u + b_i + x_u @ y_i) once, then apply the four "
                           "lines of equation (2) using the old x_u and y_i.")


@_quiet
def plain_lambda(answer, lam_sgd: float, n_u: int) -> Feedback:
    """Exercise 05.2: lam_sgd n_u ||x_u||^2 equals lam_plain ||x_u||^2 when lam_plain = lam_sgd n_u.

    Both losses (the plain one of notebooks 03-04 and the weighted (3) of notebook 05) weigh the
    squared errors alike, so their penalty terms compare directly. Diagnosed: dividing by n_u, a
    factor 2 either way (from the 1/2 in l_ui or a gradient's 2), and keeping lam_sgd unchanged.
    """
    lam_sgd = check_float(lam_sgd, "lam_sgd", low=0.0, low_open=True)
    n_u = check_int(n_u, "n_u", low=1, high=MAX_N_U, high_text="10**9")
    a, fb = _start(answer, (), "lambda")
    if fb is not None:
        return fb
    want = lam_sgd * n_u
    if np.isclose(a, want, rtol=1e-6, atol=0.0):
        return Feedback(True, f"{lam_sgd:g} x {n_u} = {want:g}: the same number means very different "
                              "strengths in the two conventions.")
    mistakes = [
        (lam_sgd / n_u, "the weighted penalty is LARGER (n_u copies of it), so the plain lambda must be "
                        "larger too: multiply."),
        (2 * want, f"that is twice {want:g}. Both losses weigh the squared errors the same way, so "
                   "compare their penalties directly: no factor 2 enters (the 1/2 of l_ui in (1) "
                   "multiplies the errors too, and cancels; so does the 2 of a gradient)."),
        (want / 2, f"that is half of {want:g}. The 1/2 in l_ui (1) multiplies the squared errors as "
                   "well as the penalty, so it cancels: compare lam n_u ||x_u||^2 with "
                   "lam_plain ||x_u||^2 directly."),
        (lam_sgd, "that keeps the number; but in (3) the penalty of user u is counted n_u times, once "
                  "per rating: the same lambda is a much stronger penalty there."),
    ]
    for value, message in mistakes:
        if n_u > 1 or value != lam_sgd:
            if np.isclose(a, value, rtol=1e-6):
                return Feedback(False, message)
    return Feedback(False, "set lam_plain ||x_u||^2 equal to lam_sgd n_u ||x_u||^2 and solve.")


def _levels(users: np.ndarray, items: np.ndarray, use_user: bool = True, use_item: bool = True,
            combine=max) -> np.ndarray:
    """Level of each rating: 1 + combine(last level of its user, last level of its item),
    with either side left out when ``use_user``/``use_item`` is False (the diagnosed slips)."""
    last_u, last_i, out = {}, {}, []
    for u, i in zip(users.tolist(), items.tolist()):
        lu = last_u.get(u, 0) if use_user else 0
        li = last_i.get(i, 0) if use_item else 0
        level = 1 + combine(lu, li)
        out.append(level)
        if use_user:
            last_u[u] = level
        if use_item:
            last_i[i] = level
    return np.array(out, dtype=float)


def _first_fit(users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Each rating in the first batch that holds neither its user nor its item (order ignored)."""
    batches, out = [], []
    for u, i in zip(users.tolist(), items.tolist()):
        for b, (us, its) in enumerate(batches):
            if u not in us and i not in its:
                us.add(u), its.add(i)
                out.append(b + 1)
                break
        else:
            batches.append(({u}, {i}))
            out.append(len(batches))
    return np.array(out, dtype=float)


@_quiet
def batch_levels(answer, users, items, user_labels=None, item_labels=None) -> Feedback:
    """Exercise 05.3: the level (batch number) of each rating by notebook 05's eq. (4),
        level(j) = 1 + max(level of the previous rating of u_j, level of the previous rating of i_j),
    for ratings visited in the order given (``users[j]``, ``items[j]``), levels counted from 1.

    Diagnosed: counting from 0; following only the user's or only the item's previous rating;
    1 + sum instead of 1 + max; putting each rating in the first batch where it fits (which can
    move it before an earlier rating of its user or item); any other schedule that changes the
    order of two ratings sharing a user or an item, or puts them in one batch (named); and a valid
    schedule that is not (4)'s earliest one. The Correct message names the longest chain of ratings,
    each sharing a user or an item with the next, which is why no schedule needs fewer batches;
    ``user_labels``/``item_labels`` (optional, indexed by id) name its ratings.
    """
    users = check_vector(users, "users", dtype=np.int64)
    items = check_vector(items, "items", dtype=np.int64, length=len(users),
                         length_name=f"len(users) = {len(users)}")
    if len(users) == 0:
        raise ValueError("users and items must hold at least one rating")
    if min(users.min(), items.min()) < 0:
        raise ValueError("users and items must be ids >= 0")
    labels = []
    for given, name, ids in ((user_labels, "user_labels", users), (item_labels, "item_labels", items)):
        if given is not None and (isinstance(given, str) or len(given) <= ids.max()):
            raise ValueError(f"{name} must be a sequence with a label for every id up to {ids.max()}")
        labels.append(given)
    a, fb = _start(answer, (len(users),), "the levels")
    if fb is not None:
        return fb
    want = np.zeros(len(users))
    for level, members in enumerate(conflict_free_batches(users, items), 1):
        want[members] = level
    if np.array_equal(a, want):
        chain = [int(np.argmax(want))]           # back from the last batch: a previous rating one level down
        while want[chain[-1]] > 1:
            j = chain[-1]
            chain.append(max(j2 for j2 in range(j) if want[j2] == want[j] - 1
                             and (users[j2] == users[j] or items[j2] == items[j])))
        name = (lambda j: f"{labels[0][users[j]]}–{labels[1][items[j]]}") if None not in labels else \
            (lambda j: f"rating {j}")
        return Feedback(True, f"{int(want.max())} batches; along each user's ratings and each item's, "
                              "the levels strictly increase, and no batch holds a user or an item twice. "
                              f"Why no fewer: {' -> '.join(name(j) for j in chain[::-1])}"
                              f"{'' if None not in labels else ' (counting from 0)'}: each shares a user "
                              f"or an item with the next, so each must run after the one before, in "
                              f"{len(chain)} different batches.")
    if not np.array_equal(a, np.round(a)):
        return Feedback(False, "levels are whole numbers: batch 1, 2, 3, ...")
    if np.array_equal(a, want - 1):
        return Feedback(False, "off by one: the first rating gets level 1 (a missing previous rating "
                               "counts as level 0, and (4) adds 1).")
    mistakes = [
        (_levels(users, items, use_item=False), "you followed only the previous rating of the USER; "
                                                "the previous rating of the item must come first too: "
                                                "take the max of both levels."),
        (_levels(users, items, use_user=False), "you followed only the previous rating of the ITEM; "
                                                "the previous rating of the user must come first too: "
                                                "take the max of both levels."),
        (_levels(users, items, combine=lambda p, q: p + q), "(4) takes 1 + the MAX of the two "
                                                            "previous levels, not 1 + their sum."),
        (_first_fit(users, items), "you put each rating in the first batch where it fits. But the "
                                   "batches run in order, so a rating must come AFTER the earlier "
                                   "ratings of its user and its item: its level is above both of theirs."),
    ]
    for value, message in mistakes:
        if np.array_equal(a, value):
            return Feedback(False, message)
    if a.min() < 1:
        return Feedback(False, "levels start at 1: batch 1 is the first batch.")
    for j in range(len(users)):                  # the first pair whose order or batch is wrong
        for j2 in range(j):
            shared = ("user" if users[j2] == users[j] else "item" if items[j2] == items[j] else None)
            if shared and a[j] <= a[j2]:
                where = "the same batch" if a[j] == a[j2] else "an earlier batch"
                return Feedback(False, f"ratings {j2} and {j} (counting from 0) share their {shared}, "
                                       f"and rating {j} is in {where} (level {a[j]:g} vs {a[j2]:g}); it "
                                       f"must come after rating {j2}: give it a higher level.")
    j = int(np.flatnonzero(a != want)[0])
    return Feedback(False, f"your batches are conflict-free and keep the order, so they would give "
                           f"the same result; but (4) puts each rating as EARLY as possible: rating "
                           f"{j} (counting from 0) can go to level {want[j]:g}, not {a[j]:g}.")
