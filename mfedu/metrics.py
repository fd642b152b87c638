"""Error metrics for rating prediction, ranking metrics for top-N lists (notebooks 02-07).

Rating prediction, over a set T of held-out ratings (in stars; RMSE weighs large errors more):

    RMSE = sqrt( (1/|T|) sum_{(u,i) in T} (r_ui - r̂_ui)^2 )
    MAE  =       (1/|T|) sum_{(u,i) in T} |r_ui - r̂_ui|

Ranking. Every ranking metric takes ``model`` (a FitResult, or an (m, n) array of scores),
``test`` (held-out Ratings) and ``train`` (the Ratings the model was fitted on, or None). For
each user u with at least one test entry:

- the candidates are all items except u's training items (recommending those again is useless);
- the model's scores r̂_ui order the candidates, best first (equal scores: lower item id first);
- the relevant items Rel_u are u's test items (to count only liked items, pass
  ``test.subset(test.values >= 4)``); L_u is the top-k list; hit_j = 1 if its j-th item is in Rel_u.

    precision@k = |L_u ∩ Rel_u| / k
    recall@k    = |L_u ∩ Rel_u| / |Rel_u|
    AP@k        = sum_{j<=k} hit_j precision@j / min(k, |Rel_u|)           (MAP@k: its mean)
    NDCG@k      = sum_{j<=k} hit_j / log2(j + 1)  /  sum_{j<=min(k,|Rel_u|)} 1 / log2(j + 1)
    AUC_u       = the fraction of pairs (relevant i, non-relevant candidate j) with r̂_ui > r̂_uj
                  (a tie counts 1/2)

are averaged over those users. Expected percentile rank (Hu, Koren, Volinsky 2008, section 6)
weighs every test entry by its value r^t_ui (e.g. a play count), with rank_ui the position of
i in u's candidate list as a fraction, 0 = top and 1 = bottom (tied scores share their mean):

    expected percentile rank = sum_{(u,i) in T} r^t_ui rank_ui / sum_{(u,i) in T} r^t_ui

A random order gives about 0.5 (lower is better); the paper reports it in percent.
``popularity_baseline(train)`` is the model to beat: it ranks items by their number of users.
"""
from __future__ import annotations


import numpy as np
from scipy.stats import rankdata

from ._validate import check_float, check_int, check_matrix, check_vector
from .data import Ratings, check_ratings
from .loss import NotFiniteError, predict
from .result import FitResult, check_fit_result

CHUNK_USERS = 256      # users scored at once: a CHUNK_USERS x n block, never the full m x n
RANKING_METRICS = ("precision", "recall", "map", "ndcg", "auc", "epr")


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = check_vector(y_true, "y_true")
    y_pred = check_vector(y_pred, "y_pred", length=len(y_true), length_name=f"len(y_true) = {len(y_true)}")
    if len(y_true) == 0:
        raise ValueError("y_true must contain at least one rating")
    return y_true, y_pred


def _scaled_errors(y_true, y_pred) -> tuple[float, np.ndarray]:
    """The errors e = y_true - y_pred as (c, e / c), with c the power of 2 nearest below max |e|.

    Every |e / c| < 2, so squaring and summing them cannot overflow, and c times a mean of them
    is the metric: finite errors near 1e200 give a finite RMSE instead of inf. Dividing by a
    power of 2 is exact (only exponents change), so ordinary inputs get the very same digits as
    without the scaling. Only the difference itself can overflow (1e308 - (-1e308)): then no
    float64 holds the error, and this raises a ValueError.
    """
    with np.errstate(over="ignore"):
        e = y_true - y_pred
    if not np.all(np.isfinite(e)):
        j = int(np.flatnonzero(~np.isfinite(e))[0])
        raise ValueError(f"y_pred is too far from y_true for float64: the error y_true - y_pred "
                         f"overflows at position {j} ({y_true[j]:g} - {y_pred[j]:g})")
    largest = float(np.max(np.abs(e)))
    if largest == 0.0:
        return 1.0, e
    c = float(np.ldexp(1.0, np.frexp(largest)[1] - 1))    # 2^k <= largest < 2^(k+1)
    return c, e / c


