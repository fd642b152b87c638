"""The matrix-factorisation model, its loss and its gradients (notebooks 03 and 04).

Model (Koren, Bell, Volinsky 2009; notebook 03, eq. (3); without the biases, eq. (1)):

    r̂_ui = mu + b_u + b_i + x_u . y_i

Loss over the OBSERVED entries Omega only (a missing rating is unknown, not zero; notebook 03,
eq. (4), and eq. (2) without biases):

    L = sum_{(u,i) in Omega} (r_ui - r̂_ui)^2
        + lam ( sum_u w_u (||x_u||^2 + b_u^2) + sum_i w_i (||y_i||^2 + b_i^2) )

Lambda convention: ``weighted=False`` is the plain sum, w_u = w_i = 1 (appendix A1, "The lambda conventions").
``weighted=True`` weights each user by its number of ratings n_u and each item by n_i: this is
ALS-WR's convention (Zhou et al. 2008; notebook 06, eq. (5)), and it is also the loss that
per-rating SGD follows (notebook 05, eq. (3)), because SGD applies lam to x_u once for every
rating of u. The same lam means a much stronger penalty in the weighted convention: compare
lambdas only within one convention.

mu is a fixed offset (the mean training rating), never learned; it has no gradient.

Gradients (notebook 04, eqs. (3)-(5)), with e_ui = r_ui - r̂_ui and E the sparse m x n matrix
of the e_ui on Omega (0 elsewhere; E = M o (R - X Y^T) when there are no biases):

    dL/dx_u = -2 sum_{i in Omega_u} e_ui y_i + 2 lam w_u x_u    dL/dX = -2 E Y   + 2 lam W_u X
    dL/dy_i = -2 sum_{u in Omega_i} e_ui x_u + 2 lam w_i y_i    dL/dY = -2 E^T X + 2 lam W_i Y
    dL/db_u = -2 sum_{i in Omega_u} e_ui + 2 lam w_u b_u        dL/db_i = -2 sum_u e_ui + 2 lam w_i b_i

The factor 2 and the minus sign are both real: some write-ups drop the 2 (absorbing it into the
learning rate) and some write the residual as r̂ - r, which flips the sign.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp

from ._validate import as_array, check_bool, check_confidence, check_float, check_ids, check_int, check_matrix, check_vector
from .data import Ratings, check_ratings

PARAMS = ("X", "Y", "bu", "bi")
ROUNDING = 100 * np.finfo(np.float64).eps    # relative rounding level of a loss value (see gradient_check)


class NotFiniteError(ValueError):
    """A result overflowed (inf or NaN) although every input was finite: the inputs are too large
    for float64 arithmetic. The message says which quantity and which inputs."""


def _finite(value, what: str, inputs: str):
    """Return ``value`` if it is finite everywhere, else raise NotFiniteError."""
    if not np.all(np.isfinite(value)):
        raise NotFiniteError(f"{what} overflowed to inf or NaN: {inputs} are too large for float64 "
                             "arithmetic (keep factors and ratings on the scale of stars)")
    return value


def predict(X, Y, users, items=None, mu: float = 0.0, bu=None, bi=None) -> np.ndarray:
    """r̂_ui = mu + b_u + b_i + x_u . y_i (notebook 03, eq. (3); eq. (1) without biases).

    ``items`` an array aligned with ``users``: one prediction per (user, item) pair.
    ``items=None``: every item for each of ``users``, an array of shape (len(users), n_items).
    Leave bu and bi None for a model without biases (mu then defaults to 0). This is the one
    place mfedu computes a prediction: FitResult, the ranking metrics and the synthetic
    truth's score all call it.
    """
    X, Y, mu, bu, bi = check_model(X, Y, mu, bu, bi)
    u = check_ids(users, "users", X.shape[0], "n_users = X.shape[0]")
    i = None
    if items is not None:
        i = check_ids(items, "items", Y.shape[0], "n_items = Y.shape[0]")
        if len(u) != len(i):
            raise ValueError(f"users and items must have equal lengths, got {len(u)} and {len(i)}")
    with np.errstate(over="ignore", invalid="ignore"):
        r_hat = _predict(X, Y, u, i, mu, bu, bi)
    return _finite(r_hat, "the prediction", "X, Y (or mu, bu, bi)")


def mf_loss(ratings: Ratings, X, Y, lam: float = 0.0, mu: float = 0.0, bu=None, bi=None,
            weighted: bool = False, confidence=None) -> float:
    """Notebook 03, eq. (4) (eq. (2) without biases): squared error on the observed entries plus lam
    times the (weighted) L2 penalty.

    Parameters
    ----------
    ratings : the observed entries Omega (training set).
    X, Y : (m, k) user and (n, k) item factors.
    lam : lambda >= 0.   mu, bu, bi : offset and biases; leave bu/bi None for a model without.
    weighted : False for the plain sum (w = 1); True for w_u = n_u, w_i = n_i (ALS-WR, SGD).
    confidence : optional per-rating confidences c_ui > 0 aligned with ``ratings``: the squared
        error becomes sum c_ui e_ui^2 (notebook 09; the penalty is unchanged).
    """
    ratings, X, Y, lam, mu, bu, bi, weighted = _check_all(ratings, X, Y, lam, mu, bu, bi, weighted)
    if confidence is not None:
        confidence = check_confidence(confidence, "confidence", len(ratings), f"len(ratings) = {len(ratings)}")
    with np.errstate(over="ignore", invalid="ignore"):
        value = _loss(ratings, X, Y, lam, mu, bu, bi, weighted, confidence)
    return float(_finite(value, "mf_loss", "the ratings, X, Y, mu, the biases, lam or confidence"))


def _loss(ratings, X, Y, lam, mu, bu, bi, weighted, confidence=None) -> float:
    e = ratings.values - _predict(X, Y, ratings.users, ratings.items, mu, bu, bi)
    squared = e @ e if confidence is None else (confidence * e) @ e
    w_u, w_i = _weights(ratings, weighted)
    penalty = w_u @ np.sum(X * X, axis=1) + w_i @ np.sum(Y * Y, axis=1)
    if bu is not None:
        penalty += w_u @ (bu * bu)
    if bi is not None:
        penalty += w_i @ (bi * bi)
    return squared + lam * penalty


def gradients(ratings: Ratings, X, Y, lam: float = 0.0, mu: float = 0.0, bu=None, bi=None,
              weighted: bool = False) -> dict[str, np.ndarray]:
    """Notebook 04, eqs. (3)-(5): the exact gradient of ``mf_loss`` with the same arguments.

    Returns a dict with keys "X" (m, k) and "Y" (n, k), plus "bu" (m,) and "bi" (n,) for the
    biases the model has. Cost O(|Omega| k): E is sparse, no dense m x n matrix is formed.
    """
    ratings, X, Y, lam, mu, bu, bi, weighted = _check_all(ratings, X, Y, lam, mu, bu, bi, weighted)
    u, i = ratings.users, ratings.items
    with np.errstate(over="ignore", invalid="ignore"):
        e = ratings.values - _predict(X, Y, u, i, mu, bu, bi)
        E = sp.csr_matrix((e, (u, i)), shape=ratings.shape)
        w_u, w_i = _weights(ratings, weighted)
        grad = {"X": -2 * (E @ Y) + 2 * lam * w_u[:, None] * X,
                "Y": -2 * (E.T @ X) + 2 * lam * w_i[:, None] * Y}
        if bu is not None:
            grad["bu"] = -2 * np.bincount(u, weights=e, minlength=ratings.n_users) + 2 * lam * w_u * bu
        if bi is not None:
            grad["bi"] = -2 * np.bincount(i, weights=e, minlength=ratings.n_items) + 2 * lam * w_i * bi
    for name, g in grad.items():
        _finite(g, f"the gradient in {name}", "the ratings, X, Y, mu, the biases or lam")
    return grad


def rating_gradients(r_ui: float, x_u, y_i, lam: float = 0.0, mu: float = 0.0, b_u: float | None = None,
                     b_i: float | None = None) -> dict[str, np.ndarray | float]:
    """The gradient of ONE rating's term, per entry (notebook 04, eq. (2); notebook 05, eq. (1)).

        l_ui = e_ui^2 + lam (||x_u||^2 + ||y_i||^2 + b_u^2 + b_i^2),   e_ui = r_ui - r̂_ui
        dl/dx_u = -2 e_ui y_i + 2 lam x_u      dl/dy_i = -2 e_ui x_u + 2 lam y_i
        dl/db_u = -2 e_ui + 2 lam b_u          dl/db_i = -2 e_ui + 2 lam b_i

    Summed over Omega, these are the gradients of ``mf_loss(..., weighted=True)``. Returns a dict
    with keys "x_u", "y_i" (and "b_u", "b_i" when the biases are given).
    """
    x_u = check_vector(x_u, "x_u")
    y_i = check_vector(y_i, "y_i", length=len(x_u), length_name=f"len(x_u) = {len(x_u)}")
    r_ui, lam, mu = check_float(r_ui, "r_ui"), check_float(lam, "lam", low=0.0), check_float(mu, "mu")
    if (b_u is None) != (b_i is None):
        raise ValueError("b_u and b_i must be given together (a biased model) or both left None")
    biased = b_u is not None
    if biased:
        b_u, b_i = check_float(b_u, "b_u"), check_float(b_i, "b_i")
    with np.errstate(over="ignore", invalid="ignore"):
        e = r_ui - (mu + x_u @ y_i + (b_u + b_i if biased else 0.0))
        grad = {"x_u": -2 * e * y_i + 2 * lam * x_u, "y_i": -2 * e * x_u + 2 * lam * y_i}
        if biased:
            grad["b_u"], grad["b_i"] = -2 * e + 2 * lam * b_u, -2 * e + 2 * lam * b_i
    for name, g in grad.items():
        _finite(g, f"the gradient in {name}", "r_ui, x_u, y_i, mu, the biases or lam")
    return grad


@dataclass(frozen=True)
class GradientCheck:
    """The outcome of ``gradient_check``; ``bool(check)`` is True when it passed.

    A coordinate passes when |analytic - numeric| <= tol max(|analytic|, |numeric|), or when the
    difference is within the rounding noise of the difference quotient (then nothing finer can
    be told at this eps: ``n_below_noise`` counts the coordinates whose gradient itself is below
    noise / tol, so that a relative error of tol would drown in the rounding; they were checked
    only to the rounding level).
    """

    max_rel_error: float     # the largest relative error over the checked coordinates (inf: not finite)
    worst: str               # where it occurred, e.g. "X[4, 1]"
    analytic: float          # the two values at that coordinate
    numeric: float
    n_checked: int
    tol: float
    n_below_noise: int = 0   # coordinates whose |gradient| is below their rounding noise / tol
    noise: float = 0.0       # the largest rounding noise of a difference quotient, absolute

    def __bool__(self) -> bool:
        return bool(self.max_rel_error <= self.tol)

    def __repr__(self) -> str:
        verdict = "passed" if self else "FAILED"
        text = (f"gradient check {verdict}: max relative error {self.max_rel_error:.1e} "
                f"(tolerance {self.tol:.0e}) over {self.n_checked} coordinates; worst at "
                f"{self.worst}: analytic {self.analytic:.6g}, numeric {self.numeric:.6g}")
        if self.n_below_noise:
            text += (f"; {self.n_below_noise} of them smaller than rounding noise / tol (up to "
                     f"{self.noise / self.tol:.0e}), where a relative error of tol is lost in rounding: "
                     "checked only to the rounding level (a larger eps sees finer)")
        return text


def gradient_check(ratings: Ratings, X, Y, lam: float = 0.0, mu: float = 0.0, bu=None, bi=None,
                   weighted: bool = False, grad: Callable | None = None, eps: float = 1e-3,
                   n_coords: int | str | None = None, seed: int = 0, tol: float = 1e-5) -> GradientCheck:
    """Compare a gradient with central differences of ``mf_loss``, coordinate by coordinate
    (notebook 04, eq. (6)).

        numeric_j = (L(theta + eps e_j) - L(theta - eps e_j)) / (2 eps)
        rel_j     = |analytic_j - numeric_j| / max(|analytic_j|, |numeric_j|, noise_j / tol)
        noise_j   = ROUNDING (|L(theta + eps e_j)| + |L(theta - eps e_j)|) / (2 eps)

    L is a quadratic function of any single coordinate, so the central difference has no
    truncation error whatever eps is: what is left is rounding, noise_j, about 1e-14 |L| / eps
    (ROUNDING = 100 machine epsilons, generous for a sum of |Omega| terms). A difference below
    noise_j cannot be told from rounding, so it never fails the check; that is why eps = 1e-3
    (not the usual 1e-6) is the default: a smaller eps raises the noise and blinds the check to
    small gradients (the report counts them). A right gradient gives a relative error near 1e-8;
    a dropped factor 2 gives 0.5 and a flipped sign gives 2. A gradient with NaN or inf fails
    (relative error inf); an eps so large that L overflows raises a ValueError.

    grad : the gradient to test; None tests ``gradients``. Otherwise a function called as
        ``grad(ratings, X, Y, lam)`` (plus ``mu=, bu=, bi=, weighted=`` when they are not the
        defaults) returning a dict like ``gradients`` or a tuple (dX, dY[, dbu, dbi]).
    n_coords : how many random coordinates of each parameter to check. None: every coordinate
        of a parameter with at most 100 entries, else 10 of them at random (each costs two
        evaluations of L over all ratings, so checking all of a MovieLens-sized X would take
        minutes); "all": every coordinate.
    """
    ratings, X, Y, lam, mu, bu, bi, weighted = _check_all(ratings, X, Y, lam, mu, bu, bi, weighted)
    eps = check_float(eps, "eps", low=0.0, low_open=True)
    tol = check_float(tol, "tol", low=0.0, low_open=True)
    if n_coords is not None and not (isinstance(n_coords, str) and n_coords == "all"):
        n_coords = check_int(n_coords, "n_coords", low=1)
    if grad is not None and not callable(grad):
        raise TypeError(f"grad must be a function (ratings, X, Y, lam, ...) -> gradients, or None, "
                        f"got {type(grad).__name__}")
    params = {name: p.copy() for name, p in zip(PARAMS, (X, Y, bu, bi)) if p is not None}
    extra = {k: v for k, v in (("mu", mu), ("bu", bu), ("bi", bi), ("weighted", weighted))
             if not (v is None or v is False or (k == "mu" and v == 0.0))}
    analytic = _as_dict(gradients(ratings, X, Y, lam, **extra) if grad is None
                        else grad(ratings, X, Y, lam, **extra), params)

    def loss(p):
        return _loss(ratings, p["X"], p["Y"], lam, mu, p.get("bu"), p.get("bi"), weighted)

    return _check_coordinates(loss, params, analytic, eps, n_coords, seed, tol)


def check_gradient(loss: Callable, params: dict, analytic: dict, eps: float = 1e-3,
                   n_coords: int | str | None = None, seed: int = 0, tol: float = 1e-5) -> GradientCheck:
    """``gradient_check`` for any loss: compare ``analytic`` (a dict of arrays shaped like
    ``params``) with central differences of ``loss(params)``, coordinate by coordinate, by the
    rules of gradient_check's docstring (eps, n_coords, seed and tol as there). ``loss`` takes a
    dict like ``params`` and returns a number; the differences are exact for any loss that is
    quadratic in each single coordinate (SVD++'s, notebook 09). ``params`` is not changed.
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function of a dict of parameters, got {type(loss).__name__}")
    if not isinstance(params, dict) or not params:
        raise TypeError(f"params must be a non-empty dict of arrays, got {type(params).__name__}")
    if not isinstance(analytic, dict):
        raise TypeError(f"analytic must be a dict of arrays like params, got {type(analytic).__name__}")
    eps = check_float(eps, "eps", low=0.0, low_open=True)
    tol = check_float(tol, "tol", low=0.0, low_open=True)
    if n_coords is not None and not (isinstance(n_coords, str) and n_coords == "all"):
        n_coords = check_int(n_coords, "n_coords", low=1)
    checked = {}
    for name, p in params.items():
        p = as_array(p, f"params[{name!r}]")
        if p.dtype == object or not (np.issubdtype(p.dtype, np.number) or p.dtype == bool) or np.iscomplexobj(p):
            raise TypeError(f"params[{name!r}] must hold real numbers, got dtype {p.dtype}")
        p = np.array(p, dtype=np.float64)
        if name not in analytic:
            raise ValueError(f"analytic must have an entry for every parameter; {name!r} is missing")
        a = as_array(analytic[name], f"analytic[{name!r}]")
        if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool) or np.iscomplexobj(a):
            raise TypeError(f"analytic[{name!r}] must hold real numbers, got dtype {a.dtype}")
        if np.shape(a) != p.shape:
            raise ValueError(f"analytic[{name!r}] must have the shape of params[{name!r}] {p.shape}, got {np.shape(a)}")
        checked[name] = p
    return _check_coordinates(loss, checked, {k: np.asarray(analytic[k], dtype=np.float64) for k in checked},
                              eps, n_coords, seed, tol)


