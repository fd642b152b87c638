"""The one result type every trainer in mfedu returns (truncated SVD, GD, SGD, Adam, ALS, Spark).

A fitted model predicts r̂_ui = mu + b_u + b_i + x_u . y_i (``mfedu.loss.predict``; terms it does
not have are 0), and remembers how training went, one row per iteration, so any two runs plot on
one figure. Trainers append a row with ``mfedu.metrics.record_iteration``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import check_bool, check_float, check_ids, check_int, check_vector
from .data import Ratings, check_ratings
from .loss import check_model, predict

HISTORY_KEYS = ("loss", "train_rmse", "test_rmse", "seconds")


def lam_convention(weighted: bool) -> str:
    """The value of ``params["lam_convention"]`` that every trainer records: which penalty lam
    multiplies (``mfedu.loss``: plain sum, or weighted by the rating counts n_u and n_i)."""
    return "weighted: lam * n_u, lam * n_i" if check_bool(weighted, "weighted") else "plain: lam"


@dataclass(eq=False)
class FitResult:
    """Factors, biases and training history of a matrix-factorisation model.

    Attributes
    ----------
    X : (m, k) user factors, row x_u.     Y : (n, k) item factors, row y_i.
    mu : global offset (0.0 if the model has none).
    bu, bi : (m,), (n,) user and item biases, or None if the model has none.
    history : dict of equal-length lists keyed by HISTORY_KEYS, one entry per iteration
        (ALS sweep, GD step, SGD epoch; a one-shot method such as truncated SVD has one row).
        ``loss`` is the trainer's own objective (its docstring gives the lambda convention);
        ``test_rmse`` is NaN when no test set was given; ``seconds`` is cumulative wall time.
    params : the hyper-parameters that produced the model, e.g. {"method": "svd", "rank": 10};
        trainers with a lambda also record ``lam`` and ``lam_convention`` (``lam_convention()``).

    Checks, when built: X (m, k) and Y (n, k) finite real matrices with the same k (k = 0 is
    allowed: a model of biases only, such as a baseline); mu a finite real number; bu and bi
    None or finite real vectors of lengths m and n (lists are converted to float64 arrays);
    history a dict with exactly the keys HISTORY_KEYS; params a dict. Each error names the
    attribute, e.g. "mu must be finite, got nan". Attributes reassigned later are not checked
    again until ``check_fit_result`` (every metric calls it).
    """

    X: np.ndarray
    Y: np.ndarray
    mu: float = 0.0
    bu: np.ndarray | None = None
    bi: np.ndarray | None = None
    history: dict = field(default_factory=lambda: {key: [] for key in HISTORY_KEYS})
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        self.X, self.Y, self.mu, self.bu, self.bi = check_model(
            self.X, self.Y, self.mu, self.bu, self.bi)
        if not isinstance(self.history, dict):
            raise TypeError(f"history must be a dict, got {type(self.history).__name__}")
        if set(self.history) != set(HISTORY_KEYS):
            raise ValueError(f"history must have exactly the keys {HISTORY_KEYS}")
        if not isinstance(self.params, dict):
            raise TypeError(f"params must be a dict, got {type(self.params).__name__}")

    @property
    def n_users(self) -> int:
        return self.X.shape[0]

    @property
    def n_items(self) -> int:
        return self.Y.shape[0]

    @property
    def rank(self) -> int:
        return self.X.shape[1]

    def predict(self, users, items) -> np.ndarray:
        """r̂_ui = mu + b_u + b_i + x_u . y_i for aligned arrays of user and item ids."""
        if items is None:
            raise TypeError("items must be an array of item ids aligned with users (for every "
                            "item of one user, use scores(user))")
        u = check_ids(users, "users", self.n_users, "n_users")
        i = check_ids(items, "items", self.n_items, "n_items")
        return predict(self.X, self.Y, u, i, self.mu, self.bu, self.bi)

    def scores(self, user: int) -> np.ndarray:
        """r̂_ui for one user and every item i: a length-n vector."""
        u = check_int(user, "user", low=0, high=self.n_users - 1)
        return predict(self.X, self.Y, [u], None, self.mu, self.bu, self.bi)[0]

    def predict_ratings(self, ratings: Ratings) -> np.ndarray:
        """r̂_ui for every entry of ``ratings`` (what every metric of mfedu scores): ``predict`` on
        its users and items. A model whose predictions need more (timeSVD++: the times) overrides it."""
        ratings = check_ratings(ratings, "ratings")
        return self.predict(ratings.users, ratings.items)

    def recommend(self, user: int, k: int = 10, exclude: Ratings | None = None) -> np.ndarray:
        """The ids of the k items with the highest r̂_ui for ``user``, best first.

        ``exclude``: a Ratings (usually the training set) whose items for this user are left
        out, since recommending what someone already rated is of no use. Ties go to the
        lower item id. Fewer than k ids come back only when fewer than k items are left after
        the exclusion (none at all if ``user`` has rated every item); never because of a score.
        Checks: user an int in [0, m - 1], k an int >= 1, exclude None or a Ratings of the
        model's shape.
        """
        return self.rank_items(user, self.scores(user), k, exclude)

    def rank_items(self, user: int, scores, k: int = 10, exclude: Ratings | None = None) -> np.ndarray:
        """``recommend``'s ranking for given ``scores`` (one per item): the k best ids, best first,
        leaving out ``user``'s items in ``exclude``; ties go to the lower id."""
        user = check_int(user, "user", low=0, high=self.n_users - 1)
        s = check_vector(scores, "scores", length=self.n_items, length_name=f"n_items = {self.n_items}")
        k = check_int(k, "k", low=1)
        candidate = np.ones(self.n_items, dtype=bool)
        if exclude is not None:
            exclude = check_ratings(exclude, "exclude", allow_empty=True)
            if exclude.shape != (self.n_users, self.n_items):
                raise ValueError(f"exclude must have shape {(self.n_users, self.n_items)}, "
                                 f"got {exclude.shape}")
            candidate[exclude.items[exclude.users == user]] = False
        items = np.flatnonzero(candidate)                  # ascending ids: ties keep that order
        return items[np.argsort(-s[items], kind="stable")][:k]

    def log(self, loss: float, train_rmse: float, test_rmse: float, seconds: float) -> None:
        """Append one row to the history (trainers do it through ``metrics.record_iteration``).

        Checks: loss a real number (NaN or inf allowed: the last row of a run that diverged);
        train_rmse and test_rmse NaN (no such set, or a non-finite model) or finite >= 0;
        seconds finite >= 0. Nothing is appended unless all four pass."""
        row = (check_float(loss, "loss", allow_nan=True, allow_inf=True),
               check_float(train_rmse, "train_rmse", low=0.0, allow_nan=True),
               check_float(test_rmse, "test_rmse", low=0.0, allow_nan=True),
               check_float(seconds, "seconds", low=0.0))
        for key, value in zip(HISTORY_KEYS, row):
            self.history[key].append(value)


def check_fit_result(model, name: str = "model", finite: bool = True) -> FitResult:
    """Raise a TypeError unless ``model`` is a FitResult, and a ValueError if its attributes no
    longer pass the checks of ``FitResult`` (they can be reassigned after it is built: a trainer
    may have left NaN in X). Messages name the attribute, e.g. "model.mu must be finite, got nan".
    ``finite=False`` checks types and shapes only (for reporting a diverged model as NaN).
    An attribute that passes but is not a numpy array (e.g. a list assigned to model.X after
    the model was built) is stored back as the float64 array FitResult holds; arrays are left
    as they are, since a trainer may be updating them in place."""
    if not isinstance(model, FitResult):
        raise TypeError(f"{name} must be an mfedu.result.FitResult, got {type(model).__name__}")
    finite = check_bool(finite, "finite")
    checked = check_model(model.X, model.Y, model.mu, model.bu, model.bi, prefix=f"{name}.",
                          finite=finite)
    for attr, value in zip(("X", "Y", "mu", "bu", "bi"), checked):
        if not isinstance(getattr(model, attr), np.ndarray):
            setattr(model, attr, value)
    return model