def rmse(y_true, y_pred) -> float:
    """Root mean squared error between true and predicted ratings.

    Checks: y_true and y_pred 1-D arrays of finite real numbers of the same length >= 1.
    Computed as c sqrt(mean((e / c)^2)) with c a power of 2 near max |e| (``_scaled_errors``):
    the same number as sqrt(mean(e^2)), but errors near 1e200 do not overflow to inf; a
    ValueError if an error y_true - y_pred is itself beyond float64.
    """
    c, e = _scaled_errors(*_pair(y_true, y_pred))
    return float(c * np.sqrt(np.mean(e ** 2)))


def model_rmse(model: FitResult, ratings: Ratings | None, name: str = "ratings") -> float:
    """RMSE of ``model.predict_ratings`` on ``ratings``, as the trainers log it after every iteration.

    NaN when ``ratings`` is None (no test set) or when the model or a prediction is not finite
    (a diverging run is reported by its trainer, not by a failing metric).
    Checks: model a FitResult whose attributes have the right types and shapes (TypeError or
    ValueError naming e.g. model.X otherwise), ratings None or a non-empty Ratings of the
    model's shape; ``name`` is what messages call ratings (e.g. "test").
    """
    model = check_fit_result(model, finite=False)    # an attribute may have been replaced
    if ratings is None:
        return float("nan")
    ratings = check_ratings(ratings, name)
    if ratings.shape != (model.n_users, model.n_items):
        raise ValueError(f"{name} must have the model's shape {(model.n_users, model.n_items)}, "
                         f"got {ratings.shape}")
    parts = (model.X, model.Y, model.mu, model.bu, model.bi)
    if not all(np.all(np.isfinite(p)) for p in parts if p is not None):
        return float("nan")
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            pred = model.predict_ratings(ratings)
    except NotFiniteError:               # a prediction overflowed: the trainer reports divergence
        return float("nan")
    return rmse(ratings.values, pred)


def record_iteration(model: FitResult, loss: float, seconds: float, train: Ratings | None = None,
                     test: Ratings | None = None, *, on_nonfinite: str | None = None) -> None:
    """Append one history row to ``model``: the trainer's loss, RMSE on ``train`` and ``test``
    (NaN for a set not given) and the cumulative ``seconds``. Every trainer records its rows
    this way. ``on_nonfinite``: if given and the loss is NaN or inf, the row is still recorded,
    then a FloatingPointError saying "the loss became ...: <on_nonfinite>" is raised.
    """
    if not isinstance(model, FitResult):
        raise TypeError(f"model must be an mfedu.result.FitResult, got {type(model).__name__}")
    loss = check_float(loss, "loss", allow_nan=True, allow_inf=True)
    seconds = check_float(seconds, "seconds", low=0.0)
    if on_nonfinite is not None and not isinstance(on_nonfinite, str):
        raise TypeError(f"on_nonfinite must be None or a str (the advice to give), got "
                        f"{type(on_nonfinite).__name__} {on_nonfinite!r}")
    model.log(loss, model_rmse(model, train, "train"), model_rmse(model, test, "test"), seconds)
    if on_nonfinite is not None and not np.isfinite(loss):
        raise FloatingPointError(f"the loss became {loss}: {on_nonfinite}")


def mae(y_true, y_pred) -> float:
    """Mean absolute error between true and predicted ratings.

    Checks: as ``rmse``; computed as c mean(|e / c|), so that the sum cannot overflow.
    """
    c, e = _scaled_errors(*_pair(y_true, y_pred))
    return float(c * np.mean(np.abs(e)))


# ----------------------------------------------------------------------------- ranking

def precision_at_k(model, test: Ratings, train: Ratings | None, k: int = 10) -> float:
    """Mean over test users of |top-k ∩ Rel_u| / k (see the module docstring)."""
    return _ranking(model, test, train, k, ("precision",))["precision"]