def _check_coordinates(loss, params, analytic, eps, n_coords, seed, tol) -> GradientCheck:
    """The coordinate loop of gradient_check and check_gradient (``params`` is changed and put back)."""
    def value(p):
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                out = loss(p)
            except (NotFiniteError, FloatingPointError):    # the loss overflowed: not finite
                return np.nan
        try:
            return float(out)
        except (TypeError, ValueError):
            raise TypeError(f"loss must return a number, got {type(out).__name__}") from None

    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    worst, n_checked, n_below, noise_max = None, 0, 0, 0.0
    for name, p in params.items():
        flat = p.reshape(-1)               # a view: changing flat[j] changes params[name]
        if n_coords is None:
            take = flat.size if flat.size <= 100 else 10
        else:
            take = flat.size if n_coords == "all" else min(n_coords, flat.size)
        coords = np.arange(flat.size) if take == flat.size else rng.choice(flat.size, size=take,
                                                                          replace=False)
        for j in coords:
            old = flat[j]
            flat[j] = old + eps
            plus = value(params)
            flat[j] = old - eps
            minus = value(params)
            flat[j] = old
            index = f"{name}[{', '.join(map(str, np.unravel_index(j, p.shape)))}]"
            if not (np.isfinite(plus) and np.isfinite(minus)):
                raise ValueError(f"L(theta +- eps) at {index} is not a finite number: eps = {eps:g} is too "
                                 "large (use eps around 1e-3), or the loss is not finite there")
            a_j, numeric_j = analytic[name].reshape(-1)[j], (plus - minus) / (2 * eps)
            noise_j = ROUNDING * (abs(plus) + abs(minus)) / (2 * eps)
            noise_max = max(noise_max, noise_j)
            if np.isfinite(a_j):
                scale = max(abs(a_j), abs(numeric_j))
                rel = abs(a_j - numeric_j) / max(scale, noise_j / tol, np.finfo(float).tiny)
                n_below += scale < noise_j / tol
            else:
                rel = np.inf                # NaN or inf in the gradient: always wrong
            if worst is None or rel > worst[0]:
                worst = (rel, index, a_j, numeric_j)
            n_checked += 1
    if worst is None:
        raise ValueError("params must hold at least one coordinate to check")
    return GradientCheck(float(worst[0]), worst[1], float(worst[2]), float(worst[3]), n_checked, tol,
                         int(n_below), float(noise_max))


