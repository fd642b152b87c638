"""Advanced matrix factorisation (notebook 09): SVD++, the implicit information of what was chosen.

SVD++ (Koren 2008, "Factorization meets the neighborhood", section 4; Koren, Bell, Volinsky 2009,
"Additional input sources") adds to the biased model of notebooks 03-05 a second part of the user
vector, made from N(u), the items user u chose (rated, played, bought...) whatever the stars:

    r̂_ui = mu + b_u + b_i + y_i . (x_u + s_u),   s_u = |N(u)|^(-1/2) sum_{j in N(u)} z_j     (1)

In Koren's letters x_u, y_i, z_j are p_u, q_i, y_j (A1 lists the translation). Which films
someone chose says something about their taste before any star does, and for a user with few
ratings it is much of what is known. By default N(u) is the set of items u rated in ``train``;
``implicit`` can give another, larger set (e.g. what the user watched, rated or not).

The objective, in the weighted convention of notebook 05 (each parameter penalised once per
rating it serves; z_j once per user whose N(u) holds it):

    L = sum_{(u,i) in Omega} e_ui^2 + lam [sum_u n_u (b_u^2 + |x_u|^2) + sum_i n_i (b_i^2 + |y_i|^2)]
        + lam_z sum_j m_j |z_j|^2,      e_ui = r_ui - r̂_ui,   m_j = #{u : j in N(u)}            (2)

Why not plain per-rating SGD. Koren's SGD (and Surprise's SVDpp) moves every z_j of N(u) at every
rating of u: O(|N(u)| k) per rating, O(sum_u n_u |N(u)| k) per epoch, and a rating's steps reach
the sums s_v of every other user v who shares an item with u, so no two ratings can be updated
at once. It also decays z_j once per rating of every user who holds j (about 50,000 times an epoch
for a popular film), which is why mfedu penalises z_j by m_j instead (the count of users, as y_i's
n_i counts ratings). ``svdpp`` therefore splits the parameters in two and runs, each epoch:

    1. S <- implicit_sums(N, Z)                                   (every s_u, held fixed below)
    2. one SGD epoch of notebook 05 on b_u, b_i, x_u, y_i, in a fresh random order, with
       x_u + s_u in the prediction and in y_i's step (``mfedu.sgd.sgd_epoch(..., S=S)``):
       exactly -lr/2 times the gradient of each rating's term of (2) in those parameters;
    3. Z <- z_step(...): ``z_steps`` conjugate-gradient steps towards the minimiser of (2) in Z,
       everything else fixed. (2) is quadratic in Z (s_u is linear in it), so that minimiser solves
       one linear system; warm-started from the last epoch's Z, a few steps are enough.

Step 2 is the per-rating SGD of notebook 05, exact and vectorised; step 3 replaces the z_j's
per-rating steps by a least-squares step on the same objective. Cost per epoch:
O(|Omega| k^2 + z_steps (nnz(N) k + m k^2)) (the z-step rebuilds the G_u).

timeSVD++'s time-dependent biases (Koren 2009, "Collaborative filtering with temporal dynamics",
section 4.1; without its p_u(t) and c_u(t)) let the biases move with the calendar day t of a rating
(UTC: times // 86400, counted from the first training rating's day):

    r̂_uit = r̂_ui (eq. (1)) + b_{i,Bin(t)} + alpha_u dev_u(t) + b_{u,t}                         (4)

    Bin(t)   = the time bin of day t (n_bins bins of equal length spanning the training days);
               b_{i,Bin(t)}: how item i's bias differs in that bin (a film's popularity drifts)
    dev_u(t) = sign(t - t_u) |t - t_u|^beta, t_u the mean day of u's training ratings, beta = 0.4
               (Koren's); alpha_u: how fast u's generosity drifts
    b_{u,t}  = an offset for user u on (calendar, UTC) day t (a mood, or several people at one
               account), for the days on which u rated in training, 0 on any other day.

Its objective is (2) on the ratings minus the time terms, plus plain penalties
lam_bin sum b_{i,bin}^2 + lam_alpha sum alpha_u^2 + lam_day sum b_{u,t}^2 (plain: a bin or day
with few ratings is shrunk more). ``timesvdpp`` runs the epochs of ``svdpp`` on the ratings minus
the current time terms (the time terms are constants there), then minimises the objective
exactly over each group of time terms in turn (``time_step``): each group's terms are separate
one-variable least-squares problems, solved in closed form.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import _ridge
from ._validate import check_float, check_ids, check_int, check_matrix, check_rank, check_scale, check_vector
from .data import Ratings, check_ratings, check_test
from .loss import NotFiniteError, predict
from .metrics import record_iteration
from .result import FitResult, lam_convention
from .sgd import DIVERGENCE_FACTOR, DivergenceError, sgd_epoch

MODEL_INPUTS = "the ratings, X, Y, Z, mu, the biases (bu, bi)"   # what an overflow names

__all__ = ["SVDppResult", "implicit_matrix", "implicit_sums", "svdpp_loss", "svdpp_gradients", "z_step", "svdpp",
           "TimeSVDppResult", "TimeEffects", "time_effects", "time_step", "timesvdpp"]

DAY = 86_400                  # seconds
DEV_BETA = 0.4                # dev_u(t) = sign(t - t_u) |t - t_u|^0.4 (Koren 2009)
TIME_TERMS = ("bin", "drift", "day")   # b_{i,Bin(t)}, alpha_u dev_u(t), b_{u,t}


@dataclass(eq=False)
class SVDppResult(FitResult):
    """A fitted SVD++ model. ``X`` holds each user's whole vector x_u + s_u, so ``predict``,
    ``scores``, ``recommend`` and every metric of mfedu compute (1) unchanged (with N(u) as in
    training). ``X_own``: the x_u; ``Z``: the z_j (n x k); ``N``: the m x n 0/1 CSR matrix of N(u)."""

    X_own: np.ndarray | None = None
    Z: np.ndarray | None = None
    N: sp.csr_matrix | None = None


def implicit_matrix(ratings: Ratings) -> sp.csr_matrix:
    """N as an m x n 0/1 CSR matrix: row u marks the items in N(u), the (user, item) pairs of
    ``ratings`` (their values are ignored)."""
    ratings = check_ratings(ratings, "ratings")
    N = sp.csr_matrix((np.ones(len(ratings)), (ratings.users, ratings.items)), shape=ratings.shape)
    return N


def implicit_sums(N, Z) -> np.ndarray:
    """s_u = |N(u)|^(-1/2) sum_{j in N(u)} z_j for every user, an (m, k) array (s_u = 0 if N(u)
    is empty)."""
    N, Z = _check_N(N), check_matrix(Z, "Z")
    if N.shape[1] != Z.shape[0]:
        raise ValueError(f"Z must have one row per column of N ({N.shape[1]}), got shape {Z.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        S = _sums(N, Z)
    if not np.all(np.isfinite(S)):
        raise NotFiniteError("the implicit sums overflowed to inf: Z is too large for float64 arithmetic")
    return S


def svdpp_loss(train: Ratings, N, X, Y, Z, mu: float, bu, bi, lam: float, lam_z: float) -> float:
    """L of eq. (2) in the module docstring (X: the x_u alone, not x_u + s_u)."""
    train, N, X, Y, Z, mu, bu, bi = _check_model(train, N, X, Y, Z, mu, bu, bi)
    lam, lam_z = check_float(lam, "lam", low=0.0), check_float(lam_z, "lam_z", low=0.0)
    loss = _loss(train, N, X, Y, Z, mu, bu, bi, lam, lam_z)
    if not np.isfinite(loss):
        raise NotFiniteError(f"the loss overflowed to inf or NaN: {MODEL_INPUTS}, lam or lam_z are too "
                             "large for float64 arithmetic")
    return loss


def svdpp_gradients(train: Ratings, N, X, Y, Z, mu: float, bu, bi, lam: float, lam_z: float) -> dict:
    """The gradient of L, eq. (2), in matrix form (X: the x_u alone), as a dict X, Y, Z, bu, bi.

    With e_ui = r_ui - r̂_ui, d_u = |N(u)|^(-1/2), E the sparse m x n matrix of the e_ui and S
    the m x k matrix whose rows are the implicit sums s_u:
        dL/dx_u = -2 sum_i e_ui y_i + 2 lam n_u x_u        (rows: -2 E Y + 2 lam diag(n_u) X)
        dL/dy_i = -2 sum_u e_ui (x_u + s_u) + 2 lam n_i y_i   (-2 E^T (X + S) + 2 lam diag(n_i) Y)
        dL/dz_j = -2 sum_{u : j in N(u)} d_u sum_i e_ui y_i + 2 lam_z m_j z_j
                                                           (-2 N^T diag(d) E Y + 2 lam_z diag(m_j) Z)
        dL/db_u = -2 sum_i e_ui + 2 lam n_u b_u,   dL/db_i = -2 sum_u e_ui + 2 lam n_i b_i
    z_j's gradient is x_u's, passed back through s_u to every item of N(u): the chain rule.
    """
    train, N, X, Y, Z, mu, bu, bi = _check_model(train, N, X, Y, Z, mu, bu, bi)
    lam, lam_z = check_float(lam, "lam", low=0.0), check_float(lam_z, "lam_z", low=0.0)
    d = _norms(N)
    S = (N @ Z) * d[:, None]
    u, i = train.users, train.items
    with np.errstate(over="ignore", invalid="ignore"):
        e = train.values - (mu + bu[u] + bi[i] + np.einsum("jk,jk->j", X[u] + S[u], Y[i]))
        E = sp.csr_matrix((e, (u, i)), shape=train.shape)
        EY = E @ Y
        n_u, n_i = train.user_counts(), train.item_counts()
        m_j = _holders(N)
        grads = {"X": -2 * EY + 2 * lam * n_u[:, None] * X,
                 "Y": -2 * (E.T @ (X + S)) + 2 * lam * n_i[:, None] * Y,
                 "Z": -2 * (N.T @ (EY * d[:, None])) + 2 * lam_z * m_j[:, None] * Z,
                 "bu": -2 * np.asarray(E.sum(1)).ravel() + 2 * lam * n_u * bu,
                 "bi": -2 * np.asarray(E.sum(0)).ravel() + 2 * lam * n_i * bi}
    if not all(np.all(np.isfinite(g)) for g in grads.values()):
        raise NotFiniteError(f"the gradient overflowed to inf or NaN: {MODEL_INPUTS}, lam or lam_z are too "
                             "large for float64 arithmetic")
    return grads


def z_step(train: Ratings, N, X, Y, Z, mu: float, bu, bi, lam_z: float, n_steps: int = 5) -> np.ndarray:
    """Conjugate-gradient steps, from Z, towards the Z that minimises (2) with all else fixed.

    With t_ui = r_ui - mu - b_u - b_i - x_u . y_i (the error without the implicit term), (2) in Z is
        sum_u sum_{i in R(u)} (t_ui - y_i . s_u)^2 + lam_z sum_j m_j |z_j|^2,
    and setting its gradient in z_j to zero gives, with d_u = |N(u)|^(-1/2),
        sum_{u : j in N(u)} d_u G_u s_u + lam_z m_j z_j = sum_{u : j in N(u)} d_u B_u      (3)
        G_u = sum_{i in R(u)} y_i y_i^T,   B_u = sum_{i in R(u)} t_ui y_i.
    The left side is linear in Z, symmetric and positive semi-definite: CG solves it without
    forming the (n k) x (n k) matrix. Items in no N(u) get z_j = 0 (their gradient is 0).
    Returns the new Z (the input is not changed). n_steps = 0 returns a copy of Z.
    """
    train, N, X, Y, Z, mu, bu, bi = _check_model(train, N, X, Y, Z, mu, bu, bi)
    lam_z = check_float(lam_z, "lam_z", low=0.0)
    n_steps = check_int(n_steps, "n_steps", low=0)
    with np.errstate(over="ignore", invalid="ignore"):
        Z = _z_step(train, N, X, Y, Z, mu, bu, bi, lam_z, n_steps)
    if not np.all(np.isfinite(Z)):
        raise NotFiniteError(f"the z-step overflowed to inf or NaN: {MODEL_INPUTS} or lam_z are too "
                             "large for float64 arithmetic")
    return Z


class _ZSystem:
    """What eq. (3) needs that does not change during a fit: d_u, m_j, N^T, train's CSR form
    (its rows are users) with its row blocks, and where each rating sits in that CSR."""

    def __init__(self, train, N):
        self.d = _norms(N)
        self.m_j = _holders(N).astype(np.float64)
        self.NT = N.T.tocsr()
        self.position = np.lexsort((train.items, train.users))   # rating index of each CSR slot
        indptr = np.concatenate([[0], np.cumsum(train.user_counts())])
        self.R = sp.csr_matrix((train.values[self.position], train.items[self.position], indptr),
                               shape=train.shape)
        self.blocks = _ridge.row_blocks(self.R)


def _z_step(train, N, X, Y, Z, mu, bu, bi, lam_z, n_steps, system=None):
    """z_step without the checks (``system``: a _ZSystem of train and N, built if None)."""
    sys_ = _ZSystem(train, N) if system is None else system
    d, m_j, NT, R = sys_.d, sys_.m_j, sys_.NT, sys_.R
    u, i = train.users, train.items
    t = train.values - mu - bu[u] - bi[i] - np.einsum("jk,jk->j", X[u], Y[i])
    B = sp.csr_matrix((t[sys_.position], R.indices, R.indptr), shape=R.shape) @ Y   # B_u = sum_i t_ui y_i
    G = _ridge.grams(R, Y, sys_.blocks)                           # G_u = sum_i y_i y_i^T, (m, k, k)

    def A(V):                                                     # left side of (3)
        s = (N @ V) * d[:, None]
        return NT @ (np.einsum("ukl,ul->uk", G, s) * d[:, None]) + lam_z * m_j[:, None] * V

    Z = Z.copy()
    Z[m_j == 0] = 0.0
    resid = NT @ (B * d[:, None]) - A(Z)
    direction, rr = resid.copy(), float(np.sum(resid * resid))
    for _ in range(n_steps):
        Ad = A(direction)
        dAd = float(np.sum(direction * Ad))
        if rr == 0.0 or dAd <= 0.0:                               # solved, or no curvature left
            break
        step = rr / dAd
        Z += step * direction
        resid -= step * Ad
        rr_new = float(np.sum(resid * resid))
        direction = resid + (rr_new / rr) * direction
        rr = rr_new
    return Z


def svdpp(train: Ratings, rank: int = 8, lam: float = 0.15, lam_z: float = 1.0, lr: float = 0.015,
          n_epochs: int = 10, seed: int = 0, test: Ratings | None = None,
          implicit: Ratings | None = None, z_steps: int = 5, init_std: float = 0.1) -> SVDppResult:
    """Fit SVD++, eq. (1), by the epochs of the module docstring (SGD on b, x, y; CG on Z).

    Parameters
    ----------
    train : the observed ratings Omega.     rank : k.
    lam : lambda of b_u, b_i, x_u, y_i (weighted, as ``mfedu.sgd.sgd``).
    lam_z : lambda of the z_j (each weighted by m_j, the number of users whose N(u) holds j).
    lr, n_epochs : the SGD step and the number of epochs.
    seed : x_u, y_i ~ N(0, init_std^2) from default_rng(seed), X first; z_j = b = 0; the orders.
    test : optional held-out ratings for ``history["test_rmse"]``.
    implicit : optional Ratings of the model's shape whose (user, item) pairs are N(u); default
        the pairs of ``train``.
    z_steps : CG steps of ``z_step`` per epoch.

    The defaults are the best of a validation search on the timed synthetic set
    (``benchmarks/tune_svdpp.py``: 36 settings, the test ratings unseen); its near neighbours are
    within noise of them. ``benchmarks/advanced.py`` prints their test RMSE beside Surprise's.

    Returns an SVDppResult; its history ``loss`` is ``svdpp_loss`` after each epoch, ``seconds``
    the cumulative time of the updates. Raises DivergenceError if the loss exceeds
    DIVERGENCE_FACTOR times its initial value or stops being finite (lr too large).
    """
    run = _Setup("svdpp", train, test, rank, lam, lam_z, lr, n_epochs, seed, implicit, z_steps, init_std)
    model = SVDppResult(run.X_own.copy(), run.Y, run.mu, run.bu, run.bi, X_own=run.X_own, Z=run.Z,
                        N=run.N, params=run.params)
    return _fit(run, model)


def timesvdpp(train: Ratings, rank: int = 8, lam: float = 0.15, lam_z: float = 1.0, lr: float = 0.015,
              n_epochs: int = 12, n_bins: int = 6, lam_bin: float = 25.0, lam_alpha: float = 500.0,
              lam_day: float = 10.0, time_terms=TIME_TERMS, seed: int = 0, test: Ratings | None = None,
              implicit: Ratings | None = None, z_steps: int = 5, init_std: float = 0.1) -> TimeSVDppResult:
    """Fit timeSVD++, eq. (4): ``svdpp``'s epochs on the ratings minus the time terms, each
    followed by ``time_step`` (the exact minimiser over each group of time terms in turn).

    train and test must have ``times``. n_bins: the number of item-bias time bins (Koren 2009
    used 30 over his data's 2,243 days; on the timed synthetic set's 900 days validation prefers
    6, of 150 days each). lam_bin, lam_alpha, lam_day: the PLAIN penalties of the
    b_{i,bin}, alpha_u and b_{u,t} (module docstring). time_terms: which of the three groups are
    fitted, a subset of TIME_TERMS = ("bin", "drift", "day"); the others stay 0 (to see what
    each adds). The other arguments are ``svdpp``'s. The time settings and n_epochs are the best
    of ``benchmarks/tune_svdpp.py --time`` (54 settings on a validation split; the next three are
    within 0.0007 of it); the rest are svdpp's defaults.
    Returns a TimeSVDppResult: its ``predict`` and every metric need the ratings' times.
    """
    run = _Setup("timesvdpp", train, test, rank, lam, lam_z, lr, n_epochs, seed, implicit, z_steps,
                 init_std, times_needed=True)
    n_bins = check_int(n_bins, "n_bins", low=1)
    lams = tuple(check_float(v, name, low=0.0) for v, name in
                 ((lam_bin, "lam_bin"), (lam_alpha, "lam_alpha"), (lam_day, "lam_day")))
    terms = _check_terms(time_terms)
    run.params.update(n_bins=n_bins, lam_bin=lams[0], lam_alpha=lams[1], lam_day=lams[2],
                      lam_time_convention="plain", time_terms=terms)
    effects = time_effects(run.train, n_bins)
    model = TimeSVDppResult(run.X_own.copy(), run.Y, run.mu, run.bu, run.bi, X_own=run.X_own, Z=run.Z,
                            N=run.N, params=run.params, effects=effects)
    return _fit(run, model, lams + (terms,))


def _check_terms(time_terms) -> tuple[str, ...]:
    if isinstance(time_terms, str) or not isinstance(time_terms, (tuple, list, set, frozenset)):
        raise TypeError(f"time_terms must be a tuple of names from {TIME_TERMS}, got {time_terms!r}")
    unknown = [t for t in time_terms if t not in TIME_TERMS]
    if unknown:
        raise ValueError(f"time_terms must be a subset of {TIME_TERMS}, got {tuple(time_terms)!r}")
    return tuple(t for t in TIME_TERMS if t in time_terms)


class _Setup:
    """The checked arguments and the starting parameters shared by svdpp and timesvdpp."""

    def __init__(self, method, train, test, rank, lam, lam_z, lr, n_epochs, seed, implicit, z_steps,
                 init_std, times_needed=False):
        self.train = train = check_ratings(train, "train")
        check_scale(train.values, "train")
        self.test = check_test(test, train)
        if times_needed:
            for name, r in (("train", train), ("test", self.test)):
                if r is not None and r.times is None:
                    raise ValueError(f"{name} must have times (Ratings(..., times=...)): timeSVD++'s "
                                     "terms depend on the day of each rating")
        rank = check_rank(rank, min(train.shape), "min(n_users, n_items)")
        self.lam, self.lam_z = check_float(lam, "lam", low=0.0), check_float(lam_z, "lam_z", low=0.0)
        self.lr = check_float(lr, "lr", low=0.0, low_open=True)
        self.n_epochs = check_int(n_epochs, "n_epochs", low=1)
        self.z_steps = check_int(z_steps, "z_steps", low=0)
        init_std = check_float(init_std, "init_std", low=0.0, low_open=True)
        self.rng = np.random.default_rng(check_int(seed, "seed", low=0))
        if implicit is None:
            self.N = implicit_matrix(train)
        else:
            implicit = check_ratings(implicit, "implicit")
            if implicit.shape != train.shape:
                raise ValueError(f"implicit must have the shape of train {train.shape}, got {implicit.shape}")
            self.N = implicit_matrix(implicit)
        m, n = train.shape
        self.X_own = self.rng.normal(0.0, init_std, size=(m, rank))
        self.Y = self.rng.normal(0.0, init_std, size=(n, rank))
        self.Z = np.zeros((n, rank))
        self.mu, self.bu, self.bi = float(train.values.mean()), np.zeros(m), np.zeros(n)
        self.params = {"method": method, "rank": rank, "lam": self.lam, "lam_z": self.lam_z, "lr": self.lr,
                       "n_epochs": self.n_epochs, "seed": seed, "z_steps": self.z_steps, "init_std": init_std,
                       "implicit": "train" if implicit is None else "given",
                       "lam_convention": lam_convention(True) + ", lam_z * m_j"}


def _fit(run, model, time_lams=None):
    """The epochs of the module docstring; with ``time_lams`` (timeSVD++) each epoch runs on the
    ratings minus the time terms and ends with a time_step."""
    train, N, mu, bu, bi, lam, lam_z, lr = run.train, run.N, run.mu, run.bu, run.bi, run.lam, run.lam_z, run.lr
    X_own, Y, Z = run.X_own, run.Y, run.Z
    effects = getattr(model, "effects", None)

    def total_loss(Z):
        if effects is None:
            return _loss(train, N, X_own, Y, Z, mu, bu, bi, lam, lam_z)
        return (_loss(_minus_time(train, effects), N, X_own, Y, Z, mu, bu, bi, lam, lam_z)
                + effects._penalty(*time_lams[:3]))

    loss0 = total_loss(Z)
    model.params["initial_loss"] = loss0
    system = _ZSystem(train, N)
    too_large = f"the learning rate lr = {lr:g} is too large for this problem; try a smaller one, e.g. lr = {lr / 10:g}"
    seconds = 0.0
    for epoch in range(1, run.n_epochs + 1):
        start = time.perf_counter()
        S = _sums(N, Z)
        static = train if effects is None else _minus_time(train, effects)
        cause = None
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                sgd_epoch(static, X_own, Y, lr, lam, mu, bu, bi, run.rng.permutation(len(train)), S=S)
            except NotFiniteError:
                cause = too_large
            if cause is None:
                Z_new = _z_step(static, N, X_own, Y, Z, mu, bu, bi, lam_z, run.z_steps, system)
                if not np.all(np.isfinite(Z_new)):          # SGD's part already too large, or lam_z?
                    after_sgd = _loss(static, N, X_own, Y, Z, mu, bu, bi, lam, lam_z)
                    cause = (f"the z-step overflowed: lam_z = {lam_z:g} is too large for float64 "
                             "arithmetic" if np.isfinite(after_sgd) and after_sgd <= DIVERGENCE_FACTOR * loss0
                             else too_large)
                Z = Z_new
            if cause is None and effects is not None:
                residual = train.values - predict(X_own + _sums(N, Z), Y, train.users, train.items, mu, bu, bi)
                effects = _time_step(effects, train, residual, *time_lams)
                model.effects = effects
        seconds += time.perf_counter() - start
        finite = all(np.all(np.isfinite(a)) for a in (X_own, Y, Z, bu, bi))
        model.Z = Z
        loss = total_loss(Z) if finite else np.nan
        model.X = X_own + _sums(N, Z) if finite else np.full_like(X_own, np.nan)
        record_iteration(model, loss, seconds, train, run.test)
        if cause is not None or not (np.isfinite(loss) and loss <= DIVERGENCE_FACTOR * loss0):
            raise DivergenceError(f"{model.params['method']} diverged at epoch {epoch}: the loss is {loss:.4g} "
                                  f"(initially {loss0:.4g}); {cause or too_large}",
                                  {k: list(v) for k, v in model.history.items()}, epoch, lr, loss0)
    return model


# ----------------------------------------------------------------------------- time effects

@dataclass(eq=False)
class TimeEffects:
    """The time terms of eq. (4) and what evaluating them at any time needs.

    start: the time (seconds) of day 0: midnight (UTC) of the first training rating's calendar day,
    so days are calendar days and ratings given on one day share it; bin_days: the length
    of a bin in days (Bin(t) = t // bin_days, clipped to the bins that exist); item_bins (n, n_bins):
    b_{i,bin}; user_mean_day (m,): t_u; alpha (m,): alpha_u; day_users, day_days, day_bias: one
    entry per (user, day) with training ratings, sorted by (user, day): b_{u,t}."""

    start: int
    bin_days: int
    item_bins: np.ndarray
    user_mean_day: np.ndarray
    alpha: np.ndarray
    day_users: np.ndarray
    day_days: np.ndarray
    day_bias: np.ndarray

    def days(self, times) -> np.ndarray:
        """The day t of each time: whole days since ``start`` (negative before it), as int64."""
        times = check_vector(times, "times", dtype=np.int64)
        return (times - self.start) // DAY

    def parts(self, users, items, times) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """b_{i,Bin(t)}, alpha_u dev_u(t) and b_{u,t} for aligned users, items and times."""
        u = check_ids(users, "users", len(self.alpha), "n_users")
        i = check_ids(items, "items", self.item_bins.shape[0], "n_items")
        t = self.days(times)
        if not len(u) == len(i) == len(t):
            raise ValueError(f"users, items and times must have equal lengths, got {len(u)}, {len(i)} and {len(t)}")
        return self._bin_part(i, t), self.alpha[u] * self._dev(u, t), self._day_part(u, t)

    def terms(self, users, items, times) -> np.ndarray:
        """The sum of the three time terms of eq. (4)."""
        a, b, c = self.parts(users, items, times)
        return a + b + c

    def _bins(self, days) -> np.ndarray:
        """Bin(t): the bin of each day, clipped to the bins that exist."""
        return np.clip(np.asarray(days) // self.bin_days, 0, self.item_bins.shape[1] - 1)

    def _bin_part(self, items, days) -> np.ndarray:
        return self.item_bins[items, self._bins(days)]

    def _dev(self, users, days) -> np.ndarray:
        """dev_u(t) = sign(t - t_u) |t - t_u|^beta, beta = DEV_BETA."""
        gap = np.asarray(days, dtype=np.float64) - self.user_mean_day[users]
        return np.sign(gap) * np.abs(gap) ** DEV_BETA

    def _day_part(self, users, days) -> np.ndarray:
        """b_{u,t}: the fitted offset where u rated on day t in training, else 0."""
        key, wanted = self._keys(self.day_users, self.day_days), self._keys(users, days)
        if len(key) == 0:
            return np.zeros(len(wanted))
        at = np.minimum(np.searchsorted(key, wanted), len(key) - 1)
        return np.where(key[at] == wanted, self.day_bias[at], 0.0)

    def _penalty(self, lam_bin, lam_alpha, lam_day) -> float:
        return float(lam_bin * np.sum(self.item_bins ** 2) + lam_alpha * np.sum(self.alpha ** 2)
                     + lam_day * np.sum(self.day_bias ** 2))

    @staticmethod
    def _keys(users, days) -> np.ndarray:
        return np.asarray(users, dtype=np.int64) * (1 << 32) + (np.asarray(days, dtype=np.int64) + (1 << 31))


def time_effects(train: Ratings, n_bins: int = 30) -> TimeEffects:
    """All time terms at 0, laid out for ``train`` (which must have times): days are calendar days
    (UTC, whole multiples of 86,400 s since 1970), day 0 the one of its first rating; ``n_bins``
    bins of equal length cover its days, t_u is the mean day of u's
    ratings, and there is one b_{u,t} per (user, day) that has ratings."""
    train = check_ratings(train, "train")
    if train.times is None:
        raise ValueError("train must have times (Ratings(..., times=...))")
    start = int(train.times.min()) // DAY * DAY            # midnight of the first rating's day
    day = (train.times - start) // DAY
    n_days = int(day.max()) + 1
    n_bins = check_int(n_bins, "n_bins", low=1, high=n_days,
                       high_text=f"the number of days train spans, {n_days} (a bin needs at least a day)")
    bin_days = -(-n_days // n_bins)                        # ceil: n_bins bins cover every day
    counts = train.user_counts()
    mean_day = np.bincount(train.users, weights=day.astype(np.float64), minlength=train.n_users) / np.maximum(counts, 1)
    pairs = np.unique(TimeEffects._keys(train.users, day))
    day_users, day_days = pairs >> 32, (pairs & ((1 << 32) - 1)) - (1 << 31)
    return TimeEffects(start, bin_days, np.zeros((train.n_items, n_bins)), mean_day, np.zeros(train.n_users),
                       day_users, day_days, np.zeros(len(pairs)))


def time_step(effects: TimeEffects, train: Ratings, residual, lam_bin: float, lam_alpha: float,
              lam_day: float, time_terms=TIME_TERMS) -> TimeEffects:
    """Set each group of time terms to its exact minimiser, in turn, the others fixed.

    ``residual``: r_ui minus the static prediction (eq. (1)) for each rating of ``train``. With
    rho_ui = residual minus the OTHER two groups' terms, the plain-penalised least squares of a
    group splits into one-variable problems with closed forms:
        b_{i,bin} = sum rho / (count + lam_bin)             over i's ratings in that bin
        alpha_u   = sum rho dev / (sum dev^2 + lam_alpha)   over u's ratings
        b_{u,t}   = sum rho / (count + lam_day)             over u's ratings on day t
    (bins first, then alpha, then the days); groups not in ``time_terms`` keep their values.
    Returns new TimeEffects; the input is not changed.
    """
    if not isinstance(effects, TimeEffects):
        raise TypeError(f"effects must be a TimeEffects (time_effects(train)), got {type(effects).__name__}")
    train = check_ratings(train, "train")
    if train.times is None:
        raise ValueError("train must have times (Ratings(..., times=...))")
    residual = check_vector(residual, "residual", length=len(train), length_name=f"len(train) = {len(train)}")
    check_scale(residual, "residual")
    lams = [check_float(v, name, low=0.0) for v, name in
            ((lam_bin, "lam_bin"), (lam_alpha, "lam_alpha"), (lam_day, "lam_day"))]
    if effects.item_bins.shape[0] != train.n_items or len(effects.alpha) != train.n_users:
        raise ValueError(f"effects must be laid out for train's shape {train.shape}")
    keys = TimeEffects._keys(effects.day_users, effects.day_days)
    wanted = TimeEffects._keys(train.users, effects.days(train.times))
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    if len(keys) == 0 or np.any(keys[at] != wanted):
        raise ValueError("effects must be laid out for train (time_effects(train)): train has (user, day) "
                         "pairs with no b_{u,t} in effects")
    return _time_step(effects, train, residual, *lams, _check_terms(time_terms))


def _time_step(effects, train, residual, lam_bin, lam_alpha, lam_day, terms=TIME_TERMS):
    u, i = train.users, train.items
    t = effects.days(train.times)
    n_bins = effects.item_bins.shape[1]
    e = TimeEffects(effects.start, effects.bin_days, effects.item_bins.copy(), effects.user_mean_day,
                    effects.alpha.copy(), effects.day_users, effects.day_days, effects.day_bias.copy())
    bin_part, alpha_part, day_part = e._bin_part(i, t), e.alpha[u] * e._dev(u, t), e._day_part(u, t)
    if "bin" in terms:
        g = i * n_bins + e._bins(t)
        rho = residual - alpha_part - day_part
        size = train.n_items * n_bins
        e.item_bins = _shrunk_means(g, rho, size, lam_bin).reshape(-1, n_bins)
        bin_part = e._bin_part(i, t)
    if "drift" in terms:
        dev = e._dev(u, t)
        rho = residual - bin_part - day_part
        m = train.n_users
        e.alpha = np.bincount(u, rho * dev, m) / np.maximum(np.bincount(u, dev * dev, m) + lam_alpha, 1e-300)
        alpha_part = e.alpha[u] * dev
    if "day" in terms:
        at = np.searchsorted(TimeEffects._keys(e.day_users, e.day_days), TimeEffects._keys(u, t))
        rho = residual - bin_part - alpha_part
        d = len(e.day_bias)
        e.day_bias = _shrunk_means(at, rho, d, lam_day)
    return e


def _shrunk_means(groups, values, size, lam):
    """sum of ``values`` in each group / (its count + lam); 0 for an empty group."""
    total, count = np.bincount(groups, values, size), np.bincount(groups, minlength=size) + lam
    return np.divide(total, count, out=np.zeros(size), where=count > 0)


@dataclass(eq=False)
class TimeSVDppResult(SVDppResult):
    """A fitted timeSVD++ model: an SVDppResult (the static part, eq. (1)) and its ``effects``
    (a TimeEffects). Predictions need times: ``predict(users, items, times)``,
    ``scores(user, time)``, ``recommend(user, k, exclude, time)``; every metric of mfedu passes
    the times of the ratings it scores (``predict_ratings``)."""

    effects: TimeEffects | None = None

    def predict(self, users, items, times=None) -> np.ndarray:
        """r̂_uit of eq. (4) for aligned users, items and times (whole seconds)."""
        if times is None:
            raise ValueError("times must be given: a timeSVD++ prediction depends on the time of the rating")
        static = super().predict(users, items)
        return static + self.effects.terms(users, items, times)

    def predict_ratings(self, ratings: Ratings) -> np.ndarray:
        ratings = check_ratings(ratings, "ratings")
        if ratings.times is None:
            raise ValueError("ratings must have times: a timeSVD++ prediction depends on them")
        return self.predict(ratings.users, ratings.items, ratings.times)

    def scores(self, user: int, time=None) -> np.ndarray:
        """r̂_uit for one user, every item, at one ``time`` (whole seconds)."""
        if time is None:
            raise ValueError("time must be given: a timeSVD++ score depends on the time")
        static = super().scores(user)
        items = np.arange(self.n_items)
        time = check_int(time, "time", low=-(2 ** 62), high=2 ** 62)
        return static + self.effects.terms(np.full(self.n_items, user), items, np.full(self.n_items, time))

    def recommend(self, user: int, k: int = 10, exclude: Ratings | None = None, time=None) -> np.ndarray:
        """As FitResult.recommend, ranked by the scores at ``time``."""
        if time is None:
            raise ValueError("time must be given: a timeSVD++ ranking depends on the time")
        return self.rank_items(user, self.scores(user, time), k, exclude)


# ----------------------------------------------------------------------------- helpers

def _norms(N) -> np.ndarray:
    """d_u = |N(u)|^(-1/2), and 0 for an empty N(u) (its sum is 0 anyway)."""
    size = np.diff(N.indptr).astype(np.float64)
    return np.divide(1.0, np.sqrt(size), out=np.zeros_like(size), where=size > 0)


def _loss(train, N, X, Y, Z, mu, bu, bi, lam, lam_z) -> float:
    u, i = train.users, train.items
    with np.errstate(over="ignore", invalid="ignore"):      # a diverging run reports inf, not an error
        S = _sums(N, Z)
        e = train.values - (mu + bu[u] + bi[i] + np.einsum("jk,jk->j", X[u] + S[u], Y[i]))   # eq. (1)
        n_u, n_i = train.user_counts(), train.item_counts()
        return float(e @ e + lam * (n_u @ (bu ** 2 + (X ** 2).sum(1)) + n_i @ (bi ** 2 + (Y ** 2).sum(1)))
                     + lam_z * (_holders(N) @ (Z ** 2).sum(1)))


def _sums(N, Z) -> np.ndarray:
    """s_u for every user (implicit_sums without the checks)."""
    return (N @ Z) * _norms(N)[:, None]


def _holders(N) -> np.ndarray:
    """m_j = #{u : j in N(u)}, the number of users whose N(u) holds item j."""
    return np.diff(sp.csc_matrix(N).indptr)


def _minus_time(train, effects) -> Ratings:
    """``train`` with every rating minus its time terms: the static part SVD++'s epoch fits."""
    return Ratings(train.users, train.items, train.values - effects.terms(train.users, train.items, train.times),
                   *train.shape)


def _check_N(N) -> sp.csr_matrix:
    if not sp.issparse(N):
        raise TypeError(f"N must be a scipy.sparse matrix (implicit_matrix(...)), got {type(N).__name__}")
    N = sp.csr_matrix(N, dtype=np.float64)
    if N.ndim != 2 or (N.nnz and not np.all(N.data == 1.0)):
        raise ValueError("N must be a 2-D 0/1 matrix (implicit_matrix(...)): its entries must be 1")
    return N


def _check_model(train, N, X, Y, Z, mu, bu, bi):
    train = check_ratings(train, "train")
    check_scale(train.values, "train")
    N = _check_N(N)
    m, n = train.shape
    if N.shape != (m, n):
        raise ValueError(f"N must have the shape of train {(m, n)}, got {N.shape}")
    X, Y, Z = check_matrix(X, "X"), check_matrix(Y, "Y"), check_matrix(Z, "Z")
    k = X.shape[1]
    for name, A, rows, rows_name in (("X", X, m, "n_users"), ("Y", Y, n, "n_items"), ("Z", Z, n, "n_items")):
        if A.shape != (rows, k):
            raise ValueError(f"{name} must have shape ({rows_name} = {rows}, k = {k}), got {A.shape}")
    mu = check_float(mu, "mu")
    bu = check_vector(bu, "bu", length=m, length_name=f"n_users = {m}")
    bi = check_vector(bi, "bi", length=n, length_name=f"n_items = {n}")
    return train, N, X, Y, Z, mu, bu, bi