def recall_at_k(model, test: Ratings, train: Ratings | None, k: int = 10) -> float:
    """Mean over test users of |top-k ∩ Rel_u| / |Rel_u|."""
    return _ranking(model, test, train, k, ("recall",))["recall"]


def map_at_k(model, test: Ratings, train: Ratings | None, k: int = 10) -> float:
    """Mean average precision: mean over test users of sum_j hit_j precision@j / min(k, |Rel_u|)."""
    return _ranking(model, test, train, k, ("map",))["map"]


def ndcg_at_k(model, test: Ratings, train: Ratings | None, k: int = 10) -> float:
    """Mean over test users of DCG@k / ideal DCG@k, binary relevance, discount 1 / log2(j + 1)."""
    return _ranking(model, test, train, k, ("ndcg",))["ndcg"]


def auc(model, test: Ratings, train: Ratings | None) -> float:
    """Mean over test users of the fraction of (relevant, non-relevant) pairs ordered correctly.

    A user whose candidates are all relevant has no such pair and is left out of the mean; if
    that is every test user, AUC is undefined and a ValueError says so.
    """
    return _ranking(model, test, train, 1, ("auc",))["auc"]


def expected_percentile_rank(model, test: Ratings, train: Ratings | None) -> float:
    """sum r^t_ui rank_ui / sum r^t_ui over the test entries (Hu et al. 2008): 0 best, ~0.5 random."""
    return _ranking(model, test, train, 1, ("epr",))["epr"]


def ranking_metrics(model, test: Ratings, train: Ratings | None, k: int = 10) -> dict[str, float]:
    """All six ranking metrics in one pass: {"precision", "recall", "map", "ndcg", "auc", "epr"}.

    The @k metrics use ``k``; the definitions are in the module docstring. Users are scored
    CHUNK_USERS at a time, so memory stays O(CHUNK_USERS n).

    Checks (every ranking metric): model a FitResult whose parameters are all finite, or an
    (m, n) array of finite scores; test a non-empty Ratings of the model's shape with values > 0;
    train None or a Ratings of that shape sharing no (user, item) pair with test; k an int in
    [1, n]. A score that turns out NaN or inf (parameters too large for float64) is a
    ValueError, never a silent miss.
    """
    return _ranking(model, test, train, k, RANKING_METRICS)


