"""Recommendation by truncated SVD of an imputed rating matrix (notebook 02).

The SVD needs every cell of R, but most cells are missing. The classic fix is to fill them in,
then keep the top k singular triplets (after Sarwar et al., 2000, who fill with item means and
then subtract each user's mean; here filling and centring use the same baseline):

    1. baseline  b_ui = mu + b_u + b_i   from a simple rule (``impute``):
         "zero"    b_ui = 0                 (missing = 0 stars: what not to do)
         "global"  b_ui = mu                (the mean of all training ratings)
         "user"    b_ui = mean of u's ratings   (mu if u has none)
         "item"    b_ui = mean of i's ratings   (mu if i has none)
    2. filled    F_ui = r_ui if (u, i) in Omega, else b_ui
    3. residual  E = F - B,  which is r_ui - b_ui on Omega and exactly 0 elsewhere (sparse!)
    4. truncate  E ≈ U_k Sigma_k V_k^T   and predict  r̂_ui = b_ui + (U_k Sigma_k V_k^T)_ui

Centring by the baseline lets the k factors describe taste instead of the average level.
F itself is never formed: F = E + B with B (b_ui = mu + b_u + b_i) of rank <= 2. Any other mean
fill (Sarwar's item means minus user means) is likewise sparse + rank <= 2 and could be handed to
ARPACK as a LinearOperator at O(|Omega| + m + n) per product (Mazumder, Hastie, Tibshirani 2010;
appendix A3, section 5).
In the shared result type: X = U_k Sigma_k (user vectors), Y = V_k (item vectors).
"""
from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from ._validate import check_choice, check_int, check_rank, check_scale
from .data import Ratings, check_dense_size, check_ratings, check_test
from .linalg import truncated_svd
from .loss import predict
from .metrics import record_iteration, rmse
from .result import FitResult, check_fit_result

IMPUTATIONS = ("zero", "global", "user", "item")


def baseline(train: Ratings, impute: str = "user") -> tuple[float, np.ndarray, np.ndarray]:
    """The baseline of an imputation rule as (mu, bu, bi), so that b_ui = mu + bu[u] + bi[i].

    Checks: train a non-empty Ratings whose values are at most MAX_RATING (1e100) in size (their
    mean and squares must fit in float64); impute one of IMPUTATIONS."""
    train = check_ratings(train, "train")
    check_scale(train.values, "train")
    impute = check_choice(impute, "impute", IMPUTATIONS)
    bu, bi = np.zeros(train.n_users), np.zeros(train.n_items)
    if impute == "zero":
        return 0.0, bu, bi
    mu = float(train.values.mean())
    if impute == "user":
        bu = _mean_by(train.users, train.values, train.n_users, fallback=mu) - mu
    elif impute == "item":
        bi = _mean_by(train.items, train.values, train.n_items, fallback=mu) - mu
    return mu, bu, bi


def _mean_by(ids, values, size, fallback):
    counts = np.bincount(ids, minlength=size)
    sums = np.bincount(ids, weights=values, minlength=size)
    return np.where(counts > 0, sums / np.maximum(counts, 1), fallback)


def impute(train: Ratings, impute: str = "user") -> np.ndarray:
    """The filled m x n matrix F: observed ratings, and the baseline b_ui in every missing cell.
    Checks: as ``baseline``; F must fit in MAX_DENSE_BYTES (2 GB)."""
    mu, bu, bi = baseline(train, impute)
    check_dense_size(train, "impute(train)", "svd_recommender or rmse_by_rank (they keep the residual sparse)")
    F = _baseline_at(mu, bu, bi, np.arange(train.n_users))       # b_ui in every cell
    F[train.users, train.items] = train.values
    return F


def _baseline_at(mu, bu, bi, users, items=None):
    """b_ui = mu + b_u + b_i: ``mfedu.loss.predict`` for a model without factors (rank 0);
    items None: every item for each user."""
    return predict(np.zeros((len(bu), 0)), np.zeros((len(bi), 0)), users, items, mu, bu, bi)


def _residual(train, mu, bu, bi):
    r = train.values - _baseline_at(mu, bu, bi, train.users, train.items)
    return sp.csr_matrix((r, (train.users, train.items)), shape=train.shape)