# ----------------------------------------------------------------------------- helpers

def _predict(X, Y, u, i, mu, bu, bi) -> np.ndarray:
    """``predict`` without the checks; i = None scores every item for each user in u."""
    if i is None:                                     # each user's row: (len(u), n)
        r_hat = mu + X[u] @ Y.T
        b_u = None if bu is None else bu[u][:, None]
        b_i = bi
    else:                                             # aligned (user, item) pairs
        r_hat = mu + np.einsum("jk,jk->j", X[u], Y[i])
        b_u = None if bu is None else bu[u]
        b_i = None if bi is None else bi[i]
    if b_u is not None:
        r_hat += b_u
    if b_i is not None:
        r_hat += b_i
    return r_hat


def _weights(ratings: Ratings, weighted: bool) -> tuple[np.ndarray, np.ndarray]:
    """(w_u, w_i): all ones, or the rating counts n_u and n_i (ALS-WR / SGD weighting)."""
    if weighted:
        return ratings.user_counts().astype(np.float64), ratings.item_counts().astype(np.float64)
    return np.ones(ratings.n_users), np.ones(ratings.n_items)


def check_model(X, Y, mu=0.0, bu=None, bi=None, prefix: str = "", finite: bool = True) -> tuple:
    """The parameters of the model r̂_ui = mu + b_u + b_i + x_u . y_i, checked: X (m, k) and
    Y (n, k) finite real matrices with the same k (k = 0 is allowed: a model of biases only),
    mu a finite real number, bu and bi None or finite vectors of lengths m and n. Returns them
    as float64 arrays and a float. ``prefix`` goes before each name in messages ("model.").
    ``finite=False``: types and shapes only (NaN and inf let through, e.g. to report that a
    trained model diverged)."""
    finite = check_bool(finite, "finite")
    X = check_matrix(X, prefix + "X", allow_no_columns=True, finite=finite)
    Y = check_matrix(Y, prefix + "Y", allow_no_columns=True, finite=finite)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"{prefix}X and {prefix}Y must have the same number of columns k, got shapes "
                         f"{X.shape} and {Y.shape}")
    mu = check_float(mu, prefix + "mu", allow_nan=not finite, allow_inf=not finite)
    if bu is not None:
        bu = check_vector(bu, prefix + "bu", length=X.shape[0], length_name=f"n_users = {X.shape[0]}",
                          finite=finite)
    if bi is not None:
        bi = check_vector(bi, prefix + "bi", length=Y.shape[0], length_name=f"n_items = {Y.shape[0]}",
                          finite=finite)
    return X, Y, mu, bu, bi