def _ranking(model, test, train, k, which) -> dict[str, float]:
    score, test, train = _check_ranking(model, test, train)
    k = check_int(k, "k", low=1, high=test.n_items, high_text=f"n_items = {test.n_items}")
    T = test.to_csr()
    train_items = None if train is None else train.to_csr()
    users = np.flatnonzero(np.diff(T.indptr))                  # users with a test entry
    sums = dict.fromkeys(RANKING_METRICS, 0.0)
    n_auc, epr_weight, w_scale = 0, 0.0, float(test.values.max())
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    for start in range(0, len(users), CHUNK_USERS):
        chunk = users[start:start + CHUNK_USERS]
        S = score(chunk)                                        # (b, n) scores r̂_ui
        if not np.all(np.isfinite(S)):                          # never let NaN rank as a miss
            u = int(chunk[np.flatnonzero(~np.all(np.isfinite(S), axis=1))[0]])
            raise ValueError(f"model gives a score that is not finite (NaN or inf) for user {u}: "
                             "its parameters are too large for float64 arithmetic")
        if train_items is not None:
            rows, cols = train_items[chunk].nonzero()
            S[rows, cols] = -np.inf                             # training items are not candidates
        value = T[chunk].toarray()                              # r^t_ui, 0 where not a test item
        rel = value != 0
        n_rel = rel.sum(axis=1)
        n_cand = np.isfinite(S).sum(axis=1)
        if {"precision", "recall", "map", "ndcg"} & set(which):
            top = np.argsort(-S, axis=1, kind="stable")[:, :k]
            hits = np.take_along_axis(rel, top, axis=1)         # hit_j for j = 1..k
            n_hits = hits.sum(axis=1)
            sums["precision"] += np.sum(n_hits / k)
            sums["recall"] += np.sum(n_hits / n_rel)
            precision_j = np.cumsum(hits, axis=1) / np.arange(1, k + 1)
            sums["map"] += np.sum((precision_j * hits).sum(axis=1) / np.minimum(k, n_rel))
            ideal = np.cumsum(discount)[np.minimum(k, n_rel) - 1]
            sums["ndcg"] += np.sum(hits @ discount / ideal)
        if {"auc", "epr"} & set(which):
            d = rankdata(-S, method="average", axis=1)          # 1 = best; excluded items last
            if "auc" in which:
                n_neg = n_cand - n_rel
                ok = n_neg > 0                                  # AUC needs a non-relevant item
                # Mann-Whitney: correctly ordered pairs = sum of ascending ranks of Rel_u - P(P+1)/2
                ascending = np.where(rel, n_cand[:, None] + 1 - d, 0.0).sum(axis=1)
                pairs = ascending - n_rel * (n_rel + 1) / 2
                sums["auc"] += np.sum(pairs[ok] / (n_rel[ok] * n_neg[ok]))
                n_auc += int(ok.sum())
            if "epr" in which:
                rank_ui = (d - 1) / np.maximum(n_cand - 1, 1)[:, None]   # 0 = top, 1 = bottom
                weight = value / w_scale        # r^t_ui / max r^t: the same ratio, no overflow
                sums["epr"] += np.sum(weight * rank_ui)
                epr_weight += weight.sum()
    if "auc" in which and n_auc == 0:
        raise ValueError("auc is undefined here: for every test user, each candidate item (an item "
                         "not in train) is a test item, so there is no (relevant, non-relevant) "
                         "pair to order; keep some items of each user out of both test and train")
    per = {"auc": n_auc, "epr": epr_weight}
    return {name: float(sums[name] / per.get(name, len(users))) for name in which}


def popularity_baseline(train: Ratings) -> FitResult:
    """The popularity recommender: r̂_ui = n_i, the number of training users of item i.

    Returned as a FitResult with zero factors (rank 1), mu = 0 and bi = n_i, so every metric
    and ``FitResult.recommend`` accept it; its history is empty (nothing is trained).
    """
    train = check_ratings(train, "train")
    return FitResult(np.zeros((train.n_users, 1)), np.zeros((train.n_items, 1)), 0.0, None,
                     train.item_counts().astype(np.float64), params={"method": "popularity"})


def _check_ranking(model, test, train):
    """Validate the inputs of the ranking metrics; return a function users -> (b, n) scores."""
    test = check_ratings(test, "test")
    if test.values.min() <= 0:
        raise ValueError(f"test values must be > 0 (ratings or counts), got {test.values.min()}")
    if isinstance(model, FitResult):
        check_fit_result(model, "model")          # its attributes may have changed since it was built
        shape = (model.n_users, model.n_items)

        def score(users):
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    return predict(model.X, model.Y, users, None, model.mu, model.bu, model.bi)
            except NotFiniteError:   # a score overflowed: NaN, which _ranking reports by name
                return np.full((len(users), shape[1]), np.nan)
    elif isinstance(model, np.ndarray):
        scores = check_matrix(model, "model")
        shape = scores.shape

        def score(users):
            return scores[users].copy()
    else:
        raise TypeError("model must be a FitResult or an (n_users, n_items) array of scores, "
                        f"got {type(model).__name__}")
    if test.shape != shape:
        raise ValueError(f"test must have the model's shape {shape}, got {test.shape}")
    if train is not None:
        train = check_ratings(train, "train", allow_empty=True)
        if train.shape != shape:
            raise ValueError(f"train must have the model's shape {shape}, got {train.shape}")
        shared = np.intersect1d(train.users * shape[1] + train.items,
                                test.users * shape[1] + test.items)
        if len(shared):
            u, i = divmod(int(shared[0]), shape[1])
            raise ValueError(f"test and train share {len(shared)} (user, item) pairs, e.g. "
                             f"({u}, {i}); split them with mfedu.data.train_test_split")
    return score, test, train