def svd_recommender(train: Ratings, rank: int = 10, impute: str = "user",
                    test: Ratings | None = None) -> FitResult:
    """Fit the imputed truncated-SVD recommender described in the module docstring.

    Parameters
    ----------
    train : the observed ratings Omega.
    rank : k, 1 <= k < min(m, n).
    impute : "zero", "global", "user" or "item" (the baseline that fills missing cells).
    test : optional held-out ratings, scored into ``history["test_rmse"]``.

    Returns a FitResult with X = U_k Sigma_k, Y = V_k, the baseline as mu, bu, bi, and a
    one-row history whose ``loss`` is ||E - U_k Sigma_k V_k^T||_F^2, the squared error over all
    m n cells of the centred filled matrix (imputed cells included: that is what SVD fits).
    Cost: sparse truncated SVD (ARPACK) of E, about O(k |Omega|) per iteration of ARPACK.

    When every training rating equals its baseline, E = 0: then s = 0, X = 0 and the model is
    the baseline, which is exact on the training set (``truncated_svd`` returns unit vectors
    for V_k). Checks: train a non-empty Ratings; rank an int in [1, min(m, n) - 1]; impute one
    of IMPUTATIONS; test None or a Ratings of train's shape; ratings at most 1e100 in size (so
    that the squared loss fits in float64).
    """
    start = time.perf_counter()
    train = check_ratings(train, "train")
    rank = check_rank(rank, min(train.shape) - 1, "min(n_users, n_items) - 1")
    mu, bu, bi = baseline(train, impute)
    E = _residual(train, mu, bu, bi)
    U, s, Vt = truncated_svd(E, rank)
    model = FitResult(U * s, Vt.T, mu, bu, bi,
                      params={"method": "truncated SVD", "rank": rank, "impute": impute})
    loss = max(sp.linalg.norm(E) ** 2 - np.sum(s ** 2), 0.0)     # Eckart-Young, squared
    record_iteration(model, loss, time.perf_counter() - start, train, check_test(test, train))
    return model


def rmse_by_rank(train: Ratings, test: Ratings, max_rank: int = 50,
                 impute: str = "user") -> dict[str, np.ndarray]:
    """Train and test RMSE of the SVD recommender for every rank k = 0 .. max_rank at once.

    One truncated SVD at max_rank suffices: the rank-k prediction adds the first k terms of
    b_ui + sum_j U_uj sigma_j V_ij, so a cumulative sum over j gives every k. Rank 0 is the
    baseline alone. Returns {"rank", "train_rmse", "test_rmse"} arrays of length max_rank + 1.
    Checks: as ``svd_recommender``, with test required and max_rank in place of rank.
    """
    train = check_ratings(train, "train")
    test = check_test(check_ratings(test, "test"), train)
    max_rank = check_rank(max_rank, min(train.shape) - 1, "min(n_users, n_items) - 1", "max_rank")
    mu, bu, bi = baseline(train, impute)
    U, s, Vt = truncated_svd(_residual(train, mu, bu, bi), max_rank)
    out = {"rank": np.arange(max_rank + 1)}
    for name, data in (("train_rmse", train), ("test_rmse", test)):
        terms = U[data.users] * s * Vt.T[data.items]             # |T| x k, term j of the sum
        pred = _baseline_at(mu, bu, bi, data.users, data.items)
        cum = np.concatenate([pred[:, None], pred[:, None] + np.cumsum(terms, axis=1)], axis=1)
        out[name] = np.array([rmse(data.values, cum[:, k]) for k in range(max_rank + 1)])
    return out


def top_n(model: FitResult, user: int, train: Ratings, n: int = 10) -> list[tuple[int, str, float]]:
    """The n best unrated items for ``user`` as (item id, label, predicted rating), best first.

    Checks: model a FitResult, train a Ratings of the model's shape, user an int in [0, m - 1],
    n an int >= 1. Fewer than n come back only if ``user`` has fewer than n unrated items.
    """
    check_fit_result(model, "model")
    train = check_ratings(train, "train", allow_empty=True)
    if train.shape != (model.n_users, model.n_items):
        raise ValueError(f"train must have the model's shape {(model.n_users, model.n_items)}, "
                         f"got {train.shape}")
    n = check_int(n, "n", low=1)
    items = model.recommend(user, n, exclude=train)
    labels = train.item_labels or tuple(f"item {i}" for i in range(train.n_items))
    predicted = model.predict(np.full(len(items), user), items)
    return [(int(i), labels[i], float(p)) for i, p in zip(items, predicted)]