def _check_all(ratings, X, Y, lam, mu, bu, bi, weighted):
    ratings = check_ratings(ratings)
    X, Y, mu, bu, bi = check_model(X, Y, mu, bu, bi)
    if X.shape[0] != ratings.n_users or Y.shape[0] != ratings.n_items:
        raise ValueError(f"X and Y must have {ratings.n_users} and {ratings.n_items} rows (the "
                         f"shape of ratings), got shapes {X.shape} and {Y.shape}")
    lam = check_float(lam, "lam", low=0.0)
    return ratings, X, Y, lam, mu, bu, bi, check_bool(weighted, "weighted")


def _as_dict(grad, params: dict) -> dict[str, np.ndarray]:
    """Accept a gradient as a dict or a tuple in the order X, Y, bu, bi; check each shape."""
    if isinstance(grad, (tuple, list)):
        grad = dict(zip(params, grad))
    if not isinstance(grad, dict) or set(grad) != set(params):
        raise ValueError(f"grad must return the gradients of {list(params)} (a dict with those "
                         f"keys or a tuple in that order)")
    out = {}
    for name, p in params.items():
        value = np.asarray(grad[name]) if not isinstance(grad[name], (str, bytes)) else None
        if value is None or value.dtype == object or not (np.issubdtype(value.dtype, np.number)
                                                          or value.dtype == bool):
            raise TypeError(f"grad returned {type(grad[name]).__name__} for {name}; expected an "
                            f"array of numbers of shape {p.shape}")
        if np.iscomplexobj(value):
            raise TypeError(f"grad returned complex numbers for {name}; expected real numbers")
        g = value.astype(np.float64)
        if g.shape != p.shape:
            raise ValueError(f"grad returned shape {g.shape} for {name}, expected {p.shape}")
        out[name] = g
    return out
